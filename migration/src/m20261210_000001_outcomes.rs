//! Closing the loop honestly (issue 18): what came of a closed submission
//! (its outcome, with the reason when it was not possible), the resident's
//! verdict on it (once per submission), and the "reopened" mark.
//!
//! Items closed before this migration get the outcome their status meant:
//! `resolved` → fixed, `rejected` ("not the agency's matter", as the
//! workflow defines it) → not possible, not the agency's authority,
//! `referred` → referred. The database then refuses an outcome on an open
//! item, a closed item without one, an outcome that contradicts the status,
//! and a reason without "not possible" (or the other way round).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::SchemaManagerConnection;

use crate::m20261125_000001_foundation::{fk, Submission};
use crate::m20261129_000007_write_rule::sqlite;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (constraint name, condition) on `submission`.
const CHECKS: &[(&str, &str)] = &[
    (
        "ck_submission_outcome",
        "outcome IS NULL OR (status = 'resolved' AND outcome IN ('fixed', 'partly', 'not_possible')) \
         OR (status = 'rejected' AND outcome = 'not_possible') OR (status = 'referred' AND outcome = 'referred')",
    ),
    ("ck_submission_outcome_closed", "(closed_at IS NULL) = (outcome IS NULL)"),
    (
        "ck_submission_outcome_reason",
        "(outcome_reason IS NULL AND (outcome IS NULL OR outcome <> 'not_possible')) \
         OR (outcome = 'not_possible' AND outcome_reason IS NOT NULL \
         AND outcome_reason IN ('budget', 'not_authority', 'duplicate', 'not_found'))",
    ),
];

/// The outcome each closed status meant before outcomes were recorded.
const DEFAULTS: &[(&str, &str)] = &[
    ("resolved", "outcome = 'fixed'"),
    ("rejected", "outcome = 'not_possible', outcome_reason = 'not_authority'"),
    ("referred", "outcome = 'referred'"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            ColumnDef::new(Outcomes::Outcome).string_len(24).null().to_owned(),
            ColumnDef::new(Outcomes::OutcomeReason).string_len(24).null().to_owned(),
            ColumnDef::new(Outcomes::ReopenedAt).timestamp_with_time_zone().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(Submission::Table).add_column(column).to_owned()).await?;
        }
        let db = m.get_connection();
        for (status, set) in DEFAULTS {
            db.execute_unprepared(&format!(
                "UPDATE submission SET {set} WHERE status = '{status}' AND closed_at IS NOT NULL"
            ))
            .await?;
        }
        match m.get_database_backend() {
            DatabaseBackend::Postgres => {
                for (name, check) in CHECKS {
                    db.execute_unprepared(&format!("ALTER TABLE submission ADD CONSTRAINT {name} CHECK ({check})"))
                        .await?;
                }
            }
            _ => {
                let SchemaManagerConnection::Connection(conn) = db else {
                    return Err(DbErr::Migration("SQLite migrations run outside a transaction".into()));
                };
                sqlite::set_checks(conn, "submission", CHECKS).await?;
            }
        }

        m.create_table(
            Table::create()
                .table(SubmissionVerdict::Table)
                .col(ColumnDef::new(SubmissionVerdict::SubmissionId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(SubmissionVerdict::Resolved).string_len(8).not_null())
                .col(ColumnDef::new(SubmissionVerdict::Satisfaction).small_integer().not_null())
                .col(ColumnDef::new(SubmissionVerdict::Comment).text().null())
                .col(ColumnDef::new(SubmissionVerdict::GivenAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(SubmissionVerdict::ReopenedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(SubmissionVerdict::ReopenComment).text().null())
                .foreign_key(&mut fk(
                    SubmissionVerdict::Table,
                    SubmissionVerdict::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .check(Expr::col(SubmissionVerdict::Resolved).is_in(["yes", "partly", "no"]))
                .check(Expr::col(SubmissionVerdict::Satisfaction).between(1, 5))
                // Only a "no" reopens, and a reopening has its comment's place.
                .check(
                    Expr::col(SubmissionVerdict::ReopenedAt)
                        .is_null()
                        .or(Expr::col(SubmissionVerdict::Resolved).eq("no")),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SubmissionVerdict::Table).to_owned()).await?;
        let db = m.get_connection();
        if m.get_database_backend() == DatabaseBackend::Postgres {
            for (name, _) in CHECKS {
                db.execute_unprepared(&format!("ALTER TABLE submission DROP CONSTRAINT {name}")).await?;
            }
        } else if let SchemaManagerConnection::Connection(conn) = db {
            let names: Vec<(&str, &str)> = CHECKS.iter().map(|(name, _)| (*name, "")).collect();
            sqlite::set_checks(conn, "submission", &names).await?;
        }
        for column in [Outcomes::Outcome, Outcomes::OutcomeReason, Outcomes::ReopenedAt] {
            m.alter_table(Table::alter().table(Submission::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

/// The columns this migration adds to `submission`.
#[derive(DeriveIden, Clone, Copy)]
enum Outcomes {
    Outcome,
    OutcomeReason,
    ReopenedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SubmissionVerdict {
    Table,
    SubmissionId,
    Resolved,
    Satisfaction,
    Comment,
    GivenAt,
    ReopenedAt,
    ReopenComment,
}
