//! Recent failed staff sign-ins, by user name and client address: what the
//! sign-in throttle counts (see SECURITY.md). Kept in the database so that
//! every instance serving it counts the same failures; rows older than the
//! throttle's window are removed as new ones arrive.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{index, pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum LoginFailure {
    Table,
    Id,
    Username,
    Address,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use LoginFailure as L;
        m.create_table(
            Table::create()
                .table(L::Table)
                .col(pk(L::Id))
                .col(ColumnDef::new(L::Username).string_len(64).not_null())
                .col(ColumnDef::new(L::Address).string_len(64).not_null())
                .col(ColumnDef::new(L::At).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        index(m, L::Table, "ix_login_failure_pair", &[L::Address, L::Username, L::At]).await?;
        index(m, L::Table, "ix_login_failure_at", &[L::At]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LoginFailure::Table).to_owned()).await
    }
}
