//! Group commit for residents' submissions. A durable commit waits for the
//! disk (SQLite's FULL sync, PostgreSQL's WAL flush), and SQLite has one
//! writer at a time, so one transaction per submission caps a portal near a
//! thousand a second and makes concurrent writers sleep on the file lock.
//! Here one writer task takes whatever submissions are waiting, writes each
//! under its own savepoint (a failing one takes no other with it) and makes
//! them durable with a single commit. A resident's receipt is sent only after
//! that commit, so an acknowledged submission is never lost. The batch's
//! counts change once, in the same transaction (`domain::tally`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::agency;
use entity::enums::Channel;
use sea_orm::{DatabaseConnection, DbErr, RuntimeErr};
use tokio::sync::{mpsc, oneshot};

use super::access::RequestId;
use super::intake::NewSubmission;
use super::submit::{accept, store, Accepted, Receipt, SubmitError};
use crate::domain::files::FileStore;
use crate::domain::photos::{self, Photo};
use crate::domain::tally::Changes;
use crate::domain::write;

/// Submissions written in one transaction at most.
const BATCH: usize = 128;
/// Submissions waiting for the writer at most; more callers wait to enqueue.
const WAITING: usize = 1024;

struct Job {
    accepted: Accepted,
    reply: oneshot::Sender<Result<Receipt, SubmitError>>,
}

#[derive(Clone)]
pub struct SubmissionQueue {
    jobs: mpsc::Sender<Job>,
    /// Where the submissions' photos are kept (before they are queued).
    files: Arc<dyn FileStore>,
}

impl SubmissionQueue {
    /// Starts the writer task for `db` (on the current Tokio runtime).
    pub fn start(db: DatabaseConnection, files: Arc<dyn FileStore>) -> Self {
        let (jobs, waiting) = mpsc::channel(WAITING);
        tokio::spawn(write_batches(db, waiting));
        Self { jobs, files }
    }

    /// A resident's submission with its photos (already decoded, see
    /// `photos::prepare_all`): checked here (nothing is written when it is
    /// invalid), the photos' bytes put in the store, then written with the
    /// others waiting. `Ok` means committed. The photos' rows are written
    /// under the submission's own savepoint: both are stored, or neither.
    /// A `request` that made a submission before gets that one's receipt.
    #[allow(clippy::too_many_arguments)]
    pub async fn submit(
        &self,
        db: &DatabaseConnection,
        agency: &agency::Model,
        input: NewSubmission,
        photos: Vec<Photo>,
        channel: Channel,
        request: Option<RequestId>,
        now: DateTime<Utc>,
    ) -> Result<Receipt, SubmitError> {
        if photos.len() > photos::MAX_PHOTOS {
            return Err(SubmitError::invalid(photos::FIELD, "too_many_photos"));
        }
        let mut accepted = accept(db, agency, input, channel, None, request, now).await?;
        photos::keep_all(self.files.as_ref(), &photos).await?;
        accepted.photos = photos;
        let (reply, receipt) = oneshot::channel();
        self.jobs.send(Job { accepted, reply }).await.map_err(|_| not_written("the writer has stopped"))?;
        receipt.await.map_err(|_| not_written("the writer has stopped"))?
    }
}

/// An error that says nothing was stored and asking again may work (503).
fn not_written(why: impl std::fmt::Display) -> SubmitError {
    SubmitError::Database(DbErr::Conn(RuntimeErr::Internal(format!("the submission was not stored: {why}"))))
}

async fn write_batches(db: DatabaseConnection, mut waiting: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(BATCH);
    while waiting.recv_many(&mut batch, BATCH).await > 0 {
        // Each batch in a task of its own: were one to panic, its residents
        // would be told it was not stored (their replies drop, uncommitted)
        // and the writer would go on with the next.
        let jobs = std::mem::take(&mut batch);
        let db = db.clone();
        if let Err(err) = tokio::spawn(async move { write_batch(&db, jobs).await }).await {
            tracing::error!(error = %err, "a batch of submissions failed unexpectedly; none of it was stored");
        }
    }
}

async fn write_batch(db: &DatabaseConnection, mut jobs: Vec<Job>) {
    // One transaction per agency: each takes its own agency's write.
    jobs.sort_by_key(|job| job.accepted.agency_id);
    while let Some(agency_id) = jobs.first().map(|job| job.accepted.agency_id) {
        let rest =
            jobs.split_off(jobs.iter().position(|job| job.accepted.agency_id != agency_id).unwrap_or(jobs.len()));
        write_agency_batch(db, agency_id, std::mem::replace(&mut jobs, rest)).await;
    }
}

async fn write_agency_batch(db: &DatabaseConnection, agency_id: i64, jobs: Vec<Job>) {
    let txn = match write::begin(db, agency_id).await {
        Ok(txn) => txn,
        Err(err) => return fail_all(jobs, &err),
    };
    let mut changes = Changes::default();
    let mut written = Vec::with_capacity(jobs.len());
    for job in jobs {
        let outcome = match txn.savepoint().await {
            Ok(savepoint) => {
                let mut own = Changes::default();
                match store(&savepoint, &job.accepted, &mut own).await {
                    Ok(receipt) => match savepoint.commit().await {
                        Ok(()) => {
                            changes.merge(own);
                            Ok(receipt)
                        }
                        Err(err) => Err(err.into()),
                    },
                    Err(err) => {
                        // Back to the savepoint: this one is undone, the others stay.
                        // (Should that fail too, the commit below fails for all.)
                        let _ = savepoint.rollback().await;
                        Err(err)
                    }
                }
            }
            Err(err) => Err(err.into()),
        };
        written.push((job.reply, outcome));
    }
    let committed = match changes.apply(&txn).await {
        Ok(()) => txn.commit().await,
        Err(err) => Err(err),
    };
    if let Err(err) = committed {
        let why = err.to_string();
        for (reply, _) in written {
            let _ = reply.send(Err(not_written(&why)));
        }
        return;
    }
    for (reply, outcome) in written {
        // A caller that went away (timeout, closed connection) still has its
        // submission stored; there is just nobody left to tell.
        let _ = reply.send(outcome);
    }
}

fn fail_all(jobs: Vec<Job>, err: &DbErr) {
    for job in jobs {
        let _ = job.reply.send(Err(not_written(err)));
    }
}
