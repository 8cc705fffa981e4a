//! Contact data is kept no longer than the agency decided: the daily job
//! (and its dry run) erase what is due, leave the facts and timeline, write
//! one audit entry per erasure, and tell the resident; several instances
//! running it at once erase each contact once; only admins set the periods.

use chrono::Utc;
use entity::enums::{EventKind, Kind, Role};
use entity::{contact, retention_policy, submission, submission_event};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use siang::domain::privacy::retention::{self, Run};

use crate::fixtures::{received_days_ago, with_contact};
use crate::helpers::TestApp;
use crate::on_both_databases;

async fn events_of(app: &TestApp, id: i64) -> Vec<submission_event::Model> {
    submission_event::Entity::find()
        .filter(submission_event::Column::SubmissionId.eq(id))
        .order_by_asc(submission_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn has_contact(app: &TestApp, id: i64) -> bool {
    contact::Entity::find_by_id(id).one(&app.db).await.unwrap().is_some()
}

async fn the_daily_job_erases_due_contact_data_and_keeps_facts_and_timeline(app: TestApp) {
    // Defaults: complaints 5 years after closing, service feedback 1 year.
    let (old_complaint, key) = received_days_ago(&app, with_contact("complaint", "ถนนพัง"), 6 * 365, Some(3)).await;
    let (recent_feedback, _) = received_days_ago(&app, with_contact("service_feedback", "บริการดี"), 200, Some(3)).await;
    let (open_complaint, _) = received_days_ago(&app, with_contact("complaint", "ยังไม่เสร็จ"), 8 * 365, None).await;
    let (old_corruption, _) = received_days_ago(&app, with_contact("corruption", "เรียกเงิน"), 9 * 365, Some(30)).await;
    let timeline_before = events_of(&app, old_complaint.id).await;

    // The dry run lists exactly what is due, and changes nothing.
    let listed = retention::purge(&app.db, Utc::now(), Run::DryRun).await.unwrap();
    assert_eq!(
        listed.iter().map(|d| d.tracking_code.as_str()).collect::<Vec<_>>(),
        [old_complaint.tracking_code.as_str()]
    );
    assert_eq!(listed[0].kind, Kind::Complaint);
    assert!(has_contact(&app, old_complaint.id).await, "a dry run erases nothing");
    assert!(purges(&app).await.is_empty());

    let erased = retention::purge(&app.db, Utc::now(), Run::Erase).await.unwrap();
    assert_eq!(erased, listed, "the job erases what the dry run listed");

    assert!(!has_contact(&app, old_complaint.id).await, "the contact data is gone");
    for kept in [&recent_feedback, &open_complaint, &old_corruption] {
        assert!(has_contact(&app, kept.id).await, "{} is not due", kept.tracking_code);
    }
    // The submission's facts stay as they were.
    let after = submission::Entity::find_by_id(old_complaint.id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(after, old_complaint);
    // The timeline keeps every step and gains a public one.
    let timeline = events_of(&app, old_complaint.id).await;
    assert_eq!(timeline[..timeline_before.len()], timeline_before[..]);
    let last = timeline.last().unwrap();
    assert_eq!((last.kind, last.public, last.actor_id), (EventKind::ContactExpired, true, None));
    // One audit entry, naming the submission.
    let audit = purges(&app).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "contact_purged");
    assert_eq!(audit[0].target_id, Some(old_complaint.id));
    assert!(audit[0].detail.as_deref().unwrap().starts_with(&old_complaint.tracking_code));

    // The resident reads it on the tracking page.
    let page = app
        .resident()
        .post_form("/track", &[("tracking_code", &old_complaint.tracking_code), ("access_key", &key)])
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ลบข้อมูลติดต่อแล้ว เนื่องจากครบระยะเวลาเก็บรักษา"), "{}", page.body);
    assert!(page.element_text("contact-state").starts_with("ลบข้อมูลติดต่อของท่านแล้วเมื่อ"));
    assert!(!page.body.contains("/track/erasure"), "nothing left to ask to erase");

    // The next run finds nothing more.
    assert!(retention::purge(&app.db, Utc::now(), Run::Erase).await.unwrap().is_empty());
    assert_eq!(purges(&app).await.len(), 1);
}

async fn instances_running_the_job_at_once_erase_each_contact_once(app: TestApp) {
    // More than one batch of the job's.
    let mut due = Vec::new();
    for i in 0..120 {
        let (item, _) = received_days_ago(&app, with_contact("suggestion", &format!("ข้อเสนอ {i}")), 800, Some(5)).await;
        due.push(item.id);
    }
    // Three instances of the portal, each with its own connections.
    let (second, third) = (app.second_connection().await, app.second_connection().await);
    let now = Utc::now();
    let (a, b, c) = tokio::join!(
        retention::purge(&app.db, now, Run::Erase),
        retention::purge(&second, now, Run::Erase),
        retention::purge(&third, now, Run::Erase),
    );
    let mut erased: Vec<i64> =
        [a.unwrap(), b.unwrap(), c.unwrap()].into_iter().flatten().map(|d| d.submission_id).collect();
    erased.sort_unstable();
    assert_eq!(erased, due, "each contact erased by exactly one instance");
    assert_eq!(app.count("contact").await, 0);
    assert_eq!(purges(&app).await.len(), 120);
    let expired = submission_event::Entity::find()
        .filter(submission_event::Column::Kind.eq(EventKind::ContactExpired))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(expired.len(), 120);
}

async fn only_admins_set_retention_and_the_notice_shows_it(app: TestApp) {
    for (name, role, department) in [
        ("viewer", Role::Viewer, None),
        ("officer", Role::Officer, Some("works")),
        ("integrity", Role::IntegrityOfficer, None),
    ] {
        app.staff(name, role, department).await;
        let client = app.client([10, 0, 0, 9]);
        client.login(name).await;
        let refused = client.post_form("/staff/privacy/retention", &[("keep_days.complaint", "30")]).await;
        assert_eq!(refused.status, 403, "{name}");
    }
    assert_eq!(app.count("retention_policy").await, 0);
    assert!(app.audit_actions().await.iter().all(|a| a != "retention_saved"));

    app.staff("admin", Role::Admin, None).await;
    let admin = app.client([10, 0, 0, 1]);
    admin.login("admin").await;
    // Out of range, or a period for corruption reporters: refused, with why.
    let wrong = admin.post_form("/staff/privacy/retention", &[("keep_days.complaint", "0")]).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("กำหนดได้ตั้งแต่ 1 ถึง 3,650 วัน"), "{}", wrong.body);
    let corruption = admin.post_form("/staff/privacy/retention", &[("keep_days.corruption", "365")]).await;
    assert_eq!(corruption.status, 422);
    assert!(corruption.body.contains("ผู้รับผิดชอบเรื่องร้องเรียนการทุจริตพิจารณาเป็นรายเรื่อง"));
    assert_eq!(app.count("retention_policy").await, 0);

    let (closed_40_days_ago, _) = received_days_ago(&app, with_contact("complaint", "น้ำท่วม"), 45, Some(5)).await;
    assert!(retention::purge(&app.db, Utc::now(), Run::DryRun).await.unwrap().is_empty());
    let saved = admin
        .post_form("/staff/privacy/retention", &[("keep_days.complaint", "30"), ("keep_days.question", "730")])
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let rows = retention_policy::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(app.audit_actions().await.contains(&"retention_saved".to_owned()));

    // The shorter period applies at once: the staff page lists what goes next.
    let due = retention::purge(&app.db, Utc::now(), Run::DryRun).await.unwrap();
    assert_eq!(due.iter().map(|d| d.submission_id).collect::<Vec<_>>(), [closed_40_days_ago.id]);
    let page = admin.get("/staff/privacy").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&closed_40_days_ago.tracking_code));
    // And the public notice states the periods in force.
    let notice = app.resident().get("/privacy").await;
    assert_eq!(notice.element_text("period-complaint"), "30 วันหลังปิดเรื่อง");
    assert_eq!(notice.element_text("period-question"), "2 ปีหลังปิดเรื่อง");
    assert_eq!(notice.element_text("period-service_feedback"), "1 ปีหลังปิดเรื่อง");
    assert!(notice.element_text("period-corruption").contains("ผู้รับผิดชอบเรื่องร้องเรียนการทุจริต"));
}

async fn the_database_refuses_a_retention_period_for_corruption_reporters(app: TestApp) {
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let row = |kind: Kind, keep_days: i32| retention_policy::ActiveModel {
        agency_id: Set(agency.id),
        kind: Set(kind),
        keep_days: Set(keep_days),
        updated_at: Set(Utc::now()),
    };
    assert!(row(Kind::Corruption, 365).insert(&app.db).await.is_err());
    assert!(row(Kind::Complaint, 0).insert(&app.db).await.is_err());
    assert!(row(Kind::Complaint, 365).insert(&app.db).await.is_ok());
}

on_both_databases!(
    the_daily_job_erases_due_contact_data_and_keeps_facts_and_timeline,
    instances_running_the_job_at_once_erase_each_contact_once,
    only_admins_set_retention_and_the_notice_shows_it,
    the_database_refuses_a_retention_period_for_corruption_reporters,
);

/// The retention job's audit entries (fixtures record staff work too).
async fn purges(app: &TestApp) -> Vec<entity::audit_log::Model> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("contact_purged"))
        .all(&app.db)
        .await
        .unwrap()
}
