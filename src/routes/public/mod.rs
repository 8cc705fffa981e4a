//! Pages for residents and the public: no login.

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

mod corruption;
pub mod device;
mod eservice;
pub mod form;
pub mod health;
mod home;
mod ita;
mod language;
pub mod log;
pub mod manual;
mod open_data;
mod plan;
mod posters;
pub mod privacy;
mod province;
mod qa;
mod services;
pub mod stats;
mod submit;
mod track;
mod verdict;
mod widgets;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/province", get(province::show))
        .route("/language/{code}", get(language::switch))
        .route("/submit", get(submit::show).post(submit::create))
        .route("/receipt", get(submit::receipt))
        .route("/report-corruption", get(corruption::show).post(corruption::create))
        .route("/track", get(track::show).post(track::lookup))
        .route("/track/remember", post(track::remember))
        .route("/track/forget", post(track::forget))
        .route("/track/data", post(privacy::data))
        .route("/track/data.json", post(privacy::data_json))
        .route("/track/erasure", post(privacy::request_erasure))
        .route("/track/verdict", post(verdict::give))
        .route("/track/reopen", post(verdict::reopen))
        .route("/privacy", get(privacy::notice))
        .route("/qa", get(qa::show).post(qa::ask))
        .route("/services", get(services::list))
        .route("/services/{slug}", get(services::show))
        .route("/log", get(log::index))
        .route("/log.csv", get(log::csv))
        .route("/log/{tracking_code}", get(log::entry))
        .route("/log/{tracking_code}/photos/{photo_id}", get(log::photo))
        .route("/log/{tracking_code}/photos/{photo_id}/thumbnail", get(log::photo_thumbnail))
        .route("/activities/{id}", get(log::activity))
        .route("/activities/{id}/files/{file_id}", get(log::evidence_file))
        .route("/feed.atom", get(log::feed))
        .route("/plan", get(plan::latest))
        .route("/plan/{fiscal_year}", get(plan::show))
        .route("/stats", get(stats::latest))
        .route("/stats/{fiscal_year}", get(stats::show))
        .route("/stats/{fiscal_year}/report/{part}", get(stats::complaint_report))
        .route("/manual", get(manual::show))
        .route("/ita", get(|| current_year("/ita")))
        .route("/ita/{fiscal_year}", get(ita::show))
        .merge(widgets::router())
        .route("/eservice", get(|| current_year("/eservice")))
        .route("/eservice/{fiscal_year}", get(eservice::show))
        .route("/posters", get(posters::index))
        .route("/posters/channel/{code}", get(posters::channel))
        .route("/posters/service/{slug}", get(posters::service))
}

/// A Buddhist-Era fiscal year from a URL; anything else is a page that does
/// not exist.
pub fn fiscal_year_param(text: &str) -> Result<i32, crate::error::AppError> {
    text.parse().ok().filter(|y| (2500..=2700).contains(y)).ok_or(crate::error::AppError::NotFound)
}

/// The current fiscal year (Bangkok time).
fn this_fiscal_year() -> i32 {
    crate::domain::calendar::fiscal_year(crate::domain::calendar::local_date(chrono::Utc::now()))
}

/// The ITA index of the current fiscal year.
async fn current_year(base: &'static str) -> axum::response::Redirect {
    axum::response::Redirect::to(&format!("{base}/{}", this_fiscal_year()))
}

/// `/plan` and `/stats`: the latest fiscal year that has something to show.
async fn latest_year(
    state: &crate::state::AppState,
    agency: &entity::agency::Model,
    base: &str,
    of: crate::domain::participation::public::YearOf,
) -> Result<axum::response::Redirect, crate::error::AppError> {
    let year = crate::domain::participation::public::latest_year(&state.db, agency.id, this_fiscal_year(), of).await?;
    Ok(axum::response::Redirect::to(&format!("{base}/{year}")))
}

/// The NACC's ITAS survey as residents see it while it collects answers:
/// its link, last day, and QR code (for the home and ITA pages).
pub struct SurveyNotice {
    pub url: String,
    pub closes_on: String,
    pub qr_svg: String,
}

impl SurveyNotice {
    pub fn new(page: &crate::extract::PageContext, survey: &entity::itas_survey::Model) -> Self {
        let closes = survey.closes_on.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
        SurveyNotice {
            url: survey.url.clone(),
            closes_on: page.date(&closes),
            // The URL was checked when saved; one too long for a QR code is still a link.
            qr_svg: crate::qr::svg(&survey.url, page.t("ita.survey.qr_label")).unwrap_or_default(),
        }
    }
}
