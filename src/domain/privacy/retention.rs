//! How long contact data is kept, and the daily job that erases what is due.
//!
//! Each kind's period counts from the day its submission was closed; open
//! submissions keep their contact data. A corruption reporter's identity
//! has no period: the integrity officer erases it when they decide
//! (`erasure::erase_contact`), and the database refuses a period for it.
//!
//! The job (nightly in `siang serve`, or `siang purge`) and its dry run
//! (`siang purge --dry-run`, the staff privacy page) are one function,
//! [`purge`]. Several instances may run it at once: each erasure deletes the
//! contact row, and only the transaction that actually deleted it writes
//! the timeline event and the audit entry.

use chrono::{DateTime, Duration, Utc};
use entity::enums::{EventKind, Kind};
use entity::{agency, contact, retention_policy, submission};
use sea_orm::sea_query::{Condition, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, Iterable,
    JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};

use super::{close_open_request, delete_contact, record, By, Step, Target};
use crate::domain::actor::Staff;
use crate::domain::audit::Action;
use crate::domain::calendar::bangkok;
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::validation::FieldErrors;
use crate::domain::write;

/// The periods of a fresh install, in days after closing (stated in the
/// README and the privacy notice).
pub const DEFAULT_KEEP_DAYS: [(Kind, i32); 4] =
    [(Kind::ServiceFeedback, 365), (Kind::Complaint, 5 * 365), (Kind::Suggestion, 365), (Kind::Question, 365)];

/// The longest period an admin may set: ten years (the database checks it too).
pub const MAX_KEEP_DAYS: i32 = 3650;

/// One kind's period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub kind: Kind,
    /// `None`: no period; the integrity officer decides case by case.
    pub keep_days: Option<i32>,
}

/// Every kind's period for the agency, in the order of [`Kind`].
pub async fn periods(db: &impl ConnectionTrait, agency_id: i64) -> Result<Vec<Period>, DbErr> {
    let set = retention_policy::Entity::find().filter(retention_policy::Column::AgencyId.eq(agency_id)).all(db).await?;
    Ok(Kind::iter()
        .map(|kind| Period {
            kind,
            keep_days: set
                .iter()
                .find(|row| row.kind == kind)
                .map(|row| row.keep_days)
                .or_else(|| DEFAULT_KEEP_DAYS.iter().find(|(k, _)| *k == kind).map(|(_, days)| *days)),
        })
        .collect())
}

/// Sets the periods of the kinds given (an admin's decision), in days.
pub async fn save_periods(
    db: &DatabaseConnection,
    actor: &Staff,
    agency_id: i64,
    days: &[(Kind, i32)],
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !permissions::can_set_retention(actor) {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    for (kind, keep) in days {
        let field = format!("keep_days.{}", entity::enums::Code::code(kind));
        if *kind == Kind::Corruption {
            errors.add(field, "retention_by_decision");
        } else if !(1..=MAX_KEEP_DAYS).contains(keep) {
            errors.add(field, "retention_range");
        }
    }
    errors.into_result().map_err(DomainError::Invalid)?;
    if days.is_empty() {
        return Ok(());
    }
    let txn = write::begin(db, agency_id).await?;
    retention_policy::Entity::insert_many(days.iter().map(|(kind, keep)| retention_policy::ActiveModel {
        agency_id: Set(agency_id),
        kind: Set(*kind),
        keep_days: Set(*keep),
        updated_at: Set(now),
    }))
    .on_conflict(
        OnConflict::columns([retention_policy::Column::AgencyId, retention_policy::Column::Kind])
            .update_columns([retention_policy::Column::KeepDays, retention_policy::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    let detail = days
        .iter()
        .map(|(kind, keep)| format!("{} {keep}", entity::enums::Code::code(kind)))
        .collect::<Vec<_>>()
        .join(", ");
    let entry = crate::domain::audit::Entry::new(Action::RetentionSaved).on("agency", agency_id).detail(detail);
    crate::domain::audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Contact data whose period has ended.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Due {
    pub submission_id: i64,
    pub tracking_code: String,
    pub kind: Kind,
    pub closed_at: DateTime<Utc>,
}

impl Due {
    /// The day the period ended.
    pub fn expired_at(&self, periods: &[Period]) -> Option<DateTime<Utc>> {
        let days = periods.iter().find(|p| p.kind == self.kind)?.keep_days?;
        Some(self.closed_at + Duration::days(i64::from(days)))
    }
}

/// Every agency's contact data due for erasure at `now`, longest closed first.
pub async fn due(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Vec<Due>, DbErr> {
    let mut found = Vec::new();
    for agency in agency::Entity::find().order_by_asc(agency::Column::Id).all(db).await? {
        found.extend(due_in(db, agency.id, now).await?);
    }
    Ok(found)
}

/// One agency's due contact data. Read from `contact`, which holds only
/// what is not erased yet, so the job's cost does not grow with the years.
pub async fn due_in(db: &impl ConnectionTrait, agency_id: i64, now: DateTime<Utc>) -> Result<Vec<Due>, DbErr> {
    let mut expired = Condition::any();
    for period in periods(db, agency_id).await? {
        if let Some(days) = period.keep_days {
            expired = expired.add(
                submission::Column::Kind
                    .eq(period.kind)
                    .and(submission::Column::ClosedAt.lte(now - Duration::days(i64::from(days)))),
            );
        }
    }
    contact::Entity::find()
        .select_only()
        .column_as(submission::Column::Id, "submission_id")
        .column(submission::Column::TrackingCode)
        .column(submission::Column::Kind)
        .column(submission::Column::ClosedAt)
        .join(JoinType::InnerJoin, contact::Relation::Submission.def())
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::ClosedAt.is_not_null())
        .filter(expired)
        .order_by_asc(submission::Column::ClosedAt)
        .order_by_asc(submission::Column::Id)
        .into_model::<Due>()
        .all(db)
        .await
}

/// Whether [`purge`] erases or only lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// List what would be erased; change nothing.
    DryRun,
    Erase,
}

/// Erases the contact data due at `now` (or, on a dry run, lists it), and
/// returns what went. What another instance erased meanwhile is left out.
pub async fn purge(db: &DatabaseConnection, now: DateTime<Utc>, run: Run) -> Result<Vec<Due>, DbErr> {
    let mut gone = Vec::new();
    for agency in agency::Entity::find().order_by_asc(agency::Column::Id).all(db).await? {
        let due = due_in(db, agency.id, now).await?;
        if run == Run::DryRun {
            gone.extend(due);
            continue;
        }
        for batch in due.chunks(BATCH) {
            gone.extend(erase_expired(db, agency.id, batch, now).await?);
        }
    }
    Ok(gone)
}

/// Erasures per transaction: the first run on a large portal erases years'
/// worth, and one durable commit per erasure would take hours.
const BATCH: usize = 100;

/// Each one's erasure: the contact row, any open request to erase it (now
/// moot), the public timeline step and the audit entry, all in one
/// transaction for the batch. Returns those it erased.
async fn erase_expired(
    db: &DatabaseConnection,
    agency_id: i64,
    batch: &[Due],
    now: DateTime<Utc>,
) -> Result<Vec<Due>, DbErr> {
    let txn = write::begin(db, agency_id).await?;
    let mut erased = Vec::with_capacity(batch.len());
    for item in batch {
        // The delete is the claim. A second instance running the job waits
        // for this one's lock, then finds nothing left to delete.
        if !delete_contact(&txn, item.submission_id).await? {
            continue;
        }
        close_open_request(&txn, item.submission_id, None, None, now).await?;
        let step = Step {
            event: EventKind::ContactExpired,
            message: None,
            action: Action::ContactPurged,
            detail: Some(format!(
                "{} closed {}",
                entity::enums::Code::code(&item.kind),
                item.closed_at.format("%Y-%m-%d")
            )),
        };
        let target = Target { agency_id, id: item.submission_id, tracking_code: &item.tracking_code };
        record(&txn, target, By::Retention, step, now).await?;
        erased.push(item.clone());
    }
    txn.commit().await?;
    Ok(erased)
}

/// When the daily job runs: at night, 02:00 in Bangkok, when few residents
/// are writing.
pub fn next_run(after: DateTime<Utc>) -> DateTime<Utc> {
    let local = after.with_timezone(&bangkok());
    let at_two = |date: chrono::NaiveDate| {
        date.and_hms_opt(2, 0, 0).and_then(|t| t.and_local_timezone(bangkok()).single()).map(|t| t.to_utc())
    };
    let today = at_two(local.date_naive()).filter(|t| *t > after);
    today.or_else(|| at_two(local.date_naive().succ_opt()?)).unwrap_or(after + Duration::days(1))
}

/// The daily job of `siang serve`: a purge every night (after a failure,
/// again in an hour).
pub async fn every_day(db: DatabaseConnection) {
    let mut at = next_run(Utc::now());
    loop {
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        at = match purge(&db, Utc::now(), Run::Erase).await {
            Ok(erased) => {
                if !erased.is_empty() {
                    tracing::info!(count = erased.len(), "erased contact data whose retention period ended");
                }
                next_run(Utc::now())
            }
            Err(err) => {
                tracing::warn!(error = %err, "the retention job failed; trying again in an hour");
                Utc::now() + Duration::hours(1)
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_job_runs_at_two_in_the_morning_bangkok_time() {
        let bangkok_time = |d: u32, h: u32, m: u32| bangkok().with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap().to_utc();
        assert_eq!(next_run(bangkok_time(20, 1, 59)), bangkok_time(20, 2, 0));
        assert_eq!(next_run(bangkok_time(20, 2, 0)), bangkok_time(21, 2, 0));
        assert_eq!(next_run(bangkok_time(20, 23, 30)), bangkok_time(21, 2, 0));
    }
}
