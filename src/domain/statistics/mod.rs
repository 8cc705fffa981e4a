//! Statistics of a fiscal year, counted by the database (DESIGN.md rule 3):
//! every figure is a GROUP BY or an aggregate over indexed columns of
//! `submission`; medians pick the middle row(s) with LIMIT/OFFSET. Rust only
//! folds the handful of aggregated rows (twelve months into quarters, say).

mod eit;
mod period;

use chrono::{DateTime, Utc};
use entity::enums::{Channel, Code, Kind, Status};
use entity::{department, submission, submission_indicator};
use sea_orm::sea_query::{Alias, Expr, Order, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, Iterable, JoinType,
    QueryFilter, QuerySelect, RelationTrait,
};
use serde::Serialize;

pub use eit::{service_figures, EitEstimate, QuestionAverage, ServiceFigures};

use crate::domain::memo::Memo;

/// Statistics already counted, per (agency, fiscal year, period).
pub type StatisticsMemo = Memo<(i64, i32, Period), Statistics>;

/// How long counted statistics may be shown without a change in the data:
/// answers falling due move the "on time" figures with the clock alone.
pub const STATISTICS_TTL: std::time::Duration = std::time::Duration::from_secs(60);
pub use period::Period;

/// One row of a count table: a code (or number, as text) and its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub code: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentCount {
    /// `None`: not yet assigned to a division.
    pub department_th: Option<String>,
    pub department_en: Option<String>,
    pub count: i64,
}

/// Complaints and service feedback about one service of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodCount {
    /// 1-based within the fiscal year.
    pub period: i32,
    pub count: i64,
}

/// Corruption reports of one period, in the form ITA assessors check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorruptionPeriod {
    pub period: i32,
    pub received: i64,
    pub completed: i64,
    pub in_progress: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    pub fiscal_year: i32,
    pub period: Period,
    /// When these figures were counted.
    pub as_of: DateTime<Utc>,
    pub total: i64,
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
}

impl Statistics {
    /// The share answered on time, in percent.
    pub fn on_time_percent(&self) -> Option<f64> {
        (self.answer_due > 0).then(|| self.answered_on_time as f64 * 100.0 / self.answer_due as f64)
    }
}

/// Completed corruption reports: closed one way or another.
const COMPLETED: [Status; 3] = [Status::Resolved, Status::Rejected, Status::Referred];

/// The submissions of one agency and fiscal year.
fn of_year(agency_id: i64, fiscal_year: i32) -> sea_orm::Select<submission::Entity> {
    submission::Entity::find()
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::FiscalYear.eq(fiscal_year))
}

/// The year's submissions that wait for an answer: service feedback is an
/// evaluation, not a request, so it does not count in answer times.
fn awaiting_answers(agency_id: i64, fiscal_year: i32) -> sea_orm::Select<submission::Entity> {
    of_year(agency_id, fiscal_year).filter(submission::Column::Kind.ne(Kind::ServiceFeedback))
}

/// `SELECT column, COUNT(*) … GROUP BY column` over the year's submissions.
async fn count_by<T: sea_orm::TryGetable>(
    db: &impl ConnectionTrait,
    select: sea_orm::Select<submission::Entity>,
    column: impl sea_orm::IntoSimpleExpr,
) -> Result<Vec<(T, i64)>, DbErr>
where
    (T, i64): sea_orm::TryGetableMany,
{
    let column = column.into_simple_expr();
    select
        .select_only()
        .expr_as(column.clone(), "key")
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .group_by(column)
        .into_tuple::<(T, i64)>()
        .all(db)
        .await
}

/// Every code of a closed set with its count, zeros included.
fn with_zeros(codes: impl Iterator<Item = String>, found: &[(String, i64)]) -> Vec<Count> {
    codes
        .map(|code| {
            let count = found.iter().find(|(c, _)| *c == code).map_or(0, |(_, n)| *n);
            Count { code, count }
        })
        .collect()
}

/// The fiscal year's statistics, counted again only after a write (or after
/// [`STATISTICS_TTL`]): at a million rows a recount takes a while, and the
/// public page is read far more often than the data changes.
pub async fn counted_fiscal_year(
    db: &DatabaseConnection,
    memo: &StatisticsMemo,
    agency_id: i64,
    fiscal_year: i32,
    period: Period,
) -> Result<Statistics, DbErr> {
    memo.get(db, (agency_id, fiscal_year, period), || {
        let db = db.clone();
        async move { fiscal_year_statistics(&db, agency_id, fiscal_year, period, Utc::now()).await }
    })
    .await
}

pub async fn fiscal_year_statistics(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Statistics, DbErr> {
    let year = || of_year(agency_id, fiscal_year);
    let by_kind: Vec<(String, i64)> = count_by(db, year(), submission::Column::Kind).await?;
    let by_channel: Vec<(String, i64)> = count_by(db, year(), submission::Column::Channel).await?;
    let by_status: Vec<(String, i64)> = count_by(db, year(), submission::Column::Status).await?;
    let by_month: Vec<(i32, i64)> = count_by(db, year(), submission::Column::FiscalMonth).await?;
    let by_department: Vec<(Option<i64>, i64)> = count_by(db, year(), submission::Column::DepartmentId).await?;
    let by_indicator: Vec<(i16, i64)> = count_by(
        db,
        year().join(JoinType::InnerJoin, submission_indicator::Relation::Submission.def().rev()),
        SimpleExpr::from(Expr::col((submission_indicator::Entity, submission_indicator::Column::Indicator))),
    )
    .await?;

    let departments = crate::domain::agency::departments(db, agency_id).await?;
    let mut department_counts: Vec<DepartmentCount> = departments
        .iter()
        .map(|d: &department::Model| DepartmentCount {
            department_th: Some(d.name_th.clone()),
            department_en: Some(d.name_en.clone()),
            count: by_department.iter().find(|(id, _)| *id == Some(d.id)).map_or(0, |(_, n)| *n),
        })
        .collect();
    let unassigned = by_department.iter().find(|(id, _)| id.is_none()).map_or(0, |(_, n)| *n);
    if unassigned > 0 {
        department_counts.push(DepartmentCount { department_th: None, department_en: None, count: unassigned });
    }

    let corruption_rows: Vec<(i32, String, i64)> = year()
        .filter(submission::Column::Kind.eq(Kind::Corruption))
        .select_only()
        .column(submission::Column::FiscalMonth)
        .column(submission::Column::Status)
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .group_by(submission::Column::FiscalMonth)
        .group_by(submission::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let completed: Vec<String> = COMPLETED.iter().map(Code::code).collect();
    let corruption = period
        .numbers()
        .map(|p| {
            let rows = corruption_rows.iter().filter(|(month, _, _)| period.of_month(*month) == p);
            let (received, done) = rows.fold((0, 0), |(all, done), (_, status, n)| {
                (all + n, if completed.contains(status) { done + n } else { done })
            });
            CorruptionPeriod { period: p, received, completed: done, in_progress: received - done }
        })
        .collect();

    let backend = db.get_database_backend();
    let answered = awaiting_answers(agency_id, fiscal_year).filter(submission::Column::FirstAnsweredAt.is_not_null());
    let answered_on_time = count(
        db,
        answered.filter(Expr::cust(format!(
            "{} <= 0",
            days_between(backend, submission::Column::FirstAnsweredAt, submission::Column::DueAt)
        ))),
    )
    .await?;
    let answer_due = count(
        db,
        awaiting_answers(agency_id, fiscal_year).filter(
            sea_orm::Condition::any()
                .add(submission::Column::FirstAnsweredAt.is_not_null())
                .add(submission::Column::DueAt.lt(now)),
        ),
    )
    .await?;

    let survey = eit::year_figures(db, agency_id, fiscal_year).await?;
    Ok(Statistics {
        fiscal_year,
        period,
        as_of: now,
        total: by_kind.iter().map(|(_, n)| n).sum(),
        by_kind: with_zeros(Kind::iter().map(|k| k.code()), &by_kind),
        by_channel: with_zeros(Channel::iter().map(|c| c.code()), &by_channel),
        by_status: with_zeros(Status::iter().map(|s| s.code()), &by_status),
        by_department: department_counts,
        by_service: by_service(db, agency_id, fiscal_year, &survey.eit6_by_service).await?,
        by_indicator: (6..=10i16)
            .map(|i| Count {
                code: i.to_string(),
                count: by_indicator.iter().find(|(k, _)| *k == i).map_or(0, |(_, n)| *n),
            })
            .collect(),
        by_period: period
            .numbers()
            .map(|p| PeriodCount {
                period: p,
                count: by_month.iter().filter(|(m, _)| period.of_month(*m) == p).map(|(_, n)| n).sum(),
            })
            .collect(),
        answered_on_time,
        answer_due,
        median_days_to_first_answer: median_days(
            db,
            agency_id,
            fiscal_year,
            submission::Column::FirstAnsweredAt,
            submission::Column::ReceivedAt,
        )
        .await?,
        median_days_to_close: median_days(
            db,
            agency_id,
            fiscal_year,
            submission::Column::ClosedAt,
            submission::Column::ReceivedAt,
        )
        .await?,
        questions: survey.questions,
        eit: survey.estimates,
        corruption,
    })
}

/// Complaints and feedback per service: two GROUP BYs, beside each
/// service's indicator 6 estimate counted with the year's survey figures.
async fn by_service(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    eit6: &[(i64, Option<f64>)],
) -> Result<Vec<ServiceCount>, DbErr> {
    let of_kind = |kind: Kind| {
        of_year(agency_id, fiscal_year)
            .filter(submission::Column::Kind.eq(kind))
            .filter(submission::Column::ServiceId.is_not_null())
    };
    let complaints: Vec<(i64, i64)> = count_by(db, of_kind(Kind::Complaint), submission::Column::ServiceId).await?;
    let feedback: Vec<(i64, i64)> = count_by(db, of_kind(Kind::ServiceFeedback), submission::Column::ServiceId).await?;
    let find = |rows: &[(i64, i64)], id: i64| rows.iter().find(|(s, _)| *s == id).map_or(0, |(_, n)| *n);
    let mut out = Vec::new();
    for service in crate::domain::services::all(db, agency_id).await? {
        let (complaints, feedback) = (find(&complaints, service.id), find(&feedback, service.id));
        if complaints == 0 && feedback == 0 {
            continue;
        }
        out.push(ServiceCount {
            eit6: eit6.iter().find(|(id, _)| *id == service.id).and_then(|(_, score)| *score),
            slug: service.slug,
            service_th: service.name_th,
            service_en: service.name_en,
            complaints,
            feedback,
        });
    }
    Ok(out)
}

async fn count(db: &impl ConnectionTrait, select: sea_orm::Select<submission::Entity>) -> Result<i64, DbErr> {
    let n: Option<i64> = select.select_only().expr_as(Expr::cust("COUNT(*)"), "n").into_tuple::<i64>().one(db).await?;
    Ok(n.unwrap_or(0))
}

/// SQL for the days from `earlier` to `later`, as a real number. Each
/// database has its own date arithmetic (SQLite keeps instants as text), so
/// this is the one place the two are spelt apart.
fn days_between(backend: DatabaseBackend, later: submission::Column, earlier: submission::Column) -> String {
    use sea_orm::IdenStatic;
    let (later, earlier) = (later.as_str(), earlier.as_str());
    match backend {
        DatabaseBackend::Postgres => {
            format!("(CAST(EXTRACT(EPOCH FROM (\"{later}\" - \"{earlier}\")) AS DOUBLE PRECISION) / 86400.0)")
        }
        _ => format!("(julianday(\"{later}\") - julianday(\"{earlier}\"))"),
    }
}

/// The median of days from receipt to `until`, over the year's submissions
/// that have reached it: count them, then read the middle one or two rows.
async fn median_days(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    until: submission::Column,
    from: submission::Column,
) -> Result<Option<f64>, DbErr> {
    let n = count(db, awaiting_answers(agency_id, fiscal_year).filter(until.is_not_null())).await?;
    if n == 0 {
        return Ok(None);
    }
    let backend = db.get_database_backend();
    let days = SimpleExpr::Custom(days_between(backend, until, from));
    let (offset, take) = if n % 2 == 1 { ((n - 1) / 2, 1) } else { (n / 2 - 1, 2) };
    let query: SelectStatement = Query::select()
        .expr_as(days.clone(), Alias::new("days"))
        .from(submission::Entity)
        .and_where(submission::Column::AgencyId.eq(agency_id))
        .and_where(submission::Column::FiscalYear.eq(fiscal_year))
        .and_where(submission::Column::Kind.ne(Kind::ServiceFeedback))
        .and_where(until.is_not_null())
        .order_by_expr(days, Order::Asc)
        .limit(take as u64)
        .offset(offset as u64)
        .to_owned();
    let rows = db.query_all(backend.build(&query)).await?;
    let middle: Vec<f64> = rows.iter().map(|row| row.try_get::<f64>("", "days")).collect::<Result<_, _>>()?;
    Ok((!middle.is_empty()).then(|| middle.iter().sum::<f64>() / middle.len() as f64))
}
