use sea_orm::entity::prelude::*;

use crate::measure::Progress;

/// A dated progress note on a measure, with the progress it reports.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measure_note")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub measure_id: i64,
    pub noted_on: Date,
    pub progress: Progress,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub author_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
