//! The JSON API (`/api/v1`): the residents' flow for apps and tests.

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

mod participation;
mod submissions;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/submissions", post(submissions::create))
        .route("/submissions/{tracking_code}", get(submissions::show))
        .route("/log", get(participation::log))
        .route("/stats/{fiscal_year}", get(participation::stats))
}
