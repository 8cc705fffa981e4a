//! Public Q&A (`/qa`): residents ask, staff of the responsible division
//! answer, and what staff publish appears on `/qa` in staff's words only.

use chrono::Utc;
use entity::enums::Role;
use serde_json::json;
use siang::config::ServerConfig;
use siang::domain::error::DomainError;
use siang::domain::participation::publication::{publish, unpublish, PublishInput};

use crate::helpers::TestApp;
use crate::on_both_databases;

/// What the asker wrote, and who they are: none of it may ever be public.
const ASKER_NAME: &str = "นายสมชาย ถามบ่อย";
const ASKER_EMAIL: &str = "somchai.asks@example.com";
const ASKER_TEXT: &str = "ผมจะสร้างโรงจอดรถข้างบ้าน ต้องขออนุญาตไหมครับ บ้านเลขที่ 99/1";

const QUESTION: &[(&str, &str)] =
    &[("details", ASKER_TEXT), ("contact.name", ASKER_NAME), ("contact.email", ASKER_EMAIL), ("consent", "on")];

fn answer(summary: &str, outcome: &str) -> PublishInput {
    PublishInput { summary_th: summary.into(), outcome_th: Some(outcome.into()), ..Default::default() }
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn stored_question(app: &TestApp, code: &str) -> entity::submission::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::submission::Entity::find()
        .filter(entity::submission::Column::TrackingCode.eq(code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn a_resident_asks_through_the_form_and_follows_the_answer(app: TestApp) {
    let resident = app.resident();
    let form = resident.get("/qa").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(r#"action="/qa""#) && form.body.contains("ถามคำถาม"));
    assert!(!form.body.contains(r#"name="contact.phone""#), "a question takes only an e-mail");

    let page = resident.post_form_followed("/qa", QUESTION).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let code = page.element_text("tracking-code");
    let key = page.element_text("access-key");
    assert!(page.body.contains("ถาม-ตอบ"), "the receipt names the kind");

    let stored = stored_question(&app, &code).await;
    assert_eq!(stored.kind, entity::enums::Kind::Question);
    assert_eq!(stored.details, ASKER_TEXT);
    assert_eq!(stored.subject, ASKER_TEXT, "a short question is its own title");
    assert!(!stored.anonymous);
    assert_eq!(app.count("contact").await, 1);
    assert_eq!(app.count("submission_event").await, 1);

    let tracked = resident.post_form("/track", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert_eq!(tracked.status, 200, "{}", tracked.body);
    assert!(tracked.body.contains("ยังไม่มีคำตอบจากหน่วยงาน"));
}

async fn the_api_takes_questions_too(app: TestApp) {
    let (id, code, key) =
        app.submit(json!({"kind": "question", "subject": "ภาษีป้าย", "details": "ภาษีป้ายต้องยื่นแบบภายในเดือนไหน"})).await;
    assert!(id > 0);
    let tracked = app.resident().get_with(&format!("/api/v1/submissions/{code}"), &[("x-access-key", &key)]).await;
    assert_eq!(tracked.status, 200);
    assert_eq!(tracked.json()["kind"], "question");
    assert_eq!(tracked.json()["subject"], "ภาษีป้าย");

    let phone = app
        .client([192, 0, 2, 9])
        .post_json(
            "/api/v1/submissions",
            &json!({"kind": "question", "details": "ถาม", "contact": {"phone": "0812345678"}, "consent": true}),
        )
        .await;
    assert_eq!(phone.status, 422, "{}", phone.body);
    assert!(phone.json()["errors"]["contact.phone"].is_array(), "{}", phone.body);
    assert_eq!(app.count("submission").await, 1);
}

async fn invalid_questions_are_refused_and_store_nothing(app: TestApp) {
    let resident = app.resident();
    // (fields, what the refusal says)
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("details", "  ")], r#"id="f-details-error-1""#),
        (&[("details", "ถาม"), ("contact.email", "ไม่ใช่อีเมล"), ("consent", "on")], r#"id="f-contact-email-error-1""#),
        (&[("details", "ถาม"), ("contact.email", ASKER_EMAIL)], r#"id="f-consent-error-1""#),
        (&[("details", "ถาม"), ("contact.phone", "0812345678"), ("consent", "on")], "รับเฉพาะอีเมล"),
    ];
    for (fields, says) in cases {
        let page = resident.post_form_followed("/qa", fields).await;
        assert_eq!(page.status, 422, "{fields:?}");
        assert!(page.body.contains(says), "{fields:?}: {}", page.body);
    }
    assert_eq!(app.count("submission").await, 0);

    // The form's kind is always a question, whatever is posted, and a
    // question's text is required whatever the kind says.
    let posted = resident.post_form_followed("/qa", &[("kind", "complaint"), ("subject", "หัวข้อ")]).await;
    assert_eq!(posted.status, 422);
    let posted = resident.post_form_followed("/qa", &[("kind", "corruption"), ("details", "ถาม")]).await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    assert_eq!(app.count("submission").await, 1, "only the valid question");
    assert_eq!(app.count("corruption_detail").await, 0);
    assert_eq!(app.count("contact").await, 0);
    assert_eq!(app.count("submission_rating").await, 0);
}

async fn the_ask_form_needs_its_csrf_token(app: TestApp) {
    let body = serde_urlencoded::to_string(QUESTION).unwrap();
    let page = app.resident().post_form_raw("/qa", &body).await;
    assert_eq!(page.status, 403);
    assert_eq!(app.count("submission").await, 0);
}

async fn staff_of_the_division_answer_and_publish_and_the_asker_stays_private(app: TestApp) {
    let works_officer = app.staff("works_officer", Role::Officer, Some("works")).await;
    let finance_officer = app.staff("finance_officer", Role::Officer, Some("finance")).await;
    let viewer = app.staff("viewer", Role::Viewer, None).await;

    // A question about a service goes to the service's division.
    let (id, code, key) = app
        .submit(json!({"kind": "question", "details": ASKER_TEXT, "service": "building-permit",
                       "contact": {"name": ASKER_NAME, "email": ASKER_EMAIL}, "consent": true}))
        .await;
    let works = app.department_id("works").await;
    assert_eq!(stored_question(&app, &code).await.department_id, Some(works));

    // In the inbox of its division's officers, not of another division's.
    let officer = app.resident();
    officer.login("works_officer").await;
    assert!(officer.get("/staff?kind=question").await.body.contains(&code));
    let other = app.client([203, 0, 113, 20]);
    other.login("finance_officer").await;
    assert!(!other.get("/staff").await.body.contains(&code));
    assert_eq!(other.get(&format!("/staff/submissions/{id}")).await.status, 403);
    let refused = other.post_form(&format!("/staff/submissions/{id}/reply"), &[("message", "ตอบ")]).await;
    assert_eq!(refused.status, 403);

    // The officer answers the asker: a public reply on the tracking page.
    let reply = "โรงจอดรถต้องขออนุญาตก่อสร้าง ยื่นที่กองช่างได้";
    let replied = officer.post_form(&format!("/staff/submissions/{id}/reply"), &[("message", reply)]).await;
    assert_eq!(replied.status, 303, "{}", replied.body);
    let answered = stored_question(&app, &code).await;
    assert!(answered.first_answered_at.is_some());
    let tracked = app.resident().post_form("/track", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert!(tracked.body.contains(reply));

    // Publishing: refused to a viewer and to another division's officer.
    let text = answer("สร้างโรงจอดรถข้างบ้านต้องขออนุญาตหรือไม่", "ต้องขออนุญาตก่อสร้างอาคารก่อน ยื่นที่กองช่าง");
    for who in [&viewer, &finance_officer] {
        let result = publish(&app.db, who, id, text.clone(), Utc::now()).await;
        assert!(matches!(result, Err(DomainError::Forbidden)), "{:?} may not publish", who.role);
    }
    assert!(app.resident().get("/qa").await.body.contains("ยังไม่มีคำถามที่เผยแพร่"));
    publish(&app.db, &works_officer, id, text, Utc::now()).await.unwrap();

    let public = app.resident().get("/qa").await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains("สร้างโรงจอดรถข้างบ้านต้องขออนุญาตหรือไม่"), "the staff-written question");
    assert!(public.body.contains("ต้องขออนุญาตก่อสร้างอาคารก่อน ยื่นที่กองช่าง"), "the staff-written answer");
    assert!(public.body.contains("กองช่าง"), "grouped under the responsible division");
    assert!(public.body.contains("ถามเมื่อ") && public.body.contains("ตอบเมื่อ"));
    for private in [ASKER_NAME, ASKER_EMAIL, ASKER_TEXT, reply, "99/1"] {
        assert!(!public.body.contains(private), "{private} leaked onto /qa");
    }
    let log = app.resident().get(&format!("/log/{code}")).await;
    assert_eq!(log.status, 200);
    assert!(!log.body.contains(ASKER_NAME) && !log.body.contains(ASKER_TEXT));

    // Withdrawn: gone from /qa; viewers and other divisions may not withdraw.
    for who in [&viewer, &finance_officer] {
        assert!(matches!(unpublish(&app.db, who, id, Utc::now()).await, Err(DomainError::Forbidden)));
    }
    unpublish(&app.db, &works_officer, id, Utc::now()).await.unwrap();
    let after = app.resident().get("/qa").await;
    assert!(!after.body.contains("สร้างโรงจอดรถข้างบ้านต้องขออนุญาตหรือไม่"));
    assert_eq!(app.resident().get(&format!("/log/{code}")).await.status, 404);
}

async fn published_questions_are_searchable_by_a_thai_substring_and_grouped(app: TestApp) {
    let admin = app.staff("admin", Role::Admin, None).await;
    let mut ids = Vec::new();
    for details in ["คำถามที่หนึ่ง", "คำถามที่สอง", "คำถามที่สาม"]
    {
        ids.push(app.submit(json!({"kind": "question", "details": details})).await.0);
    }
    publish(&app.db, &admin, ids[0], answer("ภาษีป้ายยื่นแบบเมื่อใด", "ยื่นภายในเดือนมีนาคม"), Utc::now()).await.unwrap();
    publish(&app.db, &admin, ids[1], answer("ขอรับเบี้ยยังชีพผู้สูงอายุ", "ยื่นที่สำนักปลัด"), Utc::now()).await.unwrap();
    // A search term with a LIKE wildcard matches only itself.
    publish(&app.db, &admin, ids[2], answer("ค่าธรรมเนียม 100% หรือไม่", "ไม่มีค่าธรรมเนียม"), Utc::now()).await.unwrap();

    let all = app.resident().get("/qa").await;
    assert!(all.body.contains("คำถามทั่วไป"), "unassigned questions are general");
    let newest = all.body.find("ค่าธรรมเนียม 100%").unwrap();
    let oldest = all.body.find("ภาษีป้ายยื่นแบบเมื่อใด").unwrap();
    assert!(newest < oldest, "newest first");

    let found = app.resident().get(&format!("/qa?q={}", encode("ป้าย"))).await;
    assert!(found.body.contains("ภาษีป้ายยื่นแบบเมื่อใด"));
    assert!(!found.body.contains("ขอรับเบี้ยยังชีพผู้สูงอายุ"));
    let by_answer = app.resident().get(&format!("/qa?q={}", encode("สำนักปลัด"))).await;
    assert!(by_answer.body.contains("ขอรับเบี้ยยังชีพผู้สูงอายุ"));
    assert!(!by_answer.body.contains("ภาษีป้ายยื่นแบบเมื่อใด"));
    let wildcard = app.resident().get("/qa?q=%25").await;
    assert!(wildcard.body.contains("ค่าธรรมเนียม 100%"));
    assert!(!wildcard.body.contains("ภาษีป้ายยื่นแบบเมื่อใด"), "% is searched for, not a wildcard");
    let nothing = app.resident().get("/qa?q=zzz").await;
    assert!(nothing.body.contains(r#"id="qa-empty""#));
    assert_eq!(app.resident().get("/qa?after=not-a-cursor").await.status, 400);
}

/// Thirty questions fill a page; the thirty-first is on the next.
async fn published_questions_come_page_by_page(app: TestApp) {
    let admin = app.staff("admin", Role::Admin, None).await;
    for i in 0..31u32 {
        let input = siang::domain::submissions::NewSubmission {
            kind: "question".into(),
            details: format!("คำถาม {i}"),
            ..Default::default()
        };
        let at = crate::fixtures::bangkok(2026, 1, 1) + chrono::Duration::hours(i64::from(i));
        let (item, _) = crate::fixtures::submit_at(&app, input, entity::enums::Channel::Web, at).await;
        let text = answer(&format!("คำถามสาธารณะลำดับที่ {i:02}"), "คำตอบ");
        publish(&app.db, &admin, item.id, text, Utc::now()).await.unwrap();
    }
    let first = app.resident().get("/qa").await;
    assert!(first.body.contains("ลำดับที่ 30") && first.body.contains("ลำดับที่ 01"));
    assert!(!first.body.contains("ลำดับที่ 00"));
    let marker = r#"<a rel="next" href=""#;
    let start = first.body.find(marker).expect("a next page") + marker.len();
    let next = first.body[start..start + first.body[start..].find('"').unwrap()].replace("&amp;", "&");
    let second = app.resident().get(&next).await;
    assert_eq!(second.status, 200, "{next}");
    assert!(second.body.contains("ลำดับที่ 00") && !second.body.contains("ลำดับที่ 01"));
    assert!(!second.body.contains(marker), "the last page");
}

async fn questions_count_in_the_statistics_and_the_ita_index_points_to_qa(app: TestApp) {
    let admin = app.staff("admin", Role::Admin, None).await;
    let (id, _, _) = app.submit(json!({"kind": "question", "details": "ถามสถิติ"})).await;
    siang::domain::submissions::triage::add_message(&app.db, &admin, id, "ตอบแล้ว", true, Utc::now()).await.unwrap();
    let year = crate::submit::current_fiscal_year();
    let stats = app.resident().get(&format!("/api/v1/stats/{year}")).await.json();
    let by_kind = stats["by_kind"].as_array().unwrap();
    let question = by_kind.iter().find(|c| c["code"] == "question").unwrap();
    assert_eq!(question["count"], 1);
    assert_eq!(stats["answered_on_time"], 1);
    assert_eq!(stats["answer_due"], 1);
    assert!(stats["median_days_to_first_answer"].as_f64().is_some());
    let ita = app.resident().get(&format!("/ita/{year}")).await;
    assert!(ita.body.contains(r#"href="/qa""#), "{}", ita.body);
    assert!(app.resident().get("/").await.body.contains(r#"<a href="/qa">"#), "the Q&A is in the navigation");
}

async fn the_demo_has_a_published_answer(app: TestApp) {
    siang::demo::load(&app.db, Utc::now()).await.unwrap();
    let qa = app.resident().get("/qa").await;
    assert!(qa.body.contains("ภาษีที่ดินและสิ่งปลูกสร้างต้องชำระภายในเมื่อใด"));
    assert!(qa.body.contains("กองคลัง"));
    assert!(!qa.body.contains("ผมทำงานต่างจังหวัด"), "the asker's own words stay private");
}

on_both_databases!(
    a_resident_asks_through_the_form_and_follows_the_answer,
    the_api_takes_questions_too,
    invalid_questions_are_refused_and_store_nothing,
    the_ask_form_needs_its_csrf_token,
    staff_of_the_division_answer_and_publish_and_the_asker_stays_private,
    published_questions_are_searchable_by_a_thai_substring_and_grouped,
    published_questions_come_page_by_page,
    questions_count_in_the_statistics_and_the_ita_index_points_to_qa,
    the_demo_has_a_published_answer,
);

#[tokio::test]
async fn asking_too_often_gets_a_429() {
    let app = TestApp::sqlite_with(ServerConfig { submit_per_minute: 2, ..ServerConfig::for_tests() }).await;
    let resident = app.resident();
    for _ in 0..2 {
        assert_eq!(resident.post_form_followed("/qa", QUESTION).await.status, 200);
    }
    assert_eq!(resident.post_form_followed("/qa", QUESTION).await.status, 429);
    assert_eq!(app.count("submission").await, 2);
}
