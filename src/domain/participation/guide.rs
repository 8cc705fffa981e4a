//! The agency's guide to handling corruption and misconduct complaints
//! (`/manual`, ITA item O16 in 2569): the four elements the assessment asks
//! for (how an outsider complains, the steps of handling, the responsible
//! unit, the time frames), where complaints against the executive go, and
//! who issued it and when. Admins edit it; a section they never wrote is
//! the default text, written from the agency's settings when shown.

use chrono::{DateTime, NaiveDate, Utc};
use entity::complaint_guide;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait};

use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::validation::{plain_text, single_line, FieldErrors};
use crate::domain::write;

/// The guide's sections, in the order the page shows them; each is a form
/// field and the key of its default text (`guide.default.<section>`).
pub const SECTIONS: [&str; 5] =
    ["how_to_complain", "handling_steps", "responsible_unit", "time_frames", "executive_complaints"];

const MAX_SECTION: usize = 10_000;
const MAX_LINE: usize = 200;

/// The guide as stored: each section's own text (`None`: the default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guide {
    pub sections: [Option<String>; 5],
    pub issuer_name: String,
    pub issuer_position: String,
    pub issued_on: Option<NaiveDate>,
    /// `None`: never saved.
    pub version: Option<i32>,
}

/// A save of the guide: sections (`None` or blank: the default), the
/// issuer, and the version the form showed.
#[derive(Debug, Clone, Default)]
pub struct GuideInput {
    pub sections: [Option<String>; 5],
    pub issuer_name: String,
    pub issuer_position: String,
    pub issued_on: Option<NaiveDate>,
    pub seen: Option<i32>,
}

impl From<complaint_guide::Model> for Guide {
    fn from(row: complaint_guide::Model) -> Self {
        Guide {
            sections: [
                row.how_to_complain,
                row.handling_steps,
                row.responsible_unit,
                row.time_frames,
                row.executive_complaints,
            ],
            issuer_name: row.issuer_name,
            issuer_position: row.issuer_position,
            issued_on: row.issued_on,
            version: Some(row.version),
        }
    }
}

/// The agency's guide; all defaults when never saved.
pub async fn guide(db: &impl ConnectionTrait, agency_id: i64) -> Result<Guide, DbErr> {
    Ok(complaint_guide::Entity::find_by_id(agency_id).one(db).await?.map(Guide::from).unwrap_or_default())
}

/// Saves the guide (admins only). Saving what is stored is a no-op; a form
/// shown before someone else's save is refused as a conflict.
pub async fn save_guide(
    db: &DatabaseConnection,
    staff: &Staff,
    agency_id: i64,
    input: GuideInput,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !permissions::can_administer(staff) {
        return Err(DomainError::Forbidden);
    }
    let sections = input.sections.map(|s| s.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()));
    let (issuer_name, issuer_position) = (input.issuer_name.trim().to_owned(), input.issuer_position.trim().to_owned());
    let mut errors = FieldErrors::default();
    for (field, text) in SECTIONS.iter().zip(&sections) {
        if let Some(text) = text {
            if text.chars().count() > MAX_SECTION {
                errors.add(*field, "message_too_long");
            } else if plain_text(text).is_err() {
                errors.add(*field, "control_characters");
            }
        }
    }
    for (field, text) in [("issuer_name", &issuer_name), ("issuer_position", &issuer_position)] {
        if text.chars().count() > MAX_LINE {
            errors.add(field, "message_too_long");
        } else if single_line(text).is_err() {
            errors.add(field, "control_characters");
        }
    }
    // An issued guide names who issued it and when; a draft names neither.
    if input.issued_on.is_some() == issuer_name.is_empty() {
        errors.add(if issuer_name.is_empty() { "issuer_name" } else { "issued_on" }, "issuer_with_date");
    }
    errors.into_result().map_err(DomainError::Invalid)?;

    let txn = write::begin(db, agency_id).await?;
    let current = guide(&txn, agency_id).await?;
    if input.seen != current.version {
        return Err(DomainError::Conflict);
    }
    let wanted = Guide { sections, issuer_name, issuer_position, issued_on: input.issued_on, version: current.version };
    if wanted == current {
        return Ok(());
    }
    let [how_to_complain, handling_steps, responsible_unit, time_frames, executive_complaints] = wanted.sections;
    let row = complaint_guide::ActiveModel {
        agency_id: Set(agency_id),
        how_to_complain: Set(how_to_complain),
        handling_steps: Set(handling_steps),
        responsible_unit: Set(responsible_unit),
        time_frames: Set(time_frames),
        executive_complaints: Set(executive_complaints),
        issuer_name: Set(wanted.issuer_name),
        issuer_position: Set(wanted.issuer_position),
        issued_on: Set(wanted.issued_on),
        version: Set(current.version.map_or(1, |v| v + 1)),
        updated_at: Set(now),
    };
    if current.version.is_some() {
        complaint_guide::Entity::update(row).exec(&txn).await?;
    } else {
        complaint_guide::Entity::insert(row).exec(&txn).await?;
    }
    audit::record(&txn, staff, Entry::new(Action::GuideSaved).on("agency", agency_id), now).await?;
    txn.commit().await?;
    Ok(())
}
