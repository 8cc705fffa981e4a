use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// 200 `ok` while the database answers a read, 503 otherwise.
pub async fn check(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match crate::db::reachable(&state.db).await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
