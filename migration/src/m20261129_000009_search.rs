//! Searching submissions' subjects and details without reading every row.
//! Residents write Thai, which has no spaces between words, so both indexes
//! work on trigrams (any three characters), not words: SQLite's FTS5 with
//! the trigram tokenizer, kept in step by triggers in the writing
//! transaction, and PostgreSQL's `pg_trgm` GIN index over the lower-cased
//! text, which answers `LIKE '%…%'`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};
use sea_orm_migration::SchemaManagerConnection;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The text PostgreSQL indexes; `domain::submissions::search` queries the
/// very same expression, or the index is not used.
pub const POSTGRES_TEXT: &str = "lower(subject || E'\\n' || details)";

const SQLITE_UP: &str = "
CREATE VIRTUAL TABLE submission_search USING fts5(
    subject, details, content = 'submission', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO submission_search (submission_search) VALUES ('rebuild');
CREATE TRIGGER submission_search_insert AFTER INSERT ON submission BEGIN
    INSERT INTO submission_search (rowid, subject, details) VALUES (new.id, new.subject, new.details);
END;
CREATE TRIGGER submission_search_delete AFTER DELETE ON submission BEGIN
    INSERT INTO submission_search (submission_search, rowid, subject, details)
    VALUES ('delete', old.id, old.subject, old.details);
END;
CREATE TRIGGER submission_search_update AFTER UPDATE OF subject, details ON submission BEGIN
    INSERT INTO submission_search (submission_search, rowid, subject, details)
    VALUES ('delete', old.id, old.subject, old.details);
    INSERT INTO submission_search (rowid, subject, details) VALUES (new.id, new.subject, new.details);
END;
";

const SQLITE_DOWN: &str = "
DROP TRIGGER submission_search_update;
DROP TRIGGER submission_search_delete;
DROP TRIGGER submission_search_insert;
DROP TABLE submission_search;
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Postgres => {
                let schema = trigram_schema(db).await?;
                db.execute_unprepared(&format!(
                    "CREATE INDEX ix_submission_search ON submission USING gin ({POSTGRES_TEXT} \"{schema}\".gin_trgm_ops)"
                ))
                .await?;
            }
            _ => {
                db.execute_unprepared(SQLITE_UP).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Postgres => db.execute_unprepared("DROP INDEX ix_submission_search").await?,
            _ => db.execute_unprepared(SQLITE_DOWN).await?,
        };
        Ok(())
    }
}

/// The schema holding `pg_trgm`, installed into `public` if the database
/// does not have it yet (it is a trusted extension: the database's owner
/// may install it). An existing installation is used where it is.
async fn trigram_schema(db: &SchemaManagerConnection<'_>) -> Result<String, DbErr> {
    let find = || async {
        let row = db
            .query_one(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace \
                 WHERE e.extname = 'pg_trgm'",
            ))
            .await?;
        row.map(|row| row.try_get::<String>("", "schema")).transpose()
    };
    if let Some(schema) = find().await? {
        return Ok(schema);
    }
    // Another connection may install it at the same moment: under a
    // savepoint, so that losing that race leaves this transaction usable to
    // look again.
    let created = match db {
        SchemaManagerConnection::Transaction(txn) => {
            let savepoint = txn.begin().await?;
            match savepoint.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").await {
                Ok(_) => savepoint.commit().await,
                Err(err) => savepoint.rollback().await.and(Err(err)),
            }
        }
        SchemaManagerConnection::Connection(conn) => {
            conn.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").await.map(|_| ())
        }
    };
    match find().await? {
        Some(schema) => Ok(schema),
        None => Err(created.err().unwrap_or_else(|| DbErr::Migration("pg_trgm could not be installed".into()))),
    }
}
