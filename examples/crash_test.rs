//! Nothing accepted is ever lost: starts the release binary, sends a few
//! thousand submissions from many concurrent clients, `kill -9`s the server
//! in the middle, restarts it, and checks that every submission answered
//! with 201 is there with identical content and that tracking codes are
//! unique; on SQLite, then on PostgreSQL (a database made and dropped here).
//!
//! Run it with `scripts/crash-test [--submissions N --clients N]`, which
//! builds the release binary and this example in one go.
//!
//! Environment: `SIANG_CRASH_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`; `skip` to skip PostgreSQL),
//! `SIANG_BIN` (default: `target/release/siang` beside this example).

mod support;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::residents::{check_in_database, check_through_api, submit, Acknowledged};
use support::{free_port, lock, siang_binary, start, stop_gracefully, wait_healthy, TemporaryDatabase};

struct Figures {
    sent: usize,
    acknowledged: usize,
    found: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("crash test FAILED: acknowledged submissions were lost or changed");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("crash test could not run: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<bool> {
    let option = support::numeric_option::<usize>;
    let submissions = option("--submissions", 3000)?;
    let clients = option("--clients", 32)?;
    let binary = siang_binary()?;
    let dir = tempfile::tempdir()?;
    let mut all_kept = true;

    let sqlite_url = format!("sqlite://{}?mode=rwc", dir.path().join("crash.db").display());
    let figures = crash_and_check(&binary, &sqlite_url, submissions, clients).await?;
    all_kept &= report("sqlite", &figures);

    let admin_url = std::env::var("SIANG_CRASH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if admin_url == "skip" {
        println!("postgres: skipped (SIANG_CRASH_POSTGRES_URL=skip)");
    } else {
        let database = TemporaryDatabase::create(&admin_url, "crash").await?;
        let result = crash_and_check(&binary, &database.url, submissions, clients).await;
        database.drop().await?;
        all_kept &= report("postgres", &result?);
    }
    Ok(all_kept)
}

fn report(database: &str, figures: &Figures) -> bool {
    println!("{database}: sent {}, acknowledged {}, found {}", figures.sent, figures.acknowledged, figures.found);
    figures.found == figures.acknowledged && figures.acknowledged > 0
}

async fn crash_and_check(
    binary: &std::path::Path,
    database_url: &str,
    submissions: usize,
    clients: usize,
) -> anyhow::Result<Figures> {
    let port = free_port()?;
    let http = support::http_client();
    let base = format!("http://127.0.0.1:{port}");

    let mut server = start(binary, database_url, port)?;
    wait_healthy(&http, &base, &mut server).await?;

    let next = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<Acknowledged>::new()));
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (http, base, next, killed, acknowledged) =
            (http.clone(), base.clone(), next.clone(), killed.clone(), acknowledged.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= submissions || killed.load(Ordering::SeqCst) {
                    break;
                }
                if let Some(ack) = submit(&http, &base, i, None).await {
                    lock(&acknowledged).push(ack);
                }
            }
        }));
    }

    // Kill -9 half-way through, while requests are in flight.
    let started = Instant::now();
    while lock(&acknowledged).len() < submissions / 2 && started.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill()?; // SIGKILL
    killed.store(true, Ordering::SeqCst);
    server.wait()?;
    for worker in workers {
        worker.await?;
    }
    let sent = next.load(Ordering::SeqCst).min(submissions);
    let acknowledged = lock(&acknowledged).clone();

    let mut server = start(binary, database_url, port)?;
    wait_healthy(&http, &base, &mut server).await?;
    let found = check_through_api(&http, &base, &acknowledged).await;
    let stored = check_in_database(database_url, &acknowledged).await?.found;
    stop_gracefully(&mut server)?;
    Ok(Figures { sent, acknowledged: acknowledged.len(), found: found.min(stored) })
}
