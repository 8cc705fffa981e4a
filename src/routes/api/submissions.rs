//! `POST /api/v1/submissions` and `GET /api/v1/submissions/{code}`.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use entity::enums::{Channel, Code};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::domain::submissions::{track, ContactInput, CorruptionFacts, NewSubmission};
use crate::error::AppError;
use crate::extract::{ApiJson, ClientIp, Path};

/// The request body. Unknown fields are refused, so a misspelt field is an
/// error rather than silently lost data.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRequest {
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    details: String,
    service: Option<String>,
    location: Option<String>,
    #[serde(default)]
    ratings: BTreeMap<String, i64>,
    asked_for_benefit: Option<bool>,
    corruption: Option<CorruptionRequest>,
    contact: Option<ContactRequest>,
    anonymous: Option<bool>,
    #[serde(default)]
    consent: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorruptionRequest {
    #[serde(default)]
    official: String,
    #[serde(default, alias = "when")]
    occurred_when: String,
    #[serde(default)]
    evidence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
}

impl From<SubmissionRequest> for NewSubmission {
    fn from(r: SubmissionRequest) -> Self {
        let corruption = r.corruption.map(|c| CorruptionFacts {
            official: c.official,
            occurred_when: c.occurred_when,
            evidence: c.evidence,
        });
        let contact = r.contact.map(|c| ContactInput { name: c.name, phone: c.phone, email: c.email });
        NewSubmission {
            kind: r.kind,
            subject: r.subject,
            details: r.details,
            service: r.service.unwrap_or_default(),
            location: r.location.unwrap_or_default(),
            ratings: r.ratings,
            asked_for_benefit: r.asked_for_benefit,
            corruption: corruption.unwrap_or_default(),
            contact: contact.unwrap_or_default(),
            anonymous: r.anonymous,
            consent: r.consent,
        }
    }
}

#[derive(Serialize)]
pub struct Created {
    tracking_code: String,
    access_key: String,
    status: String,
    kind: String,
    received_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
}

pub async fn create(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<SubmissionRequest>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    if !state.limits.submissions.allow(&client) {
        return Err(AppError::RateLimited);
    }
    let receipt = state.submissions.submit(&state.db, &state.agency(), body.into(), Channel::Web, Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            tracking_code: receipt.tracking_code,
            access_key: receipt.access_key,
            status: receipt.status.code(),
            kind: receipt.kind.code(),
            received_at: receipt.received_at,
            due_at: receipt.due_at,
        }),
    ))
}

#[derive(Serialize)]
pub struct Tracked {
    tracking_code: String,
    kind: String,
    status: String,
    subject: String,
    received_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    events: Vec<TrackedEvent>,
}

#[derive(Serialize)]
pub struct TrackedEvent {
    at: DateTime<Utc>,
    #[serde(rename = "type")]
    kind: String,
    status: Option<String>,
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    staff_name: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(tracking_code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Tracked>, AppError> {
    if !state.limits.tracking.allow(&client) {
        return Err(AppError::RateLimited);
    }
    let key = headers.get("x-access-key").and_then(|v| v.to_str().ok()).unwrap_or("");
    let show_staff_names = state.agency().show_staff_names;
    let found = track(&state.db, &tracking_code, key, show_staff_names).await?.ok_or(AppError::NotFound)?;
    Ok(Json(Tracked {
        tracking_code: found.tracking_code,
        kind: found.kind.code(),
        status: found.status.code(),
        subject: found.subject,
        received_at: found.received_at,
        due_at: found.due_at,
        events: found
            .events
            .into_iter()
            .map(|e| TrackedEvent {
                at: e.at,
                kind: e.kind.code(),
                status: e.status.map(|s| s.code()),
                message: e.message,
                staff_name: e.staff_name,
            })
            .collect(),
    }))
}
