//! Closing the loop honestly (issue 18): every closing records what came of
//! it, the resident says once (and only with the key) whether it was
//! solved, a "not solved" reopens within 30 days and not after, two clicks
//! reopen once, the statistics count all of it as a recount would, and the
//! resident's comments never reach a public page.

use chrono::{DateTime, Duration, Utc};
use entity::enums::{Channel, EventKind, Outcome, OutcomeReason, Resolved, Role, Status};
use entity::{submission, submission_event, submission_verdict};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use siang::domain::actor::Staff;
use siang::domain::error::DomainError;
use siang::domain::submissions::outcome::Closing;
use siang::domain::submissions::triage::{self, StatusChange};
use siang::domain::submissions::verdict::{self, VerdictInput, REOPEN_WINDOW};
use siang::domain::tally;

use crate::fixtures::{admin, complaint, submit_at};
use crate::helpers::{Client, TestApp, TestResponse};
use crate::on_both_databases;

async fn agency_id(app: &TestApp) -> i64 {
    siang::domain::agency::current(&app.db).await.unwrap().id
}

async fn row(app: &TestApp, id: i64) -> submission::Model {
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

async fn counts_agree(app: &TestApp) {
    let differences = tally::check(&app.db).await.unwrap();
    assert!(differences.is_empty(), "the kept counts differ from the rows: {differences:#?}");
}

/// Moves `id` along the workflow to `status`, closing with `outcome` (a
/// code, or empty) at `at`.
async fn close(app: &TestApp, staff: &Staff, id: i64, status: Status, outcome: &str, at: DateTime<Utc>) {
    let path: &[Status] = match status {
        Status::Resolved => &[Status::Accepted, Status::InProgress, Status::Resolved],
        other => &[Status::Accepted, other],
    };
    for step in path {
        let change = StatusChange {
            to: step.to_value(),
            message: "ดำเนินการแล้ว".into(),
            referred_to: "สำนักงานที่ดินจังหวัด".into(),
            outcome: outcome.into(),
            ..Default::default()
        };
        triage::change_status(&app.db, staff, id, change, at).await.unwrap();
    }
}

/// A complaint received `days_ago`, closed `closed_days_ago` as `status`
/// with `outcome`.
async fn closed_item(
    app: &TestApp,
    staff: &Staff,
    status: Status,
    outcome: &str,
    days_ago: i64,
    closed_days_ago: i64,
) -> submission::Model {
    let now = Utc::now();
    let (item, _) = submit_at(app, complaint("ไฟถนนดับ"), Channel::Web, now - Duration::days(days_ago)).await;
    close(app, staff, item.id, status, outcome, now - Duration::days(closed_days_ago)).await;
    row(app, item.id).await
}

fn said(resolved: &str, satisfaction: &str, comment: &str) -> VerdictInput {
    VerdictInput { resolved: resolved.into(), satisfaction: satisfaction.into(), comment: comment.into() }
}

fn field_error(result: Result<(), DomainError>, code: &str) {
    match result {
        Err(DomainError::Invalid(errors)) => {
            assert!(format!("{errors:?}").contains(code), "expected {code}, got {errors:?}")
        }
        other => panic!("expected the field error {code}, got {other:?}"),
    }
}

async fn every_outcome_is_recorded_and_counted_apart(app: TestApp) {
    let staff = admin(&app).await;
    let cases = [
        (Status::Resolved, "fixed", Outcome::Fixed, None),
        (Status::Resolved, "partly", Outcome::Partly, None),
        (Status::Resolved, "budget", Outcome::NotPossible, Some(OutcomeReason::Budget)),
        (Status::Rejected, "not_authority", Outcome::NotPossible, Some(OutcomeReason::NotAuthority)),
        (Status::Rejected, "duplicate", Outcome::NotPossible, Some(OutcomeReason::Duplicate)),
        (Status::Resolved, "not_found", Outcome::NotPossible, Some(OutcomeReason::NotFound)),
        (Status::Referred, "referred", Outcome::Referred, None),
        // Saying nothing records what the status itself means.
        (Status::Rejected, "", Outcome::NotPossible, Some(OutcomeReason::NotAuthority)),
    ];
    for (status, code, outcome, reason) in cases {
        let item = closed_item(&app, &staff, status, code, 10, 5).await;
        assert_eq!((item.status, item.outcome, item.outcome_reason), (status, Some(outcome), reason), "{code}");
        if status == Status::Referred {
            assert_eq!(item.referred_to.as_deref(), Some("สำนักงานที่ดินจังหวัด"), "referred, with where");
        }
    }

    // An outcome that contradicts the status, or is no outcome at all, is refused.
    let (open, _) = submit_at(&app, complaint("ท่อแตก"), Channel::Web, Utc::now()).await;
    for (to, code, error) in [
        (Status::Rejected, "fixed", "outcome_does_not_fit"),
        (Status::Referred, "budget", "outcome_does_not_fit"),
        (Status::Rejected, "solved-ish", "unknown_outcome"),
    ] {
        let change = StatusChange {
            to: to.to_value(),
            message: "ปิดเรื่อง".into(),
            referred_to: "อำเภอ".into(),
            outcome: code.into(),
            ..Default::default()
        };
        field_error(triage::change_status(&app.db, &staff, open.id, change, Utc::now()).await, error);
    }
    assert_eq!(row(&app, open.id).await.outcome, None, "nothing was written");

    // The database refuses what the domain never writes.
    let closed = closed_item(&app, &staff, Status::Resolved, "partly", 3, 1).await;
    for sql in [
        format!("UPDATE submission SET outcome = NULL WHERE id = {}", closed.id),
        format!("UPDATE submission SET outcome = 'fixed' WHERE id = {}", open.id),
        format!("UPDATE submission SET outcome = 'referred' WHERE id = {}", closed.id),
        format!("UPDATE submission SET outcome = 'not_possible' WHERE id = {}", closed.id),
        format!("UPDATE submission SET outcome_reason = 'budget' WHERE id = {}", closed.id),
        format!("UPDATE submission SET outcome = 'lost' WHERE id = {}", closed.id),
    ] {
        assert!(app.db.execute_unprepared(&sql).await.is_err(), "the database took: {sql}");
    }

    // The statistics count each outcome apart, on time and late.
    let stats = statistics(&app).await;
    let count = |code: &str| stats.closing.by_outcome.iter().find(|o| o.code == code).unwrap().total();
    assert_eq!(
        ["fixed", "partly", "budget", "not_authority", "duplicate", "not_found", "referred"].map(count),
        [1, 2, 1, 2, 1, 1, 1]
    );
    assert!(stats.closing.by_outcome.iter().all(|o| o.late == 0), "all closed before their closing date");
    counts_agree(&app).await;

    // The public log says how it ended, not only "closed".
    let published = closed_item(&app, &staff, Status::Resolved, "budget", 8, 2).await;
    let input = siang::domain::participation::publication::PublishInput {
        summary_th: "ขอไฟถนนเพิ่มในซอย 4".into(),
        ..Default::default()
    };
    siang::domain::participation::publication::publish(&app.db, &staff, published.id, input, Utc::now()).await.unwrap();
    let resident = app.resident();
    let entry = resident.get(&format!("/log/{}", published.tracking_code)).await;
    assert!(entry.body.contains("ดำเนินการไม่ได้: ไม่มีงบประมาณ"), "{}", entry.body);
    let api = resident.get("/api/v1/log").await.json();
    assert!(api.to_string().contains(r#""closed_as":"budget""#), "{api}");
    let page = resident.get(&format!("/stats/{}", published.fiscal_year)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"data-code="budget""#));
}

async fn statistics(app: &TestApp) -> siang::domain::statistics::Statistics {
    let year = siang::domain::calendar::fiscal_year(siang::domain::calendar::local_date(Utc::now()));
    let id = agency_id(app).await;
    siang::domain::statistics::fiscal_year_statistics(&app.db, id, year, Default::default(), Utc::now()).await.unwrap()
}

/// The tracking page, and the pass its forms carry.
async fn track(client: &Client<'_>, code: &str, key: &str) -> (TestResponse, String) {
    let page = client.post_form("/track", &[("tracking_code", code), ("access_key", key)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let pass = page.hidden_field("pass");
    (page, pass)
}

/// A resident's complaint through the API, closed by staff at `closed_at`;
/// (id, code, key).
async fn resident_item(app: &TestApp, staff: &Staff, closed_at: DateTime<Utc>) -> (i64, String, String) {
    let (id, code, key) =
        app.submit(json!({"kind": "complaint", "subject": "ไฟถนนดับ", "details": "ซอย 4 มืดทั้งซอย"})).await;
    close(app, staff, id, Status::Resolved, "fixed", closed_at).await;
    (id, code, key)
}

async fn a_verdict_is_given_once_and_only_with_the_key(app: TestApp) {
    let staff = admin(&app).await;
    let (id, code, key) = resident_item(&app, &staff, Utc::now() - Duration::days(1)).await;
    let resident = app.resident();

    // A wrong key opens nothing, so asks nothing; a forged pass writes nothing.
    let wrong =
        resident.post_form("/track", &[("tracking_code", &code), ("access_key", "AAAAA-BBBBB-CCCCC-DDDDD")]).await;
    assert_eq!(wrong.status, 404);
    assert!(!wrong.body.contains("verdict-form"));
    let forged = format!("{code}.{}.00", (Utc::now() + Duration::hours(1)).timestamp());
    let answer = [("pass", forged.as_str()), ("resolved", "yes"), ("satisfaction", "5")];
    assert_eq!(resident.post_form("/track/verdict", &answer).await.status, 403);
    assert_eq!(app.count("submission_verdict").await, 0);

    let (page, pass) = track(&resident, &code, &key).await;
    assert!(page.body.contains("verdict-form"), "a closed item asks for the verdict");
    assert!(page.body.contains("แก้ไขแล้ว / ตอบแล้ว"), "and says how it ended");
    let answer =
        [("pass", pass.as_str()), ("resolved", "partly"), ("satisfaction", "3"), ("comment", "ซ่อมแล้วแต่ยังกะพริบ")];
    let first = resident.post_form("/track/verdict", &answer).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("ขอบคุณสำหรับคำตอบ"));
    assert!(!first.body.contains("verdict-form"), "asked once");
    assert!(first.body.contains("แก้ไขบางส่วน"), "the answer is shown back");

    let again = [("pass", pass.as_str()), ("resolved", "no"), ("satisfaction", "1")];
    let second = resident.post_form("/track/verdict", &again).await;
    assert_eq!(second.status, 422, "a second verdict is a clear message, not a server error");
    assert!(second.body.contains("ตอบได้ครั้งเดียว"), "{}", second.body);
    let stored = submission_verdict::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!((stored.resolved, stored.satisfaction), (Resolved::Partly, 3), "the first answer stands");
    assert_eq!(events(&app, id, EventKind::VerdictGiven).await.len(), 1);
    assert!(app.audit_actions().await.contains(&"verdict_given".to_owned()));

    // The domain refuses it as well, and refuses a verdict on an open item.
    field_error(
        verdict::give(&app.db, agency_id(&app).await, id, said("yes", "5", ""), Utc::now()).await,
        "verdict_already_given",
    );
    let (open, _) = submit_at(&app, complaint("ถนนแตก"), Channel::Web, Utc::now()).await;
    field_error(
        verdict::give(&app.db, agency_id(&app).await, open.id, said("yes", "5", ""), Utc::now()).await,
        "verdict_not_closed",
    );
    field_error(
        verdict::give(&app.db, agency_id(&app).await, id, said("maybe", "9", ""), Utc::now()).await,
        "choose_one",
    );

    // Staff see it, with the comment, on the item's page.
    app.staff("somchai", Role::Admin, None).await;
    let office = app.client([10, 0, 0, 7]);
    office.login("somchai").await;
    let item_page = office.get(&format!("/staff/submissions/{id}")).await;
    assert!(item_page.body.contains("ซ่อมแล้วแต่ยังกะพริบ") && item_page.body.contains("3/5"), "{}", item_page.body);

    // And it counts in the year's statistics.
    let stats = statistics(&app).await;
    let verdicts: Vec<(String, i64)> = stats.closing.verdicts.iter().map(|c| (c.code.clone(), c.count)).collect();
    assert_eq!(verdicts, [("yes".to_owned(), 0), ("partly".to_owned(), 1), ("no".to_owned(), 0)]);
    assert_eq!((stats.closing.satisfaction_answers, stats.closing.satisfaction_average), (1, Some(3.0)));
    assert_eq!(stats.closing.satisfaction_by_kind[0].code, "complaint");
    counts_agree(&app).await;
}

async fn reopening_within_thirty_days_and_not_after(app: TestApp) {
    let staff = admin(&app).await;
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let works = app.department_id("works").await;
    // As both databases keep it: to the microsecond.
    let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);

    // Within the window: a "no" reopens it, back to its department.
    let item = closed_item(&app, &staff, Status::Resolved, "fixed", 20, 10).await;
    let to_works = triage::Assignment { department_id: Some(works), ..Default::default() };
    // Assigning works on a closed item too: the department it goes back to.
    triage::assign(&app.db, &staff, item.id, to_works, now).await.unwrap();
    field_error(verdict::reopen_by_resident(&app.db, agency.id, item.id, "", now).await, "reopen_needs_no");
    verdict::give(&app.db, agency.id, item.id, said("no", "1", "ยังดับอยู่"), now).await.unwrap();
    verdict::reopen_by_resident(&app.db, agency.id, item.id, "ไฟยังดับทั้งซอย", now).await.unwrap();
    let reopened = row(&app, item.id).await;
    assert_eq!(reopened.status, Status::InProgress);
    assert_eq!(reopened.department_id, Some(works), "back to the department");
    assert_eq!((reopened.closed_at, reopened.outcome, reopened.outcome_reason), (None, None, None));
    assert_eq!(reopened.reopened_at, Some(now));
    assert_eq!(reopened.next_due_at, Some(now + Duration::days(i64::from(agency.closing_days))), "a new due date");
    assert_eq!(events(&app, item.id, EventKind::Reopened).await.len(), 1);
    assert!(app.audit_actions().await.contains(&"reopened".to_owned()));
    let stored = submission_verdict::Entity::find_by_id(item.id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(stored.reopen_comment.as_deref(), Some("ไฟยังดับทั้งซอย"));
    // Once: closed again, the same verdict does not reopen it twice.
    close_again(&app, &staff, item.id).await;
    assert!(verdict::reopen_by_resident(&app.db, agency.id, item.id, "", now + Duration::days(1)).await.is_err());

    // On the last day it still may; a day later it may not, with a clear message.
    let late = closed_item(&app, &staff, Status::Resolved, "fixed", 40, 31).await;
    verdict::give(&app.db, agency.id, late.id, said("no", "2", ""), now).await.unwrap();
    let closed_at = late.closed_at.unwrap();
    field_error(
        verdict::reopen_by_resident(&app.db, agency.id, late.id, "", closed_at + REOPEN_WINDOW + Duration::seconds(1))
            .await,
        "reopen_window_passed",
    );
    assert_eq!(row(&app, late.id).await.status, Status::Resolved, "still closed");
    verdict::reopen_by_resident(&app.db, agency.id, late.id, "", closed_at + REOPEN_WINDOW).await.unwrap();

    // Through the pages: the resident sees the offer, then its end, in Thai.
    let (id, code, key) = resident_item(&app, &staff, now - Duration::days(45)).await;
    let resident = app.resident();
    let (_, pass) = track(&resident, &code, &key).await;
    let answer = [("pass", pass.as_str()), ("resolved", "no"), ("satisfaction", "1")];
    let page = resident.post_form("/track/verdict", &answer).await;
    assert!(!page.body.contains("reopen-form") && page.body.contains("พ้นกำหนด 30 วันหลังปิดเรื่องแล้ว"), "{}", page.body);
    let refused = resident.post_form("/track/reopen", &[("pass", pass.as_str()), ("comment", "ยังไม่ซ่อม")]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("พ้นกำหนด 30 วัน"));
    assert_eq!(row(&app, id).await.status, Status::Resolved);
    counts_agree(&app).await;
}

async fn close_again(app: &TestApp, staff: &Staff, id: i64) {
    let change = StatusChange {
        to: "resolved".into(),
        message: "ซ่อมอีกครั้งแล้ว".into(),
        outcome: "fixed".into(),
        ..Default::default()
    };
    triage::change_status(&app.db, staff, id, change, Utc::now()).await.unwrap();
}

async fn two_reopen_clicks_at_once_reopen_once(app: TestApp) {
    let staff = admin(&app).await;
    let resident = app.resident();
    for round in 0..8 {
        let (id, code, key) = resident_item(&app, &staff, Utc::now() - Duration::days(2)).await;
        let (_, pass) = track(&resident, &code, &key).await;
        let no = [("pass", pass.as_str()), ("resolved", "no"), ("satisfaction", "1")];
        let page = resident.post_form("/track/verdict", &no).await;
        assert!(page.body.contains("reopen-form"), "a no within the window offers reopening");
        let click = [("pass", pass.as_str()), ("comment", "ยังไม่ได้ซ่อม")];
        let (x, y) =
            tokio::join!(resident.post_form("/track/reopen", &click), resident.post_form("/track/reopen", &click));
        let mut answers = [x.status.as_u16(), y.status.as_u16()];
        answers.sort_unstable();
        assert_eq!(answers, [200, 409], "round {round}: one reopens, the other is told");
        let told = if x.status == 409 { &x } else { &y };
        assert!(told.body.contains("เปิดใหม่แล้ว"), "{}", told.body);
        assert_eq!(events(&app, id, EventKind::Reopened).await.len(), 1, "round {round}");
        assert_eq!(row(&app, id).await.status, Status::InProgress);
    }

    // Two staff reopening one item at once: one reopens, the other is told.
    app.staff("anong", Role::Admin, None).await;
    app.staff("boon", Role::Admin, None).await;
    let (a, b) = (app.client([10, 0, 0, 1]), app.client([10, 0, 0, 2]));
    a.login("anong").await;
    b.login("boon").await;
    for round in 0..8 {
        let item = closed_item(&app, &staff, Status::Rejected, "duplicate", 5, 1).await;
        let path = format!("/staff/submissions/{}/reopen", item.id);
        let form = [("reason", "ตรวจแล้วไม่ซ้ำ"), ("seen", "rejected")];
        let (x, y) = tokio::join!(a.post_form(&path, &form), b.post_form(&path, &form));
        let mut answers = [x.status.as_u16(), y.status.as_u16()];
        answers.sort_unstable();
        assert_eq!(answers, [303, 409], "round {round}");
        assert_eq!(events(&app, item.id, EventKind::Reopened).await.len(), 1);
    }
    counts_agree(&app).await;
}

async fn staff_reopen_only_what_they_may_work(app: TestApp) {
    let staff = admin(&app).await;
    let (works, office) = (app.department_id("works").await, app.department_id("office").await);
    let item = closed_item(&app, &staff, Status::Resolved, "partly", 5, 1).await;
    triage::assign(
        &app.db,
        &staff,
        item.id,
        triage::Assignment { department_id: Some(works), ..Default::default() },
        Utc::now(),
    )
    .await
    .unwrap();
    let viewer = app.staff("viewer", Role::Viewer, None).await;
    let other = app.staff("office", Role::Officer, Some("office")).await;
    let own = app.staff("works", Role::Officer, Some("works")).await;
    assert_eq!(other.department_id, Some(office));
    for who in [&viewer, &other] {
        let refused = triage::reopen(&app.db, who, item.id, "ยังไม่เสร็จ", None, Utc::now()).await;
        assert!(matches!(refused, Err(DomainError::Forbidden)), "{refused:?}");
    }
    field_error(triage::reopen(&app.db, &own, item.id, "  ", None, Utc::now()).await, "required");
    triage::reopen(&app.db, &own, item.id, "ตรวจพบว่ายังไม่เสร็จ", Some("resolved".into()), Utc::now()).await.unwrap();
    let reopened = row(&app, item.id).await;
    assert_eq!((reopened.status, reopened.department_id), (Status::InProgress, Some(works)));
    let event = events(&app, item.id, EventKind::Reopened).await.pop().unwrap();
    assert!(event.public && event.message.as_deref() == Some("ตรวจพบว่ายังไม่เสร็จ"), "the resident reads why");
    field_error(triage::reopen(&app.db, &own, item.id, "อีกครั้ง", None, Utc::now()).await, "reopen_not_closed");

    // The inbox and the item's page carry the mark.
    let client = app.client([10, 0, 0, 9]);
    client.login("works").await;
    assert!(client.get("/staff").await.body.contains("เปิดเรื่องใหม่"));
    assert!(client.get(&format!("/staff/submissions/{}", item.id)).await.body.contains("flag reopened"));
}

/// Outcomes, verdicts and reopenings counted by the writes equal a count of
/// the rows, before and after a recount, and the public figure per
/// department is what the rows say.
async fn statistics_of_outcomes_verdicts_and_reopenings_equal_a_recount(app: TestApp) {
    let staff = admin(&app).await;
    let agency = agency_id(&app).await;
    let works = app.department_id("works").await;
    let now = Utc::now();
    let codes = ["fixed", "partly", "budget", "not_found", "fixed", "partly"];
    for (n, code) in codes.iter().enumerate() {
        let item = closed_item(&app, &staff, Status::Resolved, code, 20, 12 - n as i64).await;
        if n % 2 == 0 {
            triage::assign(
                &app.db,
                &staff,
                item.id,
                triage::Assignment { department_id: Some(works), ..Default::default() },
                now,
            )
            .await
            .unwrap();
        }
        let (resolved, satisfaction) = [("yes", "5"), ("partly", "3"), ("no", "1")][n % 3];
        verdict::give(&app.db, agency, item.id, said(resolved, satisfaction, "ความเห็น"), now).await.unwrap();
        if resolved == "no" {
            verdict::reopen_by_resident(&app.db, agency, item.id, "", now).await.unwrap();
        }
    }
    let stats = statistics(&app).await;
    counts_agree(&app).await;

    // What the rows say, counted here by hand.
    let rows = submission::Entity::find().all(&app.db).await.unwrap();
    let reopened_in_works = rows.iter().filter(|r| r.reopened_at.is_some() && r.department_id == Some(works)).count();
    let works_row = stats.closing.reopened.iter().find(|r| r.department_th.as_deref() == Some("กองช่าง"));
    assert_eq!(works_row.map(|r| r.count), Some(reopened_in_works as i64));
    assert_eq!(stats.closing.reopened_total, rows.iter().filter(|r| r.reopened_at.is_some()).count() as i64);
    let closed = |code: &str| {
        rows.iter()
            .filter(|r| Closing::from_columns(r.outcome, r.outcome_reason).map(Closing::code).as_deref() == Some(code))
            .count() as i64
    };
    for o in &stats.closing.by_outcome {
        assert_eq!(o.total(), closed(&o.code), "{}", o.code);
    }
    let verdicts = submission_verdict::Entity::find().all(&app.db).await.unwrap();
    let mean = verdicts.iter().map(|v| f64::from(v.satisfaction)).sum::<f64>() / verdicts.len() as f64;
    assert_eq!(stats.closing.satisfaction_answers, verdicts.len() as i64);
    assert_eq!(stats.closing.satisfaction_average, Some(mean));

    tally::recount(&app.db).await.unwrap();
    let again = statistics(&app).await;
    assert_eq!(again.closing, stats.closing, "a recount finds the same figures");

    // The public page shows the reopened figure per department.
    let year = stats.fiscal_year;
    let page = app.resident().get(&format!("/stats/{year}")).await;
    assert!(page.body.contains(&format!(r#"id="reopened-total">{}<"#, stats.closing.reopened_total)), "{}", page.body);
}

async fn residents_comments_never_leave_for_a_public_page(app: TestApp) {
    let staff = admin(&app).await;
    let agency = agency_id(&app).await;
    let item = closed_item(&app, &staff, Status::Resolved, "partly", 10, 2).await;
    verdict::give(&app.db, agency, item.id, said("no", "2", "PRIVVERDICTCOMMENT"), Utc::now()).await.unwrap();
    verdict::reopen_by_resident(&app.db, agency, item.id, "PRIVREOPENCOMMENT", Utc::now()).await.unwrap();
    close_again(&app, &staff, item.id).await;
    let input = siang::domain::participation::publication::PublishInput {
        summary_th: "ซ่อมไฟถนนซอย 4".into(),
        ..Default::default()
    };
    siang::domain::participation::publication::publish(&app.db, &staff, item.id, input, Utc::now()).await.unwrap();
    let year = item.fiscal_year;
    let resident = app.resident();
    for path in [
        format!("/log/{}", item.tracking_code),
        "/log".into(),
        "/log.csv".into(),
        "/feed.atom".into(),
        "/api/v1/log".into(),
        format!("/stats/{year}"),
        format!("/stats/{year}.csv"),
        format!("/api/v1/stats/{year}"),
    ] {
        let page = resident.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        for marker in ["PRIVVERDICTCOMMENT", "PRIVREOPENCOMMENT"] {
            assert!(!page.body.contains(marker), "{path} leaks {marker}");
        }
    }
    // Not in the timeline either (which the resident's own export carries).
    let timeline = submission_event::Entity::find()
        .filter(submission_event::Column::SubmissionId.eq(item.id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(timeline.iter().all(|e| !e.message.as_deref().unwrap_or("").contains("PRIV")));
    // The reopened mark is public; the words are not.
    assert!(resident.get(&format!("/log/{}", item.tracking_code)).await.body.contains("เปิดเรื่องใหม่"));
}

on_both_databases!(
    every_outcome_is_recorded_and_counted_apart,
    a_verdict_is_given_once_and_only_with_the_key,
    reopening_within_thirty_days_and_not_after,
    two_reopen_clicks_at_once_reopen_once,
    staff_reopen_only_what_they_may_work,
    statistics_of_outcomes_verdicts_and_reopenings_equal_a_recount,
    residents_comments_never_leave_for_a_public_page,
);

/// Items closed before outcomes were recorded get the outcome their status
/// meant, and are counted under it.
async fn closed_items_get_a_default_outcome(db: sea_orm::DatabaseConnection) {
    use migration::MigratorTrait;
    let before = migration::Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261210_000001_outcomes")
        .expect("the outcomes migration");
    migration::Migrator::up(&db, Some(before as u32)).await.unwrap();
    let insert = |n: i64, status: &str, referred: &str| {
        format!(
            "INSERT INTO submission (agency_id, tracking_code, fiscal_year, fiscal_month, kind, channel, status, \
             subject, details, anonymous, access_key_hash, received_at, due_at, close_due_at, next_due_at, \
             referred_to, first_answered_at, closed_at, updated_at) VALUES (1, '2569-00000{n}', 2569, 3, \
             'complaint', 'web', '{status}', 's', 'd', true, 'h', '2025-12-01 02:00:00+00:00', \
             '2025-12-16 02:00:00+00:00', '2025-12-31 02:00:00+00:00', {next_due}, {referred}, {answered}, {closed}, \
             '2025-12-05 02:00:00+00:00')",
            next_due = if status == "in_progress" { "'2025-12-31 02:00:00+00:00'" } else { "NULL" },
            answered = "'2025-12-03 02:00:00+00:00'",
            closed = if status == "in_progress" { "NULL" } else { "'2025-12-04 02:00:00+00:00'" },
        )
    };
    for sql in [
        insert(1, "resolved", "NULL"),
        insert(2, "rejected", "NULL"),
        insert(3, "referred", "'อำเภอ'"),
        insert(4, "in_progress", "NULL"),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    migration::Migrator::up(&db, None).await.unwrap();
    tally::ensure_counted(&db).await.unwrap();
    let rows = submission::Entity::find().order_by_asc(submission::Column::TrackingCode).all(&db).await.unwrap();
    let outcomes: Vec<_> = rows.iter().map(|r| (r.outcome, r.outcome_reason)).collect();
    assert_eq!(
        outcomes,
        [
            (Some(Outcome::Fixed), None),
            (Some(Outcome::NotPossible), Some(OutcomeReason::NotAuthority)),
            (Some(Outcome::Referred), None),
            (None, None),
        ]
    );
    assert!(tally::check(&db).await.unwrap().is_empty(), "and counted");
}

#[tokio::test]
async fn closed_items_get_a_default_outcome_on_sqlite() {
    crate::helpers::on_bare_sqlite(closed_items_get_a_default_outcome).await;
}

#[tokio::test]
async fn closed_items_get_a_default_outcome_on_postgres() {
    crate::helpers::on_bare_postgres(closed_items_get_a_default_outcome).await;
}
