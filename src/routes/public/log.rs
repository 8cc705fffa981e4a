//! The participation log: `/log`, `/log.csv`, `/log/{tracking_code}`,
//! `/activities/{id}` and `/feed.atom`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use entity::enums::{Code, Kind, Status};
use sea_orm::{ActiveEnum, Iterable};
use serde::Deserialize;

use std::sync::Arc;

use entity::agency;
use futures_util::StreamExt;

use super::open_data::streamed;
use crate::domain::calendar::{fiscal_year, local_date};
use crate::domain::participation::public::{self, Cursor, LogFilter, LogKind, LogPage, PublicActivity, PublicLogEntry};
use crate::domain::photos::{self, Size};
use crate::error::AppError;
use crate::extract::{ClientIp, PageContext, Path, Query};
use crate::state::AppState;

pub const PAGE_SIZE: u64 = 20;
/// Rows fetched per round when exporting the whole log.
const EXPORT_CHUNK: u64 = 500;

/// The log's filters and cursor as they appear in URLs (`?fiscal_year=2569&after=…`).
/// Empty or unknown values mean "no filter", as a plain HTML form sends them.
#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    fiscal_year: Option<String>,
    indicator: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    after: Option<String>,
}

impl LogQuery {
    pub fn filter(&self) -> LogFilter {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        LogFilter {
            fiscal_year: given(&self.fiscal_year).and_then(|y| y.parse().ok()),
            indicator: given(&self.indicator).and_then(|i| i.parse().ok()).filter(|i| (6..=10).contains(i)),
            kind: given(&self.kind).and_then(|k| LogKind::parse(&k)),
            status: given(&self.status).and_then(|s| Status::try_from_value(&s).ok()),
        }
    }

    /// The page's start; a cursor this portal did not make is refused.
    pub fn cursor(&self) -> Result<Option<Cursor>, AppError> {
        match self.after.as_deref().filter(|a| !a.is_empty()) {
            None => Ok(None),
            Some(text) => Cursor::decode(text).map(Some).ok_or(AppError::Malformed("bad log cursor".into())),
        }
    }

    /// `base` with this query's filters and, when given, a cursor: the
    /// links to the next page, the first page and the CSV of the same view.
    fn href(&self, base: &str, after: Option<&Cursor>) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("fiscal_year", &self.fiscal_year),
            ("indicator", &self.indicator),
            ("kind", &self.kind),
            ("status", &self.status),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                pairs.append_pair(name, value);
            }
        }
        if let Some(cursor) = after {
            pairs.append_pair("after", &cursor.encode());
        }
        let query = pairs.finish();
        if query.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{query}")
        }
    }
}

/// A page of the log, reused while the agency's data is unchanged: the
/// first pages are what every visitor and feed reader asks for.
pub async fn log_page(
    state: &AppState,
    agency: &agency::Model,
    filter: &LogFilter,
    after: Option<Cursor>,
) -> Result<Arc<LogPage>, AppError> {
    let key = format!("{filter:?}|{after:?}");
    let (db, agency) = state.public_reader(agency).await;
    Ok(state.log_pages.get(&agency, key, public::log_page(db, agency.id, filter, after, PAGE_SIZE)).await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "public/log.html")]
pub struct LogTemplate {
    page: PageContext,
    query: LogQuery,
    filter: LogFilter,
    log: Arc<LogPage>,
    now: DateTime<Utc>,
}

impl LogTemplate {
    fn next_href(&self) -> Option<String> {
        self.log.next.as_ref().map(|c| self.query.href("/log", Some(c)))
    }

    fn first_href(&self) -> String {
        self.query.href("/log", None)
    }

    fn years(&self) -> Vec<i32> {
        let current = fiscal_year(local_date(self.now));
        (current - 3..=current).rev().collect()
    }

    fn indicator_numbers(&self) -> Vec<i16> {
        (6..=10).collect()
    }

    fn kinds(&self) -> Vec<String> {
        let submissions = Kind::iter().filter(|k| *k != Kind::Corruption).map(|k| k.code());
        let activities = entity::activity::ActivityKind::iter().map(|k| k.code());
        submissions.chain(activities).collect()
    }

    fn statuses(&self) -> Vec<String> {
        Status::iter().map(|s| s.code()).collect()
    }

    fn selected_kind(&self) -> &str {
        self.query.kind.as_deref().unwrap_or("")
    }

    fn selected_status(&self) -> &str {
        self.query.status.as_deref().unwrap_or("")
    }

    fn is_first_page(&self) -> bool {
        self.query.after.as_deref().is_none_or(str::is_empty)
    }

    fn csv_href(&self) -> String {
        self.query.href("/log.csv", None)
    }

    fn csv_columns(&self) -> &'static [&'static str] {
        &CSV_COLUMNS
    }

    fn column_meaning(&self, column: &str) -> String {
        self.page.t(&format!("log.csv_column.{column}")).to_owned()
    }
}

pub async fn index(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<LogQuery>,
) -> Result<LogTemplate, AppError> {
    let filter = query.filter();
    let log = log_page(&state, &page.agency, &filter, query.cursor()?).await?;
    Ok(LogTemplate { page, query, filter, log, now: Utc::now() })
}

/// The columns of `/log.csv` (explained under the log's download link).
const CSV_COLUMNS: [&str; 14] = [
    "type",
    "reference",
    "date",
    "date_be",
    "fiscal_year",
    "kind",
    "status",
    "indicators",
    "department",
    "summary",
    "outcome",
    "url",
    "closed_as",
    "reopened",
];

/// The whole (filtered) log as CSV, streamed a chunk at a time as it is
/// read; a client runs at most a few at once.
pub async fn csv(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    Query(query): Query<LogQuery>,
) -> Result<Response, AppError> {
    let slot = state.downloads.take(client).ok_or(AppError::RateLimited)?;
    let filter = query.filter();
    let (db, agency_id) = (state.public_db().clone(), page.agency.id);
    // Named for the agency: downloads of a province's agencies never collide.
    let filename = format!("{}-log.csv", page.agency.slug);
    // The next chunk's start; `None` once the last chunk was read.
    let chunks = futures_util::stream::unfold(Some(None), move |after: Option<Option<Cursor>>| {
        let (db, filter, page) = (db.clone(), filter.clone(), page.clone());
        async move {
            let after = after?;
            match public::log_page(&db, agency_id, &filter, after, EXPORT_CHUNK).await {
                Ok(chunk) => {
                    let rows = chunk.entries.iter().map(|entry| csv_row(&page, entry)).collect();
                    Some((Ok(rows), chunk.next.map(Some)))
                }
                Err(err) => Some((Err(err), None)),
            }
        }
    });
    // The slot goes back when the download ends, however it ends.
    let chunks = chunks.map(move |chunk| {
        let _held = &slot;
        chunk
    });
    Ok(streamed(&filename, &CSV_COLUMNS, chunks))
}

fn csv_row(page: &PageContext, entry: &PublicLogEntry) -> Vec<String> {
    let indicators: Vec<String> = entry.indicators.iter().map(i16::to_string).collect();
    vec![
        entry.entry_type.to_owned(),
        entry.reference.clone(),
        local_date(entry.date).to_string(),
        crate::i18n::format_date(crate::i18n::Lang::Th, entry.date),
        entry.fiscal_year.to_string(),
        page.label(entry.kind_group(), &entry.kind),
        entry.status.as_ref().map(|s| page.label("status", s)).unwrap_or_default(),
        indicators.join(" "),
        entry.department(page.lang).unwrap_or_default().to_owned(),
        entry.title(page.lang).to_owned(),
        entry.outcome(page.lang).unwrap_or_default().to_owned(),
        page.absolute(&entry.path),
        entry.closed_as.as_ref().map(|c| page.label("outcome", c)).unwrap_or_default(),
        if entry.reopened { page.t("outcome.reopened_mark").to_owned() } else { String::new() },
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "public/log_entry.html")]
pub struct EntryTemplate {
    page: PageContext,
    entry: PublicLogEntry,
    now: DateTime<Utc>,
}

pub async fn entry(
    State(state): State<AppState>,
    page: PageContext,
    Path(tracking_code): Path<String>,
) -> Result<EntryTemplate, AppError> {
    let db = state.public_db();
    let entry = public::published_submission(db, page.agency.id, &tracking_code).await?.ok_or(AppError::NotFound)?;
    Ok(EntryTemplate { page, entry, now: Utc::now() })
}

#[derive(Template, WebTemplate)]
#[template(path = "public/activity.html")]
pub struct ActivityTemplate {
    page: PageContext,
    activity: PublicActivity,
    now: DateTime<Utc>,
}

pub async fn activity(
    State(state): State<AppState>,
    page: PageContext,
    Path(id): Path<String>,
) -> Result<ActivityTemplate, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let db = state.public_db();
    let activity = public::published_activity(db, page.agency.id, id).await?.ok_or(AppError::NotFound)?;
    Ok(ActivityTemplate { page, activity, now: Utc::now() })
}

#[derive(Template)]
#[template(path = "public/feed.xml")]
pub struct FeedTemplate {
    page: PageContext,
    entries: Vec<PublicLogEntry>,
    updated: DateTime<Utc>,
}

/// The newest entries of the log as an Atom feed.
pub async fn feed(State(state): State<AppState>, page: PageContext) -> Result<Response, AppError> {
    let log = log_page(&state, &page.agency, &LogFilter::default(), None).await?;
    let updated = public::newest(&log.entries).unwrap_or_else(Utc::now);
    let xml = FeedTemplate { page, entries: log.entries.clone(), updated }
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

/// A photo staff published with a live log entry (`thumbnail`: its small
/// image); 404 for any other photo, so nothing tells whether it exists.
pub async fn photo(
    State(state): State<AppState>,
    page: PageContext,
    Path((tracking_code, photo_id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    public_photo(&state, &page, &tracking_code, photo_id, Size::Full).await
}

pub async fn photo_thumbnail(
    State(state): State<AppState>,
    page: PageContext,
    Path((tracking_code, photo_id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    public_photo(&state, &page, &tracking_code, photo_id, Size::Thumbnail).await
}

async fn public_photo(
    state: &AppState,
    page: &PageContext,
    tracking_code: &str,
    photo_id: i64,
    size: Size,
) -> Result<Response, AppError> {
    let store = state.files.as_ref();
    let served = photos::for_public(&state.db, store, page.agency.id, tracking_code, photo_id, size).await?;
    Ok(crate::files::response(served))
}

/// An evidence file of a published activity; 404 for drafts, for files not
/// attached to it, and for unknown numbers.
pub async fn evidence_file(
    State(state): State<AppState>,
    page: PageContext,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<axum::response::Response, AppError> {
    use crate::domain::participation::activities::{self, Reader};
    let served =
        activities::evidence_file(&state.db, state.files.as_ref(), Reader::Public, page.agency.id, id, file_id).await?;
    Ok(crate::files::response(served))
}
