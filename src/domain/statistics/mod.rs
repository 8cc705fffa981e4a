//! Statistics of a fiscal year, read from the counts the writes keep
//! (`domain::tally`, DESIGN.md rule 3): reading a year costs the number of
//! its groups (a few hundred rows), not the number of its submissions. Rust
//! folds those rows into the tables the page shows: months into quarters,
//! day histograms into medians.

mod closing;
mod eit;
pub mod eservice;
mod period;
mod report;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use entity::enums::{Channel, Code, Kind, Status};
use entity::submission;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Iterable, QueryFilter, QuerySelect};
use serde::Serialize;

pub use closing::{ClosingFigures, OutcomeCount, ReopenedCount, SatisfactionRow};
pub use eit::{EitEstimate, QuestionAverage, ServiceFigures};
pub use report::{complaint_report, ComplaintReport, ReportPart, ReportRow};

use crate::domain::calendar::{bangkok, fiscal_month_start, local_date};
use crate::domain::submissions::workflow;
use crate::domain::tally::{self, Figure};

/// How long counted statistics may be shown without a change in the data:
/// answers falling due move the "on time" figures with the clock alone.
pub const STATISTICS_TTL: std::time::Duration = std::time::Duration::from_secs(60);
pub use period::Period;

/// One row of a count table: a code (or number, as text) and its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub code: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DepartmentCount {
    /// `None`: not yet assigned to a division.
    pub department_th: Option<String>,
    pub department_en: Option<String>,
    pub count: i64,
}

/// Complaints and service feedback about one service of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ServiceCount {
    pub slug: String,
    pub service_th: String,
    pub service_en: String,
    pub complaints: i64,
    /// Service-feedback responses.
    pub feedback: i64,
    /// The indicator 6 estimate over its feedback; `None` without answers.
    pub eit6: Option<f64>,
}

/// One period (month, quarter or half-year) of the fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PeriodCount {
    /// 1-based within the fiscal year.
    pub period: i32,
    pub count: i64,
}

/// Corruption reports of one period, in the form ITA assessors check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CorruptionPeriod {
    pub period: i32,
    pub received: i64,
    pub completed: i64,
    pub in_progress: i64,
    /// The period has not begun: nothing to report yet (not "none").
    pub future: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Statistics {
    pub fiscal_year: i32,
    pub period: Period,
    /// When these figures were counted.
    pub as_of: DateTime<Utc>,
    /// Matters received (complaints, corruption reports, suggestions,
    /// questions): service-feedback answers are not matters ("เรื่อง").
    pub total: i64,
    /// Service-feedback answers (evaluations of a service).
    pub feedback: i64,
    pub by_kind: Vec<Count>,
    pub by_channel: Vec<Count>,
    pub by_status: Vec<Count>,
    pub by_department: Vec<DepartmentCount>,
    /// Services named by complaints or feedback this year, in catalogue order.
    pub by_service: Vec<ServiceCount>,
    pub by_indicator: Vec<Count>,
    pub by_period: Vec<PeriodCount>,
    /// Answered by the due date, out of those answered or already due
    /// (service feedback, which needs no answer, left out).
    pub answered_on_time: i64,
    pub answer_due: i64,
    pub median_days_to_first_answer: Option<f64>,
    pub median_days_to_close: Option<f64>,
    pub questions: Vec<QuestionAverage>,
    pub eit: Vec<EitEstimate>,
    pub corruption: Vec<CorruptionPeriod>,
    /// How items ended: outcomes, reopenings, residents' verdicts.
    pub closing: ClosingFigures,
}

impl Statistics {
    /// The share answered on time, in percent.
    pub fn on_time_percent(&self) -> Option<f64> {
        (self.answer_due > 0).then(|| self.answered_on_time as f64 * 100.0 / self.answer_due as f64)
    }
}

/// A fiscal year's stored counts: (month, figure, key, count).
struct YearTally(Vec<(i32, Figure, String, i64)>);

impl YearTally {
    /// The year's count per key of `figure`, months summed.
    fn by_key(&self, figure: Figure) -> BTreeMap<&str, i64> {
        let mut out = BTreeMap::new();
        for (_, f, key, n) in &self.0 {
            if *f == figure {
                *out.entry(key.as_str()).or_default() += n;
            }
        }
        out
    }

    fn get(&self, figure: Figure, key: &str) -> i64 {
        self.by_key(figure).get(key).copied().unwrap_or(0)
    }

    fn total(&self, figure: Figure) -> i64 {
        self.by_key(figure).values().sum()
    }

    /// (month, key, count) of a figure kept per month.
    fn by_month(&self, figure: Figure) -> impl Iterator<Item = (i32, &str, i64)> {
        self.0.iter().filter(move |(_, f, _, _)| *f == figure).map(|(m, _, k, n)| (*m, k.as_str(), *n))
    }

    /// Every code of a closed set with its count, zeros included.
    fn with_zeros(&self, figure: Figure, codes: impl Iterator<Item = String>) -> Vec<Count> {
        let found = self.by_key(figure);
        codes.map(|code| Count { count: found.get(code.as_str()).copied().unwrap_or(0), code }).collect()
    }

    /// The median of a histogram of tenths of days, in days.
    fn median_days(&self, figure: Figure) -> Option<f64> {
        let mut histogram: Vec<(i64, i64)> =
            self.by_key(figure).into_iter().filter_map(|(tenths, n)| Some((tenths.parse().ok()?, n))).collect();
        histogram.sort_unstable();
        let n: i64 = histogram.iter().map(|(_, count)| count).sum();
        if n == 0 {
            return None;
        }
        // The value at a 0-based rank of the sorted values.
        let at = |rank: i64| {
            let mut seen = 0;
            histogram.iter().find(|(_, count)| {
                seen += count;
                seen > rank
            })
        };
        let middle: Vec<i64> = if n % 2 == 1 { vec![(n - 1) / 2] } else { vec![n / 2 - 1, n / 2] };
        let values: Vec<f64> = middle.into_iter().filter_map(at).map(|(tenths, _)| *tenths as f64 / 10.0).collect();
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

/// The kind whose submissions are answers to the survey, not matters.
const FEEDBACK: &str = "service_feedback";

/// Whether a corruption count's key (a status) is a closed one.
fn closed_key(key: &str) -> bool {
    Status::iter().any(|s| workflow::is_closed(s) && s.code() == key)
}

/// A fiscal year's statistics at `now`, from the stored counts.
pub async fn fiscal_year_statistics(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Statistics, DbErr> {
    let year = YearTally(tally::of_year(db, agency_id, fiscal_year).await?);

    let departments = crate::domain::agency::departments(db, agency_id).await?;
    let by_department_key = year.by_key(Figure::Department);
    let mut by_department: Vec<DepartmentCount> = departments
        .iter()
        .map(|d| DepartmentCount {
            department_th: Some(d.name_th.clone()),
            department_en: Some(d.name_en.clone()),
            count: by_department_key.get(d.id.to_string().as_str()).copied().unwrap_or(0),
        })
        .collect();
    let unassigned = by_department_key.get("none").copied().unwrap_or(0);
    if unassigned > 0 {
        by_department.push(DepartmentCount { department_th: None, department_en: None, count: unassigned });
    }

    let today = local_date(now);
    let corruption = period
        .numbers()
        .map(|p| {
            let rows = year.by_month(Figure::Corruption).filter(|(month, _, _)| period.of_month(*month) == p);
            let (received, completed) =
                rows.fold((0, 0), |(all, done), (_, key, n)| (all + n, if closed_key(key) { done + n } else { done }));
            let future = fiscal_month_start(fiscal_year, period.first_month(p)) > today;
            CorruptionPeriod { period: p, received, completed, in_progress: received - completed, future }
        })
        .collect();

    let answered = year.total(Figure::Answered);
    let survey = eit::YearSurvey::from_counts(&year.0);
    let services = crate::domain::services::all(db, agency_id).await?;
    let closing = closing::closing_figures(&year, &departments, &services);
    let by_service = services
        .into_iter()
        .filter_map(|service| {
            let id = service.id.to_string();
            let (complaints, feedback) =
                (year.get(Figure::ServiceComplaints, &id), year.get(Figure::ServiceFeedback, &id));
            (complaints > 0 || feedback > 0).then(|| ServiceCount {
                eit6: survey.of_service(service.id).estimates()[0].score,
                slug: service.slug,
                service_th: service.name_th,
                service_en: service.name_en,
                complaints,
                feedback,
            })
        })
        .collect();
    let all = survey.of_year();
    Ok(Statistics {
        fiscal_year,
        period,
        as_of: now,
        total: year.total(Figure::Kind) - year.get(Figure::Kind, FEEDBACK),
        feedback: year.get(Figure::Kind, FEEDBACK),
        by_kind: year.with_zeros(Figure::Kind, Kind::iter().map(|k| k.code())),
        by_channel: year.with_zeros(Figure::Channel, Channel::iter().map(|c| c.code())),
        by_status: year.with_zeros(Figure::Status, Status::iter().map(|s| s.code())),
        by_department,
        by_service,
        by_indicator: year.with_zeros(Figure::Indicator, (6..=10i16).map(|i| i.to_string())),
        by_period: period
            .numbers()
            .map(|p| PeriodCount {
                period: p,
                count: year
                    .by_month(Figure::Kind)
                    .filter(|(m, kind, _)| period.of_month(*m) == p && *kind != FEEDBACK)
                    .map(|(_, _, n)| n)
                    .sum(),
            })
            .collect(),
        answered_on_time: year.get(Figure::Answered, "on_time"),
        answer_due: answered + unanswered_due(db, agency_id, fiscal_year, &year, now).await?,
        median_days_to_first_answer: year.median_days(Figure::TenthsToAnswer),
        median_days_to_close: year.median_days(Figure::TenthsToClose),
        questions: all.averages(),
        eit: all.estimates(),
        corruption,
        closing,
    })
}

/// Requests of the year not answered yet whose answer was due before `now`:
/// whole days from the counts, and today so far from the rows themselves
/// (one day of due dates, read through the due-date index).
async fn unanswered_due(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    year: &YearTally,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let today = local_date(now);
    let before_today: i64 = year
        .by_key(Figure::UnansweredDue)
        .into_iter()
        .filter(|(date, _)| date.parse::<chrono::NaiveDate>().is_ok_and(|date| date < today))
        .map(|(_, n)| n)
        .sum();
    let midnight = bangkok()
        .from_local_datetime(&today.and_time(NaiveTime::MIN))
        .single()
        .map_or(now, |at| at.with_timezone(&Utc));
    let today_so_far: Option<i64> = submission::Entity::find()
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::NextDueAt.gte(midnight))
        .filter(submission::Column::NextDueAt.lt(now))
        .filter(submission::Column::FirstAnsweredAt.is_null())
        .filter(submission::Column::FiscalYear.eq(fiscal_year))
        .filter(submission::Column::Kind.ne(Kind::ServiceFeedback))
        .select_only()
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .into_tuple()
        .one(db)
        .await?;
    Ok(before_today + today_so_far.unwrap_or(0))
}

/// One service's survey figures in a fiscal year, for its page.
pub async fn service_figures(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    service_id: i64,
) -> Result<ServiceFigures, DbErr> {
    let year = YearTally(tally::of_year(db, agency_id, fiscal_year).await?);
    let responses = year.get(Figure::ServiceFeedback, &service_id.to_string());
    Ok(eit::YearSurvey::from_counts(&year.0).service_figures(service_id, responses))
}
