//! Where every change to an agency's data begins (DESIGN.md rule 3, "the
//! write owns the truth").
//!
//! [`begin`] opens a transaction whose first statement adds one to the
//! agency's `data_version`. That statement takes the write before anything
//! is read: SQLite's one write lock (a transaction that read first would
//! fail with SQLITE_BUSY when it tried to write while residents submit), a
//! row lock on PostgreSQL that orders the agency's writers one after
//! another. So whatever a domain function reads after `begin` is the row as
//! it is at that moment, and stays so until it commits: the check and the
//! write are one atomic step. The new version also tells every instance that
//! cached answers of the agency are out of date.
//!
//! On SQLite, writers in this process also queue for the file in the order
//! they came (a fair lock), instead of sleeping and retrying in SQLite's busy
//! handler, where a steady stream of residents' submissions could starve a
//! staff member's save.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement,
    TransactionTrait,
};
use tokio::sync::OwnedMutexGuard;

/// A write transaction of one agency; see the module's documentation.
pub struct Write {
    txn: DatabaseTransaction,
    version: i64,
    /// SQLite: this process's turn at the file, held until commit or drop.
    _turn: Option<OwnedMutexGuard<()>>,
}

/// Begins a write of `agency_id`'s data, taking the write first.
pub async fn begin(db: &DatabaseConnection, agency_id: i64) -> Result<Write, DbErr> {
    let turn = match sqlite_turn(db) {
        Some(turn) => Some(turn.lock_owned().await),
        None => None,
    };
    let txn = db.begin().await?;
    let bumped = txn
        .query_one(Statement::from_sql_and_values(
            txn.get_database_backend(),
            match txn.get_database_backend() {
                DbBackend::Postgres => {
                    "UPDATE agency SET data_version = data_version + 1 WHERE id = $1 RETURNING data_version"
                }
                _ => "UPDATE agency SET data_version = data_version + 1 WHERE id = ? RETURNING data_version",
            },
            [agency_id.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("agency {agency_id}")))?;
    let version = bumped.try_get("", "data_version")?;
    Ok(Write { txn, version, _turn: turn })
}

impl Write {
    /// The agency's data version this transaction makes.
    pub fn version(&self) -> i64 {
        self.version
    }

    /// Makes the change durable and lets the next writer in.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// A savepoint: work under it can be undone alone (`rollback`) while the
    /// rest of the transaction goes on.
    pub async fn savepoint(&self) -> Result<DatabaseTransaction, DbErr> {
        self.txn.begin().await
    }
}

/// The fair lock of the SQLite file behind `db`, shared by every connection
/// to that file in this process; `None` for PostgreSQL.
fn sqlite_turn(db: &DatabaseConnection) -> Option<Arc<tokio::sync::Mutex<()>>> {
    static TURNS: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> = LazyLock::new(Default::default);
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let file = db.get_sqlite_connection_pool().connect_options().get_filename().to_owned();
    let file = std::fs::canonicalize(&file).unwrap_or(file);
    let mut turns = TURNS.lock().unwrap_or_else(|e| e.into_inner());
    Some(turns.entry(file).or_default().clone())
}

#[async_trait::async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one(stmt).await
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}
