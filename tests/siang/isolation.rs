//! Issue 15, part 2: two agencies on one database, and nothing of one in
//! the other's answers. Every route the portal has (read from its sources,
//! so a new route without a check here fails) is asked on agency A's host,
//! by a resident and by A's admin, with B's ids, codes, slugs, filters and
//! cursors, by GET and by POST with a valid form token of A: no answer
//! carries B's marker, and B's rows are unchanged afterwards. Then what
//! crosses hosts: sessions, form tokens, tracking keys, API keys, exports'
//! names, cached answers; and the database's own refusal of rows pointing
//! at another agency's (Decidim's CVE-2026-45414 and CVE-2025-65017 are this
//! class of flaw).

use std::collections::BTreeSet;

use chrono::Utc;
use entity::activity::ActivityKind;
use entity::enums::Role;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::json;
use siang::domain::actor::Staff;

use crate::helpers::TestApp;
use crate::on_both_databases;

const A_HOST: &str = "a.example.go.th";
const B_HOST: &str = "b.example.go.th";
/// In every text of agency B's data; in nothing of A's.
const B_MARK: &str = "BMARK";
/// B's name, which only the province view (a page of the deployment) shows
/// on A's host, beside A's.
const B_NAME: &str = "บีทดสอบ";

/// Every route of the portal with the check that covers it. The list is
/// compared with the routes in the sources: a route added without being
/// listed here fails `every_route_is_checked`.
const ROUTES: &[&str] = &[
    "/",
    "/activities/{id}",
    "/activities/{id}/files/{file_id}",
    "/api/docs",
    "/eservice",
    "/eservice/{fiscal_year}",
    "/feed.atom",
    "/ita",
    "/ita/{fiscal_year}",
    "/language/{code}",
    "/log",
    "/log.csv",
    "/log/{tracking_code}",
    "/log/{tracking_code}/photos/{photo_id}",
    "/log/{tracking_code}/photos/{photo_id}/thumbnail",
    "/hooks/line",
    "/manual",
    "/open311/v2",
    "/open311/v2/",
    "/open311/v2/discovery.json",
    "/open311/v2/discovery.xml",
    "/open311/v2/requests.json",
    "/open311/v2/requests.xml",
    "/open311/v2/requests/{file}",
    "/open311/v2/services.json",
    "/open311/v2/services.xml",
    "/open311/v2/services/{file}",
    "/plan",
    "/plan/{fiscal_year}",
    "/posters",
    "/posters/channel/{code}",
    "/posters/service/{slug}",
    "/privacy",
    "/province",
    "/qa",
    "/receipt",
    "/report-corruption",
    "/services",
    "/services/{slug}",
    "/staff",
    "/staff/activities",
    "/staff/activities/new",
    "/staff/activities/{id}",
    "/staff/activities/{id}/evidence",
    "/staff/activities/{id}/files/{file_id}",
    "/staff/activities/{id}/files/{file_id}/remove",
    "/staff/api-keys",
    "/staff/api-keys/{id}/revoke",
    "/staff/audit",
    "/staff/departments",
    "/staff/departments/{id}",
    "/staff/ita",
    "/staff/ita/{fiscal_year}",
    "/staff/ita/{fiscal_year}/survey",
    "/staff/login",
    "/staff/logout",
    "/staff/logout-everywhere",
    "/staff/manual",
    "/staff/measures/{id}",
    "/staff/measures/{id}/evidence",
    "/staff/measures/{id}/progress",
    "/staff/plan",
    "/staff/plan/{fiscal_year}",
    "/staff/plan/{fiscal_year}/analysis",
    "/staff/privacy",
    "/staff/privacy/erase",
    "/staff/privacy/requests/{id}",
    "/staff/privacy/retention",
    "/staff/services",
    "/staff/services/{id}",
    "/staff/settings",
    "/staff/settings/widgets",
    "/staff/submissions/new",
    "/staff/submissions/{id}",
    "/staff/submissions/{id}/assign",
    "/staff/submissions/{id}/due",
    "/staff/submissions/{id}/indicators",
    "/staff/submissions/{id}/notes",
    "/staff/submissions/{id}/photos/{photo_id}",
    "/staff/submissions/{id}/photos/{photo_id}/thumbnail",
    "/staff/submissions/{id}/publish",
    "/staff/submissions/{id}/reopen",
    "/staff/submissions/{id}/reply",
    "/staff/submissions/{id}/reporter",
    "/staff/submissions/{id}/status",
    "/staff/submissions/{id}/unpublish",
    "/staff/users",
    "/staff/users/{id}",
    "/staff/users/{id}/password",
    "/stats",
    "/stats/{fiscal_year}",
    "/stats/{fiscal_year}/report/{part}",
    "/submit",
    "/track",
    "/track/data",
    "/track/data.json",
    "/track/erasure",
    "/track/forget",
    "/track/remember",
    "/track/reopen",
    "/track/verdict",
    "/widgets/button",
    "/widgets/figures",
    "/widgets/log",
    "/api/v1/openapi.json",
    "/api/v1/submissions",
    "/api/v1/submissions/{tracking_code}",
    "/api/v1/log",
    "/api/v1/stats/{fiscal_year}",
];

/// The routes the sources add: every `.route("…"` under `src/routes`, and
/// the API's documented paths.
fn routes_in_sources() -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let mut rest = source.as_str();
            while let Some(at) = rest.find(".route(") {
                rest = rest[at + ".route(".len()..].trim_start();
                if let Some(literal) = rest.strip_prefix('"') {
                    found.insert(literal.split('"').next().unwrap().to_owned());
                }
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes"), &mut found);
    let document = siang::routes::api::openapi();
    found.extend(document.paths.paths.keys().cloned());
    found
}

#[test]
fn every_route_is_checked() {
    let listed: BTreeSet<String> = ROUTES.iter().map(|r| (*r).to_owned()).collect();
    let found = routes_in_sources();
    let unchecked: Vec<&String> = found.difference(&listed).collect();
    let gone: Vec<&String> = listed.difference(&found).collect();
    assert!(unchecked.is_empty(), "routes without an isolation check: {unchecked:?}");
    assert!(gone.is_empty(), "listed routes the portal no longer has: {gone:?}");
}

/// Agency B's ids, codes and slugs, as an attacker on A's host would try them.
struct TheirData {
    agency_id: i64,
    submission_id: i64,
    /// A photo of B's submission, published with its log entry.
    photo_id: i64,
    tracking_code: String,
    access_key: String,
    department_id: i64,
    service_id: i64,
    service_slug: String,
    activity_id: i64,
    measure_id: i64,
    admin_id: i64,
    api_client_id: i64,
    api_key: String,
}

/// Two agencies on their hosts; B with a submission, a department, a
/// service, a published activity, a measure, an admin (named `admin`, as
/// A's) and an API key, every text of it marked with [`B_MARK`].
async fn two_agencies(app: &TestApp) -> (Staff, TheirData) {
    let now = Utc::now();
    let db = &app.db;
    db.execute_unprepared(&format!("UPDATE agency SET host = '{A_HOST}' WHERE id = 1")).await.unwrap();
    let b = siang::domain::agency::create(
        db,
        siang::domain::agency::NewAgency {
            slug: "bmark".into(),
            name_th: format!("เทศบาลตำบล{B_NAME}"),
            name_en: "Bee Test Subdistrict Municipality".into(),
            host: Some(B_HOST.into()),
        },
        now,
    )
    .await
    .unwrap();
    let a_admin = app.staff("admin", Role::Admin, None).await;
    let b_admin = app.staff_of(b.id, "admin", Role::Admin, None).await;
    let department_id = app.department_of(b.id, "works").await;
    let department = siang::domain::agency::DepartmentInput {
        code: "works".into(),
        name_th: format!("กองช่าง {B_MARK}"),
        name_en: format!("Works {B_MARK}"),
        active: true,
    };
    siang::domain::agency::save_department(db, &b_admin, Some(department_id), department, now).await.unwrap();
    let service = siang::domain::services::ServiceInput {
        slug: "bmark-water".into(),
        name_th: format!("น้ำประปา {B_MARK}"),
        name_en: format!("Water {B_MARK}"),
        department_id: Some(department_id),
        active: true,
        standard: None,
    };
    let service = siang::domain::services::save_service(db, &b_admin, None, service, now).await.unwrap();

    // A resident of B submits on B's host, naming B's service, with a photo.
    let resident = app.client_at([198, 51, 100, 7], B_HOST);
    let submission = json!({"kind": "complaint", "subject": format!("ท่อแตก {B_MARK}"),
                            "details": format!("น้ำไหลทั้งคืน {B_MARK}"), "service": "bmark-water"})
    .to_string();
    let photo = crate::photos::jpeg_with_gps();
    let (content_type, body) =
        crate::photos::multipart(None, &[("submission", &submission)], &[("photos", "b.jpg", "image/jpeg", &photo)]);
    let created = resident.post_bytes("/api/v1/submissions", &content_type, body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let created = created.json();
    let tracking_code = created["tracking_code"].as_str().unwrap().to_owned();
    let access_key = created["access_key"].as_str().unwrap().to_owned();
    let submission = entity::submission::Entity::find()
        .filter(entity::submission::Column::AgencyId.eq(b.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(submission.service_id, Some(service.id));
    let photo_id = crate::photos::photo_rows(app, submission.id).await[0].id;
    let publish = siang::domain::participation::publication::PublishInput {
        summary_th: format!("ซ่อมท่อ {B_MARK}"),
        photos: vec![photo_id],
        ..Default::default()
    };
    siang::domain::participation::publication::publish(db, &b_admin, submission.id, publish, now).await.unwrap();

    let activity = siang::domain::participation::activities::ActivityInput {
        kind: ActivityKind::Hearing,
        title_th: format!("ประชาคม {B_MARK}"),
        title_en: None,
        held_at: now,
        place: format!("ศาลา {B_MARK}"),
        participants: 12,
        description: format!("รับฟัง {B_MARK}"),
        outcome: None,
        participant_groups: None,
        method: None,
        results_used: None,
        department_id: None,
        indicators: vec![7],
        submission_ids: vec![submission.id],
        published: true,
    };
    let activity_id =
        siang::domain::participation::activities::save_activity(db, &b_admin, b.id, None, activity, now).await.unwrap();
    let today = siang::domain::calendar::local_date(now);
    let measure = siang::domain::participation::plan::MeasureInput {
        fiscal_year: siang::domain::calendar::fiscal_year(today),
        indicator: 7,
        position: 1,
        title_th: format!("มาตรการ {B_MARK}"),
        title_en: None,
        steps: format!("ขั้นตอน {B_MARK}"),
        period_start: today,
        period_end: today,
        department_id: None,
    };
    let measure_id =
        siang::domain::participation::plan::save_measure(db, &b_admin, b.id, None, measure, now).await.unwrap();
    let issued = siang::domain::open311::issue_key(
        db,
        siang::domain::accounts::Creator::Admin(&b_admin),
        &format!("client {B_MARK}"),
        now,
    )
    .await
    .unwrap();

    // A's own resident submits too: its code may well equal B's.
    let a_resident = app.client_at([198, 51, 100, 8], A_HOST);
    let mine = a_resident
        .post_json("/api/v1/submissions", &json!({"kind": "complaint", "subject": "ไฟดับ", "details": "ซอยมืด"}))
        .await;
    assert_eq!(mine.status, 201, "{}", mine.body);

    let data = TheirData {
        agency_id: b.id,
        submission_id: submission.id,
        photo_id,
        tracking_code,
        access_key,
        department_id,
        service_id: service.id,
        service_slug: "bmark-water".into(),
        activity_id,
        measure_id,
        admin_id: b_admin.id,
        api_client_id: issued.client.id,
        api_key: issued.key,
    };
    (a_admin, data)
}

/// B's rows, to compare before and after A's attempts.
async fn snapshot(app: &TestApp, b: &TheirData) -> String {
    use entity::*;
    let db = &app.db;
    let id = b.agency_id;
    let events: i64 = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT COUNT(*) AS n FROM submission_event e JOIN submission s ON s.id = e.submission_id \
                 WHERE s.agency_id = {id}"
            ),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\nevents {events}",
        agency::Entity::find_by_id(id).one(db).await.unwrap(),
        submission::Entity::find().filter(submission::Column::AgencyId.eq(id)).all(db).await.unwrap(),
        department::Entity::find().filter(department::Column::AgencyId.eq(id)).all(db).await.unwrap(),
        service::Entity::find().filter(service::Column::AgencyId.eq(id)).all(db).await.unwrap(),
        staff_user::Entity::find().filter(staff_user::Column::AgencyId.eq(id)).all(db).await.unwrap(),
        activity::Entity::find().filter(activity::Column::AgencyId.eq(id)).all(db).await.unwrap(),
        measure::Entity::find().filter(measure::Column::AgencyId.eq(id)).all(db).await.unwrap(),
        open311_client::Entity::find().filter(open311_client::Column::AgencyId.eq(id)).all(db).await.unwrap(),
        publication::Entity::find()
            .filter(publication::Column::SubmissionId.eq(b.submission_id))
            .all(db)
            .await
            .unwrap(),
    )
}

/// A route with B's values in its parameters.
fn with_their_values(route: &str, b: &TheirData, fiscal_year: i32) -> String {
    let id = if route.starts_with("/staff/submissions/") {
        b.submission_id
    } else if route.contains("/activities/") {
        b.activity_id
    } else if route.starts_with("/staff/measures/") {
        b.measure_id
    } else if route.starts_with("/staff/users/") {
        b.admin_id
    } else if route.starts_with("/staff/departments/") {
        b.department_id
    } else if route.starts_with("/staff/services/") {
        b.service_id
    } else if route.starts_with("/staff/api-keys/") {
        b.api_client_id
    } else {
        b.submission_id
    };
    route
        .replace("{id}", &id.to_string())
        .replace("{file_id}", "1")
        .replace("{photo_id}", &b.photo_id.to_string())
        .replace("{fiscal_year}", &fiscal_year.to_string())
        .replace("{tracking_code}", &b.tracking_code)
        .replace("{slug}", &b.service_slug)
        .replace("{code}", "en")
        .replace("{part}", "1")
        .replace("{file}", &format!("{}.json", b.tracking_code))
}

/// Filters and cursors naming B's rows, added to every GET (not the mark
/// itself: pages may echo their query).
fn their_filters(b: &TheirData) -> String {
    format!(
        "department={d}&service={s}&service_id={s}&q=water&before={id}&after={id}&cursor={id}&status=received\
         &kind=complaint&code={code}&tracking_code={code}&key={key}",
        d = b.department_id,
        s = b.service_id,
        id = b.submission_id,
        code = b.tracking_code,
        key = b.access_key
    )
}

/// The form fields a POST carries: every field some form reads, naming B's
/// rows where a form names a row.
fn their_fields(b: &TheirData) -> Vec<(String, String)> {
    let pairs = [
        ("tracking_code", b.tracking_code.clone()),
        ("access_key", b.access_key.clone()),
        ("status", "accepted".into()),
        ("message", "changed by A".into()),
        ("reason", "x".into()),
        ("department", b.department_id.to_string()),
        ("department_id", b.department_id.to_string()),
        ("assignee", b.admin_id.to_string()),
        ("indicator", "7".into()),
        ("indicators", "8".into()),
        ("submission", b.submission_id.to_string()),
        ("activity", b.activity_id.to_string()),
        ("name_th", "เปลี่ยน".into()),
        ("name_en", "changed".into()),
        ("code", "works".into()),
        ("slug", b.service_slug.clone()),
        ("summary_th", "สรุป".into()),
        ("note", "x".into()),
        ("role", "admin".into()),
        ("password", "รหัสผ่านใหม่ที่ยาวพอสมควร".into()),
        ("grant", "yes".into()),
        ("resolved", "yes".into()),
        ("satisfaction", "5".into()),
        ("pass", "x".into()),
        ("active", "on".into()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

async fn nothing_of_theirs_on_our_host(app: TestApp) {
    let (_, b) = two_agencies(&app).await;
    let fiscal_year = siang::domain::calendar::fiscal_year(siang::domain::calendar::local_date(Utc::now()));

    // B's pages show B (so the mark can be seen), and fill the caches first.
    let theirs = app.client_at([198, 51, 100, 9], B_HOST);
    for path in ["/log", "/stats", "/services", "/feed.atom", "/log.csv", "/widgets/log", "/plan", "/"] {
        let answer = theirs.get(path).await;
        assert!(answer.status == 200 || answer.status == 303, "{path} on B: {} {}", answer.status, answer.body);
    }
    assert!(theirs.get("/log").await.body.contains(B_MARK), "B's log shows B's activity");
    assert!(theirs.get("/services").await.body.contains(B_MARK) || theirs.get("/submit").await.body.contains(B_MARK));
    let before = snapshot(&app, &b).await;

    let resident = app.client_at([198, 51, 100, 10], A_HOST);
    let admin = app.client_at([198, 51, 100, 11], A_HOST);
    admin.login("admin").await;
    let filters = their_filters(&b);
    let fields = their_fields(&b);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut asked = 0;
    for route in ROUTES {
        let path = with_their_values(route, &b, fiscal_year);
        for client in [&resident, &admin] {
            let get = client.get_with(&format!("{path}?{filters}"), &[("x-access-key", &b.access_key)]).await;
            assert!(!get.body.contains(B_MARK), "GET {path} on A shows B: {}", get.body);
            assert!(*route == "/province" || !get.body.contains(B_NAME), "GET {path} on A names B: {}", get.body);
            assert!(get.status != 200 || !route.contains("{id}") || !route.starts_with("/staff/"), "GET {path}: 200");
            // Logging out would leave the rest of the run anonymous.
            if route.starts_with("/staff/logout") {
                asked += 2;
                continue;
            }
            let post = client.post_form(&path, &fields).await;
            assert!(!post.body.contains(B_MARK) && !post.body.contains(B_NAME), "POST {path} on A: {}", post.body);
            assert!(post.status.is_client_error() || post.status.is_redirection() || post.status.is_success());
            asked += 2;
        }
    }
    assert_eq!(asked, ROUTES.len() * 4);
    // Open311 with B's key, on A's host.
    let open311 = resident
        .post_form_raw(
            "/open311/v2/requests.json",
            &format!("api_key={}&service_code=complaint&description=x{B_MARK}", b.api_key),
        )
        .await;
    assert!(open311.status == 401 || open311.status == 403, "{} {}", open311.status, open311.body);
    assert_eq!(snapshot(&app, &b).await, before, "B's data changed by A's requests");
    // B's published photo is B's: served on B's host, on A's not by code and id, nor to A's staff.
    let photo = format!("/log/{}/photos/{}", b.tracking_code, b.photo_id);
    assert_eq!(theirs.get(&photo).await.status, 200, "B's published photo on B");
    assert_eq!(resident.get(&photo).await.status, 404, "B's photo on A's host");
    let staff_photo = format!("/staff/submissions/{}/photos/{}", b.submission_id, b.photo_id);
    assert_ne!(admin.get(&staff_photo).await.status, 200, "B's photo to A's staff");

    // A's own data is there for A: the checks above could fail.
    let own = admin.get("/staff").await;
    assert_eq!(own.status, 200);
    assert!(own.body.contains("ไฟดับ"), "A's inbox lists A's submission");
}

async fn sessions_tokens_and_keys_stay_with_their_agency(app: TestApp) {
    let (_, b) = two_agencies(&app).await;
    // A's admin, logged in on A's host, takes the session cookie to B's.
    let on_a = app.client_at([198, 51, 100, 20], A_HOST);
    on_a.login("admin").await;
    let session = on_a.cookie("siang_session").expect("a session cookie");
    let csrf = on_a.cookie("siang_csrf").expect("a csrf cookie");
    let token = on_a.csrf_token().await;
    let on_b = app.client_at([198, 51, 100, 20], B_HOST);
    on_b.set_cookie("siang_session", &session);
    on_b.set_cookie("siang_csrf", &csrf);
    let inbox = on_b.get("/staff").await;
    assert_eq!((inbox.status.as_u16(), inbox.location()), (303, "/staff/login"), "A's session refused on B");
    let submission = on_b.get(&format!("/staff/submissions/{}", b.submission_id)).await;
    assert_eq!(submission.status, 303);
    assert!(!submission.body.contains(B_MARK));
    // The same through B's path on A's host (a shared host).
    let by_path = on_a.get(&format!("/a/bmark/staff/submissions/{}", b.submission_id)).await;
    assert_eq!(by_path.status, 303, "{}", by_path.body);
    assert!(!by_path.body.contains(B_MARK));
    // A's form token is worthless on B, with the very same cookies.
    let body = serde_urlencoded::to_string([
        ("_csrf", token.as_str()),
        ("tracking_code", b.tracking_code.as_str()),
        ("access_key", b.access_key.as_str()),
    ])
    .unwrap();
    assert_eq!(on_b.post_form_raw("/track", &body).await.status, 403, "A's token refused on B");
    // B's code and key open nothing on A's host, even where A has that code.
    let tracked = on_a.post_form("/track", &[("tracking_code", &b.tracking_code), ("access_key", &b.access_key)]).await;
    assert!(!tracked.body.contains(B_MARK));
    assert_eq!(tracked.status, 404, "{}", tracked.body);
    let api_path = format!("/api/v1/submissions/{}", b.tracking_code);
    assert_eq!(on_a.get_with(&api_path, &[("x-access-key", &b.access_key)]).await.status, 404);
    // B's code and key do open it on B: the refusals above are not blanket.
    let theirs = app.client_at([198, 51, 100, 21], B_HOST);
    let opened =
        theirs.post_form("/track", &[("tracking_code", &b.tracking_code), ("access_key", &b.access_key)]).await;
    assert_eq!(opened.status, 200);
    assert!(opened.body.contains(B_MARK));
    // B's staff signs in on B with B's `admin` (A has an `admin` too), not on A.
    theirs.login("admin").await;
    let b_inbox = theirs.get("/staff").await;
    assert!(b_inbox.body.contains(B_MARK) && !b_inbox.body.contains("ไฟดับ"));
    // Each agency's exports are named for it.
    let a_csv = on_a.get("/log.csv").await;
    let b_csv = theirs.get("/log.csv").await;
    let name = |r: &crate::helpers::TestResponse| r.headers["content-disposition"].to_str().unwrap().to_owned();
    assert_ne!(name(&a_csv), name(&b_csv));
    assert!(name(&b_csv).contains("bmark"));
}

async fn hosts_and_paths_resolve_strictly(app: TestApp) {
    let (_, b) = two_agencies(&app).await;
    // An unknown host: a plain 404 naming no agency.
    let stranger = app.client_at([198, 51, 100, 30], "unknown.example.go.th");
    for path in ["/", "/log", "/staff/login", "/api/v1/log", &format!("/log/{}", b.tracking_code)] {
        let answer = stranger.get(path).await;
        assert_eq!(answer.status, 404, "{path}");
        let named = [B_MARK, B_NAME, "องค์การบริหารส่วนตำบล"].iter().any(|name| answer.body.contains(name));
        assert!(!named, "{}", answer.body);
    }
    assert_eq!(stranger.get("/healthz").await.status, 200, "the health check answers on any host");
    // Host names are compared in lower case, without the port.
    let upper = app.client_at([198, 51, 100, 31], "B.Example.GO.th:8443");
    assert!(upper.get("/log").await.body.contains(B_MARK));
    // B by its path on A's host; its links and cookies stay under the path.
    let shared = app.client_at([198, 51, 100, 32], A_HOST);
    let page = shared.get("/a/bmark/log").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(B_MARK));
    assert!(page.body.contains(&format!("href=\"http://{A_HOST}/a/bmark/")), "links keep the path");
    assert!(!page.body.contains("href=\"/"), "no link leaves the path");
    assert!(page.headers.get_all("set-cookie").iter().all(|c| c.to_str().unwrap().contains("Path=/a/bmark")));
    assert_eq!(shared.get("/a/nobody/log").await.status, 404);
    // A disabled agency is served nowhere.
    siang::domain::agency::disable(&app.db, "bmark", Utc::now()).await.unwrap();
    assert_eq!(app.client_at([198, 51, 100, 33], B_HOST).get("/log").await.status, 404);
    assert_eq!(shared.get("/a/bmark/log").await.status, 404);
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"agency_created".to_owned()) && actions.contains(&"agency_disabled".to_owned()));
}

/// The database itself refuses a row of one agency pointing at another's:
/// whatever the code above it forgets.
async fn the_database_refuses_rows_that_point_at_another_agency(app: TestApp) {
    let (a_admin, b) = two_agencies(&app).await;
    let db = &app.db;
    let run = |sql: String| async move { db.execute_unprepared(&sql).await };
    let a_submission: i64 = entity::submission::Entity::find()
        .filter(entity::submission::Column::AgencyId.eq(1i64))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let refused = [
        format!("UPDATE submission SET department_id = {} WHERE id = {a_submission}", b.department_id),
        format!("UPDATE submission SET service_id = {} WHERE id = {a_submission}", b.service_id),
        format!("UPDATE submission SET assignee_id = {} WHERE id = {a_submission}", b.admin_id),
        format!("UPDATE staff_user SET department_id = {} WHERE id = {}", b.department_id, a_admin.id),
        format!(
            "INSERT INTO activity_submission (activity_id, submission_id) VALUES ({}, {a_submission})",
            b.activity_id
        ),
        format!("INSERT INTO measure_submission (measure_id, submission_id) VALUES ({}, {a_submission})", b.measure_id),
        format!("UPDATE service SET department_id = {} WHERE agency_id = 1", b.department_id),
    ];
    for sql in refused {
        assert!(run(sql.clone()).await.is_err(), "the database took: {sql}");
    }
    // The same rows within one agency are taken.
    let own_department = app.department_id("works").await;
    run(format!("UPDATE submission SET department_id = {own_department} WHERE id = {a_submission}")).await.unwrap();
    run(format!(
        "INSERT INTO measure_submission (measure_id, submission_id) VALUES ({}, {})",
        b.measure_id, b.submission_id
    ))
    .await
    .unwrap();
    // Tracking codes repeat across agencies, never within one.
    let a_code = format!("UPDATE submission SET tracking_code = 'X-1' WHERE id = {a_submission}");
    run(a_code).await.unwrap();
    run(format!("UPDATE submission SET tracking_code = 'X-1' WHERE id = {}", b.submission_id)).await.unwrap();
    let ours = app.client_at([198, 51, 100, 40], A_HOST);
    let question = json!({"kind": "question", "subject": "ถาม", "details": "ตอบ"});
    let second =
        ours.post_json("/api/v1/submissions", &question).await.json()["tracking_code"].as_str().unwrap().to_owned();
    let twin = format!("UPDATE submission SET tracking_code = 'X-1' WHERE tracking_code = '{second}'");
    assert!(run(twin).await.is_err(), "a code twice in one agency");
}

/// Issue 15, part 3: the province view names every active agency with its
/// figures, and no data of any.
async fn the_province_view_sets_agencies_side_by_side(app: TestApp) {
    let (_, _) = two_agencies(&app).await;
    let page = app.client_at([198, 51, 100, 50], A_HOST).get("/province").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(B_NAME) && page.body.contains("องค์การบริหารส่วนตำบล"), "both agencies");
    assert!(!page.body.contains(B_MARK), "figures only");
    let totals = page.element_text("province-total");
    // Each agency received one complaint (the row's cells follow its heading).
    assert!(totals.ends_with("11"), "{totals}");
    let on_b = app.client_at([198, 51, 100, 51], B_HOST).get("/province").await;
    assert_eq!(on_b.element_text("province-total"), totals, "the same page under every agency");
    siang::domain::agency::disable(&app.db, "bmark", Utc::now()).await.unwrap();
    let page = app.client_at([198, 51, 100, 52], A_HOST).get("/province").await;
    assert!(!page.body.contains(B_NAME), "a disabled agency is not listed");
}

on_both_databases!(
    the_province_view_sets_agencies_side_by_side,
    nothing_of_theirs_on_our_host,
    sessions_tokens_and_keys_stay_with_their_agency,
    hosts_and_paths_resolve_strictly,
    the_database_refuses_rows_that_point_at_another_agency,
);
