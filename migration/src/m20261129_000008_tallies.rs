//! Counters kept by the write (DESIGN.md rule 3): `tally` holds a fiscal
//! year's counts per figure and group, `inbox_tally` the inbox's counts per
//! status, kind, channel, department and indicator. Both are filled by the
//! application (`siang recount`, run once at start when the counting rules
//! are newer than the counts) and then changed only by the transactions that
//! change the rows they count. A count cannot go below zero.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{fk, Agency};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tally::Table)
                .col(ColumnDef::new(Tally::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(Tally::FiscalYear).integer().not_null())
                .col(ColumnDef::new(Tally::FiscalMonth).integer().not_null())
                .col(ColumnDef::new(Tally::Figure).string_len(32).not_null())
                .col(ColumnDef::new(Tally::Key).string_len(96).not_null())
                .col(ColumnDef::new(Tally::N).big_integer().not_null().check(Expr::col(Tally::N).gte(0)))
                .primary_key(
                    Index::create()
                        .col(Tally::AgencyId)
                        .col(Tally::FiscalYear)
                        .col(Tally::FiscalMonth)
                        .col(Tally::Figure)
                        .col(Tally::Key),
                )
                .foreign_key(&mut fk(Tally::Table, Tally::AgencyId, Agency::Table, Agency::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(InboxTally::Table)
                .col(ColumnDef::new(InboxTally::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(InboxTally::Indicator).small_integer().not_null())
                .col(ColumnDef::new(InboxTally::Status).string_len(24).not_null())
                .col(ColumnDef::new(InboxTally::Kind).string_len(24).not_null())
                .col(ColumnDef::new(InboxTally::Channel).string_len(24).not_null())
                .col(ColumnDef::new(InboxTally::DepartmentId).big_integer().not_null())
                .col(ColumnDef::new(InboxTally::N).big_integer().not_null().check(Expr::col(InboxTally::N).gte(0)))
                .primary_key(
                    Index::create()
                        .col(InboxTally::AgencyId)
                        .col(InboxTally::Indicator)
                        .col(InboxTally::Status)
                        .col(InboxTally::Kind)
                        .col(InboxTally::Channel)
                        .col(InboxTally::DepartmentId),
                )
                .foreign_key(&mut fk(InboxTally::Table, InboxTally::AgencyId, Agency::Table, Agency::Id))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(InboxTally::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Tally::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Tally {
    Table,
    AgencyId,
    FiscalYear,
    FiscalMonth,
    Figure,
    Key,
    N,
}

#[derive(DeriveIden, Clone, Copy)]
enum InboxTally {
    Table,
    AgencyId,
    Indicator,
    Status,
    Kind,
    Channel,
    DepartmentId,
    N,
}
