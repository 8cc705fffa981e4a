//! Publishing to the log, the log's pages, and the demo agency.

use std::collections::HashSet;

use chrono::Utc;
use entity::activity::ActivityKind;
use entity::enums::{Channel, Role, Status};
use siang::domain::error::DomainError;
use siang::domain::participation::activities::{save_activity, ActivityInput};
use siang::domain::participation::publication::{publish, unpublish, PublishInput};

use crate::fixtures::{admin, bangkok, complaint, department_id, settle, staff, submit_at};
use crate::helpers::TestApp;
use crate::on_both_databases;

fn summary(text: &str) -> PublishInput {
    PublishInput {
        summary_th: text.into(), outcome_th: Some("ดำเนินการแล้ว".into()), ..Default::default()
    }
}

async fn count_where(app: &TestApp, table: &str, condition: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = app
        .db
        .query_one(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table} WHERE {condition}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

async fn officers_publish_their_own_divisions_items_and_unpublishing_is_audited(app: TestApp) {
    let works = department_id(&app, "works").await;
    let finance = department_id(&app, "finance").await;
    let (item, _) = submit_at(&app, complaint("ถนนชำรุด"), Channel::Web, bangkok(2026, 3, 1)).await;
    let item = settle(&app, &item, Status::Resolved, Some(2), Some(5), Some(works), &[6]).await;
    let now = Utc::now();

    let other = staff(&app, "finance-officer", "เจ้าหน้าที่กองคลัง", Role::Officer, Some(finance)).await;
    let viewer = staff(&app, "viewer", "ผู้ดู", Role::Viewer, None).await;
    for refused in [&other, &viewer] {
        let result = publish(&app.db, refused, item.id, summary("สรุป"), now).await;
        assert!(matches!(result, Err(DomainError::Forbidden)), "{:?} may not publish", refused.role);
    }
    assert_eq!(app.count("publication").await, 0);

    let officer = staff(&app, "works-officer", "เจ้าหน้าที่กองช่าง", Role::Officer, Some(works)).await;
    let empty = publish(&app.db, &officer, item.id, summary("   "), now).await;
    assert!(matches!(empty, Err(DomainError::Invalid(_))), "a public summary is required");
    publish(&app.db, &officer, item.id, summary("ถนนในหมู่ที่ 5 ชำรุด"), now).await.unwrap();
    assert_eq!(count_where(&app, "submission_event", "kind = 'published'").await, 1);
    assert_eq!(count_where(&app, "audit_log", "action = 'published'").await, 1);
    let page = app.resident().get(&format!("/log/{}", item.tracking_code)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ถนนในหมู่ที่ 5 ชำรุด") && page.body.contains("ดำเนินการแล้ว"));

    unpublish(&app.db, &officer, item.id, now).await.unwrap();
    assert_eq!(count_where(&app, "submission_event", "kind = 'unpublished'").await, 1);
    assert_eq!(count_where(&app, "audit_log", "action = 'unpublished'").await, 1);
    assert_eq!(app.count("publication").await, 1, "the withdrawn publication stays on record");
    assert_eq!(app.resident().get(&format!("/log/{}", item.tracking_code)).await.status, 404);
    assert!(!app.resident().get("/log").await.body.contains(&item.tracking_code));
    unpublish(&app.db, &officer, item.id, now).await.unwrap();
    assert_eq!(
        count_where(&app, "submission_event", "kind = 'unpublished'").await,
        1,
        "withdrawing what is withdrawn changes nothing and records nothing"
    );

    // Republishing brings it back with the new text.
    publish(&app.db, &officer, item.id, summary("ถนนหมู่ที่ 5 ซ่อมแล้ว"), now).await.unwrap();
    assert!(app.resident().get("/log").await.body.contains("ถนนหมู่ที่ 5 ซ่อมแล้ว"));
}

async fn corruption_reports_are_never_published_one_by_one(app: TestApp) {
    let mut input = complaint("เรียกรับเงิน");
    input.kind = "corruption".into();
    input.corruption.official = "เจ้าหน้าที่".into();
    let (item, _) = submit_at(&app, input, Channel::Web, bangkok(2026, 2, 2)).await;
    let integrity = staff(&app, "integrity", "ผู้ตรวจ", Role::IntegrityOfficer, None).await;
    for who in [admin(&app).await, integrity] {
        let result = publish(&app.db, &who, item.id, summary("สรุป"), Utc::now()).await;
        assert!(matches!(result, Err(DomainError::Forbidden)), "{:?}", who.role);
    }
    assert_eq!(app.count("publication").await, 0);
    assert_eq!(count_where(&app, "audit_log", "action = 'published'").await, 0);
}

fn activity(title: &str, kind: ActivityKind, held: chrono::DateTime<Utc>, published: bool) -> ActivityInput {
    ActivityInput {
        kind,
        title_th: title.into(),
        title_en: None,
        held_at: held,
        place: "ศาลาประชาคม".into(),
        participants: 40,
        description: "รายละเอียดกิจกรรม".into(),
        outcome: Some("ผลของกิจกรรม".into()),
        participant_groups: None,
        method: None,
        results_used: None,
        department_id: None,
        indicators: vec![8],
        submission_ids: vec![],
        published,
    }
}

/// Walks `/api/v1/log` page by page; returns every reference in order.
async fn walk_log(app: &TestApp, filters: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = app.resident().get(&format!("/api/v1/log?{filters}&after={after}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let json = page.json();
        for entry in json["entries"].as_array().unwrap() {
            seen.push(format!("{}:{}", entry["type"].as_str().unwrap(), entry["reference"].as_str().unwrap()));
        }
        match json["next"].as_str() {
            Some(next) => after = next.to_owned(),
            None => return seen,
        }
    }
}

async fn the_log_pages_by_keyset_without_gaps_or_duplicates(app: TestApp) {
    let admin = admin(&app).await;
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let tie = bangkok(2026, 3, 10);
    let mut expected = Vec::new();
    // 24 submissions, many received at the same instant as each other and as
    // the activities, so ties must break by type and id.
    for i in 0..24u32 {
        let at = if i % 3 == 0 { tie } else { bangkok(2026, 1 + i % 8, 1 + i) };
        let (item, _) = submit_at(&app, complaint(&format!("เรื่อง {i}")), Channel::Web, at).await;
        let status = if i % 2 == 0 { Status::Resolved } else { Status::InProgress };
        let item = settle(&app, &item, status, Some(1), None, None, &[]).await;
        if i % 5 != 4 {
            publish(&app.db, &admin, item.id, summary(&format!("สรุป {i}")), Utc::now()).await.unwrap();
            expected.push(format!("submission:{}", item.tracking_code));
        }
    }
    for i in 0..5 {
        let id = save_activity(
            &app.db,
            &admin,
            agency.id,
            None,
            activity(&format!("เวที {i}"), ActivityKind::Hearing, tie, i != 4),
            Utc::now(),
        )
        .await
        .unwrap();
        if i != 4 {
            expected.push(format!("activity:{id}"));
        }
    }

    let walked = walk_log(&app, "").await;
    assert_eq!(walked.len(), expected.len(), "no gaps: {walked:?}");
    assert_eq!(walked.iter().collect::<HashSet<_>>(), expected.iter().collect::<HashSet<_>>(), "no duplicates");
    assert!(walked.len() > 20, "more than one page");

    let hearings = walk_log(&app, "kind=hearing").await;
    assert_eq!(hearings.len(), 4);
    assert!(hearings.iter().all(|r| r.starts_with("activity:")));
    let resolved = walk_log(&app, "status=resolved").await;
    assert!(!resolved.is_empty() && resolved.iter().all(|r| r.starts_with("submission:")));
    assert_eq!(resolved.len(), expected.iter().filter(|r| r.starts_with("submission:")).count().div_ceil(2));
    assert_eq!(walk_log(&app, "fiscal_year=2568").await.len(), 0);
    assert_eq!(walk_log(&app, "indicator=8").await.len(), 4, "the activities are linked to indicator 8");

    // The HTML log links to the next page with the same filters.
    let first = app.resident().get("/log").await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("rel=\"next\" href=\"/log?after="));
    assert_eq!(first.body.matches("class=\"log-entry").count(), 20);
    assert_eq!(app.resident().get("/api/v1/log?after=not-a-cursor").await.status, 400);

    let csv = app.resident().get("/log.csv").await;
    assert!(csv.body.starts_with('\u{feff}'));
    assert_eq!(csv.body.lines().count(), expected.len() + 1, "every entry and a header");
}

async fn siang_demo_loads_a_living_portal_once(app: TestApp) {
    let loaded = siang::demo::load(&app.db, Utc::now()).await.unwrap();
    assert_eq!(loaded.measures, 10, "the report's plan covers all ten indicators");
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    assert_eq!(agency.name_th, "องค์การบริหารส่วนตำบลชลคราม");
    let plan = siang::domain::participation::public::plan(&app.db, agency.id, 2569).await.unwrap();
    let indicators: Vec<i16> = plan.iter().map(|m| m.indicator).collect();
    assert_eq!(indicators, (1..=10).collect::<Vec<i16>>());
    assert!(plan.iter().any(|m| !m.evidence.is_empty() && !m.notes.is_empty()));

    let page = app.resident().get("/plan/2569").await;
    assert!(page.body.contains("กิจกรรมพัฒนาการให้บริการผ่านระบบ E-Service"));
    assert!(page.body.contains("97.58") && page.body.contains("90.00"), "the report's scores beside each analysis");
    assert!(page.body.contains("ต่ำที่สุดในภาพรวม 10 ตัวชี้วัด"), "the analysis of indicator 10");
    assert!(page.body.contains("No Gift Policy"), "a measure of indicator 5");
    let manual = app.resident().get("/manual").await;
    assert!(manual.body.contains("ประกาศ ณ วันที่ 15 ตุลาคม 2568"), "the demo's guide is issued");
    let log = app.resident().get("/log").await;
    assert!(log.body.contains("เวทีประชาคมหมู่บ้าน"));
    assert!(!log.body.contains("ประชุมคณะกรรมการชุมชน"), "the draft activity stays private");
    let stats = app.resident().get("/stats/2569").await;
    assert!(stats.body.contains("<svg"));
    assert!(app.resident().get("/ita/2569").await.body.contains("/stats/2568#corruption"));

    let latest = app.resident().get("/stats").await;
    assert_eq!((latest.status.as_u16(), latest.location()), (303, "/stats/2569"), "the latest year with data");
    assert_eq!(app.resident().get("/plan").await.location(), "/plan/2569");

    let submissions = app.count("submission").await;
    assert!(siang::demo::load(&app.db, Utc::now()).await.is_err(), "a second run refuses");
    assert_eq!(app.count("submission").await, submissions);
    assert_eq!(app.count("measure").await, 10);
    assert_eq!(app.count("plan_analysis").await, 10);
    // Its staff members (one for each of its two agencies) cannot log in.
    use sea_orm::EntityTrait;
    let users = entity::staff_user::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(users.len(), 2);
    assert!(users.iter().all(|user| !user.active && !user.password_hash.starts_with("$argon2")));
}

async fn the_manual_is_generated_from_the_agencys_settings(app: TestApp) {
    use sea_orm::ActiveModelTrait;
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    entity::department::ActiveModel {
        agency_id: sea_orm::ActiveValue::Set(agency.id),
        code: sea_orm::ActiveValue::Set("procurement".into()),
        name_th: sea_orm::ActiveValue::Set("งานพัสดุ".into()),
        name_en: sea_orm::ActiveValue::Set("Procurement Unit".into()),
        active: sea_orm::ActiveValue::Set(true),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let page = app.resident().get("/manual").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("ภายใน {} วัน", agency.first_answer_days)));
    assert!(page.body.contains(&format!("ภายใน {} วัน", agency.closing_days)));
    assert!(page.body.contains("งานพัสดุ"), "a new division shows at once");
    assert!(page.body.contains("href=\"/report-corruption\""), "the separate corruption channel");
    assert!(page.body.contains("ศูนย์ดำรงธรรม / 1567"));
}

async fn admins_set_the_ita_items_of_a_year(app: TestApp) {
    use siang::domain::participation::ita::{catalogue, items, save_items, ItaItem, Source};
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let officer = staff(&app, "officer", "เจ้าหน้าที่", Role::Officer, None).await;
    let custom = vec![ItaItem {
        code: "O40".into(),
        title_th: "ผลการมีส่วนร่วม".into(),
        title_en: "Participation results".into(),
        url_path: "/log?fiscal_year=2570".into(),
        elements: vec!["ผู้เข้าร่วม".into(), "ผลที่ได้".into()],
    }];
    let refused = save_items(&app.db, &officer, agency.id, 2570, &custom, Utc::now()).await;
    assert!(matches!(refused, Err(DomainError::Forbidden)));
    let mut outside = custom.clone();
    outside[0].url_path = "https://example.org/".into();
    let admin = admin(&app).await;
    assert!(matches!(
        save_items(&app.db, &admin, agency.id, 2570, &outside, Utc::now()).await,
        Err(DomainError::Invalid(_))
    ));
    save_items(&app.db, &admin, agency.id, 2570, &custom, Utc::now()).await.unwrap();
    assert_eq!(count_where(&app, "audit_log", "action = 'ita_items_saved'").await, 1);

    let saved = items(&app.db, agency.id, 2570).await.unwrap();
    assert_eq!((saved.items, saved.source), (custom, Source::Agency));
    assert_eq!(items(&app.db, agency.id, 2569).await.unwrap().items, catalogue(2569).items, "other years keep theirs");
    let page = app.resident().get("/ita/2570").await;
    assert!(page.body.contains("O40") && page.body.contains("href=\"/log?fiscal_year=2570\""));
    assert!(page.body.contains("<li>ผลที่ได้</li>"), "the elements the agency wrote");
    let defaults_page = app.resident().get("/ita/2569").await;
    for item in catalogue(2569).items {
        assert!(defaults_page.body.contains(&format!("<th scope=\"row\">{}</th>", item.code)));
        assert!(defaults_page.body.contains(&format!("href=\"{}\"", item.url_path)), "{}", item.code);
    }
}

async fn admins_plan_measures_and_divisions_report_progress(app: TestApp) {
    use chrono::NaiveDate;
    use entity::measure::Progress;
    use siang::domain::participation::plan::{link_evidence, note_progress, save_measure, Evidence, MeasureInput};
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let office = department_id(&app, "office").await;
    let finance = department_id(&app, "finance").await;
    let input = MeasureInput {
        fiscal_year: 2569,
        indicator: 7,
        position: 1,
        title_th: "พัฒนาช่องทางการสื่อสาร".into(),
        title_en: None,
        steps: "1. เปิดช่องทาง".into(),
        period_start: NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        period_end: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
        department_id: Some(office),
    };
    let office_officer = staff(&app, "office-officer", "นายผู้รายงาน ความคืบหน้า", Role::Officer, Some(office)).await;
    let refused = save_measure(&app.db, &office_officer, agency.id, None, input.clone(), Utc::now()).await;
    assert!(matches!(refused, Err(DomainError::Forbidden)), "the plan is the agency's: admins write it");
    let mut eleven = input.clone();
    eleven.indicator = 11;
    let admin = admin(&app).await;
    assert!(matches!(
        save_measure(&app.db, &admin, agency.id, None, eleven, Utc::now()).await,
        Err(DomainError::Invalid(_))
    ));
    let measure = save_measure(&app.db, &admin, agency.id, None, input, Utc::now()).await.unwrap();

    let on = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    let finance_officer = staff(&app, "finance-officer", "กองคลัง", Role::Officer, Some(finance)).await;
    assert!(matches!(
        note_progress(&app.db, &finance_officer, measure, on, Progress::InProgress, "ไม่ใช่งานของกอง", Utc::now()).await,
        Err(DomainError::Forbidden)
    ));
    note_progress(&app.db, &office_officer, measure, on, Progress::InProgress, "เปิดเพจแล้ว", Utc::now()).await.unwrap();
    assert_eq!(count_where(&app, "audit_log", "action = 'measure_progress'").await, 1);
    let unknown = link_evidence(&app.db, &office_officer, measure, Evidence::Submission(999_999), Utc::now()).await;
    assert!(matches!(unknown, Err(DomainError::Invalid(_))));

    let page = app.resident().get("/plan/2569").await;
    assert!(page.body.contains("พัฒนาช่องทางการสื่อสาร"));
    assert!(page.body.contains("15 มกราคม 2569") && page.body.contains("เปิดเพจแล้ว"), "the dated note");
    assert!(page.body.contains("progress-in_progress"));
    assert!(!page.body.contains("นายผู้รายงาน") && !page.body.contains("office-officer"), "no author names");
}

on_both_databases!(
    admins_plan_measures_and_divisions_report_progress,
    the_manual_is_generated_from_the_agencys_settings,
    admins_set_the_ita_items_of_a_year,
    officers_publish_their_own_divisions_items_and_unpublishing_is_audited,
    corruption_reports_are_never_published_one_by_one,
    the_log_pages_by_keyset_without_gaps_or_duplicates,
    siang_demo_loads_a_living_portal_once,
);
