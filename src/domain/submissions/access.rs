//! Tracking codes (public) and access keys (private, stored only as a hash).

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};

/// Crockford's base32: no I, L, O or U, so a key read aloud or copied by hand
/// survives; 5 bits per symbol.
const KEY_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 20 symbols = 100 bits of randomness (the floor is 80).
const KEY_SYMBOLS: usize = 20;

/// `2569-000042`: the fiscal year and its sequence number.
pub fn tracking_code(fiscal_year: i32, sequence: i64) -> String {
    format!("{fiscal_year}-{sequence:06}")
}

/// The tracking code a person meant, however they typed it: `2570000001`,
/// `2570 000001`, `2570-1` or in Thai digits (`๒๕๗๐-๐๐๐๐๐๑`) all mean
/// `2570-000001`. A phone's numeric keypad often has no hyphen, so any
/// separators, or none, are accepted: the first four digits are the fiscal
/// year and the rest the sequence number. `None` when it cannot be a code.
pub fn normalize_tracking_code(typed: &str) -> Option<String> {
    // Letters (in any script) mean it is not a code; anything else between
    // the digits is a separator.
    if typed.chars().any(char::is_alphabetic) {
        return None;
    }
    let digits: String = typed
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            // Thai digits ๐–๙ (U+0E50–U+0E59).
            '\u{0E50}'..='\u{0E59}' => char::from_digit(c as u32 - 0x0E50, 10),
            _ => None,
        })
        .collect();
    if !(5..=14).contains(&digits.len()) {
        return None;
    }
    let (year, sequence) = digits.split_at(4);
    Some(tracking_code(year.parse().ok()?, sequence.parse().ok()?))
}

/// A fresh access key, grouped for reading: `7K2QM-9XAPR-…`.
pub fn new_access_key() -> String {
    let mut rng = rand::rng();
    grouped((0..KEY_SYMBOLS).map(|_| rng.random_range(0..32)))
}

/// Symbols (0–31) as a key in groups of five.
fn grouped(symbols: impl Iterator<Item = usize>) -> String {
    let symbols: Vec<char> = symbols.map(|s| KEY_ALPHABET[s % 32] as char).collect();
    symbols.chunks(5).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Where a repeatable request came from: a resident form's one-time id or
/// an API client's `Idempotency-Key` (kept apart, so one cannot replay the
/// other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestScope {
    Form,
    Api,
}

/// Makes [`RequestId`]s with the server's secret.
#[derive(Clone)]
pub struct RequestKeys(Vec<u8>);

impl RequestKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self(secret.to_vec())
    }

    /// The request `id` of `scope`.
    pub fn request(&self, scope: RequestScope, id: &str) -> RequestId {
        let scope = match scope {
            RequestScope::Form => "form",
            RequestScope::Api => "api",
        };
        let key_hash = hex::encode(Sha256::digest(format!("{scope}:{id}").as_bytes()));
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(b"siang-access-key:");
        mac.update(key_hash.as_bytes());
        RequestId { key_hash, seed: mac.finalize().into_bytes().into() }
    }
}

/// A request that may come again (a reload, a double click, a client's
/// retry) and must then get the first answer. Only `key_hash` is stored.
#[derive(Clone)]
pub struct RequestId {
    pub key_hash: String,
    /// A secret of this request, never stored: the access key is made from
    /// it, so the same request can be shown the same key again while only
    /// the key's hash is kept.
    seed: [u8; 32],
}

impl std::fmt::Debug for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestId").field("key_hash", &self.key_hash).finish_non_exhaustive()
    }
}

impl RequestId {
    /// The access key of the submission `tracking_code` that this request made.
    pub fn access_key(&self, tracking_code: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.seed).expect("HMAC takes keys of any length");
        mac.update(tracking_code.as_bytes());
        let bytes = mac.finalize().into_bytes();
        // 20 symbols of 5 bits from the first 100 bits.
        let bits = |i: usize| (bytes[i / 8] >> (7 - i % 8)) & 1;
        grouped((0..KEY_SYMBOLS).map(|s| (0..5).fold(0usize, |acc, b| acc << 1 | usize::from(bits(s * 5 + b)))))
    }
}

/// The stored form of a key. The key has 100 random bits, so a plain SHA-256
/// cannot be brute-forced and keeps submitting fast (argon2 is for passwords,
/// which people choose).
pub fn hash_access_key(key: &str) -> String {
    hex::encode(Sha256::digest(normalize(key).as_bytes()))
}

/// What a person may type for a key: any case, with or without dashes and
/// spaces, O for 0 and I or L for 1.
fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_and_forgiving_to_type() {
        let key = new_access_key();
        assert_eq!(key.len(), KEY_SYMBOLS + 3);
        assert_ne!(key, new_access_key());
        let stored = hash_access_key(&key);
        assert_eq!(hash_access_key(&key.to_lowercase().replace('-', " ")), stored);
        assert_ne!(hash_access_key("00000-00000-00000-00000"), stored);
        assert!(!stored.contains(&key.replace('-', "")));
    }

    #[test]
    fn a_repeated_request_gets_the_same_key_and_another_request_another() {
        let keys = RequestKeys::new(b"secret");
        let first = keys.request(RequestScope::Api, "abc");
        let again = keys.request(RequestScope::Api, "abc");
        assert_eq!(first.access_key("2569-000001"), again.access_key("2569-000001"));
        assert_eq!(first.access_key("2569-000001").len(), KEY_SYMBOLS + 3);
        assert_ne!(first.access_key("2569-000001"), first.access_key("2569-000002"));
        let form = keys.request(RequestScope::Form, "abc");
        assert_ne!(form.key_hash, first.key_hash, "a form id cannot replay an API request");
        let other_secret = RequestKeys::new(b"another").request(RequestScope::Api, "abc");
        assert_ne!(other_secret.access_key("2569-000001"), first.access_key("2569-000001"));
    }

    #[test]
    fn tracking_codes_are_found_however_they_are_typed() {
        for typed in
            ["2570-000001", "2570000001", "2570 000001", " 2570–000001 ", "2570-1", "๒๕๗๐-๐๐๐๐๐๑", "2570.000001"]
        {
            assert_eq!(normalize_tracking_code(typed).as_deref(), Some("2570-000001"), "{typed:?}");
        }
        assert_eq!(normalize_tracking_code("25701234567").as_deref(), Some("2570-1234567"));
        for not_a_code in ["", "2570", "abc-000001", "2570-00000x", "99999999999999999999"] {
            assert_eq!(normalize_tracking_code(not_a_code), None, "{not_a_code:?}");
        }
    }

    #[test]
    fn tracking_codes_carry_the_fiscal_year() {
        assert_eq!(tracking_code(2569, 42), "2569-000042");
        assert_eq!(tracking_code(2570, 1_234_567), "2570-1234567");
    }
}
