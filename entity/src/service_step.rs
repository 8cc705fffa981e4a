use sea_orm::entity::prelude::*;

/// One step of a service's published procedure, with the time it takes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_step")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_id: i64,
    /// 1, 2, 3… in the order the resident goes through them.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub description_th: String,
    pub description_en: String,
    /// How long the step takes, as the agency states it ("15 นาที").
    pub duration_th: String,
    pub duration_en: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::service::Entity", from = "Column::ServiceId", to = "super::service::Column::Id")]
    Service,
}

impl Related<super::service::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Service.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
