//! Residents' submissions as the crash and cluster tests send them, and the
//! checks that every acknowledged one is there, once.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::bail;
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use sea_orm::{ActiveEnum, EntityTrait};

use super::{lock, HttpClient};

/// A submission the server acknowledged with 201.
#[derive(Clone)]
pub struct Acknowledged {
    pub code: String,
    pub key: String,
    pub kind: &'static str,
    pub subject: String,
    pub details: String,
}

const KINDS: [&str; 3] = ["complaint", "suggestion", "corruption"];

/// Sends submission `i` (the same content each time for one `i`, so it may
/// be sent again under its `Idempotency-Key`); `Some` when the server
/// answered 201.
pub async fn submit(http: &HttpClient, base: &str, i: usize, idempotency_key: Option<&str>) -> Option<Acknowledged> {
    let kind = KINDS[i % KINDS.len()];
    let subject = format!("ทดสอบความทนทาน #{i} ถนนชำรุด");
    let details = format!("รายละเอียดเรื่องที่ {i}: น้ำท่วมขังหน้าบ้านเลขที่ {} หมู่ {}", i * 7 % 997, i % 12 + 1);
    let mut body = serde_json::json!({"kind": kind, "subject": subject, "details": details});
    if kind == "corruption" {
        body["corruption"] = serde_json::json!({"official": format!("เจ้าหน้าที่ {i}")});
    }
    let mut request =
        hyper::Request::post(format!("{base}/api/v1/submissions")).header("content-type", "application/json");
    if let Some(key) = idempotency_key {
        request = request.header("idempotency-key", key);
    }
    let request = request.body(Full::new(Bytes::from(body.to_string()))).ok()?;
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
pub async fn check_through_api(http: &HttpClient, base: &str, acknowledged: &[Acknowledged]) -> usize {
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

/// What the database holds of the acknowledged submissions.
pub struct Stored {
    /// Acknowledged submissions stored with identical kind, subject and details.
    pub found: usize,
    /// All submissions stored.
    pub rows: usize,
    /// Distinct subjects stored (each submission `i` has its own).
    pub distinct_subjects: usize,
}

/// What is stored of `acknowledged`; fails if any tracking code appears twice.
pub async fn check_in_database(database_url: &str, acknowledged: &[Acknowledged]) -> anyhow::Result<Stored> {
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
    let distinct_subjects = rows.iter().map(|row| row.subject.as_str()).collect::<HashSet<_>>().len();
    Ok(Stored { found, rows: rows.len(), distinct_subjects })
}
