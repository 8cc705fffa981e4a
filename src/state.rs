//! The application state every handler shares, cheap to clone.

use std::ops::Deref;
use std::sync::{Arc, RwLock};

use entity::{agency, app_setting};
use rand::RngCore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};

use crate::config::ServerConfig;
use crate::csrf::{CookieNames, CsrfKey};
use crate::domain::participation::public::LogPage;
use crate::domain::statistics::{Period, Statistics};
use crate::domain::submissions::access::RequestKeys;
use crate::domain::submissions::queue::SubmissionQueue;
use crate::rate_limit::{DownloadSlots, Limiter, Limits};
use crate::read_cache::AnswerCache;

/// Full exports one client address may download at the same time.
const DOWNLOADS_PER_CLIENT: usize = 2;

#[derive(Clone)]
pub struct AppState(Arc<App>);

pub struct App {
    pub db: DatabaseConnection,
    pub config: ServerConfig,
    pub csrf: CsrfKey,
    /// Turns resident forms' one-time ids and `Idempotency-Key`s into
    /// repeatable receipts.
    pub request_keys: RequestKeys,
    pub limits: Limits,
    /// Full exports a client may run at once.
    pub downloads: DownloadSlots,
    /// One permit per request being served; see `security::cap_concurrency`.
    pub request_slots: tokio::sync::Semaphore,
    /// Residents' submissions, committed in groups.
    pub submissions: SubmissionQueue,
    /// Answers reused while the agency's data is unchanged.
    pub statistics: AnswerCache<(i32, Period), Statistics>,
    pub log_pages: AnswerCache<String, LogPage>,
    /// The services residents may name, for the forms.
    pub active_services: AnswerCache<(), Vec<entity::service::Model>>,
    /// Where stored files' bytes live (`SIANG_FILES_DIR`).
    pub files: Arc<dyn crate::domain::files::FileStore>,
    /// The agency served, as last read (see `resolve_agency`); only error
    /// pages use it, when the database cannot be read.
    last_agency: RwLock<Arc<agency::Model>>,
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
        };
        let files_dir = config.files_dir.clone().unwrap_or_else(|| crate::files::default_dir(&db));
        let files = Arc::new(crate::files::DirStore::new(files_dir));
        Ok(Self(Arc::new(App {
            submissions: SubmissionQueue::start(db.clone()),
            db,
            request_slots: tokio::sync::Semaphore::new(config.max_concurrent_requests),
            statistics: AnswerCache::new(512, crate::domain::statistics::STATISTICS_TTL),
            log_pages: AnswerCache::new(2048, crate::domain::participation::public::LOG_TTL),
            active_services: AnswerCache::new(64, std::time::Duration::from_secs(600)),
            files,
            csrf: CsrfKey::new(&secret, cookie_names(&config)),
            request_keys: RequestKeys::new(&secret),
            limits,
            downloads: DownloadSlots::new(DOWNLOADS_PER_CLIENT),
            config,
            last_agency: RwLock::new(Arc::new(agency)),
        })))
    }

    /// The agency a request is for (`domain::agency::resolve`), read fresh:
    /// settings changed by any instance show at once, and its `data_version`
    /// keys the caches. Only the agency served on every host is kept for
    /// the error pages (a province's agencies are not shown on each other's
    /// hosts).
    pub async fn resolve_agency(
        &self,
        host: Option<&str>,
        slug: Option<&str>,
    ) -> Result<Option<Arc<agency::Model>>, DbErr> {
        use crate::domain::agency::{resolve, Served};
        let Some((agency, served)) = resolve(&self.db, host, slug).await? else {
            return Ok(None);
        };
        let agency = Arc::new(agency);
        if served == Served::Default {
            *self.last_agency.write().unwrap_or_else(|e| e.into_inner()) = agency.clone();
        }
        Ok(Some(agency))
    }

    /// The agency as last read (see `resolve_agency`).
    pub fn last_agency(&self) -> Arc<agency::Model> {
        // A poisoned lock still holds a whole value: writers only swap the Arc.
        self.last_agency.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// `__Host-` cookies, or `__Secure-` ones under a path prefix.
fn cookie_names(config: &ServerConfig) -> CookieNames {
    match config.public_url.as_ref().filter(|url| !url.prefix().is_empty()) {
        Some(_) => CookieNames::under_prefix(config.secure_cookies),
        None => CookieNames::new(config.secure_cookies),
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
