use sea_orm::entity::prelude::*;

/// A failed staff sign-in, counted by the sign-in throttle for a while.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// As typed, lower-cased and cut to 64 characters: unknown names count too.
    pub username: String,
    /// The client's address (an IPv6 client's /64 network).
    pub address: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
