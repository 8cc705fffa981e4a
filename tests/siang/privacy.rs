//! Nothing private ever leaves: markers in every private field, some items
//! published, then every public page, export, feed and API answer scanned.

use chrono::Utc;
use entity::activity::ActivityKind;
use entity::enums::{Channel, Role, Status};
use siang::domain::participation::activities::{save_activity, ActivityInput};
use siang::domain::participation::plan::{link_evidence, note_progress, save_measure, Evidence, MeasureInput};
use siang::domain::participation::publication::{publish, unpublish, PublishInput};
use siang::domain::submissions::verdict::{self, VerdictInput};
use siang::domain::submissions::{ContactInput, CorruptionFacts, NewSubmission};

use crate::fixtures::{bangkok, department_id, internal_note, settle, staff, submit_at};
use crate::helpers::TestApp;
use crate::on_both_databases;

/// A submission with a marker in every field the public must never see.
fn marked(kind: &str, tag: &str) -> NewSubmission {
    NewSubmission {
        kind: kind.into(),
        subject: format!("PRIVSUBJECT{tag}"),
        details: format!("PRIVDETAILS{tag}"),
        location: format!("PRIVLOCATION{tag}"),
        contact: ContactInput {
            name: format!("PRIVNAME{tag}"),
            phone: "0891357924".into(),
            email: format!("priv.email.{tag}@example.org").to_lowercase(),
            ..Default::default()
        },
        corruption: if kind == "corruption" {
            CorruptionFacts {
                official: format!("PRIVOFFICIAL{tag}"),
                occurred_when: format!("PRIVWHEN{tag}"),
                evidence: format!("PRIVEVIDENCE{tag}"),
            }
        } else {
            CorruptionFacts::default()
        },
        consent: true,
        ..Default::default()
    }
}

async fn no_public_answer_carries_private_data(app: TestApp) {
    let works = department_id(&app, "works").await;
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    let admin = staff(&app, "privstaffuser", "PRIVSTAFFNAME", Role::Admin, None).await;
    let now = Utc::now();
    let mut markers: Vec<String> = vec!["0891357924".into(), "PRIVSTAFFNAME".into(), "privstaffuser".into()];
    let mut hidden_codes = Vec::new();
    let mut public_codes = Vec::new();

    for (i, kind) in ["complaint", "suggestion", "corruption", "complaint"].iter().enumerate() {
        let tag = format!("X{i}");
        let (item, key) = submit_at(&app, marked(kind, &tag), Channel::Web, bangkok(2026, 2, 3 + i as u32)).await;
        let item = settle(&app, &item, Status::Resolved, Some(1), Some(3), Some(works), &[6, 8]).await;
        internal_note(&app, &item, &admin, &format!("PRIVINTERNAL{tag}")).await;
        // The resident's verdict and reopening comments are for staff only.
        if *kind != "corruption" {
            let said =
                VerdictInput { resolved: "no".into(), satisfaction: "1".into(), comment: format!("PRIVVERDICT{tag}") };
            verdict::give(&app.db, agency.id, item.id, said, now).await.unwrap();
            if i == 0 {
                let within = item.closed_at.unwrap() + chrono::Duration::days(1);
                verdict::reopen_by_resident(&app.db, agency.id, item.id, &format!("PRIVREOPEN{tag}"), within)
                    .await
                    .unwrap();
            }
            markers.extend([format!("PRIVVERDICT{tag}"), format!("PRIVREOPEN{tag}")]);
        }
        markers.extend(
            [
                "PRIVSUBJECT",
                "PRIVDETAILS",
                "PRIVLOCATION",
                "PRIVNAME",
                "PRIVOFFICIAL",
                "PRIVWHEN",
                "PRIVEVIDENCE",
                "PRIVINTERNAL",
            ]
            .map(|m| format!("{m}{tag}")),
        );
        markers.push(format!("priv.email.{tag}@example.org").to_lowercase());
        markers.push(key.clone());
        markers.push(key.replace('-', ""));
        match i {
            // Published: only the staff summary may show.
            0 | 1 => {
                let input = PublishInput {
                    summary_th: format!("สรุปสาธารณะ {i}"),
                    outcome_th: Some("ผลการดำเนินการ".into()),
                    ..Default::default()
                };
                publish(&app.db, &admin, item.id, input, now).await.unwrap();
                public_codes.push(item.tracking_code.clone());
            }
            // Published, then withdrawn: nothing of it may remain.
            3 => {
                let input = PublishInput { summary_th: "PRIVWITHDRAWN".into(), ..Default::default() };
                publish(&app.db, &admin, item.id, input, now).await.unwrap();
                unpublish(&app.db, &admin, item.id, now).await.unwrap();
                markers.push("PRIVWITHDRAWN".into());
                hidden_codes.push(item.tracking_code.clone());
            }
            // The corruption report: never publishable.
            _ => hidden_codes.push(item.tracking_code.clone()),
        }
    }
    markers.extend(hidden_codes.iter().cloned());

    let public_id = save_activity(
        &app.db,
        &admin,
        agency.id,
        None,
        ActivityInput {
            kind: ActivityKind::Hearing,
            title_th: "เวทีสาธารณะ".into(),
            title_en: None,
            held_at: bangkok(2026, 3, 1),
            place: "ศาลาประชาคม".into(),
            participants: 30,
            description: "รายละเอียด".into(),
            outcome: None,
            participant_groups: None,
            method: None,
            results_used: None,
            department_id: None,
            indicators: vec![8],
            submission_ids: vec![],
            published: true,
        },
        now,
    )
    .await
    .unwrap();
    let draft_id = save_activity(
        &app.db,
        &admin,
        agency.id,
        None,
        ActivityInput {
            kind: ActivityKind::Meeting,
            title_th: "PRIVDRAFT".into(),
            title_en: None,
            held_at: bangkok(2026, 3, 2),
            place: "PRIVDRAFTPLACE".into(),
            participants: 3,
            description: "PRIVDRAFTTEXT".into(),
            outcome: None,
            participant_groups: None,
            method: None,
            results_used: None,
            department_id: None,
            indicators: vec![8],
            submission_ids: vec![],
            published: false,
        },
        now,
    )
    .await
    .unwrap();
    markers.extend(["PRIVDRAFT".into(), "PRIVDRAFTPLACE".into()]);

    // The plan links evidence of every kind, public or not.
    let measure = save_measure(
        &app.db,
        &admin,
        agency.id,
        None,
        MeasureInput {
            fiscal_year: 2569,
            indicator: 8,
            position: 1,
            title_th: "มาตรการทดสอบ".into(),
            title_en: None,
            steps: "ขั้นตอน".into(),
            period_start: chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
            period_end: chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            department_id: None,
        },
        now,
    )
    .await
    .unwrap();
    note_progress(
        &app.db,
        &admin,
        measure,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
        entity::measure::Progress::InProgress,
        "คืบหน้า",
        now,
    )
    .await
    .unwrap();
    for evidence in [Evidence::Activity(public_id), Evidence::Activity(draft_id)] {
        link_evidence(&app.db, &admin, measure, evidence, now).await.unwrap();
    }
    let all_ids: Vec<i64> = {
        use sea_orm::EntityTrait;
        entity::submission::Entity::find().all(&app.db).await.unwrap().into_iter().map(|s| s.id).collect()
    };
    for id in all_ids {
        link_evidence(&app.db, &admin, measure, Evidence::Submission(id), now).await.unwrap();
    }

    let mut paths: Vec<String> = [
        "/",
        "/log",
        "/log?fiscal_year=2569",
        "/log?indicator=8",
        "/log?kind=complaint",
        "/log?status=resolved",
        "/log.csv",
        "/feed.atom",
        "/plan/2569",
        "/stats/2569",
        "/stats/2569?period=quarter",
        "/stats/2569?period=half",
        "/stats/2569.csv",
        "/manual",
        "/ita/2569",
        "/api/v1/log",
        "/api/v1/log?kind=suggestion",
        "/api/v1/stats/2569",
    ]
    .map(String::from)
    .to_vec();
    paths.extend(public_codes.iter().map(|code| format!("/log/{code}")));
    // Open311 GeoReport v2, in both formats: the items were received in
    // February 2026, so the range names that time.
    let february = "start_date=2026-01-25T00:00:00Z&end_date=2026-03-01T00:00:00Z";
    for format in ["json", "xml"] {
        paths.push(format!("/open311/v2/services.{format}"));
        paths.push(format!("/open311/v2/requests.{format}?{february}"));
        paths.push(format!("/open311/v2/requests.{format}?{february}&status=closed&service_code=complaint,suggestion"));
        paths.extend(public_codes.iter().map(|code| format!("/open311/v2/requests/{code}.{format}")));
    }
    paths.push(format!("/activities/{public_id}"));

    let resident = app.resident();
    for lang in ["th", "en"] {
        resident.get(&format!("/language/{lang}?next=/")).await;
        for path in &paths {
            let page = resident.get(path).await;
            assert_eq!(page.status, 200, "{path}");
            for marker in &markers {
                assert!(!page.body.contains(marker.as_str()), "{path} ({lang}) leaks {marker}");
            }
        }
    }
    // What is published shows; what is not is not found.
    let log = resident.get("/log").await.body;
    for code in &public_codes {
        assert!(log.contains(code.as_str()));
    }
    let listed = resident.get(&format!("/open311/v2/requests.json?{february}")).await.body;
    for code in &hidden_codes {
        assert_eq!(resident.get(&format!("/log/{code}")).await.status, 404);
        assert_eq!(resident.get(&format!("/open311/v2/requests/{code}.json")).await.status, 404);
    }
    for code in &public_codes {
        assert!(listed.contains(code.as_str()), "Open311 lists the published {code}");
    }
    assert_eq!(resident.get(&format!("/activities/{draft_id}")).await.status, 404);
    assert!(resident.get("/plan/2569").await.body.contains("เวทีสาธารณะ"), "public evidence is listed");
}

on_both_databases!(no_public_answer_carries_private_data);
