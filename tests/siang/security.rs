//! The security review's findings, each as the behaviour that closes it:
//! one rule for text from any route, outputs that stay valid whatever is
//! stored, the portal's own errors for framework rejections, safe
//! redirects, private answers not cached, CSRF bound to the session and to
//! the site, sign-in throttling that cannot lock staff out, sessions that
//! end when an account changes, drafts kept to their department, literal
//! audit filters, and tracking that takes the same work either way.

use chrono::Utc;
use entity::enums::{Channel, Role};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::json;
use siang::domain::participation::publication::{publish, PublishInput};

use crate::fixtures::{admin, complaint, submit_at};
use crate::helpers::{TestApp, TestResponse};
use crate::on_both_databases;

/// A localized error page (not axum's plain text) with this status.
fn assert_portal_page(response: &TestResponse, status: u16, thai_title: &str) {
    assert_eq!(response.status, status, "{}", response.body);
    let content_type = response.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(content_type.starts_with("text/html"), "{content_type}: {}", response.body);
    assert!(response.body.contains(thai_title), "no {thai_title:?} in {}", response.body);
}

/// The API's JSON error with this status and code.
fn assert_api_error(response: &TestResponse, status: u16, code: &str) {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(response.json()["error"]["code"], code, "{}", response.body);
}

// ----- 4, 13: one rule for every text that enters -----

async fn control_characters_are_refused_on_every_route_before_the_database(app: TestApp) {
    let resident = app.resident();
    let control = "มีอักขระควบคุมที่มองไม่เห็น";
    for path in ["/qa?q=%00", "/log?kind=%00", "/log/2569-00%000001", "/services/a%00b", "/submit?kind=%1b"] {
        assert_portal_page(&resident.get(path).await, 400, control);
    }
    assert_api_error(&resident.get("/api/v1/submissions/%00").await, 400, "control_characters");
    assert_api_error(&resident.get("/api/v1/log?kind=%00").await, 400, "control_characters");

    let tracked = resident.post_form("/track", &[("tracking_code", "2569-\0"), ("access_key", "x")]).await;
    assert_eq!(tracked.status, 422, "{}", tracked.body);
    assert!(tracked.body.contains("tracking_code"), "the page names the field: {}", tracked.body);

    let login = resident.post_form("/staff/login", &[("username", "ad\0min"), ("password", "x")]).await;
    assert_eq!(login.status, 422, "{}", login.body);

    let api = resident
        .post_json("/api/v1/submissions", &json!({"kind": "complaint", "subject": "ไฟ\0ดับ", "details": "x"}))
        .await;
    assert_eq!(api.status, 422, "{}", api.body);
    assert_eq!(api.json()["errors"]["subject"][0], "มีอักขระควบคุมที่ใช้ไม่ได้ กรุณาพิมพ์ใหม่");
    let form = resident
        .post_form("/submit", &[("kind", "complaint"), ("subject", "ไฟดับ"), ("details", "escape \u{1b}[31m")])
        .await;
    assert_eq!(form.status, 422, "{}", form.body);
    assert_eq!(app.count("submission").await, 0);

    // Staff fields and filters follow the same rule.
    let (id, _, _) = app.submit(json!({"kind": "complaint", "subject": "ถนนชำรุด", "details": "หน้าวัด"})).await;
    app.staff("boss", Role::Admin, None).await;
    let boss = app.client([10, 0, 0, 1]);
    boss.login("boss").await;
    assert_portal_page(&boss.get("/staff?q=%00").await, 400, control);
    assert_portal_page(&boss.get("/staff/audit?actor=%00").await, 400, control);
    let events = app.count("submission_event").await;
    let reply = boss.post_form(&format!("/staff/submissions/{id}/reply"), &[("message", "ตอบ\0กลับ")]).await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    let status = boss
        .post_form(
            &format!("/staff/submissions/{id}/status"),
            &[("status", "referred"), ("message", "ส่งต่อ"), ("referred_to", "อำเภอ\nเมือง")],
        )
        .await;
    assert_eq!(status.status, 422, "a line break in a single-line field: {}", status.body);
    assert_eq!(app.count("submission_event").await, events, "nothing was written");
}

async fn invisible_and_bidi_characters_are_removed_from_single_lines(app: TestApp) {
    let body = json!({
        "kind": "complaint",
        "subject": "\u{202E}ถนน\u{200B}ชำรุด\u{2066}",
        "details": "บรรทัดหนึ่ง\u{202D}\nคำ\u{200B}ไทย",
        "location": "\u{FEFF}หน้าวัด\u{200F}"
    });
    let (id, _, _) = app.submit(body).await;
    let stored = entity::submission::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(stored.subject, "ถนนชำรุด");
    assert_eq!(stored.location.as_deref(), Some("หน้าวัด"));
    // Multi-line text loses the overrides and keeps Thai's zero-width spaces.
    assert_eq!(stored.details, "บรรทัดหนึ่ง\nคำ\u{200B}ไทย");

    let resident = app.resident();
    let page = resident
        .post_form("/submit", &[("kind", "suggestion"), ("subject", "ขอ\u{200D}ไฟ\u{202B}"), ("details", "ที่ซอย 3")])
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let subjects: Vec<String> =
        entity::submission::Entity::find().all(&app.db).await.unwrap().into_iter().map(|s| s.subject).collect();
    assert!(subjects.contains(&"ขอไฟ".to_owned()), "{subjects:?}");
}

use sea_orm::EntityTrait;

// ----- 5: outputs stay valid whatever was stored -----

/// Text with everything XML and CSV cannot carry, as rows stored before the
/// input rule might hold.
fn stored_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\u{0}-\u{1f}\u{7f}-\u{9f}\u{fffe}\u{ffff}<>&\"'\u{202e}\u{200b}ก-ฮ a-z]{0,24}",
        any::<String>(),
        Just("]]><!-- \u{b}".to_owned()),
    ]
}

async fn the_feed_csv_and_json_stay_valid_whatever_was_stored(app: TestApp) {
    let admin = admin(&app).await;
    let postgres = app.db.get_database_backend() == DatabaseBackend::Postgres;
    let mut runner = TestRunner::new(Config { cases: 12, failure_persistence: None, ..Config::default() });
    let strategy = prop::collection::vec(stored_text(), 4);
    let mut rounds = Vec::new();
    for _ in 0..12 {
        let mut texts = strategy.new_tree(&mut runner).unwrap().current();
        if postgres {
            // PostgreSQL cannot hold NUL in text at all.
            texts.iter_mut().for_each(|t| t.retain(|c| c != '\0'));
        }
        rounds.push(texts);
    }
    for texts in rounds {
        let (item, _) = submit_at(&app, complaint("ถนนชำรุด"), Channel::Web, Utc::now()).await;
        let input = PublishInput {
            summary_th: "สรุป".into(),
            summary_en: Some("summary".into()),
            outcome_th: Some("ผล".into()),
            outcome_en: Some("outcome".into()),
        };
        publish(&app.db, &admin, item.id, input, Utc::now()).await.unwrap();
        // Written straight to the row, as before input was checked.
        let sql = "UPDATE publication SET summary_th = $1, summary_en = $2, outcome_th = $3, outcome_en = $4 \
                   WHERE submission_id = $5";
        let sql = if postgres { sql.to_owned() } else { sql.replace('$', "?") };
        let mut values: Vec<sea_orm::Value> = texts.iter().map(|t| t.clone().into()).collect();
        values.push(item.id.into());
        app.db.execute(Statement::from_sql_and_values(app.db.get_database_backend(), sql, values)).await.unwrap();

        for lang in ["th", "en"] {
            let reader = app.client([198, 51, 100, 7]);
            reader.set_cookie("siang_lang", lang);
            let feed = reader.get("/feed.atom").await;
            assert_eq!(feed.status, 200);
            let document = roxmltree::Document::parse(&feed.body)
                .unwrap_or_else(|e| panic!("the {lang} feed is not XML ({e}) with {texts:?}:\n{}", feed.body));
            assert!(document.descendants().any(|n| n.has_tag_name("entry")));

            let csv = reader.get("/log.csv").await;
            assert_eq!(csv.status, 200);
            let bad = csv.body.chars().find(|&c| c.is_control() && !matches!(c, '\r' | '\n' | '\t'));
            assert_eq!(bad, None, "a control character in the CSV with {texts:?}");

            let api = reader.get("/api/v1/log").await;
            assert_eq!(api.status, 200);
            api.json();
        }
    }
}

async fn control_characters_cannot_reach_the_feed_through_staff_fields(app: TestApp) {
    let (id, _, _) = app.submit(json!({"kind": "complaint", "subject": "ถนนชำรุด", "details": "หน้าวัด"})).await;
    app.staff("boss", Role::Admin, None).await;
    let boss = app.client([10, 0, 0, 1]);
    boss.login("boss").await;
    let fields = ["summary_th", "summary_en", "outcome_th", "outcome_en"];
    for field in fields {
        let mut form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, "ข้อความ")).collect();
        form.retain(|(f, _)| *f != field);
        form.push((field, "ข้อความ\u{1b}[2J"));
        let refused = boss.post_form(&format!("/staff/submissions/{id}/publish"), &form).await;
        assert_eq!(refused.status, 422, "{field}: {}", refused.body);
    }
    assert_eq!(app.count("publication").await, 0);
}

// ----- 11: framework rejections are the portal's own errors -----

async fn unparsable_addresses_get_the_portals_localized_errors(app: TestApp) {
    app.staff("boss", Role::Admin, None).await;
    let boss = app.client([10, 0, 0, 1]);
    boss.login("boss").await;
    let not_found = "ไม่พบหน้านี้";
    let unreadable = "อ่านที่อยู่หน้าเว็บไม่ได้";
    assert_portal_page(&boss.get("/staff/submissions/abc").await, 404, not_found);
    assert_portal_page(&boss.get("/staff/submissions/99999999999999999999").await, 404, not_found);
    assert_portal_page(&boss.get("/staff/measures/1.5").await, 404, not_found);
    assert_portal_page(&boss.get("/staff/audit?before=x").await, 400, unreadable);
    assert_portal_page(&boss.get("/staff/audit?before=99999999999999999999").await, 400, unreadable);
    boss.set_cookie("siang_lang", "en");
    let page = boss.get("/staff/audit?before=1e3").await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.body.contains("Address not understood"), "{}", page.body);
    assert_api_error(&app.resident().get("/api/v1/stats/abc").await, 404, "not_found");
}

// ----- 1: redirects and local links stay on the portal -----

/// Where a browser goes with this `Location`, from the portal's own origin.
fn lands_on_portal(location: &str) -> bool {
    let base = url::Url::parse("https://portal.example/").unwrap();
    base.join(location).is_ok_and(|to| to.origin() == base.origin())
}

async fn the_language_switch_never_sends_the_reader_elsewhere(app: TestApp) {
    let visitor = app.resident();
    for next in [
        "/\t/evil.example",
        "/\\evil.example",
        "/.//evil.example",
        "/./\\evil.example",
        "/\r\nSet-Cookie: x=1",
        "\\\\evil.example",
        "/%09/evil.example",
        "//evil.example",
        "https:evil.example",
    ] {
        let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let response = visitor.get(&format!("/language/en?next={encoded}")).await;
        match response.status.as_u16() {
            303 => assert!(lands_on_portal(response.location()), "{next:?} went to {:?}", response.location()),
            400 => assert!(response.headers.get("location").is_none()),
            other => panic!("{next:?}: {other}"),
        }
    }
    let kept = visitor.get("/language/en?next=%2Fqa%3Fq%3D%E0%B8%96%E0%B8%99%E0%B8%99%23top").await;
    assert_eq!(kept.location(), "/qa?q=%E0%B8%96%E0%B8%99%E0%B8%99#top");
}

async fn ita_links_are_local_as_a_browser_reads_them(app: TestApp) {
    app.staff("boss", Role::Admin, None).await;
    let boss = app.client([10, 0, 0, 1]);
    boss.login("boss").await;
    for link in ["/\\evil.example", "/\t/evil.example", "/.//evil.example", "//evil.example"] {
        let saved = boss
            .post_form("/staff/ita/2570", &[("code", "O40"), ("title_th", "ผล"), ("title_en", ""), ("url_path", link)])
            .await;
        assert_eq!(saved.status, 422, "{link:?} was accepted");
    }
    assert_eq!(app.count("ita_item").await, 0);
    let saved = boss
        .post_form(
            "/staff/ita/2570",
            &[("code", "O40"), ("title_th", "ผล"), ("title_en", ""), ("url_path", "/log?fiscal_year=2570")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    // A link saved before the check is not shown as a link.
    app.db.execute_unprepared("UPDATE ita_item SET url_path = '/\\evil.example'").await.unwrap();
    let page = app.resident().get("/ita/2570").await;
    assert!(page.body.contains("O40"));
    assert!(!page.body.contains("evil.example"), "{}", page.body);
}

// ----- 6: private answers are not kept by browsers or proxies -----

fn assert_no_store(response: &TestResponse, what: &str) {
    let cache = response.headers.get("cache-control").and_then(|v| v.to_str().ok());
    assert_eq!(cache, Some("no-store"), "{what} ({})", response.status);
}

async fn private_answers_are_never_cached(app: TestApp) {
    let resident = app.resident();
    let receipt =
        resident.post_form("/submit", &[("kind", "complaint"), ("subject", "ถนนชำรุด"), ("details", "หน้าวัด")]).await;
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    assert_no_store(&receipt, "the receipt with the access key");
    let code = receipt.element_text("tracking-code");
    let key = receipt.element_text("access-key");
    let tracked = resident.post_form("/track", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert_eq!(tracked.status, 200);
    assert_no_store(&tracked, "the tracking result");
    let api = resident.get_with(&format!("/api/v1/submissions/{code}"), &[("x-access-key", &key)]).await;
    assert_eq!(api.status, 200);
    assert_no_store(&api, "the API's tracking answer");
    let created = resident
        .post_json("/api/v1/submissions", &json!({"kind": "complaint", "subject": "ไฟดับ", "details": "ซอย 3"}))
        .await;
    assert_no_store(&created, "the API's receipt");

    app.staff("boss", Role::Admin, None).await;
    let boss = app.client([10, 0, 0, 1]);
    assert_no_store(&boss.get("/staff/login").await, "the login page");
    boss.login("boss").await;
    let id = entity::submission::Entity::find().all(&app.db).await.unwrap()[0].id;
    for path in ["/staff".to_owned(), format!("/staff/submissions/{id}"), "/staff/users".into(), "/staff/audit".into()]
    {
        let page = boss.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_no_store(&page, &path);
    }
    assert_no_store(&boss.get("/staff/submissions/0").await, "a staff error page");

    let public = resident.get("/log").await;
    assert!(public.headers.get("cache-control").is_none(), "public pages may be cached");
}

// ----- 9: the audit log's actor filter is literal -----

async fn the_audit_actor_filter_takes_wildcards_literally(app: TestApp) {
    use siang::domain::audit::{append, Action, Entry};
    for name in ["x_y", "xzy", "50%off", "50 off", "back\\slash"] {
        append(&app.db, None, name, Entry::new(Action::LoginFailed), None, Utc::now()).await.unwrap();
    }
    app.staff("boss", Role::Admin, None).await;
    let boss = app.client([10, 0, 0, 1]);
    boss.login("boss").await;
    for (filter, shown, hidden) in [("_", "x_y", "xzy"), ("%25", "50%off", "50 off"), ("%5C", "back\\slash", "x_y")] {
        let page = boss.get(&format!("/staff/audit?actor={filter}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&format!(">{shown}<")), "{filter} should show {shown}");
        assert!(!page.body.contains(&format!(">{hidden}<")), "{filter} should not show {hidden}");
    }
}

// ----- 8: drafts stay with their department -----

async fn officers_cannot_read_another_departments_draft_activity(app: TestApp) {
    use entity::activity::ActivityKind;
    use siang::domain::participation::activities::{save_activity, ActivityInput};
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let admin = admin(&app).await;
    let works = app.department_id("works").await;
    let office = app.department_id("office").await;
    let mut ids = Vec::new();
    for (title, department, published) in
        [("ร่างกองช่าง", works, false), ("ร่างสำนักปลัด", office, false), ("ประชาคมกองช่าง", works, true)]
    {
        let input = ActivityInput {
            kind: ActivityKind::Hearing,
            title_th: title.into(),
            title_en: None,
            held_at: Utc::now(),
            place: "ศาลาประชาคม".into(),
            participants: 10,
            description: "รายละเอียด".into(),
            outcome: None,
            department_id: Some(department),
            indicators: vec![8],
            submission_ids: vec![],
            published,
        };
        ids.push(save_activity(&app.db, &admin, agency.id, None, input, Utc::now()).await.unwrap());
    }
    app.staff("clerk", Role::Officer, Some("office")).await;
    let clerk = app.client([10, 0, 0, 2]);
    clerk.login("clerk").await;
    let refused = clerk.get(&format!("/staff/activities/{}", ids[0])).await;
    assert_eq!(refused.status, 403, "another department's draft");
    assert!(!refused.body.contains("ร่างกองช่าง"));
    assert_eq!(clerk.get(&format!("/staff/activities/{}", ids[1])).await.status, 200, "own draft");
    assert_eq!(clerk.get(&format!("/staff/activities/{}", ids[2])).await.status, 200, "published anyway");
    let list = clerk.get("/staff/activities").await;
    assert!(!list.body.contains("ร่างกองช่าง"), "the list hides it too");
    assert!(list.body.contains("ร่างสำนักปลัด") && list.body.contains("ประชาคมกองช่าง"));
}

// ----- 12: tracking takes the same work for an unknown code and a wrong key -----

fn median(mut samples: Vec<std::time::Duration>) -> std::time::Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn a_wrong_key_costs_what_an_unknown_code_costs(app: TestApp) {
    use siang::domain::submissions::track;
    let (item, key) = submit_at(&app, complaint("ถนนชำรุด"), Channel::Web, Utc::now()).await;
    // A long row makes any reading of it show in the timing.
    let details = "รายละเอียดยาว ".repeat(40_000);
    let sql = format!("UPDATE submission SET details = '{details}' WHERE id = {}", item.id);
    app.db.execute_unprepared(&sql).await.unwrap();
    assert!(track(&app.db, &item.tracking_code, &key, false).await.unwrap().is_some());

    let unknown_code = format!("{}-999999", item.fiscal_year);
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for round in 0..400 {
        // Interleaved, so drifts of the machine's load touch both alike.
        for (code, samples) in [(&unknown_code, &mut unknown), (&item.tracking_code, &mut wrong)] {
            let started = std::time::Instant::now();
            let found = track(&app.db, code, "WRONG-KEY00-00000-00000", false).await.unwrap();
            let took = started.elapsed();
            assert!(found.is_none());
            if round >= 20 {
                samples.push(took);
            }
        }
    }
    let (unknown, wrong) = (median(unknown), median(wrong));
    let slack = unknown / 4 + std::time::Duration::from_micros(15);
    assert!(wrong < unknown + slack, "a wrong key took {wrong:?}, an unknown code {unknown:?}");
}

on_both_databases!(
    a_wrong_key_costs_what_an_unknown_code_costs,
    officers_cannot_read_another_departments_draft_activity,
    the_audit_actor_filter_takes_wildcards_literally,
    private_answers_are_never_cached,
    the_language_switch_never_sends_the_reader_elsewhere,
    ita_links_are_local_as_a_browser_reads_them,
    control_characters_are_refused_on_every_route_before_the_database,
    invisible_and_bidi_characters_are_removed_from_single_lines,
    the_feed_csv_and_json_stay_valid_whatever_was_stored,
    control_characters_cannot_reach_the_feed_through_staff_fields,
    unparsable_addresses_get_the_portals_localized_errors,
);
