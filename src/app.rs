//! The application state and the router with its layers.

use std::ops::Deref;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use axum::{middleware, Router};
use entity::{agency, app_setting};
use rand::RngCore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::auth::session_store::DbSessionStore;
use crate::config::ServerConfig;
use crate::csrf::CsrfKey;
use crate::domain::participation::public::{LogMemo, LOG_TTL};
use crate::domain::statistics::{StatisticsMemo, STATISTICS_TTL};
use crate::domain::submissions::inbox::{InboxCountsMemo, INBOX_COUNTS_TTL};
use crate::domain::submissions::queue::SubmissionQueue;
use crate::rate_limit::{Limiter, Limits};

/// Memoised answers kept per kind of count (a few KiB each).
const MEMO_CAPACITY: usize = 512;

/// Everything a handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<App>);

pub struct App {
    pub db: DatabaseConnection,
    pub config: ServerConfig,
    pub csrf: CsrfKey,
    pub limits: Limits,
    /// One permit per request being served; see `security::cap_concurrency`.
    pub request_slots: tokio::sync::Semaphore,
    /// Counts reused until the data changes (`domain::memo`).
    pub statistics: StatisticsMemo,
    pub inbox_counts: InboxCountsMemo,
    pub log_pages: LogMemo,
    /// Residents' submissions, committed in groups.
    pub submissions: SubmissionQueue,
    /// The agency, read on every page; reloaded when admins change it.
    agency: RwLock<Arc<agency::Model>>,
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

impl AppState {
    /// Builds the state over a migrated database.
    pub async fn new(db: DatabaseConnection, config: ServerConfig) -> Result<Self, DbErr> {
        let secret = match &config.secret {
            Some(secret) => secret.clone().into_bytes(),
            None => stored_secret(&db).await?.into_bytes(),
        };
        let agency = crate::domain::agency::current(&db).await?;
        let limits = Limits {
            submissions: Limiter::per_minute(config.submit_per_minute),
            tracking: Limiter::per_minute(config.track_per_minute),
            login_by_address: Limiter::per_minute(config.login_per_minute * 4),
            login_by_username: Limiter::per_minute(config.login_per_minute),
        };
        Ok(Self(Arc::new(App {
            submissions: SubmissionQueue::start(db.clone()),
            db,
            request_slots: tokio::sync::Semaphore::new(config.max_concurrent_requests),
            statistics: StatisticsMemo::new(STATISTICS_TTL, MEMO_CAPACITY),
            inbox_counts: InboxCountsMemo::new(INBOX_COUNTS_TTL, MEMO_CAPACITY),
            log_pages: LogMemo::new(LOG_TTL, MEMO_CAPACITY),
            csrf: CsrfKey::new(&secret),
            limits,
            config,
            agency: RwLock::new(Arc::new(agency)),
        })))
    }

    /// Replaces the cached agency after its settings changed.
    pub fn set_agency(&self, agency: agency::Model) {
        *self.agency.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(agency);
    }

    pub fn agency(&self) -> Arc<agency::Model> {
        // A poisoned lock still holds a whole value: writers only swap the Arc.
        self.agency.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The signing secret kept in the database, made on first use. Insert-or-keep
/// then read, so two instances starting together agree on one secret.
async fn stored_secret(db: &DatabaseConnection) -> Result<String, DbErr> {
    const KEY: &str = "signing_secret";
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    app_setting::Entity::insert(app_setting::ActiveModel { key: Set(KEY.into()), value: Set(hex::encode(bytes)) })
        .on_conflict(OnConflict::column(app_setting::Column::Key).do_nothing().to_owned())
        .do_nothing()
        .exec(db)
        .await?;
    app_setting::Entity::find_by_id(KEY)
        .one(db)
        .await?
        .map(|row| row.value)
        .ok_or_else(|| DbErr::RecordNotFound(KEY.into()))
}

/// The portal's routes with their layers, innermost first: the limits
/// (body size, time, concurrency) answer with errors that the error renderer
/// turns into pages; the renderer needs the form token that `ensure_cookie`
/// makes; security headers go on every answer, error pages included.
pub fn build_router(state: AppState) -> Router {
    use crate::security;
    let static_files = ServeDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/static"));
    crate::routes::router(&state)
        .nest_service("/static", static_files)
        .layer(middleware::from_fn_with_state(state.clone(), security::limit_body))
        .layer(middleware::from_fn_with_state(state.clone(), security::time_limit))
        .layer(middleware::from_fn_with_state(state.clone(), security::cap_concurrency))
        .layer(middleware::from_fn_with_state(state.clone(), crate::error::render_error_pages))
        .layer(middleware::from_fn_with_state(state.clone(), crate::csrf::ensure_cookie))
        .layer(middleware::from_fn_with_state(state.clone(), security::headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

pub async fn serve(db: DatabaseConnection, config: ServerConfig) -> anyhow::Result<()> {
    let addr = config.addr;
    let state = AppState::new(db, config).await.context("loading the agency and the signing secret")?;
    let limits = state.limits.clone();
    let sessions = DbSessionStore::new(state.db.clone());
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            limits.forget_idle();
            if let Err(err) = sessions.delete_expired().await {
                tracing::warn!(error = %err, "could not remove expired staff sessions");
            }
        }
    });

    tokio::spawn(count_recent_years(state.clone()));
    tokio::spawn(crate::domain::privacy::retention::every_day(state.db.clone()));

    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
    tracing::info!("Siang is serving http://{}/", listener.local_addr()?);
    let header_timeout = state.config.header_timeout;
    let db = state.db.clone();
    crate::server::run(listener, build_router(state), header_timeout, shutdown_signal()).await;
    // Only now that no request can use it: let the database finish cleanly
    // (SQLite checkpoints its write-ahead log, PostgreSQL sessions end).
    db.close().await.context("closing the database")?;
    tracing::info!("stopped");
    Ok(())
}

/// Counts the statistics of this fiscal year and the last before anyone
/// asks: on a large database a first count takes seconds, and afterwards
/// the memo serves readers while it recounts.
async fn count_recent_years(state: AppState) {
    use crate::domain::calendar::{fiscal_year, local_date};
    use crate::domain::statistics::{counted_fiscal_year, Period};
    let current = fiscal_year(local_date(chrono::Utc::now()));
    for year in [current, current - 1] {
        let counted = counted_fiscal_year(&state.db, &state.statistics, state.agency().id, year, Period::default());
        if let Err(err) = counted.await {
            tracing::warn!(error = %err, year, "could not count the statistics in advance");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
