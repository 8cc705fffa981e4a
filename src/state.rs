//! The application state every handler shares, cheap to clone.

use std::borrow::Cow;
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
use crate::rate_limit::{DownloadSlots, Limits};
use crate::read_cache::AnswerCache;
use crate::read_replica::ReadReplica;

/// Full exports one client address may download at the same time.
const DOWNLOADS_PER_CLIENT: usize = 2;

#[derive(Clone)]
pub struct AppState(Arc<App>);

pub struct App {
    pub db: DatabaseConnection,
    /// A hot standby for public pages that only read (`SIANG_READ_DATABASE_URL`).
    pub replica: Option<Arc<ReadReplica>>,
    pub config: ServerConfig,
    pub csrf: CsrfKey,
    /// Turns resident forms' one-time ids and `Idempotency-Key`s into
    /// repeatable receipts.
    pub request_keys: RequestKeys,
    pub limits: Limits,
    /// Full exports a client may run at once.
    pub downloads: DownloadSlots,
    /// One permit per request being served; see `security::cap_concurrency`.
    /// This process's capacity, not a limit instances share.
    pub request_slots: tokio::sync::Semaphore,
    /// Residents' submissions, committed in groups.
    pub submissions: SubmissionQueue,
    /// Answers reused while the agency's data is unchanged.
    pub statistics: AnswerCache<(i32, Period), Statistics>,
    pub log_pages: AnswerCache<String, LogPage>,
    /// The services residents may name, for the forms.
    pub active_services: AnswerCache<(), Vec<entity::service::Model>>,
    /// Where stored files' bytes live (`SIANG_FILES_URL`, `SIANG_FILES_DIR`).
    pub files: Arc<dyn crate::domain::files::FileStore>,
    /// The agency's LINE Official Account, when configured.
    pub line: Option<crate::line::LineApi>,
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
    pub async fn new(db: DatabaseConnection, config: ServerConfig) -> anyhow::Result<Self> {
        let secret = match &config.secret {
            Some(secret) => secret.clone().into_bytes(),
            None => stored_secret(&db).await?.into_bytes(),
        };
        let agency = crate::domain::agency::current(&db).await?;
        // Whether the writes of every instance enqueue e-mail (`outbox`).
        let mail = config.smtp_url.is_some().then(|| crate::domain::outbox::MailSettings {
            public_url: config.public_url.as_ref().map(|url| url.base()),
        });
        crate::domain::outbox::set_mail_settings(&db, mail.as_ref()).await?;
        let limits = Limits::new(config.submit_per_minute, config.track_per_minute, config.redis.as_ref());
        let replica = match &config.read_database_url {
            Some(url) => Some(ReadReplica::connect(url).await?),
            None => None,
        };
        let files: Arc<dyn crate::domain::files::FileStore> = Arc::new(crate::files::open(&config, &db)?);
        Ok(Self(Arc::new(App {
            submissions: SubmissionQueue::start(db.clone(), files.clone()),
            db,
            replica,
            request_slots: tokio::sync::Semaphore::new(config.max_concurrent_requests),
            statistics: AnswerCache::new(512, crate::domain::statistics::STATISTICS_TTL),
            log_pages: AnswerCache::new(2048, crate::domain::participation::public::LOG_TTL),
            active_services: AnswerCache::new(64, std::time::Duration::from_secs(600)),
            files,
            line: crate::line::LineApi::new(&config.line),
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

    /// Where a public page that only reads reads from, and the agency as
    /// read there: the standby while it is up to date enough, else the
    /// primary. The agency is read again on the standby so the answer caches,
    /// keyed by its `data_version`, never keep an older answer under a newer
    /// version.
    pub async fn public_reader<'a>(
        &'a self,
        agency: &'a agency::Model,
    ) -> (&'a DatabaseConnection, Cow<'a, agency::Model>) {
        if let Some(replica) = self.replica.as_ref().and_then(|replica| replica.usable()) {
            // A failed read here means the standby just went away.
            match crate::domain::agency::by_id(replica, agency.id).await {
                Ok(seen) => return (replica, Cow::Owned(seen)),
                Err(err) => tracing::warn!(error = %err, "the read replica failed; reading from the primary"),
            }
        }
        (&self.db, Cow::Borrowed(agency))
    }

    /// Where a public page that only reads and caches nothing reads from:
    /// the standby while it is up to date enough, else the primary.
    pub fn public_db(&self) -> &DatabaseConnection {
        self.replica.as_ref().and_then(|replica| replica.usable()).unwrap_or(&self.db)
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
