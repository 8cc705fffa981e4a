//! Staff working submissions to their end, and what residents see of it.

use entity::enums::Role;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

fn complaint(subject: &str) -> serde_json::Value {
    json!({"kind": "complaint", "subject": subject, "details": "ท่อระบายน้ำอุดตันหน้าตลาด", "location": "ตลาดสด"})
}

async fn status_of(app: &TestApp, id: i64) -> String {
    use sea_orm::ActiveEnum;
    entity::submission::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().status.to_value()
}

async fn admin_client(app: &TestApp) -> Client<'_> {
    app.staff("admin", Role::Admin, None).await;
    let client = app.client([10, 1, 0, 1]);
    client.login("admin").await;
    client
}

async fn every_legal_transition_is_taken_and_illegal_ones_refused(app: TestApp) {
    let admin = admin_client(&app).await;
    let move_to = |id: i64, status: &'static str, message: &'static str, referred: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post_form(
                    &format!("/staff/submissions/{id}/status"),
                    &[("status", status), ("message", message), ("referred_to", referred)],
                )
                .await
        }
    };

    // received → accepted → in_progress → resolved
    let (a, _, _) = app.submit(complaint("เส้นทางหลัก")).await;
    let illegal = move_to(a, "resolved", "เสร็จแล้ว", "").await;
    assert_eq!(illegal.status, 422);
    assert!(illegal.body.contains("เปลี่ยนจากสถานะปัจจุบันไปเป็นสถานะนี้ไม่ได้"));
    assert_eq!(status_of(&app, a).await, "received", "an illegal move changes nothing");
    assert_eq!(move_to(a, "accepted", "", "").await.status, 303);
    assert_eq!(move_to(a, "in_progress", "", "").await.status, 303);
    let silent = move_to(a, "resolved", "", "").await;
    assert_eq!(silent.status, 422, "resolving needs a message to the resident");
    assert!(silent.body.contains("กรุณาเขียนข้อความถึงผู้แจ้ง"));
    assert_eq!(move_to(a, "resolved", "ล้างท่อเรียบร้อยแล้ว", "").await.status, 303);
    assert_eq!(status_of(&app, a).await, "resolved");
    assert_eq!(move_to(a, "in_progress", "", "").await.status, 422, "resolved is final");

    // received → rejected, with a reason
    let (b, _, _) = app.submit(complaint("ไม่ใช่อำนาจหน้าที่")).await;
    assert_eq!(move_to(b, "rejected", "", "").await.status, 422);
    assert_eq!(move_to(b, "rejected", "เป็นถนนของกรมทางหลวง", "").await.status, 303);
    assert_eq!(status_of(&app, b).await, "rejected");

    // accepted → referred, naming the agency
    let (c, _, _) = app.submit(complaint("ไฟฟ้าแรงสูง")).await;
    assert_eq!(move_to(c, "accepted", "", "").await.status, 303);
    let unnamed = move_to(c, "referred", "ส่งต่อการไฟฟ้า", "").await;
    assert_eq!(unnamed.status, 422);
    assert_eq!(move_to(c, "referred", "ส่งต่อการไฟฟ้าส่วนภูมิภาคแล้ว", "การไฟฟ้าส่วนภูมิภาคอำเภอดอนสัก").await.status, 303);
    assert_eq!(status_of(&app, c).await, "referred");

    // received → referred and accepted → rejected
    let (d, _, _) = app.submit(complaint("ส่งต่อทันที")).await;
    assert_eq!(move_to(d, "referred", "ส่งต่อแล้ว", "สำนักงานที่ดิน").await.status, 303);
    let (e, _, _) = app.submit(complaint("ปฏิเสธภายหลัง")).await;
    assert_eq!(move_to(e, "accepted", "", "").await.status, 303);
    assert_eq!(move_to(e, "rejected", "เรื่องซ้ำกับที่ดำเนินการแล้ว", "").await.status, 303);
    assert_eq!(move_to(e, "bogus", "", "").await.status, 422);
}

async fn residents_see_replies_and_status_changes_but_never_internal_notes_or_staff_names(app: TestApp) {
    let admin = admin_client(&app).await;
    let (id, code, key) = app.submit(complaint("ถนนลื่น")).await;
    let base = format!("/staff/submissions/{id}");
    admin.post_form(&format!("{base}/notes"), &[("message", "บันทึกลับภายในห้ามเผยแพร่")]).await;
    admin.post_form(&format!("{base}/reply"), &[("message", "เจ้าหน้าที่จะไปตรวจพรุ่งนี้")]).await;
    admin.post_form(&format!("{base}/status"), &[("status", "accepted"), ("message", "รับเรื่องไว้พิจารณาแล้ว")]).await;

    let resident = app.resident();
    let page = resident.post_form("/track", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert!(page.body.contains("เจ้าหน้าที่จะไปตรวจพรุ่งนี้"));
    assert!(page.body.contains("รับเรื่องไว้พิจารณาแล้ว") && page.body.contains("รับไว้พิจารณา"));
    assert!(!page.body.contains("บันทึกลับภายใน"), "internal notes stay internal");
    assert!(!page.body.contains("คุณadmin"), "staff names stay hidden by default");
    let api = resident.get_with(&format!("/api/v1/submissions/{code}"), &[("x-access-key", &key)]).await.json();
    assert_eq!(api["status"], "accepted");
    let events = api["events"].as_array().unwrap();
    assert_eq!(
        events.iter().map(|e| e["type"].as_str().unwrap()).collect::<Vec<_>>(),
        ["received", "public_reply", "status_changed"]
    );
    assert!(!api.to_string().contains("บันทึกลับภายใน") && !api.to_string().contains("คุณadmin"));

    // The agency may choose to name the staff who answered.
    let saved = admin
        .post_form(
            "/staff/settings",
            &[
                ("name_th", "อบต.ทดสอบ"),
                ("name_en", "Test SAO"),
                ("first_answer_days", "15"),
                ("closing_days", "30"),
                ("show_staff_names", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = resident.post_form("/track", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert!(page.body.contains("คุณadmin"));
    assert!(page.body.contains("อบต.ทดสอบ"), "the new agency name is used at once");
    let after = admin.get(saved.location()).await;
    assert!(after.body.contains(r#"<p class="notice" role="status">บันทึกแล้ว</p>"#), "staff are told it was saved");
    assert!(!admin.get("/staff/settings?done=%3Cb%3E").await.body.contains("staff.done"), "unknown codes show nothing");
}

async fn every_staff_action_is_audited(app: TestApp) {
    let admin = admin_client(&app).await;
    let (id, _, _) = app.submit(complaint("ตรวจสอบการบันทึก")).await;
    let base = format!("/staff/submissions/{id}");
    let office = app.department_id("office").await.to_string();
    for (path, fields) in [
        (format!("{base}/assign"), vec![("department", office.as_str())]),
        (format!("{base}/indicators"), vec![("indicator", "7"), ("action", "link")]),
        (format!("{base}/indicators"), vec![("indicator", "7"), ("action", "unlink")]),
        (format!("{base}/reply"), vec![("message", "ตอบกลับ")]),
        (format!("{base}/notes"), vec![("message", "บันทึก")]),
        (format!("{base}/due"), vec![("due", "2099-12-31"), ("reason", "รอผู้รับเหมา")]),
        (format!("{base}/status"), vec![("status", "accepted")]),
        (
            "/staff/users".into(),
            vec![
                ("username", "newofficer"),
                ("role", "officer"),
                ("department", office.as_str()),
                ("password", "ยาวพอสำหรับรหัสผ่าน"),
            ],
        ),
        // Another account: resetting one's own password ends one's own sessions too.
        ("/staff/users/2/password".into(), vec![("password", "รหัสผ่านใหม่ที่ยาวพอ")]),
        (
            "/staff/departments".into(),
            vec![("code", "health"), ("name_th", "กองสาธารณสุข"), ("name_en", "Public Health"), ("active", "on")],
        ),
        (
            "/staff/services".into(),
            vec![("slug", "vaccination"), ("name_th", "ฉีดวัคซีน"), ("name_en", "Vaccination"), ("active", "on")],
        ),
        (
            "/staff/settings".into(),
            vec![("name_th", "อบต.ก"), ("name_en", "SAO A"), ("first_answer_days", "10"), ("closing_days", "20")],
        ),
        (
            "/staff/submissions/new".into(),
            vec![
                ("channel", "walk_in"),
                ("kind", "suggestion"),
                ("subject", "เสนอให้มีลานกีฬา"),
                ("details", "เด็กไม่มีที่เล่น"),
            ],
        ),
    ] {
        let response = admin.post_form(&path, &fields).await;
        assert!(
            response.status.is_redirection() || response.status == 200,
            "{path}: {} {}",
            response.status,
            response.body
        );
    }
    admin.post_form("/staff/logout", &[]).await;
    let actions = app.audit_actions().await;
    for expected in [
        "user_created",
        "login_succeeded",
        "assigned",
        "indicator_linked",
        "indicator_unlinked",
        "public_reply",
        "internal_note",
        "due_changed",
        "status_changed",
        "password_reset",
        "department_saved",
        "service_saved",
        "settings_updated",
        "submission_recorded",
        "logout",
    ] {
        assert!(actions.iter().any(|a| a == expected), "no audit row for {expected}: {actions:?}");
    }
}

async fn the_audit_log_and_timelines_cannot_be_edited_or_deleted(app: TestApp) {
    let _admin = admin_client(&app).await;
    app.submit(complaint("เรื่องทดสอบ")).await;
    for sql in [
        "UPDATE audit_log SET action = 'nothing'",
        "DELETE FROM audit_log",
        "UPDATE submission_event SET message = 'rewritten'",
        "DELETE FROM submission_event",
    ] {
        assert!(app.db.execute_unprepared(sql).await.is_err(), "{sql} must be refused");
    }
    assert!(app.count("audit_log").await >= 2);
}

async fn staff_record_submissions_from_other_channels(app: TestApp) {
    let admin = admin_client(&app).await;
    let recorded = admin
        .post_form(
            "/staff/submissions/new",
            &[
                ("channel", "phone"),
                ("kind", "complaint"),
                ("subject", "โทรแจ้งสุนัขจรจัด"),
                ("details", "สุนัขจรจัดกัดเด็กที่ป้ายรถ"),
                ("contact.phone", "0891112222"),
                ("consent", "on"),
            ],
        )
        .await;
    assert_eq!(recorded.status, 200, "{}", recorded.body);
    let code = recorded.element_text("tracking-code");
    let inbox = admin.get("/staff?channel=phone").await;
    assert!(inbox.body.contains(&code));
    assert!(!admin.get("/staff?channel=web").await.body.contains(&code));
    let bad = admin.post_form("/staff/submissions/new", &[("channel", "pigeon"), ("kind", "complaint")]).await;
    assert_eq!(bad.status, 422);
}

async fn the_inbox_filters_searches_counts_and_pages_without_repeats(app: TestApp) {
    let admin = admin_client(&app).await;
    for n in 0..30 {
        app.submit(complaint(&format!("เรื่องที่ {n:02} ถนนลูกรัง"))).await;
    }
    let (drain, drain_code, _) = app.submit(complaint("ท่อระบายน้ำหน้าวัด")).await;
    admin.post_form(&format!("/staff/submissions/{drain}/status"), &[("status", "accepted")]).await;
    admin.post_form(&format!("/staff/submissions/{drain}/indicators"), &[("indicator", "9"), ("action", "link")]).await;

    let first = admin.get("/staff").await;
    assert!(first.body.contains(&drain_code), "newest first");
    let next = first
        .body
        .split("rel=\"next\"")
        .next()
        .unwrap()
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let second = admin.get(&next).await;
    let codes = |body: &str| -> Vec<String> {
        body.match_indices("\">2").map(|(i, _)| body[i + 2..i + 13].to_owned()).filter(|c| c.contains('-')).collect()
    };
    let (a, b) = (codes(&first.body), codes(&second.body));
    assert_eq!(a.len(), 25);
    assert_eq!(b.len(), 6);
    assert!(a.iter().all(|code| !b.contains(code)), "no item on both pages");

    let search = admin.get("/staff?q=%E0%B8%AB%E0%B8%99%E0%B9%89%E0%B8%B2%E0%B8%A7%E0%B8%B1%E0%B8%94").await; // "หน้าวัด"
    assert!(search.body.contains(&drain_code));
    assert_eq!(codes(&search.body).len(), 1);
    assert_eq!(codes(&admin.get("/staff?indicator=9").await.body), vec![drain_code.clone()]);
    assert_eq!(codes(&admin.get("/staff?status=accepted").await.body), vec![drain_code.clone()]);
    assert!(first.body.contains("รับไว้พิจารณา <span class=\"count\">1</span>"));
    assert!(first.body.contains("รับเรื่องแล้ว <span class=\"count\">30</span>"));
    assert!(codes(&admin.get("/staff?overdue=on").await.body).is_empty(), "nothing is overdue yet");
    let wildcards = admin.get("/staff?q=%25_%25").await;
    assert!(codes(&wildcards.body).is_empty(), "% and _ search for themselves, not for everything");
    let short = admin.get("/staff?q=%E0%B8%96%E0%B8%99").await; // "ถน": two characters
    assert!(short.body.contains("คำค้นต้องมีอย่างน้อย 3 ตัวอักษร"), "a term too short for the index is said so");
    assert_eq!(codes(&short.body).len(), 25, "and the list is not filtered by it");

    // Make one overdue: it is flagged and comes first when sorting by due date.
    app.db
        .execute_unprepared(&format!(
            "UPDATE submission SET due_at = received_at, next_due_at = '2020-01-01 00:00:00+00:00' WHERE id = {drain}"
        ))
        .await
        .unwrap();
    let overdue = admin.get("/staff?overdue=on").await;
    assert_eq!(codes(&overdue.body), vec![drain_code.clone()]);
    assert!(overdue.body.contains("เกินกำหนด"));
    assert_eq!(codes(&admin.get("/staff?order=overdue").await.body)[0], drain_code);
}

async fn staff_pick_due_dates_in_the_buddhist_era(app: TestApp) {
    let admin = admin_client(&app).await;
    let (id, _, _) = app.submit(complaint("ท่อตัน")).await;
    let page = admin.get(&format!("/staff/submissions/{id}")).await;
    assert!(page.body.contains(r#"<select id="f-due-year" name="year_be">"#));
    assert!(!page.body.contains(r#"type="date""#), "no picker that shows the Christian year");
    let this_year = siang::domain::calendar::fiscal_year(siang::domain::calendar::local_date(chrono::Utc::now()));
    let year = (this_year + 1).to_string();
    let saved = admin
        .post_form(
            &format!("/staff/submissions/{id}/due"),
            &[("day", "31"), ("month", "12"), ("year_be", &year), ("reason", "รอผู้รับเหมา")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stored = entity::submission::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let due = siang::domain::calendar::local_date(stored.next_due_at.unwrap());
    assert_eq!(due.to_string(), format!("{}-12-31", this_year + 1 - 543));

    let impossible = admin
        .post_form(&format!("/staff/submissions/{id}/due"), &[("day", "31"), ("month", "2"), ("year_be", &year)])
        .await;
    assert_eq!(impossible.status, 422, "31 February is refused");
}

async fn the_inbox_fits_a_phone_and_keeps_codes_and_dates_on_one_line(app: TestApp) {
    let admin = admin_client(&app).await;
    app.submit(complaint("ท่อตัน")).await;
    let inbox = admin.get("/staff").await;
    assert!(inbox.body.contains(r#"<td class="code-cell">"#));
    assert!(inbox.body.contains(r#"<td class="date-cell" data-label="วันที่รับ"><time datetime=""#), "{}", inbox.body);
    assert!(inbox.body.contains(r#"<main id="main" class="wrap wide""#));
}

async fn publishing_a_question_speaks_of_a_question_and_its_answer(app: TestApp) {
    let admin = admin_client(&app).await;
    let (id, _, _) = app.submit(json!({"kind": "question", "details": "ขอใบอนุญาตต้องใช้อะไรบ้าง"})).await;
    let page = admin.get(&format!("/staff/submissions/{id}")).await;
    assert!(page.body.contains("เผยแพร่เป็นถาม-ตอบ") && page.body.contains("คำตอบ (ภาษาไทย)"));
    assert!(!page.body.contains("สรุปเรื่องสำหรับสาธารณะ"), "no complaint wording");
}

on_both_databases!(
    staff_pick_due_dates_in_the_buddhist_era,
    the_inbox_fits_a_phone_and_keeps_codes_and_dates_on_one_line,
    publishing_a_question_speaks_of_a_question_and_its_answer,
    every_legal_transition_is_taken_and_illegal_ones_refused,
    residents_see_replies_and_status_changes_but_never_internal_notes_or_staff_names,
    every_staff_action_is_audited,
    the_audit_log_and_timelines_cannot_be_edited_or_deleted,
    staff_record_submissions_from_other_channels,
    the_inbox_filters_searches_counts_and_pages_without_repeats,
);
