//! Open-data exports are streamed as they are read, and one client runs only
//! a couple of full exports at once.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request};
use entity::enums::{Channel, Role, Status};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::fixtures::{bangkok, complaint, settle, staff, submit_at};
use crate::helpers::TestApp;
use crate::on_both_databases;

async fn the_log_exports_with_dates_in_both_eras_and_absolute_links(app: TestApp) {
    let admin = staff(&app, "publisher", "ผู้เผยแพร่", Role::Admin, None).await;
    for n in 0..3 {
        let (item, _) =
            submit_at(&app, complaint(&format!("ถนนชำรุด {n}")), Channel::Web, bangkok(2026, 3, 10 + n)).await;
        settle(&app, &item, Status::Resolved, Some(1), Some(2), None, &[6]).await;
        let summary = siang::domain::participation::publication::PublishInput {
            summary_th: format!("ซ่อมถนนจุดที่ {n}"),
            ..Default::default()
        };
        siang::domain::participation::publication::publish(&app.db, &admin, item.id, summary, chrono::Utc::now())
            .await
            .unwrap();
    }
    let csv = app.resident().get_with("/log.csv", &[("host", "voice.chonkram.go.th")]).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}type,reference,date,date_be,fiscal_year,kind,status,indicators,department,summary,outcome,url,closed_as,reopened"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[1].contains(",2026-03-12,12 มีนาคม 2569,2569,"), "ISO and Buddhist-Era dates: {}", lines[1]);
    assert!(lines[1].contains(",http://voice.chonkram.go.th/log/2569-000003,"), "{}", lines[1]);
    assert!(lines[1].ends_with(",แก้ไขแล้ว / ตอบแล้ว,"), "how it ended, never reopened: {}", lines[1]);
    let page = app.resident().get("/log").await;
    assert!(page.body.contains("<code>date_be</code>"), "the log page explains the columns");
}

/// Starts a download of `/log.csv` from `ip` and keeps it open, unread.
async fn open_download(app: &TestApp, ip: [u8; 4]) -> axum::response::Response {
    let mut request = Request::get("/log.csv").body(Body::empty()).unwrap();
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    app.router().oneshot(request).await.unwrap()
}

async fn one_client_runs_two_full_exports_at_once(app: TestApp) {
    let first = open_download(&app, [203, 0, 113, 5]).await;
    let second = open_download(&app, [203, 0, 113, 5]).await;
    assert_eq!((first.status().as_u16(), second.status().as_u16()), (200, 200));
    let third = open_download(&app, [203, 0, 113, 5]).await;
    assert_eq!(third.status(), 429, "a third at once waits");
    assert!(third.headers().contains_key(header::RETRY_AFTER));
    assert_eq!(open_download(&app, [203, 0, 113, 6]).await.status(), 200, "another client is not held up");

    // Finishing one frees its slot.
    let body = first.into_body().collect().await.unwrap().to_bytes();
    assert!(body.starts_with("\u{feff}type,".as_bytes()));
    assert_eq!(open_download(&app, [203, 0, 113, 5]).await.status(), 200);
    drop(second);
}

on_both_databases!(
    the_log_exports_with_dates_in_both_eras_and_absolute_links,
    one_client_runs_two_full_exports_at_once
);
