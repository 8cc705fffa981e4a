//! HTTP routes, one module per audience. Handlers extract, call one domain
//! function, and render.

use axum::Router;

use crate::app::AppState;

pub mod api;
pub mod public;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(public::router())
        .nest("/api/v1", api::router())
}
