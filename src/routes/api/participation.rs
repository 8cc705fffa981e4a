//! `GET /api/v1/log` and `GET /api/v1/stats/{fiscal_year}`: the log and the
//! statistics as JSON, from the same public view types as the pages.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::domain::participation::public::PublicLogEntry;
use crate::domain::statistics::Statistics;
use crate::error::AppError;
use crate::extract::{Path, Query, ServedAgency};
use crate::routes::public::fiscal_year_param;
use crate::routes::public::log::{log_page, LogQuery};
use crate::routes::public::stats::{year_statistics, StatsQuery};
use crate::state::AppState;

#[derive(Serialize)]
pub struct LogAnswer {
    entries: Vec<PublicLogEntry>,
    /// Pass as `after` for the next page; `null` on the last one.
    next: Option<String>,
}

pub async fn log(
    State(state): State<AppState>,
    ServedAgency(agency): ServedAgency,
    Query(query): Query<LogQuery>,
) -> Result<Json<LogAnswer>, AppError> {
    let page = log_page(&state, &agency, &query.filter(), query.cursor()?).await?;
    Ok(Json(LogAnswer { entries: page.entries.clone(), next: page.next.map(|c| c.encode()) }))
}

pub async fn stats(
    State(state): State<AppState>,
    ServedAgency(agency): ServedAgency,
    Path(year): Path<String>,
    Query(query): Query<StatsQuery>,
) -> Result<Json<Statistics>, AppError> {
    let stats = year_statistics(&state, &agency, fiscal_year_param(&year)?, query.period()).await?;
    Ok(Json(Statistics::clone(&stats)))
}
