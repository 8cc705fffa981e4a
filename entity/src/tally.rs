use sea_orm::entity::prelude::*;

/// A count of a fiscal year's submissions in one group of one figure (e.g.
/// figure `kind`, key `complaint`, month 3), kept by the same transaction
/// that changes the rows it counts. The statistics read these, not the rows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tally")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: i64,
    /// Fiscal year of receipt.
    #[sea_orm(primary_key, auto_increment = false)]
    pub fiscal_year: i32,
    /// Fiscal month of receipt (1 = October), or 0 for figures kept per year.
    #[sea_orm(primary_key, auto_increment = false)]
    pub fiscal_month: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub figure: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
