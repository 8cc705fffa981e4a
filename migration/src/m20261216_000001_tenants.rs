//! Issue 15: one deployment for many agencies.
//!
//! - `agency.host` (unique, optional) names the host a request is served
//!   for; `agency.active` lets a province switch an agency off.
//! - `audit_log.agency_id`: each agency's admins read their own log. Rows
//!   written before belong to the one agency there was (the column's
//!   default fills them without an UPDATE, which the log's triggers refuse).
//! - Tracking codes and user names are unique per agency (two agencies both
//!   have `CR-2569-00001` and an `admin`).
//! - A row cannot point at another agency's row: composite foreign keys
//!   `(agency_id, x_id) → (agency_id, id)` on PostgreSQL; on SQLite, which
//!   cannot add constraints to a table in place, triggers that abort the
//!   statement. Link tables without an `agency_id` (activity ↔ submission,
//!   measure ↔ activity…) get such triggers on both databases.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::SchemaManagerConnection;

use crate::m20261125_000001_foundation::Agency;
use crate::m20261129_000007_write_rule::sqlite;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (child table, column, parent table): the child's `agency_id` must be the
/// parent's.
const SAME_AGENCY: &[(&str, &str, &str)] = &[
    ("service", "department_id", "department"),
    ("staff_user", "department_id", "department"),
    ("submission", "department_id", "department"),
    ("submission", "service_id", "service"),
    ("submission", "assignee_id", "staff_user"),
    ("activity", "department_id", "department"),
    ("measure", "department_id", "department"),
    ("open311_client", "created_by", "staff_user"),
];

/// (link table, column, its table, column, its table): both ends of a link
/// belong to one agency.
const SAME_AGENCY_LINKS: &[(&str, &str, &str, &str, &str)] = &[
    ("activity_submission", "activity_id", "activity", "submission_id", "submission"),
    ("activity_file", "activity_id", "activity", "file_id", "stored_file"),
    ("measure_activity", "measure_id", "measure", "activity_id", "activity"),
    ("measure_submission", "measure_id", "measure", "submission_id", "submission"),
    ("measure_note", "measure_id", "measure", "author_id", "staff_user"),
];

/// The parents of composite foreign keys, which need `UNIQUE (agency_id, id)`.
const PARENTS: [&str; 3] = ["department", "service", "staff_user"];

/// The text of the refusal, which tests look for.
pub const REFUSAL: &str = "belongs to another agency";

/// When a row breaks the rule: the trigger condition over `NEW`.
fn link_mismatch(link: &(&str, &str, &str, &str, &str)) -> String {
    let (_, a_col, a, b_col, b) = link;
    format!(
        "NOT EXISTS (SELECT 1 FROM {a} x, {b} y WHERE x.id = NEW.{a_col} AND y.id = NEW.{b_col} \
         AND x.agency_id = y.agency_id)"
    )
}

fn parent_mismatch(rule: &(&str, &str, &str)) -> String {
    let (_, column, parent) = rule;
    format!(
        "NEW.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = NEW.{column} \
         AND p.agency_id = NEW.agency_id)"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Agency::Table)
                .add_column(ColumnDef::new(Tenancy::Host).string_len(253).null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Agency::Table)
                .add_column(ColumnDef::new(Tenancy::Active).boolean().not_null().default(true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ux_agency_host").table(Agency::Table).col(Tenancy::Host).unique().to_owned(),
        )
        .await?;

        let db = m.get_connection();
        let postgres = m.get_database_backend() == DatabaseBackend::Postgres;
        let first = db
            .query_one(sea_orm_migration::sea_orm::Statement::from_string(
                m.get_database_backend(),
                "SELECT COALESCE(MIN(id), 1) AS id FROM agency",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "id"))
            .transpose()?
            .unwrap_or(1);
        db.execute_unprepared(&format!("ALTER TABLE audit_log ADD COLUMN agency_id bigint NOT NULL DEFAULT {first}"))
            .await?;
        // SQLite adds no foreign key with a default; the domain writes the
        // agency of the actor.
        if postgres {
            db.execute_unprepared(
                "ALTER TABLE audit_log ALTER COLUMN agency_id DROP DEFAULT; \
                 ALTER TABLE audit_log ADD CONSTRAINT fk_audit_agency FOREIGN KEY (agency_id) REFERENCES agency (id);",
            )
            .await?;
        }
        db.execute_unprepared("CREATE INDEX ix_audit_agency ON audit_log (agency_id, id)").await?;

        // Unique per agency instead of everywhere.
        if postgres {
            db.execute_unprepared(
                "ALTER TABLE submission DROP CONSTRAINT submission_tracking_code_key; \
                 ALTER TABLE staff_user DROP CONSTRAINT staff_user_username_key;",
            )
            .await?;
        } else {
            let SchemaManagerConnection::Connection(conn) = db else {
                return Err(DbErr::Migration("SQLite migrations run outside a transaction".into()));
            };
            for (table, column) in
                [("submission", "\"tracking_code\" varchar(32)"), ("staff_user", "\"username\" varchar(64)")]
            {
                sqlite::rebuild_as(conn, table, &|create| {
                    let unique = format!("{column} NOT NULL UNIQUE");
                    if !create.contains(&unique) {
                        return Err(DbErr::Migration(format!("unexpected schema of {table}")));
                    }
                    Ok(create.replacen(&unique, &format!("{column} NOT NULL"), 1))
                })
                .await?;
            }
        }
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_submission_agency_code ON submission (agency_id, tracking_code); \
             CREATE UNIQUE INDEX ux_staff_user_agency_username ON staff_user (agency_id, username); \
             DROP INDEX ix_submission_tracking_key; \
             CREATE UNIQUE INDEX ix_submission_tracking_key ON submission (agency_id, tracking_code, access_key_hash);",
        )
        .await?;

        if postgres {
            for parent in PARENTS {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {parent} ADD CONSTRAINT ux_{parent}_agency UNIQUE (agency_id, id)"
                ))
                .await?;
            }
            for (table, column, parent) in SAME_AGENCY {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{column}_agency \
                     FOREIGN KEY (agency_id, {column}) REFERENCES {parent} (agency_id, id)"
                ))
                .await?;
            }
            for link in SAME_AGENCY_LINKS {
                let table = link.0;
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION {table}_same_agency() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN IF {cond} THEN RAISE EXCEPTION '{table}: {REFUSAL}'; END IF; RETURN NEW; END $$; \
                     CREATE TRIGGER {table}_same_agency BEFORE INSERT OR UPDATE ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION {table}_same_agency();",
                    cond = link_mismatch(link)
                ))
                .await?;
            }
        } else {
            let rules = SAME_AGENCY
                .iter()
                .map(|rule| (format!("{}_{}", rule.0, rule.1), rule.0, parent_mismatch(rule)))
                .chain(SAME_AGENCY_LINKS.iter().map(|link| (link.0.to_owned(), link.0, link_mismatch(link))));
            for (name, table, cond) in rules {
                for operation in ["INSERT", "UPDATE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name}_same_agency_{op} BEFORE {operation} ON {table} WHEN {cond} \
                         BEGIN SELECT RAISE(ABORT, '{table}: {REFUSAL}'); END;",
                        op = operation.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, _: &SchemaManager) -> Result<(), DbErr> {
        // Agencies sharing codes and user names cannot go back to one
        // namespace without losing rows.
        Err(DbErr::Migration("issue 15's tenancy cannot be undone".into()))
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Tenancy {
    Host,
    Active,
}
