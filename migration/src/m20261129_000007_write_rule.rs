//! The database refuses illegal states (DESIGN.md rule 3).
//!
//! - `agency.data_version`: every write transaction starts by adding one to
//!   it. That first statement takes the write (SQLite's write lock, a row
//!   lock on PostgreSQL) before anything is read, and the number tells every
//!   instance's caches that something changed.
//! - CHECK constraints on `submission`: a closed status if and only if
//!   `closed_at` is set, and then no due date and a first answer; a referral
//!   names where it went; codes from their closed sets. Ratings stay on their
//!   1–4 scale and indicator links on 6–10.
//! - `submission_request`: the one-time ids of resident forms and the API's
//!   `Idempotency-Key`s, so that a repeated request finds its first answer.
//!
//! Before the constraints go on, rows that break them (left behind by two
//! staff changing one item at once, before this migration) are repaired to
//! agree with their status, and each repair is written to the audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::SchemaManagerConnection;

use crate::m20261125_000001_foundation::{fk, index, Agency, Submission};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, constraint name, condition)
const CHECKS: &[(&str, &str, &str)] = &[
    (
        "submission",
        "ck_submission_status",
        "status IN ('received', 'accepted', 'in_progress', 'resolved', 'rejected', 'referred')",
    ),
    (
        "submission",
        "ck_submission_kind",
        "kind IN ('service_feedback', 'complaint', 'corruption', 'suggestion', 'question')",
    ),
    (
        "submission",
        "ck_submission_channel",
        "channel IN ('web', 'walk_in', 'phone', 'letter', 'facebook', 'line', 'damrongdhama', 'hotline_1111')",
    ),
    (
        "submission",
        "ck_submission_closed",
        "(status IN ('resolved', 'rejected', 'referred')) = (closed_at IS NOT NULL)",
    ),
    ("submission", "ck_submission_due", "(closed_at IS NULL) = (next_due_at IS NOT NULL)"),
    ("submission", "ck_submission_answered", "closed_at IS NULL OR first_answered_at IS NOT NULL"),
    ("submission", "ck_submission_referral", "status <> 'referred' OR referred_to IS NOT NULL"),
    ("submission", "ck_submission_month", "fiscal_month BETWEEN 1 AND 12"),
    ("submission_rating", "ck_rating_scale", "value BETWEEN 1 AND 4"),
    ("submission_indicator", "ck_indicator_range", "indicator BETWEEN 6 AND 10"),
];

const CHECKED_TABLES: [&str; 3] = ["submission", "submission_rating", "submission_indicator"];

/// The (name, condition) of the checks on `table`.
fn checks_of(table: &str) -> Vec<(&'static str, &'static str)> {
    CHECKS.iter().filter(|(t, _, _)| *t == table).map(|(_, name, check)| (*name, *check)).collect()
}

/// Repairs, in order: (what the audit log says, rows to repair, the change).
/// Each makes the row agree with its status, the last word of its timeline.
const REPAIRS: &[(&str, &str, &str)] = &[
    (
        "closed without closed_at",
        "status IN ('resolved', 'rejected', 'referred') AND closed_at IS NULL",
        "closed_at = updated_at",
    ),
    (
        "open with closed_at",
        "status NOT IN ('resolved', 'rejected', 'referred') AND closed_at IS NOT NULL",
        "closed_at = NULL",
    ),
    (
        "closed without an answer",
        "closed_at IS NOT NULL AND first_answered_at IS NULL",
        "first_answered_at = closed_at",
    ),
    ("referred without its target", "status = 'referred' AND referred_to IS NULL", "referred_to = '-'"),
    ("closed with a due date", "closed_at IS NOT NULL AND next_due_at IS NOT NULL", "next_due_at = NULL"),
    (
        "open without a due date",
        "closed_at IS NULL AND next_due_at IS NULL",
        "next_due_at = CASE WHEN first_answered_at IS NULL THEN due_at ELSE close_due_at END",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Agency::Table)
                .add_column(ColumnDef::new(Agency::DataVersion).big_integer().not_null().default(0))
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        for (what, rows, change) in REPAIRS {
            // The audit entry first: it names the rows before they change.
            db.execute_unprepared(&format!(
                "INSERT INTO audit_log (at, actor_id, actor_name, action, target_type, target_id, detail) \
                 SELECT CURRENT_TIMESTAMP, NULL, 'migration', 'repaired', 'submission', id, \
                 tracking_code || ': {what}' FROM submission WHERE {rows}"
            ))
            .await?;
            db.execute_unprepared(&format!("UPDATE submission SET {change} WHERE {rows}")).await?;
        }
        // Indicator links and ratings outside their range were never accepted
        // by the domain; there is nothing of them to repair.

        match m.get_database_backend() {
            DatabaseBackend::Postgres => {
                for (table, name, check) in CHECKS {
                    db.execute_unprepared(&format!("ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check})"))
                        .await?;
                }
            }
            _ => {
                let SchemaManagerConnection::Connection(conn) = db else {
                    return Err(DbErr::Migration("SQLite migrations run outside a transaction".into()));
                };
                for table in CHECKED_TABLES {
                    sqlite::set_checks(conn, table, &checks_of(table)).await?;
                }
            }
        }

        m.create_table(
            Table::create()
                .table(SubmissionRequest::Table)
                .col(ColumnDef::new(SubmissionRequest::KeyHash).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(SubmissionRequest::BodyHash).string_len(64).not_null())
                .col(ColumnDef::new(SubmissionRequest::SubmissionId).big_integer().not_null())
                .col(ColumnDef::new(SubmissionRequest::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(
                    SubmissionRequest::Table,
                    SubmissionRequest::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .to_owned(),
        )
        .await?;
        index(m, SubmissionRequest::Table, "ix_submission_request_age", &[SubmissionRequest::CreatedAt]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SubmissionRequest::Table).to_owned()).await?;
        let db = m.get_connection();
        if m.get_database_backend() == DatabaseBackend::Postgres {
            for (table, name, _) in CHECKS {
                db.execute_unprepared(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}")).await?;
            }
        } else if let SchemaManagerConnection::Connection(conn) = db {
            for table in CHECKED_TABLES {
                let names: Vec<(&str, &str)> = checks_of(table).into_iter().map(|(name, _)| (name, "")).collect();
                sqlite::set_checks(conn, table, &names).await?;
            }
        }
        m.alter_table(Table::alter().table(Agency::Table).drop_column(Agency::DataVersion).to_owned()).await
    }
}

/// SQLite cannot add a CHECK to a table in place: the table is rebuilt with
/// its constraints, as <https://sqlite.org/lang_altertable.html#otheralter>
/// describes, on one connection with foreign keys off for the swap.
pub(crate) mod sqlite {
    use sea_orm_migration::prelude::DbErr;
    use sea_orm_migration::sea_orm::sqlx::{self, Row};
    use sea_orm_migration::sea_orm::DatabaseConnection;

    fn failed(err: sqlx::Error) -> DbErr {
        DbErr::Migration(format!("rebuilding a table with its constraints: {err}"))
    }

    /// Rebuilds `table` with the named CHECK constraints `checks`, replacing
    /// any it had under those names (a check with an empty condition is only
    /// removed), keeping its rows, indexes and triggers.
    pub async fn set_checks(db: &DatabaseConnection, table: &str, checks: &[(&str, &str)]) -> Result<(), DbErr> {
        rebuild_as(db, table, &|create| with_checks(create, table, checks)).await
    }

    /// Rebuilds `table` from its CREATE TABLE statement as `edit` changes
    /// it, keeping its rows, indexes and triggers.
    pub async fn rebuild_as(
        db: &DatabaseConnection,
        table: &str,
        edit: &(dyn Fn(&str) -> Result<String, DbErr> + Sync),
    ) -> Result<(), DbErr> {
        let pool = db.get_sqlite_connection_pool();
        let mut conn = pool.acquire().await.map_err(failed)?;
        sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *conn).await.map_err(failed)?;
        let rebuilt = rebuild(&mut conn, table, edit).await;
        if rebuilt.is_err() {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        }
        sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await.map_err(failed)?;
        rebuilt
    }

    /// The CREATE TABLE statement with the checks put (back) in.
    fn with_checks(create: &str, table: &str, checks: &[(&str, &str)]) -> Result<String, DbErr> {
        let body = strip_checks(create, checks);
        let close = body.rfind(')').ok_or_else(|| DbErr::Migration(format!("unexpected schema of {table}")))?;
        let mut columns = body[..close].to_owned();
        for (name, check) in checks.iter().filter(|(_, check)| !check.is_empty()) {
            columns.push_str(&format!(", CONSTRAINT \"{name}\" CHECK ({check})"));
        }
        Ok(format!("{columns}{}", &body[close..]))
    }

    async fn rebuild(
        conn: &mut sqlx::SqliteConnection,
        table: &str,
        edit: &(dyn Fn(&str) -> Result<String, DbErr> + Sync),
    ) -> Result<(), DbErr> {
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.map_err(failed)?;
        let create: String = sqlx::query("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")
            .bind(table)
            .fetch_one(&mut *conn)
            .await
            .map_err(failed)?
            .get(0);
        let others: Vec<String> = sqlx::query(
            "SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
        )
        .bind(table)
        .fetch_all(&mut *conn)
        .await
        .map_err(failed)?
        .iter()
        .map(|row| row.get(0))
        .collect();
        let edited = edit(&create)?;
        let open = edited.find('(').ok_or_else(|| DbErr::Migration(format!("unexpected schema of {table}")))?;
        let new_table = format!("{table}_rebuilt");
        let definition = format!("CREATE TABLE \"{new_table}\" {}", &edited[open..]);
        for statement in [
            definition,
            format!("INSERT INTO \"{new_table}\" SELECT * FROM \"{table}\""),
            format!("DROP TABLE \"{table}\""),
            format!("ALTER TABLE \"{new_table}\" RENAME TO \"{table}\""),
        ] {
            sqlx::query(&statement).execute(&mut *conn).await.map_err(failed)?;
        }
        for statement in others {
            sqlx::query(&statement).execute(&mut *conn).await.map_err(failed)?;
        }
        let broken = sqlx::query("PRAGMA foreign_key_check").fetch_optional(&mut *conn).await.map_err(failed)?;
        if broken.is_some() {
            return Err(DbErr::Migration(format!("rebuilding {table} would break a foreign key")));
        }
        sqlx::query("COMMIT").execute(&mut *conn).await.map_err(failed)?;
        Ok(())
    }

    /// The CREATE TABLE statement without the named constraints it will get
    /// again (so running the rebuild twice does not add them twice).
    fn strip_checks(create: &str, checks: &[(&str, &str)]) -> String {
        let mut sql = create.to_owned();
        for (name, _) in checks {
            let marker = format!(", CONSTRAINT \"{name}\" CHECK (");
            if let Some(start) = sql.find(&marker) {
                let mut depth = 0;
                let mut end = start + marker.len() - 1;
                for (offset, c) in sql[end..].char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                end += offset + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                sql.replace_range(start..end, "");
            }
        }
        sql
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum SubmissionRequest {
    Table,
    KeyHash,
    BodyHash,
    SubmissionId,
    CreatedAt,
}
