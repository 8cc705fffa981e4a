//! CSRF protection without server state (DESIGN.md rule 5): a random cookie,
//! and a form token that is its HMAC under the server's secret, bound also to
//! the staff session cookie when there is one, so a token taken from one
//! browser is worthless with another's session, and to the agency served,
//! so a token of one agency is worthless on another's pages. A forged cross-site form has
//! neither; the token cannot be computed without the secret. On top,
//! [`refuse_cross_site`] turns away unsafe requests that the browser says
//! come from another site (`Sec-Fetch-Site`, `Origin`). Over HTTPS the
//! cookies are `__Host-` cookies, which no sibling domain can plant.

use axum::extract::Request;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The hidden form field every POST form carries.
pub const FIELD: &str = "_csrf";

/// The portal's cookie names: `__Host-` ones when served over HTTPS (the
/// browser then requires `Secure`, `Path=/` and no `Domain`).
#[derive(Debug, Clone, Copy)]
pub struct CookieNames {
    pub csrf: &'static str,
    pub session: &'static str,
}

impl CookieNames {
    pub fn new(secure: bool) -> Self {
        if secure {
            Self { csrf: "__Host-siang_csrf", session: "__Host-siang_session" }
        } else {
            Self { csrf: "siang_csrf", session: "siang_session" }
        }
    }

    /// The names for a portal under a path prefix (`SIANG_PUBLIC_URL` with
    /// a path), whose cookies carry `Path=/prefix`, which `__Host-` cookies
    /// may not: `__Secure-` ones over HTTPS (no sibling domain can set them
    /// over plain HTTP).
    pub fn under_prefix(secure: bool) -> Self {
        if secure {
            Self { csrf: "__Secure-siang_csrf", session: "__Secure-siang_session" }
        } else {
            Self::new(false)
        }
    }
}

/// This request's CSRF cookie, put in the request by [`ensure_cookie`]; the
/// page's form token is made from it for the agency served
/// (`CsrfKey::form_token`).
#[derive(Debug, Clone)]
pub struct CsrfCookie(pub String);

#[derive(Clone)]
pub struct CsrfKey {
    secret: Vec<u8>,
    pub names: CookieNames,
}

impl CsrfKey {
    pub fn new(secret: &[u8], names: CookieNames) -> Self {
        Self { secret: secret.to_vec(), names }
    }

    /// The token for a CSRF cookie and the staff session cookie beside it
    /// (empty when logged out).
    fn token_for(&self, cookie: &str, session: &str, agency_id: i64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(b"siang-csrf:");
        mac.update(cookie.as_bytes());
        mac.update(b"\0session:");
        mac.update(session.as_bytes());
        mac.update(b"\0agency:");
        mac.update(agency_id.to_string().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The form token of a page of `agency_id` for this request's cookies.
    pub fn form_token(&self, headers: &HeaderMap, cookie: &CsrfCookie, agency_id: i64) -> String {
        self.token_for(&cookie.0, self.session_cookie(headers), agency_id)
    }

    fn session_cookie<'a>(&self, headers: &'a HeaderMap) -> &'a str {
        read_cookie(headers, self.names.session).unwrap_or_default()
    }

    /// An HMAC of `data` under the server's secret, for `purpose` (so a
    /// signature made for one use is never accepted for another).
    pub fn sign(&self, purpose: &str, data: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(data.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `signature` is [`Self::sign`]'s for `data`, in constant time.
    pub fn signed(&self, purpose: &str, data: &str, signature: &str) -> bool {
        self.sign(purpose, data).as_bytes().ct_eq(signature.as_bytes()).into()
    }

    /// Signs residents' tracking passes with the same secret (its own prefix
    /// keeps passes and form tokens apart).
    pub fn pass_key(&self) -> crate::domain::privacy::pass::PassKey {
        crate::domain::privacy::pass::PassKey::new(&self.secret)
    }

    /// Whether `token` was made for the cookies this request carries, on a
    /// page of `agency_id`.
    pub fn verify(&self, headers: &HeaderMap, agency_id: i64, token: &str) -> bool {
        let Some(cookie) = read_cookie(headers, self.names.csrf) else {
            return false;
        };
        self.token_for(cookie, self.session_cookie(headers), agency_id).as_bytes().ct_eq(token.as_bytes()).into()
    }
}

/// What the middlewares here need: the key, and whether the portal is
/// served over HTTPS.
#[derive(Clone)]
pub struct CsrfCookies {
    pub key: CsrfKey,
    pub secure: bool,
    /// The origin of `SIANG_PUBLIC_URL`, which an `Origin` may also name.
    pub public_origin: Option<String>,
}

/// Gives every visitor a CSRF cookie (once), and every request its value.
pub async fn ensure_cookie(
    axum::extract::State(cookies): axum::extract::State<CsrfCookies>,
    mut request: Request,
    next: Next,
) -> Response {
    let names = cookies.key.names;
    let existing = read_cookie(request.headers(), names.csrf)
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
    request.extensions_mut().insert(CsrfCookie(cookie.clone()));
    let mut response = next.run(request).await;
    if fresh {
        if let Ok(value) = HeaderValue::from_str(&cookie_header(names.csrf, &cookie, None, cookies.secure)) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// Refuses unsafe requests (anything but GET, HEAD, OPTIONS, TRACE) that the
/// browser marks as coming from another site. Browsers that send
/// `Sec-Fetch-Site` are believed: only `same-origin` and `none` (typed or
/// bookmarked) go on. Otherwise an `Origin`, if sent, must be this host
/// (`null` is not). Requests with neither header (API clients, old browsers)
/// go on to the form token, which forms still need. Behind a reverse proxy
/// the original `Host` must be passed on for the `Origin` comparison.
pub async fn refuse_cross_site(
    axum::extract::State(cookies): axum::extract::State<CsrfCookies>,
    request: Request,
    next: Next,
) -> Response {
    use axum::response::IntoResponse;
    let public = cookies.public_origin.as_deref();
    if !request.method().is_safe() && is_cross_site(request.headers(), request.uri(), cookies.secure, public) {
        return crate::error::AppError::CrossSite.into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap, uri: &axum::http::Uri, https: bool, public_origin: Option<&str>) -> bool {
    // A header that is not text cannot name this site.
    let header = |name| headers.get(name).map(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return !matches!(site, Some("same-origin" | "none"));
    }
    let origin = match header("origin") {
        None => return false,
        Some(origin) => origin.and_then(|o| url::Url::parse(o).ok()),
    };
    let Some(origin) = origin else {
        return true;
    };
    if public_origin.is_some_and(|public| public == origin.origin().ascii_serialization()) {
        return false;
    }
    let host = header("host").flatten().or_else(|| uri.authority().map(|a| a.as_str()));
    let scheme_ok = if https { origin.scheme() == "https" } else { matches!(origin.scheme(), "http" | "https") };
    let origin_host = match (origin.host_str(), origin.port()) {
        (Some(name), Some(port)) => format!("{name}:{port}"),
        (Some(name), None) => name.to_owned(),
        (None, _) => return true,
    };
    !(scheme_ok && host.is_some_and(|host| host.eq_ignore_ascii_case(&origin_host)))
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
