//! Protections on every request: security headers, and the limits on body
//! size, time and concurrent requests with their clear answers.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, Request};
use futures_util::stream;
use siang::config::ServerConfig;

use crate::helpers::{TestApp, TestResponse};

fn assert_security_headers(response: &TestResponse, what: &str) {
    let header = |name: &str| response.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let csp = header("content-security-policy");
    for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{what}: CSP {csp:?} lacks {directive}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: no inline script or style");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "same-origin", "{what}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let app = TestApp::sqlite().await;
    let visitor = app.resident();
    let answers = [
        ("page", visitor.get("/").await),
        ("error page", visitor.get("/no-such-page").await),
        ("static file", visitor.get("/static/site.css").await),
        ("API", visitor.post_json("/api/v1/submissions", &serde_json::json!({"kind": "complaint"})).await),
        ("health", visitor.get("/healthz").await),
    ];
    for (what, response) in &answers {
        assert_security_headers(response, what);
        assert!(response.headers.get("strict-transport-security").is_none(), "{what}: no HSTS over plain HTTP");
    }
    assert_eq!(answers[1].1.status, 404);
    assert_eq!(answers[3].1.status, 422);
}

#[tokio::test]
async fn https_configuration_adds_hsts_and_secure_cookies() {
    let app = TestApp::sqlite_with(ServerConfig { secure_cookies: true, ..ServerConfig::for_tests() }).await;
    let page = app.resident().get("/").await;
    let hsts = page.headers.get("strict-transport-security").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(hsts.starts_with("max-age="), "{hsts:?}");
    let cookie = page.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

fn small_bodies() -> ServerConfig {
    ServerConfig { max_body_bytes: 4096, ..ServerConfig::for_tests() }
}

#[tokio::test]
async fn an_oversized_form_gets_a_413_page_and_nothing_is_stored() {
    let app = TestApp::sqlite_with(small_bodies()).await;
    let resident = app.resident();
    let details = "ก".repeat(5000);
    let page = resident.post_form_followed("/submit", &crate::submit::complaint_with(&[("details", &details)])).await;
    assert_eq!(page.status, 413);
    assert!(page.body.contains("ข้อมูลที่ส่งมีขนาดใหญ่เกินไป"), "{}", page.body);
    assert_security_headers(&page, "413 page");
    assert_eq!(app.count("submission").await, 0);
}

#[tokio::test]
async fn an_oversized_body_without_a_length_is_refused_while_reading() {
    let app = TestApp::sqlite_with(small_bodies()).await;
    let resident = app.resident();
    let token = resident.csrf_token().await;
    let start = format!("_csrf={token}&kind=complaint&subject=x&details=");
    let chunks = vec![Ok::<_, std::io::Error>(Bytes::from(start)), Ok(Bytes::from(vec![b'a'; 8192]))];
    let request = Request::post("/submit")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from_stream(stream::iter(chunks)))
        .unwrap();
    let page = resident.send(request).await;
    assert_eq!(page.status, 413, "{}", page.body);
    assert_eq!(app.count("submission").await, 0);
}

#[tokio::test]
async fn an_oversized_json_body_gets_a_413_json_error() {
    let app = TestApp::sqlite_with(small_bodies()).await;
    let body = serde_json::json!({"kind": "complaint", "subject": "x", "details": "ข".repeat(5000)});
    let response = app.resident().post_json("/api/v1/submissions", &body).await;
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["error"]["code"], "payload_too_large");
    assert_eq!(app.count("submission").await, 0);
}

/// A form body that never finishes arriving, like a client that stalled.
fn stalled_form(path: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from_stream(stream::pending::<Result<Bytes, std::io::Error>>()))
        .unwrap()
}

#[tokio::test]
async fn a_request_that_takes_too_long_gets_408() {
    let config = ServerConfig { request_timeout: Duration::from_millis(100), ..ServerConfig::for_tests() };
    let app = TestApp::sqlite_with(config).await;
    let page = app.resident().send(stalled_form("/track")).await;
    assert_eq!(page.status, 408);
    assert!(page.body.contains("หมดเวลาการส่งข้อมูล"), "{}", page.body);
}

#[tokio::test]
async fn requests_over_the_concurrency_cap_get_503_at_once() {
    let app = TestApp::sqlite_with(ServerConfig { max_concurrent_requests: 1, ..ServerConfig::for_tests() }).await;
    let stalled = app.resident();
    let visitor = app.client([198, 51, 100, 7]);
    let refused = tokio::select! {
        _ = stalled.send(stalled_form("/track")) => panic!("the stalled request cannot finish"),
        refused = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            visitor.get_with("/api/v1/submissions/X", &[]).await
        } => refused,
    };
    assert_eq!(refused.status, 503);
    assert_eq!(refused.json()["error"]["code"], "busy");
    assert!(refused.headers.contains_key(header::RETRY_AFTER));
    let page = visitor.get("/").await;
    assert_eq!(page.status, 200, "the slot is free again once the stalled request is gone");
}

#[tokio::test]
async fn shutdown_finishes_requests_in_flight_and_accepts_no_new_connections() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::sqlite().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(siang::server::run(listener, app.router(), Duration::from_secs(5), async {
        let _ = stopped.await;
    }));

    // A request whose body is still arriving when the signal comes.
    let body = "tracking_code=2569-000001&access_key=AAAA";
    let (first, rest) = body.split_at(10);
    let mut in_flight = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /track HTTP/1.1\r\nHost: siang\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    in_flight.write_all(format!("{head}{first}").as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no new connections after the signal");

    in_flight.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = String::new();
    in_flight.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 403"), "the request in flight is answered (no form token here): {answer}");
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("the server stops once drained").unwrap();
}
