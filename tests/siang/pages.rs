//! Pages every visitor meets: home, language switch, health.

use crate::helpers::TestApp;
use crate::on_both_databases;

async fn the_home_page_says_what_residents_can_do_in_thai(app: TestApp) {
    let page = app.resident().get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"<html lang="th">"#));
    for link in [
        "/submit?kind=complaint",
        "/submit?kind=suggestion",
        "/submit?kind=service_feedback",
        "/track",
        "/report-corruption",
    ] {
        assert!(page.body.contains(&format!(r#"href="{link}""#)), "home links {link}");
    }
    assert!(page.body.contains("ตอบกลับภายใน 15 วัน"), "the due days come from the agency's settings");
}

async fn the_language_switch_turns_pages_english_and_back(app: TestApp) {
    let visitor = app.resident();
    let switched = visitor.get("/language/en?next=%2Fsubmit%3Fkind%3Dsuggestion").await;
    assert_eq!(switched.status, 303);
    assert_eq!(switched.location(), "/submit?kind=suggestion");
    let page = visitor.get("/submit").await;
    assert!(page.body.contains(r#"<html lang="en">"#));
    assert!(page.body.contains("Improvement suggestion"));
    assert!(page.body.contains("Privacy notice (PDPA)"));

    let invalid = visitor.post_json("/api/v1/submissions", &serde_json::json!({"kind": "complaint"})).await;
    assert_eq!(invalid.json()["errors"]["subject"][0], "Please fill this in");

    visitor.get("/language/th?next=/").await;
    assert!(visitor.get("/submit").await.body.contains(r#"<html lang="th">"#));
}

async fn the_language_switch_is_not_an_open_redirect(app: TestApp) {
    let visitor = app.resident();
    for next in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let response = visitor.get(&format!("/language/en?next={encoded}")).await;
        assert_eq!(response.location(), "/", "{next}");
    }
    assert_eq!(visitor.get("/language/fr").await.status, 404);
}

async fn health_says_ok_while_the_database_answers(app: TestApp) {
    let health = app.resident().get("/healthz").await;
    assert_eq!((health.status.as_u16(), health.body.as_str()), (200, "ok"));
    app.db.clone().close().await.unwrap();
    let health = app.resident().get("/healthz").await;
    assert_eq!(health.status, 503);
    let page = app.resident().get("/submit").await;
    assert_eq!(page.status, 503, "pages say the database is unavailable instead of failing");
    assert!(page.body.contains("ระบบขัดข้องชั่วคราว"));
}

async fn receipt_dates_are_in_the_buddhist_era(app: TestApp) {
    let page = app.resident().post_form_followed("/submit", crate::submit::COMPLAINT).await;
    let today = siang::i18n::format_date(siang::i18n::Lang::Th, chrono::Utc::now());
    assert!(today.ends_with(&(chrono::Utc::now().format("%Y").to_string().parse::<i32>().unwrap() + 543).to_string()));
    assert!(page.body.contains(&today), "{today} on the receipt");
}

async fn every_page_has_a_description_an_icon_and_compressed_text(app: TestApp) {
    let visitor = app.resident();
    for path in ["/", "/submit", "/track", "/log", "/stats/2569", "/no-such-page"] {
        let page = visitor.get(path).await;
        assert!(page.body.contains(r#"<meta name="description" content="เว็บไซต์รับเรื่อง"#), "{path}");
        assert!(page.body.contains(r#"<link rel="icon" href="/static/favicon.svg""#), "{path}");
    }
    assert_eq!(visitor.get("/favicon.ico").await.status, 200);
    assert_eq!(visitor.get("/static/fonts/sarabun-thai-400.woff2").await.status, 200);
    assert!(visitor.get("/static/fonts/OFL.txt").await.body.contains("SIL Open Font License"));

    // Slow rural connections: pages come compressed when the browser can take it.
    for (accepts, encoding) in [("br", "br"), ("gzip", "gzip")] {
        let page = visitor.get_with("/", &[("accept-encoding", accepts)]).await;
        assert_eq!(page.headers["content-encoding"], encoding);
    }
    let font = visitor.get_with("/static/fonts/sarabun-thai-400.woff2", &[("accept-encoding", "br, gzip")]).await;
    assert!(font.headers.get("content-encoding").is_none(), "a font is compressed already");
}

async fn the_atom_feed_links_absolutely_and_to_itself(app: TestApp) {
    let feed = app.resident().get_with("/feed.atom", &[("host", "siang.example.go.th")]).await;
    assert_eq!(feed.status, 200);
    assert!(feed
        .body
        .contains(r#"<link rel="self" type="application/atom+xml" href="http://siang.example.go.th/feed.atom"/>"#));
    assert!(feed.body.contains(r#"<link rel="alternate" type="text/html" href="http://siang.example.go.th/log"/>"#));
    let forged = app.resident().get_with("/feed.atom", &[("host", "evil\"><x")]).await;
    assert!(!forged.body.contains("evil"), "a Host that is not a host name is not echoed");
}

async fn english_pages_count_years_in_the_christian_era_and_mark_thai_text(app: TestApp) {
    let visitor = app.resident();
    visitor.get("/language/en?next=/").await;
    let stats = visitor.get("/stats/2569").await;
    assert!(stats.body.contains("Fiscal year 2026 (Oct 2025 – Sep 2026)"), "{}", stats.body);
    assert!(!stats.body.contains("B.E."));
    assert!(stats.body.contains("← 2025</a>"));
    // The agency's Thai name (it has an English one, but staff-written Thai
    // shows the same way) is marked as Thai for screen readers.
    let manual = visitor.get("/manual").await;
    assert!(manual.body.contains(r#"<span lang="th">"#));
    let thai = app.resident().get("/stats/2569").await;
    assert!(thai.body.contains("ปีงบประมาณ พ.ศ. 2569") && !thai.body.contains(r#"<span lang="th">"#));
}

async fn every_timeline_event_has_a_label_in_both_languages(_app: TestApp) {
    use sea_orm::Iterable;
    use siang::i18n::{lookup, Lang};
    for kind in entity::enums::EventKind::iter() {
        let code = serde_json::to_value(kind).unwrap();
        let key = format!("event.{}", code.as_str().unwrap());
        for lang in [Lang::Th, Lang::En] {
            assert!(lookup(lang, &key).is_some(), "{key} has no {lang:?} label");
        }
    }
}

on_both_databases!(
    every_page_has_a_description_an_icon_and_compressed_text,
    the_atom_feed_links_absolutely_and_to_itself,
    english_pages_count_years_in_the_christian_era_and_mark_thai_text,
    every_timeline_event_has_a_label_in_both_languages,
    the_home_page_says_what_residents_can_do_in_thai,
    the_language_switch_turns_pages_english_and_back,
    the_language_switch_is_not_an_open_redirect,
    health_says_ok_while_the_database_answers,
    receipt_dates_are_in_the_buddhist_era,
);
