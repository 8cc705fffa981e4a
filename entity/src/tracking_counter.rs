use sea_orm::entity::prelude::*;

/// The last sequence number handed out per agency and fiscal year; bumped
/// with one atomic upsert inside the submitting transaction.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tracking_counter")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub fiscal_year: i32,
    pub last_value: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
