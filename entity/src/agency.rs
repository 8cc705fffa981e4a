use sea_orm::entity::prelude::*;

/// An อปท. served by the portal; one deployment may serve many (a province),
/// each request resolved to one by its host or `/a/{slug}/` path.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agency")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name_th: String,
    pub name_en: String,
    pub address_th: String,
    pub address_en: String,
    pub phone: String,
    pub email: String,
    /// The agency's Facebook page (an `https://` address), or empty.
    pub facebook_url: String,
    /// The agency's LINE official account ID (`@chonkhram`), or empty.
    pub line_id: String,
    /// When the office serves the public, as residents read it.
    pub office_hours_th: String,
    pub office_hours_en: String,
    /// Days a resident waits at most for the first answer.
    pub first_answer_days: i32,
    /// Days from receipt until a submission should be closed.
    pub closing_days: i32,
    /// Whether residents see which staff member answered them.
    pub show_staff_names: bool,
    /// Raised by one in every write transaction of the agency, as its first
    /// statement: takes the write first, and tells caches what changed.
    pub data_version: i64,
    /// The host its pages are served on (`chonkram.example.go.th`), lower
    /// case, no port; `None` when it is reached by `/a/{slug}/` only (or is
    /// the only agency).
    #[sea_orm(unique)]
    pub host: Option<String>,
    /// A disabled agency is served nowhere.
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
