use sea_orm::entity::prelude::*;

use crate::enums::Kind;

/// How long contact data of one kind of submission is kept once the
/// submission is closed. Kinds without a row keep the default period
/// (`domain::privacy::retention`); corruption reports never have one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "retention_policy")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: Kind,
    pub keep_days: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
