//! CSRF protection without server state (DESIGN.md rule 4): a random cookie,
//! and a form token that is its HMAC under the server's secret. A forged
//! cross-site form has neither; the token cannot be computed without the
//! secret, and the cookie cannot be read or planted by another site.

use axum::extract::Request;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::app::AppState;

pub const COOKIE_NAME: &str = "siang_csrf";
/// The hidden form field every POST form carries.
pub const FIELD: &str = "_csrf";

/// The token for this request's forms, put in the request by [`ensure_cookie`].
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

#[derive(Clone)]
pub struct CsrfKey(Vec<u8>);

impl CsrfKey {
    pub fn new(secret: &[u8]) -> Self {
        Self(secret.to_vec())
    }

    fn token_for(&self, cookie: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(b"siang-csrf:");
        mac.update(cookie.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Signs residents' tracking passes with the same secret (its own prefix
    /// keeps passes and form tokens apart).
    pub fn pass_key(&self) -> crate::domain::privacy::pass::PassKey {
        crate::domain::privacy::pass::PassKey::new(&self.0)
    }

    /// Whether `token` was made for the cookie this request carries.
    pub fn verify(&self, headers: &HeaderMap, token: &str) -> bool {
        let Some(cookie) = read_cookie(headers, COOKIE_NAME) else {
            return false;
        };
        self.token_for(cookie).as_bytes().ct_eq(token.as_bytes()).into()
    }
}

/// Gives every visitor a CSRF cookie (once) and every request its form token.
pub async fn ensure_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let existing = read_cookie(request.headers(), COOKIE_NAME)
        .filter(|value| value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned);
    let (cookie, fresh) = match existing {
        Some(cookie) => (cookie, false),
        None => {
            let mut bytes = [0u8; 16];
            rand::rng().fill_bytes(&mut bytes);
            (hex::encode(bytes), true)
        }
    };
    request.extensions_mut().insert(CsrfToken(state.csrf.token_for(&cookie)));
    let mut response = next.run(request).await;
    if fresh {
        if let Ok(value) =
            HeaderValue::from_str(&cookie_header(COOKIE_NAME, &cookie, None, state.config.secure_cookies))
        {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// The value of cookie `name`, if the request has it.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax (links from other sites keep
/// working), Secure when served over HTTPS.
pub fn cookie_header(name: &str, value: &str, max_age_seconds: Option<u64>, secure: bool) -> String {
    let mut header = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_seconds {
        header.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        header.push_str("; Secure");
    }
    header
}
