//! What the crash, load and cluster tests share: the release binary, a
//! server process of it on a free port, a fresh PostgreSQL database, an
//! HTTP client and a browser-like one with cookies.

#![allow(dead_code)] // Each example uses its own part.

pub mod residents;

use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use std::collections::HashMap;

use anyhow::{bail, Context};
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sea_orm::ConnectionTrait;

pub type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

pub fn http_client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// The number after `name` on the command line, or `default` without it.
pub fn numeric_option<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        Some(i) => args.get(i + 1).context("missing value")?.parse().with_context(|| format!("{name} takes a number")),
        None => Ok(default),
    }
}

pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The release binary: `SIANG_BIN`, or the `siang` built beside the example
/// (in `target/release/`) by its script.
pub fn siang_binary() -> anyhow::Result<std::path::PathBuf> {
    if let Ok(path) = std::env::var("SIANG_BIN") {
        return Ok(path.into());
    }
    let exe = std::env::current_exe()?;
    let release = exe.parent().and_then(|p| p.parent()).context("locating target/release")?;
    let binary = release.join("siang");
    if !binary.exists() {
        bail!("{} is missing: run the example's script in scripts/, which builds it", binary.display());
    }
    Ok(binary)
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `siang serve` on `port` over `database_url`, with limits high enough for
/// a load from one address.
pub fn start(binary: &std::path::Path, database_url: &str, port: u16) -> anyhow::Result<Child> {
    start_with(binary, database_url, port, &[])
}

/// As [`start`], with more settings (`SIANG_…` variables).
pub fn start_with(
    binary: &std::path::Path,
    database_url: &str,
    port: u16,
    settings: &[(&str, &str)],
) -> anyhow::Result<Child> {
    Command::new(binary)
        .arg("serve")
        .envs(settings.iter().copied())
        .env("SIANG_DATABASE_URL", database_url)
        .env("SIANG_ADDR", format!("127.0.0.1:{port}"))
        .env("SIANG_SECRET", "test-harness-secret-test-harness-secret")
        .env("SIANG_SUBMIT_PER_MINUTE", "1000000")
        .env("SIANG_TRACK_PER_MINUTE", "1000000")
        .env("SIANG_LOGIN_PER_MINUTE", "1000000")
        .env("SIANG_MAX_CONCURRENT_REQUESTS", "4096")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))
}

/// Runs a `siang` command to its end, feeding `input` on standard input.
pub fn run_command(binary: &std::path::Path, database_url: &str, args: &[&str], input: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut child = Command::new(binary)
        .args(args)
        .env("SIANG_DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    child.stdin.take().context("stdin")?.write_all(input.as_bytes())?;
    let status = child.wait()?;
    if !status.success() {
        bail!("siang {} failed: {status}", args.join(" "));
    }
    Ok(())
}

pub async fn wait_healthy(http: &HttpClient, base: &str, server: &mut Child) -> anyhow::Result<()> {
    for _ in 0..300 {
        if let Some(status) = server.try_wait()? {
            bail!("the server exited at start: {status}");
        }
        let request = hyper::Request::get(format!("{base}/healthz")).body(Full::default())?;
        if let Ok(Ok(response)) = tokio::time::timeout(Duration::from_secs(1), http.request(request)).await {
            if response.status() == 200 {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server did not become healthy")
}

/// SIGTERM, and the server must drain, close the database and exit 0.
pub fn stop_gracefully(server: &mut Child) -> anyhow::Result<()> {
    Command::new("kill").args(["-TERM", &server.id().to_string()]).status()?;
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Some(status) = server.try_wait()? {
            if status.success() {
                return Ok(());
            }
            bail!("the server exited with {status} on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    server.kill()?;
    bail!("the server did not stop within 15 s of SIGTERM")
}

/// A fresh PostgreSQL database for one run, dropped when the run is over.
pub struct TemporaryDatabase {
    admin: sea_orm::DatabaseConnection,
    name: String,
    pub url: String,
}

impl TemporaryDatabase {
    /// Made through `admin_url` (a server and an existing database).
    pub async fn create(admin_url: &str, purpose: &str) -> anyhow::Result<Self> {
        let name = format!("siang_{purpose}_{}", std::process::id());
        let admin = sea_orm::Database::connect(admin_url).await.context("connecting to PostgreSQL")?;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        let url = match admin_url.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => bail!("the PostgreSQL URL needs a database path"),
        };
        Ok(Self { admin, name, url })
    }

    pub async fn drop(self) -> anyhow::Result<()> {
        self.admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await?;
        Ok(())
    }
}

/// A client with a cookie jar, as a browser keeps one.
pub struct Browser {
    /// Where requests go; change it to send the same cookies elsewhere.
    pub base: String,
    http: HttpClient,
    cookies: HashMap<String, String>,
    token: String,
}

pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Browser {
    pub fn new(http: &HttpClient, base: &str) -> Self {
        Self { http: http.clone(), base: base.to_owned(), cookies: HashMap::new(), token: String::new() }
    }

    pub async fn send(&mut self, request: hyper::http::request::Builder, body: Bytes) -> anyhow::Result<Answer> {
        let cookie: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let request = request.header("cookie", cookie.join("; ")).body(Full::new(body))?;
        let response = tokio::time::timeout(Duration::from_secs(60), self.http.request(request)).await??;
        for value in response.headers().get_all("set-cookie") {
            let pair = value.to_str().unwrap_or("").split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status().as_u16();
        let body = String::from_utf8_lossy(&response.into_body().collect().await?.to_bytes()).into_owned();
        if let Some(start) = body.find("name=\"_csrf\" value=\"") {
            let rest = &body[start + 20..];
            self.token = rest[..rest.find('"').unwrap_or(0)].to_owned();
        }
        Ok(Answer { status, body })
    }

    pub async fn get(&mut self, path: &str) -> anyhow::Result<Answer> {
        let url = format!("{}{path}", self.base);
        self.send(hyper::Request::get(url), Bytes::new()).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> anyhow::Result<Answer> {
        let body = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("_csrf", &self.token);
            for (name, value) in fields {
                form.append_pair(name, value);
            }
            form.finish()
        };
        let request = hyper::Request::post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded");
        self.send(request, Bytes::from(body)).await
    }

    pub async fn post_json(&mut self, path: &str, body: &serde_json::Value) -> anyhow::Result<Answer> {
        let request = hyper::Request::post(format!("{}{path}", self.base)).header("content-type", "application/json");
        self.send(request, Bytes::from(body.to_string())).await
    }
}
