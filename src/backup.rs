//! `siang backup FILE` and `siang restore FILE`.
//!
//! A backup is a consistent copy taken while the portal serves: on SQLite
//! with `VACUUM INTO` (one read transaction, so writers go on), written
//! beside FILE and renamed into place only once it is complete and on disk;
//! on PostgreSQL with `pg_dump` (custom format) inside a snapshot whose
//! submissions are counted, so the count printed is the count in the file.
//!
//! A restore refuses a database that holds data unless forced, checks the
//! backup first (a SQLite backup must pass `integrity_check` and come from
//! this version of Siang or an older one), then applies any newer
//! migrations and says what it restored. Stop the portal before restoring.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context};
use migration::{MigratorTrait, SchemaManager};
use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr, IsolationLevel,
    Statement, TransactionTrait,
};

/// Where a database is: its URL, and for PostgreSQL the schema when it is
/// not the default one (`public`).
#[derive(Debug, Clone)]
pub struct Location {
    pub url: String,
    pub schema: Option<String>,
}

impl Location {
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), schema: None }
    }

    fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }

    async fn connect(&self) -> Result<DatabaseConnection, DbErr> {
        let mut options = ConnectOptions::new(self.url.clone());
        if let Some(schema) = &self.schema {
            options.set_schema_search_path(schema.clone());
        }
        crate::db::connect_with(options).await
    }

    /// The file of a SQLite URL.
    fn sqlite_file(&self) -> anyhow::Result<PathBuf> {
        let options = SqliteConnectOptions::from_str(&self.url).context("reading the SQLite URL")?;
        let file = options.get_filename();
        if file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:") {
            bail!("{} is not a database file", self.url);
        }
        Ok(file.to_path_buf())
    }
}

/// What a backup or a restored database holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub submissions: i64,
    /// The tracking code of the last submission received.
    pub latest: Option<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} submissions", self.submissions)?;
        match &self.latest {
            Some(code) => write!(f, ", the latest {code}"),
            None => Ok(()),
        }
    }
}

/// Tables that are empty in a database nobody has used yet (the
/// migrations' default agency, departments and services aside).
const HOLDS_DATA: [&str; 6] = ["submission", "staff_user", "audit_log", "activity", "measure", "ita_item"];

/// Whether the database holds anything a restore would destroy.
pub async fn holds_data(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let schema = SchemaManager::new(db);
    for table in HOLDS_DATA {
        if schema.has_table(table).await? && count(db, &format!("SELECT COUNT(*) AS n FROM {table}")).await? > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> Result<i64, DbErr> {
    let row = db.query_one(Statement::from_string(db.get_database_backend(), sql)).await?;
    row.map(|row| row.try_get("", "n")).transpose().map(Option::unwrap_or_default)
}

async fn summarize(db: &impl ConnectionTrait) -> Result<Summary, DbErr> {
    let submissions = count(db, "SELECT COUNT(*) AS n FROM submission").await?;
    let latest = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT tracking_code FROM submission ORDER BY id DESC LIMIT 1",
        ))
        .await?
        .map(|row| row.try_get::<String>("", "tracking_code"))
        .transpose()?;
    Ok(Summary { submissions, latest })
}

/// `FILE.partial`, beside FILE: written first, renamed when complete.
fn partial(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Makes `partial` durable and gives it its final name `file`.
async fn put_in_place(partial: &Path, file: &Path) -> anyhow::Result<()> {
    tokio::fs::File::open(partial).await?.sync_all().await.context("writing the backup to disk")?;
    tokio::fs::rename(partial, file).await.with_context(|| format!("renaming to {}", file.display()))?;
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    tokio::fs::File::open(dir).await?.sync_all().await.context("writing the directory to disk")?;
    Ok(())
}

/// Backs up the database at `from` into `file`, which must not exist yet.
pub async fn backup(from: &Location, file: &Path) -> anyhow::Result<Summary> {
    if tokio::fs::try_exists(file).await? {
        bail!("{} exists already: a backup never overwrites one; choose a new name", file.display());
    }
    if from.is_sqlite() && !tokio::fs::try_exists(from.sqlite_file()?).await? {
        bail!("{} holds no Siang database", from.url);
    }
    let db = from.connect().await.context("connecting to the database")?;
    if !SchemaManager::new(&db).has_table("submission").await? {
        bail!("{} holds no Siang database", from.url);
    }
    let partial = partial(file);
    let _ = tokio::fs::remove_file(&partial).await; // Left over from an interrupted backup.
    let written = match db.get_database_backend() {
        DatabaseBackend::Sqlite => backup_sqlite(&db, &partial).await,
        _ => backup_postgres(&db, from, &partial).await,
    };
    db.close().await?;
    let summary = match written {
        Ok(summary) => summary,
        Err(err) => {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(err);
        }
    };
    put_in_place(&partial, file).await?;
    Ok(summary)
}

async fn backup_sqlite(db: &DatabaseConnection, partial: &Path) -> anyhow::Result<Summary> {
    let target = partial.to_str().context("the backup's path must be UTF-8")?;
    db.execute(Statement::from_sql_and_values(DatabaseBackend::Sqlite, "VACUUM INTO ?", [target.into()]))
        .await
        .context("copying the database (VACUUM INTO)")?;
    // Read back from the copy itself: what it holds, and that it is whole.
    let copy = open_sqlite_backup(partial).await?;
    let summary = summarize(&copy).await;
    copy.close().await?;
    Ok(summary?)
}

/// A SQLite backup opened read-only, after SQLite checked every page of it.
async fn open_sqlite_backup(file: &Path) -> anyhow::Result<DatabaseConnection> {
    let url = format!("sqlite://{}?mode=ro", file.display());
    let db = Database::connect(url).await.with_context(|| format!("opening {}", file.display()))?;
    let row = db
        .query_one(Statement::from_string(DatabaseBackend::Sqlite, "PRAGMA integrity_check"))
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    let verdict: String = row.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or_default();
    if verdict != "ok" {
        bail!("{} is damaged: {verdict}", file.display());
    }
    Ok(db)
}

async fn backup_postgres(db: &DatabaseConnection, from: &Location, partial: &Path) -> anyhow::Result<Summary> {
    // pg_dump reads the snapshot this transaction exports, so the figures
    // counted here are those of the dump.
    let snapshot_holder =
        db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?;
    let snapshot: String = snapshot_holder
        .query_one(Statement::from_string(DatabaseBackend::Postgres, "SELECT pg_export_snapshot() AS id"))
        .await?
        .context("exporting a snapshot")?
        .try_get("", "id")?;
    let summary = summarize(&snapshot_holder).await?;
    let mut dump = tokio::process::Command::new("pg_dump");
    dump.arg("--format=custom")
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg(format!("--snapshot={snapshot}"))
        .arg(format!("--file={}", partial.display()));
    if let Some(schema) = &from.schema {
        dump.arg(format!("--schema={schema}"));
    }
    dump.arg(format!("--dbname={}", from.url));
    run(dump, "pg_dump").await?;
    snapshot_holder.commit().await?;
    Ok(summary)
}

/// Runs a PostgreSQL client program, with its complaint as the error.
async fn run(mut command: tokio::process::Command, name: &str) -> anyhow::Result<()> {
    let output = command.output().await.with_context(|| {
        format!("running {name}: install the PostgreSQL client programs (of the server's major version or newer)")
    })?;
    if !output.status.success() {
        bail!("{name} failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}

/// Restores `file` into the database at `into`. A database that holds data
/// is replaced only when `force` is set.
pub async fn restore(file: &Path, into: &Location, force: bool) -> anyhow::Result<Summary> {
    if !tokio::fs::try_exists(file).await? {
        bail!("{} does not exist", file.display());
    }
    let target = into.connect().await.context("connecting to the database to restore into")?;
    let occupied = holds_data(&target).await?;
    target.close().await?;
    if occupied && !force {
        bail!(
            "the database at {} holds data; a restore would replace all of it. \
             Restore into an empty database, or add --force to replace it",
            into.url
        );
    }
    if into.is_sqlite() {
        restore_sqlite(file, into).await?;
    } else {
        restore_postgres(file, into).await?;
    }
    let db = into.connect().await.context("opening the restored database")?;
    migration::Migrator::up(&db, None).await.context("bringing the restored database up to this version")?;
    let summary = summarize(&db).await;
    db.close().await?;
    Ok(summary?)
}

async fn restore_sqlite(file: &Path, into: &Location) -> anyhow::Result<()> {
    let target = into.sqlite_file()?;
    let backup = open_sqlite_backup(file).await?;
    let checked = known_migrations(&backup).await;
    let partial = partial(&target);
    let _ = tokio::fs::remove_file(&partial).await;
    let copied = match (checked, partial.to_str()) {
        (Err(err), _) => Err(err),
        (Ok(()), None) => Err(anyhow::anyhow!("the database's path must be UTF-8")),
        (Ok(()), Some(path)) => backup
            .execute(Statement::from_sql_and_values(DatabaseBackend::Sqlite, "VACUUM INTO ?", [path.into()]))
            .await
            .map(|_| ())
            .context("copying the backup"),
    };
    backup.close().await?;
    copied?;
    // The replaced database's write-ahead log must not be replayed into the copy.
    for suffix in ["-wal", "-shm"] {
        let mut name = target.as_os_str().to_owned();
        name.push(suffix);
        let _ = tokio::fs::remove_file(PathBuf::from(name)).await;
    }
    put_in_place(&partial, &target).await
}

/// The schema of the Siang tables in a `pg_dump` archive (which this also
/// checks is one).
async fn archive_schema(file: &Path) -> anyhow::Result<String> {
    let output = tokio::process::Command::new("pg_restore")
        .arg("--list")
        .arg(file)
        .output()
        .await
        .context("running pg_restore: install the PostgreSQL client programs")?;
    if !output.status.success() {
        bail!("{} is not a PostgreSQL backup: {}", file.display(), String::from_utf8_lossy(&output.stderr).trim());
    }
    // Entries read `240; 1259 43374 TABLE public submission postgres`.
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .find(|words| words.get(3) == Some(&"TABLE") && words.get(5) == Some(&"submission"))
        .and_then(|words| words.get(4).map(|schema| (*schema).to_owned()))
        .with_context(|| format!("{} holds no Siang database", file.display()))
}

/// Refuses a backup made by a newer Siang: this one could not run on it.
async fn known_migrations(backup: &DatabaseConnection) -> anyhow::Result<()> {
    let known: Vec<String> = migration::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let applied = backup
        .query_all(Statement::from_string(backup.get_database_backend(), "SELECT version FROM seaql_migrations"))
        .await
        .context("the backup is not a Siang database")?;
    for row in applied {
        let version: String = row.try_get("", "version")?;
        if !known.contains(&version) {
            bail!("the backup comes from a newer Siang (migration {version}); restore it with that version");
        }
    }
    Ok(())
}

async fn restore_postgres(file: &Path, into: &Location) -> anyhow::Result<()> {
    // A dump recreates its tables in the schema they were dumped from.
    let schema = archive_schema(file).await?;
    let target = into.schema.as_deref().unwrap_or("public");
    if schema != target {
        bail!("the backup holds schema {schema}; it restores only into a database whose Siang schema is {schema}");
    }
    // The search index's operator class comes from the pg_trgm extension,
    // which a dump of the portal's schema does not carry: a fresh database
    // gets it as the migration would give it.
    let target_db = into.connect().await?;
    target_db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").await?;
    target_db.close().await?;
    let mut restore = tokio::process::Command::new("pg_restore");
    // One transaction: a restore that fails leaves the database as it was.
    // --clean drops what the backup brings back (the tables that
    // `siang migrate` made in an empty database, or the data being replaced).
    restore
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg("--exit-on-error")
        .arg("--single-transaction")
        .arg("--clean")
        .arg("--if-exists")
        .arg(format!("--dbname={}", into.url))
        .arg(file);
    run(restore, "pg_restore").await
}
