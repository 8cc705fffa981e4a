//! The LINE Official Account: webhooks signed as LINE's documentation says
//! (base64 of HMAC-SHA256 of the raw body under the channel secret), a
//! conversation kept in the database that ends in a submission of channel
//! LINE, answers through a stand-in for LINE's API on a local socket, and
//! redeliveries and two instances that make nothing twice.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, Request, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use entity::enums::{Channel, Kind, Role};
use entity::outbox_message::{self, MessageChannel, MessageState};
use entity::{contact, submission};
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use sha2::Sha256;
use siang::config::{LineConfig, ServerConfig};
use siang::notify::sender::{Sender, SenderConfig};
use tower::ServiceExt;

use crate::helpers::{TestApp, TestResponse};

const SECRET: &str = "line-channel-secret-for-tests";
const TOKEN: &str = "line-channel-token-for-tests";
const SOMCHAI: &str = "U4af4980629aaaaaaaaaaaaaaaaaaaaaa";

/// One call the stand-in received.
#[derive(Debug, Clone)]
struct Call {
    method: Method,
    path: String,
    authorization: String,
    retry_key: String,
    body: Value,
}

/// LINE's API on a local socket: replies, pushes and message content, each
/// call recorded.
struct FakeLine {
    addr: SocketAddr,
    calls: Arc<Mutex<Vec<Call>>>,
    /// While set, pushes answer 500 as an unwell LINE would.
    down: Arc<AtomicBool>,
}

#[derive(Clone)]
struct Shared {
    calls: Arc<Mutex<Vec<Call>>>,
    down: Arc<AtomicBool>,
}

impl FakeLine {
    async fn start() -> Self {
        let shared = Shared { calls: Arc::new(Mutex::new(Vec::new())), down: Arc::new(AtomicBool::new(false)) };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let router = Router::new().fallback(record).with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { addr, calls: shared.calls, down: shared.down }
    }

    fn config(&self) -> ServerConfig {
        ServerConfig {
            line: LineConfig::for_tests(SECRET, TOKEN, &format!("http://{}", self.addr)),
            ..ServerConfig::for_tests()
        }
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    fn replies(&self) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.path == "/v2/bot/message/reply").collect()
    }

    /// The texts of the reply sent with `reply_token`.
    fn reply_texts(&self, reply_token: &str) -> Vec<String> {
        let replies: Vec<Call> = self.replies().into_iter().filter(|c| c.body["replyToken"] == reply_token).collect();
        assert_eq!(replies.len(), 1, "one reply to {reply_token}: {replies:?}");
        replies[0].body["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap().to_owned()).collect()
    }
}

async fn record(State(shared): State<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let header =
        |name| headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok()).unwrap_or_default().to_owned();
    let (authorization, retry_key) = (header("authorization"), header("x-line-retry-key"));
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = uri.path().to_owned();
    shared.calls.lock().unwrap().push(Call { method, path: path.clone(), authorization, retry_key, body });
    if path == "/v2/bot/message/push" && shared.down.load(Ordering::SeqCst) {
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "{}").into_response();
    }
    if path.ends_with("/content") {
        if path.contains("/not-an-image/") {
            return ([("content-type", "text/html")], "<html>").into_response();
        }
        // A phone's photo, with the GPS position phones write into it.
        return ([("content-type", "image/jpeg")], crate::photos::jpeg_with_gps()).into_response();
    }
    ([("content-type", "application/json")], "{}").into_response()
}

fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A webhook event from `user`'s one-to-one chat, as LINE sends it.
fn event(id: &str, user: &str, message: Value) -> Value {
    json!({
        "type": "message",
        "mode": "active",
        "timestamp": 1_764_000_000_000i64,
        "source": { "type": "user", "userId": user },
        "webhookEventId": id,
        "deliveryContext": { "isRedelivery": false },
        "replyToken": format!("reply-{id}"),
        "message": message,
    })
}

fn text(id: &str, user: &str, text: &str) -> Value {
    event(id, user, json!({ "type": "text", "id": format!("m-{id}"), "quoteToken": "q", "text": text }))
}

fn location(id: &str, user: &str) -> Value {
    event(
        id,
        user,
        json!({
            "type": "location", "id": format!("m-{id}"), "title": "ตลาดชลคราม",
            "address": "ตำบลชลคราม อำเภอดอนสัก สุราษฎร์ธานี", "latitude": 9.2345678, "longitude": 99.6123456
        }),
    )
}

fn image(id: &str, user: &str, message_id: &str) -> Value {
    event(
        id,
        user,
        json!({ "type": "image", "id": message_id, "quoteToken": "q", "contentProvider": { "type": "line" } }),
    )
}

fn body(events: &[Value]) -> Vec<u8> {
    json!({ "destination": "Uffffffffffffffffffffffffffffffff", "events": events }).to_string().into_bytes()
}

/// Posts a webhook to `router` with the given signature header.
async fn post(router: &Router, body: Vec<u8>, signature: Option<String>) -> TestResponse {
    let mut request = Request::post("/hooks/line").header("content-type", "application/json");
    if let Some(signature) = signature {
        request = request.header("x-line-signature", signature);
    }
    let mut request = request.body(Body::from(body)).unwrap();
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([203, 0, 113, 7], 443))));
    let response = router.clone().oneshot(request).await.expect("router never fails");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    TestResponse { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// Sends events signed as LINE signs them; requires 200.
async fn deliver(router: &Router, events: &[Value]) {
    let body = body(events);
    let signature = sign(&body);
    let answer = post(router, body, Some(signature)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// `user`'s conversation up to the summary, ids prefixed with `tag`.
async fn up_to_confirmation(router: &Router, tag: &str, user: &str) {
    deliver(router, &[text(&format!("{tag}1"), user, "สวัสดี")]).await;
    deliver(router, &[text(&format!("{tag}2"), user, "ร้องเรียน")]).await;
    deliver(router, &[text(&format!("{tag}3"), user, "ไฟทางหน้าบ้านเลขที่ 12 ดับมาสามคืนแล้ว")]).await;
    deliver(router, &[location(&format!("{tag}4"), user)]).await;
    deliver(router, &[image(&format!("{tag}5"), user, &format!("{tag}-photo"))]).await;
}

async fn line_submissions(app: &TestApp) -> Vec<submission::Model> {
    submission::Entity::find().filter(submission::Column::Channel.eq(Channel::Line)).all(&app.db).await.unwrap()
}

async fn a_conversation_makes_a_line_submission_and_answers_with_its_code(app: TestApp, line: FakeLine) {
    let router = app.router();
    deliver(&router, &[text("e1", SOMCHAI, "สวัสดี")]).await;
    let greeting = &line.replies()[0];
    assert_eq!(greeting.authorization, format!("Bearer {TOKEN}"));
    assert_eq!(greeting.body["replyToken"], "reply-e1");
    let buttons: Vec<&str> = greeting.body["messages"][0]["quickReply"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["action"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(buttons, ["ร้องเรียน", "เสนอแนะ", "ติชมบริการ", "แจ้งทุจริต"]);
    assert_eq!(app.count("line_conversation").await, 1, "the conversation is kept in the database");

    deliver(&router, &[text("e2", SOMCHAI, "ร้องเรียน")]).await;
    deliver(&router, &[text("e3", SOMCHAI, "ไฟทางหน้าบ้านเลขที่ 12 ดับมาสามคืนแล้ว")]).await;
    deliver(&router, &[location("e4", SOMCHAI)]).await;
    // Something that is not an image is refused, and the question asked again.
    deliver(&router, &[image("e5", SOMCHAI, "not-an-image")]).await;
    assert!(line.reply_texts("reply-e5")[0].contains("เปิดรูปนี้ไม่ได้"));
    deliver(&router, &[image("e6", SOMCHAI, "325708")]).await;
    let content =
        line.calls().into_iter().find(|c| c.path == "/v2/bot/message/325708/content").expect("content fetched");
    assert_eq!((content.method, content.authorization), (Method::GET, format!("Bearer {TOKEN}")));
    let summary = line.reply_texts("reply-e6").join("\n");
    assert!(summary.contains("ไฟทางหน้าบ้านเลขที่ 12") && summary.contains("9.234568, 99.612346"), "{summary}");
    assert!(line_submissions(&app).await.is_empty(), "nothing is sent before it is confirmed");

    deliver(&router, &[text("e7", SOMCHAI, "ยืนยัน")]).await;
    let made = line_submissions(&app).await;
    assert_eq!(made.len(), 1);
    let item = &made[0];
    assert_eq!(item.kind, Kind::Complaint);
    assert_eq!(item.details, "ไฟทางหน้าบ้านเลขที่ 12 ดับมาสามคืนแล้ว");
    assert!(item.location.as_deref().unwrap().contains("ตำบลชลคราม"));
    assert!(!item.anonymous);
    let held = contact::Entity::find_by_id(item.id).one(&app.db).await.unwrap().expect("contact kept");
    assert_eq!(held.line_user_id.as_deref(), Some(SOMCHAI));
    assert_eq!((held.name, held.phone, held.email), (None, None, None));
    assert_eq!(app.count("line_conversation").await, 0, "an ended conversation is forgotten");
    let photos = crate::photos::photo_rows(&app, item.id).await;
    assert_eq!(photos.len(), 1, "the photo sent in the chat is kept with the submission");
    assert!(!photos[0].published, "and is not public");
    let stored = crate::photos::stored_bytes(&app);
    assert!(
        !stored.is_empty() && stored.iter().all(|bytes| !crate::photos::contains(bytes, b"Exif")),
        "without its EXIF"
    );

    let receipt = line.reply_texts("reply-e7");
    assert!(receipt[0].contains(&item.tracking_code), "{receipt:?}");
    assert!(!receipt.join("\n").contains("บันทึกรูปที่ส่งมาไม่ได้"), "{receipt:?}");
    let key = receipt[1].rsplit(' ').next().unwrap().to_owned();
    let resident = app.resident();
    let tracked = resident.post_form("/track", &[("tracking_code", &item.tracking_code), ("access_key", &key)]).await;
    assert_eq!(tracked.status, 200, "the key in the chat opens the tracking page");
    assert!(tracked.body.contains("ไฟทางหน้าบ้านเลขที่ 12"));
    assert!(!tracked.body.contains(SOMCHAI), "the LINE user id is not on the tracking page");
}

async fn a_corruption_report_is_pointed_to_the_website(app: TestApp, line: FakeLine) {
    let router = app.router();
    deliver(&router, &[text("c1", SOMCHAI, "สวัสดี")]).await;
    deliver(&router, &[text("c2", SOMCHAI, "แจ้งทุจริต")]).await;
    assert!(line.reply_texts("reply-c2")[0].contains("/report-corruption"));
    assert_eq!(app.count("line_conversation").await, 0);
    assert_eq!(app.count("submission").await, 0);
}

async fn a_bad_or_missing_signature_is_refused_and_stores_nothing(app: TestApp, line: FakeLine) {
    let router = app.router();
    let events = [text("x1", SOMCHAI, "สวัสดี")];
    let unsigned = post(&router, body(&events), None).await;
    assert_eq!(unsigned.status, 401);
    let wrong = post(&router, body(&events), Some(sign(b"another body"))).await;
    assert_eq!(wrong.status, 401);
    let garbage = post(&router, body(&events), Some("bm90IGEgc2lnbmF0dXJl".into())).await;
    assert_eq!(garbage.status, 401);
    // Signed, then changed on the way.
    let signature = sign(&body(&events));
    let tampered = post(&router, body(&[text("x1", SOMCHAI, "ยืนยัน")]), Some(signature)).await;
    assert_eq!(tampered.status, 401);
    for table in ["line_webhook_event", "line_conversation", "submission"] {
        assert_eq!(app.count(table).await, 0, "{table}");
    }
    assert!(line.calls().is_empty(), "nothing was sent to LINE");
}

async fn a_redelivered_event_makes_nothing_twice(app: TestApp, line: FakeLine) {
    let router = app.router();
    up_to_confirmation(&router, "r", SOMCHAI).await;
    let mut confirm = text("r6", SOMCHAI, "ยืนยัน");
    deliver(&router, std::slice::from_ref(&confirm)).await;
    assert_eq!(line_submissions(&app).await.len(), 1);
    let replies = line.replies().len();

    confirm["deliveryContext"]["isRedelivery"] = json!(true);
    deliver(&router, std::slice::from_ref(&confirm)).await;
    // An earlier step delivered again does not start a conversation either.
    deliver(&router, &[text("r2", SOMCHAI, "ร้องเรียน")]).await;
    assert_eq!(line_submissions(&app).await.len(), 1);
    assert_eq!(app.count("line_conversation").await, 0);
    assert_eq!(line.replies().len(), replies, "a redelivery is not answered again");
}

/// Two instances on one database (two app states, two connection pools)
/// take the same resident's confirmation at once, as when LINE redelivers to
/// another instance or the resident taps twice: one submission, every time.
async fn two_instances_make_one_submission(app: TestApp, line: FakeLine) {
    let first = app.router();
    let state = siang::state::AppState::new(app.second_connection().await, line.config()).await.unwrap();
    let second = siang::app::build_router(state);
    for round in 0..6 {
        let user = format!("U{round:032x}");
        up_to_confirmation(&first, &format!("t{round}-"), &user).await;
        let same = text(&format!("t{round}-confirm"), &user, "ยืนยัน");
        let tapped_again = text(&format!("t{round}-again"), &user, "ยืนยัน");
        let (a, b, c) = tokio::join!(
            deliver(&first, std::slice::from_ref(&same)),
            deliver(&second, std::slice::from_ref(&same)),
            deliver(&second, std::slice::from_ref(&tapped_again)),
        );
        let ((), (), ()) = (a, b, c);
        let mine: Vec<i64> = contact::Entity::find()
            .filter(contact::Column::LineUserId.eq(&user))
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .map(|c| c.submission_id)
            .collect();
        assert_eq!(mine.len(), 1, "round {round}: one submission");
    }
    assert_eq!(line_submissions(&app).await.len(), 6);
}

/// Staff's status change and public reply reach the resident's chat as
/// pushes through the outbox; while LINE is down they wait there.
async fn news_of_a_line_submission_is_pushed_through_the_outbox(app: TestApp, line: FakeLine) {
    let router = app.router();
    up_to_confirmation(&router, "n", SOMCHAI).await;
    deliver(&router, &[text("n6", SOMCHAI, "ยืนยัน")]).await;
    let item = line_submissions(&app).await.remove(0);
    app.staff("anong", Role::Admin, None).await;
    let admin = app.client([10, 0, 0, 1]);
    admin.login("anong").await;
    let base = format!("/staff/submissions/{}", item.id);
    let moved = admin.post_form(&format!("{base}/status"), &[("status", "accepted"), ("seen", "received")]).await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let replied = admin.post_form(&format!("{base}/reply"), &[("message", "ช่างไฟจะเข้าไปซ่อมพรุ่งนี้")]).await;
    assert_eq!(replied.status, 303, "{}", replied.body);
    let queued = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            outbox_message::Entity::find()
                .filter(outbox_message::Column::Channel.eq(MessageChannel::Line))
                .all(&db)
                .await
                .unwrap()
        }
    };
    let rows = queued(&app).await;
    assert_eq!(rows.len(), 2, "a status change and a reply: {rows:?}");
    assert!(rows.iter().all(|r| r.recipient == SOMCHAI && r.submission_id == Some(item.id)));
    assert!(line.calls().iter().all(|c| c.path != "/v2/bot/message/push"), "nothing is pushed by the write itself");

    let fast = SenderConfig { backoff: chrono::Duration::zero(), ..SenderConfig::default() };
    let sender = Sender::new(app.db.clone(), siang::notify::transports(&line.config()).unwrap(), fast);
    line.down.store(true, Ordering::SeqCst);
    assert_eq!(sender.send_due(chrono::Utc::now()).await.unwrap(), 2);
    let waiting = queued(&app).await;
    assert!(waiting.iter().all(|r| r.state == MessageState::Pending && r.attempts == 1), "{waiting:?}");

    line.down.store(false, Ordering::SeqCst);
    assert_eq!(sender.send_due(chrono::Utc::now()).await.unwrap(), 2);
    assert!(queued(&app).await.iter().all(|r| r.state == MessageState::Sent));
    let pushes: Vec<Call> = line.calls().into_iter().filter(|c| c.path == "/v2/bot/message/push").collect();
    assert_eq!(pushes.len(), 4, "two failed, then two sent");
    for push in &pushes {
        assert_eq!(push.body["to"].as_str(), Some(SOMCHAI));
        assert_eq!(push.authorization, format!("Bearer {TOKEN}"));
        assert_eq!(push.retry_key.len(), 36);
    }
    let retried = pushes.iter().filter(|p| p.retry_key == pushes[0].retry_key).count();
    assert_eq!(retried, 2, "a retried push carries the same retry key");
    let texts: Vec<&str> = pushes[2..].iter().map(|p| p.body["messages"][0]["text"].as_str().unwrap()).collect();
    assert!(texts.iter().all(|t| t.contains(&item.tracking_code)), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("ช่างไฟจะเข้าไปซ่อมพรุ่งนี้")), "{texts:?}");
}

async fn without_a_channel_secret_the_hook_is_off(app: TestApp) {
    let events = [text("o1", SOMCHAI, "สวัสดี")];
    let signed = body(&events);
    let signature = sign(&signed);
    assert_eq!(post(&app.router(), signed, Some(signature)).await.status, 404);
    assert_eq!(app.count("line_webhook_event").await, 0);
}

macro_rules! with_fake_line {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let line = super::FakeLine::start().await;
                    super::$name(crate::helpers::TestApp::sqlite_with(line.config()).await, line).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let line = super::FakeLine::start().await;
                    match crate::helpers::TestApp::postgres_with(line.config()).await {
                        Some(app) => {
                            let cleanup = app.cleanup_handle();
                            super::$name(app, line).await;
                            cleanup.run().await;
                        }
                        None => eprintln!("skipped {} on PostgreSQL: SIANG_TEST_POSTGRES_URL is not set", stringify!($name)),
                    }
                }
            )*
        }
    };
}

with_fake_line!(
    a_conversation_makes_a_line_submission_and_answers_with_its_code,
    a_corruption_report_is_pointed_to_the_website,
    a_bad_or_missing_signature_is_refused_and_stores_nothing,
    a_redelivered_event_makes_nothing_twice,
    two_instances_make_one_submission,
    news_of_a_line_submission_is_pushed_through_the_outbox,
);

mod off {
    crate::on_both_databases!(without_a_channel_secret_the_hook_is_off);
    use super::without_a_channel_secret_the_hook_is_off;
}
