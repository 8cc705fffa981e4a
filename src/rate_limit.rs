//! Per-client limits on public writes and look-ups, checked by the handlers
//! that need them so each refusal is the portal's own localized 429.
//! Staff sign-in has its own throttle, kept in the database
//! (`domain::sign_in`).
//!
//! With `SIANG_REDIS_URL` the counts live in Redis, so a limit holds however
//! many instances serve the portal: each check is one atomic script (GCRA,
//! the same rule as governor's: the whole allowance may come at once, and it
//! refills evenly over the minute). Counts are short-lived and are not the
//! agency's data, so they stay out of the database and its write lock.
//! Without Redis, or while it cannot be reached, governor counts in this
//! process: a single instance is exact; during a Redis outage each instance
//! allows the limit on its own (residents can still submit; abuse is slowed,
//! not stopped).

use std::fmt::Display;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use redis::aio::ConnectionManager;

/// How long a check may wait for Redis before the local count decides.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);

/// GCRA: the key holds the "theoretical arrival time" (ms, Redis' clock, so
/// every instance agrees). ARGV: the period in ms, the allowance per period.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local period = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + period / tonumber(ARGV[2])
if next_tat - now > period then return 0 end
redis.call('SET', KEYS[1], tostring(next_tat), 'PX', math.ceil(next_tat - now))
return 1
";

pub struct Limiter<K: Hash + Eq + Clone> {
    name: &'static str,
    per_minute: u32,
    local: Arc<DefaultKeyedRateLimiter<K>>,
    shared: Option<Shared>,
}

#[derive(Clone)]
struct Shared {
    redis: ConnectionManager,
    script: Arc<redis::Script>,
}

impl<K: Hash + Eq + Clone> Clone for Limiter<K> {
    fn clone(&self) -> Self {
        Self { name: self.name, per_minute: self.per_minute, local: self.local.clone(), shared: self.shared.clone() }
    }
}

impl<K: Hash + Eq + Clone + Display> Limiter<K> {
    /// `per_minute` requests a minute per key, all of which may come at once;
    /// counted in Redis when `redis` is given.
    fn per_minute(name: &'static str, per_minute: u32, redis: Option<&ConnectionManager>) -> Self {
        let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let shared = redis.map(|redis| Shared { redis: redis.clone(), script: Arc::new(redis::Script::new(GCRA)) });
        Self { name, per_minute: n.get(), local: Arc::new(RateLimiter::keyed(Quota::per_minute(n))), shared }
    }

    /// `true` when this key may go ahead (and counts the attempt).
    pub async fn allow(&self, key: &K) -> bool {
        if let Some(shared) = &self.shared {
            let mut redis = shared.redis.clone();
            let mut check = shared.script.key(format!("siang:limit:{}:{key}", self.name));
            check.arg(60_000).arg(self.per_minute);
            match tokio::time::timeout(REDIS_TIMEOUT, check.invoke_async::<i64>(&mut redis)).await {
                Ok(Ok(allowed)) => return allowed == 1,
                Ok(Err(err)) => {
                    tracing::warn!(error = %err, limit = self.name, "Redis refused a rate-limit check; counting here")
                }
                Err(_) => {
                    tracing::warn!(limit = self.name, "Redis did not answer a rate-limit check in time; counting here")
                }
            }
        }
        self.local.check_key(key).is_ok()
    }

    /// Forgets keys whose allowance is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.local.retain_recent();
    }
}

/// The limiters of the portal.
#[derive(Clone)]
pub struct Limits {
    pub submissions: Limiter<IpAddr>,
    pub tracking: Limiter<IpAddr>,
}

impl Limits {
    /// Limits counted in Redis when `redis` is given, in this process otherwise.
    pub fn new(submit_per_minute: u32, track_per_minute: u32, redis: Option<&redis::Client>) -> Self {
        // Lazy: an instance starts while Redis is down, and reconnects by itself.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1);
        let redis = redis.and_then(|client| {
            ConnectionManager::new_lazy_with_config(client.clone(), config)
                .inspect_err(|err| tracing::error!(error = %err, "SIANG_REDIS_URL unusable; limits count per instance"))
                .ok()
        });
        Self {
            submissions: Limiter::per_minute("submit", submit_per_minute, redis.as_ref()),
            tracking: Limiter::per_minute("track", track_per_minute, redis.as_ref()),
        }
    }

    pub fn forget_idle(&self) {
        self.submissions.forget_idle();
        self.tracking.forget_idle();
    }
}

/// How many long downloads (full CSV exports) one client may run at once:
/// each holds a database connection for a while, so a few clients cannot
/// take them all. A capacity limit of this process (like
/// `App::request_slots`), not a fact every instance must share: each
/// instance guards its own connections.
#[derive(Clone)]
pub struct DownloadSlots {
    per_client: usize,
    running: Arc<std::sync::Mutex<std::collections::HashMap<IpAddr, usize>>>,
}
/// A download under way; its slot is given back when it is dropped (the
/// download finished, failed or the client went away).
pub struct DownloadSlot {
    slots: DownloadSlots,
    client: IpAddr,
}

impl DownloadSlots {
    pub fn new(per_client: usize) -> Self {
        Self { per_client, running: Default::default() }
    }

    /// A slot for `client`, unless it already runs as many downloads as it may.
    pub fn take(&self, client: IpAddr) -> Option<DownloadSlot> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let count = running.entry(client).or_default();
        if *count >= self.per_client {
            return None;
        }
        *count += 1;
        Some(DownloadSlot { slots: self.clone(), client })
    }
}

impl Drop for DownloadSlot {
    fn drop(&mut self) {
        let mut running = self.slots.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = running.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                running.remove(&self.client);
            }
        }
    }
}
