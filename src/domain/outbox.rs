//! The transactional outbox: messages to residents and staff (e-mail, LINE)
//! are rows written by the same transaction as the event that causes them,
//! so a message goes out exactly when its event committed, and writing one
//! costs a submission nothing but an INSERT — a mail outage never blocks or
//! slows it. `notify::sender` delivers the rows later, from any instance.
//!
//! Delivery across instances: a sender *claims* due rows with a conditional
//! UPDATE that sets a lease (`claimed_until`) and its own token; a row whose
//! lease is running is nobody else's, and the outcome is recorded only under
//! the token that claimed it. A crashed instance's lease runs out and the
//! row is claimed again. The claim and the outcome are single statements on
//! the outbox row only, outside `write::begin`: they change no agency data
//! (no cache goes stale) and the row itself is the record of what was sent.

use chrono::{DateTime, Duration, Utc};
use entity::outbox_message::{self, MessageChannel, MessageState};
use entity::{app_setting, staff_user, submission};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Why a message is sent; its code is stored in `outbox_message.purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A resident's submission was received (tracking code, access key).
    Receipt,
    /// Staff moved a resident's submission along the workflow.
    StatusChanged,
    /// Staff answered the resident.
    PublicReply,
    /// A submission was assigned to a staff member's department.
    Assigned,
    /// The daily list of a department's items due soon or overdue.
    Digest,
}

impl Purpose {
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Receipt => "receipt",
            Purpose::StatusChanged => "status_changed",
            Purpose::PublicReply => "public_reply",
            Purpose::Assigned => "assigned",
            Purpose::Digest => "digest",
        }
    }

    /// Messages to the resident carry their personal data (an address, a
    /// LINE id): erased with the contact.
    const TO_RESIDENT: [Purpose; 3] = [Purpose::Receipt, Purpose::StatusChanged, Purpose::PublicReply];
}

/// A message to enqueue. `dedupe_key` names the event and recipient
/// (`"email:receipt:<submission id>"`, `"line:reply:<event id>"`): the same
/// key twice enqueues once.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub agency_id: i64,
    pub channel: MessageChannel,
    /// An e-mail address or a LINE user id.
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    /// For LINE: the message objects to push, as LINE's API takes them.
    pub payload: Option<serde_json::Value>,
    pub submission_id: Option<i64>,
    pub purpose: Purpose,
    pub dedupe_key: String,
}

/// Enqueues `message` inside the caller's transaction (the one writing the
/// event). Returns `false` when its `dedupe_key` was enqueued before.
pub async fn enqueue(txn: &impl ConnectionTrait, message: NewMessage, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let row = outbox_message::ActiveModel {
        agency_id: Set(message.agency_id),
        channel: Set(message.channel),
        recipient: Set(message.recipient),
        subject: Set(message.subject),
        body_text: Set(message.body_text),
        body_html: Set(message.body_html),
        payload: Set(message.payload),
        submission_id: Set(message.submission_id),
        purpose: Set(message.purpose.code().to_owned()),
        state: Set(MessageState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        claim_token: Set(None),
        last_error: Set(None),
        dedupe_key: Set(message.dedupe_key),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    };
    // DO NOTHING, not a caught unique violation: on PostgreSQL a failed
    // statement would spoil the caller's transaction.
    let inserted = outbox_message::Entity::insert(row)
        .on_conflict(OnConflict::column(outbox_message::Column::DedupeKey).do_nothing().to_owned())
        .do_nothing()
        .exec_without_returning(txn)
        .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// A submission's messages, newest first, for its staff page.
pub async fn of_submission(
    db: &impl ConnectionTrait,
    agency_id: i64,
    submission_id: i64,
) -> Result<Vec<outbox_message::Model>, DbErr> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::AgencyId.eq(agency_id))
        .filter(outbox_message::Column::SubmissionId.eq(submission_id))
        .order_by_desc(outbox_message::Column::Id)
        .all(db)
        .await
}

/// Deletes the messages addressed to a submission's resident (sent or not):
/// part of erasing their contact data.
pub async fn forget_resident(txn: &impl ConnectionTrait, submission_id: i64) -> Result<u64, DbErr> {
    let gone = outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::SubmissionId.eq(submission_id))
        .filter(outbox_message::Column::Purpose.is_in(Purpose::TO_RESIDENT.map(Purpose::code)))
        .exec(txn)
        .await?;
    Ok(gone.rows_affected)
}

/// Claims up to `limit` due messages of `channels` for `lease`: each row
/// returned is this caller's (under `token`, new for each claim) until the
/// lease ends, and no other sender takes it meanwhile.
pub async fn claim(
    db: &impl ConnectionTrait,
    channels: &[MessageChannel],
    token: &str,
    limit: u64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<outbox_message::Model>, DbErr> {
    use outbox_message::Column;
    let free = || {
        Column::State
            .eq(MessageState::Pending)
            .and(Column::NextAttemptAt.lte(now))
            .and(Column::ClaimedUntil.is_null().or(Column::ClaimedUntil.lte(now)))
    };
    let due: Vec<i64> = outbox_message::Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(free())
        .filter(Column::Channel.is_in(channels.iter().copied()))
        .order_by_asc(Column::NextAttemptAt)
        .order_by_asc(Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    // The condition again: a row another sender claimed since the SELECT is
    // left alone (PostgreSQL re-checks it on the row it waited for).
    let until = now + lease;
    outbox_message::Entity::update_many()
        .col_expr(Column::ClaimedUntil, Expr::value(until))
        .col_expr(Column::ClaimToken, Expr::value(token))
        .filter(Column::Id.is_in(due))
        .filter(free())
        .exec(db)
        .await?;
    outbox_message::Entity::find()
        .filter(Column::ClaimToken.eq(token))
        .filter(Column::State.eq(MessageState::Pending))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// What became of one attempt to deliver.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent,
    /// Try again at `retry_at`, or give up (`None`).
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

/// Records the outcome of the attempt on `message`, if this sender still
/// holds its claim (`token`). Returns whether it did.
pub async fn record(
    db: &impl ConnectionTrait,
    message: &outbox_message::Model,
    token: &str,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use outbox_message::Column;
    let mut update = outbox_message::Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::ClaimToken, Expr::value(Option::<String>::None));
    update = match outcome {
        Outcome::Sent => update
            .col_expr(Column::State, Expr::value(MessageState::Sent))
            .col_expr(Column::SentAt, Expr::value(now))
            .col_expr(Column::LastError, Expr::value(Option::<String>::None)),
        Outcome::Failed { error, retry_at } => {
            let error: String = error.chars().take(1000).collect();
            let update = update.col_expr(Column::LastError, Expr::value(error));
            match retry_at {
                Some(at) => update.col_expr(Column::NextAttemptAt, Expr::value(at)),
                None => update.col_expr(Column::State, Expr::value(MessageState::Failed)),
            }
        }
    };
    let done = update
        .filter(Column::Id.eq(message.id))
        .filter(Column::ClaimToken.eq(token))
        .filter(Column::State.eq(MessageState::Pending))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// How long to wait before attempt number `attempts + 1`: `base` doubled
/// for each attempt made, at most `max`.
pub fn backoff(attempts: i32, base: Duration, max: Duration) -> Duration {
    let doublings = attempts.clamp(0, 30) as u32;
    base.checked_mul(1 << doublings).map_or(max, |wait| wait.min(max))
}

// ----- e-mail settings -----

/// Whether this deployment sends e-mail, and the portal's public address
/// for the links in it. Kept in the database by the server at start-up
/// (from `SIANG_SMTP_URL` and `SIANG_PUBLIC_URL`), so that every write that
/// enqueues, on any instance, decides alike without configuration passed
/// down to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MailSettings {
    /// `https://siang.example.go.th/` (with its path prefix), if known.
    pub public_url: Option<String>,
}

const MAIL_SETTINGS: &str = "email_notifications";

/// `None`: e-mail is off and none is enqueued.
pub async fn mail_settings(db: &impl ConnectionTrait) -> Result<Option<MailSettings>, DbErr> {
    let row = app_setting::Entity::find_by_id(MAIL_SETTINGS).one(db).await?;
    Ok(row.and_then(|row| serde_json::from_str(&row.value).ok()))
}

/// Turns e-mail on (with these settings) or off.
pub async fn set_mail_settings(db: &impl ConnectionTrait, settings: Option<&MailSettings>) -> Result<(), DbErr> {
    match settings {
        Some(settings) => {
            let value = serde_json::to_string(settings).map_err(|e| DbErr::Custom(e.to_string()))?;
            app_setting::Entity::insert(app_setting::ActiveModel { key: Set(MAIL_SETTINGS.into()), value: Set(value) })
                .on_conflict(
                    OnConflict::column(app_setting::Column::Key).update_column(app_setting::Column::Value).to_owned(),
                )
                .exec_without_returning(db)
                .await?;
        }
        None => {
            app_setting::Entity::delete_by_id(MAIL_SETTINGS).exec(db).await?;
        }
    }
    Ok(())
}

// ----- staff recipients -----

/// The active staff of `department_id` who gave an e-mail address.
pub async fn department_addresses(
    db: &impl ConnectionTrait,
    agency_id: i64,
    department_id: i64,
) -> Result<Vec<(i64, String)>, DbErr> {
    let users = staff_user::Entity::find()
        .filter(staff_user::Column::AgencyId.eq(agency_id))
        .filter(staff_user::Column::DepartmentId.eq(department_id))
        .filter(staff_user::Column::Active.eq(true))
        .filter(staff_user::Column::Email.is_not_null())
        .order_by_asc(staff_user::Column::Id)
        .all(db)
        .await?;
    Ok(users.into_iter().filter_map(|u| Some((u.id, u.email.filter(|e| !e.is_empty())?))).collect())
}

/// A department's open items whose due date is within `ahead` of `now` or
/// past, soonest first.
pub async fn due_items(
    db: &impl ConnectionTrait,
    agency_id: i64,
    department_id: i64,
    ahead: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<submission::Model>, DbErr> {
    submission::Entity::find()
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::DepartmentId.eq(department_id))
        .filter(submission::Column::NextDueAt.lte(now + ahead))
        .order_by_asc(submission::Column::NextDueAt)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_limit() {
        let base = Duration::seconds(30);
        let max = Duration::hours(1);
        assert_eq!(backoff(0, base, max), Duration::seconds(30));
        assert_eq!(backoff(1, base, max), Duration::seconds(60));
        assert_eq!(backoff(3, base, max), Duration::seconds(240));
        assert_eq!(backoff(10, base, max), max);
        assert_eq!(backoff(1000, base, max), max);
    }
}
