use sea_orm::entity::prelude::*;

use crate::enums::{Channel, Kind, Outcome, OutcomeReason, Status};

/// What a resident sent. Identity and contact data are *not* here: they live
/// in `contact`, read only through the permissions module. (Not `Eq`: the
/// coordinates are floating point.)
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "submission")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    #[sea_orm(unique)]
    pub tracking_code: String,
    /// Buddhist-Era fiscal year of receipt (1 October starts the next one).
    pub fiscal_year: i32,
    /// Month of receipt within the fiscal year, 1 = October … 12 = September;
    /// lets both databases group by month, quarter and half-year alike.
    pub fiscal_month: i32,
    pub kind: Kind,
    pub channel: Channel,
    pub status: Status,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub details: String,
    pub location: Option<String>,
    pub service_id: Option<i64>,
    pub department_id: Option<i64>,
    /// The staff member answering it, if one is named.
    pub assignee_id: Option<i64>,
    pub anonymous: bool,
    /// Answer to "were you asked for a benefit?" (service feedback only).
    pub asked_for_benefit: Option<bool>,
    /// SHA-256 of the access key; the key itself is shown once and never stored.
    pub access_key_hash: String,
    pub received_at: DateTimeUtc,
    /// When the first answer is due.
    pub due_at: DateTimeUtc,
    /// When the submission should be closed.
    pub close_due_at: DateTimeUtc,
    /// The due date that applies now: the first answer's until answered, then
    /// the closing one; `None` once closed. Kept for the inbox's index.
    pub next_due_at: Option<DateTimeUtc>,
    /// The other agency a referred submission went to.
    pub referred_to: Option<String>,
    pub first_answered_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    /// What came of it; set exactly while closed.
    pub outcome: Option<Outcome>,
    /// Why it was not possible (outcome `not_possible` only).
    pub outcome_reason: Option<OutcomeReason>,
    /// When it was last reopened after closing, if ever: the "reopened" mark.
    pub reopened_at: Option<DateTimeUtc>,
    /// The village number (หมู่) the resident named; public on the log.
    pub moo: Option<i16>,
    /// Where the resident's phone said they were (WGS 84), when they allowed
    /// it; staff only, never public.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::agency::Entity", from = "Column::AgencyId", to = "super::agency::Column::Id")]
    Agency,
    #[sea_orm(belongs_to = "super::service::Entity", from = "Column::ServiceId", to = "super::service::Column::Id")]
    Service,
    #[sea_orm(
        belongs_to = "super::department::Entity",
        from = "Column::DepartmentId",
        to = "super::department::Column::Id"
    )]
    Department,
    #[sea_orm(has_many = "super::submission_event::Entity")]
    Event,
    #[sea_orm(has_many = "super::submission_rating::Entity")]
    Rating,
}

impl Related<super::service::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Service.def()
    }
}

impl Related<super::submission_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
