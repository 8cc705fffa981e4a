//! The staff inbox: the submissions a staff member may see, filtered,
//! searched (through an index), counted per status, and paged by keyset (no
//! OFFSET scans). The counts per status come from the counts the writes
//! keep (`inbox_tally`); under a search or the overdue filter, which no
//! stored count can know, they are counted from the rows up to a cap.

use chrono::{DateTime, Utc};
use entity::enums::{Channel, Code, Kind, Status};
use entity::{inbox_tally, submission, submission_indicator};
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};

use super::search::{self, Search};
use crate::domain::actor::Staff;
use crate::domain::permissions::{inbox_scope, Scope};

pub const PAGE_SIZE: u64 = 25;
/// Rows counted at most for counts that no stored count knows.
pub const COUNT_CAP: u64 = 1000;
/// A search's counts stop sooner: each row is read and its text matched
/// (about 6 µs a row on PostgreSQL, where a common term is met once in some
/// thirty rows), so counting to a thousand would cost a search 170 ms.
pub const SEARCH_COUNT_CAP: u64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Newest,
    /// Open items by the due date that applies now, earliest first.
    MostOverdue,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub channel: Option<Channel>,
    /// `Some(None)`: unassigned ones.
    pub department: Option<Option<i64>>,
    pub indicator: Option<i16>,
    pub overdue: bool,
    /// Thai (or any) substring of subject or details.
    pub search: String,
    pub order: Order,
    /// Where the previous page ended (see [`InboxPage::next_cursor`]).
    pub after: Option<String>,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Row {
    pub id: i64,
    pub tracking_code: String,
    pub kind: Kind,
    pub channel: Channel,
    pub status: Status,
    pub subject: String,
    pub department_id: Option<i64>,
    pub received_at: DateTime<Utc>,
    pub next_due_at: Option<DateTime<Utc>>,
    pub asked_for_benefit: Option<bool>,
    /// Reopened after closing: the "reopened" mark.
    pub reopened_at: Option<DateTime<Utc>>,
}

impl Row {
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.next_due_at.is_some_and(|due| due < now)
    }
}

#[derive(Debug, Clone)]
pub struct InboxPage {
    pub rows: Vec<Row>,
    pub next_cursor: Option<String>,
    /// Items per status under the same filters (but the status filter).
    pub counts: Vec<(Status, i64)>,
    /// The counts stopped at this many matching items.
    pub counts_cap: Option<u64>,
    /// The search term was too short to search for (and was ignored).
    pub search_too_short: bool,
}

fn scope_condition(scope: Scope) -> Condition {
    let not_corruption = submission::Column::Kind.ne(Kind::Corruption);
    match scope {
        Scope::Everything => Condition::all(),
        Scope::AllButCorruption => Condition::all().add(not_corruption),
        Scope::DepartmentOrUnassigned(own) => {
            let mine = Condition::any()
                .add(submission::Column::DepartmentId.is_null())
                .add_option(own.map(|d| submission::Column::DepartmentId.eq(d)));
            Condition::all().add(not_corruption).add(mine)
        }
    }
}

fn filter_condition(filter: &Filter, agency_id: i64, now: DateTime<Utc>) -> Condition {
    let mut condition = Condition::all().add(submission::Column::AgencyId.eq(agency_id));
    if let Some(kind) = filter.kind {
        condition = condition.add(submission::Column::Kind.eq(kind));
    }
    if let Some(channel) = filter.channel {
        condition = condition.add(submission::Column::Channel.eq(channel));
    }
    match filter.department {
        Some(Some(id)) => condition = condition.add(submission::Column::DepartmentId.eq(id)),
        Some(None) => condition = condition.add(submission::Column::DepartmentId.is_null()),
        None => {}
    }
    if let Some(indicator) = filter.indicator {
        // Per row, through the link's primary key: an IN list would first
        // collect every link of the indicator (hundreds of thousands).
        let linked = Query::select()
            .expr(Expr::val(1))
            .from(submission_indicator::Entity)
            .and_where(
                Expr::col((submission_indicator::Entity, submission_indicator::Column::SubmissionId))
                    .equals((submission::Entity, submission::Column::Id)),
            )
            .and_where(submission_indicator::Column::Indicator.eq(indicator))
            .to_owned();
        condition = condition.add(Expr::exists(linked));
    }
    if filter.overdue {
        condition = condition.add(submission::Column::NextDueAt.lt(now));
    }
    condition
}

/// The order of a page as the inbox shows it: what was asked for, except
/// that overdue items come most overdue first (their own index serves that;
/// newest first would sort every overdue item), and search results come
/// newest first by arrival (the search index yields them so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Received,
    Due,
    Arrival,
}

const ROW_COLUMNS: [submission::Column; 11] = [
    submission::Column::Id,
    submission::Column::TrackingCode,
    submission::Column::Kind,
    submission::Column::Channel,
    submission::Column::Status,
    submission::Column::Subject,
    submission::Column::DepartmentId,
    submission::Column::ReceivedAt,
    submission::Column::NextDueAt,
    submission::Column::AskedForBenefit,
    submission::Column::ReopenedAt,
];

/// Cursor `"<unix micros>.<id>"` of the sort key of the last row shown.
fn cursor_of(row: &Row, sort: Sort) -> Option<String> {
    let at = match sort {
        Sort::Received => row.received_at,
        Sort::Due => row.next_due_at?,
        Sort::Arrival => DateTime::UNIX_EPOCH,
    };
    Some(format!("{}.{}", at.timestamp_micros(), row.id))
}

fn parse_cursor(cursor: &str) -> Option<(DateTime<Utc>, i64)> {
    let (micros, id) = cursor.split_once('.')?;
    Some((DateTime::from_timestamp_micros(micros.parse().ok()?)?, id.parse().ok()?))
}

pub async fn inbox(
    db: &impl ConnectionTrait,
    actor: &Staff,
    filter: &Filter,
    now: DateTime<Utc>,
) -> Result<InboxPage, DbErr> {
    let agency_id = actor.agency_id;
    let scope = inbox_scope(actor);
    let search = Search::parse(&filter.search);
    let base = Condition::all().add(scope_condition(scope)).add(filter_condition(filter, agency_id, now));
    let sort = match (&search, filter.order) {
        (Search::Term(_), _) => Sort::Arrival,
        (_, Order::MostOverdue) => Sort::Due,
        _ if filter.overdue => Sort::Due,
        _ => Sort::Received,
    };

    let mut page_condition = base.clone();
    if let Some(status) = filter.status {
        page_condition = page_condition.add(submission::Column::Status.eq(status));
    }
    let after = filter.after.as_deref().and_then(parse_cursor);
    let mut rows = match (&search, sort) {
        (Search::Term(term), _) => {
            if let Some((_, id)) = after {
                page_condition = page_condition.add(submission::Column::Id.lt(id));
            }
            let select = search::matching(db.get_database_backend(), term, &ROW_COLUMNS, page_condition, PAGE_SIZE + 1);
            Row::find_by_statement(db.get_database_backend().build(&select)).all(db).await?
        }
        (_, Sort::Due) => {
            page_condition = page_condition.add(submission::Column::NextDueAt.is_not_null());
            if let Some((at, id)) = after {
                page_condition = page_condition.add(
                    Condition::any()
                        .add(submission::Column::NextDueAt.gt(at))
                        .add(submission::Column::NextDueAt.eq(at).and(submission::Column::Id.gt(id))),
                );
            }
            rows_of(db, page_condition, |q| {
                q.order_by_asc(submission::Column::NextDueAt).order_by_asc(submission::Column::Id)
            })
            .await?
        }
        _ => {
            if let Some((at, id)) = after {
                page_condition = page_condition.add(
                    Condition::any()
                        .add(submission::Column::ReceivedAt.lt(at))
                        .add(submission::Column::ReceivedAt.eq(at).and(submission::Column::Id.lt(id))),
                );
            }
            rows_of(db, page_condition, |q| {
                q.order_by_desc(submission::Column::ReceivedAt).order_by_desc(submission::Column::Id)
            })
            .await?
        }
    };
    let next_cursor = if rows.len() as u64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().and_then(|row| cursor_of(row, sort))
    } else {
        None
    };

    let (counts, counts_cap) = match &search {
        Search::Term(term) => {
            let select = search::matching(
                db.get_database_backend(),
                term,
                &[submission::Column::Status],
                base,
                SEARCH_COUNT_CAP + 1,
            );
            let statuses: Vec<Status> = db
                .query_all(db.get_database_backend().build(&select))
                .await?
                .iter()
                .filter_map(|row| row.try_get::<Status>("", "status").ok())
                .collect();
            tally_statuses(statuses, SEARCH_COUNT_CAP)
        }
        _ if filter.overdue => counted_from_rows(db, base).await?,
        _ => (kept_counts(db, agency_id, scope, filter).await?, None),
    };
    Ok(InboxPage { rows, next_cursor, counts, counts_cap, search_too_short: search == Search::TooShort })
}

/// A page of rows meeting `condition` in the order `order` gives.
async fn rows_of(
    db: &impl ConnectionTrait,
    condition: Condition,
    order: impl FnOnce(sea_orm::Select<submission::Entity>) -> sea_orm::Select<submission::Entity>,
) -> Result<Vec<Row>, DbErr> {
    let query = submission::Entity::find().select_only().columns(ROW_COLUMNS);
    order(query).filter(condition).limit(PAGE_SIZE + 1).into_model::<Row>().all(db).await
}

/// Counts per status from the stored counts: a sum over the groups that
/// match the scope and the filters.
async fn kept_counts(
    db: &impl ConnectionTrait,
    agency_id: i64,
    scope: Scope,
    filter: &Filter,
) -> Result<Vec<(Status, i64)>, DbErr> {
    use inbox_tally::Column as C;
    let mut query = inbox_tally::Entity::find()
        .select_only()
        .column(C::Status)
        .expr_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "n")
        .filter(C::AgencyId.eq(agency_id))
        .filter(C::Indicator.eq(filter.indicator.unwrap_or(0)))
        .group_by(C::Status);
    match scope {
        Scope::Everything => {}
        Scope::AllButCorruption => query = query.filter(C::Kind.ne(Kind::Corruption.code())),
        Scope::DepartmentOrUnassigned(own) => {
            query =
                query.filter(C::Kind.ne(Kind::Corruption.code())).filter(C::DepartmentId.is_in([0, own.unwrap_or(0)]))
        }
    }
    if let Some(kind) = filter.kind {
        query = query.filter(C::Kind.eq(kind.code()));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(C::Channel.eq(channel.code()));
    }
    if let Some(department) = filter.department {
        query = query.filter(C::DepartmentId.eq(department.unwrap_or(0)));
    }
    let rows: Vec<(String, i64)> = query.into_tuple().all(db).await?;
    Ok(rows.into_iter().filter_map(|(status, n)| Some((Status::try_from_value(&status).ok()?, n))).collect())
}

/// Counts per status of the rows matching `condition`, reading at most
/// [`COUNT_CAP`] of them; the cap when there were more.
async fn counted_from_rows(
    db: &impl ConnectionTrait,
    condition: Condition,
) -> Result<(Vec<(Status, i64)>, Option<u64>), DbErr> {
    let statuses: Vec<Status> = submission::Entity::find()
        .select_only()
        .column(submission::Column::Status)
        .filter(condition)
        .limit(COUNT_CAP + 1)
        .into_tuple()
        .all(db)
        .await?;
    Ok(tally_statuses(statuses, COUNT_CAP))
}

/// Counts per status of up to `cap` statuses; the cap when there were more.
fn tally_statuses(statuses: Vec<Status>, cap: u64) -> (Vec<(Status, i64)>, Option<u64>) {
    let capped = (statuses.len() as u64 > cap).then_some(cap);
    let mut counts: Vec<(Status, i64)> = Vec::new();
    for status in statuses.into_iter().take(cap as usize) {
        match counts.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => counts.push((status, 1)),
        }
    }
    (counts, capped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let at = DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap();
        assert_eq!(parse_cursor(&format!("{}.{}", at.timestamp_micros(), 42)), Some((at, 42)));
        assert_eq!(parse_cursor("garbage"), None);
        assert_eq!(parse_cursor("1.x"), None);
    }
}
