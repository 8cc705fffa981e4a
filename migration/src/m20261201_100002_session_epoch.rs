//! A staff member's session epoch: every session remembers the epoch it was
//! opened in, and a session of an older epoch is no longer accepted. A reset
//! password, a change of role, department or activity, and "log out
//! everywhere" move the epoch on, ending every session of that member at
//! once on every instance.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::StaffUser;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Column {
    SessionEpoch,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(StaffUser::Table)
                .add_column(ColumnDef::new(Column::SessionEpoch).big_integer().not_null().default(0))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(StaffUser::Table).drop_column(Column::SessionEpoch).to_owned()).await
    }
}
