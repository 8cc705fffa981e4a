//! Storing a submission: checked first, then the case, its ratings, the
//! reporter's contact and its first timeline event, all in one transaction.

use chrono::{DateTime, Duration, Utc};
use entity::enums::{Channel, EventKind, Kind, Status};
use entity::{
    agency, contact, corruption_detail, service, submission, submission_event, submission_rating, tracking_counter,
};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IdenStatic,
    TransactionTrait,
};

use super::access::{hash_access_key, new_access_key, tracking_code};
use super::intake::NewSubmission;
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::calendar::{fiscal_month, fiscal_year, local_date};
use crate::domain::permissions;
use crate::domain::services;

/// What the resident gets back once, on acceptance.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub tracking_code: String,
    /// Shown once; only its hash is kept.
    pub access_key: String,
    pub kind: Kind,
    pub status: Status,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

pub use crate::domain::error::DomainError as SubmitError;

/// Validates and stores a submission that arrived through `channel`, sent by
/// the resident (`recorded_by: None`) or recorded by staff on a resident's
/// behalf (a walk-in, a call, a letter…). Nothing is written unless
/// everything is valid; once this returns `Ok`, the submission is committed.
/// (Residents' submissions over HTTP go through [`super::queue`], which
/// commits several in one transaction.)
pub async fn submit(
    db: &DatabaseConnection,
    agency: &agency::Model,
    input: NewSubmission,
    channel: Channel,
    recorded_by: Option<&Staff>,
    now: DateTime<Utc>,
) -> Result<Receipt, SubmitError> {
    let accepted = accept(db, agency, input, channel, recorded_by, now).await?;
    let txn = db.begin().await?;
    let receipt = store(&txn, &accepted).await?;
    txn.commit().await?;
    Ok(receipt)
}

/// A submission that passed every check and is ready to be written.
pub(super) struct Accepted {
    agency_id: i64,
    kind: Kind,
    input: NewSubmission,
    channel: Channel,
    service: Option<service::Model>,
    recorded_by: Option<Staff>,
    now: DateTime<Utc>,
    due_at: DateTime<Utc>,
    close_due_at: DateTime<Utc>,
}

/// Checks a submission (reading the service catalogue, writing nothing).
pub(super) async fn accept(
    db: &impl ConnectionTrait,
    agency: &agency::Model,
    input: NewSubmission,
    channel: Channel,
    recorded_by: Option<&Staff>,
    now: DateTime<Utc>,
) -> Result<Accepted, SubmitError> {
    if recorded_by.is_some_and(|staff| !permissions::can_record_submission(staff)) {
        return Err(SubmitError::Forbidden);
    }
    let input = input.normalized();
    let kind = input.check().map_err(SubmitError::Invalid)?;
    let service = match input.service.as_str() {
        "" => None,
        slug => match services::active_by_slug(db, agency.id, slug).await? {
            Some(service) => Some(service),
            None => return Err(SubmitError::invalid("service", "unknown_service")),
        },
    };
    Ok(Accepted {
        agency_id: agency.id,
        kind,
        input,
        channel,
        service,
        recorded_by: recorded_by.cloned(),
        now,
        due_at: now + Duration::days(i64::from(agency.first_answer_days)),
        close_due_at: now + Duration::days(i64::from(agency.closing_days)),
    })
}

/// Writes an accepted submission: the case, its ratings, the reporter's
/// contact and its first timeline event. The caller commits.
pub(super) async fn store(txn: &impl ConnectionTrait, accepted: &Accepted) -> Result<Receipt, DbErr> {
    let Accepted { agency_id, kind, ref input, channel, ref service, ref recorded_by, now, due_at, close_due_at } =
        *accepted;
    let access_key = new_access_key();
    let local = local_date(now);
    let year = fiscal_year(local);
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());

    // The counter bump is the transaction's first statement, so on SQLite the
    // write lock is taken at once and concurrent submitters queue on the busy
    // timeout instead of failing to upgrade a read lock.
    let sequence = next_sequence(txn, agency_id, year).await?;
    let code = tracking_code(year, sequence);
    let subject = match (kind, service) {
        (Kind::ServiceFeedback, Some(service)) if input.subject.is_empty() => service.name_th.clone(),
        (Kind::Question, _) if input.subject.is_empty() => super::intake::question_title(&input.details),
        _ => input.subject.clone(),
    };
    let stored = submission::ActiveModel {
        agency_id: Set(agency_id),
        tracking_code: Set(code.clone()),
        fiscal_year: Set(year),
        fiscal_month: Set(fiscal_month(local)),
        kind: Set(kind),
        channel: Set(channel),
        status: Set(Status::Received),
        subject: Set(subject),
        details: Set(input.details.clone()),
        location: Set(optional(&input.location)),
        service_id: Set(service.as_ref().map(|s| s.id)),
        department_id: Set(service.as_ref().and_then(|s| s.department_id)),
        anonymous: Set(input.is_anonymous()),
        asked_for_benefit: Set(input.asked_for_benefit),
        access_key_hash: Set(hash_access_key(&access_key)),
        received_at: Set(now),
        due_at: Set(due_at),
        close_due_at: Set(close_due_at),
        assignee_id: Set(None),
        next_due_at: Set(Some(due_at)),
        referred_to: Set(None),
        first_answered_at: Set(None),
        closed_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;

    if !input.ratings.is_empty() {
        submission_rating::Entity::insert_many(input.ratings.iter().map(|(question, value)| {
            submission_rating::ActiveModel {
                submission_id: Set(stored.id),
                question_id: Set(question.clone()),
                // `check` bounded it to 1..=4.
                value: Set(*value as i16),
            }
        }))
        .exec(txn)
        .await?;
    }
    if kind == Kind::Corruption {
        corruption_detail::ActiveModel {
            submission_id: Set(stored.id),
            official: Set(input.corruption.official.clone()),
            occurred_when: Set(optional(&input.corruption.occurred_when)),
            evidence: Set(optional(&input.corruption.evidence)),
        }
        .insert(txn)
        .await?;
    }
    if !input.contact.is_empty() {
        contact::ActiveModel {
            submission_id: Set(stored.id),
            name: Set(optional(&input.contact.name)),
            phone: Set(optional(&input.contact.phone)),
            email: Set(optional(&input.contact.email)),
            consented_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    submission_event::ActiveModel {
        submission_id: Set(stored.id),
        at: Set(now),
        kind: Set(EventKind::Received),
        public: Set(true),
        status: Set(Some(Status::Received)),
        message: Set(None),
        actor_id: Set(recorded_by.as_ref().map(|staff| staff.id)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if let Some(staff) = recorded_by {
        let entry = Entry::new(Action::SubmissionRecorded).on("submission", stored.id).detail(code.clone());
        audit::record(txn, staff, entry, now).await?;
    }

    Ok(Receipt { tracking_code: code, access_key, kind, status: Status::Received, received_at: now, due_at })
}

/// Hands out the next sequence number of the fiscal year with one atomic
/// upsert, unique under concurrency on SQLite and PostgreSQL alike.
async fn next_sequence(db: &impl ConnectionTrait, agency_id: i64, fiscal_year: i32) -> Result<i64, DbErr> {
    use tracking_counter::Column;
    let statement = Query::insert()
        .into_table(tracking_counter::Entity)
        .columns([Column::AgencyId, Column::FiscalYear, Column::LastValue])
        .values_panic([agency_id.into(), fiscal_year.into(), 1i64.into()])
        .on_conflict(
            OnConflict::columns([Column::AgencyId, Column::FiscalYear])
                .value(Column::LastValue, Expr::col((tracking_counter::Entity, Column::LastValue)).add(1))
                .to_owned(),
        )
        .returning(Query::returning().column(Column::LastValue))
        .to_owned();
    let row =
        db.query_one(db.get_database_backend().build(&statement)).await?.ok_or_else(|| DbErr::RecordNotInserted)?;
    row.try_get("", Column::LastValue.as_str())
}
