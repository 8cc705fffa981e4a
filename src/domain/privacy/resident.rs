//! A resident's rights over what Siang holds about their submission: to see
//! all of it (a readable page, or JSON to take away) and to ask for their
//! contact data to be erased. Only the holder of the submission's key gets
//! here, through a tracking [`pass`](super::pass); so a corruption reporter's
//! identity reaches nobody but the reporter.

use chrono::{DateTime, Utc};
use entity::enums::{Channel, EventKind, Kind, Status};
use entity::{
    agency, contact, corruption_detail, erasure_request, service, submission, submission_event, submission_rating,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::pass::PassKey;
use super::{record, By, Step, Target, ANSWER_WITHIN};
use crate::domain::audit::Action;
use crate::domain::error::DomainError;
use crate::domain::submissions::track::{public_events, TrackedEvent};
use crate::domain::write;

/// A submission its resident opened with a genuine pass.
pub struct Opened(submission::Model);

impl Opened {
    pub fn tracking_code(&self) -> &str {
        &self.0.tracking_code
    }

    /// The submission opened (a pass proves its key was shown).
    pub fn submission(&self) -> &submission::Model {
        &self.0
    }
}

/// The submission a pass opens; `None` for a forged, expired or unknown one.
pub async fn open(
    db: &impl ConnectionTrait,
    passes: &PassKey,
    agency_id: i64,
    pass: &str,
    now: DateTime<Utc>,
) -> Result<Option<Opened>, DbErr> {
    let Some(code) = passes.check(agency_id, pass, now) else {
        return Ok(None);
    };
    let found = submission::Entity::find()
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::TrackingCode.eq(code))
        .one(db)
        .await?;
    Ok(found.map(Opened))
}

/// The submitter's contact data, as the resident may know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactState {
    Held,
    /// Erased on this day (a decision, or the retention period's end).
    Erased(DateTime<Utc>),
    NoneGiven,
}

/// What the tracking page says about the resident's personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalData {
    pub contact: ContactState,
    /// When the agency must answer the request to erase, while one is open.
    pub erasure_due: Option<DateTime<Utc>>,
}

impl PersonalData {
    /// Whether the resident may ask for their contact data to be erased now.
    pub fn may_request_erasure(&self) -> bool {
        self.contact == ContactState::Held && self.erasure_due.is_none()
    }
}

const ERASED: [EventKind; 2] = [EventKind::ContactErased, EventKind::ContactExpired];

pub async fn personal_data(db: &impl ConnectionTrait, submission_id: i64) -> Result<PersonalData, DbErr> {
    let contact = if contact::Entity::find_by_id(submission_id).one(db).await?.is_some() {
        ContactState::Held
    } else {
        match erased_at(db, submission_id).await? {
            Some(at) => ContactState::Erased(at),
            None => ContactState::NoneGiven,
        }
    };
    let erasure_due = open_request(db, submission_id).await?.map(|request| request.due_at);
    Ok(PersonalData { contact, erasure_due })
}

async fn erased_at(db: &impl ConnectionTrait, submission_id: i64) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(submission_event::Entity::find()
        .filter(submission_event::Column::SubmissionId.eq(submission_id))
        .filter(submission_event::Column::Kind.is_in(ERASED))
        .order_by_desc(submission_event::Column::Id)
        .one(db)
        .await?
        .map(|event| event.at))
}

async fn open_request(db: &impl ConnectionTrait, submission_id: i64) -> Result<Option<erasure_request::Model>, DbErr> {
    erasure_request::Entity::find()
        .filter(erasure_request::Column::SubmissionId.eq(submission_id))
        .filter(erasure_request::Column::DecidedAt.is_null())
        .one(db)
        .await
}

/// Everything Siang holds about one submission, for its resident: what they
/// sent, their contact data (while held), the public timeline and their
/// requests. Staff's internal notes are working papers, not the resident's
/// data, and stay out; so do other residents' and staff members' details.
#[derive(Debug, Clone, Serialize)]
pub struct HeldData {
    pub exported_at: DateTime<Utc>,
    /// The data controller: the agency.
    pub controller: String,
    pub submission: HeldSubmission,
    pub ratings: Vec<HeldRating>,
    pub corruption: Option<HeldCorruption>,
    pub contact: Option<HeldContact>,
    pub contact_erased_at: Option<DateTime<Utc>>,
    pub timeline: Vec<TrackedEvent>,
    pub erasure_requests: Vec<HeldRequest>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeldSubmission {
    pub tracking_code: String,
    pub kind: Kind,
    pub channel: Channel,
    pub status: Status,
    pub subject: String,
    pub details: String,
    pub location: Option<String>,
    /// The service's Thai name.
    pub service: Option<String>,
    pub anonymous: bool,
    pub asked_for_benefit: Option<bool>,
    pub received_at: DateTime<Utc>,
    pub first_answer_due_at: DateTime<Utc>,
    pub closing_due_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub referred_to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeldRating {
    /// The question's id in the survey (see `feedback_questions.toml`).
    pub question: String,
    /// 1 (least or none) to 4 (most).
    pub answer: i16,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeldCorruption {
    pub official: String,
    pub occurred_when: Option<String>,
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeldContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub line_user_id: Option<String>,
    pub consented_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeldRequest {
    pub requested_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub granted: Option<bool>,
    pub reason: Option<String>,
}

pub async fn held_data(
    db: &impl ConnectionTrait,
    opened: &Opened,
    agency: &agency::Model,
    now: DateTime<Utc>,
) -> Result<HeldData, DbErr> {
    let item = &opened.0;
    let service = match item.service_id {
        Some(id) => service::Entity::find_by_id(id).one(db).await?.map(|s| s.name_th),
        None => None,
    };
    let ratings = submission_rating::Entity::find()
        .filter(submission_rating::Column::SubmissionId.eq(item.id))
        .order_by_asc(submission_rating::Column::QuestionId)
        .all(db)
        .await?
        .into_iter()
        .map(|r| HeldRating { question: r.question_id, answer: r.value })
        .collect();
    let corruption = corruption_detail::Entity::find_by_id(item.id).one(db).await?.map(|c| HeldCorruption {
        official: c.official,
        occurred_when: c.occurred_when,
        evidence: c.evidence,
    });
    let contact = contact::Entity::find_by_id(item.id).one(db).await?.map(|c| HeldContact {
        name: c.name,
        phone: c.phone,
        email: c.email,
        line_user_id: c.line_user_id,
        consented_at: c.consented_at,
    });
    let contact_erased_at = if contact.is_none() { erased_at(db, item.id).await? } else { None };
    let erasure_requests = erasure_request::Entity::find()
        .filter(erasure_request::Column::SubmissionId.eq(item.id))
        .order_by_asc(erasure_request::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| HeldRequest {
            requested_at: r.requested_at,
            due_at: r.due_at,
            decided_at: r.decided_at,
            granted: r.granted,
            reason: r.reason,
        })
        .collect();
    Ok(HeldData {
        exported_at: now,
        controller: agency.name_th.clone(),
        submission: HeldSubmission {
            tracking_code: item.tracking_code.clone(),
            kind: item.kind,
            channel: item.channel,
            status: item.status,
            subject: item.subject.clone(),
            details: item.details.clone(),
            location: item.location.clone(),
            service,
            anonymous: item.anonymous,
            asked_for_benefit: item.asked_for_benefit,
            received_at: item.received_at,
            first_answer_due_at: item.due_at,
            closing_due_at: item.close_due_at,
            closed_at: item.closed_at,
            referred_to: item.referred_to.clone(),
        },
        ratings,
        corruption,
        contact,
        contact_erased_at,
        timeline: public_events(db, item.id, agency.show_staff_names).await?,
        erasure_requests,
    })
}

/// The resident asks for their contact data to be erased: the request,
/// due in [`ANSWER_WITHIN`], its public timeline step and its audit entry.
/// Asking again while a request is open changes nothing and answers with
/// the same due date. Returns that date.
pub async fn request_erasure(
    db: &DatabaseConnection,
    opened: &Opened,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, DomainError> {
    let item = &opened.0;
    let txn = write::begin(db, item.agency_id).await?;
    if let Some(open) = open_request(&txn, item.id).await? {
        return Ok(open.due_at);
    }
    let due_at = now + ANSWER_WITHIN;
    let inserted = erasure_request::ActiveModel {
        submission_id: Set(item.id),
        requested_at: Set(now),
        due_at: Set(due_at),
        decided_at: Set(None),
        decided_by: Set(None),
        granted: Set(None),
        reason: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    // The check above sees every request made before (the write is held);
    // the unique key is the database's own refusal of a second open one.
    inserted.map_err(|e| DomainError::unique_as(e, "erasure", "already_requested"))?;
    if contact::Entity::find_by_id(item.id).one(&txn).await?.is_none() {
        return Err(DomainError::invalid("erasure", "nothing_to_erase"));
    }
    let step =
        Step { event: EventKind::ErasureRequested, message: None, action: Action::ErasureRequested, detail: None };
    record(&txn, Target::of(item), By::Resident, step, now).await?;
    txn.commit().await?;
    Ok(due_at)
}
