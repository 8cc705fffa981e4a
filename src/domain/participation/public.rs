//! The public read side: the only place that decides, field by field, what
//! of a submission, activity or measure may leave the portal. Everything
//! here returns public view types that simply have no private fields: no
//! contact data, no resident's text (subject, details, location), no access
//! key, no internal notes, no staff names (DESIGN.md rule 1).

use std::borrow::Borrow;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entity::activity::{self, ActivityKind};
use entity::enums::{Code, Kind, Status};
use entity::measure;
use entity::{
    activity_indicator, activity_submission, department, measure_activity, measure_note, measure_submission,
    publication, submission, submission_indicator,
};
use sea_orm::sea_query::{Condition, Expr, Func, LikeExpr, Query};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use serde::Serialize;

use crate::domain::submissions::search::like_pattern;
use crate::i18n::Lang;

/// One entry of the participation log, as anyone may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicLogEntry {
    /// `submission` or `activity`.
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub entry_type: &'static str,
    /// The tracking code of a submission, the number of an activity.
    pub reference: String,
    /// The entry's own page.
    pub path: String,
    /// When the resident spoke, or when the activity was held.
    pub date: DateTime<Utc>,
    pub fiscal_year: i32,
    /// A submission kind or an activity kind code.
    pub kind: String,
    /// Submissions only.
    pub status: Option<String>,
    /// A closed submission's outcome (`outcome::Closing`'s code: `fixed`,
    /// `partly`, the reason it was not possible, `referred`), so that
    /// "closed" never reads as "fixed".
    pub closed_as: Option<String>,
    /// Reopened after closing, ever (submissions only).
    pub reopened: bool,
    /// The staff-written summary of a submission, the title of an activity.
    pub title_th: String,
    pub title_en: Option<String>,
    pub outcome_th: Option<String>,
    pub outcome_en: Option<String>,
    pub indicators: Vec<i16>,
    pub department_th: Option<String>,
    pub department_en: Option<String>,
    /// When it became public (or was last changed, for activities): the feed's clock.
    pub published_at: DateTime<Utc>,
    /// The village (หมู่) a submission named; never its coordinates or the
    /// resident's description of the place.
    pub moo: Option<i16>,
    /// The photos staff published with a submission: on the entry's own
    /// page only (left out of lists).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<PublicPhoto>,
}

/// A published photo of a log entry: where to fetch it and its thumbnail.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicPhoto {
    pub path: String,
    pub thumbnail_path: String,
}

/// An activity's own page.
#[derive(Debug, Clone, Serialize)]
pub struct PublicActivity {
    pub entry: PublicLogEntry,
    pub place: String,
    pub participants: i32,
    pub description: String,
    /// The elements of ITA item O19 besides the results (`entry.outcome_th`).
    pub participant_groups: Option<String>,
    pub method: Option<String>,
    pub results_used: Option<String>,
    /// Photos and documents as evidence.
    pub evidence: Vec<crate::domain::files::PublicFile>,
    /// Published submissions that led to it.
    pub from_submissions: Vec<PublicLogEntry>,
}

/// What a log entry's kind may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    Submission(Kind),
    Activity(ActivityKind),
}

impl LogKind {
    pub fn parse(code: &str) -> Option<Self> {
        Kind::try_from_value(&code.to_owned())
            .ok()
            .filter(|k| *k != Kind::Corruption)
            .map(LogKind::Submission)
            .or_else(|| ActivityKind::try_from_value(&code.to_owned()).ok().map(LogKind::Activity))
    }
}

#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub fiscal_year: Option<i32>,
    pub indicator: Option<i16>,
    pub kind: Option<LogKind>,
    /// Only submissions have a status: filtering by one leaves activities out.
    pub status: Option<Status>,
}

/// Where a page of the log starts: after the entry with this sort key.
/// Entries sort newest first by (date, type, id); the text form is opaque.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    date: DateTime<Utc>,
    /// 1 for submissions, 0 for activities: breaks ties of date between tables.
    rank: u8,
    id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let nanos = self.date.timestamp_nanos_opt().unwrap_or_default();
        hex::encode(format!("{nanos}:{}:{}", self.rank, self.id))
    }

    /// `None` for anything not made by `encode`.
    pub fn decode(text: &str) -> Option<Self> {
        let raw = String::from_utf8(hex::decode(text).ok()?).ok()?;
        let mut parts = raw.split(':');
        let nanos: i64 = parts.next()?.parse().ok()?;
        let rank: u8 = parts.next()?.parse().ok()?;
        let id: i64 = parts.next()?.parse().ok()?;
        if parts.next().is_some() || rank > 1 {
            return None;
        }
        Some(Self { date: Utc.timestamp_nanos(nanos), rank, id })
    }
}

#[derive(Clone)]
pub struct LogPage {
    pub entries: Vec<PublicLogEntry>,
    /// The cursor of the next page, if there is one.
    pub next: Option<Cursor>,
}

const SUBMISSION_RANK: u8 = 1;
const ACTIVITY_RANK: u8 = 0;

/// Keyset condition "sorts after the cursor" for one table whose rows all
/// have rank `rank`, in the order (date desc, rank desc, id desc).
fn after_cursor(cursor: Option<Cursor>, rank: u8, date: impl ColumnTrait, id: impl ColumnTrait) -> Condition {
    let Some(c) = cursor else { return Condition::all() };
    let earlier = date.lt(c.date);
    match rank.cmp(&c.rank) {
        std::cmp::Ordering::Greater => Condition::all().add(earlier),
        std::cmp::Ordering::Less => Condition::all().add(date.lte(c.date)),
        // A row comparison, not `date < d OR (date = d AND id < i)`: the
        // planners read it as one range of the (date, id) index, where the
        // OR made PostgreSQL read every older row for each page.
        std::cmp::Ordering::Equal => Condition::all().add(
            Expr::tuple([Expr::col(date.as_column_ref()).into(), Expr::col(id.as_column_ref()).into()])
                .lt(Expr::tuple([Expr::value(c.date), Expr::value(c.id)])),
        ),
    }
}

/// How long a page of the log is reused when nothing was written: nothing on
/// it moves with the clock, so this only bounds memory of old answers.
pub const LOG_TTL: std::time::Duration = std::time::Duration::from_secs(600);

/// A page of the log: published submissions and activities, newest first.
pub async fn log_page(
    db: &impl ConnectionTrait,
    agency_id: i64,
    filter: &LogFilter,
    after: Option<Cursor>,
    limit: u64,
) -> Result<LogPage, DbErr> {
    let departments = department_names(db, agency_id).await?;
    let want_submissions = !matches!(filter.kind, Some(LogKind::Activity(_)));
    let want_activities = !matches!(filter.kind, Some(LogKind::Submission(_))) && filter.status.is_none();

    let mut merged: Vec<(Cursor, PublicLogEntry)> = Vec::new();
    if want_submissions {
        let mut query = published_submissions(agency_id).filter(after_cursor(
            after,
            SUBMISSION_RANK,
            submission::Column::ReceivedAt,
            submission::Column::Id,
        ));
        if let Some(year) = filter.fiscal_year {
            query = query.filter(submission::Column::FiscalYear.eq(year));
        }
        if let Some(LogKind::Submission(kind)) = filter.kind {
            query = query.filter(submission::Column::Kind.eq(kind));
        }
        if let Some(status) = filter.status {
            query = query.filter(submission::Column::Status.eq(status));
        }
        if let Some(indicator) = filter.indicator {
            query = query.filter(
                submission::Column::Id.in_subquery(
                    Query::select()
                        .column(submission_indicator::Column::SubmissionId)
                        .from(submission_indicator::Entity)
                        .and_where(submission_indicator::Column::Indicator.eq(indicator))
                        .to_owned(),
                ),
            );
        }
        let rows = query
            .order_by_desc(submission::Column::ReceivedAt)
            .order_by_desc(submission::Column::Id)
            .limit(limit + 1)
            .all(db)
            .await?;
        for entry in submission_entries(db, rows, &departments).await? {
            merged.push(entry);
        }
    }
    if want_activities {
        let mut query = activity::Entity::find()
            .filter(activity::Column::AgencyId.eq(agency_id))
            .filter(activity::Column::Published.eq(true))
            .filter(after_cursor(after, ACTIVITY_RANK, activity::Column::HeldAt, activity::Column::Id));
        if let Some(year) = filter.fiscal_year {
            query = query.filter(activity::Column::FiscalYear.eq(year));
        }
        if let Some(LogKind::Activity(kind)) = filter.kind {
            query = query.filter(activity::Column::Kind.eq(kind));
        }
        if let Some(indicator) = filter.indicator {
            query = query.filter(
                activity::Column::Id.in_subquery(
                    Query::select()
                        .column(activity_indicator::Column::ActivityId)
                        .from(activity_indicator::Entity)
                        .and_where(activity_indicator::Column::Indicator.eq(indicator))
                        .to_owned(),
                ),
            );
        }
        let rows = query
            .order_by_desc(activity::Column::HeldAt)
            .order_by_desc(activity::Column::Id)
            .limit(limit + 1)
            .all(db)
            .await?;
        merged.extend(activity_entries(db, rows, &departments).await?);
    }

    // Both lists are sorted; merging them and cutting at `limit` gives the
    // page, and whatever lies beyond the cut proves there is a next one.
    merged.sort_by_key(|(c, _)| std::cmp::Reverse((c.date, c.rank, c.id)));
    let more = merged.len() as u64 > limit;
    merged.truncate(limit as usize);
    let next = if more { merged.last().map(|(cursor, _)| *cursor) } else { None };
    Ok(LogPage { entries: merged.into_iter().map(|(_, entry)| entry).collect(), next })
}

/// Submissions with a live publication, corruption reports never.
fn published_submissions(agency_id: i64) -> sea_orm::SelectTwo<submission::Entity, publication::Entity> {
    submission::Entity::find()
        .join(JoinType::InnerJoin, publication::Relation::Submission.def().rev())
        .filter(publication::Column::WithdrawnAt.is_null())
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::Kind.ne(Kind::Corruption))
        .select_also(publication::Entity)
}

type Departments = HashMap<i64, (String, String)>;

async fn department_names(db: &impl ConnectionTrait, agency_id: i64) -> Result<Departments, DbErr> {
    Ok(crate::domain::agency::departments(db, agency_id)
        .await?
        .into_iter()
        .map(|d: department::Model| (d.id, (d.name_th, d.name_en)))
        .collect())
}

/// Builds the public entries of submissions, choosing each field that may leave.
async fn submission_entries(
    db: &impl ConnectionTrait,
    rows: Vec<(submission::Model, Option<publication::Model>)>,
    departments: &Departments,
) -> Result<Vec<(Cursor, PublicLogEntry)>, DbErr> {
    let ids: Vec<i64> = rows.iter().map(|(s, _)| s.id).collect();
    let mut indicators: HashMap<i64, Vec<i16>> = HashMap::new();
    if !ids.is_empty() {
        for link in submission_indicator::Entity::find()
            .filter(submission_indicator::Column::SubmissionId.is_in(ids))
            .order_by_asc(submission_indicator::Column::Indicator)
            .all(db)
            .await?
        {
            indicators.entry(link.submission_id).or_default().push(link.indicator);
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|(item, publication)| {
            let publication = publication?;
            let department = item.department_id.and_then(|id| departments.get(&id));
            Some((
                Cursor { date: item.received_at, rank: SUBMISSION_RANK, id: item.id },
                PublicLogEntry {
                    entry_type: "submission",
                    path: format!("/log/{}", item.tracking_code),
                    reference: item.tracking_code,
                    date: item.received_at,
                    fiscal_year: item.fiscal_year,
                    kind: item.kind.code(),
                    status: Some(item.status.code()),
                    closed_as: crate::domain::submissions::outcome::Closing::from_columns(
                        item.outcome,
                        item.outcome_reason,
                    )
                    .map(|c| c.code()),
                    reopened: item.reopened_at.is_some(),
                    title_th: publication.summary_th,
                    title_en: publication.summary_en,
                    outcome_th: publication.outcome_th,
                    outcome_en: publication.outcome_en,
                    indicators: indicators.remove(&item.id).unwrap_or_default(),
                    department_th: department.map(|d| d.0.clone()),
                    department_en: department.map(|d| d.1.clone()),
                    published_at: publication.published_at,
                    moo: item.moo,
                    photos: Vec::new(),
                },
            ))
        })
        .collect())
}

async fn activity_entries(
    db: &impl ConnectionTrait,
    rows: Vec<activity::Model>,
    departments: &Departments,
) -> Result<Vec<(Cursor, PublicLogEntry)>, DbErr> {
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let mut indicators: HashMap<i64, Vec<i16>> = HashMap::new();
    if !ids.is_empty() {
        for link in activity_indicator::Entity::find()
            .filter(activity_indicator::Column::ActivityId.is_in(ids))
            .order_by_asc(activity_indicator::Column::Indicator)
            .all(db)
            .await?
        {
            indicators.entry(link.activity_id).or_default().push(link.indicator);
        }
    }
    Ok(rows
        .into_iter()
        .map(|item| {
            let department = item.department_id.and_then(|id| departments.get(&id));
            (
                Cursor { date: item.held_at, rank: ACTIVITY_RANK, id: item.id },
                PublicLogEntry {
                    entry_type: "activity",
                    reference: item.id.to_string(),
                    path: format!("/activities/{}", item.id),
                    date: item.held_at,
                    fiscal_year: item.fiscal_year,
                    kind: item.kind.code(),
                    status: None,
                    closed_as: None,
                    reopened: false,
                    title_th: item.title_th,
                    title_en: item.title_en,
                    outcome_th: item.outcome,
                    outcome_en: None,
                    indicators: indicators.remove(&item.id).unwrap_or_default(),
                    department_th: department.map(|d| d.0.clone()),
                    department_en: department.map(|d| d.1.clone()),
                    published_at: item.updated_at,
                    moo: None,
                    photos: Vec::new(),
                },
            )
        })
        .collect())
}

/// A published submission by its tracking code, with its published photos;
/// `None` when not published.
pub async fn published_submission(
    db: &impl ConnectionTrait,
    agency_id: i64,
    tracking_code: &str,
) -> Result<Option<PublicLogEntry>, DbErr> {
    let rows =
        published_submissions(agency_id).filter(submission::Column::TrackingCode.eq(tracking_code)).all(db).await?;
    let departments = department_names(db, agency_id).await?;
    let Some((cursor, mut entry)) = submission_entries(db, rows, &departments).await?.pop() else { return Ok(None) };
    entry.photos = crate::domain::photos::published_ids(db, agency_id, cursor.id)
        .await?
        .into_iter()
        .map(|id| PublicPhoto {
            path: format!("/log/{}/photos/{id}", entry.reference),
            thumbnail_path: format!("/log/{}/photos/{id}/thumbnail", entry.reference),
        })
        .collect();
    Ok(Some(entry))
}

/// A submission whose log entry is live (for its photos), by tracking code.
pub async fn live_submission(
    db: &impl ConnectionTrait,
    agency_id: i64,
    tracking_code: &str,
) -> Result<Option<submission::Model>, DbErr> {
    let found =
        published_submissions(agency_id).filter(submission::Column::TrackingCode.eq(tracking_code)).one(db).await?;
    Ok(found.map(|(item, _)| item))
}

/// Published submissions among `ids`, newest first, keyed by id.
async fn published_submissions_by_id(
    db: &impl ConnectionTrait,
    agency_id: i64,
    ids: Vec<i64>,
    departments: &Departments,
) -> Result<Vec<(i64, PublicLogEntry)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = published_submissions(agency_id)
        .filter(submission::Column::Id.is_in(ids))
        .order_by_desc(submission::Column::ReceivedAt)
        .all(db)
        .await?;
    Ok(submission_entries(db, rows, departments).await?.into_iter().map(|(c, e)| (c.id, e)).collect())
}

/// Published activities among `ids`, keyed by id.
async fn published_activities_by_id(
    db: &impl ConnectionTrait,
    agency_id: i64,
    ids: Vec<i64>,
    departments: &Departments,
) -> Result<Vec<(i64, PublicLogEntry)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = activity::Entity::find()
        .filter(activity::Column::AgencyId.eq(agency_id))
        .filter(activity::Column::Id.is_in(ids))
        .filter(activity::Column::Published.eq(true))
        .all(db)
        .await?;
    Ok(activity_entries(db, rows, departments).await?.into_iter().map(|(c, e)| (c.id, e)).collect())
}

/// A published activity; `None` for drafts and unknown numbers.
pub async fn published_activity(
    db: &impl ConnectionTrait,
    agency_id: i64,
    id: i64,
) -> Result<Option<PublicActivity>, DbErr> {
    let Some(found) = activity::Entity::find_by_id(id)
        .filter(activity::Column::AgencyId.eq(agency_id))
        .filter(activity::Column::Published.eq(true))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let departments = department_names(db, agency_id).await?;
    let (place, participants, description) = (found.place.clone(), found.participants, found.description.clone());
    let (participant_groups, method, results_used) =
        (found.participant_groups.clone(), found.method.clone(), found.results_used.clone());
    let evidence = super::activities::evidence_files(db, agency_id, id)
        .await?
        .into_iter()
        .map(|file| crate::domain::files::PublicFile {
            path: format!("/activities/{id}/files/{}", file.id),
            id: file.id,
            name: file.original_name,
            media_type: file.media_type,
            size_bytes: file.size_bytes,
        })
        .collect();
    let Some((_, entry)) = activity_entries(db, vec![found], &departments).await?.pop() else {
        return Ok(None);
    };
    let linked: Vec<i64> = activity_submission::Entity::find()
        .filter(activity_submission::Column::ActivityId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.submission_id)
        .collect();
    let from_submissions =
        published_submissions_by_id(db, agency_id, linked, &departments).await?.into_iter().map(|(_, e)| e).collect();
    Ok(Some(PublicActivity {
        entry,
        place,
        participants,
        description,
        participant_groups,
        method,
        results_used,
        evidence,
        from_submissions,
    }))
}

/// A measure of the plan as the public sees it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicMeasure {
    pub indicator: i16,
    pub title_th: String,
    pub title_en: Option<String>,
    pub steps: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// `None`: all divisions.
    pub department_th: Option<String>,
    pub department_en: Option<String>,
    pub progress: String,
    pub notes: Vec<PublicProgressNote>,
    /// Published submissions and activities only.
    pub evidence: Vec<PublicLogEntry>,
}

/// A progress note, without its author.
#[derive(Debug, Clone, Serialize)]
pub struct PublicProgressNote {
    pub noted_on: NaiveDate,
    pub progress: String,
    pub note: String,
}

/// The plan's measures of a fiscal year, by indicator and position.
pub async fn plan(db: &impl ConnectionTrait, agency_id: i64, fiscal_year: i32) -> Result<Vec<PublicMeasure>, DbErr> {
    let measures = super::plan::measures_of_year(db, agency_id, fiscal_year).await?;
    if measures.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = measures.iter().map(|m| m.id).collect();
    let departments = department_names(db, agency_id).await?;

    let mut notes: HashMap<i64, Vec<PublicProgressNote>> = HashMap::new();
    for note in measure_note::Entity::find()
        .filter(measure_note::Column::MeasureId.is_in(ids.clone()))
        .order_by_asc(measure_note::Column::NotedOn)
        .order_by_asc(measure_note::Column::Id)
        .all(db)
        .await?
    {
        notes.entry(note.measure_id).or_default().push(PublicProgressNote {
            noted_on: note.noted_on,
            progress: note.progress.code(),
            note: note.note,
        });
    }

    let submission_links = measure_submission::Entity::find()
        .filter(measure_submission::Column::MeasureId.is_in(ids.clone()))
        .all(db)
        .await?;
    let activity_links =
        measure_activity::Entity::find().filter(measure_activity::Column::MeasureId.is_in(ids)).all(db).await?;
    let submissions: HashMap<i64, PublicLogEntry> = published_submissions_by_id(
        db,
        agency_id,
        submission_links.iter().map(|l| l.submission_id).collect(),
        &departments,
    )
    .await?
    .into_iter()
    .collect();
    let activities: HashMap<i64, PublicLogEntry> =
        published_activities_by_id(db, agency_id, activity_links.iter().map(|l| l.activity_id).collect(), &departments)
            .await?
            .into_iter()
            .collect();

    Ok(measures
        .into_iter()
        .map(|m| {
            let mut evidence: Vec<PublicLogEntry> = submission_links
                .iter()
                .filter(|l| l.measure_id == m.id)
                .filter_map(|l| submissions.get(&l.submission_id).cloned())
                .collect();
            evidence.extend(
                activity_links
                    .iter()
                    .filter(|l| l.measure_id == m.id)
                    .filter_map(|l| activities.get(&l.activity_id).cloned()),
            );
            evidence.sort_by_key(|e| std::cmp::Reverse(e.date));
            let department = m.department_id.and_then(|id| departments.get(&id));
            PublicMeasure {
                indicator: m.indicator,
                title_th: m.title_th,
                title_en: m.title_en,
                steps: m.steps,
                period_start: m.period_start,
                period_end: m.period_end,
                department_th: department.map(|d| d.0.clone()),
                department_en: department.map(|d| d.1.clone()),
                progress: m.progress.code(),
                notes: notes.remove(&m.id).unwrap_or_default(),
                evidence,
            }
        })
        .collect())
}

/// What a year-named page shows: the statistics count submissions, the plan
/// lists measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearOf {
    Submissions,
    Measures,
}

/// The fiscal year a reader most likely wants: `current` when it has data,
/// else the latest earlier year that has, else `current`. (Early in a new
/// fiscal year the last one is what there is to see.)
pub async fn latest_year(db: &impl ConnectionTrait, agency_id: i64, current: i32, of: YearOf) -> Result<i32, DbErr> {
    let latest: Option<Option<i32>> = match of {
        YearOf::Submissions => {
            submission::Entity::find()
                .filter(submission::Column::AgencyId.eq(agency_id))
                .filter(submission::Column::FiscalYear.lte(current))
                .select_only()
                .column_as(submission::Column::FiscalYear.max(), "year")
                .into_tuple()
                .one(db)
                .await?
        }
        YearOf::Measures => {
            measure::Entity::find()
                .filter(measure::Column::AgencyId.eq(agency_id))
                .filter(measure::Column::FiscalYear.lte(current))
                .select_only()
                .column_as(measure::Column::FiscalYear.max(), "year")
                .into_tuple()
                .one(db)
                .await?
        }
    };
    Ok(latest.flatten().unwrap_or(current))
}

/// The newest change among entries: the feed's `updated`.
pub fn newest(entries: &[PublicLogEntry]) -> Option<DateTime<Utc>> {
    entries.iter().map(|e| e.published_at).max()
}

/// The Thai text, or the English one when the reader chose English and
/// staff wrote one.
fn in_lang<'a>(lang: impl Borrow<Lang>, th: &'a str, en: Option<&'a str>) -> &'a str {
    match (*lang.borrow(), en) {
        (Lang::En, Some(en)) if !en.is_empty() => en,
        _ => th,
    }
}

/// A published question and its answer, as anyone may read them on `/qa`:
/// the question as staff rewrote it for the public and their answer, never
/// the asker's own words, name or e-mail.
#[derive(Debug, Clone, Serialize)]
pub struct PublicQuestion {
    /// The tracking code: the entry's page in the log.
    pub reference: String,
    pub question_th: String,
    pub question_en: Option<String>,
    pub answer_th: Option<String>,
    pub answer_en: Option<String>,
    pub asked_at: DateTime<Utc>,
    /// The agency's first answer to the asker.
    pub answered_at: Option<DateTime<Utc>>,
}

/// The questions of one topic: the division that answers them, `None` for
/// general ones not routed to a division.
#[derive(Debug, Clone, Serialize)]
pub struct QaTopic {
    pub department_th: Option<String>,
    pub department_en: Option<String>,
    pub questions: Vec<PublicQuestion>,
}

pub struct QaPage {
    /// Topics in the order of their newest question on this page.
    pub topics: Vec<QaTopic>,
    pub next: Option<Cursor>,
}

const SEARCH_MAX: usize = 200;

/// A page of published questions, newest first, grouped by topic; `search`
/// is a substring (Thai or any) of the published question or answer.
pub async fn qa_page(
    db: &impl ConnectionTrait,
    agency_id: i64,
    search: &str,
    after: Option<Cursor>,
    limit: u64,
) -> Result<QaPage, DbErr> {
    let mut query = published_submissions(agency_id)
        .filter(submission::Column::Kind.eq(Kind::Question))
        .filter(after_cursor(after, SUBMISSION_RANK, submission::Column::ReceivedAt, submission::Column::Id));
    // The form allows 200 characters; a longer query from elsewhere is cut,
    // not turned into an ever longer LIKE pattern.
    let search: String = search.trim().chars().take(SEARCH_MAX).collect();
    if !search.is_empty() {
        let pattern = LikeExpr::new(like_pattern(&search.to_lowercase())).escape('\\');
        let mut any = Condition::any();
        for column in [
            publication::Column::SummaryTh,
            publication::Column::SummaryEn,
            publication::Column::OutcomeTh,
            publication::Column::OutcomeEn,
        ] {
            any = any.add(Expr::expr(Func::lower(Expr::col((publication::Entity, column)))).like(pattern.clone()));
        }
        query = query.filter(any);
    }
    let mut rows = query
        .order_by_desc(submission::Column::ReceivedAt)
        .order_by_desc(submission::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|(item, _)| Cursor { date: item.received_at, rank: SUBMISSION_RANK, id: item.id })
    } else {
        None
    };

    let departments = department_names(db, agency_id).await?;
    let mut topics: Vec<(Option<i64>, QaTopic)> = Vec::new();
    for (item, publication) in rows {
        let Some(publication) = publication else { continue };
        let question = PublicQuestion {
            reference: item.tracking_code,
            question_th: publication.summary_th,
            question_en: publication.summary_en,
            answer_th: publication.outcome_th,
            answer_en: publication.outcome_en,
            asked_at: item.received_at,
            answered_at: item.first_answered_at,
        };
        match topics.iter_mut().find(|(id, _)| *id == item.department_id) {
            Some((_, topic)) => topic.questions.push(question),
            None => {
                let department = item.department_id.and_then(|id| departments.get(&id));
                topics.push((
                    item.department_id,
                    QaTopic {
                        department_th: department.map(|d| d.0.clone()),
                        department_en: department.map(|d| d.1.clone()),
                        questions: vec![question],
                    },
                ));
            }
        }
    }
    Ok(QaPage { topics: topics.into_iter().map(|(_, topic)| topic).collect(), next })
}

impl PublicQuestion {
    pub fn question(&self, lang: impl Borrow<Lang>) -> &str {
        in_lang(lang, &self.question_th, self.question_en.as_deref())
    }

    pub fn answer(&self, lang: impl Borrow<Lang>) -> Option<&str> {
        self.answer_th.as_deref().map(|th| in_lang(lang, th, self.answer_en.as_deref()))
    }
}

impl QaTopic {
    pub fn department(&self, lang: impl Borrow<Lang>) -> Option<&str> {
        self.department_th.as_deref().map(|th| in_lang(lang, th, self.department_en.as_deref()))
    }
}

impl PublicLogEntry {
    /// The label group of `kind`: submission kinds and activity kinds.
    pub fn kind_group(&self) -> &'static str {
        if self.entry_type == "submission" {
            "kind"
        } else {
            "activity_kind"
        }
    }

    pub fn title(&self, lang: impl Borrow<Lang>) -> &str {
        in_lang(lang, &self.title_th, self.title_en.as_deref())
    }

    pub fn outcome(&self, lang: impl Borrow<Lang>) -> Option<&str> {
        self.outcome_th.as_deref().map(|th| in_lang(lang, th, self.outcome_en.as_deref()))
    }

    pub fn department(&self, lang: impl Borrow<Lang>) -> Option<&str> {
        self.department_th.as_deref().map(|th| in_lang(lang, th, self.department_en.as_deref()))
    }
}

impl PublicMeasure {
    pub fn title(&self, lang: impl Borrow<Lang>) -> &str {
        in_lang(lang, &self.title_th, self.title_en.as_deref())
    }

    pub fn department(&self, lang: impl Borrow<Lang>) -> Option<&str> {
        self.department_th.as_deref().map(|th| in_lang(lang, th, self.department_en.as_deref()))
    }
}

/// A published submission as Open311 GeoReport v2 clients read it: the
/// staff-written summary and outcome of the log, its status, service and
/// division, and its dates. The resident's own words and place, their
/// contact data, internal notes and replies addressed to them are not here;
/// corruption reports are never listed.
#[derive(Debug, Clone, Serialize)]
pub struct PublicRequest {
    pub tracking_code: String,
    pub kind: Kind,
    pub status: Status,
    pub closed: bool,
    pub service_slug: Option<String>,
    pub service_th: Option<String>,
    pub service_en: Option<String>,
    pub summary_th: String,
    pub summary_en: Option<String>,
    pub outcome_th: Option<String>,
    pub outcome_en: Option<String>,
    pub department_th: Option<String>,
    pub department_en: Option<String>,
    pub requested_at: DateTime<Utc>,
    /// The last public change: published, or closed after.
    pub updated_at: DateTime<Utc>,
    /// When it should be closed, while it is open.
    pub expected_at: Option<DateTime<Utc>>,
}

/// Which published requests an Open311 client asks for.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Tracking codes; when given, every other filter is ignored.
    pub tracking_codes: Vec<String>,
    /// `None`: any service. Otherwise kinds asked for without a service, and
    /// the ids of services asked for (both empty: nothing matches).
    pub services: Option<(Vec<Kind>, Vec<i64>)>,
    pub closed: Option<bool>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_until: Option<DateTime<Utc>>,
}

/// Published requests, newest first: `limit` of them after skipping `offset`.
pub async fn open311_requests(
    db: &impl ConnectionTrait,
    agency_id: i64,
    filter: &RequestFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<PublicRequest>, DbErr> {
    let mut query = published_submissions(agency_id);
    if !filter.tracking_codes.is_empty() {
        query = query.filter(submission::Column::TrackingCode.is_in(filter.tracking_codes.clone()));
    } else {
        if let Some((kinds, service_ids)) = &filter.services {
            let mut any = Condition::any();
            for kind in kinds {
                any = any.add(
                    Condition::all()
                        .add(submission::Column::Kind.eq(*kind))
                        .add(submission::Column::ServiceId.is_null()),
                );
            }
            if !service_ids.is_empty() {
                any = any.add(submission::Column::ServiceId.is_in(service_ids.clone()));
            }
            if kinds.is_empty() && service_ids.is_empty() {
                return Ok(Vec::new());
            }
            query = query.filter(any);
        }
        match filter.closed {
            Some(true) => query = query.filter(submission::Column::ClosedAt.is_not_null()),
            Some(false) => query = query.filter(submission::Column::ClosedAt.is_null()),
            None => {}
        }
        if let Some(from) = filter.received_from {
            query = query.filter(submission::Column::ReceivedAt.gte(from));
        }
        if let Some(until) = filter.received_until {
            query = query.filter(submission::Column::ReceivedAt.lte(until));
        }
    }
    let rows = query
        .order_by_desc(submission::Column::ReceivedAt)
        .order_by_desc(submission::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let departments = department_names(db, agency_id).await?;
    let services: HashMap<i64, entity::service::Model> =
        crate::domain::services::all(db, agency_id).await?.into_iter().map(|s| (s.id, s)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|(item, publication)| {
            let publication = publication?;
            let department = item.department_id.and_then(|id| departments.get(&id));
            let service = item.service_id.and_then(|id| services.get(&id));
            let closed = item.closed_at.is_some();
            Some(PublicRequest {
                tracking_code: item.tracking_code,
                kind: item.kind,
                status: item.status,
                closed,
                service_slug: service.map(|s| s.slug.clone()),
                service_th: service.map(|s| s.name_th.clone()),
                service_en: service.map(|s| s.name_en.clone()),
                summary_th: publication.summary_th,
                summary_en: publication.summary_en,
                outcome_th: publication.outcome_th,
                outcome_en: publication.outcome_en,
                department_th: department.map(|d| d.0.clone()),
                department_en: department.map(|d| d.1.clone()),
                requested_at: item.received_at,
                updated_at: item.closed_at.map_or(publication.published_at, |c| c.max(publication.published_at)),
                expected_at: (!closed).then_some(item.close_due_at),
            })
        })
        .collect())
}
