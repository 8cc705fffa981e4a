//! The yearly improvement plan: measures per indicator, their dated
//! progress notes, and the submissions and activities that are evidence.

use chrono::{DateTime, NaiveDate, Utc};
use entity::measure::{self, Progress};
use entity::{activity, measure_activity, measure_note, measure_submission, plan_analysis};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use validator::Validate;

use super::{optional, submissions_exist};
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::validation::{plain_text, single_line, FieldErrors};
use crate::domain::write;
use crate::domain::PLAN_INDICATORS;

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
    if !PLAN_INDICATORS.contains(&input.indicator) {
        errors.add("indicator", "plan_indicator_range");
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

// ----- the analysis of each indicator's result -----

/// A save of one indicator's analysis: the score as typed (`97.58`, or
/// blank), the text, and the version the form showed.
#[derive(Debug, Clone, Default)]
pub struct AnalysisInput {
    pub indicator: i16,
    pub score: String,
    pub analysis: String,
    pub seen: Option<i32>,
}

/// The analyses of a plan's year, by indicator.
pub async fn analyses(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
) -> Result<Vec<plan_analysis::Model>, DbErr> {
    plan_analysis::Entity::find()
        .filter(plan_analysis::Column::AgencyId.eq(agency_id))
        .filter(plan_analysis::Column::FiscalYear.eq(fiscal_year))
        .order_by_asc(plan_analysis::Column::Indicator)
        .all(db)
        .await
}

/// A score in hundredths as written: `97.58`, `90.00`.
pub fn score_text(hundredths: i32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// A score 0–100 with at most two decimals, in hundredths.
fn hundredths(score: &str) -> Option<i32> {
    let (whole, fraction) = score.split_once('.').unwrap_or((score, ""));
    if whole.is_empty() || fraction.len() > 2 || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = whole.parse::<i32>().ok()?.checked_mul(100)? + format!("{fraction:0<2}").parse::<i32>().ok()?;
    (0..=10_000).contains(&value).then_some(value)
}

/// Saves one indicator's analysis of the year's plan (admins, who write
/// the plan). Saving what is stored is a no-op; a form shown before
/// someone else's save is refused as a conflict.
pub async fn save_analysis(
    db: &DatabaseConnection,
    staff: &Staff,
    agency_id: i64,
    fiscal_year: i32,
    input: AnalysisInput,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !permissions::can_administer(staff) {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    if !PLAN_INDICATORS.contains(&input.indicator) {
        errors.add("indicator", "plan_indicator_range");
    }
    let score = input.score.trim();
    let score = if score.is_empty() { None } else { hundredths(score) };
    if score.is_none() && !input.score.trim().is_empty() {
        errors.add("score", "score_format");
    }
    let analysis = input.analysis.trim();
    if analysis.is_empty() {
        errors.add("analysis", "required");
    } else if analysis.chars().count() > 10_000 {
        errors.add("analysis", "too_long");
    } else if plain_text(analysis).is_err() {
        errors.add("analysis", "control_characters");
    }
    errors.into_result().map_err(DomainError::Invalid)?;

    let txn = write::begin(db, agency_id).await?;
    let current = plan_analysis::Entity::find_by_id((agency_id, fiscal_year, input.indicator)).one(&txn).await?;
    if input.seen != current.as_ref().map(|c| c.version) {
        return Err(DomainError::Conflict);
    }
    if current.as_ref().is_some_and(|c| c.score_hundredths == score && c.analysis == analysis) {
        return Ok(());
    }
    let row = plan_analysis::ActiveModel {
        agency_id: Set(agency_id),
        fiscal_year: Set(fiscal_year),
        indicator: Set(input.indicator),
        score_hundredths: Set(score),
        analysis: Set(analysis.to_owned()),
        version: Set(current.as_ref().map_or(1, |c| c.version + 1)),
        updated_at: Set(now),
    };
    if current.is_some() {
        plan_analysis::Entity::update(row).exec(&txn).await?;
    } else {
        plan_analysis::Entity::insert(row).exec(&txn).await?;
    }
    let detail = format!("{fiscal_year} indicator {}", input.indicator);
    audit::record(&txn, staff, Entry::new(Action::PlanAnalysisSaved).detail(detail), now).await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::hundredths;

    #[test]
    fn scores_are_read_and_written_to_the_hundredth() {
        assert_eq!(super::score_text(9758), "97.58");
        assert_eq!(super::score_text(9000), "90.00");
        assert_eq!(hundredths("97.58"), Some(9758));
        assert_eq!(hundredths("90"), Some(9000));
        assert_eq!(hundredths("96.7"), Some(9670));
        assert_eq!(hundredths("100.00"), Some(10_000));
        for bad in ["100.01", "97.582", "-1", "abc", ".5", "9 7", ""] {
            assert_eq!(hundredths(bad), None, "{bad}");
        }
    }
}
