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
    /// Someone else changed it meanwhile: what was asked no longer applies
    /// to the item as it is now. Nothing was written.
    #[error("changed meanwhile")]
    Conflict,
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

    /// A database error that breaks a unique key becomes `field`'s error
    /// `code`: the database refused what a check before it could not see.
    pub fn unique_as(err: DbErr, field: &str, code: &'static str) -> Self {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Self::invalid(field, code),
            _ => DomainError::Database(err),
        }
    }
}
