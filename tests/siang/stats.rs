//! The statistics page on a known fiscal year: counts, answer times, the
//! EIT estimate, corruption periods, and the exports agreeing with the page.

use std::collections::BTreeMap;

use entity::enums::{Channel, Status};
use siang::domain::statistics::{fiscal_year_statistics, Period, Statistics};
use siang::domain::submissions::NewSubmission;

use crate::fixtures::{bangkok, complaint, department_id, settle, submit_at};
use crate::helpers::TestApp;
use crate::on_both_databases;

fn feedback(service: &str, ratings: &[(&str, i64)], asked_for_benefit: bool) -> NewSubmission {
    NewSubmission {
        kind: "service_feedback".into(),
        service: service.into(),
        ratings: ratings.iter().map(|(q, v)| ((*q).to_owned(), *v)).collect::<BTreeMap<_, _>>(),
        asked_for_benefit: Some(asked_for_benefit),
        ..Default::default()
    }
}

fn corruption(subject: &str) -> NewSubmission {
    let mut input = complaint(subject);
    input.kind = "corruption".into();
    input.corruption.official = "เจ้าหน้าที่".into();
    input
}

/// Fiscal year 2569 with eight submissions, plus one on each side of it.
async fn known_year(app: &TestApp) {
    let office = department_id(app, "office").await;
    // 30 Sep 2025 belongs to 2568, 1 Oct 2026 to 2570: neither may count.
    submit_at(app, complaint("ปีก่อน"), Channel::Web, bangkok(2025, 9, 30)).await;
    submit_at(app, complaint("ปีถัดไป"), Channel::Web, bangkok(2026, 10, 1)).await;

    let (a, _) = submit_at(app, complaint("ก"), Channel::Web, bangkok(2025, 10, 10)).await;
    settle(app, &a, Status::Resolved, Some(2), Some(10), Some(office), &[6, 7]).await;
    let (b, _) = submit_at(app, complaint("ข"), Channel::Phone, bangkok(2025, 11, 15)).await;
    settle(app, &b, Status::Resolved, Some(20), Some(40), None, &[]).await;
    let mut suggestion = complaint("ค");
    suggestion.kind = "suggestion".into();
    let (c, _) = submit_at(app, suggestion, Channel::Web, bangkok(2026, 1, 5)).await;
    settle(app, &c, Status::Resolved, Some(5), Some(30), None, &[8]).await;
    let (d, _) = submit_at(app, corruption("ง"), Channel::Web, bangkok(2026, 2, 1)).await;
    settle(app, &d, Status::Resolved, Some(1), Some(7), None, &[]).await;
    let (e, _) = submit_at(app, corruption("จ"), Channel::Hotline1111, bangkok(2026, 2, 20)).await;
    settle(app, &e, Status::InProgress, Some(3), None, None, &[]).await;
    submit_at(
        app,
        feedback("land-tax", &[("procedure_time", 4), ("equal_treatment", 3), ("info_access", 2)], false),
        Channel::Web,
        bangkok(2026, 4, 3),
    )
    .await;
    submit_at(
        app,
        feedback("building-permit", &[("procedure_time", 2), ("clear_answers", 4), ("transparency", 1)], true),
        Channel::WalkIn,
        bangkok(2026, 7, 1),
    )
    .await;
    // Never answered; its due date (15 days) has passed by "now".
    submit_at(app, complaint("ซ"), Channel::Line, bangkok(2026, 9, 30)).await;
}

async fn statistics(app: &TestApp, period: Period) -> Statistics {
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    fiscal_year_statistics(&app.db, agency.id, 2569, period, bangkok(2026, 11, 25)).await.unwrap()
}

fn counts(list: &[siang::domain::statistics::Count]) -> Vec<(&str, i64)> {
    list.iter().filter(|c| c.count > 0).map(|c| (c.code.as_str(), c.count)).collect()
}

async fn statistics_count_the_fiscal_year_exactly(app: TestApp) {
    known_year(&app).await;
    let stats = statistics(&app, Period::Quarter).await;

    assert_eq!((stats.total, stats.feedback), (6, 2), "service feedback is counted apart, not as matters");
    assert_eq!(
        counts(&stats.by_kind),
        [("service_feedback", 2), ("complaint", 3), ("corruption", 2), ("suggestion", 1)]
    );
    assert_eq!(counts(&stats.by_channel), [("web", 4), ("walk_in", 1), ("phone", 1), ("line", 1), ("hotline_1111", 1)]);
    assert_eq!(counts(&stats.by_status), [("received", 3), ("in_progress", 1), ("resolved", 4)]);
    assert_eq!(counts(&stats.by_indicator), [("6", 1), ("7", 1), ("8", 1)]);
    assert_eq!(stats.by_indicator.len(), 5, "indicators 6–10, zeros shown");
    let departments: Vec<(Option<&str>, i64)> =
        stats.by_department.iter().filter(|d| d.count > 0).map(|d| (d.department_en.as_deref(), d.count)).collect();
    assert_eq!(
        departments,
        [
            (Some("Office of the Permanent Secretary"), 1),
            (Some("Finance Division"), 1),
            (Some("Public Works Division"), 1),
            (None, 5)
        ]
    );
    // Matters per period: the feedback of April and July is not one.
    let quarters: Vec<i64> = stats.by_period.iter().map(|p| p.count).collect();
    assert_eq!(quarters, [2, 3, 0, 1]);
    let halves: Vec<i64> = statistics(&app, Period::Half).await.by_period.iter().map(|p| p.count).collect();
    assert_eq!(halves, [5, 1]);
    let months: Vec<i64> = statistics(&app, Period::Month).await.by_period.iter().map(|p| p.count).collect();
    assert_eq!(months, [1, 1, 0, 1, 2, 0, 0, 0, 0, 0, 0, 1]);

    // Feedback needs no answer: six submissions wait for one, four came on time.
    assert_eq!((stats.answered_on_time, stats.answer_due), (4, 6));
    // First answers after 2, 20, 5, 1 and 3 days; closings after 10, 40, 30 and 7.
    assert_eq!(stats.median_days_to_first_answer, Some(3.0));
    assert_eq!(stats.median_days_to_close, Some(20.0));
}

async fn the_eit_estimate_scores_answers_as_the_ita_does(app: TestApp) {
    known_year(&app).await;
    let stats = statistics(&app, Period::Month).await;
    let eit: Vec<(u8, Option<f64>, i64)> = stats.eit.iter().map(|e| (e.indicator, e.score, e.responses)).collect();
    // 6: 100 + 85 + 100 (not asked) + 50 + 0 (asked) over 5 answers; 7: (50 + 100) / 2; 8: one answer of 1.
    assert_eq!(eit, [(6, Some(67.0), 2), (7, Some(75.0), 2), (8, Some(0.0), 1)]);
    let average = |id: &str| stats.questions.iter().find(|q| q.question == id).unwrap();
    assert_eq!((average("procedure_time").answers, average("procedure_time").average), (2, Some(3.0)));
    assert_eq!(average("participation").average, None);
    assert_eq!((average("asked_for_benefit").answers, average("asked_for_benefit").yes), (2, Some(1)));
}

async fn corruption_statistics_say_no_complaints_for_empty_periods(app: TestApp) {
    known_year(&app).await;
    let stats = statistics(&app, Period::Quarter).await;
    let rows: Vec<(i32, i64, i64, i64)> =
        stats.corruption.iter().map(|c| (c.period, c.received, c.completed, c.in_progress)).collect();
    assert_eq!(rows, [(1, 0, 0, 0), (2, 2, 1, 1), (3, 0, 0, 0), (4, 0, 0, 0)]);

    let page = app.resident().get("/stats/2569?period=quarter").await;
    assert_eq!(page.status, 200);
    let table = &page.body[page.body.find("id=\"corruption\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("ไม่มีเรื่องร้องเรียน").count(), 3, "one row per empty quarter, never an empty table");
    let months = app.resident().get("/stats/2569?period=month").await;
    assert_eq!(months.body.matches("ไม่มีเรื่องร้องเรียน").count(), 11);

    // A year with nothing at all still shows every period, each saying so.
    let empty = app.resident().get("/stats/2560?period=half").await;
    assert_eq!(empty.body.matches("ไม่มีเรื่องร้องเรียน").count(), 2);
}

async fn the_page_draws_each_count_as_a_bar_beside_its_number(app: TestApp) {
    known_year(&app).await;
    let page = app.resident().get("/stats/2569").await;
    assert_eq!(page.status, 200);
    let by_kind = &page.body[page.body.find(r#"<table class="data chart" aria-labelledby="by_kind">"#).unwrap()..];
    let by_kind = &by_kind[..by_kind.find("</table>").unwrap()];
    // The label is page text (it wraps on a phone), the number is read out, the bar is not.
    assert!(by_kind.contains(r#"<th scope="row">เรื่องร้องเรียน/ร้องทุกข์</th><td class="num">3</td>"#), "{by_kind}");
    assert!(by_kind.contains(r#"aria-hidden="true"><rect width="1000""#), "the largest count fills its cell");
    assert!(!page.body.contains("<caption>จำแนกตามประเภทเรื่อง</caption>"), "the heading is not repeated as a caption");
    assert!(page.body.contains("ค่าประมาณ"), "the EIT figure is labelled an estimate");
    assert!(page.body.contains("67.00"));
    assert!(page.body.contains(r#"<dd id="total">6</dd>"#) && page.body.contains(r#"<dd id="feedback">2</dd>"#));
}

async fn csv_and_json_carry_the_pages_numbers(app: TestApp) {
    known_year(&app).await;
    let resident = app.resident();
    let csv = resident.get("/stats/2569.csv?period=quarter").await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let json = resident.get("/api/v1/stats/2569?period=quarter").await.json();
    let page = resident.get("/stats/2569?period=quarter").await.body;

    let rows: Vec<Vec<String>> = csv.body.trim_start_matches('\u{feff}').lines().skip(1).map(split_csv).collect();
    let value = |table: &str, code: &str| -> String {
        rows.iter().find(|r| r[0] == table && r[1] == code).unwrap_or_else(|| panic!("no {table}/{code}"))[3].clone()
    };
    assert_eq!(value("summary", "total"), json["total"].to_string());
    for (table, key) in [
        ("by_kind", "by_kind"),
        ("by_channel", "by_channel"),
        ("by_status", "by_status"),
        ("by_indicator", "by_indicator"),
    ] {
        for item in json[key].as_array().unwrap() {
            let code = item["code"].as_str().unwrap();
            assert_eq!(value(table, code), item["count"].to_string(), "{table}/{code}");
            assert!(page.contains(&format!("<tr data-code=\"{code}\"><th scope=\"row\">")), "{code} on the page");
        }
    }
    for (i, quarter) in json["by_period"].as_array().unwrap().iter().enumerate() {
        assert_eq!(value("by_period", &(i + 1).to_string()), quarter["count"].to_string());
    }
    for (i, c) in json["corruption"].as_array().unwrap().iter().enumerate() {
        let row = rows.iter().find(|r| r[0] == "corruption" && r[1] == (i + 1).to_string()).unwrap();
        assert_eq!(row[3..6], [c["received"].to_string(), c["completed"].to_string(), c["in_progress"].to_string()]);
    }
    assert_eq!(value("summary", "median_days_to_first_answer"), "3.0");
    assert_eq!(value("eit_estimate", "6"), "67.00");
    assert_eq!(json["eit"][0]["score"].as_f64(), Some(67.0));
    assert!(page.contains("<dd id=\"median-first\">3.0"));
    assert!(page.contains("66.7%"));
    assert_eq!(value("summary", "on_time_percent"), "66.7");
}

/// One CSV line into cells (quoted cells may hold commas).
pub fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

on_both_databases!(
    statistics_count_the_fiscal_year_exactly,
    the_eit_estimate_scores_answers_as_the_ita_does,
    corruption_statistics_say_no_complaints_for_empty_periods,
    the_page_draws_each_count_as_a_bar_beside_its_number,
    csv_and_json_carry_the_pages_numbers,
);
