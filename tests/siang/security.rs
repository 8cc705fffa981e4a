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
use crate::helpers::{TestApp, TestResponse, STAFF_PASSWORD};
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
    assert_eq!(page.status, 303, "{}", page.body);
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
            photos: Vec::new(),
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
    let receipt = resident
        .post_form_followed("/submit", &[("kind", "complaint"), ("subject", "ถนนชำรุด"), ("details", "หน้าวัด")])
        .await;
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
        append(&app.db, 1, None, name, Entry::new(Action::LoginFailed), None, Utc::now()).await.unwrap();
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
            participant_groups: None,
            method: None,
            results_used: None,
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
    assert!(track(&app.db, 1, &item.tracking_code, &key, false).await.unwrap().is_some());

    let unknown_code = format!("{}-999999", item.fiscal_year);
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for round in 0..400 {
        // Interleaved, so drifts of the machine's load touch both alike.
        for (code, samples) in [(&unknown_code, &mut unknown), (&item.tracking_code, &mut wrong)] {
            let started = std::time::Instant::now();
            let found = track(&app.db, 1, code, "WRONG-KEY00-00000-00000", false).await.unwrap();
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

// ----- 2: sign-in throttling that cannot lock the real user out -----

fn throttled() -> siang::config::ServerConfig {
    siang::config::ServerConfig { login_free_failures: 3, ..siang::config::ServerConfig::for_tests() }
}

async fn guessing_from_anywhere_never_locks_the_real_user_out(app: TestApp) {
    app.staff("target", Role::Admin, None).await;
    // Many addresses each guess until they are held back.
    for i in 0..6u8 {
        let attacker = app.client([198, 51, 100, i]);
        for _ in 0..3 {
            let guess = attacker.post_form("/staff/login", &[("username", "target"), ("password", "guess")]).await;
            assert_eq!(guess.status, 401);
        }
        let held = attacker.post_form("/staff/login", &[("username", "target"), ("password", "guess")]).await;
        assert_eq!(held.status, 429, "the fourth guess from one address waits");
        assert!(held.body.contains("กรุณารอสักครู่ก่อนเข้าสู่ระบบอีกครั้ง"), "{}", held.body);
        let wait: u64 = held.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&wait), "{wait}");
        // Even the right password waits there: that address is the guesser's.
        let right = attacker.post_form("/staff/login", &[("username", "target"), ("password", STAFF_PASSWORD)]).await;
        assert_eq!(right.status, 429);
    }
    // The real user, from an address without failures, is never refused.
    let owner = app.client([203, 0, 113, 200]);
    owner.login("target").await;
    assert_eq!(app.count("login_failure").await, 18);
}

async fn the_delay_grows_with_each_failure_and_a_success_clears_it(app: TestApp) {
    use siang::domain::sign_in::{sign_in, SignIn, Throttle};
    app.staff("somsri", Role::Officer, Some("office")).await;
    let throttle = Throttle { free_failures: 3 };
    let client: std::net::IpAddr = "2001:db8:5:6::10".parse().unwrap();
    let same_network: std::net::IpAddr = "2001:db8:5:6:ffff::1".parse().unwrap();
    let start = Utc::now();
    let at = |seconds: f64| start + chrono::Duration::milliseconds((seconds * 1000.0) as i64);
    let attempt = |password: &'static str, from: std::net::IpAddr, seconds: f64| {
        let db = app.db.clone();
        async move { sign_in(&db, throttle, 1, "somsri", password, from, at(seconds)).await.unwrap() }
    };
    for second in 0..3 {
        assert!(matches!(attempt("wrong", client, f64::from(second)).await, SignIn::Refused));
    }
    // Three failures: wait 1 s after the last, then 2 s, then 4 s…
    let mut last = 2.0;
    for expected in [1.0, 2.0, 4.0, 8.0] {
        match attempt("wrong", same_network, last + expected / 2.0).await {
            SignIn::Wait(wait) => assert!(wait.as_secs_f64() <= expected / 2.0 + 0.01, "{wait:?} for {expected}"),
            other => panic!("expected a wait, got {other:?}"),
        }
        assert!(matches!(attempt("wrong", client, last + expected + 0.01).await, SignIn::Refused));
        last += expected + 0.01;
    }
    assert!(matches!(attempt(STAFF_PASSWORD, client, last + 1.0).await, SignIn::Wait(_)), "16 s now");
    let welcome = attempt(STAFF_PASSWORD, client, last + 16.5).await;
    assert!(matches!(welcome, SignIn::Welcome { .. }), "{welcome:?}");
    // The success forgot the pair's failures: the next mistake is free again.
    assert!(matches!(attempt("wrong", client, last + 17.0).await, SignIn::Refused));
    assert!(matches!(attempt("wrong", client, last + 17.1).await, SignIn::Refused));
    // Failures age out after the window.
    let later = last + 17.1 + siang::domain::sign_in::WINDOW.num_seconds() as f64 + 1.0;
    assert!(matches!(attempt("wrong", client, later).await, SignIn::Refused));
}

async fn one_address_trying_many_names_is_held_back(app: TestApp) {
    let sprayer = app.client([203, 0, 113, 77]);
    let mut statuses = Vec::new();
    for n in 0..14 {
        let name = format!("user{n}");
        statuses.push(sprayer.post_form("/staff/login", &[("username", &name), ("password", "guess")]).await.status);
    }
    // Four times the per-name allowance (3), then waits.
    assert_eq!(statuses.iter().filter(|s| s.as_u16() == 401).count(), 12, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| s.as_u16() == 429).count(), 2, "{statuses:?}");
}

#[tokio::test]
async fn sign_in_throttling_on_sqlite() {
    guessing_from_anywhere_never_locks_the_real_user_out(TestApp::sqlite_with(throttled()).await).await;
    the_delay_grows_with_each_failure_and_a_success_clears_it(TestApp::sqlite_with(throttled()).await).await;
    one_address_trying_many_names_is_held_back(TestApp::sqlite_with(throttled()).await).await;
}

#[tokio::test]
async fn sign_in_throttling_on_postgres() {
    for scenario in 0..3 {
        let Some(app) = TestApp::postgres_with(throttled()).await else {
            eprintln!("skipped sign_in_throttling on PostgreSQL: SIANG_TEST_POSTGRES_URL is not set");
            return;
        };
        let cleanup = app.cleanup_handle();
        match scenario {
            0 => guessing_from_anywhere_never_locks_the_real_user_out(app).await,
            1 => the_delay_grows_with_each_failure_and_a_success_clears_it(app).await,
            _ => one_address_trying_many_names_is_held_back(app).await,
        }
        cleanup.run().await;
    }
}

// ----- 3: sessions end when the account changes, or everywhere on request -----

async fn account_changes_end_the_members_sessions(app: TestApp) {
    app.staff("boss", Role::Admin, None).await;
    let member = app.staff("member", Role::Officer, Some("office")).await;
    let boss = app.client([10, 0, 0, 1]);
    boss.login("boss").await;
    let office = app.department_id("office").await.to_string();
    let works = app.department_id("works").await.to_string();
    let user = format!("/staff/users/{}", member.id);
    let keep = [("display_name", "คุณสมาชิก"), ("role", "officer"), ("department", office.as_str()), ("active", "on")];

    let (laptop, phone) = (app.client([10, 0, 1, 1]), app.client([10, 0, 1, 2]));
    laptop.login("member").await;
    phone.login("member").await;
    // A new display name changes no rights: sessions go on.
    let renamed = boss.post_form(&user, &keep).await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    assert_eq!(laptop.get("/staff").await.status, 200);

    let changes: [(&str, Vec<(&str, &str)>); 4] = [
        ("password", vec![("password", "รหัสผ่านใหม่ที่ยาวพอแล้ว")]),
        ("role", vec![("role", "viewer"), ("department", office.as_str()), ("active", "on")]),
        ("department", vec![("role", "viewer"), ("department", works.as_str()), ("active", "on")]),
        ("active", vec![("role", "viewer"), ("department", works.as_str())]),
    ];
    for (what, form) in changes {
        let (laptop, phone) = (app.client([10, 0, 1, 1]), app.client([10, 0, 1, 2]));
        for device in [&laptop, &phone] {
            let signed_in = device
                .post_form(
                    "/staff/login",
                    &[
                        ("username", "member"),
                        (
                            "password",
                            if what == "password" {
                                STAFF_PASSWORD
                            } else {
                                "รหัสผ่านใหม่ที่ยาวพอแล้ว"
                            },
                        ),
                    ],
                )
                .await;
            assert_eq!(signed_in.status, 303, "{what}: {}", signed_in.body);
            assert_eq!(device.get("/staff").await.status, 200);
        }
        let path = if what == "password" { format!("{user}/password") } else { user.clone() };
        let changed = boss.post_form(&path, &form).await;
        assert_eq!(changed.status, 303, "{what}: {}", changed.body);
        for device in [&laptop, &phone] {
            let after = device.get("/staff").await;
            assert_eq!((after.status.as_u16(), after.location()), (303, "/staff/login"), "{what} ends the session");
        }
    }
}

async fn staff_can_log_out_everywhere(app: TestApp) {
    app.staff("member", Role::Officer, Some("office")).await;
    let (laptop, phone) = (app.client([10, 0, 1, 1]), app.client([10, 0, 1, 2]));
    laptop.login("member").await;
    phone.login("member").await;
    let page = laptop.get("/staff").await;
    assert!(page.body.contains("action=\"/staff/logout-everywhere\""), "the button is on every staff page");
    let out = laptop.post_form("/staff/logout-everywhere", &[]).await;
    assert_eq!((out.status.as_u16(), out.location()), (303, "/staff/login"));
    for device in [&laptop, &phone] {
        assert_eq!(device.get("/staff").await.location(), "/staff/login");
    }
    assert!(app.audit_actions().await.contains(&"sessions_ended".to_owned()));
    phone.login("member").await;
    assert_eq!(phone.get("/staff").await.status, 200, "a new login works");
}

// ----- 7: CSRF tokens bound to the session and to the site -----

async fn post_with(
    client: &crate::helpers::Client<'_>,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
) -> TestResponse {
    use axum::body::Body;
    use axum::http::Request;
    let body = serde_urlencoded::to_string([("_csrf", token), ("message", "ข้อความ")]).unwrap();
    let mut request = Request::post(path).header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    client.send(request.body(Body::from(body)).unwrap()).await
}

async fn form_tokens_are_bound_to_the_session_and_to_the_site(app: TestApp) {
    let (id, _, _) = app.submit(json!({"kind": "complaint", "subject": "ถนนชำรุด", "details": "หน้าวัด"})).await;
    app.staff("boss", Role::Admin, None).await;
    app.staff("mallory", Role::Officer, Some("office")).await;
    let note = format!("/staff/submissions/{id}/notes");
    let victim = app.client([10, 0, 0, 1]);
    victim.login("boss").await;
    let attacker = app.client([198, 51, 100, 66]);
    attacker.login("mallory").await;
    let attacker_token = attacker.csrf_token().await;

    // The attacker's own cookie and token, with the victim's session (as a
    // planted cookie would make it): refused.
    let forged = app.client([10, 0, 0, 1]);
    forged.set_cookie("siang_session", &victim.cookie("siang_session").unwrap());
    forged.set_cookie("siang_csrf", &attacker.cookie("siang_csrf").unwrap());
    assert_eq!(post_with(&forged, &note, &attacker_token, &[]).await.status, 403);

    let token = victim.csrf_token().await;
    let events = app.count("submission_event").await;
    for headers in [
        [("origin", "https://evil.example"), ("host", "portal.example")],
        [("origin", "null"), ("host", "portal.example")],
        [("sec-fetch-site", "cross-site"), ("host", "portal.example")],
        [("sec-fetch-site", "same-site"), ("host", "portal.example")],
        [("origin", "http://portal.example.evil.example"), ("host", "portal.example")],
    ] {
        let refused = post_with(&victim, &note, &token, &headers).await;
        assert_eq!(refused.status, 403, "{headers:?}");
        assert!(refused.body.contains("ปฏิเสธคำขอที่ส่งมาจากเว็บไซต์อื่น"), "{}", refused.body);
    }
    let api = app.client([198, 51, 100, 9]);
    let cross_api = api
        .send(
            axum::http::Request::post("/api/v1/submissions")
                .header("content-type", "application/json")
                .header("origin", "https://evil.example")
                .header("host", "portal.example")
                .body(axum::body::Body::from(json!({"kind": "complaint", "subject": "ก", "details": "ข"}).to_string()))
                .unwrap(),
        )
        .await;
    assert_api_error(&cross_api, 403, "cross_site");
    assert_eq!(app.count("submission_event").await, events, "nothing was written");

    // Same origin, and clients that send neither header, go on to the token.
    for headers in [
        vec![("origin", "http://portal.example"), ("host", "portal.example"), ("sec-fetch-site", "same-origin")],
        vec![("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")],
        vec![],
    ] {
        let accepted = post_with(&victim, &note, &token, &headers).await;
        assert_eq!(accepted.status, 303, "{headers:?}: {}", accepted.body);
    }
}

#[tokio::test]
async fn over_https_the_cookies_are_host_cookies_and_origins_must_be_https() {
    let config = siang::config::ServerConfig { secure_cookies: true, ..siang::config::ServerConfig::for_tests() };
    let app = TestApp::sqlite_with(config).await;
    app.staff("boss", Role::Admin, None).await;
    let boss = app.client([10, 0, 0, 1]);
    let page = boss.get("/staff/login").await;
    let csrf = page.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert!(csrf.iter().any(|c| c.starts_with("__Host-siang_csrf=") && c.contains("; Secure") && c.contains("Path=/")));
    assert!(csrf.iter().all(|c| !c.to_ascii_lowercase().contains("domain=")), "{csrf:?}");
    let login = boss.post_form("/staff/login", &[("username", "boss"), ("password", STAFF_PASSWORD)]).await;
    assert_eq!(login.status, 303, "{}", login.body);
    let session =
        login.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert!(session.iter().any(|c| c.starts_with("__Host-siang_session=") && c.contains("Secure")), "{session:?}");
    assert_eq!(boss.get("/staff").await.status, 200);
    let token = boss.csrf_token().await;
    let plain =
        post_with(&boss, "/staff/logout", &token, &[("origin", "http://portal.example"), ("host", "portal.example")])
            .await;
    assert_eq!(plain.status, 403, "an http origin on an https portal");
}

on_both_databases!(
    account_changes_end_the_members_sessions,
    staff_can_log_out_everywhere,
    form_tokens_are_bound_to_the_session_and_to_the_site,
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
