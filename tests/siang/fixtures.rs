//! Known data for the participation tests: staff members of each role,
//! submissions received at given Bangkok times (through the domain's own
//! `submit`), and the answer and closing times staff would record.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::enums::{Channel, EventKind, Role, Status};
use entity::{staff_user, submission, submission_event};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use siang::domain::actor::Staff;
use siang::domain::submissions::{self, NewSubmission};

use crate::helpers::TestApp;

/// 09:00 in Bangkok on a date.
pub fn bangkok(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(2, 0, 0).unwrap().and_utc()
}

pub async fn department_id(app: &TestApp, code: &str) -> i64 {
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    siang::domain::agency::departments(&app.db, agency.id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no department {code}"))
        .id
}

pub async fn staff(app: &TestApp, username: &str, display_name: &str, role: Role, department: Option<i64>) -> Staff {
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let user = staff_user::ActiveModel {
        agency_id: Set(agency.id),
        username: Set(username.into()),
        display_name: Set(display_name.into()),
        password_hash: Set("!test".into()),
        role: Set(role),
        department_id: Set(department),
        active: Set(true),
        created_at: Set(Utc::now()),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    Staff::from(&user)
}

pub async fn admin(app: &TestApp) -> Staff {
    staff(app, "admin", "ผู้ดูแลระบบ", Role::Admin, None).await
}

pub fn complaint(subject: &str) -> NewSubmission {
    NewSubmission {
        kind: "complaint".into(),
        subject: subject.into(),
        details: "รายละเอียดของผู้แจ้ง".into(),
        ..Default::default()
    }
}

/// Submits as a resident would, at `at`; returns the stored row and the access key.
pub async fn submit_at(
    app: &TestApp,
    input: NewSubmission,
    channel: Channel,
    at: DateTime<Utc>,
) -> (submission::Model, String) {
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let receipt = submissions::submit(&app.db, &agency, input, channel, None, None, at).await.expect("valid sample");
    let stored = submission::Entity::find()
        .filter(submission::Column::TrackingCode.eq(&receipt.tracking_code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    (stored, receipt.access_key)
}

/// What staff recorded: the status, the first answer and closing (in days
/// after receipt), the department and indicator links, made through the
/// staff's own domain functions at those times.
pub async fn settle(
    app: &TestApp,
    item: &submission::Model,
    status: Status,
    answered_after: Option<i64>,
    closed_after: Option<i64>,
    department: Option<i64>,
    indicators: &[i16],
) -> submission::Model {
    let history = siang::demo::History {
        department,
        indicators,
        reply: answered_after.map(|days| (days, "ได้รับเรื่องและดำเนินการแล้ว")),
        ends: Some((status, closed_after.or(answered_after).unwrap_or(0))),
        closing_message: "ดำเนินการเสร็จแล้ว",
        referred_to: "หน่วยงานอื่น",
    };
    siang::demo::replay(&app.db, &record_keeper(app).await, item, &history).await.expect("a legal history");
    submission::Entity::find_by_id(item.id).one(&app.db).await.unwrap().unwrap()
}

/// The admin under whose name fixtures record what staff did.
async fn record_keeper(app: &TestApp) -> Staff {
    let found =
        staff_user::Entity::find().filter(staff_user::Column::Username.eq("records")).one(&app.db).await.unwrap();
    match found {
        Some(user) => Staff::from(&user),
        None => staff(app, "records", "งานสารบรรณ", Role::Admin, None).await,
    }
}

/// An internal note on a submission's timeline.
pub async fn internal_note(app: &TestApp, item: &submission::Model, staff: &Staff, text: &str) {
    submission_event::ActiveModel {
        submission_id: Set(item.id),
        at: Set(Utc::now()),
        kind: Set(EventKind::InternalNote),
        public: Set(false),
        status: Set(None),
        message: Set(Some(text.into())),
        actor_id: Set(Some(staff.id)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

/// A submission of `kind` with the resident's name, phone and e-mail.
pub fn with_contact(kind: &str, subject: &str) -> NewSubmission {
    use siang::domain::submissions::{ContactInput, CorruptionFacts};
    NewSubmission {
        kind: kind.into(),
        subject: subject.into(),
        details: format!("รายละเอียดเรื่อง{subject}"),
        service: if kind == "service_feedback" { "elderly-allowance".into() } else { String::new() },
        corruption: if kind == "corruption" {
            CorruptionFacts { official: "นายช่างโยธา".into(), ..Default::default() }
        } else {
            CorruptionFacts::default()
        },
        contact: ContactInput {
            name: format!("นางสมศรี {subject}"),
            phone: "081-234-5678".into(),
            email: "somsri@example.org".into(),
            ..Default::default()
        },
        consent: true,
        ..Default::default()
    }
}

/// A resident's submission received `days_ago`, closed (resolved) that many
/// days after receipt, or still open with `None`; with its access key.
pub async fn received_days_ago(
    app: &TestApp,
    input: NewSubmission,
    days_ago: i64,
    closed_after: Option<i64>,
) -> (submission::Model, String) {
    let (item, key) = submit_at(app, input, Channel::Web, Utc::now() - Duration::days(days_ago)).await;
    let item = match closed_after {
        Some(days) => settle(app, &item, Status::Resolved, Some(1), Some(days), None, &[]).await,
        None => item,
    };
    (item, key)
}
