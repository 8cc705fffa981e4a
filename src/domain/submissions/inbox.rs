//! The staff inbox: the submissions a staff member may see, filtered,
//! searched, counted per status, and paged by keyset (no OFFSET scans).

use chrono::{DateTime, Utc};
use entity::enums::{Channel, Kind, Status};
use entity::{submission, submission_indicator};
use sea_orm::sea_query::{Condition, Expr, Func, LikeExpr, Query};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::domain::actor::Staff;
use crate::domain::memo::Memo;
use crate::domain::permissions::{inbox_scope, Scope};

pub const PAGE_SIZE: u64 = 25;

/// Counts per status, per view of the inbox (scope and filters).
pub type InboxCountsMemo = Memo<String, Vec<(Status, i64)>>;

/// Counts may lag the clock this long (the "overdue" filter moves with it).
pub const INBOX_COUNTS_TTL: std::time::Duration = std::time::Duration::from_secs(30);

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

/// `%text%` with the wildcard characters of `text` itself escaped (also
/// used by the public Q&A search).
pub(crate) fn contains_pattern(text: &str) -> LikeExpr {
    let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
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
        let linked = Query::select()
            .column(submission_indicator::Column::SubmissionId)
            .from(submission_indicator::Entity)
            .and_where(submission_indicator::Column::Indicator.eq(indicator))
            .to_owned();
        condition = condition.add(submission::Column::Id.in_subquery(linked));
    }
    if filter.overdue {
        condition = condition.add(submission::Column::NextDueAt.lt(now));
    }
    let search = filter.search.trim();
    if !search.is_empty() {
        let pattern = contains_pattern(search);
        condition = condition.add(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(submission::Column::Subject))).like(pattern.clone()))
                .add(Expr::expr(Func::lower(Expr::col(submission::Column::Details))).like(pattern)),
        );
    }
    condition
}

/// Cursor `"<unix micros>.<id>"` of the sort key of the last row shown.
fn cursor_of(row: &Row, order: Order) -> Option<String> {
    let at = match order {
        Order::Newest => row.received_at,
        Order::MostOverdue => row.next_due_at?,
    };
    Some(format!("{}.{}", at.timestamp_micros(), row.id))
}

fn parse_cursor(cursor: &str) -> Option<(DateTime<Utc>, i64)> {
    let (micros, id) = cursor.split_once('.')?;
    Some((DateTime::from_timestamp_micros(micros.parse().ok()?)?, id.parse().ok()?))
}

pub async fn inbox(
    db: &DatabaseConnection,
    counts: &InboxCountsMemo,
    actor: &Staff,
    agency_id: i64,
    filter: &Filter,
    now: DateTime<Utc>,
) -> Result<InboxPage, DbErr> {
    let scope = inbox_scope(actor);
    let base = Condition::all().add(scope_condition(scope)).add(filter_condition(filter, agency_id, now));

    let mut page_condition = base.clone();
    if let Some(status) = filter.status {
        page_condition = page_condition.add(submission::Column::Status.eq(status));
    }
    let mut query = submission::Entity::find().select_only().columns([
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
    ]);
    let after = filter.after.as_deref().and_then(parse_cursor);
    match filter.order {
        Order::Newest => {
            if let Some((at, id)) = after {
                page_condition = page_condition.add(
                    Condition::any()
                        .add(submission::Column::ReceivedAt.lt(at))
                        .add(submission::Column::ReceivedAt.eq(at).and(submission::Column::Id.lt(id))),
                );
            }
            query = query.order_by_desc(submission::Column::ReceivedAt).order_by_desc(submission::Column::Id);
        }
        Order::MostOverdue => {
            page_condition = page_condition.add(submission::Column::NextDueAt.is_not_null());
            if let Some((at, id)) = after {
                page_condition = page_condition.add(
                    Condition::any()
                        .add(submission::Column::NextDueAt.gt(at))
                        .add(submission::Column::NextDueAt.eq(at).and(submission::Column::Id.gt(id))),
                );
            }
            query = query.order_by_asc(submission::Column::NextDueAt).order_by_asc(submission::Column::Id);
        }
    }
    let mut rows = query.filter(page_condition).limit(PAGE_SIZE + 1).into_model::<Row>().all(db).await?;
    let next_cursor = if rows.len() as u64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().and_then(|row| cursor_of(row, filter.order))
    } else {
        None
    };

    // The counts do not depend on the status shown, the page or the order.
    let view = Filter { status: None, after: None, order: Order::default(), ..filter.clone() };
    let counts = counts
        .get(db, format!("{agency_id}|{scope:?}|{view:?}"), || {
            let db = db.clone();
            async move { status_counts(&db, base).await }
        })
        .await?;
    Ok(InboxPage { rows, next_cursor, counts })
}

/// How many items of each status match `condition`: the one query of the
/// inbox that reads every matching row, hence memoised.
async fn status_counts(db: &impl ConnectionTrait, condition: Condition) -> Result<Vec<(Status, i64)>, DbErr> {
    #[derive(FromQueryResult)]
    struct Count {
        status: String,
        n: i64,
    }
    Ok(submission::Entity::find()
        .select_only()
        .column(submission::Column::Status)
        .column_as(submission::Column::Id.count(), "n")
        .filter(condition)
        .group_by(submission::Column::Status)
        .into_model::<Count>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| Status::try_from_value(&c.status).ok().map(|s| (s, c.n)))
        .collect())
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
