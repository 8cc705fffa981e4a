//! What staff see of participation while they manage it: every activity
//! (drafts included), the year's measures with their notes and evidence, and
//! tracking codes turned into the submissions they name.

use std::collections::HashMap;

use entity::{
    activity, activity_indicator, activity_submission, measure, measure_activity, measure_note, measure_submission,
    submission,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::actor::Staff;
use crate::domain::error::DomainError;
use crate::domain::permissions;

/// The agency's activities this staff member may read (published ones, and
/// drafts they may manage), newest first.
pub async fn activities(
    db: &impl ConnectionTrait,
    staff: &Staff,
    agency_id: i64,
) -> Result<Vec<activity::Model>, DbErr> {
    let all = activity::Entity::find()
        .filter(activity::Column::AgencyId.eq(agency_id))
        .order_by_desc(activity::Column::HeldAt)
        .order_by_desc(activity::Column::Id)
        .all(db)
        .await?;
    Ok(readable(staff, all))
}

fn readable(staff: &Staff, activities: Vec<activity::Model>) -> Vec<activity::Model> {
    activities.into_iter().filter(|a| permissions::can_read_activity(staff, a.department_id, a.published)).collect()
}

/// One activity with its indicators and the tracking codes of the
/// submissions that led to it; another department's draft is refused.
pub async fn activity(
    db: &impl ConnectionTrait,
    staff: &Staff,
    agency_id: i64,
    id: i64,
) -> Result<(activity::Model, Vec<i16>, Vec<String>), DomainError> {
    let found = activity::Entity::find_by_id(id)
        .filter(activity::Column::AgencyId.eq(agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !permissions::can_read_activity(staff, found.department_id, found.published) {
        return Err(DomainError::Forbidden);
    }
    let indicators = activity_indicator::Entity::find()
        .filter(activity_indicator::Column::ActivityId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.indicator)
        .collect();
    let submission_ids: Vec<i64> = activity_submission::Entity::find()
        .filter(activity_submission::Column::ActivityId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.submission_id)
        .collect();
    Ok((found, indicators, tracking_codes(db, submission_ids).await?))
}

async fn tracking_codes(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<Vec<String>, DbErr> {
    Ok(submission::Entity::find()
        .filter(submission::Column::Id.is_in(ids))
        .order_by_asc(submission::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.tracking_code)
        .collect())
}

/// The submissions these tracking codes name, in the order given; an unknown
/// code is a field error on `field`.
pub async fn submission_ids(
    db: &impl ConnectionTrait,
    agency_id: i64,
    codes: &[String],
    field: &str,
) -> Result<Vec<i64>, DomainError> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let found: HashMap<String, i64> = submission::Entity::find()
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::TrackingCode.is_in(codes.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.tracking_code, s.id))
        .collect();
    codes
        .iter()
        .map(|code| found.get(code).copied().ok_or_else(|| DomainError::invalid(field, "unknown_tracking_code")))
        .collect()
}

/// A measure as staff manage it.
#[derive(Debug, Clone)]
pub struct MeasureRow {
    pub measure: measure::Model,
    pub notes: Vec<measure_note::Model>,
    pub evidence_codes: Vec<String>,
    pub evidence_activities: Vec<activity::Model>,
}

/// The year's measures, by indicator and position, with notes and evidence
/// (activities only as far as this staff member may read them).
pub async fn measures(
    db: &impl ConnectionTrait,
    staff: &Staff,
    agency_id: i64,
    fiscal_year: i32,
) -> Result<Vec<MeasureRow>, DbErr> {
    let measures = super::plan::measures_of_year(db, agency_id, fiscal_year).await?;
    let mut rows = Vec::with_capacity(measures.len());
    for found in measures {
        let notes = measure_note::Entity::find()
            .filter(measure_note::Column::MeasureId.eq(found.id))
            .order_by_asc(measure_note::Column::NotedOn)
            .order_by_asc(measure_note::Column::Id)
            .all(db)
            .await?;
        let submission_ids = measure_submission::Entity::find()
            .filter(measure_submission::Column::MeasureId.eq(found.id))
            .all(db)
            .await?
            .into_iter()
            .map(|link| link.submission_id)
            .collect();
        let activity_ids: Vec<i64> = measure_activity::Entity::find()
            .filter(measure_activity::Column::MeasureId.eq(found.id))
            .all(db)
            .await?
            .into_iter()
            .map(|link| link.activity_id)
            .collect();
        let evidence_activities =
            readable(staff, activity::Entity::find().filter(activity::Column::Id.is_in(activity_ids)).all(db).await?);
        rows.push(MeasureRow {
            evidence_codes: tracking_codes(db, submission_ids).await?,
            measure: found,
            notes,
            evidence_activities,
        });
    }
    Ok(rows)
}

pub async fn measure(db: &impl ConnectionTrait, agency_id: i64, id: i64) -> Result<measure::Model, DomainError> {
    measure::Entity::find_by_id(id)
        .filter(measure::Column::AgencyId.eq(agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)
}
