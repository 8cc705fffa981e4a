//! `GET /api/v1/log` and `GET /api/v1/stats/{fiscal_year}`: the log and the
//! statistics as JSON, from the same public view types as the pages.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::app::AppState;
use crate::domain::participation::public::{self, PublicLogEntry};
use crate::domain::statistics::{self, Statistics};
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::routes::public::fiscal_year_param;
use crate::routes::public::log::{LogQuery, PAGE_SIZE};
use crate::routes::public::stats::StatsQuery;

#[derive(Serialize)]
pub struct LogAnswer {
    entries: Vec<PublicLogEntry>,
    /// Pass as `after` for the next page; `null` on the last one.
    next: Option<String>,
}

pub async fn log(State(state): State<AppState>, Query(query): Query<LogQuery>) -> Result<Json<LogAnswer>, AppError> {
    let (agency, filter, after) = (state.agency().id, query.filter(), query.cursor()?);
    let page = public::memoized_log_page(&state.db, &state.log_pages, agency, &filter, after, PAGE_SIZE).await?;
    Ok(Json(LogAnswer { entries: page.entries, next: page.next.map(|c| c.encode()) }))
}

pub async fn stats(
    State(state): State<AppState>,
    Path(year): Path<String>,
    Query(query): Query<StatsQuery>,
) -> Result<Json<Statistics>, AppError> {
    let fiscal_year = fiscal_year_param(&year)?;
    let stats =
        statistics::counted_fiscal_year(&state.db, &state.statistics, state.agency().id, fiscal_year, query.period())
            .await?;
    Ok(Json(stats))
}
