//! Two people acting on the same thing at the same moment, many times over:
//! exactly one of them wins (or, where they ask for the same thing, both get
//! it once), nobody sees a server error, no row is left in an illegal state,
//! and the timeline tells one consistent story.

use entity::enums::{EventKind, Role, Status};
use entity::{submission, submission_event};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::helpers::{Client, TestApp, TestResponse};
use crate::on_both_databases;

/// Rounds per step: enough for interleavings to vary.
const ROUNDS: usize = 30;

async fn two_admins(app: &TestApp) -> (Client<'_>, Client<'_>) {
    app.staff("anong", Role::Admin, None).await;
    app.staff("boon", Role::Admin, None).await;
    let (a, b) = (app.client([10, 0, 0, 1]), app.client([10, 0, 0, 2]));
    a.login("anong").await;
    b.login("boon").await;
    (a, b)
}

async fn new_item(app: &TestApp, n: usize) -> i64 {
    app.submit(json!({"kind": "complaint", "subject": format!("ถนนชำรุด {n}"), "details": "หลุมลึกกลางถนน"})).await.0
}

/// The two answers: how many went through (303), how many were told the
/// item changed meanwhile (409); never a server error.
fn outcomes(answers: [&TestResponse; 2]) -> (usize, usize) {
    for answer in answers {
        assert!(!answer.status.is_server_error(), "{} {}", answer.status, answer.body);
        assert!([303, 409].contains(&answer.status.as_u16()), "{} {}", answer.status, answer.body);
    }
    let won = answers.iter().filter(|a| a.status == 303).count();
    (won, 2 - won)
}

async fn item(app: &TestApp, id: i64) -> submission::Model {
    submission::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap()
}

async fn events(app: &TestApp, id: i64, kind: EventKind) -> Vec<submission_event::Model> {
    submission_event::Entity::find()
        .filter(submission_event::Column::SubmissionId.eq(id))
        .filter(submission_event::Column::Kind.eq(kind))
        .order_by_asc(submission_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

/// Every count the pages show still equals a count of the rows.
async fn counts_agree(app: &TestApp) {
    let differences = siang::domain::tally::check(&app.db).await.unwrap();
    assert!(differences.is_empty(), "counts differ from the rows: {differences:?}");
}

async fn two_staff_moving_one_item_at_once_one_wins(app: TestApp) {
    let (a, b) = two_admins(&app).await;
    for n in 0..ROUNDS {
        let id = new_item(&app, n).await;
        let base = format!("/staff/submissions/{id}/status");
        assert_eq!(a.post_form(&base, &[("status", "accepted"), ("seen", "received")]).await.status, 303);
        let reject = [("status", "rejected"), ("message", "ไม่อยู่ในอำนาจหน้าที่"), ("seen", "accepted")];
        let start = [("status", "in_progress"), ("seen", "accepted")];
        let (x, y) = tokio::join!(a.post_form(&base, &reject), b.post_form(&base, &start));
        assert_eq!(outcomes([&x, &y]), (1, 1), "round {n}: exactly one of two moves out of accepted");
        let loser = if x.status == 409 { &x } else { &y };
        assert!(loser.body.contains("มีผู้อื่นเปลี่ยนแปลงไปแล้ว"), "the loser is told, on the page as it is now");

        let row = item(&app, id).await;
        let moves = events(&app, id, EventKind::StatusChanged).await;
        assert_eq!(moves.len(), 2, "round {n}: accepted, then one move out of it");
        assert_eq!(moves[1].status, Some(row.status), "the timeline ends where the row is");
        match row.status {
            Status::Rejected => assert!(row.closed_at.is_some() && row.next_due_at.is_none()),
            Status::InProgress => assert!(row.closed_at.is_none() && row.next_due_at.is_some()),
            other => panic!("round {n}: ended {other:?}"),
        }
    }
    counts_agree(&app).await;
}

async fn two_staff_assigning_at_once(app: TestApp) {
    let (a, b) = two_admins(&app).await;
    let (works, office) = (app.department_id("works").await.to_string(), app.department_id("office").await.to_string());
    for n in 0..ROUNDS {
        let id = new_item(&app, n).await;
        let base = format!("/staff/submissions/{id}/assign");

        // Two departments at once, both seen unassigned: one wins, the other is told.
        let to_works = [("department", works.as_str()), ("seen_department", "")];
        let to_office = [("department", office.as_str()), ("seen_department", "")];
        let (x, y) = tokio::join!(a.post_form(&base, &to_works), b.post_form(&base, &to_office));
        assert_eq!(outcomes([&x, &y]), (1, 1), "round {n}");
        assert_eq!(events(&app, id, EventKind::Assigned).await.len(), 1);

        // The same department at once: both get it, once.
        let current = item(&app, id).await.department_id.unwrap().to_string();
        let again = [("department", current.as_str())];
        let (x, y) = tokio::join!(a.post_form(&base, &again), b.post_form(&base, &again));
        assert_eq!(outcomes([&x, &y]), (2, 0), "round {n}: assigning to the current department is no change");
        assert_eq!(events(&app, id, EventKind::Assigned).await.len(), 1, "and records nothing");
    }
    counts_agree(&app).await;
}

async fn two_staff_linking_one_indicator_at_once(app: TestApp) {
    let (a, b) = two_admins(&app).await;
    for n in 0..ROUNDS {
        let id = new_item(&app, n).await;
        let base = format!("/staff/submissions/{id}/indicators");
        let link = [("indicator", "7"), ("action", "link")];
        let (x, y) = tokio::join!(a.post_form(&base, &link), b.post_form(&base, &link));
        assert_eq!(outcomes([&x, &y]), (2, 0), "round {n}: linking a linked indicator is no error");
        assert_eq!(events(&app, id, EventKind::IndicatorLinked).await.len(), 1, "round {n}: one link, one event");
    }
    assert_eq!(app.count("submission_indicator").await, ROUNDS as i64);
    counts_agree(&app).await;
}

async fn two_staff_publishing_one_item_at_once(app: TestApp) {
    let (a, b) = two_admins(&app).await;
    for n in 0..ROUNDS {
        let id = new_item(&app, n).await;
        let base = format!("/staff/submissions/{id}");
        a.post_form(&format!("{base}/status"), &[("status", "rejected"), ("message", "ซ้ำ")]).await;
        let text = [("summary_th", "ประชาชนแจ้งถนนชำรุด"), ("outcome_th", "ซ่อมแล้ว")];
        let (publish, unpublish) = (format!("{base}/publish"), format!("{base}/unpublish"));
        let (x, y) = tokio::join!(a.post_form(&publish, &text), b.post_form(&publish, &text));
        assert_eq!(outcomes([&x, &y]), (2, 0), "round {n}: publishing what is published is no error");
        assert_eq!(events(&app, id, EventKind::Published).await.len(), 1, "round {n}: published once");
        let (x, y) = tokio::join!(a.post_form(&unpublish, &[]), b.post_form(&unpublish, &[]));
        assert_eq!(outcomes([&x, &y]), (2, 0));
        assert_eq!(events(&app, id, EventKind::Unpublished).await.len(), 1, "round {n}: withdrawn once");
    }
    assert_eq!(app.count("publication").await, ROUNDS as i64);
}

async fn two_staff_moving_a_due_date_at_once(app: TestApp) {
    let (a, b) = two_admins(&app).await;
    for n in 0..ROUNDS {
        let id = new_item(&app, n).await;
        let seen = item(&app, id).await.next_due_at.unwrap().timestamp_micros().to_string();
        let base = format!("/staff/submissions/{id}/due");
        let later = [("due", "2099-06-30"), ("reason", "รองบประมาณ"), ("seen", seen.as_str())];
        let sooner = [("due", "2099-01-31"), ("reason", "เร่งด่วน"), ("seen", seen.as_str())];
        let (x, y) = tokio::join!(a.post_form(&base, &later), b.post_form(&base, &sooner));
        assert_eq!(outcomes([&x, &y]), (1, 1), "round {n}");
        assert_eq!(events(&app, id, EventKind::DueChanged).await.len(), 1);
    }
    counts_agree(&app).await;
}

async fn replies_notes_and_a_closing_move_at_once_all_land_in_order(app: TestApp) {
    let (a, b) = two_admins(&app).await;
    for n in 0..ROUNDS {
        let id = new_item(&app, n).await;
        let base = format!("/staff/submissions/{id}");
        let (reply, note, status) = (format!("{base}/reply"), format!("{base}/notes"), format!("{base}/status"));
        let refer = [("status", "referred"), ("message", "ส่งต่อ"), ("referred_to", "แขวงทางหลวง")];
        let (x, y, z) = tokio::join!(
            a.post_form(&reply, &[("message", "กำลังตรวจสอบ")]),
            b.post_form(&note, &[("message", "โทรแจ้งกองช่างแล้ว")]),
            b.post_form(&status, &refer),
        );
        for answer in [&x, &y, &z] {
            assert_eq!(answer.status, 303, "round {n}: {}", answer.body);
        }
        let row = item(&app, id).await;
        assert_eq!(row.status, Status::Referred);
        // The first answer is the earliest of the reply and the referral.
        let public: Vec<_> = submission_event::Entity::find()
            .filter(submission_event::Column::SubmissionId.eq(id))
            .filter(submission_event::Column::Kind.is_in([EventKind::PublicReply, EventKind::StatusChanged]))
            .order_by_asc(submission_event::Column::Id)
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(row.first_answered_at, Some(public[0].at), "round {n}");
    }
    counts_agree(&app).await;
}

async fn staff_saving_while_residents_submit_never_fail(app: TestApp) {
    let (a, _) = two_admins(&app).await;
    let office = app.department_id("office").await.to_string();
    let residents: Vec<Client<'_>> = (0..8u8).map(|i| app.client([198, 51, 100, i])).collect();
    let id = new_item(&app, 0).await;
    for round in 0..ROUNDS {
        let body = json!({"kind": "suggestion", "subject": format!("ข้อเสนอ {round}"), "details": "ขอไฟส่องสว่าง"});
        let submitting = futures_util::future::join_all(
            residents.iter().map(|resident| resident.post_json("/api/v1/submissions", &body)),
        );
        let saving = async {
            let settings = a
                .post_form(
                    "/staff/settings",
                    &[
                        ("name_th", "อบต.ทดสอบ"),
                        ("name_en", "Test"),
                        ("first_answer_days", "15"),
                        ("closing_days", "30"),
                    ],
                )
                .await;
            let code = format!("d{round}");
            let department = a
                .post_form("/staff/departments", &[("code", code.as_str()), ("name_th", "กองใหม่"), ("name_en", "New")])
                .await;
            let note = a.post_form(&format!("/staff/submissions/{id}/notes"), &[("message", "บันทึก")]).await;
            let assign =
                a.post_form(&format!("/staff/submissions/{id}/assign"), &[("department", office.as_str())]).await;
            [settings, department, note, assign]
        };
        let (submitted, saved) = tokio::join!(submitting, saving);
        for answer in submitted {
            assert_eq!(answer.status, 201, "round {round}: {}", answer.body);
        }
        for answer in saved {
            assert_eq!(answer.status, 303, "round {round}: {}", answer.body);
        }
    }
    assert_eq!(app.count("submission").await, 1 + 8 * ROUNDS as i64);
    counts_agree(&app).await;
}

on_both_databases!(
    two_staff_moving_one_item_at_once_one_wins,
    two_staff_assigning_at_once,
    two_staff_linking_one_indicator_at_once,
    two_staff_publishing_one_item_at_once,
    two_staff_moving_a_due_date_at_once,
    replies_notes_and_a_closing_move_at_once_all_land_in_order,
    staff_saving_while_residents_submit_never_fail,
);
