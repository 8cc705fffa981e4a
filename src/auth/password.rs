//! Passwords with argon2id (the crate's defaults: v19, m=19 MiB, t=2, p=1,
//! OWASP's recommended minimum). Hashing is deliberately slow, so it runs on
//! the blocking pool, never on the async workers.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;

/// Shortest password accepted for a staff account.
pub const MIN_LENGTH: usize = 12;

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| anyhow::anyhow!("{e}"))
    })
    .await?
}

/// Whether `password` matches `stored`. With no stored hash (unknown user) a
/// dummy hash is checked anyway, so the answer takes as long either way and
/// does not tell whether the user exists.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    static DUMMY: LazyLock<String> = LazyLock::new(|| {
        Argon2::default().hash_password(b"no such user, no such password").map(|h| h.to_string()).unwrap_or_default()
    });
    let known = stored.is_some();
    tokio::task::spawn_blocking(move || {
        let hash = stored.unwrap_or_else(|| DUMMY.clone());
        Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify_only_the_right_password() {
        let stored = hash("ความลับยาวพอสมควร".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("ความลับยาวพอสมควร".into(), Some(stored.clone())).await);
        assert!(!verify("ความลับผิด".into(), Some(stored)).await);
        assert!(!verify("anything".into(), None).await);
    }
}
