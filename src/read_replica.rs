//! The optional PostgreSQL hot standby (`SIANG_READ_DATABASE_URL`) that
//! public pages which only read are served from. How far it lags is measured
//! every second in the background; while it cannot be reached or lags more
//! than `MAX_LAG`, those pages read from the primary, so a standby outage
//! slows nothing but the primary. The measure is this process's routing
//! hint, not shared truth: each instance decides for itself.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

/// Beyond this lag public pages read from the primary instead.
pub const MAX_LAG: Duration = Duration::from_secs(30);
const MEASURE_EVERY: Duration = Duration::from_secs(1);

/// Seconds since the last replayed transaction, or 0 when the standby has
/// replayed all it received (an idle primary sends nothing to replay). A
/// server that is not a standby lags by 0.
const LAG_SQL: &str = "SELECT CASE WHEN NOT pg_is_in_recovery() \
    OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0::float8 \
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8 END AS lag";

pub struct ReadReplica {
    db: DatabaseConnection,
    /// The last measure: the lag, or why it could not be measured.
    lag: Mutex<Result<Duration, String>>,
}

impl ReadReplica {
    /// Connects lazily (an instance starts while the standby is down) and
    /// starts measuring; the measuring stops when the replica is dropped.
    pub async fn connect(url: &str) -> Result<Arc<Self>, DbErr> {
        if !url.starts_with("postgres") {
            return Err(DbErr::Custom("SIANG_READ_DATABASE_URL must be a PostgreSQL standby (postgres://…)".into()));
        }
        let mut options = ConnectOptions::new(url);
        options.connect_lazy(true);
        let db = crate::db::connect_with(options).await?;
        let replica = Arc::new(Self { db, lag: Mutex::new(Err("not measured yet".into())) });
        replica.measure().await;
        tokio::spawn(keep_measuring(Arc::downgrade(&replica)));
        Ok(replica)
    }

    /// The standby, when it was reachable and close enough at the last measure.
    pub fn usable(&self) -> Option<&DatabaseConnection> {
        self.lag().ok().filter(|lag| *lag <= MAX_LAG).map(|_| &self.db)
    }

    /// The last measure of the lag, or why there is none.
    pub fn lag(&self) -> Result<Duration, String> {
        self.lag.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    async fn measure(&self) {
        let measured = self
            .db
            .query_one(Statement::from_string(DatabaseBackend::Postgres, LAG_SQL))
            .await
            .and_then(|row| row.ok_or_else(|| DbErr::RecordNotFound("lag".into())))
            .and_then(|row| row.try_get::<f64>("", "lag"))
            .map(|seconds| Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX))
            .map_err(|err| err.to_string());
        if let Err(err) = &measured {
            tracing::warn!(error = %err, "read replica unavailable; public pages read from the primary");
        }
        *self.lag.lock().unwrap_or_else(|e| e.into_inner()) = measured;
    }
}

async fn keep_measuring(replica: Weak<ReadReplica>) {
    loop {
        tokio::time::sleep(MEASURE_EVERY).await;
        let Some(replica) = replica.upgrade() else { return };
        replica.measure().await;
    }
}
