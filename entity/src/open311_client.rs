use sea_orm::entity::prelude::*;

/// A client of the Open311 GeoReport v2 interface (a city app, a provincial
/// dashboard), issued an API key by an admin. Only the key's SHA-256 is
/// kept; the key is shown once, when issued. Revoking keeps the row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "open311_client")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
    #[sea_orm(unique)]
    pub key_hash: String,
    /// The key's first characters, so staff can tell keys apart.
    pub key_hint: String,
    pub created_at: DateTimeUtc,
    /// `None`: issued at the command line.
    pub created_by: Option<i64>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
