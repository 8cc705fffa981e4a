use sea_orm::entity::prelude::*;

/// A service of the agency. Residents name one in feedback and complaints;
/// once `published`, its standard (คู่มือการให้บริการ: what to bring, steps and
/// time frames, fees, where to apply, legal basis) is public at `/services`.
/// Empty text means "not stated".
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
    pub published: bool,
    #[sea_orm(column_type = "Text")]
    pub requirements_th: String,
    #[sea_orm(column_type = "Text")]
    pub requirements_en: String,
    pub time_frame_th: String,
    pub time_frame_en: String,
    pub fee_th: String,
    pub fee_en: String,
    #[sea_orm(column_type = "Text")]
    pub apply_at_th: String,
    #[sea_orm(column_type = "Text")]
    pub apply_at_en: String,
    pub online_url: String,
    #[sea_orm(column_type = "Text")]
    pub legal_basis_th: String,
    #[sea_orm(column_type = "Text")]
    pub legal_basis_en: String,
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
    #[sea_orm(has_many = "super::service_step::Entity")]
    Step,
}

impl Related<super::service_step::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Step.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
