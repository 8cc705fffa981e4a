//! Per-client limits on public writes (governor), checked by the handlers
//! that need them so each refusal is the portal's own localized 429.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

#[derive(Clone)]
pub struct Limiter(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl Limiter {
    /// `per_minute` requests a minute per client, all of which may come at once.
    pub fn per_minute(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Self(Arc::new(RateLimiter::keyed(Quota::per_minute(n))))
    }

    /// `true` when this client may go ahead.
    pub fn allow(&self, client: IpAddr) -> bool {
        self.0.check_key(&client).is_ok()
    }

    /// Forgets clients whose allowance is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.0.retain_recent();
    }
}

/// The limiters of the portal, one per kind of public write.
#[derive(Clone)]
pub struct Limits {
    pub submissions: Limiter,
    pub tracking: Limiter,
}
