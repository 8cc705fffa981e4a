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

use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use sea_orm::{ActiveEnum, EntityTrait};
use support::{free_port, lock, siang_binary, start, stop_gracefully, wait_healthy, HttpClient, TemporaryDatabase};

/// A submission the server acknowledged with 201.
#[derive(Clone)]
struct Acknowledged {
    code: String,
    key: String,
    kind: &'static str,
    subject: String,
    details: String,
}

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
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str, default: usize| -> anyhow::Result<usize> {
        match args.iter().position(|a| a == name) {
            Some(i) => {
                args.get(i + 1).context("missing value")?.parse().with_context(|| format!("{name} takes a number"))
            }
            None => Ok(default),
        }
    };
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
                if let Some(ack) = submit(&http, &base, i).await {
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
    let stored = check_in_database(database_url, &acknowledged).await?;
    stop_gracefully(&mut server)?;
    Ok(Figures { sent, acknowledged: acknowledged.len(), found: found.min(stored) })
}

const KINDS: [&str; 3] = ["complaint", "suggestion", "corruption"];

/// Sends submission `i`; `Some` when the server answered 201.
async fn submit(http: &HttpClient, base: &str, i: usize) -> Option<Acknowledged> {
    let kind = KINDS[i % KINDS.len()];
    let subject = format!("ทดสอบความทนทาน #{i} ถนนชำรุด");
    let details = format!("รายละเอียดเรื่องที่ {i}: น้ำท่วมขังหน้าบ้านเลขที่ {} หมู่ {}", i * 7 % 997, i % 12 + 1);
    let mut body = serde_json::json!({"kind": kind, "subject": subject, "details": details});
    if kind == "corruption" {
        body["corruption"] = serde_json::json!({"official": format!("เจ้าหน้าที่ {i}")});
    }
    let request = hyper::Request::post(format!("{base}/api/v1/submissions"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .ok()?;
    let response = tokio::time::timeout(Duration::from_secs(30), http.request(request)).await.ok()?.ok()?;
    if response.status() != 201 {
        return None;
    }
    let bytes = tokio::time::timeout(Duration::from_secs(30), response.into_body().collect()).await.ok()?.ok()?;
    let created: serde_json::Value = serde_json::from_slice(&bytes.to_bytes()).ok()?;
    Some(Acknowledged {
        code: created["tracking_code"].as_str()?.to_owned(),
        key: created["access_key"].as_str()?.to_owned(),
        kind,
        subject,
        details,
    })
}

/// How many acknowledged submissions the restarted server shows with their
/// subject and kind, to their key.
async fn check_through_api(http: &HttpClient, base: &str, acknowledged: &[Acknowledged]) -> usize {
    let found = Arc::new(AtomicUsize::new(0));
    let queue = Arc::new(Mutex::new(acknowledged.to_vec()));
    let mut readers = Vec::new();
    for _ in 0..16 {
        let (http, base, found, queue) = (http.clone(), base.to_owned(), found.clone(), queue.clone());
        readers.push(tokio::spawn(async move {
            loop {
                let Some(ack) = lock(&queue).pop() else { break };
                let Ok(request) = hyper::Request::get(format!("{base}/api/v1/submissions/{}", ack.code))
                    .header("x-access-key", &ack.key)
                    .body(Full::default())
                else {
                    continue;
                };
                let Ok(response) = http.request(request).await else { continue };
                if response.status() != 200 {
                    eprintln!("{}: answered {}", ack.code, response.status());
                    continue;
                }
                let Ok(body) = response.into_body().collect().await else { continue };
                let tracked: serde_json::Value = serde_json::from_slice(&body.to_bytes()).unwrap_or_default();
                if tracked["subject"] == ack.subject.as_str() && tracked["kind"] == ack.kind {
                    found.fetch_add(1, Ordering::SeqCst);
                } else {
                    eprintln!("{}: shown differently: {tracked}", ack.code);
                }
            }
        }));
    }
    for reader in readers {
        let _ = reader.await;
    }
    found.load(Ordering::SeqCst)
}

/// How many acknowledged submissions are stored with identical kind, subject
/// and details; fails if any tracking code appears twice.
async fn check_in_database(database_url: &str, acknowledged: &[Acknowledged]) -> anyhow::Result<usize> {
    let db = sea_orm::Database::connect(database_url).await?;
    let rows = entity::submission::Entity::find().all(&db).await?;
    db.close().await?;
    let codes: HashSet<&str> = rows.iter().map(|row| row.tracking_code.as_str()).collect();
    if codes.len() != rows.len() {
        bail!("{} rows share {} tracking codes", rows.len(), codes.len());
    }
    let stored: HashMap<&str, &entity::submission::Model> =
        rows.iter().map(|row| (row.tracking_code.as_str(), row)).collect();
    let mut found = 0;
    for ack in acknowledged {
        match stored.get(ack.code.as_str()) {
            Some(row)
                if row.kind.to_value() == ack.kind && row.subject == ack.subject && row.details == ack.details =>
            {
                found += 1
            }
            Some(_) => eprintln!("{}: stored with different content", ack.code),
            None => eprintln!("{}: acknowledged but not stored", ack.code),
        }
    }
    Ok(found)
}
