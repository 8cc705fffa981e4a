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

on_both_databases!(
    the_home_page_says_what_residents_can_do_in_thai,
    the_language_switch_turns_pages_english_and_back,
    the_language_switch_is_not_an_open_redirect,
    health_says_ok_while_the_database_answers,
    receipt_dates_are_in_the_buddhist_era,
);
