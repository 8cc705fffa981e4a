//! Open311 GeoReport v2: submissions may arrive through the `open311`
//! channel, sent by clients that an admin issued an API key to.
//!
//! - `ck_submission_channel` admits `open311` (SQLite rebuilds the table, as
//!   in the write-rule migration; PostgreSQL swaps the constraint).
//! - `open311_client`: one row per client, with only the SHA-256 of its key
//!   (the key itself is shown once, when issued). A revoked client keeps its
//!   row, so the audit log's references stay whole.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::SchemaManagerConnection;

use crate::m20261125_000001_foundation::{fk, index, pk, unique_index, Agency, StaffUser};
use crate::m20261129_000007_write_rule::sqlite;

#[derive(DeriveMigrationName)]
pub struct Migration;

const CHANNEL_CHECK: &str = "ck_submission_channel";
const WITH_OPEN311: &str =
    "channel IN ('web', 'walk_in', 'phone', 'letter', 'facebook', 'line', 'damrongdhama', 'hotline_1111', 'open311')";
const WITHOUT_OPEN311: &str =
    "channel IN ('web', 'walk_in', 'phone', 'letter', 'facebook', 'line', 'damrongdhama', 'hotline_1111')";

async fn set_channel_check(m: &SchemaManager<'_>, check: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    match m.get_database_backend() {
        DatabaseBackend::Postgres => {
            db.execute_unprepared(&format!("ALTER TABLE submission DROP CONSTRAINT IF EXISTS {CHANNEL_CHECK}")).await?;
            db.execute_unprepared(&format!("ALTER TABLE submission ADD CONSTRAINT {CHANNEL_CHECK} CHECK ({check})"))
                .await?;
            Ok(())
        }
        _ => {
            let SchemaManagerConnection::Connection(conn) = db else {
                return Err(DbErr::Migration("SQLite migrations run outside a transaction".into()));
            };
            sqlite::set_checks(conn, "submission", &[(CHANNEL_CHECK, check)]).await
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        set_channel_check(m, WITH_OPEN311).await?;
        m.create_table(
            Table::create()
                .table(Open311Client::Table)
                .col(pk(Open311Client::Id))
                .col(ColumnDef::new(Open311Client::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(Open311Client::Name).string_len(200).not_null())
                .col(ColumnDef::new(Open311Client::KeyHash).string_len(64).not_null())
                .col(ColumnDef::new(Open311Client::KeyHint).string_len(16).not_null())
                .col(ColumnDef::new(Open311Client::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Open311Client::CreatedBy).big_integer().null())
                .col(ColumnDef::new(Open311Client::RevokedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Open311Client::RevokedBy).big_integer().null())
                .foreign_key(&mut fk(Open311Client::Table, Open311Client::AgencyId, Agency::Table, Agency::Id))
                .foreign_key(&mut fk(Open311Client::Table, Open311Client::CreatedBy, StaffUser::Table, StaffUser::Id))
                .foreign_key(&mut fk(Open311Client::Table, Open311Client::RevokedBy, StaffUser::Table, StaffUser::Id))
                .to_owned(),
        )
        .await?;
        unique_index(m, Open311Client::Table, "ux_open311_client_key", &[Open311Client::KeyHash]).await?;
        index(m, Open311Client::Table, "ix_open311_client_agency", &[Open311Client::AgencyId, Open311Client::Id]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Open311Client::Table).to_owned()).await?;
        set_channel_check(m, WITHOUT_OPEN311).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Open311Client {
    Table,
    Id,
    AgencyId,
    Name,
    KeyHash,
    KeyHint,
    CreatedAt,
    CreatedBy,
    RevokedAt,
    RevokedBy,
}
