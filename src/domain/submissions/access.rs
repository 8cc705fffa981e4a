//! Tracking codes (public) and access keys (private, stored only as a hash).

use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

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
    let symbols: Vec<char> = (0..KEY_SYMBOLS).map(|_| KEY_ALPHABET[rng.random_range(0..32)] as char).collect();
    symbols.chunks(5).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The stored form of a key. The key has 100 random bits, so a plain SHA-256
/// cannot be brute-forced and keeps submitting fast (argon2 is for passwords,
/// which people choose).
pub fn hash_access_key(key: &str) -> String {
    hex::encode(Sha256::digest(normalize(key).as_bytes()))
}

/// Compares a presented key's hash with the stored one in constant time.
pub fn hashes_match(presented_hash: &str, stored_hash: &str) -> bool {
    presented_hash.as_bytes().ct_eq(stored_hash.as_bytes()).into()
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
        assert!(hashes_match(&hash_access_key(&key.to_lowercase().replace('-', " ")), &stored));
        assert!(!hashes_match(&hash_access_key("00000-00000-00000-00000"), &stored));
        assert!(!stored.contains(&key.replace('-', "")));
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
