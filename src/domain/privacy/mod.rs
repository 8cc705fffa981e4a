//! Residents' personal data over its life (PDPA, พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล
//! พ.ศ. 2562): how long contact data is kept once a submission is closed and
//! the daily job that erases it (`retention`), what a resident may see and
//! ask with code and key (`resident`, through a `pass`), and staff deciding
//! erasure (`erasure`).
//!
//! Erasing removes the `contact` row only: the submission's facts and its
//! timeline stay, and the timeline gains a public step that says the
//! contact data is gone, so the resident reads it on the tracking page.
//! Every erasure, request and decision is one transaction with its
//! timeline event and its audit entry.

pub mod erasure;
pub mod pass;
pub mod resident;
pub mod retention;

use chrono::{DateTime, Duration, Utc};
use entity::enums::EventKind;
use entity::{contact, erasure_request, submission, submission_event};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::actor::Staff;
use super::audit::{self, Action, Entry};

/// A resident's request to erase is answered within this (PDPA section 30's
/// thirty days).
pub const ANSWER_WITHIN: Duration = Duration::days(30);

/// Who took a step: a staff member, the resident (with code and key), or
/// the retention job.
#[derive(Clone, Copy)]
enum By<'a> {
    Staff(&'a Staff),
    Resident,
    Retention,
}

/// The submission a step concerns.
struct Target<'a> {
    agency_id: i64,
    id: i64,
    tracking_code: &'a str,
}

impl<'a> Target<'a> {
    fn of(item: &'a submission::Model) -> Self {
        Target { agency_id: item.agency_id, id: item.id, tracking_code: &item.tracking_code }
    }
}

/// A step of the data's life: a public timeline event (the resident reads
/// it when tracking) and its audit entry, written with the change.
struct Step {
    event: EventKind,
    /// For the resident: a staff member's reason.
    message: Option<String>,
    action: Action,
    /// For the audit log, after the tracking code.
    detail: Option<String>,
}

async fn record(
    txn: &impl ConnectionTrait,
    target: Target<'_>,
    by: By<'_>,
    step: Step,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    submission_event::ActiveModel {
        submission_id: Set(target.id),
        at: Set(now),
        kind: Set(step.event),
        public: Set(true),
        status: Set(None),
        message: Set(step.message),
        actor_id: Set(match by {
            By::Staff(staff) => Some(staff.id),
            By::Resident | By::Retention => None,
        }),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let detail = match step.detail {
        Some(detail) => format!("{}: {detail}", target.tracking_code),
        None => target.tracking_code.to_owned(),
    };
    let entry = Entry::new(step.action).on("submission", target.id).detail(detail);
    match by {
        By::Staff(staff) => audit::record(txn, staff, entry, now).await,
        // No address is kept for residents: it would be personal data too.
        By::Resident => audit::append(txn, target.agency_id, None, "resident", entry, None, now).await,
        By::Retention => audit::append(txn, target.agency_id, None, "retention", entry, None, now).await,
    }
}

/// Deletes the submission's contact data; `false` when there was none
/// (never given, or erased first by someone else: a decision, or another
/// instance's retention job).
async fn delete_contact(txn: &impl ConnectionTrait, submission_id: i64) -> Result<bool, DbErr> {
    let deleted = contact::Entity::delete_by_id(submission_id).exec(txn).await?.rows_affected == 1;
    // The messages to the resident carry their address.
    crate::domain::outbox::forget_resident(txn, submission_id).await?;
    Ok(deleted)
}

/// Closes the submission's open request, if any, as granted: the contact
/// data it asked to erase is gone. Returns how many were closed (0 or 1).
async fn close_open_request(
    txn: &impl ConnectionTrait,
    submission_id: i64,
    by: Option<&Staff>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use erasure_request::Column;
    let closed = erasure_request::Entity::update_many()
        .col_expr(Column::DecidedAt, Expr::value(now))
        .col_expr(Column::DecidedBy, Expr::value(by.map(|staff| staff.id)))
        .col_expr(Column::Granted, Expr::value(true))
        .col_expr(Column::Reason, Expr::value(reason.map(str::to_owned)))
        .filter(Column::SubmissionId.eq(submission_id))
        .filter(Column::DecidedAt.is_null())
        .exec(txn)
        .await?;
    Ok(closed.rows_affected)
}
