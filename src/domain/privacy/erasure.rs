//! Staff deciding erasure: residents' open requests (the inbox shows how
//! many wait), a decision with a reason the resident reads, and erasing
//! contact data on the agency's own decision, such as the integrity
//! officer's on a corruption reporter's identity. Who decides is
//! `permissions::can_decide_erasure`; nothing here shows contact data.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::enums::{EventKind, Kind};
use entity::{contact, erasure_request, submission};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::{close_open_request, delete_contact, record, By, Step, Target};
use crate::domain::actor::Staff;
use crate::domain::audit::Action;
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::submissions::triage::message;
use crate::domain::write;

/// An open request, as staff see it.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub id: i64,
    pub submission_id: i64,
    pub tracking_code: String,
    pub kind: Kind,
    pub requested_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// Whether there is still contact data to erase.
    pub contact_held: bool,
    /// Whether this staff member may decide it.
    pub may_decide: bool,
}

impl OpenRequest {
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.due_at < now
    }
}

/// The open requests on submissions `actor` may see, the most urgent first.
pub async fn open_requests(
    db: &impl ConnectionTrait,
    actor: &Staff,
    agency_id: i64,
) -> Result<Vec<OpenRequest>, DbErr> {
    let scope = permissions::inbox_scope(actor);
    // The open requests first (a handful, through their index), then their
    // submissions by id: joined the other way round, the database would
    // read every submission of the agency to find them.
    let requests = erasure_request::Entity::find()
        .filter(erasure_request::Column::DecidedAt.is_null())
        .order_by_asc(erasure_request::Column::DueAt)
        .order_by_asc(erasure_request::Column::Id)
        .all(db)
        .await?;
    let mut items: HashMap<i64, submission::Model> = submission::Entity::find()
        .filter(submission::Column::Id.is_in(requests.iter().map(|r| r.submission_id)))
        .filter(submission::Column::AgencyId.eq(agency_id))
        .all(db)
        .await?
        .into_iter()
        .map(|item| (item.id, item))
        .collect();
    let rows: Vec<(erasure_request::Model, submission::Model)> = requests
        .into_iter()
        .filter_map(|request| {
            let item = items.remove(&request.submission_id)?;
            Some((request, item))
        })
        .filter(|(_, item)| scope.includes(item.kind, item.department_id))
        .collect();
    let held: HashSet<i64> = contact::Entity::find()
        .filter(contact::Column::SubmissionId.is_in(rows.iter().map(|(_, item)| item.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.submission_id)
        .collect();
    Ok(rows
        .into_iter()
        .map(|(request, item)| OpenRequest {
            id: request.id,
            submission_id: item.id,
            may_decide: permissions::can_decide_erasure(actor, &item),
            contact_held: held.contains(&item.id),
            tracking_code: item.tracking_code,
            kind: item.kind,
            requested_at: request.requested_at,
            due_at: request.due_at,
        })
        .collect())
}

/// How many requests wait for `actor`'s colleagues (the inbox's notice).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    pub open: usize,
    pub overdue: usize,
}

pub async fn waiting(
    db: &impl ConnectionTrait,
    actor: &Staff,
    agency_id: i64,
    now: DateTime<Utc>,
) -> Result<Waiting, DbErr> {
    let open = open_requests(db, actor, agency_id).await?;
    Ok(Waiting { open: open.len(), overdue: open.iter().filter(|r| r.is_overdue(now)).count() })
}

/// A decision on a request: erase or not, and why (the resident reads it).
#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub grant: bool,
    pub reason: String,
}

/// Decides an open request. Granting erases the contact data; either way
/// the decision, its public timeline step and its audit entry are one
/// transaction, and a request already decided stays as it was.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Staff,
    request_id: i64,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let reason = message("reason", &decision.reason)?;
    let txn = write::begin(db, actor.agency_id).await?;
    let (request, item) = erasure_request::Entity::find_by_id(request_id)
        .find_also_related(submission::Entity)
        .one(&txn)
        .await?
        .and_then(|(request, item)| Some((request, item?)))
        .filter(|(_, item)| item.agency_id == actor.agency_id)
        .ok_or(DomainError::NotFound)?;
    if !permissions::can_decide_erasure(actor, &item) {
        return Err(DomainError::Forbidden);
    }
    use erasure_request::Column;
    let decided = erasure_request::Entity::update_many()
        .col_expr(Column::DecidedAt, Expr::value(now))
        .col_expr(Column::DecidedBy, Expr::value(actor.id))
        .col_expr(Column::Granted, Expr::value(decision.grant))
        .col_expr(Column::Reason, Expr::value(reason.clone()))
        .filter(Column::Id.eq(request.id))
        .filter(Column::DecidedAt.is_null())
        .exec(&txn)
        .await?;
    if decided.rows_affected == 0 {
        // Decided by someone else meanwhile.
        return Err(DomainError::Conflict);
    }
    let step = if decision.grant {
        // Already gone (the retention job was first) is fine: it is erased.
        delete_contact(&txn, item.id).await?;
        Step { event: EventKind::ContactErased, message: Some(reason), action: Action::ContactErased, detail: None }
    } else {
        Step { event: EventKind::ErasureRefused, message: Some(reason), action: Action::ErasureRefused, detail: None }
    };
    record(&txn, Target::of(&item), By::Staff(actor), step, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Erases a submission's contact data on the agency's own decision (a
/// request made by phone or letter; for a corruption report, the integrity
/// officer's decision), with a reason the resident reads. An open request
/// is closed as granted.
pub async fn erase_contact(
    db: &DatabaseConnection,
    actor: &Staff,
    agency_id: i64,
    tracking_code: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let reason = message("reason", reason)?;
    let txn = write::begin(db, agency_id).await?;
    let item = submission::Entity::find()
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::TrackingCode.eq(tracking_code.trim()))
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::invalid("tracking_code", "unknown_tracking_code"))?;
    if !permissions::can_decide_erasure(actor, &item) {
        return Err(DomainError::Forbidden);
    }
    if !delete_contact(&txn, item.id).await? {
        return Err(DomainError::invalid("tracking_code", "nothing_to_erase"));
    }
    close_open_request(&txn, item.id, Some(actor), Some(&reason), now).await?;
    let step =
        Step { event: EventKind::ContactErased, message: Some(reason), action: Action::ContactErased, detail: None };
    record(&txn, Target::of(&item), By::Staff(actor), step, now).await?;
    txn.commit().await?;
    Ok(())
}
