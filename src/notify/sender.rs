//! The background sender: claims due messages (`outbox::claim`, safe with
//! any number of instances), hands each to its channel's transport, and
//! records the outcome — sent; or tried again after a backoff that doubles;
//! or, after [`SenderConfig::max_attempts`], failed (shown to staff). It
//! also enqueues each department's daily digest once a day.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SubsecRound, Timelike, Utc};
use entity::outbox_message::{self, MessageChannel};
use rand::RngCore;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};

use super::{DeliveryError, Transport};
use crate::domain::calendar::bangkok;
use crate::domain::outbox::{self, Outcome};

/// The sender's pace. The defaults suit a server; tests shorten them.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// How long to wait when nothing is due.
    pub poll: std::time::Duration,
    /// How long a claim holds: longer than any delivery may take, short
    /// enough that a crashed instance's messages go out soon after.
    pub lease: chrono::Duration,
    /// The wait after the first failure; it doubles with each one.
    pub backoff: chrono::Duration,
    /// The longest wait between attempts.
    pub backoff_max: chrono::Duration,
    /// Attempts before a message is marked failed.
    pub max_attempts: i32,
    /// Messages claimed at once.
    pub batch: u64,
    /// The Bangkok hour from which the day's digests are enqueued.
    pub digest_hour: u32,
}

impl Default for SenderConfig {
    fn default() -> Self {
        Self {
            poll: std::time::Duration::from_secs(5),
            lease: chrono::Duration::minutes(5),
            backoff: chrono::Duration::minutes(1),
            backoff_max: chrono::Duration::hours(6),
            max_attempts: 8,
            batch: 20,
            digest_hour: 7,
        }
    }
}

pub struct Sender {
    db: DatabaseConnection,
    transports: HashMap<MessageChannel, Arc<dyn Transport>>,
    config: SenderConfig,
    /// The Bangkok day whose digests this instance has enqueued (others
    /// enqueuing the same day are stopped by the dedupe key).
    digests_done: Option<NaiveDate>,
}

impl Sender {
    pub fn new(db: DatabaseConnection, transports: Vec<Arc<dyn Transport>>, config: SenderConfig) -> Self {
        let transports = transports.into_iter().map(|t| (t.channel(), t)).collect();
        Self { db, transports, config, digests_done: None }
    }

    /// Runs on the current Tokio runtime until the task is aborted.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.run())
    }

    async fn run(mut self) {
        loop {
            let now = Utc::now();
            if let Err(err) = self.digests(now).await {
                tracing::warn!(error = %err, "could not enqueue the daily digests");
            }
            let wait = match self.send_due(now).await {
                // A full batch: more may be waiting.
                Ok(n) if n as u64 >= self.config.batch => std::time::Duration::ZERO,
                Ok(_) => self.config.poll,
                Err(err) => {
                    tracing::warn!(error = %err, "could not read the outbox");
                    self.config.poll
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Claims what is due at `now` and delivers it; returns how many
    /// messages were attempted.
    pub async fn send_due(&self, now: DateTime<Utc>) -> Result<usize, DbErr> {
        // What both databases keep, so a claim reads back as written.
        let now = now.trunc_subsecs(6);
        let channels: Vec<_> = self.transports.keys().copied().collect();
        let token = claim_token();
        let claimed = outbox::claim(&self.db, &channels, &token, self.config.batch, self.config.lease, now).await?;
        for message in &claimed {
            let outcome = self.deliver(message).await;
            let recorded = outbox::record(&self.db, message, &token, outcome, Utc::now().trunc_subsecs(6)).await?;
            if !recorded {
                tracing::warn!(id = message.id, "an outbox message's claim ran out before its outcome was recorded");
            }
        }
        Ok(claimed.len())
    }

    async fn deliver(&self, message: &outbox_message::Model) -> Outcome {
        let Some(transport) = self.transports.get(&message.channel) else {
            return self.failed(message, DeliveryError::transient("no transport for this channel"));
        };
        // Never past the claim: the row must not be claimed again while
        // this delivery may still go through.
        let limit = (self.config.lease / 2).to_std().unwrap_or_default();
        match tokio::time::timeout(limit, transport.deliver(message)).await {
            Ok(Ok(())) => Outcome::Sent,
            Ok(Err(err)) => self.failed(message, err),
            Err(_) => self.failed(message, DeliveryError::transient("the delivery took too long")),
        }
    }

    fn failed(&self, message: &outbox_message::Model, err: DeliveryError) -> Outcome {
        let attempts = message.attempts + 1;
        tracing::warn!(id = message.id, attempts, error = %err.reason, "could not deliver an outbox message");
        let retry_at = (!err.permanent && attempts < self.config.max_attempts)
            .then(|| Utc::now() + outbox::backoff(message.attempts, self.config.backoff, self.config.backoff_max));
        Outcome::Failed { error: err.reason, retry_at }
    }

    /// Once a Bangkok day, from `digest_hour`, each agency's digests.
    async fn digests(&mut self, now: DateTime<Utc>) -> Result<(), DbErr> {
        if !self.transports.contains_key(&MessageChannel::Email) {
            return Ok(());
        }
        let local = now.with_timezone(&bangkok());
        if local.hour() < self.config.digest_hour || self.digests_done == Some(local.date_naive()) {
            return Ok(());
        }
        for agency in entity::agency::Entity::find().all(&self.db).await? {
            crate::domain::notices::daily_digests(&self.db, agency.id, now).await?;
        }
        self.digests_done = Some(local.date_naive());
        Ok(())
    }
}

fn claim_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
