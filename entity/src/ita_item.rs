use sea_orm::entity::prelude::*;

/// One ITA item this portal answers, for a fiscal year: codes and titles
/// change yearly, so admins keep them as data.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ita_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    pub fiscal_year: i32,
    pub position: i32,
    pub code: String,
    pub title_th: String,
    pub title_en: String,
    /// The portal page that answers the item, e.g. `/manual`.
    pub url_path: String,
    /// What the assessment requires of the item, one per line.
    pub elements: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
