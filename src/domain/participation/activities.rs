//! Participation activities (กิจกรรมการมีส่วนร่วม): hearings, community
//! projects, surveys and meetings, as staff record them.

use chrono::{DateTime, Utc};
use entity::activity::{self, ActivityKind};
use entity::{activity_file, activity_indicator, activity_submission, stored_file};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use validator::Validate;

use super::{check_indicators, optional, submissions_exist};
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::calendar::{fiscal_year, local_date};
use crate::domain::error::DomainError;
use crate::domain::files;
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
    /// The results.
    #[validate(length(max = 5000, code = "too_long"))]
    pub outcome: Option<String>,
    /// Who took part: the groups, not only the head count.
    #[validate(length(max = 2000, code = "too_long"))]
    pub participant_groups: Option<String>,
    /// How the public took part.
    #[validate(length(max = 2000, code = "too_long"))]
    pub method: Option<String>,
    /// How the results were used.
    #[validate(length(max = 5000, code = "too_long"))]
    pub results_used: Option<String>,
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
    row.participant_groups = Set(optional(&input.participant_groups));
    row.method = Set(optional(&input.method));
    row.results_used = Set(optional(&input.results_used));
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

// ----- evidence files -----

/// The activity `id` of the agency, for a staff member who may manage it,
/// read inside the write.
async fn managed_activity(
    db: &impl sea_orm::ConnectionTrait,
    staff: &Staff,
    agency_id: i64,
    id: i64,
) -> Result<activity::Model, DomainError> {
    let found = activity::Entity::find_by_id(id)
        .filter(activity::Column::AgencyId.eq(agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !permissions::can_manage_activity(staff, found.department_id) {
        return Err(DomainError::Forbidden);
    }
    Ok(found)
}

/// Attaches a file to an activity as evidence (a photo of the hearing, the
/// signed attendance list, the report). The file is checked before anything
/// is written; its bytes are kept, then its row, the link and the audit
/// entry are written in one transaction. Attaching the same content again is
/// a no-op (one audit entry says so).
pub async fn attach_evidence(
    db: &DatabaseConnection,
    store: &dyn files::FileStore,
    staff: &Staff,
    agency_id: i64,
    activity_id: i64,
    upload: files::Upload,
    now: DateTime<Utc>,
) -> Result<stored_file::Model, DomainError> {
    if !permissions::can_manage_any_activity(staff) {
        return Err(DomainError::Forbidden);
    }
    // Refuse an activity one may not touch before looking at the file.
    managed_activity(db, staff, agency_id, activity_id).await?;
    let checked = files::check("file", upload)?;
    files::keep(store, &checked).await?;
    let txn = write::begin(db, agency_id).await?;
    managed_activity(&txn, staff, agency_id, activity_id).await?;
    let file = files::record(&txn, agency_id, &checked, now).await?;
    activity_file::Entity::insert(activity_file::ActiveModel {
        activity_id: Set(activity_id),
        file_id: Set(file.id),
        added_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([activity_file::Column::ActivityId, activity_file::Column::FileId]).do_nothing().to_owned(),
    )
    .do_nothing()
    .exec(&txn)
    .await?;
    let detail = format!("{} {} ({})", file.id, file.original_name, file.media_type);
    audit::record(&txn, staff, Entry::new(Action::EvidenceAdded).on("activity", activity_id).detail(detail), now)
        .await?;
    txn.commit().await?;
    Ok(file)
}

/// Takes a file off an activity's evidence. The bytes stay in the store
/// (another owner may share them); the activity no longer shows or serves
/// them. Removing a file that is not attached is `NotFound`.
pub async fn detach_evidence(
    db: &DatabaseConnection,
    staff: &Staff,
    agency_id: i64,
    activity_id: i64,
    file_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !permissions::can_manage_any_activity(staff) {
        return Err(DomainError::Forbidden);
    }
    let txn = write::begin(db, agency_id).await?;
    managed_activity(&txn, staff, agency_id, activity_id).await?;
    let removed = activity_file::Entity::delete_many()
        .filter(activity_file::Column::ActivityId.eq(activity_id))
        .filter(activity_file::Column::FileId.eq(file_id))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    audit::record(
        &txn,
        staff,
        Entry::new(Action::EvidenceRemoved).on("activity", activity_id).detail(file_id.to_string()),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The files attached to an activity, oldest first (no permission check:
/// callers have read the activity through one).
pub async fn evidence_files(
    db: &impl sea_orm::ConnectionTrait,
    agency_id: i64,
    activity_id: i64,
) -> Result<Vec<stored_file::Model>, DbErr> {
    let links = activity_file::Entity::find()
        .filter(activity_file::Column::ActivityId.eq(activity_id))
        .order_by_asc(activity_file::Column::AddedAt)
        .order_by_asc(activity_file::Column::FileId)
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = stored_file::Entity::find()
        .filter(stored_file::Column::AgencyId.eq(agency_id))
        .filter(stored_file::Column::Id.is_in(links.iter().map(|l| l.file_id)))
        .all(db)
        .await?;
    found.sort_by_key(|f| links.iter().position(|l| l.file_id == f.id));
    Ok(found)
}

/// Who asks for an activity's file.
pub enum Reader<'a> {
    /// Anyone: only a published activity's files.
    Public,
    /// Staff: drafts too, as far as they may read the activity.
    Staff(&'a Staff),
}

/// A file of an activity with its bytes, if `reader` may see it; `NotFound`
/// otherwise (a draft's files do not exist for the public).
pub async fn evidence_file(
    db: &DatabaseConnection,
    store: &dyn files::FileStore,
    reader: Reader<'_>,
    agency_id: i64,
    activity_id: i64,
    file_id: i64,
) -> Result<files::Served, DomainError> {
    let found = activity::Entity::find_by_id(activity_id)
        .filter(activity::Column::AgencyId.eq(agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let allowed = match reader {
        Reader::Public => found.published,
        Reader::Staff(staff) => permissions::can_read_activity(staff, found.department_id, found.published),
    };
    if !allowed {
        return Err(DomainError::NotFound);
    }
    let linked = activity_file::Entity::find_by_id((activity_id, file_id)).one(db).await?.is_some();
    let file = stored_file::Entity::find_by_id(file_id)
        .filter(stored_file::Column::AgencyId.eq(agency_id))
        .one(db)
        .await?
        .filter(|_| linked)
        .ok_or(DomainError::NotFound)?;
    files::read(store, file).await
}
