//! The agency's channels (issue 17, point 9): Facebook page, LINE ID, office
//! hours, phone and e-mail, set by an admin and shown in every footer; and
//! A4 posters per channel and per service with QR codes drawn on the server.

use entity::enums::Role;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

const CHANNELS: [(&str, &str); 6] = [
    ("phone", "077-371-234"),
    ("email", "saraban@chonkhram.example"),
    ("facebook_url", "https://www.facebook.com/chonkhram.sao.example"),
    ("line_id", "@chonkhram"),
    ("office_hours_th", "วันจันทร์–วันศุกร์ เวลา 08.30–16.30 น."),
    ("office_hours_en", "Monday–Friday, 08:30–16:30"),
];

async fn admin(app: &TestApp) -> Client<'_> {
    app.staff("admin", Role::Admin, None).await;
    let client = app.client([198, 51, 100, 20]);
    client.login("admin").await;
    client
}

async fn save_settings<'a>(client: &Client<'a>, changes: &[(&'a str, &'a str)]) -> crate::helpers::TestResponse {
    let mut fields: Vec<(&str, &str)> = vec![
        ("name_th", "องค์การบริหารส่วนตำบลชลคราม"),
        ("name_en", "Chon Khram SAO"),
        ("first_answer_days", "15"),
        ("closing_days", "30"),
    ];
    fields.extend_from_slice(&CHANNELS);
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    client.post_form("/staff/settings", &fields).await
}

async fn every_footer_shows_the_channels_an_admin_set(app: TestApp) {
    let client = admin(&app).await;
    let before = app.resident().get("/").await;
    assert!(!before.body.contains("@chonkhram"));

    let saved = save_settings(&client, &[]).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(app.audit_actions().await.contains(&"settings_updated".to_owned()));
    for path in ["/", "/submit", "/stats/2569", "/manual", "/eservice/2569", "/posters"] {
        let page = app.resident().get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let footer = page.element_text("agency-channels");
        for (field, value) in CHANNELS.iter().filter(|(f, _)| *f != "office_hours_en") {
            let shown = value.trim_start_matches("https://");
            assert!(footer.contains(shown), "{path}: the footer shows {field}: {footer}");
        }
        assert!(page.body.contains("href=\"https://line.me/R/ti/p/%40chonkhram\""), "{path}");
        assert!(page.body.contains("href=\"https://www.facebook.com/chonkhram.sao.example\""), "{path}");
        assert!(page.body.contains("href=\"tel:077371234\""), "{path}");
        assert!(page.body.contains("href=\"mailto:saraban@chonkhram.example\""), "{path}");
    }
    let english = app.resident();
    english.get("/language/en?next=/").await;
    assert!(english.get("/").await.element_text("agency-channels").contains("Monday–Friday, 08:30–16:30"));
}

async fn settings_refuse_a_page_that_is_not_on_facebook_and_a_malformed_line_id(app: TestApp) {
    let client = admin(&app).await;
    for (field, value) in [
        ("facebook_url", "https://evil.example/chonkhram"),
        ("facebook_url", "javascript:alert(1)"),
        ("line_id", "ไลน์ ชลคราม"),
    ] {
        let refused = save_settings(&client, &[(field, value)]).await;
        assert_eq!(refused.status, 422, "{field}={value}");
    }
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    assert!(agency.facebook_url.is_empty() && agency.line_id.is_empty(), "nothing was saved");
    let page = save_settings(&client, &[("facebook_url", "https://evil.example/x")]).await;
    assert!(page.body.contains("https://www.facebook.com/"), "the message says what is expected");
}

async fn posters_carry_a_qr_code_drawn_as_svg(app: TestApp) {
    let resident = app.resident();
    assert_eq!(resident.get("/posters/channel/line").await.status, 404, "no LINE ID, no LINE poster");
    let web = resident.get("/posters/channel/web").await;
    assert_eq!(web.status, 200);
    assert!(web.body.contains("<svg class=\"qr\""), "the poster has its QR code inline");
    assert!(web.body.contains("/submit"), "and the address under it");
    assert!(web.body.contains("/static/poster.css"), "with its print stylesheet");
    let corruption = resident.get("/posters/channel/corruption").await;
    assert!(corruption.body.contains("<svg class=\"qr\"") && corruption.body.contains("/report-corruption"));

    let client = admin(&app).await;
    assert_eq!(save_settings(&client, &[]).await.status, 303);
    let index = resident.get("/posters").await;
    for code in ["web", "corruption", "line", "facebook", "phone", "email"] {
        assert!(index.body.contains(&format!("href=\"/posters/channel/{code}\"")), "{code}");
        let poster = resident.get(&format!("/posters/channel/{code}")).await;
        assert_eq!(poster.status, 200, "{code}");
        assert!(poster.body.contains("<svg class=\"qr\""), "{code}");
    }
    let line = resident.get("/posters/channel/line").await;
    assert!(line.body.contains("@chonkhram") && line.body.contains("วันจันทร์–วันศุกร์"));

    assert_eq!(resident.get("/posters/service/land-tax").await.status, 404, "unpublished services have no poster");
    let service = entity::service::Entity::find()
        .filter(entity::service::Column::Slug.eq("land-tax"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: entity::service::ActiveModel = service.into();
    row.published = Set(true);
    row.update(&app.db).await.unwrap();
    assert!(resident.get("/posters").await.body.contains("href=\"/posters/service/land-tax\""));
    let poster = resident.get("/posters/service/land-tax").await;
    assert_eq!(poster.status, 200);
    assert_eq!(poster.body.matches("<svg class=\"qr\"").count(), 2, "feedback and the service standard");
    assert!(poster.body.contains("ชำระภาษีที่ดินและสิ่งปลูกสร้าง"));
    assert!(
        poster.body.contains("/submit?kind=service_feedback&#38;service=land-tax"),
        "the feedback form of this service"
    );
}

on_both_databases!(
    every_footer_shows_the_channels_an_admin_set,
    settings_refuse_a_page_that_is_not_on_facebook_and_a_malformed_line_id,
    posters_carry_a_qr_code_drawn_as_svg,
);
