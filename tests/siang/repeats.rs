//! A request that comes again makes nothing new: a resident's form sent
//! twice (a double click, a reload, the browser posting it again) and an
//! API client's retry with the same `Idempotency-Key` get the first answer.

use serde_json::json;

use crate::helpers::{Client, TestApp, TestResponse};
use crate::on_both_databases;
use crate::submit::COMPLAINT;

/// The complaint form as the page gives it, with its one-time id.
async fn form_fields(resident: &Client<'_>) -> Vec<(String, String)> {
    let page = resident.get("/submit?kind=complaint").await;
    let id = page.hidden_field("request_id");
    assert_eq!(id.len(), 32, "the form carries a one-time id");
    let mut fields: Vec<(String, String)> = COMPLAINT.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    fields.push(("request_id".into(), id));
    fields
}

fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn receipt(resident: &Client<'_>) -> (String, String) {
    let page = resident.get("/receipt").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.headers["cache-control"], "no-store", "nobody keeps a page with the key");
    (page.element_text("tracking-code"), page.element_text("access-key"))
}

async fn a_form_sent_twice_makes_one_submission_and_its_receipt_reloads(app: TestApp) {
    let resident = app.resident();
    let fields = form_fields(&resident).await;
    let sent = resident.post_form("/submit", &borrowed(&fields)).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location(), "/receipt", "the key never enters a URL");
    let first = receipt(&resident).await;
    assert_eq!(receipt(&resident).await, first, "reloading the receipt shows it again and sends nothing");

    let again = resident.post_form("/submit", &borrowed(&fields)).await;
    assert_eq!(again.status, 303, "the browser posting the form again");
    assert_eq!(receipt(&resident).await, first, "gets the same receipt, with the same key");
    assert_eq!(app.count("submission").await, 1);
    assert_eq!(app.count("submission_event").await, 1);

    // The receipt opens the submission: the key shown again is its key.
    let tracked = resident.post_form("/track", &[("tracking_code", &first.0), ("access_key", &first.1)]).await;
    assert_eq!(tracked.status, 200);
}

async fn a_double_click_makes_one_submission(app: TestApp) {
    let resident = app.resident();
    let fields = form_fields(&resident).await;
    let form = borrowed(&fields);
    let (x, y) = tokio::join!(resident.post_form("/submit", &form), resident.post_form("/submit", &form));
    assert_eq!((x.status.as_u16(), y.status.as_u16()), (303, 303), "{} / {}", x.body, y.body);
    assert_eq!(app.count("submission").await, 1, "two clicks, one submission");
    receipt(&resident).await;
}

async fn the_same_form_with_other_text_is_not_taken_for_a_repeat(app: TestApp) {
    let resident = app.resident();
    let fields = form_fields(&resident).await;
    assert_eq!(resident.post_form("/submit", &borrowed(&fields)).await.status, 303);
    let mut edited = fields.clone();
    edited.iter_mut().find(|(k, _)| k == "details").unwrap().1 = "เพิ่มเติม: ไฟดับทั้งซอย".into();
    let refused = resident.post_form("/submit", &borrowed(&edited)).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("แบบฟอร์มนี้ถูกส่งไปแล้ว"), "the resident is told why");
    assert!(refused.body.contains("ไฟดับทั้งซอย"), "and keeps what they typed");
    let fresh = refused.hidden_field("request_id");
    assert_ne!(fresh, fields.iter().find(|(k, _)| k == "request_id").unwrap().1, "with a new id to send it anew");
    assert_eq!(app.count("submission").await, 1, "nothing more was stored");

    edited.iter_mut().find(|(k, _)| k == "request_id").unwrap().1 = fresh;
    assert_eq!(resident.post_form("/submit", &borrowed(&edited)).await.status, 303);
    assert_eq!(app.count("submission").await, 2, "sending again sends it as new");
}

async fn a_receipt_is_shown_only_to_the_browser_that_sent_it(app: TestApp) {
    let resident = app.resident();
    let fields = form_fields(&resident).await;
    resident.post_form("/submit", &borrowed(&fields)).await;
    let other = app.client([198, 51, 100, 99]);
    let none = other.get("/receipt").await;
    assert_eq!(none.status, 404);
    assert!(none.body.contains("ไม่มีใบรับเรื่องที่จะแสดง"));
    other.set_cookie("siang_receipt", "not-an-id");
    assert_eq!(other.get("/receipt").await.status, 404);
}

async fn post_api(client: &Client<'_>, key: Option<&str>, body: &serde_json::Value) -> TestResponse {
    use axum::body::Body;
    use axum::http::{header, Request};
    let mut request = Request::post("/api/v1/submissions").header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    client.send(request.body(Body::from(body.to_string())).unwrap()).await
}

async fn an_api_retry_with_the_same_idempotency_key_gets_the_first_answer(app: TestApp) {
    let client = app.client([192, 0, 2, 50]);
    let body = json!({"kind": "complaint", "subject": "น้ำประปาไม่ไหล", "details": "สามวันแล้ว"});
    let first = post_api(&client, Some("7f2d9c1e-retry"), &body).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let retry = post_api(&client, Some("7f2d9c1e-retry"), &body).await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.json(), first.json(), "the same answer, key and all");
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(app.count("submission").await, 1);

    let other_body = json!({"kind": "complaint", "subject": "น้ำประปาไม่ไหล", "details": "สี่วันแล้ว"});
    let reused = post_api(&client, Some("7f2d9c1e-retry"), &other_body).await;
    assert_eq!(reused.status, 422, "the same key with another body");
    assert!(reused.json()["errors"]["idempotency_key"].is_array());
    assert_eq!(app.count("submission").await, 1);

    let (x, y) = tokio::join!(post_api(&client, Some("at-once"), &body), post_api(&client, Some("at-once"), &body));
    assert_eq!((x.status.as_u16(), y.status.as_u16()), (201, 201));
    assert_eq!(x.json(), y.json(), "two at once, one submission");
    assert_eq!(app.count("submission").await, 2);

    assert_eq!(post_api(&client, None, &body).await.status, 201);
    assert_eq!(post_api(&client, None, &body).await.status, 201);
    assert_eq!(app.count("submission").await, 4, "without a key every request is new");

    let bad = post_api(&client, Some("tab\there"), &body).await;
    assert_eq!(bad.status, 422);
    assert!(bad.json()["errors"]["idempotency_key"].is_array());
}

async fn a_key_is_remembered_for_a_day(app: TestApp) {
    use sea_orm::ConnectionTrait;
    let client = app.client([192, 0, 2, 51]);
    let body = json!({"kind": "suggestion", "subject": "ขอสวนสาธารณะ", "details": "ให้เด็กได้เล่น"});
    let first = post_api(&client, Some("day-old"), &body).await.json();
    app.db.execute_unprepared("UPDATE submission_request SET created_at = '2020-01-01 00:00:00+00:00'").await.unwrap();
    let later = post_api(&client, Some("day-old"), &body).await;
    assert_eq!(later.status, 201);
    assert_ne!(later.json()["tracking_code"], first["tracking_code"], "after 24 hours the key is new again");
    assert_eq!(app.count("submission").await, 2);
}

on_both_databases!(
    a_form_sent_twice_makes_one_submission_and_its_receipt_reloads,
    a_double_click_makes_one_submission,
    the_same_form_with_other_text_is_not_taken_for_a_repeat,
    a_receipt_is_shown_only_to_the_browser_that_sent_it,
    an_api_retry_with_the_same_idempotency_key_gets_the_first_answer,
    a_key_is_remembered_for_a_day,
);
