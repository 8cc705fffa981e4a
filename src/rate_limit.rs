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
