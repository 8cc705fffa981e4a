//! The JSON API: the same flow for apps.

use std::collections::HashSet;

use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_databases;

fn valid(kind: &str) -> serde_json::Value {
    match kind {
        "service_feedback" => json!({
            "kind": "service_feedback", "service": "elderly-allowance",
            "details": "ได้รับเงินตรงเวลา",
            "ratings": {"procedure_time": 4, "clear_answers": 3}, "asked_for_benefit": false
        }),
        "corruption" => json!({
            "kind": "corruption", "subject": "เรียกรับเงินใต้โต๊ะ", "details": "ช่างคุมงานขอเงินเพื่อเร่งตรวจรับ",
            "corruption": {"official": "นายช่างโยธา", "when": "ตุลาคม 2569", "evidence": "สลิปโอนเงิน"}
        }),
        other => {
            json!({"kind": other, "subject": "ถนนเป็นหลุม", "details": "ถนนสายหลักหมู่ 5 เป็นหลุมลึก", "location": "หมู่ 5"})
        }
    }
}

async fn each_kind_is_accepted_and_tracked_through_the_api(app: TestApp) {
    let client = app.resident();
    for kind in ["service_feedback", "complaint", "suggestion", "corruption"] {
        let created = client.post_json("/api/v1/submissions", &valid(kind)).await;
        assert_eq!(created.status, 201, "{kind}: {}", created.body);
        let body = created.json();
        assert_eq!(body["kind"], kind);
        assert_eq!(body["status"], "received");
        let code = body["tracking_code"].as_str().unwrap();
        let key = body["access_key"].as_str().unwrap();
        assert!(body["received_at"].as_str().unwrap() < body["due_at"].as_str().unwrap());

        let tracked = client.get_with(&format!("/api/v1/submissions/{code}"), &[("x-access-key", key)]).await;
        assert_eq!(tracked.status, 200, "{}", tracked.body);
        let tracked = tracked.json();
        assert_eq!(tracked["tracking_code"], code);
        assert_eq!(tracked["status"], "received");
        assert_eq!(tracked["events"][0]["type"], "received");
        assert_eq!(tracked["events"][0]["status"], "received");
    }
    assert_eq!(app.count("submission").await, 4);
    assert_eq!(app.count("corruption_detail").await, 1);
    assert_eq!(app.count("submission_rating").await, 2);
}

async fn invalid_json_gets_422_with_errors_per_field(app: TestApp) {
    let client = app.resident();
    let cases = [
        (json!({"kind": "complaint", "subject": "ก".repeat(201), "details": "x"}), "subject", "ไม่เกิน 200 ตัวอักษร"),
        (json!({"kind": "complaint", "subject": "ก", "details": "ข".repeat(5001)}), "details", "ไม่เกิน 5,000 ตัวอักษร"),
        (json!({"kind": "complaint", "details": "x"}), "subject", "กรุณากรอกข้อมูลนี้"),
        (json!({"kind": "praise", "subject": "x", "details": "y"}), "kind", "ประเภทเรื่องไม่ถูกต้อง"),
        (
            json!({"kind": "complaint", "subject": "x", "details": "y", "contact": {"phone": "0"}, "consent": true}),
            "contact.phone",
            "หมายเลขโทรศัพท์",
        ),
        (
            json!({"kind": "complaint", "subject": "x", "details": "y", "contact": {"email": "a@"}, "consent": true}),
            "contact.email",
            "อีเมล",
        ),
        (
            json!({"kind": "complaint", "subject": "x", "details": "y", "contact": {"name": "ก"}}),
            "consent",
            "ประกาศความเป็นส่วนตัว",
        ),
        (
            json!({"kind": "service_feedback", "service": "land-tax", "ratings": {"procedure_time": 0}}),
            "ratings.procedure_time",
            "1 ถึง 4",
        ),
        (
            json!({"kind": "service_feedback", "service": "land-tax", "ratings": {"bogus": 2}}),
            "ratings.bogus",
            "ไม่มีคำถาม",
        ),
        (json!({"kind": "service_feedback"}), "service", "กรุณาเลือกบริการ"),
        (
            json!({"kind": "complaint", "subject": "x", "details": "y", "ratings": {"procedure_time": 2}}),
            "ratings",
            "เฉพาะความคิดเห็นต่อคุณภาพการให้บริการ",
        ),
        (json!({"kind": "corruption", "subject": "x", "details": "y"}), "corruption.official", "กรุณากรอกข้อมูลนี้"),
        (json!({"kind": "complaint", "subject": "x", "details": "y", "surprise": 1}), "body", "ช่องที่ไม่รู้จัก"),
        (json!({"kind": "complaint", "subject": 42, "details": "y"}), "body", "ชนิดข้อมูลไม่ถูกต้อง"),
    ];
    for (body, field, message) in cases {
        let response = client.post_json("/api/v1/submissions", &body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.body);
        let errors = response.json()["errors"][field]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("no error for {field}: {}", response.body));
        assert!(errors.iter().any(|e| e.as_str().unwrap().contains(message)), "{field}: {errors:?} lacks «{message}»");
    }
    let syntax = client.send(json_request("{not json")).await;
    assert_eq!(syntax.status, 422);
    assert!(syntax.json()["errors"]["body"].is_array());
    assert_eq!(app.count("submission").await, 0);
}

fn json_request(body: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post("/api/v1/submissions")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap()
}

async fn json_needs_its_content_type(app: TestApp) {
    let request = axum::http::Request::post("/api/v1/submissions")
        .header("content-type", "text/plain")
        .body(axum::body::Body::from(valid("complaint").to_string()))
        .unwrap();
    let response = app.resident().send(request).await;
    assert_eq!(response.status, 415);
    assert_eq!(response.json()["error"]["code"], "unsupported_media_type");
    assert_eq!(app.count("submission").await, 0);
}

async fn a_wrong_key_and_an_unknown_code_are_the_same_404(app: TestApp) {
    let client = app.resident();
    let created = client.post_json("/api/v1/submissions", &valid("complaint")).await.json();
    let code = created["tracking_code"].as_str().unwrap();
    let wrong =
        client.get_with(&format!("/api/v1/submissions/{code}"), &[("x-access-key", "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ")]).await;
    let missing =
        client.get_with("/api/v1/submissions/2569-999999", &[("x-access-key", "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ")]).await;
    let no_key = client.get(&format!("/api/v1/submissions/{code}")).await;
    assert_eq!(wrong.status, 404);
    assert_eq!((wrong.status, &wrong.body), (missing.status, &missing.body));
    assert_eq!((no_key.status, &no_key.body), (missing.status, &missing.body));
}

async fn tracking_codes_are_unique_under_concurrent_submissions(app: TestApp) {
    const CLIENTS: usize = 40;
    let client = app.resident();
    let body = valid("suggestion");
    let responses =
        futures_util::future::join_all((0..CLIENTS).map(|_| client.post_json("/api/v1/submissions", &body))).await;
    let codes: HashSet<String> = responses
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()["tracking_code"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(codes.len(), CLIENTS);
    let year = crate::submit::current_fiscal_year();
    let expected: HashSet<String> = (1..=CLIENTS).map(|n| format!("{year}-{n:06}")).collect();
    assert_eq!(codes, expected, "one gap-free sequence per fiscal year");
}

on_both_databases!(
    each_kind_is_accepted_and_tracked_through_the_api,
    invalid_json_gets_422_with_errors_per_field,
    json_needs_its_content_type,
    a_wrong_key_and_an_unknown_code_are_the_same_404,
    tracking_codes_are_unique_under_concurrent_submissions,
);
