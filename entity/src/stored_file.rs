use sea_orm::entity::prelude::*;

/// A file the portal keeps (evidence of an activity; later, photos of a
/// submission): what it decided about the bytes, which live outside the
/// database under their SHA-256 (`domain::files`). One row per agency and
/// content.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stored_file")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    /// Lower-case hex SHA-256 of the bytes: their name in the store.
    pub sha256: String,
    /// Sniffed from the bytes, never taken from the client.
    pub media_type: String,
    pub size_bytes: i64,
    /// The uploaded name, cleaned (no path, no control characters).
    pub original_name: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
