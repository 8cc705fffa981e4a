//! Protections every request passes through: security headers on every
//! answer, and limits on body size, time and concurrent requests, each
//! refused with the portal's own localized error (413, 408, 503).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

/// Only the portal's own files: no inline script or style, no framing, and
/// forms post only back to the portal.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Pages made to be shown in a frame on the agency's website.
pub const WIDGETS: &str = "/widgets/";

/// The policy of a widget: as [`CONTENT_SECURITY_POLICY`], but framed by
/// the portal's own origin (the agency's site, when the portal lives under
/// it) and by the sites of `SIANG_FRAME_ANCESTORS`.
pub fn widget_policy(frame_ancestors: &[String]) -> String {
    let mut ancestors = String::from("'self'");
    for origin in frame_ancestors {
        ancestors.push(' ');
        ancestors.push_str(origin);
    }
    CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", &format!("frame-ancestors {ancestors}"))
}

/// Adds the security headers to every response, error pages and static files
/// included. HSTS only when the portal is configured for HTTPS: over plain
/// HTTP it would lock browsers out of a development server. Only the
/// widgets may be framed, and only by the sites allowed.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let private = is_private(request.method(), request.uri().path());
    let widget = request.uri().path().starts_with(WIDGETS);
    let mut response = next.run(request).await;
    let framed = widget && response.status().is_success();
    let sandboxed = response.extensions().get::<crate::files::SandboxedFile>().is_some();
    let headers = response.headers_mut();
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    match framed.then(|| HeaderValue::from_str(&widget_policy(&state.config.frame_ancestors.0))) {
        Some(Ok(policy)) => {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        _ => {
            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
    }
    if sandboxed {
        // A second policy: the browser enforces both.
        headers.append(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(crate::files::FILE_POLICY));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Tracking codes appear in URLs: never tell another site where the reader came from.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if state.config.secure_cookies {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// Answers no browser or proxy may keep: every staff page (contact data),
/// every answer to a form (the receipt shows the access key, the tracking
/// result the resident's timeline), and the API's tracking answer.
fn is_private(method: &Method, path: &str) -> bool {
    path == "/staff"
        || path.starts_with("/staff/")
        || path.starts_with("/api/v1/submissions")
        || !matches!(*method, Method::GET | Method::HEAD)
}

/// Refuses bodies over the configured size: at once when `Content-Length`
/// says so, and while reading otherwise (the extractors turn the read error
/// into [`AppError::PayloadTooLarge`], see [`body_read_error`]).
pub async fn limit_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let max = match crate::files::upload_limit(&request) {
        Some(upload) => upload.max(state.config.max_body_bytes),
        None => state.config.max_body_bytes,
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max as u64) {
        return AppError::PayloadTooLarge.into_response();
    }
    next.run(request.map(|body| Body::new(http_body_util::Limited::new(body, max)))).await
}

/// The error for a body that could not be read: too large, or broken.
pub fn body_read_error(err: axum::Error) -> AppError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    while let Some(current) = source {
        if current.is::<http_body_util::LengthLimitError>() {
            return AppError::PayloadTooLarge;
        }
        source = current.source();
    }
    AppError::Malformed(err.to_string())
}

/// Answers 408 when a request (reading its body included) takes longer than
/// configured. Dropping the handler rolls back its open transaction.
pub async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(state.config.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout.into_response(),
    }
}

/// Serves at most the configured number of requests at once and answers 503
/// to the rest straight away: a queue would only make everyone time out.
pub async fn cap_concurrency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Ok(_slot) = state.request_slots.try_acquire() else {
        return AppError::Busy.into_response();
    };
    next.run(request).await
}
