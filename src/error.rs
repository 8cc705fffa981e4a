//! One error type for every handler. `IntoResponse` only picks the status and
//! files the error in the response; `error_page::render_error_pages`, which
//! knows the request's language and whether it came to the API, writes the
//! body and logs what went wrong.

use std::sync::Arc;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;

use crate::domain::error::DomainError;
use crate::domain::validation::FieldErrors;
use crate::i18n::{self, Lang};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Changed by someone else meanwhile (409).
    #[error("changed meanwhile")]
    Conflict,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    Unauthorized,
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// A body that could not be read at all; the detail is for the log.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// A path segment or query value that does not parse (`?before=x`).
    #[error("bad value in the address")]
    BadAddress,
    /// Control characters in the address (path or query string).
    #[error("control characters in the address")]
    ControlCharacters,
    #[error("JSON requests need Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("form token missing or wrong")]
    Csrf,
    /// An unsafe request the browser says came from another site.
    #[error("cross-site request")]
    CrossSite,
    #[error("rate limit exceeded")]
    RateLimited,
    /// Too many wrong staff passwords from this client: wait this many seconds.
    #[error("sign-in delayed after failures")]
    LoginDelayed(u64),
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("request took too long")]
    Timeout,
    /// Every request slot is taken; refused at once rather than queued.
    #[error("server busy")]
    Busy,
    #[error("database unavailable: {0}")]
    Unavailable(DbErr),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if database_unreachable(&err) {
            AppError::Unavailable(err)
        } else {
            AppError::Internal(err.into())
        }
    }
}

/// Whether the error says the database cannot be reached (down, cut off, its
/// file gone or locked away) rather than that a query was wrong: the first
/// passes when the database returns, so the reader gets 503, not 500.
fn database_unreachable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::RuntimeErr;
    let sqlx = match err {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match sqlx {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed
        | Sqlx::Protocol(_) => true,
        Sqlx::Database(db) if db.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>().is_some() => {
            // SQLite's result codes for a file that vanished, cannot be opened
            // or written, or is locked too long (primary code in the low
            // byte): BUSY 5, LOCKED 6, READONLY 8, IOERR 10, FULL 13,
            // CANTOPEN 14, NOTADB 26.
            db.code()
                .and_then(|code| code.parse::<i32>().ok())
                .is_some_and(|code| matches!(code & 0xff, 5 | 6 | 8 | 10 | 13 | 14 | 26))
        }
        // PostgreSQL's class 08 (connection exception) and 57P (shutting down).
        Sqlx::Database(db) => db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid(errors) => AppError::Invalid(errors),
            DomainError::Forbidden => AppError::Forbidden,
            DomainError::NotFound => AppError::NotFound,
            DomainError::Conflict => AppError::Conflict,
            DomainError::Database(err) => err.into(),
            DomainError::Internal(err) => AppError::Internal(err),
        }
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::Forbidden | AppError::Csrf | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Malformed(_) | AppError::BadAddress | AppError::ControlCharacters => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RateLimited | AppError::LoginDelayed(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Timeout => StatusCode::REQUEST_TIMEOUT,
            AppError::Unavailable(_) | AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message key under `error.` in the translation files.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Conflict => "conflict",
            AppError::Forbidden => "forbidden",
            AppError::Unauthorized => "unauthorized",
            AppError::Invalid(_) => "invalid",
            AppError::Malformed(_) => "malformed",
            AppError::BadAddress => "bad_address",
            AppError::ControlCharacters => "control_characters",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Csrf => "csrf",
            AppError::CrossSite => "cross_site",
            AppError::RateLimited => "rate_limited",
            AppError::LoginDelayed(_) => "login_delayed",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Timeout => "timeout",
            AppError::Busy => "busy",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

/// The error as filed in the response for `error_page::render_error_pages`.
#[derive(Clone)]
pub(crate) struct Filed(pub(crate) Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        // How long to wait before trying again: a rate-limit window, or a moment.
        let retry_after = match self {
            AppError::RateLimited => Some(60),
            AppError::LoginDelayed(seconds) => Some(seconds),
            AppError::Busy | AppError::Unavailable(_) => Some(5),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        // A timed-out request may have left its body half read: do not reuse the connection.
        if matches!(self, AppError::Timeout | AppError::PayloadTooLarge) {
            response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
        }
        response.extensions_mut().insert(Filed(Arc::new(self)));
        response
    }
}

/// Field errors in the reader's language: field → messages.
pub fn localize(errors: &FieldErrors, lang: Lang) -> serde_json::Map<String, serde_json::Value> {
    errors
        .iter()
        .map(|(field, list)| {
            let messages = list
                .iter()
                .map(|error| {
                    // Numbers as the forms' hints write them: 5,000, not 5000.
                    let params: Vec<(&str, String)> =
                        error.params.iter().map(|(k, v)| (k.as_str(), i18n::group_digits(v))).collect();
                    let args: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    serde_json::Value::String(i18n::t_with(lang, &format!("validation.{}", error.code), &args))
                })
                .collect();
            (field.to_owned(), serde_json::Value::Array(messages))
        })
        .collect()
}
