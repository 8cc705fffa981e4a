//! Residents' rights with code and key: to see and download everything held
//! about their submission, and to ask for their contact data to be erased;
//! staff deciding (only those allowed), with a reason the resident reads;
//! and a corruption reporter revealed to nobody through any of it.

use chrono::{Duration, Utc};
use entity::enums::{EventKind, Role};
use entity::{contact, erasure_request, submission, submission_event};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use siang::domain::privacy::pass::PassKey;
use siang::domain::submissions::triage;

use crate::fixtures::{admin, internal_note};
use crate::helpers::{Client, TestApp, TestResponse};
use crate::on_both_databases;

const NAME: &str = "นายมานะ รักดี";
const PHONE: &str = "081-111-2222";

async fn complaint_with_contact(app: &TestApp) -> (i64, String, String) {
    app.submit(json!({
        "kind": "complaint", "subject": "ท่อประปาแตก", "details": "น้ำไหลทั้งคืนหน้าบ้านเลขที่ 9", "location": "หมู่ 3",
        "contact": {"name": NAME, "phone": PHONE, "email": "mana@example.org"}, "consent": true
    }))
    .await
}

/// The tracking page, and the pass its personal-data buttons carry.
async fn track(client: &Client<'_>, code: &str, key: &str) -> (TestResponse, String) {
    let page = client.post_form("/track", &[("tracking_code", code), ("access_key", key)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let pass = page.hidden_field("pass");
    (page, pass)
}

async fn open_request(app: &TestApp, submission_id: i64) -> Option<erasure_request::Model> {
    erasure_request::Entity::find()
        .filter(erasure_request::Column::SubmissionId.eq(submission_id))
        .filter(erasure_request::Column::DecidedAt.is_null())
        .one(&app.db)
        .await
        .unwrap()
}

async fn has_contact(app: &TestApp, id: i64) -> bool {
    contact::Entity::find_by_id(id).one(&app.db).await.unwrap().is_some()
}

async fn last_event(app: &TestApp, id: i64) -> submission_event::Model {
    submission_event::Entity::find()
        .filter(submission_event::Column::SubmissionId.eq(id))
        .order_by_desc(submission_event::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn logged_in<'a>(app: &'a TestApp, name: &str, role: Role, department: Option<&str>, ip: u8) -> Client<'a> {
    app.staff(name, role, department).await;
    let client = app.client([10, 0, 1, ip]);
    client.login(name).await;
    client
}

async fn a_resident_sees_and_downloads_everything_held_about_their_submission(app: TestApp) {
    let (id, code, key) = complaint_with_contact(&app).await;
    let staff = admin(&app).await;
    let item = submission::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    internal_note(&app, &item, &staff, "บันทึกภายในห้ามเปิดเผย").await;
    triage::add_message(&app.db, &staff, id, "ช่างจะเข้าซ่อมพรุ่งนี้", true, Utc::now()).await.unwrap();

    let resident = app.resident();
    let (page, pass) = track(&resident, &code, &key).await;
    assert_eq!(page.headers["cache-control"], "no-store", "a page with a pass is not cached");
    assert_eq!(page.element_text("contact-state"), "หน่วยงานเก็บข้อมูลติดต่อที่ท่านให้ไว้กับเรื่องนี้");
    assert!(!pass.contains(&key.replace('-', "")) && !page.body.contains(&key), "the key is not in the page");

    let download = resident.post_form("/track/data.json", &[("pass", &pass)]).await;
    assert_eq!(download.status, 200, "{}", download.body);
    assert_eq!(download.headers["content-disposition"], format!("attachment; filename=\"siang-{code}.json\""));
    assert!(download.headers["content-type"].to_str().unwrap().starts_with("application/json"));
    let held = download.json();
    assert_eq!(held["submission"]["tracking_code"], code);
    assert_eq!(held["submission"]["subject"], "ท่อประปาแตก");
    assert_eq!(held["submission"]["details"], "น้ำไหลทั้งคืนหน้าบ้านเลขที่ 9");
    assert_eq!(held["submission"]["location"], "หมู่ 3");
    assert_eq!(held["submission"]["kind"], "complaint");
    assert_eq!(held["contact"]["name"], NAME);
    assert_eq!(held["contact"]["phone"], PHONE);
    assert_eq!(held["contact"]["email"], "mana@example.org");
    let kinds: Vec<&str> = held["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["received", "public_reply"]);
    assert_eq!(held["timeline"][1]["message"], "ช่างจะเข้าซ่อมพรุ่งนี้");
    assert!(!download.body.contains("บันทึกภายในห้ามเปิดเผย"), "staff's internal notes are not the resident's data");

    let readable = resident.post_form("/track/data", &[("pass", &pass)]).await;
    assert_eq!(readable.status, 200);
    assert_eq!(readable.headers["cache-control"], "no-store");
    for shown in [NAME, PHONE, "mana@example.org", "ท่อประปาแตก", "ช่างจะเข้าซ่อมพรุ่งนี้"]
    {
        assert!(readable.body.contains(shown), "the readable page shows {shown}");
    }
    assert!(!readable.body.contains("บันทึกภายในห้ามเปิดเผย"));
}

async fn a_forged_expired_or_missing_pass_opens_nothing(app: TestApp) {
    let (_, code, key) = complaint_with_contact(&app).await;
    let (_, other_code, _) = complaint_with_contact(&app).await;
    let resident = app.resident();
    let (_, pass) = track(&resident, &code, &key).await;
    // The tests' server secret (ServerConfig::for_tests) signs genuine passes.
    let passes = PassKey::new(b"test-secret-test-secret-test-secret");
    let genuine = passes.issue(1, &code, Utc::now());
    assert_eq!(resident.post_form("/track/data.json", &[("pass", &genuine)]).await.status, 200);

    let forged = pass.replacen(&code, &other_code, 1);
    let expired = passes.issue(1, &code, Utc::now() - Duration::hours(2));
    for (why, attempt) in [("forged", forged.as_str()), ("expired", &expired), ("missing", "")] {
        for path in ["/track/data.json", "/track/data", "/track/erasure"] {
            let refused = resident.post_form(path, &[("pass", attempt)]).await;
            assert_eq!(refused.status, 403, "{why} pass on {path}");
            assert!(refused.body.contains("หน้านี้หมดอายุแล้ว"), "{why}: {}", refused.body);
            assert!(!refused.body.contains(NAME));
        }
    }
    // Without the form token, nothing happens either.
    let no_token = resident.post_form_raw("/track/erasure", &format!("pass={pass}")).await;
    assert_eq!(no_token.status, 403);
    assert_eq!(app.count("erasure_request").await, 0);
}

async fn a_resident_asks_for_erasure_and_an_admin_grants_it(app: TestApp) {
    let (id, code, key) = complaint_with_contact(&app).await;
    let resident = app.resident();
    let (_, pass) = track(&resident, &code, &key).await;

    let asked = resident.post_form("/track/erasure", &[("pass", &pass)]).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let request = open_request(&app, id).await.expect("an open request");
    assert_eq!(request.due_at - request.requested_at, Duration::days(30));
    assert!(asked.element_text("erasure-due").starts_with("หน่วยงานจะพิจารณาและแจ้งผลที่หน้าติดตามเรื่องภายใน"));
    let event = last_event(&app, id).await;
    assert_eq!((event.kind, event.public, event.actor_id), (EventKind::ErasureRequested, true, None));
    let audit = residents_entries(&app).await;
    assert_eq!(audit.len(), 1);
    assert_eq!((audit[0].action.as_str(), audit[0].actor_name.as_str()), ("erasure_requested", "resident"));
    assert_eq!(audit[0].ip, None, "no resident's address is kept");

    // Asking twice is one request.
    assert_eq!(resident.post_form("/track/erasure", &[("pass", &pass)]).await.status, 200);
    assert_eq!(app.count("erasure_request").await, 1);
    assert_eq!(residents_entries(&app).await.len(), 1);
    let (page, _) = track(&resident, &code, &key).await;
    assert!(page.element_text("erasure-pending").starts_with("ท่านขอให้ลบข้อมูลติดต่อแล้ว"));
    assert!(!page.body.contains("/track/erasure"), "no second request while one is open");

    // Staff see it from the inbox, with its due date.
    let admin = logged_in(&app, "admin", Role::Admin, None, 1).await;
    let inbox = admin.get("/staff").await;
    assert!(inbox.body.contains("id=\"erasure-requests\""), "the inbox says a request waits");
    assert!(inbox.body.contains("<span class=\"count\">1</span></a>"));
    let list = admin.get("/staff/privacy").await;
    assert!(list.body.contains(&code));
    assert!(list.body.contains(&format!("/staff/privacy/requests/{}", request.id)));

    // A decision needs a reason.
    let path = format!("/staff/privacy/requests/{}", request.id);
    let no_reason = admin.post_form(&path, &[("decision", "grant"), ("reason", " ")]).await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("กรุณากรอกข้อมูลนี้"));
    assert!(has_contact(&app, id).await && open_request(&app, id).await.is_some(), "nothing changed");

    let granted = admin.post_form(&path, &[("decision", "grant"), ("reason", "ลบตามคำขอของเจ้าของข้อมูล")]).await;
    assert_eq!(granted.status, 303, "{}", granted.body);
    assert!(!has_contact(&app, id).await, "the contact data is erased");
    let decided = erasure_request::Entity::find_by_id(request.id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(decided.granted, Some(true));
    assert_eq!(decided.reason.as_deref(), Some("ลบตามคำขอของเจ้าของข้อมูล"));
    assert!(decided.decided_by.is_some() && decided.decided_at.is_some());
    let event = last_event(&app, id).await;
    assert_eq!((event.kind, event.public), (EventKind::ContactErased, true));
    assert_eq!(event.message.as_deref(), Some("ลบตามคำขอของเจ้าของข้อมูล"));
    assert_eq!(app.audit_actions().await.last().map(String::as_str), Some("contact_erased"));
    let submission = submission::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(submission.subject, "ท่อประปาแตก", "the facts stay");

    // Decided once: a second decision changes nothing.
    let audit_entries = app.audit_actions().await.len();
    let again = admin.post_form(&path, &[("decision", "refuse"), ("reason", "เปลี่ยนใจ")]).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("มีผู้อื่นเปลี่ยนแปลงไปแล้ว"), "decided meanwhile: the page says so");
    assert_eq!(app.audit_actions().await.len(), audit_entries);
    assert!(!has_contact(&app, id).await);

    // The resident reads the decision; the inbox has nothing waiting.
    let (page, _) = track(&resident, &code, &key).await;
    assert!(page.body.contains("ลบข้อมูลติดต่อแล้ว") && page.body.contains("ลบตามคำขอของเจ้าของข้อมูล"));
    assert!(page.element_text("contact-state").starts_with("ลบข้อมูลติดต่อของท่านแล้วเมื่อ"));
    assert!(!admin.get("/staff").await.body.contains("id=\"erasure-requests\""));
}

async fn asking_twice_at_once_makes_one_request(app: TestApp) {
    let (id, code, key) = complaint_with_contact(&app).await;
    let (phone, laptop) = (app.resident(), app.client([203, 0, 113, 11]));
    let (_, pass) = track(&phone, &code, &key).await;
    let fields = [("pass", pass.as_str())];
    let (a, b) = tokio::join!(phone.post_form("/track/erasure", &fields), laptop.post_form("/track/erasure", &fields));
    assert_eq!((a.status.as_u16(), b.status.as_u16()), (200, 200));
    assert_eq!(a.element_text("erasure-due"), b.element_text("erasure-due"), "the same due date");
    assert_eq!(app.count("erasure_request").await, 1);
    assert!(open_request(&app, id).await.is_some());
    assert_eq!(app.audit_actions().await, ["erasure_requested"]);
}

async fn a_refusal_is_explained_and_the_resident_may_ask_again(app: TestApp) {
    let (id, code, key) = complaint_with_contact(&app).await;
    let resident = app.resident();
    let (_, pass) = track(&resident, &code, &key).await;
    resident.post_form("/track/erasure", &[("pass", &pass)]).await;
    let request = open_request(&app, id).await.unwrap();

    let admin = logged_in(&app, "admin", Role::Admin, None, 1).await;
    let reason = "ยังต้องใช้ติดต่อเพื่อนัดตรวจสถานที่";
    let refused = admin
        .post_form(&format!("/staff/privacy/requests/{}", request.id), &[("decision", "refuse"), ("reason", reason)])
        .await;
    assert_eq!(refused.status, 303);
    assert!(has_contact(&app, id).await, "refused: the contact data stays");
    let event = last_event(&app, id).await;
    assert_eq!((event.kind, event.public, event.message.as_deref()), (EventKind::ErasureRefused, true, Some(reason)));
    assert_eq!(app.audit_actions().await.last().map(String::as_str), Some("erasure_refused"));

    let (page, pass) = track(&resident, &code, &key).await;
    assert!(page.body.contains("ไม่อนุมัติคำขอลบข้อมูล") && page.body.contains(reason));
    assert!(page.body.contains("/track/erasure"), "the resident may ask again");
    assert_eq!(resident.post_form("/track/erasure", &[("pass", &pass)]).await.status, 200);
    assert_eq!(app.count("erasure_request").await, 2);
}

async fn only_admins_decide_and_for_corruption_reporters_only_the_integrity_officer(app: TestApp) {
    let (complaint, code, key) = complaint_with_contact(&app).await;
    let (corruption, corruption_code, corruption_key) = app
        .submit(json!({"kind": "corruption", "subject": "เรียกเงินค่าอนุมัติ", "details": "ขอเงินสามพันบาท",
                       "corruption": {"official": "นายตรวจ"}, "contact": {"name": "ผู้ร้องลับมาก"}, "consent": true}))
        .await;
    let resident = app.resident();
    for (code, key) in [(&code, &key), (&corruption_code, &corruption_key)] {
        let (_, pass) = track(&resident, code, key).await;
        assert_eq!(resident.post_form("/track/erasure", &[("pass", &pass)]).await.status, 200);
    }
    let complaint_request = open_request(&app, complaint).await.unwrap().id;
    let corruption_request = open_request(&app, corruption).await.unwrap().id;
    let decide = |id: i64| format!("/staff/privacy/requests/{id}");
    let grant = [("decision", "grant"), ("reason", "ลบตามคำขอ")];

    let viewer = logged_in(&app, "viewer", Role::Viewer, None, 1).await;
    let officer = logged_in(&app, "officer", Role::Officer, Some("works"), 2).await;
    let integrity = logged_in(&app, "integrity", Role::IntegrityOfficer, None, 3).await;
    let admin = logged_in(&app, "admin", Role::Admin, None, 4).await;
    let audit_before = app.audit_actions().await.len();

    for (who, client) in [("viewer", &viewer), ("officer", &officer), ("integrity", &integrity)] {
        assert_eq!(client.post_form(&decide(complaint_request), &grant).await.status, 403, "{who}");
        let erase = [("tracking_code", code.as_str()), ("reason", "ตามคำขอทางโทรศัพท์")];
        assert_eq!(client.post_form("/staff/privacy/erase", &erase).await.status, 403, "{who}");
    }
    for (who, client) in [("viewer", &viewer), ("officer", &officer), ("admin", &admin)] {
        assert_eq!(client.post_form(&decide(corruption_request), &grant).await.status, 403, "{who}");
        let erase = [("tracking_code", corruption_code.as_str()), ("reason", "ลบตัวตน")];
        assert_eq!(client.post_form("/staff/privacy/erase", &erase).await.status, 403, "{who}");
    }
    assert!(has_contact(&app, complaint).await && has_contact(&app, corruption).await, "refused: nothing erased");
    assert_eq!(app.audit_actions().await.len(), audit_before, "refused: nothing recorded");

    assert_eq!(admin.post_form(&decide(complaint_request), &grant).await.status, 303);
    assert_eq!(integrity.post_form(&decide(corruption_request), &grant).await.status, 303);
    assert!(!has_contact(&app, complaint).await && !has_contact(&app, corruption).await);
}

async fn the_integrity_officer_erases_a_reporters_identity_when_they_decide(app: TestApp) {
    let (corruption, code, key) = app
        .submit(json!({"kind": "corruption", "subject": "ฮั้วประมูล", "details": "ผู้รับเหมารายเดิมทุกปี",
                       "corruption": {"official": "ปลัด"}, "contact": {"phone": "089-999-0000"}, "consent": true}))
        .await;
    let integrity = logged_in(&app, "integrity", Role::IntegrityOfficer, None, 3).await;
    let reason = "สอบสวนเสร็จสิ้น ไม่จำเป็นต้องเก็บตัวตนผู้ร้องอีก";
    let erased = integrity.post_form("/staff/privacy/erase", &[("tracking_code", &code), ("reason", reason)]).await;
    assert_eq!(erased.status, 303, "{}", erased.body);
    assert!(!has_contact(&app, corruption).await);
    let event = last_event(&app, corruption).await;
    assert_eq!((event.kind, event.message.as_deref()), (EventKind::ContactErased, Some(reason)));
    assert_eq!(app.audit_actions().await.last().map(String::as_str), Some("contact_erased"));
    // Nothing left: a second erasure is refused with why.
    let again = integrity.post_form("/staff/privacy/erase", &[("tracking_code", &code), ("reason", reason)]).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("เรื่องนี้ไม่มีข้อมูลติดต่อให้ลบ"));
    let (page, _) = track(&app.resident(), &code, &key).await;
    assert!(page.body.contains(reason));
}

async fn a_corruption_reporter_is_revealed_to_nobody_else(app: TestApp) {
    let secret_name = "ผู้ร้องลับมาก";
    let secret_phone = "089-555-7777";
    let (_, complaint_code, complaint_key) = complaint_with_contact(&app).await;
    let (_, code, key) = app
        .submit(json!({"kind": "corruption", "subject": "เรียกรับสินบน", "details": "ขอเงินใต้โต๊ะ",
                       "corruption": {"official": "หัวหน้าช่าง"},
                       "contact": {"name": secret_name, "phone": secret_phone}, "consent": true}))
        .await;
    let resident = app.resident();
    for (code, key) in [(&complaint_code, &complaint_key), (&code, &key)] {
        let (_, pass) = track(&resident, code, key).await;
        resident.post_form("/track/erasure", &[("pass", &pass)]).await;
    }

    let viewer = logged_in(&app, "viewer", Role::Viewer, None, 1).await;
    let officer = logged_in(&app, "officer", Role::Officer, Some("works"), 2).await;
    let integrity = logged_in(&app, "integrity", Role::IntegrityOfficer, None, 3).await;
    let admin = logged_in(&app, "admin", Role::Admin, None, 4).await;
    for (who, client) in [("viewer", &viewer), ("officer", &officer)] {
        let list = client.get("/staff/privacy").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains(&complaint_code), "{who} sees the complaint's request");
        assert!(!list.body.contains(&code), "{who} never learns of the corruption report");
        assert!(client.get("/staff").await.body.contains("<span class=\"count\">1</span></a>"), "{who}: one waits");
    }
    for (who, client) in [("integrity", &integrity), ("admin", &admin)] {
        let list = client.get("/staff/privacy").await;
        assert!(list.body.contains(&code), "{who} sees the request");
        assert!(!list.body.contains(secret_name) && !list.body.contains(secret_phone), "{who}: no identity shown");
    }
    assert!(!app.audit_actions().await.contains(&"contact_viewed".to_owned()), "nobody looked at the identity");
    // Only the key holder downloads it: it is theirs.
    let (_, pass) = track(&resident, &code, &key).await;
    let held = resident.post_form("/track/data.json", &[("pass", &pass)]).await.json();
    assert_eq!(held["contact"]["name"], secret_name);
}

async fn there_is_nothing_to_erase_without_contact_data(app: TestApp) {
    let (id, code, key) = app.submit(json!({"kind": "suggestion", "subject": "ปลูกต้นไม้", "details": "ริมถนน"})).await;
    let resident = app.resident();
    let (page, pass) = track(&resident, &code, &key).await;
    assert_eq!(page.element_text("contact-state"), "ท่านไม่ได้ให้ข้อมูลติดต่อไว้กับเรื่องนี้");
    assert!(!page.body.contains("/track/erasure"));
    let events_before = app.count("submission_event").await;
    let refused = resident.post_form("/track/erasure", &[("pass", &pass)]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("เรื่องนี้ไม่มีข้อมูลติดต่อให้ลบ"));
    assert!(open_request(&app, id).await.is_none());
    assert_eq!(app.count("submission_event").await, events_before);
    let held = resident.post_form("/track/data.json", &[("pass", &pass)]).await.json();
    assert!(held["contact"].is_null());
}

on_both_databases!(
    a_resident_sees_and_downloads_everything_held_about_their_submission,
    a_forged_expired_or_missing_pass_opens_nothing,
    a_resident_asks_for_erasure_and_an_admin_grants_it,
    asking_twice_at_once_makes_one_request,
    a_refusal_is_explained_and_the_resident_may_ask_again,
    only_admins_decide_and_for_corruption_reporters_only_the_integrity_officer,
    the_integrity_officer_erases_a_reporters_identity_when_they_decide,
    a_corruption_reporter_is_revealed_to_nobody_else,
    there_is_nothing_to_erase_without_contact_data,
);

/// What residents left in the audit log (fixtures record staff work too).
async fn residents_entries(app: &TestApp) -> Vec<entity::audit_log::Model> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::ActorName.eq("resident"))
        .all(&app.db)
        .await
        .unwrap()
}
