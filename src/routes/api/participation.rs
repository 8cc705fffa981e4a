//! `GET /api/v1/log` and `GET /api/v1/stats/{fiscal_year}`: the log and the
//! statistics as JSON, from the same public view types as the pages.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::domain::participation::public::PublicLogEntry;
use crate::domain::statistics::Statistics;
use crate::error::AppError;
use crate::extract::{PageContext, Path, Query, ServedAgency};
use crate::routes::public::fiscal_year_param;
use crate::routes::public::log::{log_page, LogQuery};
use crate::routes::public::stats::{year_statistics, StatsQuery};
use crate::state::AppState;

#[derive(Serialize)]
pub struct LogAnswer {
    entries: Vec<LinkedEntry>,
    /// Pass as `after` for the next page; `null` on the last one.
    next: Option<String>,
}

/// An entry with the absolute address of its page (under
/// `SIANG_PUBLIC_URL` when set); `path` stays the portal's path.
#[derive(Serialize)]
pub struct LinkedEntry {
    #[serde(flatten)]
    entry: PublicLogEntry,
    url: String,
}

pub async fn log(
    State(state): State<AppState>,
    ServedAgency(agency): ServedAgency,
    links: PageContext,
    Query(query): Query<LogQuery>,
) -> Result<Json<LogAnswer>, AppError> {
    let page = log_page(&state, &agency, &query.filter(), query.cursor()?).await?;
    let entries = page
        .entries
        .iter()
        .map(|entry| LinkedEntry { url: links.absolute(&entry.path), entry: entry.clone() })
        .collect();
    Ok(Json(LogAnswer { entries, next: page.next.map(|c| c.encode()) }))
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
