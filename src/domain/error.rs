//! What a domain function can answer besides success.

use sea_orm::DbErr;

use super::validation::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The input breaks a rule; nothing was written.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The actor may not do this.
    #[error("not permitted")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
    /// Anything else that is the server's fault (e.g. hashing failed).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl DomainError {
    /// A single field error.
    pub fn invalid(field: &str, code: &'static str) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, code);
        DomainError::Invalid(errors)
    }
}
