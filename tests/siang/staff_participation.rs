//! Staff publishing submissions, recording activities, keeping the plan and
//! the ITA index; what the public then sees.

use entity::enums::Role;
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_databases;

async fn an_officer_publishes_their_departments_outcome_and_can_withdraw_it(app: TestApp) {
    app.staff("officer", Role::Officer, Some("office")).await;
    app.staff("other", Role::Officer, Some("works")).await;
    let (id, code, _) = app
        .submit(json!({"kind": "complaint", "subject": "ขยะล้นถังหน้าตลาด", "details": "ข้อความส่วนตัวของผู้แจ้งห้ามเผยแพร่",
                        "service": "waste-collection", "contact": {"name": "นายลับเฉพาะ"}, "consent": true}))
        .await;
    let officer = app.client([10, 2, 0, 1]);
    officer.login("officer").await;
    let item = format!("/staff/submissions/{id}");
    officer.post_form(&format!("{item}/reply"), &[("message", "เก็บขยะเพิ่มวันละสองรอบแล้ว")]).await;
    let page = officer.get(&item).await;
    assert!(page.body.contains("เผยแพร่ในบันทึกการมีส่วนร่วม"));
    assert!(page.body.contains("เก็บขยะเพิ่มวันละสองรอบแล้ว</textarea>"), "the outcome starts from the public reply");

    let empty = officer.post_form(&format!("{item}/publish"), &[("summary_th", "  ")]).await;
    assert_eq!(empty.status, 422, "a public summary is required");
    let published = officer
        .post_form(
            &format!("{item}/publish"),
            &[("summary_th", "ประชาชนแจ้งขยะล้นถังบริเวณตลาด"), ("outcome_th", "เพิ่มรอบเก็บขยะเป็นวันละสองรอบ")],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);

    let log = app.resident().get(&format!("/log/{code}")).await;
    assert_eq!(log.status, 200);
    assert!(log.body.contains("ประชาชนแจ้งขยะล้นถังบริเวณตลาด") && log.body.contains("เพิ่มรอบเก็บขยะเป็นวันละสองรอบ"));
    assert!(!log.body.contains("ข้อความส่วนตัวของผู้แจ้ง") && !log.body.contains("นายลับเฉพาะ"));

    let other = app.client([10, 2, 0, 2]);
    other.login("other").await;
    assert_eq!(
        other.post_form(&format!("{item}/unpublish"), &[]).await.status,
        403,
        "another department cannot withdraw it"
    );

    assert_eq!(officer.post_form(&format!("{item}/unpublish"), &[]).await.status, 303);
    assert_eq!(app.resident().get(&format!("/log/{code}")).await.status, 404);
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"published".to_owned()) && actions.contains(&"unpublished".to_owned()));
}

async fn activities_are_recorded_by_their_department_and_published_to_the_log(app: TestApp) {
    app.staff("officer", Role::Officer, Some("works")).await;
    let (_, code, _) =
        app.submit(json!({"kind": "suggestion", "subject": "ขอให้ทำทางเท้า", "details": "ทางเท้าหน้าโรงเรียนไม่มี"})).await;
    let officer = app.client([10, 2, 0, 3]);
    officer.login("officer").await;
    let works = app.department_id("works").await.to_string();
    let incomplete = officer
        .post_form("/staff/activities", &[("kind", "hearing"), ("department", &works), ("participants", "x")])
        .await;
    assert_eq!(incomplete.status, 422);
    assert_eq!(app.count("activity").await, 0);

    let saved = officer
        .post_form(
            "/staff/activities",
            &[
                ("kind", "hearing"),
                ("title_th", "เวทีรับฟังความคิดเห็นเรื่องทางเท้า"),
                ("held_on", "2026-11-20"),
                ("held_time", "13:30"),
                ("place", "ศาลาประชาคมหมู่ที่ 2"),
                ("participants", "57"),
                ("description", "ชาวบ้านร่วมออกแบบทางเท้าหน้าโรงเรียน"),
                ("outcome", "ได้แบบทางเท้าที่ชุมชนเห็นชอบ"),
                ("department", &works),
                ("indicators", "8"),
                ("indicators", "10"),
                ("submissions", &code),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let log = app.resident().get("/log").await;
    assert!(log.body.contains("เวทีรับฟังความคิดเห็นเรื่องทางเท้า"));
    let list = officer.get("/staff/activities").await;
    assert!(list.body.contains("เวทีรับฟังความคิดเห็นเรื่องทางเท้า"));

    let office = app.department_id("office").await.to_string();
    let elsewhere = officer.post_form("/staff/activities", &[("kind", "meeting"), ("department", &office)]).await;
    assert_eq!(elsewhere.status, 403, "not another department's activities");
    let unknown = officer
        .post_form(
            "/staff/activities",
            &[
                ("kind", "survey"),
                ("title_th", "สำรวจ"),
                ("held_on", "2026-11-21"),
                ("place", "ออนไลน์"),
                ("participants", "3"),
                ("description", "สำรวจ"),
                ("department", &works),
                ("submissions", "2569-999999"),
            ],
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("ไม่พบเลขที่รับเรื่องนี้"));
}

async fn the_plan_is_kept_by_admins_and_its_progress_by_the_responsible_division(app: TestApp) {
    app.staff("admin", Role::Admin, None).await;
    app.staff("officer", Role::Officer, Some("office")).await;
    let admin = app.client([10, 2, 0, 4]);
    admin.login("admin").await;
    let office = app.department_id("office").await.to_string();
    let created = admin
        .post_form(
            "/staff/plan/2569",
            &[
                ("indicator", "7"),
                ("position", "1"),
                ("title_th", "พัฒนาช่องทางสื่อสารที่หลากหลาย"),
                ("steps", "มีเจ้าหน้าที่ตอบคำถามและช่องทางตอบกลับผู้ถาม"),
                ("period_start", "2025-10-01"),
                ("period_end", "2026-09-30"),
                ("department", &office),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let measure_id: i64 = {
        use sea_orm::EntityTrait;
        entity::measure::Entity::find().one(&app.db).await.unwrap().unwrap().id
    };

    let officer = app.client([10, 2, 0, 5]);
    officer.login("officer").await;
    assert_eq!(
        officer.post_form("/staff/plan/2569", &[("indicator", "7")]).await.status,
        403,
        "only admins write the plan"
    );
    let noted = officer
        .post_form(
            &format!("/staff/measures/{measure_id}/progress"),
            &[("noted_on", "2026-01-15"), ("progress", "in_progress"), ("note", "เปิดไลน์ทางการของ อบต. แล้ว")],
        )
        .await;
    assert_eq!(noted.status, 303, "{}", noted.body);
    let (_, code, _) =
        app.submit(json!({"kind": "suggestion", "subject": "ขอช่องทางไลน์", "details": "อยากติดต่อทางไลน์"})).await;
    let linked =
        officer.post_form(&format!("/staff/measures/{measure_id}/evidence"), &[("tracking_code", &code)]).await;
    assert_eq!(linked.status, 303, "{}", linked.body);

    let public = app.resident().get("/plan/2569").await;
    assert!(public.body.contains("พัฒนาช่องทางสื่อสารที่หลากหลาย"));
    assert!(public.body.contains("เปิดไลน์ทางการของ อบต. แล้ว"));
    let staff_view = officer.get("/staff/plan/2569").await;
    assert!(staff_view.body.contains(&code), "the evidence is listed for staff");
}

async fn admins_keep_the_ita_evidence_index(app: TestApp) {
    app.staff("admin", Role::Admin, None).await;
    let admin = app.client([10, 2, 0, 6]);
    admin.login("admin").await;
    let form = admin.get("/staff/ita/2570").await;
    assert_eq!(form.status, 200);
    let saved = admin
        .post_form(
            "/staff/ita/2570",
            &[
                ("code", "O99"),
                ("title_th", "ช่องทางรับฟังความคิดเห็นของประชาชน"),
                ("title_en", "Public feedback channel"),
                ("url_path", "/submit"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let index = app.resident().get("/ita/2570").await;
    assert!(index.body.contains("O99") && index.body.contains("ช่องทางรับฟังความคิดเห็นของประชาชน"));
    let outside = admin
        .post_form("/staff/ita/2570", &[("code", "O1"), ("title_th", "x"), ("url_path", "https://evil.example/")])
        .await;
    assert_eq!(outside.status, 422, "evidence must be pages of this site");
}

on_both_databases!(
    an_officer_publishes_their_departments_outcome_and_can_withdraw_it,
    activities_are_recorded_by_their_department_and_published_to_the_log,
    the_plan_is_kept_by_admins_and_its_progress_by_the_responsible_division,
    admins_keep_the_ita_evidence_index,
);
