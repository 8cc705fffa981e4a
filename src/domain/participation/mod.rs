//! Participation: what staff make public (publications of submissions,
//! activities, the plan's measures, the ITA evidence index) and the public
//! read side, which hands out public view types only (DESIGN.md rule 1).
//!
//! Writes take the acting [`Staff`](super::actor::Staff), check the
//! permissions module, and write the change, its submission event (where
//! there is one) and its audit row in one transaction.

pub mod activities;
pub mod guide;
pub mod ita;
pub mod plan;
pub mod public;
pub mod publication;
pub mod workspace;

use entity::submission;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use super::validation::FieldErrors;

use super::INDICATORS;

/// Checks a list of indicators: each within 6–10.
fn check_indicators(indicators: &[i16], errors: &mut FieldErrors) {
    if indicators.iter().any(|i| !INDICATORS.contains(i)) {
        errors.add("indicators", "indicator_range");
    }
}

/// `Some(text)` for non-blank text, trimmed.
fn optional(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// Whether every id names a submission of this agency; links to anything
/// else are refused as a field error rather than failing in the database.
async fn submissions_exist(db: &impl ConnectionTrait, agency_id: i64, ids: &[i64]) -> Result<bool, DbErr> {
    if ids.is_empty() {
        return Ok(true);
    }
    let found = submission::Entity::find()
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::Id.is_in(ids.to_vec()))
        .count(db)
        .await?;
    Ok(found == ids.len() as u64)
}
