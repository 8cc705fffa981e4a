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

/// A page of the participation log, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LogAnswer {
    entries: Vec<LinkedEntry>,
    /// Pass as `after` for the next page; `null` on the last one.
    next: Option<String>,
}

/// An entry with the absolute address of its page (under
/// `SIANG_PUBLIC_URL` when set); `path` stays the portal's path.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LinkedEntry {
    #[serde(flatten)]
    entry: PublicLogEntry,
    url: String,
}

/// The participation log: published submissions and activities.
#[utoipa::path(
    get,
    path = "/log",
    operation_id = "participation_log",
    tag = "participation",
    params(
        ("fiscal_year" = Option<String>, Query, description = "Buddhist-Era fiscal year, e.g. `2569`"),
        ("indicator" = Option<String>, Query, description = "ITA indicator 6–10"),
        ("kind" = Option<String>, Query, description = "A submission kind or an activity kind"),
        ("status" = Option<String>, Query, description = "A submission status"),
        ("after" = Option<String>, Query, description = "The `next` of the page before"),
    ),
    responses(
        (status = 200, description = "A page of the log", body = LogAnswer),
        (status = 400, description = "A cursor this portal did not make, or control characters", body = super::ErrorBody),
        (status = 503, response = super::Unavailable),
    )
)]
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

/// The statistics of a fiscal year, from the counts the writes keep.
#[utoipa::path(
    get,
    path = "/stats/{fiscal_year}",
    operation_id = "statistics",
    tag = "participation",
    params(
        ("fiscal_year" = String, Path, description = "Buddhist-Era fiscal year, 2500–2700", example = "2569"),
        ("period" = Option<String>, Query, description = "`month`, `quarter` or `half`", example = "quarter"),
    ),
    responses(
        (status = 200, description = "The year's figures", body = Statistics),
        (status = 400, description = "Control characters in the address", body = super::ErrorBody),
        (status = 404, description = "Not a fiscal year", body = super::ErrorBody),
        (status = 503, response = super::Unavailable),
    )
)]
pub async fn stats(
    State(state): State<AppState>,
    ServedAgency(agency): ServedAgency,
    Path(year): Path<String>,
    Query(query): Query<StatsQuery>,
) -> Result<Json<Statistics>, AppError> {
    let stats = year_statistics(&state, &agency, fiscal_year_param(&year)?, query.period()).await?;
    Ok(Json(Statistics::clone(&stats)))
}
