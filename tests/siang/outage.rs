//! When the database cannot be reached, pages and the API answer 503 with a
//! clear message, `/healthz` says so, nothing panics, and service resumes by
//! itself once the database is back. The shared PostgreSQL is never
//! stopped: the app reaches it through a forwarder this test cuts. (SQLite's
//! unavailable file is covered by `pages::health_says_ok_while_the_database_answers`.)

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::task::AbortHandle;

use crate::helpers::{postgres_url, TestApp};

/// Checks the app while the database is out, then after it is back.
async fn answers_503_while_out_and_recovers(app: &TestApp, cut: impl AsyncFnOnce(), restore: impl AsyncFnOnce()) {
    let visitor = app.resident();
    assert_eq!(visitor.get("/healthz").await.status, 200);

    cut().await;
    let complaint = serde_json::json!({"kind": "complaint", "subject": "ไฟดับ", "details": "ไฟถนนดับทั้งซอย"});
    let (health, page, api) = tokio::join!(
        visitor.get("/healthz"),
        visitor.get("/submit"),
        visitor.post_json("/api/v1/submissions", &complaint)
    );
    assert_eq!((health.status.as_u16(), health.body.as_str()), (503, "database unavailable"));
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(page.body.contains("ระบบขัดข้องชั่วคราว"), "a clear, localized page: {}", page.body);
    assert_eq!(api.status, 503);
    assert_eq!(api.json()["error"]["code"], "unavailable");

    restore().await;
    let mut health = visitor.get("/healthz").await;
    for _ in 0..50 {
        if health.status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        health = visitor.get("/healthz").await;
    }
    assert_eq!(health.status, 200, "service resumes by itself");
    assert_eq!(visitor.get("/submit").await.status, 200);
    assert_eq!(visitor.post_json("/api/v1/submissions", &complaint).await.status, 201);
}

/// SQLite in WAL mode keeps serving reads while another process holds the
/// write lock; writes wait for the busy timeout (10 s), then get 503 rather
/// than 500, and succeed again once the lock is gone.
#[tokio::test]
async fn sqlite_locked_by_another_writer_refuses_writes_with_503_and_recovers() {
    use sea_orm::sqlx::{Connection, Executor};
    let app = TestApp::sqlite().await;
    let file = app.sqlite_file().expect("a SQLite app");
    let complaint = serde_json::json!({"kind": "complaint", "subject": "ไฟดับ", "details": "ไฟถนนดับทั้งซอย"});
    let resident = app.resident();

    let mut other = sea_orm::sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    other.execute("BEGIN IMMEDIATE").await.unwrap();
    let refused = resident.post_json("/api/v1/submissions", &complaint).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.json()["error"]["code"], "unavailable");
    assert_eq!(resident.get("/submit").await.status, 200, "reading still works");

    other.execute("ROLLBACK").await.unwrap();
    other.close().await.unwrap();
    assert_eq!(resident.post_json("/api/v1/submissions", &complaint).await.status, 201);
    assert_eq!(app.count("submission").await, 1);
}

#[tokio::test]
async fn postgres_cut_off_gives_503_and_recovers() {
    let Some(url) = postgres_url() else {
        eprintln!("skipped the PostgreSQL outage test: SIANG_TEST_POSTGRES_URL is not set");
        return;
    };
    let forwarder = Forwarder::start(database_address(&url).parse().expect("host:port in the URL")).await;
    let app = TestApp::postgres_at(url.replacen(&database_address(&url), &forwarder.addr.to_string(), 1)).await;
    let cleanup = app.cleanup_handle();
    answers_503_while_out_and_recovers(&app, async || forwarder.cut(), async || forwarder.restore()).await;
    cleanup.run().await;
}

/// The `host:port` of `postgres://user@host:port/db`.
fn database_address(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split('/').next().unwrap_or_default();
    authority.rsplit_once('@').map_or(authority, |(_, host)| host).to_owned()
}

/// A TCP forwarder to the database that can be cut (open connections
/// broken, new ones refused) and restored.
struct Forwarder {
    addr: SocketAddr,
    cut: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Forwarder {
    async fn start(target: SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (is_cut, open) = (cut.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if is_cut.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                open.lock().unwrap().push(task.abort_handle());
            }
        });
        Self { addr, cut, connections }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}
