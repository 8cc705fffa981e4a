//! The yearly improvement plan: measures per indicator, their dated
//! progress notes, and the submissions and activities that are evidence.

use chrono::{DateTime, NaiveDate, Utc};
use entity::measure::{self, Progress};
use entity::{activity, measure_activity, measure_note, measure_submission};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use validator::Validate;

use super::{optional, submissions_exist, INDICATORS};
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::validation::{plain_text, single_line, FieldErrors};
use crate::domain::write;

#[derive(Debug, Clone, Validate)]
pub struct MeasureInput {
    pub fiscal_year: i32,
    pub indicator: i16,
    pub position: i32,
    #[validate(length(min = 1, max = 500, code = "too_long"), custom(function = "single_line"))]
    pub title_th: String,
    #[validate(length(max = 500, code = "too_long"))]
    pub title_en: Option<String>,
    #[validate(length(min = 1, max = 5000, code = "too_long"), custom(function = "plain_text"))]
    pub steps: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// `None`: all divisions.
    pub department_id: Option<i64>,
}

/// The plan of a fiscal year: its measures by indicator and position, as
/// both the staff screen and the public page list them.
pub(super) async fn measures_of_year(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
) -> Result<Vec<measure::Model>, DbErr> {
    measure::Entity::find()
        .filter(measure::Column::AgencyId.eq(agency_id))
        .filter(measure::Column::FiscalYear.eq(fiscal_year))
        .order_by_asc(measure::Column::Indicator)
        .order_by_asc(measure::Column::Position)
        .all(db)
        .await
}

/// Evidence for a measure: a submission or an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    Submission(i64),
    Activity(i64),
}

/// Creates (`id: None`) or changes a measure. The plan is the agency's, so
/// only admins write it; departments report progress with notes.
pub async fn save_measure(
    db: &DatabaseConnection,
    staff: &Staff,
    agency_id: i64,
    id: Option<i64>,
    input: MeasureInput,
    now: DateTime<Utc>,
) -> Result<i64, DomainError> {
    if !permissions::can_administer(staff) {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    if let Err(found) = input.validate() {
        errors.absorb(found);
    }
    if !INDICATORS.contains(&input.indicator) {
        errors.add("indicator", "indicator_range");
    }
    if input.period_end < input.period_start {
        errors.add("period_end", "period_order");
    }
    errors.into_result().map_err(DomainError::Invalid)?;

    let txn = write::begin(db, agency_id).await?;
    let mut row = match id {
        Some(id) => measure::ActiveModel::from(
            measure::Entity::find_by_id(id)
                .filter(measure::Column::AgencyId.eq(agency_id))
                .one(&txn)
                .await?
                .ok_or(DomainError::NotFound)?,
        ),
        None => {
            measure::ActiveModel { agency_id: Set(agency_id), progress: Set(Progress::Planned), ..Default::default() }
        }
    };
    row.fiscal_year = Set(input.fiscal_year);
    row.indicator = Set(input.indicator);
    row.position = Set(input.position);
    row.title_th = Set(input.title_th.trim().to_owned());
    row.title_en = Set(optional(&input.title_en));
    row.steps = Set(input.steps.trim().to_owned());
    row.period_start = Set(input.period_start);
    row.period_end = Set(input.period_end);
    row.department_id = Set(input.department_id);
    row.updated_at = Set(now);
    let measure_id = if id.is_some() { row.update(&txn).await?.id } else { row.insert(&txn).await?.id };
    audit::record(&txn, staff, Entry::new(Action::MeasureSaved).on("measure", measure_id), now).await?;
    txn.commit().await?;
    Ok(measure_id)
}

async fn measure_for_progress(
    db: &impl ConnectionTrait,
    staff: &Staff,
    measure_id: i64,
) -> Result<measure::Model, DomainError> {
    let found = measure::Entity::find_by_id(measure_id)
        .filter(measure::Column::AgencyId.eq(staff.agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !permissions::can_note_measure_progress(staff, found.department_id) {
        return Err(DomainError::Forbidden);
    }
    Ok(found)
}

/// Adds a dated progress note and moves the measure to the progress it reports.
pub async fn note_progress(
    db: &DatabaseConnection,
    staff: &Staff,
    measure_id: i64,
    noted_on: NaiveDate,
    progress: Progress,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let note = note.trim();
    let mut errors = FieldErrors::default();
    if note.is_empty() {
        errors.add("note", "required");
    } else if note.chars().count() > 2000 {
        errors.add("note", "too_long");
    }
    errors.into_result().map_err(DomainError::Invalid)?;

    let txn = write::begin(db, staff.agency_id).await?;
    let found = measure_for_progress(&txn, staff, measure_id).await?;
    measure_note::ActiveModel {
        measure_id: Set(found.id),
        noted_on: Set(noted_on),
        progress: Set(progress),
        note: Set(note.to_owned()),
        author_id: Set(staff.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut row = measure::ActiveModel::from(found);
    row.progress = Set(progress);
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    audit::record(
        &txn,
        staff,
        Entry::new(Action::MeasureProgress).on("measure", saved.id).detail(sea_orm::ActiveEnum::to_value(&progress)),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Links a submission or activity to a measure as its evidence (once).
pub async fn link_evidence(
    db: &DatabaseConnection,
    staff: &Staff,
    measure_id: i64,
    evidence: Evidence,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let txn = write::begin(db, staff.agency_id).await?;
    let found = measure_for_progress(&txn, staff, measure_id).await?;
    let known = match evidence {
        Evidence::Submission(id) => submissions_exist(&txn, found.agency_id, &[id]).await?,
        Evidence::Activity(id) => activity::Entity::find_by_id(id)
            .filter(activity::Column::AgencyId.eq(found.agency_id))
            .one(&txn)
            .await?
            .is_some(),
    };
    if !known {
        return Err(DomainError::invalid("evidence", "unknown_item"));
    }
    let detail = match evidence {
        Evidence::Submission(submission_id) => {
            measure_submission::Entity::insert(measure_submission::ActiveModel {
                measure_id: Set(found.id),
                submission_id: Set(submission_id),
            })
            .on_conflict(
                OnConflict::columns([measure_submission::Column::MeasureId, measure_submission::Column::SubmissionId])
                    .do_nothing()
                    .to_owned(),
            )
            .do_nothing()
            .exec(&txn)
            .await?;
            format!("submission {submission_id}")
        }
        Evidence::Activity(activity_id) => {
            measure_activity::Entity::insert(measure_activity::ActiveModel {
                measure_id: Set(found.id),
                activity_id: Set(activity_id),
            })
            .on_conflict(
                OnConflict::columns([measure_activity::Column::MeasureId, measure_activity::Column::ActivityId])
                    .do_nothing()
                    .to_owned(),
            )
            .do_nothing()
            .exec(&txn)
            .await?;
            format!("activity {activity_id}")
        }
    };
    audit::record(&txn, staff, Entry::new(Action::MeasureSaved).on("measure", found.id).detail(detail), now).await?;
    txn.commit().await?;
    Ok(())
}
