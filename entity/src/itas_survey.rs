use sea_orm::entity::prelude::*;

/// The NACC's ITAS survey link of a fiscal year and the days it collects
/// answers, as an admin set them: shown to residents in that window.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "itas_survey")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub fiscal_year: i32,
    pub url: String,
    /// Bangkok dates, both included.
    pub opens_on: Date,
    pub closes_on: Date,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
