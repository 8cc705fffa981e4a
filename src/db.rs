//! Opening the database: SQLite (the embedded default) or PostgreSQL from the
//! same code.

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, Statement};

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(ConnectOptions::new(url)).await
}

/// Connects with Siang's settings on top of `options`. SQLite gets WAL (readers
/// never wait for the writer), foreign keys, a busy timeout so concurrent
/// writers queue instead of failing, and FULL sync so an acknowledged
/// submission survives a crash.
pub async fn connect_with(mut options: ConnectOptions) -> Result<DatabaseConnection, DbErr> {
    let sqlite = options.get_url().starts_with("sqlite:");
    options
        .max_connections(if sqlite { 8 } else { 16 })
        .acquire_timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    if sqlite {
        options.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    }
    Database::connect(options).await
}

/// Whether the database answers a real read. A ping alone is not enough:
/// SQLite answers pings while another process holds its file locked.
pub async fn reachable(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await?;
    db.query_one(Statement::from_string(db.get_database_backend(), "SELECT 1 FROM agency LIMIT 1")).await?;
    Ok(())
}
