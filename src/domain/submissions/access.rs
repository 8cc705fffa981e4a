//! Tracking codes (public) and access keys (private, stored only as a hash).

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
    fn tracking_codes_carry_the_fiscal_year() {
        assert_eq!(tracking_code(2569, 42), "2569-000042");
        assert_eq!(tracking_code(2570, 1_234_567), "2570-1234567");
    }
}
