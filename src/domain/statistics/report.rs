//! The six-month and annual reports of complaint handling (รายงานผลการ
//! ดำเนินงานเรื่องร้องเรียน รอบ 6 เดือน / 12 เดือน) that ITA assessors ask
//! for, generated from the data: corruption reports per month and status,
//! and matters received and answered per month, from the counts the writes
//! keep; what was done about complaints, from the staff-written public log.
//! Corruption reports are never listed one by one.

use chrono::{DateTime, Utc};
use entity::enums::{Code, Kind, Status};
use sea_orm::{ConnectionTrait, DbErr, Iterable};
use serde::Serialize;

use super::{closed_key, YearTally};
use crate::domain::calendar::{fiscal_month_start, local_date};
use crate::domain::participation::public::{self, LogFilter, LogKind, PublicLogEntry};
use crate::domain::tally::{self, Figure};

/// Which report: the first six months (October–March) or the whole year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportPart {
    Half,
    Year,
}

impl ReportPart {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "half" => Some(ReportPart::Half),
            "year" => Some(ReportPart::Year),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ReportPart::Half => "half",
            ReportPart::Year => "year",
        }
    }

    /// The last fiscal month the report covers.
    pub fn months(self) -> i32 {
        match self {
            ReportPart::Half => 6,
            ReportPart::Year => 12,
        }
    }
}

/// One month of the report, or the report's totals (`month` 0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReportRow {
    /// Fiscal month, 1 = October; 0 for the totals.
    pub month: i32,
    /// The month has not begun: nothing to report yet.
    pub future: bool,
    /// Corruption reports received in the month, by status now (in the
    /// order of [`Status::iter`]).
    pub corruption_by_status: Vec<i64>,
    pub corruption: i64,
    pub corruption_completed: i64,
    /// General complaints (ร้องเรียน/ร้องทุกข์) received.
    pub complaints: i64,
    pub suggestions: i64,
    pub questions: i64,
    /// Matters answered by their due date, and after it.
    pub answered_on_time: i64,
    pub answered_late: i64,
}

impl ReportRow {
    pub fn corruption_in_progress(&self) -> i64 {
        self.corruption - self.corruption_completed
    }

    fn add(&mut self, other: &ReportRow) {
        for (total, n) in self.corruption_by_status.iter_mut().zip(&other.corruption_by_status) {
            *total += n;
        }
        self.corruption += other.corruption;
        self.corruption_completed += other.corruption_completed;
        self.complaints += other.complaints;
        self.suggestions += other.suggestions;
        self.questions += other.questions;
        self.answered_on_time += other.answered_on_time;
        self.answered_late += other.answered_late;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplaintReport {
    pub fiscal_year: i32,
    pub part: ReportPart,
    pub as_of: DateTime<Utc>,
    /// Whether every month of the report has ended.
    pub complete: bool,
    pub months: Vec<ReportRow>,
    pub totals: ReportRow,
    /// Complaints of the period that staff published, with what was done.
    pub published: Vec<PublicLogEntry>,
}

/// Published complaints read for a report: far more than a year's.
const PUBLISHED_LIMIT: u64 = 1000;

/// The report of `part` of `fiscal_year`, as the data stand at `now`.
pub async fn complaint_report(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    part: ReportPart,
    now: DateTime<Utc>,
) -> Result<ComplaintReport, DbErr> {
    let year = YearTally(tally::of_year(db, agency_id, fiscal_year).await?);
    let today = local_date(now);
    let statuses: Vec<String> = Status::iter().map(|s| s.code()).collect();
    let mut totals = ReportRow { corruption_by_status: vec![0; statuses.len()], ..Default::default() };
    let mut months = Vec::new();
    for month in 1..=part.months() {
        let mut row = ReportRow {
            month,
            future: fiscal_month_start(fiscal_year, month) > today,
            corruption_by_status: vec![0; statuses.len()],
            ..Default::default()
        };
        for (_, key, n) in year.by_month(Figure::Corruption).filter(|(m, _, _)| *m == month) {
            if let Some(i) = statuses.iter().position(|s| s == key) {
                row.corruption_by_status[i] += n;
            }
            row.corruption += n;
            if closed_key(key) {
                row.corruption_completed += n;
            }
        }
        for (_, key, n) in year.by_month(Figure::Kind).filter(|(m, _, _)| *m == month) {
            match key {
                k if k == Kind::Complaint.code() => row.complaints += n,
                k if k == Kind::Suggestion.code() => row.suggestions += n,
                k if k == Kind::Question.code() => row.questions += n,
                _ => {}
            }
        }
        for (_, key, n) in year.by_month(Figure::Answered).filter(|(m, _, _)| *m == month) {
            if key == "on_time" {
                row.answered_on_time += n;
            } else {
                row.answered_late += n;
            }
        }
        totals.add(&row);
        months.push(row);
    }
    let complete = fiscal_month_start(fiscal_year, part.months()) + chrono::Months::new(1) <= today;
    let filter = LogFilter {
        fiscal_year: Some(fiscal_year),
        kind: Some(LogKind::Submission(Kind::Complaint)),
        ..Default::default()
    };
    let end = fiscal_month_start(fiscal_year, part.months()) + chrono::Months::new(1);
    let mut published: Vec<PublicLogEntry> = public::log_page(db, agency_id, &filter, None, PUBLISHED_LIMIT)
        .await?
        .entries
        .into_iter()
        .filter(|e| local_date(e.date) < end)
        .collect();
    published.reverse();
    Ok(ComplaintReport { fiscal_year, part, as_of: now, complete, months, totals, published })
}
