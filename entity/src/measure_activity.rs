use sea_orm::entity::prelude::*;

/// An activity that is evidence for a measure.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measure_activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub measure_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
