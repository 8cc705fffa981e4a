use sea_orm::entity::prelude::*;

/// How many submissions share one status, kind, channel, department and
/// indicator link: the staff inbox's counts per status under any of those
/// filters are sums of these rows. Kept by the write, like `tally`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbox_tally")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: i64,
    /// An ITA indicator the submissions are linked to, or 0 for all of them.
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator: i16,
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub channel: String,
    /// 0 for submissions not assigned to a department.
    #[sea_orm(primary_key, auto_increment = false)]
    pub department_id: i64,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
