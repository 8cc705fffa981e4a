//! The resident's verdict on a closed submission, and reopening (issue 18).
//!
//! A resident who proved the tracking code and key (the tracking page's
//! pass) is asked, once the item is closed: was it resolved (yes / partly /
//! no), how satisfied are they (1–5), and, if they like, a comment for the
//! staff. One verdict per submission: the table's primary key, read first
//! under the held write. The comment never leaves for a public page.
//!
//! A resident who answered "no" may reopen the item within
//! [`REOPEN_WINDOW`] of its closing: it goes back to its department, in
//! progress, with a new closing date and the "reopened" mark. Staff may
//! reopen a closed item too (`triage::reopen`). Each is one atomic
//! decision: the write is taken first, the row read as it is, and the
//! UPDATE is conditional on the status still being the closed one seen, so
//! two clicks at once reopen once.

use chrono::{DateTime, Duration, Utc};
use entity::enums::{EventKind, Resolved, Status};
use entity::{agency, submission, submission_event, submission_verdict};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};

use super::outcome::Closing;
use super::workflow;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::error::DomainError;
use crate::domain::tally::{Changes, Counted};
use crate::domain::validation::plain_text;
use crate::domain::write;

/// How long after closing a resident who says "not resolved" may reopen.
pub const REOPEN_WINDOW: Duration = Duration::days(30);
const COMMENT_MAX: usize = 2000;

/// What the resident answers.
#[derive(Debug, Clone, Default)]
pub struct VerdictInput {
    /// `yes`, `partly` or `no`.
    pub resolved: String,
    /// 1–5, as the form sends it.
    pub satisfaction: String,
    pub comment: String,
}

/// An optional comment: bounded, plain text; empty is none.
fn comment(field: &str, text: &str) -> Result<Option<String>, DomainError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > COMMENT_MAX {
        return Err(DomainError::invalid(field, "message_too_long"));
    }
    plain_text(text).map_err(|_| DomainError::invalid(field, "control_characters"))?;
    Ok(Some(text.to_owned()))
}

/// What the tracking page offers the resident about the closing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResidentView {
    /// The closed item's outcome code (`fixed`, `budget`, …).
    pub outcome: Option<String>,
    /// The resident's answer and satisfaction, once given (never the comment).
    pub given: Option<(Resolved, i16)>,
    /// Closed, and not yet answered.
    pub may_answer: bool,
    /// Answered "no", not yet reopened, and still within the window.
    pub may_reopen: bool,
    /// The last day of the window, while it matters.
    pub reopen_until: Option<DateTime<Utc>>,
    /// When it was last reopened, if ever.
    pub reopened_at: Option<DateTime<Utc>>,
}

/// The verdict part of the tracking page of `item` at `now`.
pub async fn resident_view(
    db: &impl ConnectionTrait,
    item: &submission::Model,
    now: DateTime<Utc>,
) -> Result<ResidentView, DbErr> {
    let verdict = submission_verdict::Entity::find_by_id(item.id).one(db).await?;
    let closed = workflow::is_closed(item.status);
    let reopenable = verdict.as_ref().is_some_and(|v| v.resolved == Resolved::No && v.reopened_at.is_none());
    let until = item.closed_at.map(|at| at + REOPEN_WINDOW).filter(|_| closed && reopenable);
    Ok(ResidentView {
        outcome: Closing::from_columns(item.outcome, item.outcome_reason).map(Closing::code),
        given: verdict.as_ref().map(|v| (v.resolved, v.satisfaction)),
        may_answer: closed && verdict.is_none(),
        may_reopen: until.is_some_and(|until| now <= until),
        reopen_until: until,
        reopened_at: item.reopened_at,
    })
}

/// The verdict as staff see it on the item's page.
pub async fn of_item(db: &impl ConnectionTrait, id: i64) -> Result<Option<submission_verdict::Model>, DbErr> {
    submission_verdict::Entity::find_by_id(id).one(db).await
}

/// The item as reopened at `now`: in progress again with the agency's
/// closing days from now, its outcome cleared, and the mark.
pub(crate) fn reopened(item: &submission::Model, closing_days: i32, now: DateTime<Utc>) -> submission::Model {
    let due = now + Duration::days(i64::from(closing_days));
    submission::Model {
        status: Status::InProgress,
        close_due_at: due,
        next_due_at: Some(due),
        first_answered_at: item.first_answered_at.or(Some(now)),
        closed_at: None,
        outcome: None,
        outcome_reason: None,
        reopened_at: Some(now),
        updated_at: now,
        ..item.clone()
    }
}

/// Writes `after` over `before` if its status is still `before`'s: `false`
/// when another writer changed it first.
pub(crate) async fn save_if_unchanged(
    db: &impl ConnectionTrait,
    before: &submission::Model,
    after: &submission::Model,
) -> Result<bool, DbErr> {
    let row = submission::ActiveModel {
        status: Set(after.status),
        close_due_at: Set(after.close_due_at),
        next_due_at: Set(after.next_due_at),
        first_answered_at: Set(after.first_answered_at),
        closed_at: Set(after.closed_at),
        outcome: Set(after.outcome),
        outcome_reason: Set(after.outcome_reason),
        reopened_at: Set(after.reopened_at),
        updated_at: Set(after.updated_at),
        ..Default::default()
    };
    let done = submission::Entity::update_many()
        .set(row)
        .filter(submission::Column::Id.eq(before.id))
        .filter(submission::Column::Status.eq(before.status))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The timeline event and the audit entry of a resident's step.
async fn record_resident(
    db: &impl ConnectionTrait,
    item: &submission::Model,
    kind: EventKind,
    status: Option<Status>,
    action: Action,
    detail: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    submission_event::ActiveModel {
        submission_id: Set(item.id),
        at: Set(now),
        kind: Set(kind),
        public: Set(true),
        status: Set(status),
        message: Set(None),
        actor_id: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let entry = Entry::new(action).on("submission", item.id).detail(format!("{}: {detail}", item.tracking_code));
    // No address is kept for residents: it would be personal data too.
    audit::append(db, item.agency_id, None, "resident", entry, None, now).await
}

/// The submission `id` of `agency_id`, for the page after a resident's step.
pub async fn item(db: &impl ConnectionTrait, agency_id: i64, id: i64) -> Result<submission::Model, DomainError> {
    submission::Entity::find_by_id(id)
        .filter(submission::Column::AgencyId.eq(agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)
}

/// The submission `id` as it is now, under the held write.
async fn current(db: &impl ConnectionTrait, id: i64) -> Result<submission::Model, DomainError> {
    submission::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound)
}

/// The resident's verdict on the closed submission `id` (opened with its key).
pub async fn give(
    db: &DatabaseConnection,
    agency_id: i64,
    id: i64,
    input: VerdictInput,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let resolved = Resolved::try_from_value(&input.resolved.trim().to_owned())
        .map_err(|_| DomainError::invalid("resolved", "choose_one"))?;
    let satisfaction: i16 = input
        .satisfaction
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=5).contains(n))
        .ok_or_else(|| DomainError::invalid("satisfaction", "choose_one"))?;
    let comment = comment("comment", &input.comment)?;

    let txn = write::begin(db, agency_id).await?;
    let item = current(&txn, id).await?;
    if item.agency_id != agency_id {
        return Err(DomainError::NotFound);
    }
    if !workflow::is_closed(item.status) {
        return Err(DomainError::invalid("verdict", "verdict_not_closed"));
    }
    if of_item(&txn, id).await?.is_some() {
        return Err(DomainError::invalid("verdict", "verdict_already_given"));
    }
    let counted = Counted::load(&txn, &item).await?;
    submission_verdict::ActiveModel {
        submission_id: Set(id),
        resolved: Set(resolved),
        satisfaction: Set(satisfaction),
        comment: Set(comment),
        given_at: Set(now),
        reopened_at: Set(None),
        reopen_comment: Set(None),
    }
    .insert(&txn)
    .await
    // The check above sees every verdict made before (the write is held);
    // the primary key is the database's own refusal of a second one.
    .map_err(|e| DomainError::unique_as(e, "verdict", "verdict_already_given"))?;
    let after = Counted { verdict: Some((resolved, satisfaction)), ..counted.clone() };
    Changes::change(&counted, &after).apply(&txn).await?;
    let detail = format!("{} {satisfaction}/5", resolved.to_value());
    record_resident(&txn, &item, EventKind::VerdictGiven, None, Action::VerdictGiven, detail, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The resident reopens the submission `id` (opened with its key): only
/// after answering "no", once, and within [`REOPEN_WINDOW`] of its closing.
/// If another click reopened it first, the answer is
/// [`DomainError::Conflict`] and nothing more is written.
pub async fn reopen_by_resident(
    db: &DatabaseConnection,
    agency_id: i64,
    id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let text = comment("comment", text)?;
    let txn = write::begin(db, agency_id).await?;
    let item = current(&txn, id).await?;
    if item.agency_id != agency_id {
        return Err(DomainError::NotFound);
    }
    let verdict = of_item(&txn, id).await?;
    if verdict.as_ref().is_some_and(|v| v.reopened_at.is_some()) || !workflow::is_closed(item.status) {
        // Reopened already (by this resident's other click, or by staff).
        return Err(DomainError::Conflict);
    }
    let Some(verdict) = verdict.filter(|v| v.resolved == Resolved::No) else {
        return Err(DomainError::invalid("reopen", "reopen_needs_no"));
    };
    if item.closed_at.is_none_or(|closed| now > closed + REOPEN_WINDOW) {
        return Err(DomainError::invalid("reopen", "reopen_window_passed"));
    }
    let closing_days =
        agency::Entity::find_by_id(agency_id).one(&txn).await?.ok_or(DomainError::NotFound)?.closing_days;
    let counted = Counted::load(&txn, &item).await?;
    let after = reopened(&item, closing_days, now);
    if !save_if_unchanged(&txn, &item, &after).await? {
        return Err(DomainError::Conflict);
    }
    let marked = submission_verdict::Entity::update_many()
        .col_expr(submission_verdict::Column::ReopenedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(submission_verdict::Column::ReopenComment, sea_orm::sea_query::Expr::value(text))
        .filter(submission_verdict::Column::SubmissionId.eq(verdict.submission_id))
        .filter(submission_verdict::Column::ReopenedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        return Err(DomainError::Conflict);
    }
    Changes::change(&counted, &counted.with_row(&after)).apply(&txn).await?;
    let detail = format!("{} → in_progress", item.status.to_value());
    record_resident(&txn, &item, EventKind::Reopened, Some(Status::InProgress), Action::Reopened, detail, now).await?;
    txn.commit().await?;
    Ok(())
}
