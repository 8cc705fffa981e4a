//! Staff working a submission: assigning it, linking it to ITA indicators,
//! moving it through the workflow, answering the resident, noting things for
//! colleagues, and changing its due date.
//!
//! Each action is one atomic decision (DESIGN.md rule 3): it takes the write
//! first, reads the submission as it is at that moment, checks the actor's
//! permission and the workflow's rule against that row, and writes the
//! change (an UPDATE conditional on the row still being as read), its counts,
//! a timeline event and an audit entry, all in one transaction. A form can
//! say what its staff member saw (`seen`): if the item has moved on since,
//! the answer is [`DomainError::Conflict`], never a second change on top.
//! Asking for what already holds (linking a linked indicator, assigning to
//! the current department) changes nothing and records nothing.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use entity::enums::{EventKind, Status};
use entity::{department, staff_user, submission, submission_event, submission_indicator};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::outcome::Closing;
use super::{verdict, workflow};
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::calendar::bangkok;
use crate::domain::error::DomainError;
use crate::domain::notices;
use crate::domain::permissions;
use crate::domain::tally::{Changes, Counted};
use crate::domain::validation::plain_text;
use crate::domain::write::{self, Write};
use crate::domain::INDICATORS;

const MESSAGE_MAX: usize = 5000;
const REFERRAL_MAX: usize = 300;

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

/// A submission taken for work: the write is held, the row is as it is now,
/// and `actor` may work it.
struct Work<'a> {
    txn: Write,
    actor: &'a Staff,
    item: submission::Model,
    counted: Counted,
    now: DateTime<Utc>,
}

impl<'a> Work<'a> {
    async fn begin(
        db: &DatabaseConnection,
        actor: &'a Staff,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let txn = write::begin(db, actor.agency_id).await?;
        let item = submission::Entity::find_by_id(id)
            .filter(submission::Column::AgencyId.eq(actor.agency_id))
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound)?;
        if !permissions::can_work(actor, &item) {
            return Err(DomainError::Forbidden);
        }
        let counted = Counted::load(&txn, &item).await?;
        Ok(Self { txn, actor, item, counted, now })
    }

    /// Replaces the row with `after`, on the condition that its status and
    /// department are still as read, and moves its counts.
    async fn save(&self, after: &submission::Model) -> Result<(), DomainError> {
        let row = submission::ActiveModel {
            status: Set(after.status),
            department_id: Set(after.department_id),
            assignee_id: Set(after.assignee_id),
            due_at: Set(after.due_at),
            close_due_at: Set(after.close_due_at),
            next_due_at: Set(after.next_due_at),
            referred_to: Set(after.referred_to.clone()),
            first_answered_at: Set(after.first_answered_at),
            closed_at: Set(after.closed_at),
            outcome: Set(after.outcome),
            outcome_reason: Set(after.outcome_reason),
            reopened_at: Set(after.reopened_at),
            updated_at: Set(self.now),
            ..Default::default()
        };
        let mut update = submission::Entity::update_many()
            .set(row)
            .filter(submission::Column::Id.eq(self.item.id))
            .filter(submission::Column::Status.eq(self.item.status));
        update = match self.item.department_id {
            Some(id) => update.filter(submission::Column::DepartmentId.eq(id)),
            None => update.filter(submission::Column::DepartmentId.is_null()),
        };
        if update.exec(&self.txn).await?.rows_affected != 1 {
            return Err(DomainError::Conflict);
        }
        Changes::change(&self.counted, &self.counted.with_row(after)).apply(&self.txn).await?;
        Ok(())
    }

    /// The timeline event, the messages it causes (`notices`) and the audit
    /// entry of the action, then commit. `after` is the row as saved, if changed.
    async fn finish(self, step: Step, after: Option<submission::Model>) -> Result<(), DomainError> {
        let after = after.as_ref().unwrap_or(&self.item);
        let event = submission_event::ActiveModel {
            submission_id: Set(self.item.id),
            at: Set(self.now),
            kind: Set(step.kind),
            public: Set(step.public),
            status: Set(step.status),
            message: Set(step.message),
            actor_id: Set(Some(self.actor.id)),
            ..Default::default()
        }
        .insert(&self.txn)
        .await?;
        // Internal notes and other staff-only events tell the resident nothing.
        if event.public {
            let message = event.message.as_deref();
            notices::public_event(&self.txn, after, event.id, event.kind, event.status, message, self.now).await?;
        }
        if event.kind == EventKind::Assigned && after.department_id != self.item.department_id {
            notices::assigned(&self.txn, after, event.id, self.now).await?;
        }
        let mut entry = Entry::new(step.action).on("submission", self.item.id);
        entry.detail = Some(match step.detail {
            Some(detail) => format!("{}: {detail}", self.item.tracking_code),
            None => self.item.tracking_code.clone(),
        });
        audit::record(&self.txn, self.actor, entry, self.now).await?;
        self.txn.commit().await?;
        Ok(())
    }
}

/// What an action leaves on the timeline and in the audit log.
struct Step {
    kind: EventKind,
    public: bool,
    status: Option<Status>,
    message: Option<String>,
    action: Action,
    detail: Option<String>,
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

/// Who should answer: a department (or none) and, optionally, a colleague.
#[derive(Debug, Clone, Default)]
pub struct Assignment {
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// The department and assignee the staff member saw, if the form says.
    pub seen: Option<(Option<i64>, Option<i64>)>,
}

pub async fn assign(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    to: Assignment,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let work = Work::begin(db, actor, id, now).await?;
    let current = (work.item.department_id, work.item.assignee_id);
    if (to.department_id, to.assignee_id) == current {
        return Ok(()); // Already so: nothing to record.
    }
    if to.seen.is_some_and(|seen| seen != current) {
        return Err(DomainError::Conflict);
    }
    let department = match to.department_id {
        Some(id) => Some(
            department::Entity::find_by_id(id)
                .filter(department::Column::AgencyId.eq(actor.agency_id))
                .one(&work.txn)
                .await?
                .ok_or_else(|| DomainError::invalid("department", "unknown_department"))?,
        ),
        None => None,
    };
    let after = submission::Model { department_id: to.department_id, assignee_id: to.assignee_id, ..work.item.clone() };
    if let Some(assignee_id) = to.assignee_id {
        let assignee = staff_user::Entity::find_by_id(assignee_id)
            .filter(staff_user::Column::AgencyId.eq(actor.agency_id))
            .filter(staff_user::Column::Active.eq(true))
            .one(&work.txn)
            .await?
            .ok_or_else(|| DomainError::invalid("assignee", "unknown_assignee"))?;
        if !permissions::can_work(&Staff::from(&assignee), &after) {
            return Err(DomainError::invalid("assignee", "assignee_cannot_work"));
        }
    }
    work.save(&after).await?;
    let name = department.map(|d| d.name_th).unwrap_or_else(|| "-".into());
    let step = Step {
        kind: EventKind::Assigned,
        public: false,
        status: None,
        message: Some(name.clone()),
        action: Action::Assigned,
        detail: Some(format!("{name}, assignee {:?}", to.assignee_id)),
    };
    work.finish(step, Some(after)).await
}

/// Links (`linked`) or unlinks an ITA indicator; asking for what already
/// holds changes nothing.
pub async fn set_indicator(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    indicator: i16,
    linked: bool,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !INDICATORS.contains(&indicator) {
        return Err(DomainError::invalid("indicator", "unknown_indicator"));
    }
    let work = Work::begin(db, actor, id, now).await?;
    if work.counted.indicators.contains(&indicator) == linked {
        return Ok(());
    }
    let mut after = work.counted.clone();
    let (kind, action) = if linked {
        submission_indicator::ActiveModel { submission_id: Set(id), indicator: Set(indicator) }
            .insert(&work.txn)
            .await?;
        after.indicators.push(indicator);
        (EventKind::IndicatorLinked, Action::IndicatorLinked)
    } else {
        submission_indicator::Entity::delete_by_id((id, indicator)).exec(&work.txn).await?;
        after.indicators.retain(|i| *i != indicator);
        (EventKind::IndicatorUnlinked, Action::IndicatorUnlinked)
    };
    Changes::change(&work.counted, &after).apply(&work.txn).await?;
    let step = Step {
        kind,
        public: false,
        status: None,
        message: Some(indicator.to_string()),
        action,
        detail: Some(format!("indicator {indicator}")),
    };
    work.finish(step, None).await
}

/// A move along the workflow, with the message the resident reads.
#[derive(Debug, Clone, Default)]
pub struct StatusChange {
    pub to: String,
    pub message: String,
    /// The agency a referral goes to.
    pub referred_to: String,
    /// The status the staff member saw, if the form says.
    pub seen: Option<String>,
    /// What came of it, when closing (`outcome::Closing`'s code); empty
    /// means what the closing status itself means.
    pub outcome: String,
}

pub async fn change_status(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    change: StatusChange,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let to = Status::try_from_value(&change.to).map_err(|_| DomainError::invalid("status", "unknown_status"))?;
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
        if name.chars().count() > REFERRAL_MAX {
            return Err(DomainError::invalid("referred_to", "message_too_long"));
        }
        plain_text(name).map_err(|_| DomainError::invalid("referred_to", "control_characters"))?;
        Some(name.to_owned())
    } else {
        None
    };

    let closing = match workflow::is_closed(to) {
        true => Some(Closing::choose(to, &change.outcome)?),
        false => None,
    };
    let (outcome, outcome_reason) = closing.map(Closing::columns).unzip();

    let work = Work::begin(db, actor, id, now).await?;
    let item = &work.item;
    let moved_on = change.seen.as_deref().is_some_and(|seen| seen != item.status.to_value());
    if moved_on || item.status == to {
        return Err(DomainError::Conflict);
    }
    if !workflow::can_move(item.status, to) {
        return Err(DomainError::invalid("status", "illegal_transition"));
    }
    let answered = item.first_answered_at.is_some() || text.is_some();
    let after = submission::Model {
        status: to,
        next_due_at: next_due(item, answered, to),
        first_answered_at: item.first_answered_at.or(text.as_ref().map(|_| now)),
        closed_at: workflow::is_closed(to).then_some(now),
        referred_to: referred_to.clone().or(item.referred_to.clone()),
        outcome,
        outcome_reason: outcome_reason.flatten(),
        ..item.clone()
    };
    work.save(&after).await?;
    let detail = format!(
        "{} → {}{}{}",
        work.item.status.to_value(),
        to.to_value(),
        closing.map(|c| format!(" [{}]", c.code())).unwrap_or_default(),
        referred_to.map(|r| format!(" ({r})")).unwrap_or_default()
    );
    let step = Step {
        kind: EventKind::StatusChanged,
        public: true,
        status: Some(to),
        message: text,
        action: Action::StatusChanged,
        detail: Some(detail),
    };
    work.finish(step, Some(after)).await
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
    let text = message("message", text)?;
    let work = Work::begin(db, actor, id, now).await?;
    let mut after = None;
    if public && work.item.first_answered_at.is_none() {
        let item = &work.item;
        let answered = submission::Model {
            first_answered_at: Some(now),
            next_due_at: next_due(item, true, item.status),
            ..item.clone()
        };
        work.save(&answered).await?;
        after = Some(answered);
    }
    let (kind, action) = if public {
        (EventKind::PublicReply, Action::PublicReply)
    } else {
        (EventKind::InternalNote, Action::InternalNote)
    };
    work.finish(Step { kind, public, status: None, message: Some(text), action, detail: None }, after).await
}

/// A new due date for the answer that is due now (the first answer's until
/// answered, then the closing one).
#[derive(Debug, Clone, Default)]
pub struct DueChange {
    /// A Bangkok date, `YYYY-MM-DD`; due at its end.
    pub date: String,
    pub reason: String,
    /// The due instant the staff member saw (Unix microseconds: what both
    /// databases keep), if the form says.
    pub seen: Option<i64>,
}

pub async fn change_due(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    change: DueChange,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let date = NaiveDate::parse_from_str(change.date.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::invalid("due", "date_format"))?;
    let end_of_day = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
    let due = bangkok()
        .from_local_datetime(&date.and_time(end_of_day))
        .single()
        .ok_or_else(|| DomainError::invalid("due", "date_format"))?
        .with_timezone(&Utc);
    let reason = message("reason", &change.reason)?;

    let work = Work::begin(db, actor, id, now).await?;
    let item = &work.item;
    if workflow::is_closed(item.status) {
        return Err(DomainError::invalid("due", "already_closed"));
    }
    if change.seen.is_some_and(|seen| Some(seen) != item.next_due_at.map(|due| due.timestamp_micros())) {
        return Err(DomainError::Conflict);
    }
    if item.next_due_at == Some(due) {
        return Ok(());
    }
    if due < item.received_at {
        return Err(DomainError::invalid("due", "due_before_receipt"));
    }
    let after = if item.first_answered_at.is_some() {
        submission::Model { close_due_at: due, next_due_at: Some(due), ..item.clone() }
    } else {
        submission::Model { due_at: due, next_due_at: Some(due), ..item.clone() }
    };
    work.save(&after).await?;
    let step = Step {
        kind: EventKind::DueChanged,
        public: false,
        status: None,
        message: Some(reason),
        action: Action::DueChanged,
        detail: Some(format!("→ {date}")),
    };
    work.finish(step, Some(after)).await
}

/// Staff reopen a closed submission: back to its department, in progress,
/// with a new closing date and the "reopened" mark; `reason` is what the
/// resident reads. Conditional on the item still having the closed status
/// seen (`seen`, or as read): a second reopening is a conflict.
pub async fn reopen(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    reason: &str,
    seen: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let reason = message("reason", reason)?;
    let work = Work::begin(db, actor, id, now).await?;
    let item = &work.item;
    if seen.as_deref().is_some_and(|seen| seen != item.status.to_value()) {
        return Err(DomainError::Conflict);
    }
    if !workflow::is_closed(item.status) {
        return Err(DomainError::invalid("reopen", "reopen_not_closed"));
    }
    let closing_days = entity::agency::Entity::find_by_id(actor.agency_id)
        .one(&work.txn)
        .await?
        .ok_or(DomainError::NotFound)?
        .closing_days;
    let after = verdict::reopened(item, closing_days, now);
    work.save(&after).await?;
    let step = Step {
        kind: EventKind::Reopened,
        public: true,
        status: Some(Status::InProgress),
        message: Some(reason),
        action: Action::Reopened,
        detail: Some(format!("{} → in_progress", work.item.status.to_value())),
    };
    work.finish(step, Some(after)).await
}
