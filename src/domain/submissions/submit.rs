//! Storing a submission: checked first, then the case, its ratings, the
//! reporter's contact, its first timeline event and its counts, all in one
//! transaction. A request that comes again (the same form sent twice, an API
//! client's retry with the same `Idempotency-Key`) finds the submission it
//! made and gets the same receipt.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::enums::{Channel, EventKind, Kind, Status};
use entity::{
    agency, contact, corruption_detail, service, submission, submission_event, submission_rating, submission_request,
    tracking_counter,
};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IdenStatic, QueryFilter,
};

use super::access::{hash_access_key, new_access_key, tracking_code, RequestId};
use super::intake::NewSubmission;
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::calendar::{fiscal_month, fiscal_year, local_date};
use crate::domain::notices;
use crate::domain::permissions;
use crate::domain::services;
use crate::domain::tally::{Changes, Counted};
use crate::domain::write;

/// How long a request id or `Idempotency-Key` is remembered.
pub const REQUEST_MEMORY: Duration = Duration::hours(24);

/// What the resident gets back on acceptance, and again for the same request.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub tracking_code: String,
    /// Shown to the resident; only its hash is kept.
    pub access_key: String,
    pub kind: Kind,
    pub status: Status,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// This answers a request that had already been answered.
    pub repeated: bool,
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
    request: Option<RequestId>,
    now: DateTime<Utc>,
) -> Result<Receipt, SubmitError> {
    let accepted = accept(db, agency, input, channel, recorded_by, request, now).await?;
    let txn = write::begin(db, agency.id).await?;
    let receipt = store_counted(&txn, &accepted).await?;
    txn.commit().await?;
    Ok(receipt)
}

/// Validates and stores a resident's submission inside the caller's write
/// ([`write::begin`]), so that it is made together with the caller's own
/// change (a LINE conversation that ends in it) or not at all.
pub async fn submit_within(
    txn: &write::Write,
    agency: &agency::Model,
    input: NewSubmission,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<Receipt, SubmitError> {
    let accepted = accept(txn, agency, input, channel, None, None, now).await?;
    store_counted(txn, &accepted).await
}

/// [`store`] with its counts.
async fn store_counted(txn: &write::Write, accepted: &Accepted) -> Result<Receipt, SubmitError> {
    let mut changes = Changes::default();
    let receipt = store(txn, accepted, &mut changes).await?;
    changes.apply(txn).await?;
    Ok(receipt)
}

/// Whether `staff` may record submissions that came by other channels.
pub fn may_record(staff: &Staff) -> Result<(), SubmitError> {
    if permissions::can_record_submission(staff) {
        Ok(())
    } else {
        Err(SubmitError::Forbidden)
    }
}

/// A submission that passed every check and is ready to be written.
pub(super) struct Accepted {
    pub(super) agency_id: i64,
    kind: Kind,
    input: NewSubmission,
    channel: Channel,
    service: Option<service::Model>,
    recorded_by: Option<Staff>,
    request: Option<RequestId>,
    now: DateTime<Utc>,
    due_at: DateTime<Utc>,
    close_due_at: DateTime<Utc>,
    /// Photos already in the file store (see `queue`), linked by `store`.
    pub(super) photos: Vec<crate::domain::photos::Photo>,
}

/// Checks a submission (reading the service catalogue, writing nothing).
/// `request` names the request it came with, if it may come again.
pub(super) async fn accept(
    db: &impl ConnectionTrait,
    agency: &agency::Model,
    input: NewSubmission,
    channel: Channel,
    recorded_by: Option<&Staff>,
    request: Option<RequestId>,
    now: DateTime<Utc>,
) -> Result<Accepted, SubmitError> {
    if let Some(staff) = recorded_by {
        may_record(staff)?;
    }
    let input = input.normalized();
    let kind = input.check().map_err(SubmitError::Invalid)?;
    // What both databases keep, so that a repeated answer is the same to the microsecond.
    let now = now.trunc_subsecs(6);
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
        request,
        now,
        due_at: now + Duration::days(i64::from(agency.first_answer_days)),
        close_due_at: now + Duration::days(i64::from(agency.closing_days)),
        photos: Vec::new(),
    })
}

/// The receipt a request already got, if it made a submission within
/// [`REQUEST_MEMORY`] (and in this agency).
pub async fn receipt_of(
    db: &impl ConnectionTrait,
    agency_id: i64,
    request: &RequestId,
    now: DateTime<Utc>,
) -> Result<Option<Receipt>, DbErr> {
    let Some(made) = remembered(db, request, now).await? else { return Ok(None) };
    let item = submission::Entity::find_by_id(made.submission_id)
        .filter(submission::Column::AgencyId.eq(agency_id))
        .one(db)
        .await?;
    Ok(item.map(|item| Receipt {
        access_key: request.access_key(&item.tracking_code),
        tracking_code: item.tracking_code,
        kind: item.kind,
        // As the first answer said it.
        status: Status::Received,
        received_at: item.received_at,
        due_at: item.due_at,
        repeated: true,
    }))
}

/// The receipt to give again if `request` already made a submission of
/// this `input`; an error if it made one of something else; `None` if it
/// is new. (Asked before anything else, so a repeat is never rate-limited.)
pub async fn repeated(
    db: &impl ConnectionTrait,
    agency_id: i64,
    request: &RequestId,
    input: &NewSubmission,
    now: DateTime<Utc>,
) -> Result<Option<Receipt>, SubmitError> {
    match remembered(db, request, now).await? {
        Some(made) if made.body_hash == input.clone().normalized().fingerprint() => {
            Ok(receipt_of(db, agency_id, request, now).await?)
        }
        Some(_) => Err(SubmitError::invalid("request_id", "request_reused")),
        None => Ok(None),
    }
}

/// The stored request, unless it is older than [`REQUEST_MEMORY`].
async fn remembered(
    db: &impl ConnectionTrait,
    request: &RequestId,
    now: DateTime<Utc>,
) -> Result<Option<submission_request::Model>, DbErr> {
    Ok(submission_request::Entity::find_by_id(request.key_hash.clone())
        .one(db)
        .await?
        .filter(|made| made.created_at > now - REQUEST_MEMORY))
}

/// Forgets requests older than [`REQUEST_MEMORY`]: their submissions stay,
/// only a repeat of them would now make a new one.
pub async fn forget_old_requests(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let gone = submission_request::Entity::delete_many()
        .filter(submission_request::Column::CreatedAt.lte(now - REQUEST_MEMORY))
        .exec(db)
        .await?;
    Ok(gone.rows_affected)
}

/// Writes an accepted submission: the case, its ratings, the reporter's
/// contact, its first timeline event and the request that made it, adding
/// its counts to `changes`; or, for a request already answered, that answer
/// (a request id used for something else is refused). The caller holds the
/// write ([`write::begin`]) and commits.
pub(super) async fn store(
    txn: &impl ConnectionTrait,
    accepted: &Accepted,
    changes: &mut Changes,
) -> Result<Receipt, SubmitError> {
    let Accepted {
        agency_id,
        kind,
        ref input,
        channel,
        ref service,
        ref recorded_by,
        ref request,
        now,
        due_at,
        close_due_at,
        ref photos,
    } = *accepted;
    let body_hash = input.fingerprint();
    if let Some(request) = request {
        match remembered(txn, request, now).await? {
            Some(made) if made.body_hash == body_hash => {
                let answered = receipt_of(txn, agency_id, request, now).await?;
                return answered.ok_or(SubmitError::invalid("request_id", "request_reused"));
            }
            Some(_) => return Err(SubmitError::invalid("request_id", "request_reused")),
            // A forgotten one may still have its row: it makes way.
            None => {
                submission_request::Entity::delete_by_id(request.key_hash.clone()).exec(txn).await?;
            }
        }
    }
    let local = local_date(now);
    let year = fiscal_year(local);
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());

    let sequence = next_sequence(txn, agency_id, year).await?;
    let code = tracking_code(year, sequence);
    let access_key = request.as_ref().map_or_else(new_access_key, |request| request.access_key(&code));
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
        moo: Set(input.moo.and_then(|moo| i16::try_from(moo).ok())),
        latitude: Set(input.latitude),
        longitude: Set(input.longitude),
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

    crate::domain::photos::link(txn, agency_id, stored.id, photos, 0, now).await?;
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
    let contact = match input.contact.is_empty() {
        true => None,
        false => Some(
            contact::ActiveModel {
                submission_id: Set(stored.id),
                name: Set(optional(&input.contact.name)),
                phone: Set(optional(&input.contact.phone)),
                email: Set(optional(&input.contact.email)),
                line_user_id: Set(optional(&input.contact.line_user_id)),
                consented_at: Set(now),
                language: Set(input.language.code().to_owned()),
            }
            .insert(txn)
            .await?,
        ),
    };
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
    if let Some(request) = request {
        submission_request::ActiveModel {
            key_hash: Set(request.key_hash.clone()),
            body_hash: Set(body_hash),
            submission_id: Set(stored.id),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    if let Some(contact) = &contact {
        notices::receipt(txn, &stored, contact, &access_key, now).await?;
    }
    let ratings = input.ratings.iter().map(|(question, value)| (question.clone(), *value as i16)).collect();
    changes.add(&Counted::new(&stored, Vec::new(), ratings));

    Ok(Receipt {
        tracking_code: code,
        access_key,
        kind,
        status: Status::Received,
        received_at: now,
        due_at,
        repeated: false,
    })
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
