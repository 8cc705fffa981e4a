use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// How far a measure has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    #[sea_orm(string_value = "planned")]
    Planned,
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "done")]
    Done,
}

/// A measure (มาตรการ) of the yearly improvement plan for one indicator.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    pub fiscal_year: i32,
    pub indicator: i16,
    /// Order within the indicator.
    pub position: i32,
    pub title_th: String,
    pub title_en: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub steps: String,
    pub period_start: Date,
    pub period_end: Date,
    /// `None`: all divisions (ทุกกอง).
    pub department_id: Option<i64>,
    pub progress: Progress,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
