//! Participation activities (กิจกรรมการมีส่วนร่วม): hearings, community
//! projects, surveys and meetings, as staff record them.

use chrono::{DateTime, Utc};
use entity::activity::{self, ActivityKind};
use entity::{activity_indicator, activity_submission};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use validator::Validate;

use super::{check_indicators, optional, submissions_exist};
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::calendar::{fiscal_year, local_date};
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::validation::{plain_text, single_line, FieldErrors};
use crate::domain::write;

#[derive(Debug, Clone, Validate)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    #[validate(length(min = 1, max = 300, code = "too_long"), custom(function = "single_line"))]
    pub title_th: String,
    #[validate(length(max = 300, code = "too_long"))]
    pub title_en: Option<String>,
    pub held_at: DateTime<Utc>,
    #[validate(length(min = 1, max = 300, code = "too_long"), custom(function = "single_line"))]
    pub place: String,
    #[validate(range(min = 0, max = 1_000_000, code = "out_of_range"))]
    pub participants: i32,
    #[validate(length(min = 1, max = 5000, code = "too_long"), custom(function = "plain_text"))]
    pub description: String,
    #[validate(length(max = 5000, code = "too_long"))]
    pub outcome: Option<String>,
    pub department_id: Option<i64>,
    pub indicators: Vec<i16>,
    /// Submissions that led to the activity.
    pub submission_ids: Vec<i64>,
    pub published: bool,
}

/// Creates (`id: None`) or replaces an activity with its links.
pub async fn save_activity(
    db: &DatabaseConnection,
    staff: &Staff,
    agency_id: i64,
    id: Option<i64>,
    input: ActivityInput,
    now: DateTime<Utc>,
) -> Result<i64, DomainError> {
    if !permissions::can_manage_activity(staff, input.department_id) {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    if let Err(found) = input.validate() {
        errors.absorb(found);
    }
    check_indicators(&input.indicators, &mut errors);
    let mut submissions = input.submission_ids.clone();
    submissions.sort_unstable();
    submissions.dedup();

    let txn = write::begin(db, agency_id).await?;
    if !submissions_exist(&txn, agency_id, &submissions).await? {
        errors.add("submission_ids", "unknown_item");
    }
    errors.into_result().map_err(DomainError::Invalid)?;
    let mut row = match id {
        Some(id) => {
            let found = activity::Entity::find_by_id(id)
                .filter(activity::Column::AgencyId.eq(agency_id))
                .one(&txn)
                .await?
                .ok_or(DomainError::NotFound)?;
            // Moving an activity needs the right over where it was, too.
            if !permissions::can_manage_activity(staff, found.department_id) {
                return Err(DomainError::Forbidden);
            }
            activity::ActiveModel::from(found)
        }
        None => activity::ActiveModel { agency_id: Set(agency_id), ..Default::default() },
    };
    row.kind = Set(input.kind);
    row.title_th = Set(input.title_th.trim().to_owned());
    row.title_en = Set(optional(&input.title_en));
    row.held_at = Set(input.held_at);
    row.fiscal_year = Set(fiscal_year(local_date(input.held_at)));
    row.place = Set(input.place.trim().to_owned());
    row.participants = Set(input.participants);
    row.description = Set(input.description.trim().to_owned());
    row.outcome = Set(optional(&input.outcome));
    row.department_id = Set(input.department_id);
    row.published = Set(input.published);
    row.updated_at = Set(now);
    let activity_id = if id.is_some() { row.update(&txn).await?.id } else { row.insert(&txn).await?.id };

    activity_indicator::Entity::delete_many()
        .filter(activity_indicator::Column::ActivityId.eq(activity_id))
        .exec(&txn)
        .await?;
    let mut indicators = input.indicators.clone();
    indicators.sort_unstable();
    indicators.dedup();
    if !indicators.is_empty() {
        activity_indicator::Entity::insert_many(
            indicators
                .iter()
                .map(|i| activity_indicator::ActiveModel { activity_id: Set(activity_id), indicator: Set(*i) }),
        )
        .exec(&txn)
        .await?;
    }
    activity_submission::Entity::delete_many()
        .filter(activity_submission::Column::ActivityId.eq(activity_id))
        .exec(&txn)
        .await?;
    if !submissions.is_empty() {
        activity_submission::Entity::insert_many(
            submissions
                .iter()
                .map(|s| activity_submission::ActiveModel { activity_id: Set(activity_id), submission_id: Set(*s) }),
        )
        .exec(&txn)
        .await?;
    }
    let state = if input.published { "published" } else { "draft" };
    audit::record(&txn, staff, Entry::new(Action::ActivitySaved).on("activity", activity_id).detail(state), now)
        .await?;
    txn.commit().await?;
    Ok(activity_id)
}
