//! Answers of reads (a year's statistics, a page of the log) reused while
//! the agency's data is unchanged. The cache key carries the agency's
//! `data_version`, which every write transaction raises first thing (see
//! `domain::write`) and every request reads afresh, so a change made by any
//! instance is seen at once by all. The cache holds nothing correctness
//! needs: the answers are cheap to count again (`domain::tally`); it only
//! saves rendering work for the many readers of the same page.
//!
//! It is bounded, and its admission policy (moka's TinyLFU) keeps answers
//! that are asked for often: a flood of distinct URLs cannot push them out.

use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use entity::agency;
use moka::future::Cache;
use sea_orm::{DbErr, RuntimeErr};

pub struct AnswerCache<K, V> {
    answers: Cache<(i64, i64, K), Arc<V>>,
}

impl<K, V> AnswerCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    /// At most `capacity` answers, none older than `ttl` (for figures that
    /// move with the clock alone, such as "overdue").
    pub fn new(capacity: u64, ttl: Duration) -> Self {
        Self { answers: Cache::builder().max_capacity(capacity).time_to_live(ttl).build() }
    }

    /// The answer for `key` at the agency's current data version, counted by
    /// `compute` when there is none yet (once, however many ask at once).
    pub async fn get<F>(&self, agency: &agency::Model, key: K, compute: F) -> Result<Arc<V>, DbErr>
    where
        F: Future<Output = Result<V, DbErr>>,
    {
        let key = (agency.id, agency.data_version, key);
        self.answers.try_get_with(key, async { compute.await.map(Arc::new) }).await.map_err(|shared| {
            Arc::try_unwrap(shared).unwrap_or_else(|shared| {
                // Others waited for the same count: each gets a "try again".
                DbErr::Conn(RuntimeErr::Internal(format!("counting failed: {shared}")))
            })
        })
    }
}
