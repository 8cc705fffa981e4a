//! `POST /api/v1/submissions` and `GET /api/v1/submissions/{code}`.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use entity::enums::{Channel, Code};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::photos;
use crate::domain::submissions::access::{RequestId, RequestScope};
use crate::domain::submissions::submit::repeated;
use crate::domain::submissions::{track, ContactInput, CorruptionFacts, NewSubmission, SubmitError};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::extract::{ApiJsonWithPhotos, ClientIp, Path, ServedAgency};
use crate::state::AppState;

/// The request body. Unknown fields are refused, so a misspelt field is an
/// error rather than silently lost data.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRequest {
    /// `complaint`, `suggestion`, `question`, `corruption` or `service_feedback`.
    #[schema(example = "complaint")]
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    details: String,
    service: Option<String>,
    /// The resident's description of the place.
    location: Option<String>,
    /// The village number (หมู่), 1–40; shown on the public log.
    moo: Option<i64>,
    /// Where the resident was (WGS 84), both or neither, within Thailand;
    /// staff only, never public.
    latitude: Option<f64>,
    longitude: Option<f64>,
    #[serde(default)]
    ratings: BTreeMap<String, i64>,
    asked_for_benefit: Option<bool>,
    corruption: Option<CorruptionRequest>,
    contact: Option<ContactRequest>,
    anonymous: Option<bool>,
    #[serde(default)]
    consent: bool,
}

/// The facts of a corruption report (kind `corruption` only).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorruptionRequest {
    #[serde(default)]
    official: String,
    #[serde(default, alias = "when")]
    occurred_when: String,
    #[serde(default)]
    evidence: String,
}

/// The resident's contact data; needs `consent: true`.
#[derive(Debug, Deserialize, ToSchema)]
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
        let contact =
            r.contact.map(|c| ContactInput { name: c.name, phone: c.phone, email: c.email, ..Default::default() });
        NewSubmission {
            kind: r.kind,
            subject: r.subject,
            details: r.details,
            service: r.service.unwrap_or_default(),
            location: r.location.unwrap_or_default(),
            moo: r.moo,
            latitude: r.latitude,
            longitude: r.longitude,
            ratings: r.ratings,
            asked_for_benefit: r.asked_for_benefit,
            corruption: corruption.unwrap_or_default(),
            contact: contact.unwrap_or_default(),
            anonymous: r.anonymous,
            consent: r.consent,
            language: crate::i18n::Lang::Th,
        }
    }
}

/// The receipt: the tracking code is public, the access key is shown only
/// here (only its hash is kept).
#[derive(Serialize, ToSchema)]
pub struct Created {
    tracking_code: String,
    access_key: String,
    status: String,
    kind: String,
    received_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
}

/// The header that makes a retried request safe: the same key and body
/// within 24 hours get the first answer again; the same key with another
/// body is refused (422).
const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on an answer that repeats the first one.
const REPLAYED: &str = "idempotent-replayed";

/// The request's `Idempotency-Key`, if it has one: 1–255 visible ASCII
/// characters, else a field error.
fn idempotency_key(state: &AppState, headers: &HeaderMap) -> Result<Option<RequestId>, AppError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else { return Ok(None) };
    let key = value.to_str().ok().filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
    match key {
        Some(key) => Ok(Some(state.request_keys.request(RequestScope::Api, key))),
        None => {
            let mut errors = FieldErrors::default();
            errors.add("idempotency_key", "idempotency_key_format");
            Err(AppError::Invalid(errors))
        }
    }
}

/// The body of a submission with photos (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)] // Read by `extract::ApiJsonWithPhotos`; this documents it.
pub struct SubmissionWithPhotos {
    /// The submission, as the JSON body would be.
    submission: SubmissionRequest,
    /// Up to three photos: JPEG, PNG or WebP, at most 10 MB each. They are
    /// decoded and encoded again (no EXIF, no GPS is kept); public only when
    /// staff publish them with the log entry.
    #[schema(value_type = Vec<String>, format = Binary)]
    photos: Vec<Vec<u8>>,
}

/// Sends a submission, as the web form does: JSON, or `multipart/form-data`
/// with the JSON in the part `submission` and up to three photos in parts
/// `photos`. A request repeated with the same `Idempotency-Key` and body
/// within 24 hours gets the first answer again (with
/// `Idempotent-Replayed: true`); the same key with another body is refused.
#[utoipa::path(
    post,
    path = "/submissions",
    operation_id = "create_submission",
    tag = "submissions",
    request_body(content(
        (SubmissionRequest = "application/json"),
        (SubmissionWithPhotos = "multipart/form-data"),
    )),
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: 1–255 visible ASCII characters"),
    ),
    responses(
        (status = 201, description = "Stored", body = Created,
            headers(("Idempotent-Replayed" = String, description = "`true` when this repeats the first answer"))),
        (status = 400, description = "A body that could not be read", body = super::ErrorBody),
        (status = 413, description = "Body too large", body = super::ErrorBody),
        (status = 415, description = "Neither `application/json` nor `multipart/form-data`", body = super::ErrorBody),
        (status = 422, description = "What to correct, field by field", body = super::ValidationErrors),
        (status = 429, response = super::RateLimited),
        (status = 503, response = super::Unavailable),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ServedAgency(agency): ServedAgency,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ApiJsonWithPhotos { body, photos }: ApiJsonWithPhotos<SubmissionRequest>,
) -> Result<Response, AppError> {
    let request = idempotency_key(&state, &headers)?;
    let input: NewSubmission = body.into();
    // A repeat is answered before the rate limit: it creates nothing.
    let earlier = match &request {
        Some(request) => repeated(&state.db, agency.id, request, &input, Utc::now()).await,
        None => Ok(None),
    };
    let submitted = match earlier {
        Ok(Some(receipt)) => Ok(receipt),
        Ok(None) if !state.limits.submissions.allow(&client).await => return Err(AppError::RateLimited),
        Ok(None) => match photos::prepare_all(photos).await {
            Ok(photos) => {
                state.submissions.submit(&state.db, &agency, input, photos, Channel::Web, request, Utc::now()).await
            }
            Err(refused) => Err(refused),
        },
        Err(refused) => Err(refused),
    };
    let receipt = match submitted {
        Err(SubmitError::Invalid(errors)) if errors.contains("request_id") => {
            let mut errors = FieldErrors::default();
            errors.add("idempotency_key", "request_reused");
            return Err(AppError::Invalid(errors));
        }
        other => other?,
    };
    let replayed = receipt.repeated;
    let created = Created {
        tracking_code: receipt.tracking_code,
        access_key: receipt.access_key,
        status: receipt.status.code(),
        kind: receipt.kind.code(),
        received_at: receipt.received_at,
        due_at: receipt.due_at,
    };
    let mut response = (StatusCode::CREATED, Json(created)).into_response();
    if replayed {
        response.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// A submission as its resident follows it.
#[derive(Serialize, ToSchema)]
pub struct Tracked {
    tracking_code: String,
    kind: String,
    status: String,
    subject: String,
    received_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    events: Vec<TrackedEvent>,
}

/// One public event of a submission's timeline.
#[derive(Serialize, ToSchema)]
pub struct TrackedEvent {
    at: DateTime<Utc>,
    #[serde(rename = "type")]
    kind: String,
    status: Option<String>,
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    staff_name: Option<String>,
}

/// A submission's status and public timeline, for its resident (who holds
/// the access key).
#[utoipa::path(
    get,
    path = "/submissions/{tracking_code}",
    operation_id = "track_submission",
    tag = "submissions",
    params(
        ("tracking_code" = String, Path, description = "The tracking code, e.g. `2569-000042`", example = "2569-000001"),
        ("X-Access-Key" = Option<String>, Header, description = "The access key given with the receipt"),
    ),
    responses(
        (status = 200, description = "The submission", body = Tracked),
        (status = 400, description = "Control characters in the address", body = super::ErrorBody),
        (status = 404, description = "No such submission, or the wrong key", body = super::ErrorBody),
        (status = 429, response = super::RateLimited),
        (status = 503, response = super::Unavailable),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    ServedAgency(agency): ServedAgency,
    ClientIp(client): ClientIp,
    Path(tracking_code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Tracked>, AppError> {
    if !state.limits.tracking.allow(&client).await {
        return Err(AppError::RateLimited);
    }
    let key = headers.get("x-access-key").and_then(|v| v.to_str().ok()).unwrap_or("");
    let show_staff_names = agency.show_staff_names;
    let found = track(&state.db, agency.id, &tracking_code, key, show_staff_names).await?.ok_or(AppError::NotFound)?;
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
