//! Pages for residents and the public: no login.

use axum::routing::get;
use axum::Router;

use crate::app::AppState;

mod corruption;
mod form;
mod health;
mod home;
mod ita;
mod language;
pub mod log;
mod manual;
mod open_data;
mod plan;
pub mod stats;
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
        .route("/log", get(log::index))
        .route("/log.csv", get(log::csv))
        .route("/log/{tracking_code}", get(log::entry))
        .route("/activities/{id}", get(log::activity))
        .route("/feed.atom", get(log::feed))
        .route("/plan", get(|| current_year("/plan")))
        .route("/plan/{fiscal_year}", get(plan::show))
        .route("/stats", get(|| current_year("/stats")))
        .route("/stats/{fiscal_year}", get(stats::show))
        .route("/manual", get(manual::show))
        .route("/ita", get(|| current_year("/ita")))
        .route("/ita/{fiscal_year}", get(ita::show))
}

/// A Buddhist-Era fiscal year from a URL; anything else is a page that does
/// not exist.
pub fn fiscal_year_param(text: &str) -> Result<i32, crate::error::AppError> {
    text.parse().ok().filter(|y| (2500..=2700).contains(y)).ok_or(crate::error::AppError::NotFound)
}

/// The pages named by fiscal year, at their current year's address.
async fn current_year(base: &'static str) -> axum::response::Redirect {
    let year = crate::domain::calendar::fiscal_year(crate::domain::calendar::local_date(chrono::Utc::now()));
    axum::response::Redirect::to(&format!("{base}/{year}"))
}
