use sea_orm::entity::prelude::*;

/// An evidence file attached to a participation activity.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_file")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub file_id: i64,
    pub added_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
