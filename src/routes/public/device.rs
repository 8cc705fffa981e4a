//! Submissions remembered on this device, so a resident need not retype a
//! 20-symbol key on every visit. An HttpOnly cookie sent only to `/track`
//! holds the tracking codes and keys the resident chose to keep, signed with
//! the server's secret: only pairs the portal itself proved come back in it,
//! so it never stands in for the rate-limited check of a typed key. Nothing
//! is kept on the server (DESIGN.md rule 5) and nothing goes in a URL.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::csrf::{read_cookie, CsrfKey};
use crate::domain::submissions::access::normalize_tracking_code;
use crate::state::AppState;

pub const COOKIE: &str = "siang_mine";
/// The signature's purpose, so no other signed value is accepted here.
const PURPOSE: &str = "siang-device-submissions";
/// Enough for a household; the oldest is forgotten first.
const MAX_REMEMBERED: usize = 10;
/// About a year (browsers cap cookies at 400 days).
const MAX_AGE_SECONDS: u64 = 365 * 24 * 3600;

/// One remembered submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub code: String,
    pub key: String,
}

/// The submissions this device remembers, newest first.
#[derive(Debug, Clone, Default)]
pub struct Device(Vec<Remembered>);

impl Device {
    /// The remembered submissions from the request's cookie; none when it is
    /// missing, altered or signed under another secret.
    pub fn read(headers: &axum::http::HeaderMap, secret: &CsrfKey) -> Self {
        read_cookie(headers, COOKIE).and_then(|value| Self::decode(value, secret)).unwrap_or_default()
    }

    fn decode(value: &str, secret: &CsrfKey) -> Option<Self> {
        let (payload, signature) = value.rsplit_once('!')?;
        if !secret.signed(PURPOSE, payload, signature) {
            return None;
        }
        let entries = payload
            .split('~')
            .filter_map(|entry| entry.split_once('.'))
            .map(|(code, key)| Remembered { code: code.to_owned(), key: key.to_owned() })
            .take(MAX_REMEMBERED)
            .collect();
        Some(Self(entries))
    }

    /// The cookie's value: `CODE.KEY~CODE.KEY!signature`. Codes are digits
    /// and a dash, keys letters and digits, so nothing needs escaping.
    fn encode(&self, secret: &CsrfKey) -> String {
        let payload = self.0.iter().map(|r| format!("{}.{}", r.code, r.key)).collect::<Vec<_>>().join("~");
        let signature = secret.sign(PURPOSE, &payload);
        format!("{payload}!{signature}")
    }

    pub fn entries(&self) -> &[Remembered] {
        &self.0
    }

    /// The key remembered for a code, however the code is typed.
    pub fn key_for(&self, typed_code: &str) -> Option<&str> {
        let code = normalize_tracking_code(typed_code)?;
        self.0.iter().find(|r| r.code == code).map(|r| r.key.as_str())
    }

    pub fn remembers(&self, typed_code: &str) -> bool {
        self.key_for(typed_code).is_some()
    }

    /// This device with a proven code and key added (or moved to the front).
    pub fn with(mut self, typed_code: &str, key: &str) -> Self {
        let Some(code) = normalize_tracking_code(typed_code) else { return self };
        let key: String = key.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
        self.0.retain(|r| r.code != code);
        self.0.insert(0, Remembered { code, key });
        self.0.truncate(MAX_REMEMBERED);
        self
    }

    /// This device without a code.
    pub fn without(mut self, typed_code: &str) -> Self {
        let code = normalize_tracking_code(typed_code).unwrap_or_default();
        self.0.retain(|r| r.code != code);
        self
    }

    /// The `Set-Cookie` value that stores this list (or removes the cookie
    /// when it is empty).
    pub fn set_cookie(&self, secret: &CsrfKey, secure: bool) -> String {
        let (value, max_age) =
            if self.0.is_empty() { (String::new(), 0) } else { (self.encode(secret), MAX_AGE_SECONDS) };
        let secure = if secure { "; Secure" } else { "" };
        format!("{COOKIE}={value}; Path=/track; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
    }
}

impl FromRequestParts<AppState> for Device {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self::read(&parts.headers, &state.csrf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{header::COOKIE as COOKIE_HEADER, HeaderMap, HeaderValue};

    fn sent_back(set_cookie: &str) -> HeaderMap {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE_HEADER, HeaderValue::from_str(pair).unwrap());
        headers
    }

    #[test]
    fn a_device_remembers_what_it_was_given_and_nothing_forged() {
        let secret = CsrfKey::new(b"secret", crate::csrf::CookieNames::new(false));
        let device = Device::default().with("2570 000001", "abcde-fghjk-mnpqr-stvwx").with("2570-000002", "22222");
        let set = device.set_cookie(&secret, false);
        assert!(set.contains("HttpOnly") && set.contains("Path=/track"));

        let read = Device::read(&sent_back(&set), &secret);
        assert_eq!(read.key_for("2570000001"), Some("ABCDEFGHJKMNPQRSTVWX"));
        assert_eq!(read.entries()[0].code, "2570-000002", "newest first");

        let forged = set.replacen("ABCDE", "ZZZZZ", 1);
        assert!(Device::read(&sent_back(&forged), &secret).entries().is_empty());
        let other_server = CsrfKey::new(b"another secret", crate::csrf::CookieNames::new(false));
        assert!(Device::read(&sent_back(&set), &other_server).entries().is_empty());
    }

    #[test]
    fn forgetting_the_last_one_removes_the_cookie_and_the_list_stays_short() {
        let secret = CsrfKey::new(b"secret", crate::csrf::CookieNames::new(false));
        let one = Device::default().with("2570-000001", "K");
        assert!(one.without("2570000001").set_cookie(&secret, true).contains("Max-Age=0; Secure"));
        let many = (1..=15).fold(Device::default(), |d, n| d.with(&format!("2570-{n:06}"), "K"));
        assert_eq!(many.entries().len(), MAX_REMEMBERED);
        assert_eq!(many.entries()[0].code, "2570-000015");
    }
}
