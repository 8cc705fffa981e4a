//! E-mail through the transactional outbox, delivered to a real SMTP server
//! on loopback: Python's aiosmtpd, writing what it receives to a maildir.
//! Residents get their receipt, status changes and public replies (never an
//! internal note, never the key in a subject); staff get assignments; a mail
//! outage delays messages without losing or doubling any; two senders never
//! send one message twice; a message that keeps failing shows as failed.
//!
//! aiosmtpd comes from PyPI (`pip install aiosmtpd`); the Python that has it
//! is `SIANG_TEST_PYTHON` (default `python3`). Without it the tests that need
//! the server are skipped with a hint, unless `CI` is set: then they fail.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::enums::Role;
use entity::outbox_message::{self, MessageChannel, MessageState};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use siang::domain::notices;
use siang::domain::outbox::{self, MailSettings, NewMessage, Purpose};
use siang::domain::submissions::triage::{self, Assignment, StatusChange};
use siang::i18n::Lang;
use siang::notify::email::SmtpTransport;
use siang::notify::sender::{Sender, SenderConfig};
use siang::notify::Transport;

use crate::fixtures::{submit_at, with_contact};
use crate::helpers::TestApp;
use crate::on_both_databases;

const FROM: &str = "Siang <siang@example.go.th>";
const PORTAL: &str = "https://siang.example.go.th";

on_both_databases!(
    residents_get_receipt_status_and_reply_but_never_an_internal_note,
    messages_wait_while_the_mail_server_is_down_and_go_out_once_after,
    two_senders_racing_deliver_each_message_exactly_once,
    messages_failing_past_the_limit_show_as_failed_to_staff,
    nothing_is_enqueued_while_email_is_off,
    a_resident_writing_in_english_is_written_to_in_english,
    each_department_gets_one_digest_a_day,
);

async fn residents_get_receipt_status_and_reply_but_never_an_internal_note(app: TestApp) {
    let Some(smtp) = Smtp::start() else { return };
    enable_mail(&app.db).await;
    let admin = app.staff("admin", Role::Admin, None).await;
    let works = app.department_id("works").await;
    let officer = app.staff("somchai", Role::Officer, Some("works")).await;
    set_email(&app.db, officer.id, "somchai.works@example.go.th").await;

    let mut input = with_contact("complaint", "ไฟถนนดับ");
    input.language = Lang::En;
    let (item, key) = submit_at(&app, input, entity::enums::Channel::Web, Utc::now()).await;
    let code = item.tracking_code.clone();
    let now = Utc::now();
    triage::assign(&app.db, &admin, item.id, Assignment { department_id: Some(works), ..Default::default() }, now)
        .await
        .unwrap();
    triage::add_message(&app.db, &admin, item.id, "บันทึกภายใน: ห้ามแจ้งผู้ร้อง", false, now).await.unwrap();
    triage::add_message(&app.db, &admin, item.id, "ช่างจะเข้าซ่อมพรุ่งนี้", true, now).await.unwrap();
    let accept = StatusChange {
        to: "accepted".into(), message: "รับเรื่องไว้ดำเนินการ".into(), ..Default::default()
    };
    triage::change_status(&app.db, &admin, item.id, accept, now).await.unwrap();

    let sender = Sender::new(app.db.clone(), vec![smtp.transport()], fast());
    drain(&sender).await;
    let mail = smtp.wait_for(4);
    assert_eq!(mail.len(), 4, "receipt, assignment, reply, status change: {mail:#?}");
    let to_resident: Vec<_> = mail.iter().filter(|m| m.to.contains("somsri@example.org")).collect();
    assert_eq!(to_resident.len(), 3, "{mail:#?}");

    let receipt = to_resident.iter().find(|m| m.text.contains(&key)).expect("the receipt has the key");
    assert!(receipt.subject.contains(&code), "{}", receipt.subject);
    assert!(receipt.subject.contains("We received your submission"), "an English part: {}", receipt.subject);
    assert!(receipt.text.contains(&format!("{PORTAL}/track")), "{}", receipt.text);
    assert!(receipt.html.contains(&format!(r#"href="{PORTAL}/track""#)), "{}", receipt.html);
    assert!(receipt.text.contains("ได้รับเรื่องของท่านแล้ว") && receipt.text.contains("Access key"), "Thai and English");
    for message in &mail {
        assert!(!message.subject.contains(&key), "never the key in a subject: {}", message.subject);
        assert!(!message.text.contains("บันทึกภายใน") && !message.html.contains("บันทึกภายใน"), "never a note");
        assert!(!message.text.contains(&admin.display_name), "never a staff name: {}", message.text);
    }
    assert!(to_resident.iter().any(|m| m.text.contains("ช่างจะเข้าซ่อมพรุ่งนี้")), "the public reply");
    assert!(to_resident.iter().any(|m| m.text.contains("รับเรื่องไว้ดำเนินการ") && m.text.contains("Accepted")));
    let assigned: Vec<_> = mail.iter().filter(|m| m.to.contains("somchai.works@example.go.th")).collect();
    assert_eq!(assigned.len(), 1, "the department's officer hears of the assignment");
    assert!(assigned[0].text.contains(&format!("{PORTAL}/staff/submissions/{}", item.id)), "{}", assigned[0].text);
    assert!(!assigned[0].text.contains(&key), "staff never get the key");

    let rows = outbox_message::Entity::find().all(&app.db).await.unwrap();
    assert!(rows.iter().all(|r| r.state == MessageState::Sent && r.attempts == 1 && r.sent_at.is_some()), "{rows:#?}");

    // Staff see the item's messages, addresses masked.
    let staff = app.client([10, 0, 0, 5]);
    staff.login("admin").await;
    let page = staff.get(&format!("/staff/submissions/{}", item.id)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ข้อความแจ้งผู้เกี่ยวข้อง") && page.body.contains("ส่งแล้ว"), "{}", page.body);
    assert!(page.body.contains("so…@ex…"), "the masked address");
    assert!(!page.body.contains("somchai.works@example.go.th"), "staff addresses are masked too");
}

async fn messages_wait_while_the_mail_server_is_down_and_go_out_once_after(app: TestApp) {
    let Some(mut smtp) = Smtp::start() else { return };
    enable_mail(&app.db).await;
    smtp.stop();
    let started = Instant::now();
    let mut codes = Vec::new();
    for n in 0..3 {
        let (item, _) =
            submit_at(&app, with_contact("complaint", &format!("เรื่องที่ {n}")), entity::enums::Channel::Web, Utc::now())
                .await;
        codes.push(item.tracking_code);
    }
    assert!(started.elapsed() < Duration::from_secs(5), "a mail outage does not slow submissions");

    let sender = Sender::new(app.db.clone(), vec![smtp.transport()], fast());
    assert_eq!(sender.send_due(Utc::now()).await.unwrap(), 3, "each is tried");
    let waiting = outbox_message::Entity::find().all(&app.db).await.unwrap();
    assert!(
        waiting.iter().all(|m| m.state == MessageState::Pending
            && m.attempts == 1
            && m.last_error.is_some()
            && m.next_attempt_at > Utc::now()),
        "they wait to be tried again later: {waiting:#?}"
    );
    assert_eq!(sender.send_due(Utc::now()).await.unwrap(), 0, "not before their backoff");

    smtp.restart();
    let later = Utc::now() + chrono::Duration::hours(1);
    assert_eq!(sender.send_due(later).await.unwrap(), 3);
    assert_eq!(sender.send_due(later).await.unwrap(), 0, "sent once");
    let mail = smtp.wait_for(3);
    assert_eq!(mail.len(), 3, "none lost, none doubled: {mail:#?}");
    for code in &codes {
        assert_eq!(mail.iter().filter(|m| m.subject.contains(code.as_str())).count(), 1, "{code}");
    }
    let sent = outbox_message::Entity::find().all(&app.db).await.unwrap();
    assert!(sent.iter().all(|m| m.state == MessageState::Sent && m.attempts == 2), "{sent:#?}");
}

async fn two_senders_racing_deliver_each_message_exactly_once(app: TestApp) {
    let Some(smtp) = Smtp::start() else { return };
    let other = app.second_connection().await;
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let first = Sender::new(app.db.clone(), vec![smtp.transport()], fast());
    let second = Sender::new(other, vec![smtp.transport()], fast());
    let (rounds, per_round) = (6, 8);
    for round in 0..rounds {
        for n in 0..per_round {
            let message = NewMessage {
                agency_id: agency.id,
                channel: MessageChannel::Email,
                recipient: format!("resident{n}@example.org"),
                subject: format!("race {round}-{n}"),
                body_text: "ทดสอบ".into(),
                body_html: None,
                payload: None,
                submission_id: None,
                purpose: Purpose::Digest,
                dedupe_key: format!("test:race:{round}:{n}"),
            };
            assert!(outbox::enqueue(&app.db, message, Utc::now()).await.unwrap());
        }
        tokio::join!(drain(&first), drain(&second));
    }
    let total = rounds * per_round;
    let mail = smtp.wait_for(total);
    assert_eq!(mail.len(), total, "each message once");
    for round in 0..rounds {
        for n in 0..per_round {
            let subject = format!("race {round}-{n}");
            assert_eq!(mail.iter().filter(|m| m.subject == subject).count(), 1, "{subject}");
        }
    }
    let rows = outbox_message::Entity::find().all(&app.db).await.unwrap();
    assert!(rows.iter().all(|m| m.state == MessageState::Sent && m.attempts == 1), "{rows:#?}");
}

async fn messages_failing_past_the_limit_show_as_failed_to_staff(app: TestApp) {
    enable_mail(&app.db).await;
    let (item, _) =
        submit_at(&app, with_contact("complaint", "ถนนชำรุด"), entity::enums::Channel::Web, Utc::now()).await;
    // Nothing listens on this port: every attempt fails.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let transport = SmtpTransport::new(&format!("smtp://127.0.0.1:{closed}"), FROM).unwrap();
    let config = SenderConfig { max_attempts: 3, ..fast() };
    let sender = Sender::new(app.db.clone(), vec![Arc::new(transport) as Arc<dyn Transport>], config);
    for hours in 1..=5 {
        sender.send_due(Utc::now() + chrono::Duration::hours(hours)).await.unwrap();
    }
    let row = outbox_message::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!((row.state, row.attempts), (MessageState::Failed, 3), "given up after the limit");
    assert!(row.last_error.is_some());

    app.staff("admin", Role::Admin, None).await;
    let staff = app.client([10, 0, 0, 6]);
    staff.login("admin").await;
    let page = staff.get(&format!("/staff/submissions/{}", item.id)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ส่งไม่สำเร็จ"), "the failure is shown: {}", page.body);
    assert!(page.body.contains("message-failed"));
}

async fn nothing_is_enqueued_while_email_is_off(app: TestApp) {
    let (item, _) = submit_at(&app, with_contact("complaint", "น้ำท่วม"), entity::enums::Channel::Web, Utc::now()).await;
    let admin = app.staff("admin", Role::Admin, None).await;
    triage::add_message(&app.db, &admin, item.id, "กำลังดำเนินการ", true, Utc::now()).await.unwrap();
    assert_eq!(app.count("outbox_message").await, 0);

    // On: the same events enqueue, once each.
    enable_mail(&app.db).await;
    let (item, _) = submit_at(&app, with_contact("complaint", "น้ำท่วม"), entity::enums::Channel::Web, Utc::now()).await;
    triage::add_message(&app.db, &admin, item.id, "กำลังดำเนินการ", true, Utc::now()).await.unwrap();
    assert_eq!(app.count("outbox_message").await, 2);

    // Erasing the resident's contact data erases the messages to them.
    let txn = siang::domain::write::begin(&app.db, admin.agency_id).await.unwrap();
    assert_eq!(outbox::forget_resident(&txn, item.id).await.unwrap(), 2);
}

async fn a_resident_writing_in_english_is_written_to_in_english(app: TestApp) {
    enable_mail(&app.db).await;
    let resident = app.resident();
    resident.get("/language/en?next=/").await;
    let page = resident.get("/submit?kind=complaint").await;
    let id = page.hidden_field("request_id");
    let fields =
        crate::submit::complaint_with(&[("contact.email", "jane@example.org"), ("consent", "on"), ("request_id", &id)]);
    let sent = resident.post_form("/submit", &fields).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let contact = entity::contact::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(contact.language, "en");
    let receipt = outbox_message::Entity::find().one(&app.db).await.unwrap().expect("a receipt");
    assert_eq!(receipt.recipient, "jane@example.org");
    assert!(receipt.subject.contains("ได้รับเรื่องของท่านแล้ว") && receipt.subject.contains(" / We received"));
    assert!(receipt.body_text.contains("Tracking code"), "{}", receipt.body_text);
}

async fn each_department_gets_one_digest_a_day(app: TestApp) {
    enable_mail(&app.db).await;
    let admin = app.staff("admin", Role::Admin, None).await;
    let works = app.department_id("works").await;
    let officer = app.staff("somchai", Role::Officer, Some("works")).await;
    set_email(&app.db, officer.id, "somchai.works@example.go.th").await;
    let now = Utc::now();
    let long_ago = now - chrono::Duration::days(40);
    let (overdue, _) = submit_at(&app, with_contact("complaint", "ท่อแตก"), entity::enums::Channel::Web, long_ago).await;
    let (fresh, _) = submit_at(&app, with_contact("complaint", "ไฟดับ"), entity::enums::Channel::Web, now).await;
    for item in [&overdue, &fresh] {
        let to = Assignment { department_id: Some(works), ..Default::default() };
        triage::assign(&app.db, &admin, item.id, to, now).await.unwrap();
    }

    let agency = admin.agency_id;
    assert_eq!(notices::daily_digests(&app.db, agency, now).await.unwrap(), 1);
    assert_eq!(notices::daily_digests(&app.db, agency, now).await.unwrap(), 0, "another instance, the same day");
    let digests =
        outbox_message::Entity::find().filter(outbox_message::Column::Purpose.eq("digest")).all(&app.db).await.unwrap();
    assert_eq!(digests.len(), 1);
    assert_eq!(digests[0].recipient, "somchai.works@example.go.th");
    assert!(digests[0].body_text.contains(&overdue.tracking_code), "{}", digests[0].body_text);
    assert!(!digests[0].body_text.contains(&fresh.tracking_code), "not due for days");
    let tomorrow = now + chrono::Duration::days(1);
    assert_eq!(notices::daily_digests(&app.db, agency, tomorrow).await.unwrap(), 1, "the next day's");
}

#[tokio::test]
async fn the_smtp_setting_turns_email_on_for_every_write() {
    let mut config = siang::config::ServerConfig::for_tests();
    config.smtp_url = Some("smtp://127.0.0.1:2525".into());
    config.mail_from = Some(FROM.into());
    let app = TestApp::sqlite_with(config).await;
    assert_eq!(outbox::mail_settings(&app.db).await.unwrap(), Some(MailSettings { public_url: None }));
    let (item, _) =
        submit_at(&app, with_contact("suggestion", "ทางเท้า"), entity::enums::Channel::Web, Utc::now()).await;
    let row = outbox_message::Entity::find()
        .filter(outbox_message::Column::SubmissionId.eq(item.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the receipt is enqueued");
    assert!(row.body_text.contains("หน้า \"ติดตามเรื่อง\""), "without a public address, how to find the page");

    // Started again without it: off.
    let restarted = siang::state::AppState::new(app.db.clone(), siang::config::ServerConfig::for_tests()).await;
    assert!(restarted.is_ok());
    assert_eq!(outbox::mail_settings(&app.db).await.unwrap(), None);
}

// ----- helpers -----

/// Short waits, so tests do not sleep for minutes.
fn fast() -> SenderConfig {
    SenderConfig {
        poll: Duration::from_millis(20),
        backoff: chrono::Duration::seconds(30),
        backoff_max: chrono::Duration::minutes(10),
        ..SenderConfig::default()
    }
}

/// Sends until nothing is due.
async fn drain(sender: &Sender) {
    while sender.send_due(Utc::now()).await.expect("the outbox answers") > 0 {}
}

async fn enable_mail(db: &DatabaseConnection) {
    outbox::set_mail_settings(db, Some(&MailSettings { public_url: Some(PORTAL.into()) })).await.unwrap();
}

async fn set_email(db: &DatabaseConnection, staff_id: i64, email: &str) {
    entity::staff_user::ActiveModel { id: Set(staff_id), email: Set(Some(email.into())), ..Default::default() }
        .update(db)
        .await
        .unwrap();
}

/// One message as it arrived.
#[derive(Debug, serde::Deserialize)]
struct Mail {
    to: String,
    subject: String,
    text: String,
    html: String,
}

/// aiosmtpd on a loopback port, storing into a maildir.
struct Smtp {
    python: String,
    port: u16,
    maildir: tempfile::TempDir,
    child: Option<Child>,
}

impl Smtp {
    /// `None` (after saying why) when aiosmtpd is missing outside CI.
    fn start() -> Option<Self> {
        let python = std::env::var("SIANG_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let found = Command::new(&python).args(["-c", "import aiosmtpd"]).output().is_ok_and(|o| o.status.success());
        if !found {
            let hint = "python3 -m pip install aiosmtpd, or set SIANG_TEST_PYTHON";
            assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "aiosmtpd is required in CI: {hint}");
            eprintln!("skipped the e-mail test: aiosmtpd not found; {hint}");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut smtp = Self { python, port, maildir: tempfile::tempdir().unwrap(), child: None };
        smtp.restart();
        Some(smtp)
    }

    fn restart(&mut self) {
        let child = Command::new(&self.python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port)])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting aiosmtpd");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start on port {}", self.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn transport(&self) -> Arc<dyn Transport> {
        Arc::new(SmtpTransport::new(&format!("smtp://127.0.0.1:{}", self.port), FROM).unwrap())
    }

    /// What arrived, once at least `count` messages have (or after a while).
    fn wait_for(&self, count: usize) -> Vec<Mail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mail = self.messages();
            if mail.len() >= count || Instant::now() > deadline {
                // A moment more, to see any message that should not come.
                std::thread::sleep(Duration::from_millis(200));
                return self.messages();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The maildir, decoded by Python's own e-mail parser.
    fn messages(&self) -> Vec<Mail> {
        const READ: &str = r#"
import json, mailbox, os, sys
from email import policy
from email.parser import BytesParser
out = []
if os.path.isdir(sys.argv[1]):
    box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
    for key in box.iterkeys():
        with box.get_file(key) as f:
            msg = BytesParser(policy=policy.default).parse(f)
        plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
        out.append({"to": str(msg["to"]), "subject": str(msg["subject"]),
                    "text": plain.get_content() if plain else "", "html": html.get_content() if html else ""})
print(json.dumps(out))
"#;
        let output = Command::new(&self.python)
            .args(["-c", READ])
            .arg(self.maildir.path().join("mail"))
            .output()
            .expect("reading the maildir");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).expect("the maildir as JSON")
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.stop();
    }
}
