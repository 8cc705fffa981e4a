//! Several instances, one database, nothing lost: three `siang serve`
//! processes on one PostgreSQL database behind HAProxy (round robin, health
//! checks on `/healthz`), rate limits counted in Redis. Residents submit
//! under load through HAProxy, each request under its own `Idempotency-Key`
//! and sent again after any failure; one instance is `kill -9`ed mid-load
//! and restarted. Then every acknowledged submission must be readable with
//! its key, stored once (one row per request, unique tracking codes), and a
//! staff member signed in before the kill must still be signed in on every
//! instance. With a standby (`SIANG_CLUSTER_STANDBY_URL`), public reads are
//! shown coming from it: with its replay paused a new submission is missing
//! from the public statistics, and appears once replay resumes.
//!
//! Run it with `scripts/cluster-test`, which installs HAProxy, builds the
//! release binary and this example, and starts the PostgreSQL primary and
//! standby (and Redis when none runs).
//!
//! Environment: `SIANG_CLUSTER_POSTGRES_URL` (a server and an existing
//! database; a fresh database is made and dropped there), `SIANG_REDIS_URL`
//! (default `redis://127.0.0.1:6379`), `SIANG_CLUSTER_STANDBY_URL` (a hot
//! standby of that server, any database; optional), `HAPROXY` (default
//! `haproxy`), `SIANG_BIN`.

mod support;

use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use http_body_util::{BodyExt, Full};
use sea_orm::ConnectionTrait;
use support::residents::{check_in_database, check_through_api, submit, Acknowledged};
use support::{
    free_port, lock, run_command, siang_binary, start_with, stop_gracefully, wait_healthy, Browser, HttpClient,
    TemporaryDatabase,
};

const INSTANCES: usize = 3;
const PASSWORD: &str = "รหัสผ่านของการทดสอบคลัสเตอร์";

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    let outcome = run().await;
    println!("cluster test took {:.0} s", started.elapsed().as_secs_f64());
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cluster test FAILED: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let option = support::numeric_option::<usize>;
    let submissions = option("--submissions", 1500)?;
    let clients = option("--clients", 24)?;
    let admin_url = std::env::var("SIANG_CLUSTER_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let database = TemporaryDatabase::create(&admin_url, "cluster").await?;
    let standby = std::env::var("SIANG_CLUSTER_STANDBY_URL").ok().filter(|url| !url.is_empty());
    let standby = standby.map(|url| same_database_on(&url, &database.url)).transpose()?;
    let cluster = Cluster::start(&database.url, standby.as_deref()).await;
    let result = match cluster {
        Ok(mut cluster) => {
            let result = cluster.check(standby.as_deref(), submissions, clients).await;
            cluster.stop();
            result
        }
        Err(err) => Err(err),
    };
    database.drop().await?;
    result
}

/// `standby_server`'s address with the database of `primary_database`.
fn same_database_on(standby_server: &str, primary_database: &str) -> anyhow::Result<String> {
    let (server, _) = standby_server.rsplit_once('/').context("the standby URL needs a database path")?;
    let (_, name) = primary_database.rsplit_once('/').context("a database URL")?;
    Ok(format!("{server}/{name}"))
}

struct Cluster {
    binary: std::path::PathBuf,
    database_url: String,
    http: HttpClient,
    settings: Vec<(&'static str, String)>,
    ports: Vec<u16>,
    instances: Vec<Child>,
    haproxy: Child,
    /// Through HAProxy.
    base: String,
    _config: tempfile::TempDir,
}

impl Cluster {
    async fn start(database_url: &str, standby: Option<&str>) -> anyhow::Result<Self> {
        let binary = siang_binary()?;
        run_command(&binary, database_url, &["migrate"], "")?;
        let args = ["user", "create", "--username", "duty", "--role", "admin", "--password-stdin"];
        run_command(&binary, database_url, &args, &format!("{PASSWORD}\n"))?;
        let redis = std::env::var("SIANG_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let mut settings = vec![
            ("SIANG_REDIS_URL", redis),
            // HAProxy says who the client is.
            ("SIANG_TRUSTED_PROXIES", "127.0.0.1".into()),
        ];
        if let Some(standby) = standby {
            settings.push(("SIANG_READ_DATABASE_URL", standby.into()));
        }
        let http = support::http_client();
        let ports: Vec<u16> = (0..INSTANCES).map(|_| free_port()).collect::<Result<_, _>>()?;
        let mut instances = Vec::new();
        for port in &ports {
            let mut instance = spawn(&binary, database_url, *port, &settings)?;
            wait_healthy(&http, &format!("http://127.0.0.1:{port}"), &mut instance).await?;
            instances.push(instance);
        }
        let config = tempfile::tempdir()?;
        let front = free_port()?;
        let haproxy_config = config.path().join("haproxy.cfg");
        std::fs::write(&haproxy_config, haproxy_config_text(front, &ports))?;
        let haproxy = std::env::var("HAPROXY").unwrap_or_else(|_| "haproxy".into());
        // -db: in the foreground, a child of this test, never a service.
        let mut haproxy = Command::new(&haproxy)
            .args(["-db", "-f"])
            .arg(&haproxy_config)
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {haproxy}"))?;
        let base = format!("http://127.0.0.1:{front}");
        wait_healthy(&http, &base, &mut haproxy).await?;
        let database_url = database_url.to_owned();
        Ok(Self { binary, database_url, http, settings, ports, instances, haproxy, base, _config: config })
    }

    async fn check(&mut self, standby: Option<&str>, submissions: usize, clients: usize) -> anyhow::Result<()> {
        let mut staff = Browser::new(&self.http, &self.base);
        staff.get("/staff/login").await?;
        let login = staff.post_form("/staff/login", &[("username", "duty"), ("password", PASSWORD)]).await?;
        ensure!(login.status == 303, "staff could not sign in through HAProxy: {}", login.status);
        self.signed_in_everywhere(&mut staff, "after signing in").await?;

        let mut acknowledged = Vec::new();
        match standby {
            Some(standby) => acknowledged.push(self.reads_come_from_the_standby(standby).await?),
            None => println!("replica: skipped (no standby given: SIANG_CLUSTER_STANDBY_URL)"),
        }

        let load = self.load_with_a_crash(submissions, clients).await?;
        acknowledged.extend(load.acknowledged.iter().cloned());
        let found = check_through_api(&self.http, &self.base, &acknowledged).await;
        let stored = check_in_database(&self.database_url, &acknowledged).await?;
        let codes: std::collections::HashSet<&str> = acknowledged.iter().map(|ack| ack.code.as_str()).collect();
        self.signed_in_everywhere(&mut staff, "after the restart").await?;
        println!(
            "load: {submissions} submissions by {clients} clients through HAProxy in {:.1} s; instance 2 killed \
             -9 after {} acknowledged and restarted; {} requests sent again after a failure (same Idempotency-Key)",
            load.seconds, load.killed_after, load.resent,
        );
        println!(
            "checks: acknowledged {} (distinct tracking codes {}), readable with their key {found}, stored as \
             acknowledged {}; rows {}, distinct requests stored {}; never acknowledged {}",
            acknowledged.len(),
            codes.len(),
            stored.found,
            stored.rows,
            stored.distinct_subjects,
            load.given_up,
        );
        ensure!(!acknowledged.is_empty(), "nothing was acknowledged");
        ensure!(codes.len() == acknowledged.len(), "two requests were acknowledged with one tracking code");
        ensure!(found == acknowledged.len(), "acknowledged submissions missing through the API");
        ensure!(stored.found == acknowledged.len(), "acknowledged submissions missing in the database");
        ensure!(stored.rows == stored.distinct_subjects, "a request was stored twice");
        // Rows beyond the acknowledged can only be requests whose every
        // answer was lost; with resends there should be none.
        ensure!(load.given_up == 0, "{} submissions were never acknowledged", load.given_up);
        ensure!(
            stored.rows == acknowledged.len(),
            "{} rows no request was acknowledged for",
            stored.rows - acknowledged.len()
        );
        Ok(())
    }

    /// The staff member's cookies open `/staff` on every instance directly,
    /// and through HAProxy (which takes turns) as often as there are instances.
    async fn signed_in_everywhere(&self, staff: &mut Browser, when: &str) -> anyhow::Result<()> {
        let mut bases: Vec<String> = self.ports.iter().map(|port| format!("http://127.0.0.1:{port}")).collect();
        bases.extend(std::iter::repeat_n(self.base.clone(), INSTANCES));
        for base in bases {
            staff.base = base;
            let inbox = staff.get("/staff").await?;
            ensure!(inbox.status == 200, "{when}: /staff at {} answered {}", staff.base, inbox.status);
        }
        staff.base = self.base.clone();
        println!("staff: signed in on all {INSTANCES} instances {when}");
        Ok(())
    }

    /// With the standby's replay paused, a new submission is counted on the
    /// primary but not on the public statistics, which the standby serves;
    /// once replay resumes it shows.
    async fn reads_come_from_the_standby(&self, standby: &str) -> anyhow::Result<Acknowledged> {
        let replica = sea_orm::Database::connect(standby).await.context("connecting to the standby")?;
        let year = siang::domain::calendar::fiscal_year(siang::domain::calendar::local_date(chrono::Utc::now()));
        let received = || async { self.received_this_year(year).await };
        self.wait_for_replica_in_use().await?;
        let before = received().await?;
        replica.execute_unprepared("SELECT pg_wal_replay_pause()").await?;
        let outcome = async {
            // Numbered apart from the load's submissions.
            let ack = submit(&self.http, &self.base, 1_000_000, None).await.context("a submission was refused")?;
            let paused = received().await?;
            ensure!(paused == before, "public statistics changed while the standby was paused: {before} → {paused}");
            Ok(ack)
        }
        .await;
        replica.execute_unprepared("SELECT pg_wal_replay_resume()").await?;
        let ack = outcome?;
        let resumed = Instant::now();
        while received().await? != before + 1 {
            ensure!(resumed.elapsed() < Duration::from_secs(10), "the standby did not catch up within 10 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let health = self.get("/healthz").await?;
        println!(
            "replica: public statistics served by the standby: still {before} received while its replay was paused, {} \
             {:.2} s after it resumed; /healthz says {:?}",
            before + 1,
            resumed.elapsed().as_secs_f64(),
            health.1.lines().nth(1).unwrap_or("")
        );
        replica.close().await?;
        Ok(ack)
    }

    /// Every instance reports the standby in use.
    async fn wait_for_replica_in_use(&self) -> anyhow::Result<()> {
        for port in &self.ports {
            let started = Instant::now();
            loop {
                let (_, health) = self.get_at(&format!("http://127.0.0.1:{port}"), "/healthz").await?;
                if health.contains("replica lag") && !health.contains("primary") {
                    break;
                }
                ensure!(started.elapsed() < Duration::from_secs(10), "instance at {port}: {health}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Ok(())
    }

    /// Submissions received in `year`, as the public statistics API tells.
    async fn received_this_year(&self, year: i32) -> anyhow::Result<i64> {
        let (status, body) = self.get(&format!("/api/v1/stats/{year}")).await?;
        ensure!(status == 200, "/api/v1/stats/{year} answered {status}");
        let stats: serde_json::Value = serde_json::from_str(&body)?;
        stats["total"].as_i64().with_context(|| format!("no `total` in {body}"))
    }

    async fn get(&self, path: &str) -> anyhow::Result<(u16, String)> {
        self.get_at(&self.base, path).await
    }

    async fn get_at(&self, base: &str, path: &str) -> anyhow::Result<(u16, String)> {
        let request = hyper::Request::get(format!("{base}{path}")).body(Full::default())?;
        let response = tokio::time::timeout(Duration::from_secs(10), self.http.request(request)).await??;
        let status = response.status().as_u16();
        Ok((status, String::from_utf8_lossy(&response.into_body().collect().await?.to_bytes()).into_owned()))
    }

    /// `clients` residents send `submissions` through HAProxy; instance 2 is
    /// killed half-way and started again while they go on.
    async fn load_with_a_crash(&mut self, submissions: usize, clients: usize) -> anyhow::Result<Load> {
        let run = uuid::Uuid::new_v4().simple().to_string();
        let next = Arc::new(AtomicUsize::new(0));
        let resent = Arc::new(AtomicUsize::new(0));
        let acknowledged = Arc::new(Mutex::new(Vec::<Acknowledged>::new()));
        let given_up = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..clients {
            let (http, base, run) = (self.http.clone(), self.base.clone(), run.clone());
            let (next, resent, acknowledged, given_up) =
                (next.clone(), resent.clone(), acknowledged.clone(), given_up.clone());
            workers.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= submissions {
                        break;
                    }
                    let key = format!("cluster-{run}-{i}");
                    let deadline = Instant::now() + Duration::from_secs(30);
                    loop {
                        if let Some(ack) = submit(&http, &base, i, Some(&key)).await {
                            lock(&acknowledged).push(ack);
                            break;
                        }
                        if Instant::now() > deadline {
                            given_up.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                        resent.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }));
        }

        // Kill -9 one instance half-way, while requests are in flight.
        while lock(&acknowledged).len() < submissions / 2 && started.elapsed() < Duration::from_secs(120) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let killed_after = lock(&acknowledged).len();
        let victim = 1;
        self.instances[victim].kill()?; // SIGKILL
        self.instances[victim].wait()?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let port = self.ports[victim];
        let mut restarted = spawn(&self.binary, &self.database_url, port, &self.settings)?;
        wait_healthy(&self.http, &format!("http://127.0.0.1:{port}"), &mut restarted).await?;
        self.instances[victim] = restarted;

        for worker in workers {
            worker.await?;
        }
        let acknowledged = lock(&acknowledged).clone();
        Ok(Load {
            acknowledged,
            given_up: given_up.load(Ordering::SeqCst),
            killed_after,
            resent: resent.load(Ordering::SeqCst),
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    fn stop(&mut self) {
        for instance in &mut self.instances {
            if let Err(err) = stop_gracefully(instance) {
                eprintln!("an instance did not stop cleanly: {err:#}");
            }
        }
        let _ = self.haproxy.kill();
        let _ = self.haproxy.wait();
    }
}

struct Load {
    acknowledged: Vec<Acknowledged>,
    /// Submissions still unanswered after 30 s of resending.
    given_up: usize,
    killed_after: usize,
    resent: usize,
    seconds: f64,
}

fn spawn(
    binary: &std::path::Path,
    database_url: &str,
    port: u16,
    settings: &[(&'static str, String)],
) -> anyhow::Result<Child> {
    let settings: Vec<(&str, &str)> = settings.iter().map(|(name, value)| (*name, value.as_str())).collect();
    start_with(binary, database_url, port, &settings)
}

/// Round robin over the instances, each checked on `/healthz` every second; a request whose connection fails is retried on another.
fn haproxy_config_text(front: u16, ports: &[u16]) -> String {
    let servers: String = ports
        .iter()
        .enumerate()
        .map(|(n, port)| format!("    server siang{} 127.0.0.1:{port} check inter 1s fall 2 rise 2\n", n + 1))
        .collect();
    format!(
        "global\n    maxconn 4096\n\
         defaults\n    mode http\n    timeout connect 2s\n    timeout client 60s\n    timeout server 60s\n    timeout check 3s\n\
         \x20   retries 3\n    option redispatch\n    option forwardfor\n\
         frontend portal\n    bind 127.0.0.1:{front}\n    default_backend siang\n\
         backend siang\n    balance roundrobin\n    option httpchk GET /healthz\n    http-check expect status 200\n\
         {servers}"
    )
}
