//! The audit log: every staff action, appended in the same transaction as
//! the change it records. Nothing here (or anywhere) updates or deletes it;
//! the database refuses to as well.

use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};

use super::actor::Staff;

/// Every kind of audited action. The code is what the log stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    LoginSucceeded,
    LoginFailed,
    Logout,
    SubmissionRecorded,
    StatusChanged,
    Assigned,
    IndicatorLinked,
    IndicatorUnlinked,
    PublicReply,
    InternalNote,
    DueChanged,
    ContactViewed,
    UserCreated,
    UserUpdated,
    PasswordReset,
    DepartmentSaved,
    ServiceSaved,
    SettingsUpdated,
    Published,
    Unpublished,
    ActivitySaved,
    MeasureSaved,
    MeasureProgress,
    ItaItemsSaved,
    ItasSurveySaved,
    GuideSaved,
    PlanAnalysisSaved,
    SessionsEnded,
    RetentionSaved,
    ErasureRequested,
    ContactErased,
    ErasureRefused,
    ContactPurged,
    EvidenceAdded,
    EvidenceRemoved,
    VerdictGiven,
    Reopened,
    ApiKeyIssued,
    ApiKeyRevoked,
    PhotoAdded,
    SealedPhotoViewed,
    AgencyCreated,
    AgencyDisabled,
    AgencyHostSet,
}

impl Action {
    pub const ALL: [Action; 44] = [
        Action::LoginSucceeded,
        Action::LoginFailed,
        Action::Logout,
        Action::SubmissionRecorded,
        Action::StatusChanged,
        Action::Assigned,
        Action::IndicatorLinked,
        Action::IndicatorUnlinked,
        Action::PublicReply,
        Action::InternalNote,
        Action::DueChanged,
        Action::ContactViewed,
        Action::UserCreated,
        Action::UserUpdated,
        Action::PasswordReset,
        Action::DepartmentSaved,
        Action::ServiceSaved,
        Action::SettingsUpdated,
        Action::Published,
        Action::Unpublished,
        Action::ActivitySaved,
        Action::MeasureSaved,
        Action::MeasureProgress,
        Action::ItaItemsSaved,
        Action::ItasSurveySaved,
        Action::GuideSaved,
        Action::PlanAnalysisSaved,
        Action::SessionsEnded,
        Action::RetentionSaved,
        Action::ErasureRequested,
        Action::ContactErased,
        Action::ErasureRefused,
        Action::ContactPurged,
        Action::EvidenceAdded,
        Action::EvidenceRemoved,
        Action::VerdictGiven,
        Action::Reopened,
        Action::ApiKeyIssued,
        Action::ApiKeyRevoked,
        Action::PhotoAdded,
        Action::SealedPhotoViewed,
        Action::AgencyCreated,
        Action::AgencyDisabled,
        Action::AgencyHostSet,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::LoginSucceeded => "login_succeeded",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::SubmissionRecorded => "submission_recorded",
            Action::StatusChanged => "status_changed",
            Action::Assigned => "assigned",
            Action::IndicatorLinked => "indicator_linked",
            Action::IndicatorUnlinked => "indicator_unlinked",
            Action::PublicReply => "public_reply",
            Action::InternalNote => "internal_note",
            Action::DueChanged => "due_changed",
            Action::ContactViewed => "contact_viewed",
            Action::UserCreated => "user_created",
            Action::UserUpdated => "user_updated",
            Action::PasswordReset => "password_reset",
            Action::DepartmentSaved => "department_saved",
            Action::ServiceSaved => "service_saved",
            Action::SettingsUpdated => "settings_updated",
            Action::Published => "published",
            Action::Unpublished => "unpublished",
            Action::ActivitySaved => "activity_saved",
            Action::MeasureSaved => "measure_saved",
            Action::MeasureProgress => "measure_progress",
            Action::ItaItemsSaved => "ita_items_saved",
            Action::ItasSurveySaved => "itas_survey_saved",
            Action::GuideSaved => "guide_saved",
            Action::PlanAnalysisSaved => "plan_analysis_saved",
            Action::SessionsEnded => "sessions_ended",
            Action::RetentionSaved => "retention_saved",
            Action::ErasureRequested => "erasure_requested",
            Action::ContactErased => "contact_erased",
            Action::ErasureRefused => "erasure_refused",
            Action::ContactPurged => "contact_purged",
            Action::EvidenceAdded => "evidence_added",
            Action::EvidenceRemoved => "evidence_removed",
            Action::VerdictGiven => "verdict_given",
            Action::Reopened => "reopened",
            Action::ApiKeyIssued => "api_key_issued",
            Action::ApiKeyRevoked => "api_key_revoked",
            Action::PhotoAdded => "photo_added",
            Action::SealedPhotoViewed => "sealed_photo_viewed",
            Action::AgencyCreated => "agency_created",
            Action::AgencyDisabled => "agency_disabled",
            Action::AgencyHostSet => "agency_host_set",
        }
    }
}

/// One thing that happened: the action, what it touched (`("submission",
/// 42)`), and a short detail for the reader of the log.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub action: Action,
    pub target: Option<(&'a str, i64)>,
    pub detail: Option<String>,
}

impl<'a> Entry<'a> {
    pub fn new(action: Action) -> Self {
        Self { action, target: None, detail: None }
    }

    pub fn on(mut self, target_type: &'a str, id: i64) -> Self {
        self.target = Some((target_type, id));
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Appends what `actor` did. Call it with the transaction that makes the change.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Staff,
    entry: Entry<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    append(db, actor.agency_id, Some(actor.id), &actor.username, entry, None, at).await
}

/// Appends an entry with the client's address (logins); `actor_id` is `None`
/// when no user is known, as for a failed login.
pub async fn append(
    db: &impl ConnectionTrait,
    agency_id: i64,
    actor_id: Option<i64>,
    actor_name: &str,
    entry: Entry<'_>,
    ip: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(at),
        actor_id: Set(actor_id),
        actor_name: Set(actor_name.chars().take(200).collect()),
        action: Set(entry.action.code().to_owned()),
        target_type: Set(entry.target.map(|(kind, _)| kind.to_owned())),
        target_id: Set(entry.target.map(|(_, id)| id)),
        detail: Set(entry.detail),
        ip: Set(ip),
        agency_id: Set(agency_id),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Filters for reading the log.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub action: Option<String>,
    /// Part of the actor's user name.
    pub actor: String,
    /// Show entries older than this id (keyset paging, newest first).
    pub before: Option<i64>,
}

pub const LOG_PAGE_SIZE: u64 = 50;

/// A page of the log, newest first, and whether older entries remain.
pub async fn read(
    db: &impl ConnectionTrait,
    actor: &Staff,
    filter: &LogFilter,
) -> Result<(Vec<audit_log::Model>, bool), super::error::DomainError> {
    use sea_orm::sea_query::{Expr, Func};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    if !super::permissions::can_administer(actor) {
        return Err(super::error::DomainError::Forbidden);
    }
    let mut query = audit_log::Entity::find()
        .filter(audit_log::Column::AgencyId.eq(actor.agency_id))
        .order_by_desc(audit_log::Column::Id)
        .limit(LOG_PAGE_SIZE + 1);
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::Column::Action.eq(action));
    }
    if !filter.actor.trim().is_empty() {
        // Literally what was typed: `%` and `_` are escaped, not wildcards.
        let pattern = super::submissions::search::like_pattern(&filter.actor.trim().to_lowercase());
        let pattern = sea_orm::sea_query::LikeExpr::new(pattern).escape('\\');
        query = query.filter(Expr::expr(Func::lower(Expr::col(audit_log::Column::ActorName))).like(pattern));
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_log::Column::Id.lt(before));
    }
    let mut rows = query.all(db).await?;
    let more = rows.len() as u64 > LOG_PAGE_SIZE;
    rows.truncate(LOG_PAGE_SIZE as usize);
    Ok((rows, more))
}
