//! Counts kept by the write (DESIGN.md rule 3): every figure the statistics
//! and the inbox show is a sum of rows of `tally` and `inbox_tally`, changed
//! by the same transaction that changes the submissions they count.
//!
//! One function, [`Counted::keys`], says which groups a submission counts in
//! (its kind in its month, its status, its department, the tenths of days it
//! took to answer, each rating…). A write takes the submission as it was and
//! as it is now and applies the difference: −1 to each group it left, +1 to
//! each it joined. A recount folds the same function over every row, so the
//! two can be compared (`siang recount --check`, and the property test).
//! The database refuses a count below zero.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use entity::enums::{Channel, Code, Kind, Outcome, OutcomeReason, Resolved, Status};
use entity::{
    app_setting, inbox_tally, submission, submission_indicator, submission_rating, submission_verdict, tally,
};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    AccessMode, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, IsolationLevel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use super::calendar::local_date;
use super::submissions::outcome::Closing;
use super::submissions::questions::{self, Answer};
use super::write;

/// The counting rules' edition. Raise it when [`Counted::keys`] changes:
/// at start, counts made under older rules are recounted.
pub const RULES: i64 = 3;
const RULES_SETTING: &str = "tally_rules";

/// The figures of a fiscal year. Those kept per month serve the periods
/// (months, quarters, halves); the others are kept for the whole year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Figure {
    /// Key: kind. Per month: the total and the periods come from it.
    Kind,
    /// Key: channel. Per month.
    Channel,
    /// Key: status.
    Status,
    /// Key: department id, or `none`.
    Department,
    /// Key: indicator 6–10.
    Indicator,
    /// Complaints about a service. Key: service id.
    ServiceComplaints,
    /// Service feedback about a service. Key: service id.
    ServiceFeedback,
    /// Corruption reports. Key: status (rules 2; `completed`/`open` before).
    /// Per month.
    Corruption,
    /// Requests answered (service feedback is not a request). Key:
    /// `on_time` or `late`. Per month.
    Answered,
    /// Requests not yet answered, by the Bangkok date their answer is due.
    UnansweredDue,
    /// Answered requests by tenths of a day from receipt to first answer.
    TenthsToAnswer,
    /// Closed requests by tenths of a day from receipt to closing.
    TenthsToClose,
    /// Survey answers. Key: `question:value`, or `service:question:value`.
    Rating,
    /// "Were you asked for a benefit?". Key: `yes`/`no`, or `service:yes`.
    Benefit,
    /// Feedback that answered any question of an indicator. Key: the
    /// indicator, or `service:indicator`.
    Responses,
    /// Closed submissions by outcome and whether closed by the closing due
    /// date (rules 3). Key: `outcome:on_time|late`, the outcome as
    /// `outcome::Closing`'s code.
    Outcome,
    /// Submissions reopened after closing (rules 3). Key: department id, or
    /// `none`.
    Reopened,
    /// Residents' verdicts (rules 3). Key: `yes`, `partly` or `no`.
    Verdict,
    /// Residents' satisfaction 1–5 (rules 3). Key: `all:n`,
    /// `department:id|none:n`, `kind:kind:n`, `service:id:n`.
    Satisfaction,
}

impl Figure {
    const ALL: [Figure; 19] = [
        Figure::Kind,
        Figure::Channel,
        Figure::Status,
        Figure::Department,
        Figure::Indicator,
        Figure::ServiceComplaints,
        Figure::ServiceFeedback,
        Figure::Corruption,
        Figure::Answered,
        Figure::UnansweredDue,
        Figure::TenthsToAnswer,
        Figure::TenthsToClose,
        Figure::Rating,
        Figure::Benefit,
        Figure::Responses,
        Figure::Outcome,
        Figure::Reopened,
        Figure::Verdict,
        Figure::Satisfaction,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Figure::Kind => "kind",
            Figure::Channel => "channel",
            Figure::Status => "status",
            Figure::Department => "department",
            Figure::Indicator => "indicator",
            Figure::ServiceComplaints => "service_complaints",
            Figure::ServiceFeedback => "service_feedback",
            Figure::Corruption => "corruption",
            Figure::Answered => "answered",
            Figure::UnansweredDue => "unanswered_due",
            Figure::TenthsToAnswer => "tenths_to_answer",
            Figure::TenthsToClose => "tenths_to_close",
            Figure::Rating => "rating",
            Figure::Benefit => "benefit",
            Figure::Responses => "responses",
            Figure::Outcome => "outcome",
            Figure::Reopened => "reopened",
            Figure::Verdict => "verdict",
            Figure::Satisfaction => "satisfaction",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// One group a submission is counted in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// A group of a fiscal year's figure; month 0 for figures kept per year.
    Year { agency_id: i64, fiscal_year: i32, fiscal_month: i32, figure: Figure, key: String },
    /// A group of the inbox: indicator 0 counts every submission, and a
    /// linked one counts again under each of its indicators; department 0
    /// is "not assigned".
    Inbox { agency_id: i64, indicator: i16, status: Status, kind: Kind, channel: Channel, department_id: i64 },
}

/// What of a submission is counted: its row, its indicator links and its
/// survey answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    pub agency_id: i64,
    pub fiscal_year: i32,
    pub fiscal_month: i32,
    pub kind: Kind,
    pub channel: Channel,
    pub status: Status,
    pub department_id: Option<i64>,
    pub service_id: Option<i64>,
    pub asked_for_benefit: Option<bool>,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub first_answered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_due_at: DateTime<Utc>,
    pub outcome: Option<Closing>,
    /// Reopened after closing, ever.
    pub reopened: bool,
    pub indicators: Vec<i16>,
    /// (question, answer 1–4)
    pub ratings: Vec<(String, i16)>,
    /// The resident's verdict: (resolved?, satisfaction 1–5).
    pub verdict: Option<(Resolved, i16)>,
}

/// The columns of `submission` that counting reads.
#[derive(Debug, Clone, FromQueryResult)]
struct CountedRow {
    id: i64,
    agency_id: i64,
    fiscal_year: i32,
    fiscal_month: i32,
    kind: Kind,
    channel: Channel,
    status: Status,
    department_id: Option<i64>,
    service_id: Option<i64>,
    asked_for_benefit: Option<bool>,
    received_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    first_answered_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    close_due_at: DateTime<Utc>,
    outcome: Option<Outcome>,
    outcome_reason: Option<OutcomeReason>,
    reopened_at: Option<DateTime<Utc>>,
}

impl Counted {
    pub fn new(item: &submission::Model, indicators: Vec<i16>, ratings: Vec<(String, i16)>) -> Self {
        Self {
            agency_id: item.agency_id,
            fiscal_year: item.fiscal_year,
            fiscal_month: item.fiscal_month,
            kind: item.kind,
            channel: item.channel,
            status: item.status,
            department_id: item.department_id,
            service_id: item.service_id,
            asked_for_benefit: item.asked_for_benefit,
            received_at: item.received_at,
            due_at: item.due_at,
            first_answered_at: item.first_answered_at,
            closed_at: item.closed_at,
            close_due_at: item.close_due_at,
            outcome: Closing::from_columns(item.outcome, item.outcome_reason),
            reopened: item.reopened_at.is_some(),
            indicators,
            ratings,
            verdict: None,
        }
    }

    /// The submission `item` with its links and answers as they are stored.
    pub async fn load(db: &impl ConnectionTrait, item: &submission::Model) -> Result<Self, DbErr> {
        let indicators = submission_indicator::Entity::find()
            .filter(submission_indicator::Column::SubmissionId.eq(item.id))
            .all(db)
            .await?
            .into_iter()
            .map(|link| link.indicator)
            .collect();
        let ratings = submission_rating::Entity::find()
            .filter(submission_rating::Column::SubmissionId.eq(item.id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.question_id, r.value))
            .collect();
        let verdict =
            submission_verdict::Entity::find_by_id(item.id).one(db).await?.map(|v| (v.resolved, v.satisfaction));
        Ok(Self { verdict, ..Self::new(item, indicators, ratings) })
    }

    /// The same submission with `item`'s row (its links and answers kept).
    pub fn with_row(&self, item: &submission::Model) -> Self {
        Self { verdict: self.verdict, ..Self::new(item, self.indicators.clone(), self.ratings.clone()) }
    }

    /// Every group this submission counts in, once each.
    pub fn keys(&self) -> Vec<Key> {
        let mut keys = Vec::new();
        let mut year = |fiscal_month: i32, figure: Figure, key: String| {
            keys.push(Key::Year { agency_id: self.agency_id, fiscal_year: self.fiscal_year, fiscal_month, figure, key })
        };
        let month = self.fiscal_month;
        year(month, Figure::Kind, self.kind.code());
        year(month, Figure::Channel, self.channel.code());
        year(0, Figure::Status, self.status.code());
        year(0, Figure::Department, self.department_id.map_or_else(|| "none".to_owned(), |id| id.to_string()));
        for indicator in &self.indicators {
            year(0, Figure::Indicator, indicator.to_string());
        }
        if let Some(service) = self.service_id {
            match self.kind {
                Kind::Complaint => year(0, Figure::ServiceComplaints, service.to_string()),
                Kind::ServiceFeedback => year(0, Figure::ServiceFeedback, service.to_string()),
                _ => {}
            }
        }
        if self.kind == Kind::Corruption {
            year(month, Figure::Corruption, self.status.code());
        }
        if self.kind != Kind::ServiceFeedback {
            match self.first_answered_at {
                Some(answered) => {
                    let timely = if answered <= self.due_at { "on_time" } else { "late" };
                    year(month, Figure::Answered, timely.to_owned());
                    year(0, Figure::TenthsToAnswer, tenths_of_days(self.received_at, answered).to_string());
                }
                None => year(0, Figure::UnansweredDue, local_date(self.due_at).to_string()),
            }
            if let Some(closed) = self.closed_at {
                year(0, Figure::TenthsToClose, tenths_of_days(self.received_at, closed).to_string());
            }
        }
        if self.kind == Kind::ServiceFeedback {
            let services: Vec<Option<i64>> = std::iter::once(None).chain(self.service_id.map(Some)).collect();
            let scoped = |service: &Option<i64>, key: String| match service {
                Some(id) => format!("{id}:{key}"),
                None => key,
            };
            for service in &services {
                for (question, value) in &self.ratings {
                    year(0, Figure::Rating, scoped(service, format!("{question}:{value}")));
                }
                if let Some(asked) = self.asked_for_benefit {
                    year(0, Figure::Benefit, scoped(service, if asked { "yes" } else { "no" }.to_owned()));
                }
                for indicator in answered_indicators(&self.ratings, self.asked_for_benefit) {
                    year(0, Figure::Responses, scoped(service, indicator.to_string()));
                }
            }
        }

        if let (Some(outcome), Some(closed)) = (self.outcome, self.closed_at) {
            let timely = if closed <= self.close_due_at { "on_time" } else { "late" };
            year(0, Figure::Outcome, format!("{}:{timely}", outcome.code()));
        }
        let department = self.department_id.map_or_else(|| "none".to_owned(), |id| id.to_string());
        if self.reopened {
            year(0, Figure::Reopened, department.clone());
        }
        if let Some((resolved, satisfaction)) = self.verdict {
            year(0, Figure::Verdict, resolved.code());
            year(0, Figure::Satisfaction, format!("all:{satisfaction}"));
            year(0, Figure::Satisfaction, format!("department:{department}:{satisfaction}"));
            year(0, Figure::Satisfaction, format!("kind:{}:{satisfaction}", self.kind.code()));
            if let Some(service) = self.service_id {
                year(0, Figure::Satisfaction, format!("service:{service}:{satisfaction}"));
            }
        }

        let inbox = |indicator: i16| Key::Inbox {
            agency_id: self.agency_id,
            indicator,
            status: self.status,
            kind: self.kind,
            channel: self.channel,
            department_id: self.department_id.unwrap_or(0),
        };
        keys.push(inbox(0));
        keys.extend(self.indicators.iter().map(|i| inbox(*i)));
        keys
    }
}

/// Whole tenths of a day from `from` to `to` (never negative): the medians'
/// resolution, about two and a half hours.
fn tenths_of_days(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds().max(0) * 10 / 86_400
}

/// The survey's indicators (6–8) of which `ratings` answer any question.
fn answered_indicators(ratings: &[(String, i16)], asked_for_benefit: Option<bool>) -> Vec<u8> {
    let mut indicators: Vec<u8> = questions::all()
        .iter()
        .filter(|q| match q.answer {
            Answer::Scale | Answer::Has => ratings.iter().any(|(id, _)| *id == q.id),
            Answer::YesNo => asked_for_benefit.is_some(),
        })
        .map(|q| q.indicator)
        .collect();
    indicators.sort_unstable();
    indicators.dedup();
    indicators
}

/// Changes to counts, to apply in the transaction that makes them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes(BTreeMap<Key, i64>);

impl Changes {
    /// A submission that is new (or newly counted).
    pub fn add(&mut self, counted: &Counted) {
        for key in counted.keys() {
            *self.0.entry(key).or_default() += 1;
        }
    }

    pub fn remove(&mut self, counted: &Counted) {
        for key in counted.keys() {
            *self.0.entry(key).or_default() -= 1;
        }
    }

    /// A submission that was `before` and is now `after`.
    pub fn change(before: &Counted, after: &Counted) -> Self {
        let mut changes = Self::default();
        changes.remove(before);
        changes.add(after);
        changes
    }

    pub fn merge(&mut self, other: Changes) {
        for (key, delta) in other.0 {
            *self.0.entry(key).or_default() += delta;
        }
    }

    /// Adds the changes to the stored counts: the groups that grow in one
    /// statement per table (creating new groups), each group that shrinks in
    /// a statement of its own. A count that would go below zero, or a group
    /// that does not exist, is an error: the counts and the rows disagree.
    pub async fn apply(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let (mut years, mut inbox, mut shrinking) = (Vec::new(), Vec::new(), Vec::new());
        for (key, delta) in self.0.into_iter().filter(|(_, delta)| *delta != 0) {
            match key {
                _ if delta < 0 => shrinking.push((key, delta)),
                Key::Year { .. } => years.push((key, delta)),
                Key::Inbox { .. } => inbox.push((key, delta)),
            }
        }
        for chunk in years.chunks(ROWS_PER_STATEMENT).chain(inbox.chunks(ROWS_PER_STATEMENT)) {
            upsert(db, chunk, Upsert::Add).await?;
        }
        for (key, delta) in shrinking {
            shrink(db, &key, delta).await?;
        }
        Ok(())
    }
}

/// Lowers one stored count by `-delta`.
async fn shrink(db: &impl ConnectionTrait, key: &Key, delta: i64) -> Result<(), DbErr> {
    let result = match key {
        Key::Year { agency_id, fiscal_year, fiscal_month, figure, key } => {
            use tally::Column as C;
            tally::Entity::update_many()
                .col_expr(C::N, Expr::col(C::N).add(delta))
                .filter(C::AgencyId.eq(*agency_id))
                .filter(C::FiscalYear.eq(*fiscal_year))
                .filter(C::FiscalMonth.eq(*fiscal_month))
                .filter(C::Figure.eq(figure.code()))
                .filter(C::Key.eq(key.as_str()))
                .exec(db)
                .await?
        }
        Key::Inbox { agency_id, indicator, status, kind, channel, department_id } => {
            use inbox_tally::Column as C;
            inbox_tally::Entity::update_many()
                .col_expr(C::N, Expr::col(C::N).add(delta))
                .filter(C::AgencyId.eq(*agency_id))
                .filter(C::Indicator.eq(*indicator))
                .filter(C::Status.eq(status.code()))
                .filter(C::Kind.eq(kind.code()))
                .filter(C::Channel.eq(channel.code()))
                .filter(C::DepartmentId.eq(*department_id))
                .exec(db)
                .await?
        }
    };
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbErr::Custom(format!("the count {key:?} is not stored, yet {} of it is taken away", -delta)))
    }
}

/// A group and its count (or the change of its count).
type Counting = (Key, i64);

/// Rows per multi-row statement, well within both databases' bind limits.
const ROWS_PER_STATEMENT: usize = 500;

enum Upsert {
    /// Add to a stored count (or start it); only positive amounts, as the
    /// candidate row must meet the `n >= 0` check before it meets the key.
    Add,
    /// Write fresh counts into emptied tables.
    Insert,
}

/// One multi-row INSERT … ON CONFLICT of rows of one table (`rows` are all
/// year keys or all inbox keys).
async fn upsert(db: &impl ConnectionTrait, rows: &[Counting], how: Upsert) -> Result<(), DbErr> {
    let Some((first, _)) = rows.first() else { return Ok(()) };
    let statement = match first {
        Key::Year { .. } => {
            use tally::Column as C;
            let mut insert = Query::insert();
            insert.into_table(tally::Entity).columns([
                C::AgencyId,
                C::FiscalYear,
                C::FiscalMonth,
                C::Figure,
                C::Key,
                C::N,
            ]);
            for (key, n) in rows {
                if let Key::Year { agency_id, fiscal_year, fiscal_month, figure, key } = key {
                    insert.values_panic([
                        (*agency_id).into(),
                        (*fiscal_year).into(),
                        (*fiscal_month).into(),
                        figure.code().into(),
                        key.clone().into(),
                        (*n).into(),
                    ]);
                }
            }
            if matches!(how, Upsert::Add) {
                insert.on_conflict(
                    OnConflict::columns([C::AgencyId, C::FiscalYear, C::FiscalMonth, C::Figure, C::Key])
                        .value(C::N, Expr::col((tally::Entity, C::N)).add(Expr::cust("excluded.n")))
                        .to_owned(),
                );
            }
            insert
        }
        Key::Inbox { .. } => {
            use inbox_tally::Column as C;
            let mut insert = Query::insert();
            insert.into_table(inbox_tally::Entity).columns([
                C::AgencyId,
                C::Indicator,
                C::Status,
                C::Kind,
                C::Channel,
                C::DepartmentId,
                C::N,
            ]);
            for (key, n) in rows {
                if let Key::Inbox { agency_id, indicator, status, kind, channel, department_id } = key {
                    insert.values_panic([
                        (*agency_id).into(),
                        (*indicator).into(),
                        status.code().into(),
                        kind.code().into(),
                        channel.code().into(),
                        (*department_id).into(),
                        (*n).into(),
                    ]);
                }
            }
            if matches!(how, Upsert::Add) {
                insert.on_conflict(
                    OnConflict::columns([C::AgencyId, C::Indicator, C::Status, C::Kind, C::Channel, C::DepartmentId])
                        .value(C::N, Expr::col((inbox_tally::Entity, C::N)).add(Expr::cust("excluded.n")))
                        .to_owned(),
                );
            }
            insert
        }
    };
    db.execute(db.get_database_backend().build(&statement)).await.map(|_| ())
}

/// Submissions read per round of a recount.
const RECOUNT_BATCH: u64 = 5_000;

/// Every count of `agency_id` folded from its rows, as a recount makes them.
async fn fold_rows(db: &impl ConnectionTrait, agency_id: i64) -> Result<HashMap<Key, i64>, DbErr> {
    let mut counts: HashMap<Key, i64> = HashMap::new();
    let mut after = 0i64;
    loop {
        let rows: Vec<CountedRow> = submission::Entity::find()
            .select_only()
            .columns([
                submission::Column::Id,
                submission::Column::AgencyId,
                submission::Column::FiscalYear,
                submission::Column::FiscalMonth,
                submission::Column::Kind,
                submission::Column::Channel,
                submission::Column::Status,
                submission::Column::DepartmentId,
                submission::Column::ServiceId,
                submission::Column::AskedForBenefit,
                submission::Column::ReceivedAt,
                submission::Column::DueAt,
                submission::Column::FirstAnsweredAt,
                submission::Column::ClosedAt,
                submission::Column::CloseDueAt,
                submission::Column::Outcome,
                submission::Column::OutcomeReason,
                submission::Column::ReopenedAt,
            ])
            .filter(submission::Column::AgencyId.eq(agency_id))
            .filter(submission::Column::Id.gt(after))
            .order_by_asc(submission::Column::Id)
            .limit(RECOUNT_BATCH)
            .into_model()
            .all(db)
            .await?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else { break };
        let range = (first.id, last.id);
        after = last.id;
        let mut indicators: HashMap<i64, Vec<i16>> = HashMap::new();
        for link in submission_indicator::Entity::find()
            .filter(submission_indicator::Column::SubmissionId.between(range.0, range.1))
            .all(db)
            .await?
        {
            indicators.entry(link.submission_id).or_default().push(link.indicator);
        }
        let mut ratings: HashMap<i64, Vec<(String, i16)>> = HashMap::new();
        for rating in submission_rating::Entity::find()
            .filter(submission_rating::Column::SubmissionId.between(range.0, range.1))
            .all(db)
            .await?
        {
            ratings.entry(rating.submission_id).or_default().push((rating.question_id, rating.value));
        }
        let mut verdicts: HashMap<i64, (Resolved, i16)> = HashMap::new();
        for verdict in submission_verdict::Entity::find()
            .filter(submission_verdict::Column::SubmissionId.between(range.0, range.1))
            .all(db)
            .await?
        {
            verdicts.insert(verdict.submission_id, (verdict.resolved, verdict.satisfaction));
        }
        for row in rows {
            let counted = Counted {
                agency_id: row.agency_id,
                fiscal_year: row.fiscal_year,
                fiscal_month: row.fiscal_month,
                kind: row.kind,
                channel: row.channel,
                status: row.status,
                department_id: row.department_id,
                service_id: row.service_id,
                asked_for_benefit: row.asked_for_benefit,
                received_at: row.received_at,
                due_at: row.due_at,
                first_answered_at: row.first_answered_at,
                closed_at: row.closed_at,
                close_due_at: row.close_due_at,
                outcome: Closing::from_columns(row.outcome, row.outcome_reason),
                reopened: row.reopened_at.is_some(),
                indicators: indicators.remove(&row.id).unwrap_or_default(),
                ratings: ratings.remove(&row.id).unwrap_or_default(),
                verdict: verdicts.remove(&row.id),
            };
            for key in counted.keys() {
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    Ok(counts)
}

/// The counts of `agency_id` as stored, zeros left out.
async fn stored(db: &impl ConnectionTrait, agency_id: i64) -> Result<HashMap<Key, i64>, DbErr> {
    let mut counts = HashMap::new();
    for row in tally::Entity::find().filter(tally::Column::AgencyId.eq(agency_id)).all(db).await? {
        if let (Some(figure), true) = (Figure::parse(&row.figure), row.n != 0) {
            let key = Key::Year {
                agency_id,
                fiscal_year: row.fiscal_year,
                fiscal_month: row.fiscal_month,
                figure,
                key: row.key,
            };
            counts.insert(key, row.n);
        }
    }
    for row in inbox_tally::Entity::find().filter(inbox_tally::Column::AgencyId.eq(agency_id)).all(db).await? {
        use sea_orm::ActiveEnum;
        let (Ok(status), Ok(kind), Ok(channel)) = (
            Status::try_from_value(&row.status),
            Kind::try_from_value(&row.kind),
            Channel::try_from_value(&row.channel),
        ) else {
            continue;
        };
        if row.n != 0 {
            let key = Key::Inbox {
                agency_id,
                indicator: row.indicator,
                status,
                kind,
                channel,
                department_id: row.department_id,
            };
            counts.insert(key, row.n);
        }
    }
    Ok(counts)
}

/// A count that differs between the rows and what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub key: Key,
    pub stored: i64,
    pub counted: i64,
}

/// Compares the stored counts of every agency with a fold of the rows, in
/// one read-only snapshot; writes nothing.
pub async fn check(db: &DatabaseConnection) -> Result<Vec<Difference>, DbErr> {
    // SQLite's read transaction is a snapshot already (and takes no options).
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?
        }
        _ => db.begin().await?,
    };
    let mut differences = Vec::new();
    for agency_id in agencies(&txn).await? {
        let counted = fold_rows(&txn, agency_id).await?;
        let stored = stored(&txn, agency_id).await?;
        for (key, n) in &counted {
            let kept = stored.get(key).copied().unwrap_or(0);
            if kept != *n {
                differences.push(Difference { key: key.clone(), stored: kept, counted: *n });
            }
        }
        for (key, n) in stored {
            if !counted.contains_key(&key) {
                differences.push(Difference { key, stored: n, counted: 0 });
            }
        }
    }
    txn.commit().await?;
    differences.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(differences)
}

/// Recounts every agency's counts from the rows: each agency in one write
/// transaction, so no change slips between the count and its storing.
pub async fn recount(db: &DatabaseConnection) -> Result<(), DbErr> {
    for agency_id in agencies(db).await? {
        let txn = write::begin(db, agency_id).await?;
        tally::Entity::delete_many().filter(tally::Column::AgencyId.eq(agency_id)).exec(&txn).await?;
        inbox_tally::Entity::delete_many().filter(inbox_tally::Column::AgencyId.eq(agency_id)).exec(&txn).await?;
        let counts = fold_rows(&txn, agency_id).await?;
        let (years, inbox): (Vec<Counting>, Vec<Counting>) =
            counts.into_iter().partition(|(key, _)| matches!(key, Key::Year { .. }));
        for rows in [years, inbox] {
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                upsert(&txn, chunk, Upsert::Insert).await?;
            }
        }
        txn.commit().await?;
    }
    record_rules(db).await
}

/// Counts everything once if the stored counts were made under other rules
/// (or never): the first start after an upgrade. Safe when several
/// instances start at once: each agency's recount is one write.
pub async fn ensure_counted(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let rules = app_setting::Entity::find_by_id(RULES_SETTING).one(db).await?;
    if rules.is_some_and(|r| r.value == RULES.to_string()) {
        return Ok(false);
    }
    recount(db).await?;
    Ok(true)
}

async fn record_rules(db: &DatabaseConnection) -> Result<(), DbErr> {
    app_setting::Entity::insert(app_setting::ActiveModel {
        key: Set(RULES_SETTING.to_owned()),
        value: Set(RULES.to_string()),
    })
    .on_conflict(OnConflict::column(app_setting::Column::Key).update_column(app_setting::Column::Value).to_owned())
    .exec(db)
    .await
    .map(|_| ())
}

async fn agencies(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    entity::agency::Entity::find()
        .select_only()
        .column(entity::agency::Column::Id)
        .order_by_asc(entity::agency::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// The stored counts of one fiscal year: (month, figure, key, count).
pub async fn of_year(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
) -> Result<Vec<(i32, Figure, String, i64)>, DbErr> {
    Ok(tally::Entity::find()
        .filter(tally::Column::AgencyId.eq(agency_id))
        .filter(tally::Column::FiscalYear.eq(fiscal_year))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| Some((row.fiscal_month, Figure::parse(&row.figure)?, row.key, row.n)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn feedback() -> Counted {
        let at = DateTime::parse_from_rfc3339("2026-01-05T02:00:00Z").unwrap().with_timezone(&Utc);
        Counted {
            agency_id: 1,
            fiscal_year: 2569,
            fiscal_month: 4,
            kind: Kind::ServiceFeedback,
            channel: Channel::Web,
            status: Status::Received,
            department_id: None,
            service_id: Some(7),
            asked_for_benefit: Some(false),
            received_at: at,
            due_at: at + Duration::days(15),
            first_answered_at: None,
            closed_at: None,
            close_due_at: at + Duration::days(30),
            outcome: None,
            reopened: false,
            indicators: vec![],
            ratings: vec![("courtesy".into(), 4)],
            verdict: None,
        }
    }

    fn year_keys(counted: &Counted) -> Vec<(i32, &'static str, String)> {
        counted
            .keys()
            .into_iter()
            .filter_map(|k| match k {
                Key::Year { fiscal_month, figure, key, .. } => Some((fiscal_month, figure.code(), key)),
                Key::Inbox { .. } => None,
            })
            .collect()
    }

    #[test]
    fn feedback_counts_its_answers_for_the_year_and_its_service_but_no_answer_times() {
        let keys = year_keys(&feedback());
        assert!(keys.contains(&(4, "kind", "service_feedback".into())));
        assert!(keys.contains(&(0, "service_feedback", "7".into())));
        assert!(keys.contains(&(0, "rating", "courtesy:4".into())));
        assert!(keys.contains(&(0, "rating", "7:courtesy:4".into())));
        assert!(keys.contains(&(0, "benefit", "no".into())));
        assert!(!keys.iter().any(|(_, figure, _)| *figure == "unanswered_due" || *figure == "answered"));
    }

    #[test]
    fn answering_moves_a_request_from_waiting_to_answered_and_leaves_the_rest() {
        let mut before = feedback();
        before.kind = Kind::Complaint;
        before.ratings.clear();
        before.asked_for_benefit = None;
        let mut after = before.clone();
        after.first_answered_at = Some(before.received_at + Duration::hours(30));
        after.status = Status::Accepted;
        let changes = Changes::change(&before, &after);
        let moved: Vec<(String, i64)> = changes
            .0
            .iter()
            .filter(|(_, d)| **d != 0)
            .map(|(k, d)| match k {
                Key::Year { figure, key, .. } => (format!("{}={key}", figure.code()), *d),
                Key::Inbox { status, indicator, .. } => (format!("inbox {}/{indicator}", status.code()), *d),
            })
            .collect();
        assert!(moved.contains(&("unanswered_due=2026-01-20".into(), -1)));
        assert!(moved.contains(&("answered=on_time".into(), 1)));
        assert!(moved.contains(&("tenths_to_answer=12".into(), 1)));
        assert!(moved.contains(&("status=received".into(), -1)));
        assert!(moved.contains(&("inbox accepted/0".into(), 1)));
        assert!(!moved.iter().any(|(k, _)| k.starts_with("kind=")), "its kind did not change: {moved:?}");
    }

    #[test]
    fn an_indicator_link_counts_in_the_year_and_in_the_inbox_under_that_indicator() {
        let before = feedback();
        let mut after = before.clone();
        after.indicators = vec![6];
        let changes = Changes::change(&before, &after);
        let added: Vec<&Key> = changes.0.iter().filter(|(_, d)| **d == 1).map(|(k, _)| k).collect();
        assert_eq!(added.len(), 2, "{added:?}");
    }
}
