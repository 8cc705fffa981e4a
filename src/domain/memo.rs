//! Answers of expensive reads (a fiscal year's statistics, the inbox's
//! counts per status, the log's pages), kept until the data under them
//! changes.
//!
//! Every write leaves a timeline event or an audit entry (DESIGN.md rule 2),
//! so the highest id of those two append-only tables is a change mark that
//! costs two index look-ups. An answer is reused while the mark is unchanged
//! and it is younger than a time-to-live (some figures, like "overdue",
//! move with the clock alone); past that it is recounted in the background.
//! The database still does every count; this only stops it from recounting
//! the same unchanged rows for every visitor.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbErr, RuntimeErr, Statement};
use tokio::sync::watch;

/// Where the append-only logs stand: (last event id, last audit id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChangeMark(i64, i64);

pub async fn latest_change(db: &impl ConnectionTrait) -> Result<ChangeMark, DbErr> {
    let sql = "SELECT (SELECT MAX(id) FROM submission_event) AS event, (SELECT MAX(id) FROM audit_log) AS audit";
    let row = db.query_one(Statement::from_string(db.get_database_backend(), sql)).await?;
    let read = |column| row.as_ref().and_then(|r| r.try_get::<Option<i64>>("", column).ok().flatten()).unwrap_or(0);
    Ok(ChangeMark(read("event"), read("audit")))
}

struct Answer<V> {
    mark: ChangeMark,
    at: Instant,
    value: V,
}

/// What a recount sends its waiters: the answer, or the error as text.
type Outcome<V> = Option<Result<V, String>>;

struct Slot<V> {
    answer: Option<Answer<V>>,
    /// The recount under way and the mark it counts at: later askers wait
    /// for it instead of starting their own.
    recount: Option<(ChangeMark, watch::Receiver<Outcome<V>>)>,
}

impl<V> Default for Slot<V> {
    fn default() -> Self {
        Self { answer: None, recount: None }
    }
}

pub struct Memo<K, V> {
    slots: Mutex<HashMap<K, Arc<Mutex<Slot<V>>>>>,
    ttl: Duration,
    /// Keys come from URLs; past this many the memo starts over, so odd
    /// queries cannot grow it without bound.
    capacity: usize,
}

/// How long a reader waits for a recount before it is shown the previous
/// answer (small databases recount well within it, so they never see one).
const PATIENCE: Duration = Duration::from_millis(250);
/// The oldest previous answer a reader may be shown while a recount runs.
const STALE_LIMIT: Duration = Duration::from_secs(600);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock still holds a whole value: every writer replaces whole fields.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl<K: Hash + Eq, V: Clone + Send + Sync + 'static> Memo<K, V> {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self { slots: Mutex::new(HashMap::new()), ttl, capacity }
    }

    /// The answer for `key` as of the database's latest change. Without one
    /// that fresh, `compute` recounts in a task of its own. When only time
    /// has passed, the reader takes the previous answer at once; after a
    /// write it waits for the recount, or after [`PATIENCE`] takes the
    /// previous answer (the recount goes on and serves the next readers).
    pub async fn get<F, Fut>(&self, db: &impl ConnectionTrait, key: K, compute: F) -> Result<V, DbErr>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, DbErr>> + Send + 'static,
    {
        let mark = latest_change(db).await?;
        let slot = {
            let mut slots = lock(&self.slots);
            if slots.len() >= self.capacity && !slots.contains_key(&key) {
                slots.clear();
            }
            slots.entry(key).or_default().clone()
        };
        let (mut recount, previous) = {
            let mut held = lock(&slot);
            if let Some(fresh) = held.answer.as_ref().filter(|a| a.mark >= mark && a.at.elapsed() < self.ttl) {
                return Ok(fresh.value.clone());
            }
            // A recount whose task died (its sender is gone) is not waited for.
            let running = held.recount.as_ref().filter(|(at, done)| *at >= mark && done.has_changed().is_ok());
            let running = running.map(|(_, done)| done.clone());
            let recount = running.unwrap_or_else(|| {
                let (done, waiting) = watch::channel(None);
                held.recount = Some((mark, waiting.clone()));
                tokio::spawn(recount_into(slot.clone(), mark, compute(), done));
                waiting
            });
            let previous = held.answer.as_ref().filter(|a| a.at.elapsed() < STALE_LIMIT);
            if let Some(aged) = previous.filter(|a| a.mark >= mark) {
                return Ok(aged.value.clone());
            }
            (recount, previous.map(|a| a.value.clone()))
        };
        // A failed count says "try again" (503), as the database being away would.
        let failed = |why: String| DbErr::Conn(RuntimeErr::Internal(format!("counting failed: {why}")));
        let finished = async move {
            let outcome = recount.wait_for(Option::is_some).await.map_err(|_| failed("the count was lost".into()))?;
            match outcome.clone() {
                Some(Ok(value)) => Ok(value),
                Some(Err(err)) => Err(failed(err)),
                None => Err(failed("the count was lost".into())),
            }
        };
        match previous {
            Some(previous) => Ok(tokio::time::timeout(PATIENCE, finished).await.unwrap_or(Ok(previous))?),
            None => finished.await,
        }
    }
}

async fn recount_into<V: Clone>(
    slot: Arc<Mutex<Slot<V>>>,
    mark: ChangeMark,
    work: impl Future<Output = Result<V, DbErr>>,
    done: watch::Sender<Outcome<V>>,
) {
    let outcome = work.await;
    if let Err(err) = &outcome {
        tracing::warn!(error = %err, "a memoised count failed");
    }
    {
        let mut held = lock(&slot);
        if let Ok(value) = &outcome {
            if held.answer.as_ref().is_none_or(|a| a.mark <= mark) {
                held.answer = Some(Answer { mark, at: Instant::now(), value: value.clone() });
            }
        }
        if held.recount.as_ref().is_some_and(|(at, _)| *at == mark) {
            held.recount = None;
        }
    }
    // Nobody may be waiting any more; the answer is stored either way.
    let _ = done.send(Some(outcome.map_err(|err| err.to_string())));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn database() -> (sea_orm::DatabaseConnection, tempfile::TempDir) {
        use migration::MigratorTrait;
        let dir = tempfile::tempdir().unwrap();
        let db =
            crate::db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("memo.db").display())).await.unwrap();
        migration::Migrator::up(&db, None).await.unwrap();
        (db, dir)
    }

    async fn write_something(db: &sea_orm::DatabaseConnection) {
        let entry = crate::domain::audit::Entry::new(crate::domain::audit::Action::SettingsUpdated);
        crate::domain::audit::append(db, None, "admin", entry, None, chrono::Utc::now()).await.unwrap();
    }

    /// Counts how often it is asked to recount, taking `delay` each time.
    async fn count_runs(
        memo: &Memo<&'static str, usize>,
        db: &sea_orm::DatabaseConnection,
        runs: &Arc<AtomicUsize>,
        delay: Duration,
    ) -> usize {
        let runs = runs.clone();
        memo.get(db, "key", move || async move {
            tokio::time::sleep(delay).await;
            Ok(runs.fetch_add(1, Ordering::SeqCst) + 1)
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn an_answer_is_reused_until_a_write_leaves_its_mark() {
        let (db, _dir) = database().await;
        let memo = Memo::new(Duration::from_secs(60), 8);
        let runs = Arc::new(AtomicUsize::new(0));
        assert_eq!(count_runs(&memo, &db, &runs, Duration::ZERO).await, 1);
        assert_eq!(count_runs(&memo, &db, &runs, Duration::ZERO).await, 1, "nothing changed, nothing is recounted");
        write_something(&db).await;
        assert_eq!(count_runs(&memo, &db, &runs, Duration::ZERO).await, 2, "a write makes the next reader recount");
    }

    #[tokio::test]
    async fn an_aged_answer_is_shown_while_it_is_counted_again() {
        let (db, _dir) = database().await;
        let memo = Memo::new(Duration::ZERO, 8);
        let runs = Arc::new(AtomicUsize::new(0));
        count_runs(&memo, &db, &runs, Duration::ZERO).await;
        assert_eq!(count_runs(&memo, &db, &runs, Duration::ZERO).await, 1, "no reader waits for the clock");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(count_runs(&memo, &db, &runs, Duration::ZERO).await, 2, "the recount it started has landed");
    }

    #[tokio::test]
    async fn a_slow_recount_shows_the_previous_answer_and_then_its_own() {
        let (db, _dir) = database().await;
        let memo = Memo::new(Duration::from_secs(60), 8);
        let runs = Arc::new(AtomicUsize::new(0));
        assert_eq!(count_runs(&memo, &db, &runs, Duration::ZERO).await, 1);
        write_something(&db).await;
        let slow = PATIENCE * 4;
        assert_eq!(count_runs(&memo, &db, &runs, slow).await, 1, "the reader does not wait for a slow recount");
        tokio::time::sleep(slow * 2).await;
        assert_eq!(count_runs(&memo, &db, &runs, slow).await, 2, "the recount went on and now serves readers");
        assert_eq!(runs.load(Ordering::SeqCst), 2, "one recount per change");
    }

    #[tokio::test]
    async fn the_first_reader_waits_for_the_count() {
        let (db, _dir) = database().await;
        let memo = Memo::new(Duration::from_secs(60), 8);
        let runs = Arc::new(AtomicUsize::new(0));
        assert_eq!(count_runs(&memo, &db, &runs, PATIENCE * 2).await, 1, "with nothing to show, it waits");
    }
}
