//! Per-key limits (governor) on public writes and look-ups, checked by the
//! handlers that need them so each refusal is the portal's own localized 429.
//! Staff sign-in has its own throttle, kept in the database
//! (`domain::sign_in`).

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub struct Limiter<K: Hash + Eq + Clone>(Arc<DefaultKeyedRateLimiter<K>>);

impl<K: Hash + Eq + Clone> Clone for Limiter<K> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// `per_minute` requests a minute per key, all of which may come at once.
    pub fn per_minute(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Self(Arc::new(RateLimiter::keyed(Quota::per_minute(n))))
    }

    /// `true` when this key may go ahead (and counts the attempt).
    pub fn allow(&self, key: &K) -> bool {
        self.0.check_key(key).is_ok()
    }

    /// Forgets keys whose allowance is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.0.retain_recent();
    }
}

/// The limiters of the portal.
#[derive(Clone)]
pub struct Limits {
    pub submissions: Limiter<IpAddr>,
    pub tracking: Limiter<IpAddr>,
}

impl Limits {
    pub fn forget_idle(&self) {
        self.submissions.forget_idle();
        self.tracking.forget_idle();
    }
}

/// How many long downloads (full CSV exports) one client may run at once:
/// each holds a database connection for a while, so a few clients cannot
/// take them all.
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
