use sea_orm::entity::prelude::*;

/// The agency's guide to handling corruption complaints (ITA item O16 in
/// 2569), as its admins edited it. A section left `None` shows the default
/// text, written from the agency's settings.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaint_guide")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: i64,
    pub how_to_complain: Option<String>,
    pub handling_steps: Option<String>,
    pub responsible_unit: Option<String>,
    pub time_frames: Option<String>,
    pub executive_complaints: Option<String>,
    pub issuer_name: String,
    pub issuer_position: String,
    pub issued_on: Option<Date>,
    /// Raised by every save; forms carry it back.
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
