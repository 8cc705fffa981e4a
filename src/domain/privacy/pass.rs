//! A tracking pass: the tracking page's proof, for an hour, that whoever
//! holds the page opened the submission with its key. The personal-data
//! buttons on that page carry the pass, so the key itself is never written
//! into a page, and nothing is kept on the server (DESIGN.md rule 5).

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How long the buttons of a tracking page keep working.
pub const LIFETIME: Duration = Duration::hours(1);

/// Signs passes with the server's secret (shared by every instance).
#[derive(Clone)]
pub struct PassKey(Vec<u8>);

impl PassKey {
    pub fn new(secret: &[u8]) -> Self {
        Self(secret.to_vec())
    }

    fn mac(&self, agency_id: i64, tracking_code: &str, expires: i64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        // Its own prefix, so no other token signed with the secret is a pass;
        // the agency, so that one agency's pass opens nothing of another's
        // (tracking codes are unique per agency only).
        mac.update(b"siang-tracking-pass:");
        mac.update(agency_id.to_string().as_bytes());
        mac.update(b":");
        mac.update(tracking_code.as_bytes());
        mac.update(b":");
        mac.update(expires.to_string().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A pass for the submission `tracking_code` of the agency, valid for [`LIFETIME`].
    pub fn issue(&self, agency_id: i64, tracking_code: &str, now: DateTime<Utc>) -> String {
        let expires = (now + LIFETIME).timestamp();
        format!("{tracking_code}.{expires}.{}", self.mac(agency_id, tracking_code, expires))
    }

    /// The tracking code a genuine, unexpired pass of the agency opens.
    pub fn check(&self, agency_id: i64, pass: &str, now: DateTime<Utc>) -> Option<String> {
        let mut parts = pass.trim().splitn(3, '.');
        let (code, expires, mac) = (parts.next()?, parts.next()?, parts.next()?);
        let expires: i64 = expires.parse().ok()?;
        if expires < now.timestamp() {
            return None;
        }
        let genuine: bool = self.mac(agency_id, code, expires).as_bytes().ct_eq(mac.as_bytes()).into();
        genuine.then(|| code.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_opens_its_own_submission_for_an_hour_only() {
        let key = PassKey::new(b"secret-secret-secret-secret-secret");
        let now = Utc::now();
        let pass = key.issue(1, "2569-000042", now);
        assert_eq!(key.check(1, &pass, now).as_deref(), Some("2569-000042"));
        assert_eq!(key.check(1, &pass, now + LIFETIME - Duration::seconds(1)).as_deref(), Some("2569-000042"));
        assert_eq!(key.check(1, &pass, now + LIFETIME + Duration::seconds(1)), None, "expired");
        assert_eq!(key.check(1, &pass.replacen("000042", "000043", 1), now), None, "another submission");
        assert_eq!(key.check(2, &pass, now), None, "another agency's");
        assert_eq!(PassKey::new(b"another-secret").check(1, &pass, now), None, "another server's");
        assert_eq!(key.check(1, "2569-000042", now), None);
        assert_eq!(key.check(1, "", now), None);
    }
}
