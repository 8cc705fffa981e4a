//! Who may reach which staff route: the whole matrix, sessions, login limits.

use entity::enums::Role;
use serde_json::json;

use crate::helpers::{Client, TestApp, STAFF_PASSWORD};
use crate::on_both_databases;

/// What a role meets on a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Sent to the login page.
    Login,
    Refused,
    Allowed,
}
use Outcome::{Allowed as A, Login as L, Refused as R};

/// The roles in the order of each expectation row.
const ROLES: [&str; 6] = ["anonymous", "viewer", "officer_own", "officer_other", "integrity", "admin"];

async fn outcome(client: &Client<'_>, method: &str, path: &str, fields: &[(&str, &str)]) -> Outcome {
    let response = if method == "GET" { client.get(path).await } else { client.post_form(path, fields).await };
    match response.status.as_u16() {
        303 if response.location() == "/staff/login" => L,
        403 => R,
        401 | 404 | 500..=599 => panic!("{method} {path}: unexpected {}: {}", response.status, response.body),
        _ => A,
    }
}

async fn every_staff_route_allows_exactly_the_right_roles(app: TestApp) {
    app.staff("viewer", Role::Viewer, None).await;
    app.staff("officer_own", Role::Officer, Some("office")).await;
    app.staff("officer_other", Role::Officer, Some("works")).await;
    app.staff("integrity", Role::IntegrityOfficer, None).await;
    let admin = app.staff("admin", Role::Admin, None).await;

    // A complaint of the office department, and a corruption report.
    let (complaint, complaint_code, _) = app
        .submit(
            json!({"kind": "complaint", "subject": "ขยะไม่ถูกเก็บ", "details": "สามวันแล้ว", "service": "waste-collection",
                        "contact": {"name": "นางสาวติดต่อ ลับเฉพาะ"}, "consent": true}),
        )
        .await;
    let (corruption, corruption_code, _) = app
        .submit(json!({"kind": "corruption", "subject": "เรียกเงิน", "details": "ขอเงินค่าอนุมัติ",
                        "corruption": {"official": "นายตรวจ"}, "contact": {"name": "ผู้ร้องลับมาก"}, "consent": true}))
        .await;
    let office = app.department_id("office").await.to_string();
    let c = format!("/staff/submissions/{complaint}");
    let k = format!("/staff/submissions/{corruption}");
    let admin_id = admin.id.to_string();
    let user_path = format!("/staff/users/{admin_id}");
    let password_path = format!("/staff/users/{admin_id}/password");
    let department_path = format!("/staff/departments/{office}");
    let service_path = "/staff/services/1".to_owned();

    let work: [Outcome; 6] = [L, R, A, R, A, A];
    let corruption_only: [Outcome; 6] = [L, R, R, R, A, A];
    let admin_only: [Outcome; 6] = [L, R, R, R, R, A];
    // (method, path, form fields, expected outcome per role)
    type Route<'a> = (&'a str, String, Vec<(&'a str, &'a str)>, [Outcome; 6]);
    let routes: Vec<Route> = vec![
        ("GET", "/staff".into(), vec![], [L, A, A, A, A, A]),
        ("GET", c.clone(), vec![], [L, A, A, R, A, A]),
        ("GET", k.clone(), vec![], corruption_only),
        ("GET", "/staff/submissions/new".into(), vec![], [L, R, A, A, A, A]),
        (
            "POST",
            "/staff/submissions/new".into(),
            vec![("channel", "phone"), ("kind", "complaint")],
            [L, R, A, A, A, A],
        ),
        ("POST", format!("{c}/notes"), vec![("message", "ตรวจสอบแล้ว")], work),
        ("POST", format!("{c}/reply"), vec![("message", "กำลังดำเนินการ")], work),
        ("POST", format!("{c}/indicators"), vec![("indicator", "6"), ("action", "link")], work),
        ("POST", format!("{c}/assign"), vec![("department", &office)], work),
        ("POST", format!("{c}/due"), vec![("due", "2099-01-31"), ("reason", "รองบประมาณ")], work),
        ("POST", format!("{c}/status"), vec![("status", "accepted")], work),
        ("POST", format!("{k}/notes"), vec![("message", "ส่งเรื่องให้ผู้บริหาร")], corruption_only),
        ("POST", format!("{k}/reporter"), vec![], corruption_only),
        ("GET", "/staff/users".into(), vec![], admin_only),
        ("POST", "/staff/users".into(), vec![("username", ""), ("role", "viewer")], admin_only),
        ("POST", user_path, vec![("role", "admin"), ("active", "on")], admin_only),
        ("POST", password_path, vec![("password", "short")], admin_only),
        ("GET", "/staff/departments".into(), vec![], admin_only),
        ("POST", "/staff/departments".into(), vec![("code", "")], admin_only),
        ("POST", department_path, vec![("code", "")], admin_only),
        ("GET", "/staff/services".into(), vec![], admin_only),
        ("POST", "/staff/services".into(), vec![("slug", "")], admin_only),
        ("POST", service_path, vec![("slug", "")], admin_only),
        ("GET", "/staff/settings".into(), vec![], admin_only),
        ("POST", "/staff/settings".into(), vec![("name_th", "")], admin_only),
        ("GET", "/staff/audit".into(), vec![], admin_only),
        ("GET", "/staff/privacy".into(), vec![], [L, A, A, A, A, A]),
        ("POST", "/staff/privacy/retention".into(), vec![("keep_days.complaint", "400")], admin_only),
        (
            "POST",
            "/staff/privacy/erase".into(),
            vec![("tracking_code", &complaint_code), ("reason", "ขอทางโทรศัพท์")],
            admin_only,
        ),
        (
            "POST",
            "/staff/privacy/erase".into(),
            vec![("tracking_code", &corruption_code), ("reason", "สอบสวนเสร็จ")],
            [L, R, R, R, A, R],
        ),
        ("POST", format!("{c}/publish"), vec![("summary_th", "ประชาชนแจ้งขยะตกค้าง")], [L, R, A, R, A, A]),
        ("POST", format!("{c}/unpublish"), vec![], [L, R, A, R, A, A]),
        ("POST", format!("{k}/publish"), vec![("summary_th", "เรื่องทุจริต")], [L, R, R, R, R, R]),
        ("GET", "/staff/activities".into(), vec![], [L, R, A, A, A, A]),
        ("GET", "/staff/activities/new".into(), vec![], [L, R, A, A, A, A]),
        ("POST", "/staff/activities".into(), activity(&office), [L, R, A, R, A, A]),
        ("GET", "/staff/plan/2569".into(), vec![], [L, R, A, A, A, A]),
        ("POST", "/staff/plan/2569".into(), vec![("indicator", "7")], admin_only),
        ("GET", "/staff/ita/2569".into(), vec![], admin_only),
        (
            "POST",
            "/staff/ita/2569".into(),
            vec![("code", "O11"), ("title_th", "ช่องทางติดต่อ"), ("url_path", "/submit")],
            admin_only,
        ),
    ];

    let clients: Vec<Client> = ROLES.iter().enumerate().map(|(i, _)| app.client([10, 0, 0, i as u8 + 1])).collect();
    for (client, role) in clients.iter().zip(ROLES).skip(1) {
        client.login(role).await;
    }
    // Role by role, so each one publishes before it unpublishes.
    for (index, (client, role)) in clients.iter().zip(ROLES).enumerate() {
        for (method, path, fields, expected) in &routes {
            let got = outcome(client, method, path, fields).await;
            assert_eq!(got, expected[index], "{role} on {method} {path}");
        }
    }
}

/// A complete activity of the given department.
fn activity(department: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("kind", "hearing"),
        ("title_th", "เวทีประชาคมหมู่ที่ 3"),
        ("held_on", "2026-11-20"),
        ("place", "ศาลาประชาคม"),
        ("participants", "42"),
        ("description", "รับฟังความคิดเห็นเรื่องถนน"),
        ("department", department),
        ("published", "on"),
    ]
}

async fn officers_never_see_corruption_reports_and_viewers_never_see_contact_data(app: TestApp) {
    app.staff("viewer", Role::Viewer, None).await;
    app.staff("officer", Role::Officer, Some("office")).await;
    app.staff("integrity", Role::IntegrityOfficer, None).await;
    let (complaint, _, _) = app
        .submit(json!({"kind": "complaint", "subject": "น้ำไม่ไหล", "details": "สองวันแล้ว",
                        "contact": {"name": "นายมานะ ติดต่อได้", "phone": "0812345678"}, "consent": true}))
        .await;
    let (_corruption, code, _) = app
        .submit(json!({"kind": "corruption", "subject": "รับสินบนงานจ้าง", "details": "ฮั้วประมูล",
                        "corruption": {"official": "หัวหน้าพัสดุ"}, "contact": {"name": "พยานผู้กล้า"}, "consent": true}))
        .await;

    let officer = app.client([10, 0, 0, 2]);
    officer.login("officer").await;
    let inbox = officer.get("/staff").await;
    assert!(inbox.body.contains("น้ำไม่ไหล"));
    assert!(
        !inbox.body.contains("รับสินบนงานจ้าง") && !inbox.body.contains(&code),
        "officers do not see corruption reports"
    );
    let search = officer.get("/staff?q=%E0%B8%AE%E0%B8%B1%E0%B9%89%E0%B8%A7").await; // "ฮั้ว"
    assert!(!search.body.contains(&code), "not even by searching their text");
    assert!(officer.get(&format!("/staff/submissions/{complaint}")).await.body.contains("นายมานะ ติดต่อได้"));

    let viewer = app.client([10, 0, 0, 3]);
    viewer.login("viewer").await;
    let page = viewer.get(&format!("/staff/submissions/{complaint}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("น้ำไม่ไหล"));
    assert!(!page.body.contains("นายมานะ") && !page.body.contains("0812345678"), "viewers never see contact data");
    assert!(!page.body.contains("action=\"/staff/submissions/"), "viewers get no action forms");

    let integrity = app.client([10, 0, 0, 4]);
    integrity.login("integrity").await;
    let inbox = integrity.get("/staff?kind=corruption").await;
    assert!(inbox.body.contains(&code));
    let corruption_path = format!("/staff/submissions/{_corruption}");
    let page = integrity.get(&corruption_path).await;
    assert!(page.body.contains("หัวหน้าพัสดุ"));
    assert!(!page.body.contains("พยานผู้กล้า"), "the reporter's identity needs an explicit, audited look");
    assert!(!app.audit_actions().await.contains(&"contact_viewed".to_owned()));
    let revealed = integrity.post_form(&format!("{corruption_path}/reporter"), &[]).await;
    assert!(revealed.body.contains("พยานผู้กล้า"));
    assert_eq!(app.audit_actions().await.iter().filter(|a| *a == "contact_viewed").count(), 1);
}

async fn anonymous_visitors_are_sent_to_log_in(app: TestApp) {
    let visitor = app.resident();
    for path in ["/staff", "/staff/audit", "/staff/submissions/1"] {
        let response = visitor.get(path).await;
        assert_eq!((response.status.as_u16(), response.location()), (303, "/staff/login"), "{path}");
    }
    assert_eq!(visitor.get("/staff/login").await.status, 200);
}

async fn login_renews_the_session_and_logout_ends_it(app: TestApp) {
    app.staff("somchai", Role::Officer, Some("office")).await;
    let staff = app.client([10, 0, 0, 9]);
    // A session id planted before login (fixation) must not survive it.
    staff.set_cookie("siang_session", "planted-session-id-planted-00");
    staff.login("somchai").await;
    let first = staff.cookie("siang_session").expect("a session cookie");
    assert_ne!(first, "planted-session-id-planted-00");
    staff.login("somchai").await;
    let second = staff.cookie("siang_session").unwrap();
    assert_ne!(first, second, "a new id at every login");

    let stale = app.client([10, 0, 0, 10]);
    stale.set_cookie("siang_session", &first);
    assert_eq!(stale.get("/staff").await.location(), "/staff/login", "the old id is dead");
    assert_eq!(staff.get("/staff").await.status, 200);

    let out = staff.post_form("/staff/logout", &[]).await;
    assert_eq!((out.status.as_u16(), out.location()), (303, "/staff/login"));
    let replay = app.client([10, 0, 0, 11]);
    replay.set_cookie("siang_session", &second);
    assert_eq!(replay.get("/staff").await.location(), "/staff/login", "logout invalidates the session server-side");
}

async fn a_failed_login_never_says_whether_the_user_exists(app: TestApp) {
    app.staff("malee", Role::Viewer, None).await;
    let client = app.client([10, 0, 0, 20]);
    let wrong_password =
        client.post_form("/staff/login", &[("username", "malee"), ("password", "not the password")]).await;
    let no_such_user =
        client.post_form("/staff/login", &[("username", "nobody"), ("password", "not the password")]).await;
    assert_eq!(wrong_password.status, 401);
    assert_eq!(wrong_password.status, no_such_user.status);
    assert_eq!(wrong_password.body.replace("malee", "X"), no_such_user.body.replace("nobody", "X"));
    assert!(wrong_password.body.contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "login_failed").count(), 2);
}

async fn deactivated_staff_lose_access_at_once(app: TestApp) {
    let admin = app.staff("admin", Role::Admin, None).await;
    let target = app.staff("leaving", Role::Officer, Some("office")).await;
    let leaving = app.client([10, 0, 0, 30]);
    leaving.login("leaving").await;
    assert_eq!(leaving.get("/staff").await.status, 200);
    let admin_client = app.client([10, 0, 0, 31]);
    admin_client.login(&admin.username).await;
    let office = app.department_id("office").await.to_string();
    let saved = admin_client
        .post_form(
            &format!("/staff/users/{}", target.id),
            &[("role", "officer"), ("department", &office), ("display_name", "")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(leaving.get("/staff").await.location(), "/staff/login");
    let retry = leaving.post_form("/staff/login", &[("username", "leaving"), ("password", STAFF_PASSWORD)]).await;
    assert_eq!(retry.status, 401);
}

async fn every_staff_post_needs_its_csrf_token(app: TestApp) {
    app.staff("admin", Role::Admin, None).await;
    let (id, _, _) = app.submit(json!({"kind": "suggestion", "subject": "ก", "details": "ข"})).await;
    let admin = app.client([10, 0, 0, 40]);
    admin.login("admin").await;
    let before = app.audit_actions().await.len();
    for path in [
        format!("/staff/submissions/{id}/notes"),
        format!("/staff/submissions/{id}/reply"),
        format!("/staff/submissions/{id}/status"),
        format!("/staff/submissions/{id}/assign"),
        format!("/staff/submissions/{id}/indicators"),
        format!("/staff/submissions/{id}/due"),
        format!("/staff/submissions/{id}/reporter"),
        "/staff/submissions/new".into(),
        "/staff/users".into(),
        "/staff/users/1".into(),
        "/staff/users/1/password".into(),
        "/staff/departments".into(),
        "/staff/departments/1".into(),
        "/staff/services".into(),
        "/staff/services/1".into(),
        "/staff/settings".into(),
        "/staff/privacy/retention".into(),
        "/staff/privacy/erase".into(),
        "/staff/privacy/requests/1".into(),
        "/staff/logout".into(),
        "/staff/login".into(),
    ] {
        let response =
            admin.post_form_raw(&path, "message=x&status=accepted&indicator=6&action=link&username=admin").await;
        assert_eq!(response.status, 403, "{path} without a token");
    }
    assert_eq!(app.audit_actions().await.len(), before, "nothing happened");
    assert_eq!(admin.get("/staff").await.status, 200, "still logged in");
}

on_both_databases!(
    every_staff_route_allows_exactly_the_right_roles,
    officers_never_see_corruption_reports_and_viewers_never_see_contact_data,
    anonymous_visitors_are_sent_to_log_in,
    login_renews_the_session_and_logout_ends_it,
    a_failed_login_never_says_whether_the_user_exists,
    deactivated_staff_lose_access_at_once,
    every_staff_post_needs_its_csrf_token,
);
