//! Personal data over its life (PDPA): how long each kind of submission's
//! contact data is kept once closed, and residents' requests to erase theirs.
//!
//! A corruption reporter's identity has no retention period: the integrity
//! officer decides, case by case, so the database refuses a policy for that
//! kind. One open request per submission, also kept by the database.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{fk, index, pk, Agency, StaffUser, Submission};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The longest retention an admin may set: ten years.
const MAX_KEEP_DAYS: i32 = 3650;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RetentionPolicy::Table)
                .col(ColumnDef::new(RetentionPolicy::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(RetentionPolicy::Kind).string_len(24).not_null())
                .col(ColumnDef::new(RetentionPolicy::KeepDays).integer().not_null())
                .col(ColumnDef::new(RetentionPolicy::UpdatedAt).timestamp_with_time_zone().not_null())
                .primary_key(Index::create().col(RetentionPolicy::AgencyId).col(RetentionPolicy::Kind))
                .foreign_key(&mut fk(RetentionPolicy::Table, RetentionPolicy::AgencyId, Agency::Table, Agency::Id))
                .check(Expr::col(RetentionPolicy::KeepDays).between(1, MAX_KEEP_DAYS))
                .check(Expr::col(RetentionPolicy::Kind).ne("corruption"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ErasureRequest::Table)
                .col(pk(ErasureRequest::Id))
                .col(ColumnDef::new(ErasureRequest::SubmissionId).big_integer().not_null())
                .col(ColumnDef::new(ErasureRequest::RequestedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ErasureRequest::DueAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ErasureRequest::DecidedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(ErasureRequest::DecidedBy).big_integer().null())
                .col(ColumnDef::new(ErasureRequest::Granted).boolean().null())
                .col(ColumnDef::new(ErasureRequest::Reason).text().null())
                .foreign_key(&mut fk(
                    ErasureRequest::Table,
                    ErasureRequest::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .foreign_key(&mut fk(ErasureRequest::Table, ErasureRequest::DecidedBy, StaffUser::Table, StaffUser::Id))
                // Open, or decided with an outcome.
                .check(
                    Expr::col(ErasureRequest::DecidedAt)
                        .is_null()
                        .and(Expr::col(ErasureRequest::Granted).is_null())
                        .and(Expr::col(ErasureRequest::DecidedBy).is_null())
                        .or(Expr::col(ErasureRequest::DecidedAt)
                            .is_not_null()
                            .and(Expr::col(ErasureRequest::Granted).is_not_null())),
                )
                .to_owned(),
        )
        .await?;
        // Staff's list of open requests, most urgent first.
        index(m, ErasureRequest::Table, "ix_erasure_request_due", &[ErasureRequest::DecidedAt, ErasureRequest::DueAt])
            .await?;
        // sea-query has no partial indexes; this SQL is the same on SQLite and PostgreSQL.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_erasure_request_open ON erasure_request (submission_id) \
                 WHERE decided_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ErasureRequest::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(RetentionPolicy::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum RetentionPolicy {
    Table,
    AgencyId,
    Kind,
    KeepDays,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ErasureRequest {
    Table,
    Id,
    SubmissionId,
    RequestedAt,
    DueAt,
    DecidedAt,
    DecidedBy,
    Granted,
    Reason,
}
