use sea_orm::entity::prelude::*;

/// A service residents receive from the agency; service feedback names one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    pub slug: String,
    pub name_th: String,
    pub name_en: String,
    pub department_id: Option<i64>,
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::agency::Entity", from = "Column::AgencyId", to = "super::agency::Column::Id")]
    Agency,
    #[sea_orm(
        belongs_to = "super::department::Entity",
        from = "Column::DepartmentId",
        to = "super::department::Column::Id"
    )]
    Department,
}

impl ActiveModelBehavior for ActiveModel {}
