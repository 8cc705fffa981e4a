//! HTTP routes, one module per audience. Handlers extract, call one domain
//! function, and render.

use axum::Router;

use crate::error::AppError;
use crate::state::AppState;

pub mod api;
pub mod api_reference;
pub mod line;
pub mod open311;
pub mod public;
pub mod staff;

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(public::router())
        .merge(staff::router(state))
        .merge(open311::router())
        .merge(line::router())
        .merge(api::router())
        .merge(api_reference::router())
        .fallback(not_found)
}

async fn not_found() -> AppError {
    AppError::NotFound
}
