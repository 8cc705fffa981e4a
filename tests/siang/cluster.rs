//! Several instances over one database: limits hold whichever instance a
//! client reaches (counted in Redis), settings changed anywhere show
//! everywhere, and public pages read from a standby when one is set.
//! Redis comes from `SIANG_TEST_REDIS_URL` (tests needing it are skipped
//! without it).

use chrono::Utc;
use entity::enums::{Channel, Status};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use siang::config::ServerConfig;
use siang::domain::participation::publication::{publish, PublishInput};

use crate::fixtures::{bangkok, complaint, department_id, settle, staff, submit_at};
use crate::helpers::{postgres_url, TestApp};

fn redis_url() -> Option<String> {
    std::env::var("SIANG_TEST_REDIS_URL").ok().filter(|u| !u.is_empty())
}

/// Five submissions a minute per address, counted in `redis`.
fn limited(redis: Option<&str>) -> ServerConfig {
    ServerConfig {
        submit_per_minute: 5,
        track_per_minute: 3,
        redis: redis.map(|url| redis::Client::open(url).expect("a Redis URL")),
        ..ServerConfig::for_tests()
    }
}

/// An address no earlier run used, so counts left in Redis by an earlier
/// run (they live a minute) do not interfere.
fn fresh_address() -> [u8; 4] {
    let n = uuid::Uuid::new_v4().as_u128();
    [10, (n >> 16) as u8, (n >> 8) as u8, n as u8]
}

fn a_complaint(i: usize) -> serde_json::Value {
    serde_json::json!({"kind": "complaint", "subject": format!("ไฟทางดับ {i}"), "details": "ซอย 3 มืดทั้งซอย"})
}

async fn a_clients_sixth_submission_is_refused_whichever_instance_it_reaches(first: TestApp, redis: String) {
    let second = first.another_instance(limited(Some(&redis))).await;
    let address = fresh_address();
    let clients = [first.client(address), second.client(address)];
    for i in 0..5 {
        let created = clients[i % 2].post_json("/api/v1/submissions", &a_complaint(i)).await;
        assert_eq!(created.status, 201, "submission {i} on instance {}: {}", i % 2, created.body);
    }
    for (n, client) in clients.iter().enumerate() {
        let refused = client.post_json("/api/v1/submissions", &a_complaint(9)).await;
        assert_eq!(refused.status, 429, "instance {n} must refuse the sixth");
        assert_eq!(refused.json()["error"]["code"], "rate_limited");
    }
    assert_eq!(first.count("submission").await, 5);

    // Tracking look-ups (code probing) are limited across instances too.
    let other = fresh_address();
    for i in 0..3 {
        let instance = if i % 2 == 0 { &first } else { &second };
        let probe = instance.client(other).get("/api/v1/submissions/SG-0000-0000").await;
        assert_ne!(probe.status, 429, "look-up {i} is within the limit");
    }
    assert_eq!(second.client(other).get("/api/v1/submissions/SG-0000-0000").await.status, 429);
    assert_eq!(first.client(other).get("/api/v1/submissions/SG-0000-0000").await.status, 429);
}

/// With Redis unreachable residents can still submit: each instance counts
/// on its own (so the limit still holds per instance).
async fn without_redis_each_instance_still_limits_on_its_own(first: TestApp) {
    let second = first.another_instance(limited(Some("redis://127.0.0.1:1"))).await;
    let address = fresh_address();
    for i in 0..5 {
        assert_eq!(second.client(address).post_json("/api/v1/submissions", &a_complaint(i)).await.status, 201);
    }
    assert_eq!(second.client(address).post_json("/api/v1/submissions", &a_complaint(5)).await.status, 429);
    assert_eq!(first.client(address).post_json("/api/v1/submissions", &a_complaint(6)).await.status, 201);
}

/// A change of the agency's settings made through one instance shows on the
/// next page of every other: the agency row is read per request.
async fn settings_changed_anywhere_show_everywhere(first: TestApp) {
    let second = first.another_instance(ServerConfig::for_tests()).await;
    assert_eq!(second.resident().get("/").await.status, 200);
    let agency = siang::domain::agency::current(&first.db).await.unwrap();
    let mut changed: entity::agency::ActiveModel = agency.into();
    changed.name_th = Set("องค์การบริหารส่วนตำบลทดสอบคลัสเตอร์".into());
    changed.update(&first.db).await.unwrap();
    assert!(second.resident().get("/").await.body.contains("องค์การบริหารส่วนตำบลทดสอบคลัสเตอร์"));
}

macro_rules! on_both_databases_with_redis {
    ($($name:ident),* $(,)?) => {
        mod with_redis {
            $(
                mod $name {
                    use super::super::*;

                    #[tokio::test]
                    async fn sqlite() {
                        let Some(redis) = redis_url() else { return eprintln!("skipped: SIANG_TEST_REDIS_URL is not set") };
                        $name(TestApp::sqlite_with(limited(Some(&redis))).await, redis).await;
                    }

                    #[tokio::test]
                    async fn postgres() {
                        let Some(redis) = redis_url() else { return eprintln!("skipped: SIANG_TEST_REDIS_URL is not set") };
                        let Some(app) = TestApp::postgres_with(limited(Some(&redis))).await else {
                            return eprintln!("skipped on PostgreSQL: SIANG_TEST_POSTGRES_URL is not set");
                        };
                        let cleanup = app.cleanup_handle();
                        $name(app, redis).await;
                        cleanup.run().await;
                    }
                }
            )*
        }
    };
}

on_both_databases_with_redis!(a_clients_sixth_submission_is_refused_whichever_instance_it_reaches);

mod without_redis {
    crate::on_both_databases!(
        without_redis_each_instance_still_limits_on_its_own,
        settings_changed_anywhere_show_everywhere
    );
    use super::*;
}

/// `url` reading `schema` of its database (as `SIANG_READ_DATABASE_URL`).
fn in_schema(url: &str, schema: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-c%20search_path%3D{schema}")
}

async fn published(app: &TestApp, subject: &str) -> String {
    let works = department_id(app, "works").await;
    let (item, _) = submit_at(app, complaint(subject), Channel::Web, bangkok(2026, 3, 1)).await;
    let item = settle(app, &item, Status::Resolved, Some(2), Some(5), Some(works), &[6]).await;
    let officer = staff(app, "works-officer", "เจ้าหน้าที่กองช่าง", entity::enums::Role::Officer, Some(works)).await;
    let summary = PublishInput { summary_th: format!("สรุป: {subject}"), ..Default::default() };
    publish(&app.db, &officer, item.id, summary, Utc::now()).await.unwrap();
    item.tracking_code
}

/// Public pages that only read come from the standby, everything else from
/// the primary: here the "standby" is another schema with other content, so
/// where each page was read from shows.
#[tokio::test]
async fn public_reads_come_from_the_replica_and_the_rest_from_the_primary() {
    let Some(url) = postgres_url() else { return eprintln!("skipped: SIANG_TEST_POSTGRES_URL is not set") };
    let standby = TestApp::postgres_at(url.clone()).await;
    let on_standby = published(&standby, "ถนนบนเครื่องสำรอง").await;
    let schema = standby.location().schema.unwrap();
    let config = ServerConfig { read_database_url: Some(in_schema(&url, &schema)), ..ServerConfig::for_tests() };
    let primary = TestApp::postgres_with(config).await.unwrap();
    let on_primary = published(&primary, "ถนนบนเครื่องหลัก").await;

    let visitor = primary.resident();
    let health = visitor.get("/healthz").await;
    assert_eq!(health.status, 200);
    assert!(health.body.starts_with("ok\nreplica lag 0.000 s"), "{}", health.body);
    let log = visitor.get("/log").await.body;
    assert!(log.contains("ถนนบนเครื่องสำรอง") && !log.contains("ถนนบนเครื่องหลัก"), "the log reads the standby");
    // Both databases gave their first submission the same code: the page
    // shows the standby's.
    assert_eq!(on_standby, on_primary);
    let entry = visitor.get(&format!("/log/{on_standby}")).await.body;
    assert!(entry.contains("ถนนบนเครื่องสำรอง") && !entry.contains("ถนนบนเครื่องหลัก"), "entries read the standby");
    let api = visitor.get("/api/v1/log").await.json();
    assert_eq!(api["entries"][0]["reference"], on_standby.as_str(), "{api}");

    // A resident's own submission, and everything staff see, stay on the primary.
    let (_, code, key) =
        primary.submit(serde_json::json!({"kind": "suggestion", "subject": "ก", "details": "ข"})).await;
    let tracked = visitor.get_with(&format!("/api/v1/submissions/{code}"), &[("x-access-key", &key)]).await;
    assert_eq!(tracked.status, 200, "the resident's own submission is read on the primary: {}", tracked.body);
    standby.cleanup_handle().run().await;
    primary.cleanup_handle().run().await;
}

/// A standby that cannot be reached costs nothing but its own use: public
/// pages read from the primary and `/healthz` says so, still healthy.
#[tokio::test]
async fn without_the_replica_public_pages_read_from_the_primary() {
    let config = ServerConfig {
        read_database_url: Some("postgres://postgres@127.0.0.1:1/nowhere".into()),
        ..ServerConfig::for_tests()
    };
    let app = TestApp::sqlite_with(config).await;
    let code = published(&app, "ถนนบนเครื่องหลัก").await;
    let visitor = app.resident();
    let health = visitor.get("/healthz").await;
    assert_eq!(health.status, 200);
    assert!(health.body.starts_with("ok\nreplica unavailable, reading from the primary"), "{}", health.body);
    assert!(visitor.get("/log").await.body.contains("ถนนบนเครื่องหลัก"));
    assert_eq!(visitor.get(&format!("/log/{code}")).await.status, 200);
    assert_eq!(visitor.get("/stats/2569").await.status, 200);
}
