use sea_orm::entity::prelude::*;

/// One staff action. Append-only: database triggers refuse updates and deletes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// `None` for actions without a known user, such as a failed login.
    pub actor_id: Option<i64>,
    /// The user name at the time (or the name tried, for a failed login).
    pub actor_name: String,
    /// What was done, e.g. `status_changed` (see `domain::audit::Action`).
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub detail: Option<String>,
    pub ip: Option<String>,
    /// The agency whose log this is.
    pub agency_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
