//! Pages for residents and the public: no login.

use axum::routing::get;
use axum::Router;

use crate::app::AppState;

mod corruption;
pub mod form;
mod health;
mod home;
mod language;
mod services;
mod submit;
mod track;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/healthz", get(health::check))
        .route("/language/{code}", get(language::switch))
        .route("/submit", get(submit::show).post(submit::create))
        .route("/report-corruption", get(corruption::show).post(corruption::create))
        .route("/track", get(track::show).post(track::lookup))
        .route("/services", get(services::list))
        .route("/services/{slug}", get(services::show))
}
