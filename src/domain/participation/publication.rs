//! Publishing a submission to the public log with a staff-written summary,
//! and withdrawing it.

use chrono::{DateTime, Utc};
use entity::enums::EventKind;
use entity::{publication, submission, submission_event};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use validator::Validate;

use super::optional;
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::photos;
use crate::domain::validation::{plain_text, FieldErrors};
use crate::domain::write;

/// What staff write for the public. The resident's own text is never
/// copied here by the portal; staff summarise it in their own words.
#[derive(Debug, Clone, Default, Validate)]
pub struct PublishInput {
    #[validate(length(min = 1, max = 2000, code = "too_long"), custom(function = "plain_text"))]
    pub summary_th: String,
    #[validate(length(max = 2000, code = "too_long"))]
    pub summary_en: Option<String>,
    /// The outcome: what the agency did (the public reply in summary).
    #[validate(length(max = 4000, code = "too_long"))]
    pub outcome_th: Option<String>,
    #[validate(length(max = 4000, code = "too_long"))]
    pub outcome_en: Option<String>,
    /// The ids of the resident's photos to show with it; the others are
    /// (or become) private.
    pub photos: Vec<i64>,
}

impl PublishInput {
    fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.summary_th.trim().is_empty() {
            errors.add("summary_th", "required");
        } else if let Err(found) = self.validate() {
            errors.absorb(found);
        }
        errors.into_result()
    }
}

async fn allowed_submission(
    db: &impl ConnectionTrait,
    staff: &Staff,
    submission_id: i64,
) -> Result<submission::Model, DomainError> {
    let item = submission::Entity::find_by_id(submission_id)
        .filter(submission::Column::AgencyId.eq(staff.agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !permissions::can_publish(staff, &item) {
        return Err(DomainError::Forbidden);
    }
    Ok(item)
}

/// Publishes a submission to the log, or republishes it with a new text,
/// with the photos chosen (the same transaction makes the others private).
/// Publishing what is already published with the same text and photos
/// changes nothing.
pub async fn publish(
    db: &DatabaseConnection,
    staff: &Staff,
    submission_id: i64,
    input: PublishInput,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    input.check().map_err(DomainError::Invalid)?;
    let text = (
        input.summary_th.trim().to_owned(),
        optional(&input.summary_en),
        optional(&input.outcome_th),
        optional(&input.outcome_en),
    );

    let txn = write::begin(db, staff.agency_id).await?;
    let item = allowed_submission(&txn, staff, submission_id).await?;
    let photos_before = photos::published_ids(&txn, item.agency_id, item.id).await?;
    photos::choose_published(&txn, &item, &input.photos).await?;
    let photos_after = photos::published_ids(&txn, item.agency_id, item.id).await?;
    let existing = publication::Entity::find().filter(publication::Column::SubmissionId.eq(item.id)).one(&txn).await?;
    let unchanged = photos_before == photos_after
        && existing.as_ref().is_some_and(|live| {
            live.withdrawn_at.is_none()
                && (live.summary_th.clone(), live.summary_en.clone(), live.outcome_th.clone(), live.outcome_en.clone())
                    == text
        });
    if unchanged {
        return Ok(());
    }
    let is_new = existing.is_none();
    let mut row = match existing {
        Some(found) => publication::ActiveModel::from(found),
        None => publication::ActiveModel { submission_id: Set(item.id), ..Default::default() },
    };
    let (summary_th, summary_en, outcome_th, outcome_en) = text;
    row.summary_th = Set(summary_th);
    row.summary_en = Set(summary_en);
    row.outcome_th = Set(outcome_th);
    row.outcome_en = Set(outcome_en);
    row.published_at = Set(now);
    row.published_by = Set(staff.id);
    row.withdrawn_at = Set(None);
    if is_new {
        row.insert(&txn).await?;
    } else {
        row.update(&txn).await?;
    }
    record_event(&txn, staff, &item, EventKind::Published, now).await?;
    let detail = match photos_after.len() {
        0 => item.tracking_code.clone(),
        n => format!("{} ({n} photo{})", item.tracking_code, if n == 1 { "" } else { "s" }),
    };
    audit::record(&txn, staff, Entry::new(Action::Published).on("submission", item.id).detail(detail), now).await?;
    txn.commit().await?;
    Ok(())
}

/// Takes a submission off every public page. The publication row stays,
/// marked withdrawn, beside the event and the audit entry. Withdrawing what
/// is not published changes nothing.
pub async fn unpublish(
    db: &DatabaseConnection,
    staff: &Staff,
    submission_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let txn = write::begin(db, staff.agency_id).await?;
    let item = allowed_submission(&txn, staff, submission_id).await?;
    let Some(live) = publication::Entity::find()
        .filter(publication::Column::SubmissionId.eq(item.id))
        .filter(publication::Column::WithdrawnAt.is_null())
        .one(&txn)
        .await?
    else {
        return Ok(());
    };
    let mut row = publication::ActiveModel::from(live);
    row.withdrawn_at = Set(Some(now));
    row.update(&txn).await?;
    record_event(&txn, staff, &item, EventKind::Unpublished, now).await?;
    audit::record(
        &txn,
        staff,
        Entry::new(Action::Unpublished).on("submission", item.id).detail(&item.tracking_code),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The timeline entry; staff-side only, the resident's tracking page is
/// about their case, not about the log.
async fn record_event(
    db: &impl ConnectionTrait,
    staff: &Staff,
    item: &submission::Model,
    kind: EventKind,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    submission_event::ActiveModel {
        submission_id: Set(item.id),
        at: Set(now),
        kind: Set(kind),
        public: Set(false),
        status: Set(None),
        message: Set(None),
        actor_id: Set(Some(staff.id)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
