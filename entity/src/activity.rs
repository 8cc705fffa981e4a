use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The kinds of participation activity (กิจกรรมการมีส่วนร่วม).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// เวทีรับฟังความคิดเห็น
    #[sea_orm(string_value = "hearing")]
    Hearing,
    #[sea_orm(string_value = "project")]
    Project,
    #[sea_orm(string_value = "survey")]
    Survey,
    #[sea_orm(string_value = "meeting")]
    Meeting,
}

/// A hearing, community project, survey or meeting the public took part in.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    pub kind: ActivityKind,
    pub title_th: String,
    pub title_en: Option<String>,
    pub held_at: DateTimeUtc,
    /// Buddhist-Era fiscal year of `held_at`, kept for filtering.
    pub fiscal_year: i32,
    pub place: String,
    pub participants: i32,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// The results (ผลการดำเนินการ).
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome: Option<String>,
    /// Who took part: the groups (residents of which villages, community
    /// leaders, businesses…), not only how many.
    #[sea_orm(column_type = "Text", nullable)]
    pub participant_groups: Option<String>,
    /// How the public took part (a hearing, a survey, a working group…).
    #[sea_orm(column_type = "Text", nullable)]
    pub method: Option<String>,
    /// How the results were used.
    #[sea_orm(column_type = "Text", nullable)]
    pub results_used: Option<String>,
    /// `None`: the whole agency.
    pub department_id: Option<i64>,
    /// Drafts stay off every public page.
    pub published: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
