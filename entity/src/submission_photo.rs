use sea_orm::entity::prelude::*;

/// A photo a resident sent with a submission (at most three, by position),
/// with its thumbnail; both are stored files. Public only once staff publish
/// it with the submission's log entry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submission_photo")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    pub submission_id: i64,
    pub stored_file_id: i64,
    pub thumbnail_id: i64,
    /// 0, 1 or 2: the order the resident gave them in.
    pub position: i16,
    pub published: bool,
    pub added_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
