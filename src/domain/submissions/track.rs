//! A resident following their submission with its tracking code and key.

use chrono::{DateTime, Utc};
use entity::enums::{EventKind, Kind, Status};
use serde::Serialize;
use std::collections::HashMap;

use entity::{staff_user, submission, submission_event};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::access::{hash_access_key, normalize_tracking_code};
use super::verdict::{resident_view, ResidentView};
use crate::domain::privacy::resident::{personal_data, PersonalData};

/// What the resident may see of their submission: no contact data, no
/// internal notes, no staff names.
#[derive(Debug, Clone)]
pub struct TrackedSubmission {
    pub tracking_code: String,
    pub kind: Kind,
    pub status: Status,
    pub subject: String,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub events: Vec<TrackedEvent>,
    /// Whether contact data is held or was erased, and any open request to erase it.
    pub personal_data: PersonalData,
    /// The outcome, and what the resident may say or do about it.
    pub closing: ResidentView,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrackedEvent {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub status: Option<Status>,
    pub message: Option<String>,
    /// The answering staff member's name, only where the agency chose to show it.
    pub staff_name: Option<String>,
}

/// The submission if `key` opens it. An unknown code and a wrong key give
/// the same `None` after the same work: one look-up of code and key hash
/// together in their index, which misses either way without reading a row,
/// so codes cannot be probed by timing. The code may be typed with any
/// separators, or none. Staff names are included only when the agency chose
/// `show_staff_names`.
pub async fn track(
    db: &impl ConnectionTrait,
    agency_id: i64,
    code: &str,
    key: &str,
    show_staff_names: bool,
) -> Result<Option<TrackedSubmission>, DbErr> {
    let presented = hash_access_key(key);
    let opened: Option<i64> = submission::Entity::find()
        .select_only()
        .column(submission::Column::Id)
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::TrackingCode.eq(normalize_tracking_code(code).unwrap_or_default()))
        .filter(submission::Column::AccessKeyHash.eq(presented))
        .into_tuple()
        .one(db)
        .await?;
    let Some(id) = opened else {
        return Ok(None);
    };
    let Some(found) = submission::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    tracked(db, found, show_staff_names, Utc::now()).await.map(Some)
}

/// The tracking page of `found`, a submission whose key was proved (by the
/// key itself, or the tracking page's pass).
pub async fn tracked(
    db: &impl ConnectionTrait,
    found: submission::Model,
    show_staff_names: bool,
    now: DateTime<Utc>,
) -> Result<TrackedSubmission, DbErr> {
    Ok(TrackedSubmission {
        events: public_events(db, found.id, show_staff_names).await?,
        personal_data: personal_data(db, found.id).await?,
        closing: resident_view(db, &found, now).await?,
        tracking_code: found.tracking_code,
        kind: found.kind,
        status: found.status,
        subject: found.subject,
        received_at: found.received_at,
        due_at: found.due_at,
    })
}

/// The public part of a submission's timeline, oldest first.
pub async fn public_events(
    db: &impl ConnectionTrait,
    submission_id: i64,
    show_staff_names: bool,
) -> Result<Vec<TrackedEvent>, DbErr> {
    let events = submission_event::Entity::find()
        .filter(submission_event::Column::SubmissionId.eq(submission_id))
        .filter(submission_event::Column::Public.eq(true))
        .order_by_asc(submission_event::Column::Id)
        .all(db)
        .await?;
    let names: HashMap<i64, String> = if show_staff_names {
        let ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
        staff_user::Entity::find()
            .filter(staff_user::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    } else {
        HashMap::new()
    };
    Ok(events
        .into_iter()
        .map(|e| TrackedEvent {
            at: e.at,
            kind: e.kind,
            status: e.status,
            message: e.message,
            staff_name: e.actor_id.and_then(|id| names.get(&id).cloned()),
        })
        .collect())
}
