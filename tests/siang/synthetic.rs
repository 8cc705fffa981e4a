//! `siang demo --synthetic N`, the benchmark's bulk data: shaped like what
//! residents and staff leave behind, and a portal that goes on working after it.

use chrono::Utc;
use serde_json::json;
use siang::domain::calendar::{fiscal_year, local_date};

use crate::helpers::TestApp;
use crate::on_both_databases;

async fn synthetic_submissions_fill_five_fiscal_years_and_real_ones_follow(app: TestApp) {
    let now = Utc::now();
    let demo = siang::demo::load(&app.db, now).await.unwrap();
    let generated = siang::demo::synthetic::generate(&app.db, &demo, 3_000, now).await.unwrap();
    assert_eq!(generated.submissions, 3_000);
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let of_demo_agency = entity::submission::Entity::find()
        .filter(entity::submission::Column::AgencyId.eq(demo.agency.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(of_demo_agency, 3_000 + demo.submissions as u64);
    assert_eq!(generated.activities, 3, "one activity per thousand");
    let differences = siang::domain::tally::check(&app.db).await.unwrap();
    assert!(differences.is_empty(), "the generated counts (outcomes too) equal a recount: {differences:?}");

    // Every one of the five years has its share, of every kind and several statuses.
    let current = fiscal_year(local_date(now));
    for year in current - 4..=current {
        let stats = app.resident().get(&format!("/api/v1/stats/{year}")).await.json();
        let received = stats["total"].as_i64().unwrap() + stats["feedback"].as_i64().unwrap();
        assert!(received > 100, "fiscal year {year}: {}", stats["total"]);
    }
    let last_year = app.resident().get(&format!("/api/v1/stats/{}", current - 1)).await.json();
    for kind in last_year["by_kind"].as_array().unwrap() {
        assert!(kind["count"].as_i64().unwrap() > 0, "no {} last year", kind["code"]);
    }
    let statuses_seen = last_year["by_status"].as_array().unwrap().iter().filter(|s| s["count"] != 0).count();
    assert!(statuses_seen >= 4, "{}", last_year["by_status"]);
    assert!(last_year["eit"][0]["score"].as_f64().is_some(), "service feedback carries ratings");

    // Published ones reach the log with a staff-written summary.
    assert!(generated.published > 100);
    let log = app.resident().get("/api/v1/log?kind=complaint").await.json();
    assert!(log["entries"][0]["title_th"].as_str().unwrap().starts_with("ประชาชนแจ้งเรื่อง"));

    // A resident's submission afterwards continues the year's tracking codes.
    let (_, code, _) = app
        .submit(json!({"kind": "complaint", "subject": "ไฟดับ", "details": "ไฟทางดับทั้งซอย", "location": "หมู่ 2"}))
        .await;
    let this_year = entity::submission::Entity::find()
        .filter(entity::submission::Column::FiscalYear.eq(current))
        .count(&app.db)
        .await
        .unwrap();
    assert!(this_year > 1, "the generated history reaches into this fiscal year");
    assert_eq!(code, format!("{current}-{this_year:06}"), "the next code after the generated ones");
}

on_both_databases!(synthetic_submissions_fill_five_fiscal_years_and_real_ones_follow);
