//! Staff sessions, the audit log, and the database's guarantee that the
//! audit log and submission timelines are append-only.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::m20261125_000001_foundation::{index, pk, SubmissionEvent};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows may be inserted but never changed or removed.
const APPEND_ONLY: [&str; 2] = ["audit_log", "submission_event"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(StaffSession::Table)
                .col(ColumnDef::new(StaffSession::Id).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(StaffSession::Data).text().not_null())
                .col(ColumnDef::new(StaffSession::ExpiresAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        index(m, StaffSession::Table, "ix_staff_session_expiry", &[StaffSession::ExpiresAt]).await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(pk(AuditLog::Id))
                .col(ColumnDef::new(AuditLog::At).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(AuditLog::ActorId).big_integer().null())
                .col(ColumnDef::new(AuditLog::ActorName).string_len(200).not_null())
                .col(ColumnDef::new(AuditLog::Action).string_len(48).not_null())
                .col(ColumnDef::new(AuditLog::TargetType).string_len(32).null())
                .col(ColumnDef::new(AuditLog::TargetId).big_integer().null())
                .col(ColumnDef::new(AuditLog::Detail).text().null())
                .col(ColumnDef::new(AuditLog::Ip).string_len(64).null())
                .to_owned(),
        )
        .await?;
        index(m, AuditLog::Table, "ix_audit_at", &[AuditLog::Id]).await?;
        index(m, AuditLog::Table, "ix_audit_action", &[AuditLog::Action, AuditLog::Id]).await?;
        index(m, AuditLog::Table, "ix_audit_actor", &[AuditLog::ActorId, AuditLog::Id]).await?;
        index(m, SubmissionEvent::Table, "ix_event_actor", &[SubmissionEvent::ActorId]).await?;

        let db = m.get_connection();
        for table in APPEND_ONLY {
            match m.get_database_backend() {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!(
                        "CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                         BEGIN RAISE EXCEPTION '{table} is append-only'; END $$; \
                         CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                         FOR EACH ROW EXECUTE FUNCTION {table}_append_only();"
                    ))
                    .await?;
                }
                _ => {
                    for operation in ["UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_no_{op} BEFORE {operation} ON {table} \
                             BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;",
                            op = operation.to_lowercase()
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for table in APPEND_ONLY {
            match m.get_database_backend() {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER {table}_append_only ON {table}; DROP FUNCTION {table}_append_only();"
                    ))
                    .await?;
                }
                _ => {
                    db.execute_unprepared(&format!("DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete;"))
                        .await?;
                }
            }
        }
        m.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(StaffSession::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum StaffSession {
    Table,
    Id,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorName,
    Action,
    TargetType,
    TargetId,
    Detail,
    Ip,
}
