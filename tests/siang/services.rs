//! The service catalogue and its published standards (คู่มือการให้บริการ):
//! kept by admins only, published at `/services`, and each service's page
//! with its own feedback figures beside the standard.

use chrono::Utc;
use entity::enums::{Channel, Role};
use entity::service;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use siang::domain::services::{save_service, ServiceInput, StandardInput};
use siang::domain::submissions::NewSubmission;

use crate::fixtures::{admin, bangkok, complaint, submit_at};
use crate::helpers::TestApp;
use crate::on_both_databases;

const STEPS_TH: &str = "ยื่นคำขอ | 10 นาที\nตรวจเอกสาร | 1 วัน\nออกใบอนุญาต | 3 วัน";

async fn service_by_slug(app: &TestApp, slug: &str) -> Option<service::Model> {
    service::Entity::find().filter(service::Column::Slug.eq(slug)).one(&app.db).await.unwrap()
}

/// The edit form of a service with a published standard.
fn standard_form(slug: &str) -> Vec<(&str, &str)> {
    vec![
        ("slug", slug),
        ("name_th", "ขออนุญาตติดตั้งป้าย"),
        ("name_en", "Sign permit"),
        ("department", ""),
        ("active", "on"),
        ("published", "on"),
        ("steps_th", STEPS_TH),
        ("steps_en", "File the form | 10 minutes\nDocuments checked | 1 day\nPermit issued | 3 days"),
        ("time_frame_th", "ภายใน 5 วันทำการ"),
        ("time_frame_en", "Within 5 working days"),
        ("fee_th", "ตามอัตราในข้อบัญญัติ"),
        ("requirements_th", "บัตรประจำตัวประชาชน"),
        ("legal_basis_th", "พระราชบัญญัติภาษีป้าย พ.ศ. 2510"),
    ]
}

async fn only_admins_keep_the_catalogue(app: TestApp) {
    app.staff("admin", Role::Admin, None).await;
    for (name, role, department) in [
        ("viewer", Role::Viewer, None),
        ("officer", Role::Officer, Some("office")),
        ("integrity", Role::IntegrityOfficer, None),
    ] {
        app.staff(name, role, department).await;
    }
    let existing = service_by_slug(&app, "land-tax").await.unwrap();
    let edit_path = format!("/staff/services/{}", existing.id);
    let before = app.count("service").await;

    for name in ["viewer", "officer", "integrity"] {
        let client = app.client([10, 0, 0, 1]);
        client.login(name).await;
        assert_eq!(client.get("/staff/services").await.status, 403, "{name}");
        assert_eq!(client.get(&edit_path).await.status, 403, "{name}");
        let created = client.post_form("/staff/services", &[("slug", "sign-permit"), ("name_th", "ป้าย")]).await;
        assert_eq!(created.status, 403, "{name}");
        assert_eq!(client.post_form(&edit_path, &standard_form("land-tax")).await.status, 403, "{name}");
    }
    assert_eq!(app.count("service").await, before);
    assert_eq!(app.count("service_step").await, 0);
    assert!(!service_by_slug(&app, "land-tax").await.unwrap().published);

    let admin = app.client([10, 0, 0, 2]);
    admin.login("admin").await;
    assert_eq!(admin.get("/staff/services").await.status, 200);
    let created = admin
        .post_form(
            "/staff/services",
            &[("slug", "sign-permit"), ("name_th", "ขออนุญาตติดตั้งป้าย"), ("name_en", "Sign permit"), ("active", "on")],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let saved = service_by_slug(&app, "sign-permit").await.unwrap();
    assert_eq!(
        created.location(),
        format!("/staff/services/{}?done=saved", saved.id),
        "on to the new service's standard"
    );
    assert!(saved.active && !saved.published);

    let taken =
        admin.post_form("/staff/services", &[("slug", "sign-permit"), ("name_th", "ซ้ำ"), ("name_en", "x")]).await;
    assert_eq!(taken.status, 422);
    assert_eq!(app.count("service").await, before + 1);

    let path = format!("/staff/services/{}", saved.id);
    assert_eq!(admin.get(&path).await.status, 200);
    let updated = admin.post_form(&path, &standard_form("sign-permit")).await;
    assert_eq!(updated.status, 303, "{}", updated.body);
    let saved = service_by_slug(&app, "sign-permit").await.unwrap();
    assert!(saved.published);
    assert_eq!(saved.time_frame_th, "ภายใน 5 วันทำการ");
    assert_eq!(app.count("service_step").await, 3);
    assert!(app.audit_actions().await.iter().filter(|a| *a == "service_saved").count() >= 2);
}

async fn the_published_manual_shows_the_steps_in_order_and_hides_the_rest(app: TestApp) {
    let admin = admin(&app).await;
    let sign = save_service(
        &app.db,
        &admin,
        None,
        ServiceInput {
            slug: "sign-permit".into(),
            name_th: "ขออนุญาตติดตั้งป้าย".into(),
            name_en: "Sign permit".into(),
            department_id: None,
            active: true,
            standard: Some(StandardInput {
                published: true,
                steps_th: STEPS_TH.into(),
                time_frame_th: "ภายใน 5 วันทำการ".into(),
                ..Default::default()
            }),
        },
        Utc::now(),
    )
    .await
    .unwrap();

    let list = app.resident().get("/services").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("/services/sign-permit") && list.body.contains("ภายใน 5 วันทำการ"));
    assert!(!list.body.contains("/services/land-tax"), "services without a published standard are not listed");

    let page = app.resident().get("/services/sign-permit").await;
    assert_eq!(page.status, 200);
    let positions: Vec<usize> =
        ["ยื่นคำขอ", "ตรวจเอกสาร", "ออกใบอนุญาต"].iter().map(|step| page.body.find(step).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "steps in their order");
    assert!(page.body.contains("1 วัน") && page.body.contains("ภายใน 5 วันทำการ"));
    assert!(page.body.contains("/submit?kind=service_feedback&amp;service=sign-permit"));

    assert_eq!(app.resident().get("/services/land-tax").await.status, 404, "not published");
    assert_eq!(app.resident().get("/services/no-such-service").await.status, 404);
    // Withdrawn from service: its manual is no longer public.
    let input = ServiceInput {
        slug: sign.slug.clone(),
        name_th: sign.name_th.clone(),
        name_en: sign.name_en.clone(),
        department_id: None,
        active: false,
        standard: None,
    };
    save_service(&app.db, &admin, Some(sign.id), input, Utc::now()).await.unwrap();
    assert_eq!(app.resident().get("/services/sign-permit").await.status, 404);
}

fn feedback(service: &str, ratings: &[(&str, i64)], asked_for_benefit: Option<bool>) -> NewSubmission {
    NewSubmission {
        kind: "service_feedback".into(),
        service: service.into(),
        ratings: ratings.iter().map(|(q, v)| ((*q).to_owned(), *v)).collect(),
        asked_for_benefit,
        ..Default::default()
    }
}

/// Land-tax feedback of fiscal year 2569 with known answers; other services
/// and other years must not count.
async fn each_service_page_shows_its_own_figures_exactly(app: TestApp) {
    let admin = admin(&app).await;
    let tax = service_by_slug(&app, "land-tax").await.unwrap();
    let input = ServiceInput {
        slug: tax.slug.clone(),
        name_th: tax.name_th.clone(),
        name_en: tax.name_en.clone(),
        department_id: tax.department_id,
        active: true,
        standard: Some(StandardInput {
            published: true,
            steps_th: "ชำระภาษี | 10 นาที".into(),
            time_frame_th: "10 นาที".into(),
            ..Default::default()
        }),
    };
    save_service(&app.db, &admin, Some(tax.id), input, Utc::now()).await.unwrap();

    let samples = [
        feedback("land-tax", &[("procedure_time", 4), ("equal_treatment", 3), ("straight_info", 2)], Some(false)),
        feedback("land-tax", &[("procedure_time", 3)], Some(true)),
        feedback("land-tax", &[("procedure_time", 1), ("equal_treatment", 4), ("info_access", 1)], None),
        feedback("building-permit", &[("procedure_time", 1)], Some(true)),
    ];
    for (i, input) in samples.into_iter().enumerate() {
        submit_at(&app, input, Channel::Web, bangkok(2026, 1, 10 + i as u32)).await;
    }
    // Fiscal year 2568, and a complaint naming the service.
    submit_at(&app, feedback("land-tax", &[("procedure_time", 1)], Some(true)), Channel::Web, bangkok(2025, 5, 1))
        .await;
    let mut about_tax = complaint("คิดภาษีผิด");
    about_tax.service = "land-tax".into();
    submit_at(&app, about_tax, Channel::Web, bangkok(2026, 2, 1)).await;

    // Indicator 6 answers scored 0/50/85/100 (benefit: no 100, yes 0):
    // 100 + 85 + 50 + 100, 85 + 0, 0 + 100 = 520 over 8 answers = 65.00.
    let page = app.resident().get("/services/land-tax?year=2569").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.element_text("figure-responses"), "3");
    assert_eq!(page.element_text("figure-followed"), "66.7% (2/3)");
    assert_eq!(page.element_text("figure-eit6"), "65.00 (จาก 3 คำตอบ)");
    assert!(page.body.contains("ไม่ใช่ผลการประเมินของสำนักงาน ป.ป.ช."), "called an estimate");

    let earlier = app.resident().get("/services/land-tax?year=2568").await;
    assert_eq!(earlier.element_text("figure-responses"), "1");
    assert_eq!(earlier.element_text("figure-followed"), "0.0% (0/1)");
    let empty = app.resident().get("/services/land-tax?year=2570").await;
    assert!(empty.body.contains(r#"id="figures-none""#));
    assert_eq!(app.resident().get("/services/land-tax?year=abc").await.status, 404);

    // The statistics break complaints and ratings down by service.
    let stats = app.resident().get("/api/v1/stats/2569").await.json();
    let rows = stats["by_service"].as_array().unwrap();
    let tax_row = rows.iter().find(|r| r["slug"] == "land-tax").unwrap();
    assert_eq!((tax_row["complaints"].as_i64(), tax_row["feedback"].as_i64()), (Some(1), Some(3)));
    assert_eq!(tax_row["eit6"].as_f64(), Some(65.0));
    let permit = rows.iter().find(|r| r["slug"] == "building-permit").unwrap();
    assert_eq!((permit["complaints"].as_i64(), permit["feedback"].as_i64()), (Some(0), Some(1)));
    assert_eq!(permit["eit6"].as_f64(), Some(0.0));
    assert_eq!(rows.len(), 2, "services nobody named are left out");
    let csv = app.resident().get("/stats/2569.csv").await;
    assert!(csv.body.contains("by_service,land-tax,ชำระภาษีที่ดินและสิ่งปลูกสร้าง,1,3,65.00"), "{}", csv.body);
    let html = app.resident().get("/stats/2569").await;
    assert!(html.body.contains(r#"<tr data-code="land-tax">"#));
}

async fn the_demo_publishes_five_service_standards(app: TestApp) {
    siang::demo::load(&app.db, Utc::now()).await.unwrap();
    let list = app.resident().get("/services").await;
    for slug in ["building-permit", "land-tax", "elderly-allowance", "water-supply", "street-light"] {
        assert!(list.body.contains(&format!("/services/{slug}")), "{slug}");
        let page = app.resident().get(&format!("/services/{slug}?year=2569")).await;
        assert_eq!(page.status, 200, "{slug}");
    }
    let permit = app.resident().get("/services/building-permit?year=2569").await;
    assert!(permit.body.contains("พระราชบัญญัติควบคุมอาคาร พ.ศ. 2522"));
    assert_eq!(permit.element_text("figure-responses"), "2");
}

on_both_databases!(
    only_admins_keep_the_catalogue,
    the_published_manual_shows_the_steps_in_order_and_hides_the_rest,
    each_service_page_shows_its_own_figures_exactly,
    the_demo_publishes_five_service_standards,
);
