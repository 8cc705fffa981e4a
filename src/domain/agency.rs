//! The agency running the portal, its departments and its services.

use entity::{agency, department, service};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::i18n::Lang;

/// The agency this installation serves. One today; see DESIGN.md.
pub async fn current(db: &impl ConnectionTrait) -> Result<agency::Model, DbErr> {
    agency::Entity::find()
        .order_by_asc(agency::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("no agency: run `siang migrate`".into()))
}

pub fn agency_name(agency: &agency::Model, lang: Lang) -> &str {
    match lang {
        Lang::Th => &agency.name_th,
        Lang::En => &agency.name_en,
    }
}

pub async fn active_services(db: &impl ConnectionTrait, agency_id: i64) -> Result<Vec<service::Model>, DbErr> {
    service::Entity::find()
        .filter(service::Column::AgencyId.eq(agency_id))
        .filter(service::Column::Active.eq(true))
        .order_by_asc(service::Column::NameTh)
        .all(db)
        .await
}

pub async fn active_service_by_slug(
    db: &impl ConnectionTrait,
    agency_id: i64,
    slug: &str,
) -> Result<Option<service::Model>, DbErr> {
    service::Entity::find()
        .filter(service::Column::AgencyId.eq(agency_id))
        .filter(service::Column::Slug.eq(slug))
        .filter(service::Column::Active.eq(true))
        .one(db)
        .await
}

pub async fn departments(db: &impl ConnectionTrait, agency_id: i64) -> Result<Vec<department::Model>, DbErr> {
    department::Entity::find()
        .filter(department::Column::AgencyId.eq(agency_id))
        .order_by_asc(department::Column::Id)
        .all(db)
        .await
}
