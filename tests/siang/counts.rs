//! The counts the pages show are kept by the writes (DESIGN.md rule 3): after
//! any mix of what residents and staff do, they equal a count of the rows;
//! `recount` repairs them; and the database refuses illegal rows.

use chrono::{Duration, Utc};
use entity::enums::{Channel, Role, Status};
use entity::submission;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveEnum, ConnectionTrait, EntityTrait};
use siang::domain::actor::Staff;
use siang::domain::participation::publication::{self, PublishInput};
use siang::domain::submissions::outcome::Closing;
use siang::domain::submissions::triage::{self, Assignment, DueChange, StatusChange};
use siang::domain::submissions::verdict::{self, VerdictInput};
use siang::domain::submissions::{workflow, NewSubmission};
use siang::domain::tally;

use crate::fixtures::{complaint, department_id, staff, submit_at};
use crate::helpers::TestApp;
use crate::on_both_databases;

/// Workflows per run, each from its own random seed (printed on failure).
const WORKFLOWS: usize = 4;
const STEPS: usize = 60;

fn random_submission(rng: &mut StdRng) -> NewSubmission {
    let mut input = complaint("เรื่องทดสอบ");
    match rng.random_range(0..5) {
        0 => {
            input.kind = "service_feedback".into();
            input.service = ["land-tax", "building-permit", "street-light"][rng.random_range(0..3)].into();
            for question in ["procedure_time", "equal_treatment", "transparency"] {
                if rng.random_bool(0.7) {
                    input.ratings.insert(question.into(), rng.random_range(1..=4));
                }
            }
            // The มี/ไม่มี questions are counted by their stored ratings too.
            for question in ["feedback_channel", "corruption_channel"] {
                if rng.random_bool(0.5) {
                    input.ratings.insert(question.into(), if rng.random_bool(0.8) { 4 } else { 1 });
                }
            }
            input.asked_for_benefit = rng.random_bool(0.5).then(|| rng.random_bool(0.2));
        }
        1 => input.kind = "suggestion".into(),
        2 => input.kind = "question".into(),
        3 => {
            input.kind = "corruption".into();
            input.corruption.official = "เจ้าหน้าที่".into();
        }
        _ => {
            if rng.random_bool(0.5) {
                input.service = "street-light".into();
            }
        }
    }
    input
}

/// One random workflow: residents submit over two fiscal years, staff
/// move, assign, link, answer, reschedule and publish.
async fn random_workflow(app: &TestApp, admin: &Staff, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let departments = [department_id(app, "office").await, department_id(app, "works").await];
    let channels = [Channel::Web, Channel::Phone, Channel::WalkIn, Channel::Line];
    let mut items: Vec<i64> = Vec::new();
    let start = Utc::now() - Duration::days(500);
    for step in 0..STEPS {
        let at = start + Duration::days(step as i64 * 8) + Duration::hours(rng.random_range(0..24));
        if items.is_empty() || rng.random_bool(0.35) {
            let channel = channels[rng.random_range(0..channels.len())];
            let (stored, _) = submit_at(app, random_submission(&mut rng), channel, at).await;
            items.push(stored.id);
            continue;
        }
        let id = items[rng.random_range(0..items.len())];
        let item = submission::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
        let result = match rng.random_range(0..9) {
            0 => {
                let next = workflow::next_statuses(item.status);
                let Some(to) = (!next.is_empty()).then(|| next[rng.random_range(0..next.len())]) else { continue };
                let message =
                    if rng.random_bool(0.6) || workflow::needs_message(to) { "ตอบกลับ" } else { "" };
                // Each outcome the closing allows, or none said.
                let outcomes = Closing::for_status(to);
                let outcome = match rng.random_range(0..=outcomes.len()) {
                    n if n < outcomes.len() => outcomes[n].code(),
                    _ => String::new(),
                };
                let change = StatusChange {
                    to: to.to_value(),
                    message: message.into(),
                    referred_to: "อำเภอ".into(),
                    seen: Some(item.status.to_value()),
                    outcome,
                };
                triage::change_status(&app.db, admin, id, change, at).await
            }
            1 => {
                let department = rng.random_bool(0.8).then(|| departments[rng.random_range(0..2)]);
                let to = Assignment { department_id: department, ..Default::default() };
                triage::assign(&app.db, admin, id, to, at).await
            }
            2 | 3 => {
                triage::set_indicator(&app.db, admin, id, rng.random_range(6..=10), rng.random_bool(0.7), at).await
            }
            4 => triage::add_message(&app.db, admin, id, "คำตอบ", rng.random_bool(0.5), at).await,
            5 => {
                let date = (item.received_at + Duration::days(rng.random_range(1..60))).format("%Y-%m-%d").to_string();
                triage::change_due(&app.db, admin, id, DueChange { date, reason: "เหตุผล".into(), seen: None }, at).await
            }
            // The resident's verdict (refused unless closed, and after the first).
            7 => {
                let input = VerdictInput {
                    resolved: ["yes", "partly", "no"][rng.random_range(0..3)].into(),
                    satisfaction: rng.random_range(1..=5).to_string(),
                    comment: String::new(),
                };
                verdict::give(&app.db, item.agency_id, id, input, at).await
            }
            // Reopening, by the resident or by staff.
            8 => match rng.random_bool(0.5) {
                true => match verdict::reopen_by_resident(&app.db, item.agency_id, id, "ยังไม่เสร็จ", at).await
                {
                    // Not closed (any more): the other click's answer.
                    Err(siang::domain::error::DomainError::Conflict) => Ok(()),
                    other => other,
                },
                false => triage::reopen(&app.db, admin, id, "เปิดใหม่", None, at).await,
            },
            _ => {
                let input = PublishInput { summary_th: format!("สรุป {step}"), ..Default::default() };
                match rng.random_bool(0.7) {
                    true => publication::publish(&app.db, admin, id, input, at).await,
                    false => publication::unpublish(&app.db, admin, id, at).await,
                }
            }
        };
        // Refusals (a closed item's due date, a corruption report's
        // publication…) are part of the mix; failures are not.
        if let Err(err) = result {
            use siang::domain::error::DomainError;
            assert!(
                matches!(err, DomainError::Invalid(_) | DomainError::Forbidden),
                "seed {seed}, step {step}: {err:?}"
            );
        }
    }
}

async fn the_counts_equal_a_recount_after_any_workflow(app: TestApp) {
    let admin = staff(&app, "counter", "ผู้นับ", Role::Admin, None).await;
    for _ in 0..WORKFLOWS {
        let seed: u64 = rand::random();
        random_workflow(&app, &admin, seed).await;
        let differences = tally::check(&app.db).await.unwrap();
        assert!(differences.is_empty(), "seed {seed}: the kept counts differ from the rows: {differences:#?}");
    }
}

async fn a_count_gone_wrong_is_found_and_recount_repairs_it(app: TestApp) {
    let admin = staff(&app, "counter", "ผู้นับ", Role::Admin, None).await;
    random_workflow(&app, &admin, 2569).await;
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let year = siang::domain::calendar::fiscal_year(siang::domain::calendar::local_date(Utc::now()));
    let before =
        siang::domain::statistics::fiscal_year_statistics(&app.db, agency.id, year - 1, Default::default(), Utc::now())
            .await
            .unwrap();

    app.db.execute_unprepared("UPDATE tally SET n = n + 5 WHERE figure = 'kind'").await.unwrap();
    app.db.execute_unprepared("DELETE FROM inbox_tally WHERE indicator = 0 AND status = 'received'").await.unwrap();
    let found = tally::check(&app.db).await.unwrap();
    assert!(found.iter().any(|d| d.stored == d.counted + 5), "{found:?}");
    assert!(found.iter().any(|d| d.stored == 0 && d.counted > 0), "a missing count is found too");

    tally::recount(&app.db).await.unwrap();
    assert!(tally::check(&app.db).await.unwrap().is_empty());
    let after =
        siang::domain::statistics::fiscal_year_statistics(&app.db, agency.id, year - 1, Default::default(), Utc::now())
            .await
            .unwrap();
    assert_eq!((after.total, after.by_kind, after.by_status), (before.total, before.by_kind, before.by_status));
}

async fn the_database_refuses_illegal_rows(app: TestApp) {
    let admin = staff(&app, "checker", "ผู้ตรวจ", Role::Admin, None).await;
    let (item, _) = submit_at(&app, complaint("ท่อแตก"), Channel::Web, Utc::now()).await;
    let id = item.id;
    let refused = [
        format!("UPDATE submission SET status = 'resolved' WHERE id = {id}"),
        format!("UPDATE submission SET closed_at = updated_at WHERE id = {id}"),
        format!("UPDATE submission SET status = 'referred', closed_at = updated_at, next_due_at = NULL, first_answered_at = updated_at WHERE id = {id}"),
        format!("UPDATE submission SET status = 'lost' WHERE id = {id}"),
        format!("UPDATE submission SET next_due_at = NULL WHERE id = {id}"),
        format!("INSERT INTO submission_indicator (submission_id, indicator) VALUES ({id}, 11)"),
        "UPDATE tally SET n = -1".to_owned(),
    ];
    for sql in refused {
        assert!(app.db.execute_unprepared(&sql).await.is_err(), "the database took: {sql}");
    }
    // A legal closing passes the same checks.
    let change = StatusChange {
        to: "rejected".into(), message: "ไม่ใช่อำนาจหน้าที่".into(), ..Default::default()
    };
    triage::change_status(&app.db, &admin, id, change, Utc::now()).await.unwrap();
    let closed = submission::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(closed.status, Status::Rejected);
    assert!(closed.closed_at.is_some() && closed.next_due_at.is_none() && closed.first_answered_at.is_some());
}

on_both_databases!(
    the_counts_equal_a_recount_after_any_workflow,
    a_count_gone_wrong_is_found_and_recount_repairs_it,
    the_database_refuses_illegal_rows,
);

/// Rows as two staff changing one item at once left them before the write
/// rule: the migration that adds the checks repairs them to agree with their
/// status and writes each repair to the audit log.
async fn the_migration_repairs_what_races_left(db: sea_orm::DatabaseConnection) {
    use migration::MigratorTrait;
    migration::Migrator::up(&db, Some(6)).await.unwrap();
    let insert = |n: i64, status: &str, closed: &str, next_due: &str, referred: &str| {
        format!(
            "INSERT INTO submission (agency_id, tracking_code, fiscal_year, fiscal_month, kind, channel, status, \
             subject, details, anonymous, access_key_hash, received_at, due_at, close_due_at, next_due_at, \
             referred_to, first_answered_at, closed_at, updated_at) VALUES (1, '2569-00000{n}', 2569, 3, \
             'complaint', 'web', '{status}', 's', 'd', true, 'h', '2025-12-01 02:00:00+00:00', \
             '2025-12-16 02:00:00+00:00', '2025-12-31 02:00:00+00:00', {next_due}, {referred}, NULL, {closed}, \
             '2025-12-05 02:00:00+00:00')"
        )
    };
    let at = "'2025-12-04 02:00:00+00:00'";
    for sql in [
        insert(1, "in_progress", at, "NULL", "NULL"), // moved on after a rejection
        insert(2, "rejected", "NULL", "'2025-12-31 02:00:00+00:00'", "NULL"), // closed without closed_at
        insert(3, "referred", at, "NULL", "NULL"),    // referred, nowhere named
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    migration::Migrator::up(&db, None).await.unwrap();
    siang::domain::tally::ensure_counted(&db).await.unwrap();

    let rows = submission::Entity::find().all(&db).await.unwrap();
    let by_code = |n: i64| rows.iter().find(|r| r.tracking_code == format!("2569-00000{n}")).unwrap();
    assert!(by_code(1).closed_at.is_none() && by_code(1).next_due_at.is_some(), "open again: no closing date");
    assert!(
        by_code(2).closed_at.is_some() && by_code(2).next_due_at.is_none() && by_code(2).first_answered_at.is_some()
    );
    assert_eq!(by_code(3).referred_to.as_deref(), Some("-"));
    let repaired = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'repaired' AND actor_name = 'migration'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(repaired.try_get::<i64>("", "n").unwrap() >= 3, "every repair is on record");
    assert!(siang::domain::tally::check(&db).await.unwrap().is_empty(), "and counted");
}

#[tokio::test]
async fn the_migration_repairs_what_races_left_on_sqlite() {
    crate::helpers::on_bare_sqlite(the_migration_repairs_what_races_left).await;
}

#[tokio::test]
async fn the_migration_repairs_what_races_left_on_postgres() {
    crate::helpers::on_bare_postgres(the_migration_repairs_what_races_left).await;
}
