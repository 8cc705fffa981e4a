//! HTTP routes, one module per audience. Handlers extract, call one domain
//! function, and render.

use axum::Router;

use crate::app::AppState;
use crate::error::AppError;

pub mod api;
pub mod public;

pub fn router() -> Router<AppState> {
    Router::new().merge(public::router()).nest("/api/v1", api::router()).fallback(not_found)
}

async fn not_found() -> AppError {
    AppError::NotFound
}
