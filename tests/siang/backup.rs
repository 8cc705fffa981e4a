//! Backups that restore: `siang backup` copies the database while residents
//! keep submitting, `siang restore` puts it into a fresh database with every
//! submission that was acknowledged before the backup began, and refuses to
//! overwrite a database that holds data unless forced.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use entity::enums::Channel;
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::json;
use siang::backup::{backup, restore, Location};
use siang::domain::submissions;

use crate::fixtures::complaint;
use crate::helpers::{postgres_url, TestApp};
use crate::on_both_databases;

/// A fresh, empty database of the same kind as `app`'s, and how to drop it.
struct Fresh {
    location: Location,
    postgres_database: Option<String>,
    _dir: tempfile::TempDir,
}

impl Fresh {
    async fn beside(app: &TestApp) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let source = app.location();
        if source.schema.is_none() {
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("restored.db").display());
            return Fresh { location: Location::new(url), postgres_database: None, _dir: dir };
        }
        // A database of its own: the backup brings its schema with it.
        let name = format!("restore_{}", uuid::Uuid::new_v4().simple());
        let server = postgres_url().unwrap();
        let admin = sea_orm::Database::connect(&server).await.unwrap();
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
        admin.close().await.unwrap();
        let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
        Fresh { location: Location { url, schema: source.schema }, postgres_database: Some(name), _dir: dir }
    }

    async fn connect(&self) -> DatabaseConnection {
        let mut options = ConnectOptions::new(self.location.url.clone());
        if let Some(schema) = &self.location.schema {
            options.set_schema_search_path(schema.clone());
        }
        siang::db::connect_with(options).await.unwrap()
    }

    async fn drop(self) {
        if let Some(name) = self.postgres_database {
            let admin = sea_orm::Database::connect(postgres_url().unwrap()).await.unwrap();
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
            admin.close().await.unwrap();
        }
    }
}

/// What an acknowledged submission must still say after a restore.
#[derive(Clone, Debug, PartialEq)]
struct Sent {
    code: String,
    subject: String,
    details: String,
}

async fn a_backup_under_write_load_restores_every_acknowledged_submission(app: TestApp) {
    // Some history, so the copy takes a moment while residents keep writing.
    let now = chrono::Utc::now();
    let demo = siang::demo::load(&app.db, now).await.unwrap();
    siang::demo::synthetic::generate(&app.db, &demo, 3_000, now).await.unwrap();

    let acknowledged: Mutex<Vec<Sent>> = Mutex::new(Vec::new());
    let backing_up = AtomicBool::new(false);
    let during_backup = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("siang.backup");

    let writers = futures_util::future::join_all((0..8u8).map(|writer| {
        let (acknowledged, backing_up, during_backup, stop) = (&acknowledged, &backing_up, &during_backup, &stop);
        let client = app.client([192, 0, 2, writer + 1]);
        async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let sent = Sent {
                    code: String::new(),
                    subject: format!("ไฟดับ ผู้เขียน {writer} ครั้งที่ {n}"),
                    details: format!("รายละเอียดจากผู้เขียน {writer} ครั้งที่ {n}"),
                };
                let body = json!({"kind": "complaint", "subject": sent.subject, "details": sent.details});
                let answer = client.post_json("/api/v1/submissions", &body).await;
                if answer.status == 201 {
                    let code = answer.json()["tracking_code"].as_str().unwrap().to_owned();
                    acknowledged.lock().unwrap().push(Sent { code, ..sent });
                    if backing_up.load(Ordering::SeqCst) {
                        during_backup.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        }
    }));
    let backing = async {
        while acknowledged.lock().unwrap().len() < 50 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Everything acknowledged by now must be in the backup.
        let before = acknowledged.lock().unwrap().clone();
        backing_up.store(true, Ordering::SeqCst);
        let summary = backup(&app.location(), &file).await;
        backing_up.store(false, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.store(true, Ordering::SeqCst);
        (before, summary)
    };
    let (_, (before, summary)) = tokio::join!(writers, backing);
    let summary = summary.expect("the backup");

    assert!(during_backup.load(Ordering::SeqCst) > 0, "residents kept being answered while the backup ran");
    let all = acknowledged.into_inner().unwrap();
    assert!(all.len() > before.len(), "and after it");

    let fresh = Fresh::beside(&app).await;
    let restored = restore(&file, &fresh.location, false).await.expect("restoring into a fresh database");
    assert_eq!(restored, summary, "the restored database holds what the backup said it held");

    let db = fresh.connect().await;
    // Codes are unique per agency (the demo has two); these were all sent to the first.
    let stored: HashMap<(i64, String), entity::submission::Model> = entity::submission::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| ((s.agency_id, s.tracking_code.clone()), s))
        .collect();
    for sent in &before {
        let found = stored
            .get(&(demo.agency.id, sent.code.clone()))
            .unwrap_or_else(|| panic!("{} was acknowledged but not restored", sent.code));
        assert_eq!((&found.subject, &found.details), (&sent.subject, &sent.details));
    }
    assert_eq!(stored.len() as i64, summary.submissions);
    // A consistent copy: each submission came with its first timeline step.
    let received = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(DISTINCT submission_id) AS n FROM submission_event WHERE kind = 'received'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(received, summary.submissions);
    // The restored portal serves: the demo agency and its staff came back too.
    assert!(siang::backup::holds_data(&db).await.unwrap());
    db.close().await.unwrap();
    fresh.drop().await;
}

async fn a_restore_refuses_a_database_that_holds_data_unless_forced(app: TestApp) {
    let (_, backed_up, _) = app.submit(json!({"kind": "suggestion", "subject": "ปลูกต้นไม้", "details": "ริมถนน"})).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("siang.backup");
    backup(&app.location(), &file).await.unwrap();
    let fresh = Fresh::beside(&app).await;
    restore(&file, &fresh.location, false).await.expect("an empty database takes it");

    // The restored portal is used again: a resident submits.
    let db = fresh.connect().await;
    let agency = siang::domain::agency::current(&db).await.unwrap();
    let later = submissions::submit(&db, &agency, complaint("ไฟดับทั้งซอย"), Channel::Web, None, None, chrono::Utc::now())
        .await
        .unwrap()
        .tracking_code;
    db.close().await.unwrap(); // Stopped, as a restore needs.
    let codes = || async {
        let db = fresh.connect().await;
        let rows = entity::submission::Entity::find().order_by_asc(entity::submission::Column::Id).all(&db).await;
        db.close().await.unwrap();
        rows.unwrap().into_iter().map(|s| s.tracking_code).collect::<Vec<_>>()
    };

    let refused = restore(&file, &fresh.location, false).await.expect_err("a database with data is refused");
    assert!(refused.to_string().contains("holds data"), "{refused:#}");
    assert_eq!(codes().await, [backed_up.clone(), later], "refused: untouched");

    let restored = restore(&file, &fresh.location, true).await.expect("forced");
    assert_eq!((restored.submissions, restored.latest.as_deref()), (1, Some(backed_up.as_str())));
    assert_eq!(codes().await, [backed_up], "replaced by the backup");
    fresh.drop().await;
}

on_both_databases!(
    a_backup_under_write_load_restores_every_acknowledged_submission,
    a_restore_refuses_a_database_that_holds_data_unless_forced,
);

#[tokio::test]
async fn a_backup_never_overwrites_and_a_damaged_or_newer_one_is_refused() {
    let app = TestApp::sqlite().await;
    let (_, code, _) = app.submit(json!({"kind": "suggestion", "subject": "ปลูกต้นไม้", "details": "ริมถนน"})).await;
    let dir = tempfile::tempdir().unwrap();

    let taken = dir.path().join("taken.backup");
    std::fs::write(&taken, b"an earlier backup").unwrap();
    let refused = backup(&app.location(), &taken).await.expect_err("never overwrites");
    assert!(refused.to_string().contains("exists already"));
    assert_eq!(std::fs::read(&taken).unwrap(), b"an earlier backup");

    let fresh = Fresh::beside(&app).await;
    let damaged = dir.path().join("damaged.backup");
    std::fs::write(&damaged, vec![7u8; 8192]).unwrap();
    assert!(restore(&damaged, &fresh.location, false).await.is_err(), "not a database");

    // From a newer Siang: this one could not run on it.
    let newer = dir.path().join("newer.backup");
    backup(&app.location(), &newer).await.unwrap();
    let copy = sea_orm::Database::connect(format!("sqlite://{}", newer.display())).await.unwrap();
    copy.execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_future', 0)")
        .await
        .unwrap();
    copy.close().await.unwrap();
    let refused = restore(&newer, &fresh.location, false).await.expect_err("a newer schema");
    assert!(refused.to_string().contains("newer Siang"), "{refused:#}");
    assert!(!siang::backup::holds_data(&fresh.connect().await).await.unwrap(), "the target is untouched");

    let good = dir.path().join("good.backup");
    let summary = backup(&app.location(), &good).await.unwrap();
    assert_eq!((summary.submissions, summary.latest.as_deref()), (1, Some(code.as_str())));
    assert_eq!(restore(&good, &fresh.location, false).await.unwrap(), summary);
}
