//! Residents at peak while staff save: 16 residents submit without pause
//! (through the API and the web form) while staff perform every kind of write
//! the workspace has, for 30 seconds, on SQLite and then on PostgreSQL.
//! Nobody may get a server error; afterwards every kept count must equal a
//! recount of the rows (`siang recount --check`).
//!
//! Run it with `scripts/load-test [--seconds N --residents N --staff N]`,
//! which builds the release binary and this example in one go. Environment:
//! `SIANG_LOAD_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`;
//! `skip` to skip PostgreSQL), `SIANG_BIN`.

mod support;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use support::{
    free_port, lock, siang_binary, start, stop_gracefully, wait_healthy, Answer, Browser, TemporaryDatabase,
};

const PASSWORD: &str = "load-test-password-รหัสยาวพอ";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("load test FAILED: server errors, or counts that differ from the rows");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("load test could not run: {err:#}");
            ExitCode::FAILURE
        }
    }
}

struct Options {
    seconds: u64,
    residents: usize,
    staff: usize,
}

async fn run() -> anyhow::Result<bool> {
    let option = support::numeric_option::<u64>;
    let options = Options {
        seconds: option("--seconds", 30)?,
        residents: option("--residents", 16)? as usize,
        staff: option("--staff", 4)? as usize,
    };
    let binary = siang_binary()?;
    let dir = tempfile::tempdir()?;
    let mut passed = true;

    let sqlite = format!("sqlite://{}?mode=rwc", dir.path().join("load.db").display());
    passed &= load("sqlite", &binary, &sqlite, &options).await?;

    let admin_url = std::env::var("SIANG_LOAD_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if admin_url == "skip" {
        println!("postgres: skipped (SIANG_LOAD_POSTGRES_URL=skip)");
    } else {
        let database = TemporaryDatabase::create(&admin_url, "load").await?;
        let result = load("postgres", &binary, &database.url, &options).await;
        database.drop().await?;
        passed &= result?;
    }
    Ok(passed)
}

/// Answers per kind of request: status code → (count, latencies in ms).
#[derive(Default)]
struct Tally(Mutex<BTreeMap<&'static str, BTreeMap<u16, Vec<f64>>>>);

impl Tally {
    fn note(&self, what: &'static str, status: u16, took: Duration) {
        lock(&self.0).entry(what).or_default().entry(status).or_default().push(took.as_secs_f64() * 1000.0);
    }

    fn server_errors(&self) -> usize {
        lock(&self.0)
            .values()
            .flat_map(|codes| codes.iter())
            .filter(|(code, _)| **code >= 500)
            .map(|(_, l)| l.len())
            .sum()
    }

    fn print(&self, database: &str, seconds: u64) {
        println!("\n{database}: {seconds} s");
        println!("| request | answers | 2xx/3xx | 409 | 422 | 429 | 5xx | p50 ms | p99 ms |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (what, codes) in lock(&self.0).iter() {
            let count =
                |f: &dyn Fn(u16) -> bool| -> usize { codes.iter().filter(|(c, _)| f(**c)).map(|(_, l)| l.len()).sum() };
            let mut all: Vec<f64> = codes.values().flatten().copied().collect();
            all.sort_by(f64::total_cmp);
            let at = |q: f64| all.get(((all.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
            println!(
                "| {what} | {} | {} | {} | {} | {} | {} | {:.1} | {:.1} |",
                all.len(),
                count(&|c| c < 400),
                count(&|c| c == 409),
                count(&|c| c == 422),
                count(&|c| c == 429),
                count(&|c| c >= 500),
                at(0.5),
                at(0.99)
            );
        }
    }
}

async fn load(database: &str, binary: &std::path::Path, url: &str, options: &Options) -> anyhow::Result<bool> {
    support::run_command(binary, url, &["migrate"], "")?;
    for name in (0..options.staff).map(|n| format!("staff{n}")).chain(["resettable".to_owned()]) {
        let role = if name == "resettable" { "viewer" } else { "admin" };
        let args = ["user", "create", "--username", &name, "--role", role, "--password-stdin"];
        support::run_command(binary, url, &args, &format!("{PASSWORD}\n"))?;
    }
    let resettable = options.staff + 1;
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let http = support::http_client();
    let mut server = start(binary, url, port)?;
    wait_healthy(&http, &base, &mut server).await?;

    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for n in 0..options.residents {
        let (browser, tally, stop) = (Browser::new(&http, &base), tally.clone(), stop.clone());
        workers.push(tokio::spawn(async move { resident(browser, n, &tally, &stop).await }));
    }
    for n in 0..options.staff {
        let (browser, tally, stop) = (Browser::new(&http, &base), tally.clone(), stop.clone());
        workers.push(tokio::spawn(async move { staff(browser, n, resettable, &tally, &stop).await }));
    }
    tokio::time::sleep(Duration::from_secs(options.seconds)).await;
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.await??;
    }
    stop_gracefully(&mut server)?;

    tally.print(database, options.seconds);
    let errors = tally.server_errors();
    println!("{database}: {errors} server errors");
    let counts_agree = std::process::Command::new(binary)
        .args(["recount", "--check"])
        .env("SIANG_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .status()?
        .success();
    println!("{database}: counts {}", if counts_agree { "equal a recount" } else { "DIFFER from a recount" });
    Ok(errors == 0 && counts_agree)
}

/// Times `request` and notes its answer under `what`.
async fn timed(
    tally: &Tally,
    what: &'static str,
    request: impl std::future::Future<Output = anyhow::Result<Answer>>,
) -> anyhow::Result<Answer> {
    let started = Instant::now();
    let answer = request.await?;
    tally.note(what, answer.status, started.elapsed());
    if answer.status >= 500 {
        eprintln!("{what}: {} {}", answer.status, answer.body.chars().take(300).collect::<String>());
    }
    Ok(answer)
}

async fn resident(mut browser: Browser, n: usize, tally: &Tally, stop: &AtomicBool) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(n as u64);
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let subject = format!("ไฟทางดับ จุดที่ {n}-{i}");
        if rng.random_bool(0.7) {
            let kind = ["complaint", "suggestion", "question"][rng.random_range(0..3)];
            let body = serde_json::json!({"kind": kind, "subject": subject, "details": "ไฟทางดับทั้งซอย มืดมาก"});
            timed(tally, "resident: POST /api/v1/submissions", browser.post_json("/api/v1/submissions", &body)).await?;
        } else {
            let form = browser.get("/submit?kind=complaint").await?;
            let id = hidden(&form.body, "request_id");
            let fields = [
                ("kind", "complaint"),
                ("subject", subject.as_str()),
                ("details", "ท่อแตก"),
                ("request_id", id.as_str()),
            ];
            timed(tally, "resident: POST /submit", browser.post_form("/submit", &fields)).await?;
        }
    }
    Ok(())
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    body.find(&marker)
        .map(|start| {
            let rest = &body[start + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
        .unwrap_or_default()
}

/// The ids of submissions linked from a staff page.
fn submission_ids(body: &str) -> Vec<String> {
    body.match_indices("/staff/submissions/")
        .filter_map(|(i, _)| {
            let id: String = body[i + 19..].chars().take_while(char::is_ascii_digit).collect();
            (!id.is_empty()).then_some(id)
        })
        .collect()
}

/// A staff member doing every kind of write in turn; `resettable` is the id
/// of an account whose password they reset now and then.
async fn staff(
    mut browser: Browser,
    n: usize,
    resettable: usize,
    tally: &Tally,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(1000 + n as u64);
    browser.get("/staff/login").await?;
    let login =
        browser.post_form("/staff/login", &[("username", &format!("staff{n}")), ("password", PASSWORD)]).await?;
    anyhow::ensure!(login.status == 303, "staff{n} could not log in: {}", login.status);
    let fiscal_year = siang::domain::calendar::fiscal_year(siang::domain::calendar::local_date(chrono::Utc::now()));
    let mut ids: Vec<String> = Vec::new();
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let inbox = timed(tally, "staff: GET /staff (inbox)", browser.get("/staff")).await?;
        if i % 5 == 1 || ids.is_empty() {
            ids = submission_ids(&inbox.body);
        }
        let Some(id) = (!ids.is_empty()).then(|| ids[rng.random_range(0..ids.len())].clone()) else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let item = format!("/staff/submissions/{id}");
        let unique = format!("{n}-{i}");
        let today = chrono::Utc::now().date_naive();
        let (what, path, fields): (&'static str, String, Vec<(&str, String)>) = match rng.random_range(0..20) {
            0 => ("staff: status", format!("{item}/status"), vec![("status", "accepted".into())]),
            1 => ("staff: status", format!("{item}/status"), vec![("status", "in_progress".into())]),
            2 => (
                "staff: status",
                format!("{item}/status"),
                vec![("status", "resolved".into()), ("message", "แก้ไขแล้ว".into())],
            ),
            3 => ("staff: assign", format!("{item}/assign"), vec![("department", rng.random_range(1..=4).to_string())]),
            4 => (
                "staff: indicators",
                format!("{item}/indicators"),
                vec![
                    ("indicator", rng.random_range(6..=10).to_string()),
                    ("action", if rng.random_bool(0.7) { "link" } else { "unlink" }.into()),
                ],
            ),
            5 => ("staff: reply", format!("{item}/reply"), vec![("message", "เจ้าหน้าที่รับทราบแล้ว".into())]),
            6 => ("staff: note", format!("{item}/notes"), vec![("message", "ประสานกองช่าง".into())]),
            7 => (
                "staff: due date",
                format!("{item}/due"),
                vec![
                    ("due", (today + chrono::Duration::days(rng.random_range(5..60))).to_string()),
                    ("reason", "รอวัสดุ".into()),
                ],
            ),
            8 => (
                "staff: publish",
                format!("{item}/publish"),
                vec![("summary_th", format!("สรุปเรื่อง {unique}")), ("outcome_th", "ดำเนินการแล้ว".into())],
            ),
            9 => ("staff: unpublish", format!("{item}/unpublish"), vec![]),
            10 => (
                "staff: record walk-in",
                "/staff/submissions/new".into(),
                vec![
                    ("kind", "complaint".into()),
                    ("channel", "walk_in".into()),
                    ("subject", format!("แจ้งที่สำนักงาน {unique}")),
                    ("details", "ถนนเป็นหลุม".into()),
                ],
            ),
            11 => (
                "admin: settings",
                "/staff/settings".into(),
                vec![
                    ("name_th", "อบต.ทดสอบภาระ".into()),
                    ("name_en", "Load test SAO".into()),
                    ("first_answer_days", "15".into()),
                    ("closing_days", "30".into()),
                ],
            ),
            12 => (
                "admin: department",
                "/staff/departments".into(),
                vec![
                    ("code", format!("d{unique}")),
                    ("name_th", "กองทดสอบ".into()),
                    ("name_en", "Test division".into()),
                    ("active", "on".into()),
                ],
            ),
            13 => (
                "admin: service",
                "/staff/services".into(),
                vec![
                    ("slug", format!("s{unique}")),
                    ("name_th", "บริการทดสอบ".into()),
                    ("name_en", "Test service".into()),
                    ("active", "on".into()),
                ],
            ),
            14 => (
                "staff: activity",
                "/staff/activities".into(),
                vec![
                    ("kind", "meeting".into()),
                    ("title_th", format!("ประชุมประชาคม {unique}")),
                    ("held_on", today.to_string()),
                    ("place", "ศาลาประชาคม".into()),
                    ("participants", "30".into()),
                    ("description", "รับฟังความคิดเห็น".into()),
                    ("indicators", "8".into()),
                    ("published", "on".into()),
                ],
            ),
            15 => (
                "admin: plan measure",
                format!("/staff/plan/{fiscal_year}"),
                vec![
                    ("indicator", rng.random_range(6..=10).to_string()),
                    ("position", rng.random_range(1..=9).to_string()),
                    ("title_th", format!("มาตรการ {unique}")),
                    ("steps", "ขั้นตอน".into()),
                    ("period_start", today.to_string()),
                    ("period_end", (today + chrono::Duration::days(90)).to_string()),
                ],
            ),
            16 => (
                "admin: user",
                "/staff/users".into(),
                vec![
                    ("username", format!("u{unique}")),
                    ("display_name", "ผู้ใช้ทดสอบ".into()),
                    ("role", "viewer".into()),
                    ("password", PASSWORD.into()),
                ],
            ),
            17 => (
                "admin: password reset",
                format!("/staff/users/{resettable}/password"),
                vec![("password", PASSWORD.into())],
            ),
            18 => (
                "admin: ITA items",
                format!("/staff/ita/{fiscal_year}"),
                vec![
                    ("code", "O19".into()),
                    ("title_th", "ผลการเปิดโอกาสให้เกิดการมีส่วนร่วม".into()),
                    ("title_en", "Participation".into()),
                    ("url_path", "/log".into()),
                ],
            ),
            _ => ("staff: GET submission", item.clone(), vec![]),
        };
        if fields.is_empty() && what == "staff: GET submission" {
            timed(tally, what, browser.get(&path)).await?;
            continue;
        }
        // Forms carry what their page showed, as a browser's would.
        let mut fields = fields;
        if path.starts_with(&item) {
            let page = browser.get(&item).await?;
            let seen: &[&str] = match what {
                "staff: status" => &["seen"],
                "staff: assign" => &["seen_department", "seen_assignee"],
                _ => &[],
            };
            for name in seen {
                fields.push((name, hidden(&page.body, name)));
            }
        } else {
            browser.get(&path).await?;
        }
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        timed(tally, what, browser.post_form(&path, &fields)).await?;
    }
    Ok(())
}
