//! Staff working a submission: assigning it, linking it to ITA indicators,
//! moving it through the workflow, answering the resident, noting things for
//! colleagues, and changing its due date. Each action checks permissions and
//! writes the change, a timeline event and an audit row in one transaction.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use entity::enums::{EventKind, Status};
use entity::{department, staff_user, submission, submission_event, submission_indicator};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, TransactionTrait,
};

use super::workflow;
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::calendar::bangkok;
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::validation::plain_text;
use crate::domain::INDICATORS;

const MESSAGE_MAX: usize = 5000;

/// The submission, if `actor` may work it.
async fn workable(db: &impl ConnectionTrait, actor: &Staff, id: i64) -> Result<submission::Model, DomainError> {
    let item = submission::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound)?;
    if permissions::can_work(actor, &item) {
        Ok(item)
    } else {
        Err(DomainError::Forbidden)
    }
}

/// A message for the resident or for colleagues: required, bounded, plain.
pub(crate) fn message(field: &str, text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(field, "required"));
    }
    if text.chars().count() > MESSAGE_MAX {
        return Err(DomainError::invalid(field, "message_too_long"));
    }
    plain_text(text).map_err(|_| DomainError::invalid(field, "control_characters"))?;
    Ok(text.to_owned())
}

/// The timeline event and the audit row of one action.
struct Step<'a> {
    kind: EventKind,
    public: bool,
    status: Option<Status>,
    message: Option<String>,
    action: Action,
    detail: Option<String>,
    actor: &'a Staff,
}

async fn write_step(
    txn: &DatabaseTransaction,
    item: &submission::Model,
    step: Step<'_>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    submission_event::ActiveModel {
        submission_id: Set(item.id),
        at: Set(now),
        kind: Set(step.kind),
        public: Set(step.public),
        status: Set(step.status),
        message: Set(step.message),
        actor_id: Set(Some(step.actor.id)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut entry = Entry::new(step.action).on("submission", item.id);
    entry.detail = Some(match step.detail {
        Some(detail) => format!("{}: {detail}", item.tracking_code),
        None => item.tracking_code.clone(),
    });
    audit::record(txn, step.actor, entry, now).await?;
    Ok(())
}

/// The due date that applies once `item` has the given answer and status.
fn next_due(item: &submission::Model, answered: bool, status: Status) -> Option<DateTime<Utc>> {
    if workflow::is_closed(status) {
        None
    } else if answered {
        Some(item.close_due_at)
    } else {
        Some(item.due_at)
    }
}

pub async fn assign(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    department_id: Option<i64>,
    assignee_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let item = workable(db, actor, id).await?;
    let department = match department_id {
        Some(id) => Some(
            department::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| DomainError::invalid("department", "unknown_department"))?,
        ),
        None => None,
    };
    if let Some(assignee_id) = assignee_id {
        let assignee = staff_user::Entity::find_by_id(assignee_id)
            .filter(staff_user::Column::Active.eq(true))
            .one(db)
            .await?
            .ok_or_else(|| DomainError::invalid("assignee", "unknown_assignee"))?;
        let may_work =
            permissions::can_work(&Staff::from(&assignee), &submission::Model { department_id, ..item.clone() });
        if !may_work {
            return Err(DomainError::invalid("assignee", "assignee_cannot_work"));
        }
    }
    let detail = department.as_ref().map(|d| d.name_th.clone()).unwrap_or_else(|| "-".into());
    let txn = db.begin().await?;
    let mut row: submission::ActiveModel = item.clone().into();
    row.department_id = Set(department_id);
    row.assignee_id = Set(assignee_id);
    row.updated_at = Set(now);
    row.update(&txn).await?;
    let step = Step {
        kind: EventKind::Assigned,
        public: false,
        status: None,
        message: Some(detail.clone()),
        action: Action::Assigned,
        detail: Some(format!("{detail}, assignee {assignee_id:?}")),
        actor,
    };
    write_step(&txn, &item, step, now).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn set_indicator(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    indicator: i16,
    linked: bool,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let item = workable(db, actor, id).await?;
    if !INDICATORS.contains(&indicator) {
        return Err(DomainError::invalid("indicator", "unknown_indicator"));
    }
    let existing = submission_indicator::Entity::find_by_id((id, indicator)).one(db).await?;
    if existing.is_some() == linked {
        return Ok(()); // Already as asked: nothing to record.
    }
    let txn = db.begin().await?;
    let (kind, action) = if linked {
        submission_indicator::ActiveModel { submission_id: Set(id), indicator: Set(indicator) }.insert(&txn).await?;
        (EventKind::IndicatorLinked, Action::IndicatorLinked)
    } else {
        submission_indicator::Entity::delete_by_id((id, indicator)).exec(&txn).await?;
        (EventKind::IndicatorUnlinked, Action::IndicatorUnlinked)
    };
    let step = Step {
        kind,
        public: false,
        status: None,
        message: Some(indicator.to_string()),
        action,
        detail: Some(format!("indicator {indicator}")),
        actor,
    };
    write_step(&txn, &item, step, now).await?;
    txn.commit().await?;
    Ok(())
}

/// A move along the workflow, with the message the resident reads.
#[derive(Debug, Clone, Default)]
pub struct StatusChange {
    pub to: String,
    pub message: String,
    /// The agency a referral goes to.
    pub referred_to: String,
}

pub async fn change_status(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    change: StatusChange,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    use sea_orm::ActiveEnum;
    let item = workable(db, actor, id).await?;
    let to = Status::try_from_value(&change.to).map_err(|_| DomainError::invalid("status", "unknown_status"))?;
    if !workflow::can_move(item.status, to) {
        return Err(DomainError::invalid("status", "illegal_transition"));
    }
    let text = match change.message.trim() {
        "" if workflow::needs_message(to) => return Err(DomainError::invalid("message", "message_required")),
        "" => None,
        text => Some(message("message", text)?),
    };
    let referred_to = if to == Status::Referred {
        let name = change.referred_to.trim();
        if name.is_empty() {
            return Err(DomainError::invalid("referred_to", "required"));
        }
        if name.chars().count() > 300 {
            return Err(DomainError::invalid("referred_to", "message_too_long"));
        }
        Some(name.to_owned())
    } else {
        None
    };
    let answered = item.first_answered_at.is_some() || text.is_some();

    let txn = db.begin().await?;
    let mut row: submission::ActiveModel = item.clone().into();
    row.status = Set(to);
    row.updated_at = Set(now);
    row.next_due_at = Set(next_due(&item, answered, to));
    if item.first_answered_at.is_none() && text.is_some() {
        row.first_answered_at = Set(Some(now));
    }
    if workflow::is_closed(to) {
        row.closed_at = Set(Some(now));
    }
    if referred_to.is_some() {
        row.referred_to = Set(referred_to.clone());
    }
    row.update(&txn).await?;
    let step = Step {
        kind: EventKind::StatusChanged,
        public: true,
        status: Some(to),
        message: text,
        action: Action::StatusChanged,
        detail: Some(format!(
            "{} → {}{}",
            item.status.to_value(),
            to.to_value(),
            referred_to.map(|r| format!(" ({r})")).unwrap_or_default()
        )),
        actor,
    };
    write_step(&txn, &item, step, now).await?;
    txn.commit().await?;
    Ok(())
}

/// A public reply (the resident sees it) or an internal note (staff only).
pub async fn add_message(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    text: &str,
    public: bool,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let item = workable(db, actor, id).await?;
    let text = message("message", text)?;
    let txn = db.begin().await?;
    if public && item.first_answered_at.is_none() {
        let mut row: submission::ActiveModel = item.clone().into();
        row.first_answered_at = Set(Some(now));
        row.next_due_at = Set(next_due(&item, true, item.status));
        row.updated_at = Set(now);
        row.update(&txn).await?;
    }
    let (kind, action) = if public {
        (EventKind::PublicReply, Action::PublicReply)
    } else {
        (EventKind::InternalNote, Action::InternalNote)
    };
    let step = Step { kind, public, status: None, message: Some(text), action, detail: None, actor };
    write_step(&txn, &item, step, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves the due date that applies now (the first answer's until answered,
/// then the closing one) to the end of `date` in Bangkok, with a reason.
pub async fn change_due(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    date: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let item = workable(db, actor, id).await?;
    if workflow::is_closed(item.status) {
        return Err(DomainError::invalid("due", "already_closed"));
    }
    let date =
        NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| DomainError::invalid("due", "date_format"))?;
    let end_of_day = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
    let due = bangkok()
        .from_local_datetime(&date.and_time(end_of_day))
        .single()
        .ok_or_else(|| DomainError::invalid("due", "date_format"))?
        .with_timezone(&Utc);
    if due < item.received_at {
        return Err(DomainError::invalid("due", "due_before_receipt"));
    }
    let reason = message("reason", reason)?;
    let answered = item.first_answered_at.is_some();

    let txn = db.begin().await?;
    let mut row: submission::ActiveModel = item.clone().into();
    if answered {
        row.close_due_at = Set(due);
    } else {
        row.due_at = Set(due);
    }
    row.next_due_at = Set(Some(due));
    row.updated_at = Set(now);
    row.update(&txn).await?;
    let step = Step {
        kind: EventKind::DueChanged,
        public: false,
        status: None,
        message: Some(reason),
        action: Action::DueChanged,
        detail: Some(format!("→ {date}")),
        actor,
    };
    write_step(&txn, &item, step, now).await?;
    txn.commit().await?;
    Ok(())
}
