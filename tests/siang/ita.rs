//! The ITA evidence an assessor checks (issue 17): each year's item list,
//! the corruption-complaint guide, the plan's analysis of all ten
//! indicators, the EIT questions and the ITAS survey link, the corruption
//! statistics and the reports of complaint handling.

use chrono::{Duration, Utc};
use entity::enums::{Channel, Role, Status};
use serde_json::json;
use siang::domain::calendar::{fiscal_month, fiscal_year, local_date};
use siang::domain::submissions::NewSubmission;

use crate::fixtures::{bangkok, complaint, settle, submit_at};
use crate::helpers::{without_tags, Client, TestApp};
use crate::on_both_databases;

async fn logged_in<'a>(app: &'a TestApp, name: &str, role: Role) -> Client<'a> {
    app.staff(name, role, if role == Role::Officer { Some("office") } else { None }).await;
    let client = app.client([10, 1, 0, name.len() as u8]);
    client.login(name).await;
    client
}

fn corruption_report(subject: &str) -> NewSubmission {
    let mut input = complaint(subject);
    input.kind = "corruption".into();
    input.corruption.official = "เจ้าหน้าที่".into();
    input
}

async fn each_year_shows_its_own_item_codes(app: TestApp) {
    let visitor = app.resident();
    let y2569 = visitor.get("/ita/2569").await;
    let y2568 = visitor.get("/ita/2568").await;
    let (t2569, t2568) = (without_tags(&y2569.body), without_tags(&y2568.body));
    let row = |code: &str, title: &str| format!("{code}{title}");
    let guide = "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ";
    assert!(t2569.contains(&row("O16", guide)), "{t2569}");
    assert!(t2568.contains(&row("O17", guide)), "{t2568}");
    assert!(t2569.contains(&row("O25", "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร")));
    assert!(t2569.contains(&row("O19", "ผลการเปิดโอกาสให้มีส่วนร่วมในการดำเนินงาน")));
    assert!(t2568.contains(&row("O20", "การเปิดโอกาสให้เกิดการมีส่วนร่วม")));
    assert!(!y2568.body.contains(">O25<"), "2568's list has no O25 of this kind");
    // What the assessment requires, and where the portal answers it.
    assert!(y2569.body.contains("<li>ส่วนงานที่รับผิดชอบ</li>") && y2569.body.contains("href=\"/manual#corruption\""));
    assert!(y2569.body.contains("href=\"/stats/2568#corruption\""), "O18 asks for the previous year's figures");
    assert!(t2569.contains("รายการ OIT ปี 2569"), "the list says where it comes from");
    // A later year without its own list says which one it shows.
    let later = visitor.get("/ita/2571").await;
    assert!(without_tags(&later.body).contains("แสดงรายการของปี 2569") && later.body.contains("href=\"/plan/2571\""));
}

async fn the_guide_has_the_required_elements_and_admins_issue_it(app: TestApp) {
    let page = app.resident().get("/manual").await;
    for heading in ["วิธีการร้องเรียน", "ขั้นตอนการจัดการเรื่องร้องเรียน", "ส่วนงานที่รับผิดชอบ", "ระยะเวลาดำเนินการ"]
    {
        assert!(page.body.contains(heading), "{heading}");
    }
    assert!(page.body.contains("นายอำเภอ") && page.body.contains("1205") && page.body.contains("1206"));
    let agency = siang::domain::agency::current(&app.db).await.unwrap();
    assert!(page.body.contains(&format!("แจ้งผลภายใน {} วัน", agency.closing_days)), "time frames from the settings");
    assert!(page.body.contains("ฉบับร่าง"), "not issued yet");

    let officer = logged_in(&app, "somchai", Role::Officer).await;
    assert_eq!(officer.get("/staff/manual").await.status, 403);
    assert_eq!(officer.post_form("/staff/manual", &[("issuer_name", "x")]).await.status, 403);

    let admin = logged_in(&app, "anong", Role::Admin).await;
    let form = admin.get("/staff/manual").await;
    assert!(form.body.contains("นายอำเภอ"), "the form opens with the default text");
    let steps = "1. รับเรื่องและลงทะเบียน\n2. ตรวจสอบข้อเท็จจริง\n3. แจ้งผลภายใน 30 วัน";
    let fields = [
        ("handling_steps", steps),
        ("issuer_name", "นายสมปอง ใจดี"),
        ("issuer_position", "นายกองค์การบริหารส่วนตำบล"),
        ("issued_on", "2025-10-15"),
    ];
    // An issuer without a date is a draft that names someone: refused.
    let undated = admin.post_form("/staff/manual", &fields[..3]).await;
    assert_eq!(undated.status, 422, "{}", undated.body);
    assert_eq!(app.count("complaint_guide").await, 0);

    assert_eq!(admin.post_form("/staff/manual", &fields).await.status, 303);
    let page = app.resident().get("/manual").await;
    assert!(page.body.contains("2. ตรวจสอบข้อเท็จจริง"), "the admin's own steps");
    assert!(page.body.contains("ประกาศ ณ วันที่ 15 ตุลาคม 2568") && page.body.contains("นายสมปอง ใจดี"));
    assert!(page.body.contains("นายอำเภอ"), "sections left alone keep the default");
    assert_eq!(app.audit_actions().await.iter().filter(|a| *a == "guide_saved").count(), 1);

    // The form shown before that save is out of date now.
    let stale = admin.post_form("/staff/manual", &fields).await;
    assert_eq!(stale.status, 409, "a form without the new version");
    let again = admin.get("/staff/manual").await;
    let seen = again.hidden_field("seen");
    let mut same = fields.to_vec();
    same.push(("seen", &seen));
    assert_eq!(admin.post_form("/staff/manual", &same).await.status, 303);
    assert_eq!(
        app.audit_actions().await.iter().filter(|a| *a == "guide_saved").count(),
        1,
        "saving what is stored changes nothing"
    );
}

async fn two_admins_saving_the_guide_at_once_one_wins(app: TestApp) {
    app.staff("anong", Role::Admin, None).await;
    app.staff("boon", Role::Admin, None).await;
    let (a, b) = (app.client([10, 0, 0, 1]), app.client([10, 0, 0, 2]));
    a.login("anong").await;
    b.login("boon").await;
    for round in 0..30 {
        let seen = a.get("/staff/manual").await;
        let seen = if round == 0 { None } else { Some(seen.hidden_field("seen")) };
        let text_a = format!("ขั้นตอนของอนงค์ {round}");
        let text_b = format!("ขั้นตอนของบุญ {round}");
        let seen = seen.unwrap_or_default();
        let fa = [("handling_steps", text_a.as_str()), ("seen", seen.as_str())];
        let fb = [("handling_steps", text_b.as_str()), ("seen", seen.as_str())];
        let (ra, rb) = tokio::join!(a.post_form("/staff/manual", &fa), b.post_form("/staff/manual", &fb));
        let statuses = [ra.status.as_u16(), rb.status.as_u16()];
        assert!(statuses.iter().all(|s| [303, 409].contains(s)), "{statuses:?} {} {}", ra.body, rb.body);
        assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "exactly one wins: {statuses:?}");
        let page = app.resident().get("/manual").await;
        let winner = if statuses[0] == 303 { &text_a } else { &text_b };
        assert!(page.body.contains(winner.as_str()), "the page shows the winner's text");
    }
    assert_eq!(app.audit_actions().await.iter().filter(|a| *a == "guide_saved").count(), 30);
}

async fn the_plan_covers_all_ten_indicators_with_their_analysis(app: TestApp) {
    let admin = logged_in(&app, "anong", Role::Admin).await;
    let measure = [
        ("indicator", "1"),
        ("position", "1"),
        ("title_th", "จัดทำคู่มือการปฏิบัติงานของเจ้าหน้าที่"),
        ("steps", "1. กำหนดขั้นตอน"),
        ("period_start", "2025-10-01"),
        ("period_end", "2026-09-30"),
    ];
    assert_eq!(admin.post_form("/staff/plan/2569", &measure).await.status, 303, "indicator 1 is part of the plan");
    let mut eleven = measure.to_vec();
    eleven[0] = ("indicator", "11");
    assert_eq!(admin.post_form("/staff/plan/2569", &eleven).await.status, 422);

    let analysis = [("indicator", "1"), ("score", "100"), ("analysis", "ได้ 100 คะแนน ควรรักษามาตรฐานไว้")];
    assert_eq!(
        admin
            .post_form("/staff/plan/2569/analysis", &[("indicator", "1"), ("score", "100.5"), ("analysis", "x")])
            .await
            .status,
        422
    );
    assert_eq!(admin.post_form("/staff/plan/2569/analysis", &analysis).await.status, 303);
    assert_eq!(admin.post_form("/staff/plan/2569/analysis", &analysis).await.status, 409, "the form had no version");
    let officer = logged_in(&app, "somchai", Role::Officer).await;
    assert_eq!(officer.post_form("/staff/plan/2569/analysis", &analysis).await.status, 403);
    assert_eq!(app.audit_actions().await.iter().filter(|a| *a == "plan_analysis_saved").count(), 1);

    let page = app.resident().get("/plan/2569").await;
    for indicator in 1..=10 {
        assert!(page.body.contains(&format!("id=\"indicator-{indicator}\"")), "indicator {indicator}");
    }
    assert!(page.body.contains("การปฏิบัติหน้าที่") && page.body.contains("IIT"));
    assert!(page.body.contains("ผลการวิเคราะห์ผลการประเมิน ITA ปีงบประมาณ 2568 · 100.00 คะแนน"));
    assert!(page.body.contains("ควรรักษามาตรฐานไว้") && page.body.contains("จัดทำคู่มือการปฏิบัติงานของเจ้าหน้าที่"));

    // Submissions still link to the public-facing indicators only.
    let (item, _) = submit_at(&app, complaint("ถนนชำรุด"), Channel::Web, Utc::now()).await;
    let staff = crate::fixtures::admin(&app).await;
    let linked = siang::domain::submissions::triage::set_indicator(&app.db, &staff, item.id, 3, true, Utc::now()).await;
    assert!(linked.is_err(), "a submission is linked to indicators 6–10 only");
}

async fn the_survey_asks_the_fifteen_eit_questions(app: TestApp) {
    let form = app.resident().get("/submit").await;
    let texts: Vec<&str> =
        siang::domain::submissions::questions::all().iter().map(|q| q.text(siang::i18n::Lang::Th)).collect();
    assert_eq!(texts.len(), 15);
    let positions: Vec<usize> = texts.iter().map(|t| form.body.find(t).unwrap_or_else(|| panic!("{t}"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in the EIT's order");
    assert!(form.body.contains("name=\"ratings.feedback_channel\" value=\"4\""), "มี/ไม่มี questions");

    let feedback = |ratings: serde_json::Value| json!({"kind": "service_feedback", "service": "land-tax", "ratings": ratings, "asked_for_benefit": false});
    let refused = app.resident().post_json("/api/v1/submissions", &feedback(json!({"feedback_channel": 2}))).await;
    assert_eq!(refused.status, 422, "มี is 4 and ไม่มี is 1: {}", refused.body);
    app.submit(feedback(json!({"info_access": 4, "feedback_channel": 1, "corruption_channel": 4}))).await;
    let year = fiscal_year(local_date(Utc::now()));
    let stats = app.resident().get(&format!("/api/v1/stats/{year}")).await.json();
    let eit7 = stats["eit"].as_array().unwrap().iter().find(|e| e["indicator"] == 7).unwrap().clone();
    // 100 (much) + 0 (no channel) + 100 (has a channel), over three answers.
    assert!((eit7["score"].as_f64().unwrap() - 200.0 / 3.0).abs() < 0.01, "{eit7}");
    let has = stats["questions"].as_array().unwrap().iter().find(|q| q["question"] == "corruption_channel").unwrap();
    assert_eq!((has["answers"].as_i64(), has["yes"].as_i64()), (Some(1), Some(1)));
    assert_eq!(
        (stats["total"].as_i64(), stats["feedback"].as_i64()),
        (Some(0), Some(1)),
        "an evaluation is not a matter"
    );
}

async fn the_itas_survey_link_shows_only_while_it_collects(app: TestApp) {
    let today = local_date(Utc::now());
    let year = fiscal_year(today);
    let url = "https://itas.nacc.go.th/go/eit/abc123";
    let admin = logged_in(&app, "anong", Role::Admin).await;
    let path = format!("/staff/ita/{year}/survey");
    let window = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
        vec![
            ("survey_url".to_owned(), url.to_owned()),
            ("opens_on".into(), from.to_string()),
            ("closes_on".into(), to.to_string()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let admin = &admin;
        let path = path.clone();
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            admin.post_form(&path, &refs).await
        }
    };
    let mut http = window(today, today);
    http[0].1 = "http://itas.nacc.go.th/go/eit/abc123".into();
    assert_eq!(post(http).await.status, 422, "an https link only");
    let officer = logged_in(&app, "somchai", Role::Officer).await;
    assert_eq!(officer.post_form(&path, &[("survey_url", url)]).await.status, 403);

    // A window that has ended: nothing shown.
    assert_eq!(post(window(today - Duration::days(30), today - Duration::days(1))).await.status, 303);
    assert!(!app.resident().get("/").await.body.contains(url));
    assert!(!app.resident().get(&format!("/ita/{year}")).await.body.contains(url));

    let seen = admin.get(&format!("/staff/ita/{year}")).await.hidden_field("seen");
    let mut open = window(today - Duration::days(1), today + Duration::days(10));
    open.push(("seen".into(), seen));
    assert_eq!(post(open).await.status, 303);
    for page in ["/".to_owned(), format!("/ita/{year}")] {
        let body = app.resident().get(&page).await.body;
        assert!(body.contains(&format!("href=\"{url}\"")), "{page}");
        assert!(body.contains("<svg class=\"qr\"") && body.contains("aria-label=\"คิวอาร์โค้ดลิงก์แบบสำรวจ ITAS\""));
    }
    assert_eq!(app.audit_actions().await.iter().filter(|a| *a == "itas_survey_saved").count(), 2);
}

async fn corruption_statistics_leave_future_months_blank_and_name_the_year(app: TestApp) {
    let today = local_date(Utc::now());
    let year = fiscal_year(today);
    let visitor = app.resident();
    let csv = visitor.get(&format!("/stats/{year}.csv")).await.body;
    let row = |month: i32| {
        csv.lines()
            .find(|l| l.starts_with(&format!("corruption,{month},")))
            .unwrap_or_else(|| panic!("{csv}"))
            .to_owned()
    };
    assert!(row(1).ends_with(",0,0,0"), "a month that has begun has its zeros: {}", row(1));
    if fiscal_month(today) < 12 {
        assert!(row(12).ends_with(",,,"), "a month to come is blank: {}", row(12));
        let page = visitor.get(&format!("/stats/{year}")).await.body;
        let none = page.matches("ไม่มีเรื่องร้องเรียน").count();
        assert_eq!(none as i32, fiscal_month(today), "only months that began say there were none");
    }
    let past = visitor.get("/stats/2569").await.body;
    assert!(past.contains("ตุลาคม 2568") && past.contains("กันยายน 2569"), "month labels carry the year");
    visitor.set_cookie("siang_lang", "en");
    assert!(visitor.get("/stats/2569").await.body.contains("October 2025"));
    let quarters = app.resident().get("/stats/2569?period=quarter").await.body;
    assert!(quarters.contains("ไตรมาส 2 (ม.ค.–มี.ค. 2569)"));
}

async fn complaint_reports_are_generated_from_the_data(app: TestApp) {
    let (a, _) = submit_at(&app, corruption_report("รับเงินใต้โต๊ะ"), Channel::Web, bangkok(2025, 10, 20)).await;
    settle(&app, &a, Status::Resolved, Some(3), Some(20), None, &[10]).await;
    let (b, _) = submit_at(&app, corruption_report("จัดซื้อไม่โปร่งใส"), Channel::Letter, bangkok(2025, 12, 5)).await;
    settle(&app, &b, Status::Referred, Some(2), Some(4), None, &[]).await;
    let (c, _) = submit_at(&app, corruption_report("เรียกรับเงิน"), Channel::Web, bangkok(2026, 2, 10)).await;
    settle(&app, &c, Status::InProgress, Some(3), None, None, &[]).await;
    submit_at(&app, corruption_report("หลังครึ่งปี"), Channel::Web, bangkok(2026, 5, 10)).await;
    let (d, _) = submit_at(&app, complaint("ถนนชำรุด"), Channel::Web, bangkok(2025, 11, 3)).await;
    settle(&app, &d, Status::Resolved, Some(1), Some(5), None, &[6]).await;

    let half = app.resident().get("/stats/2569/report/half").await;
    assert_eq!(half.status, 200);
    let text = &without_tags(&half.body);
    assert!(text.contains("รอบ 6 เดือน") && text.contains("ตุลาคม 2568 – มีนาคม 2569"));
    assert!(
        text.contains("ได้รับเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ 3 เรื่อง ดำเนินการแล้วเสร็จ 2 เรื่อง อยู่ระหว่างดำเนินการ 1 เรื่อง"),
        "the six months only: {text}"
    );
    assert!(text.contains("ร้องเรียน/ร้องทุกข์ทั่วไป 1 เรื่อง"));
    assert!(!text.contains("รับเงินใต้โต๊ะ") && !text.contains("จัดซื้อไม่โปร่งใส"), "no corruption report one by one");
    let year = without_tags(&app.resident().get("/stats/2569/report/year").await.body);
    assert!(year.contains("การทุจริตและประพฤติมิชอบ 4 เรื่อง"), "{year}");
    assert_eq!(app.resident().get("/stats/2569/report/quarter").await.status, 404);

    // The statistics page counts the same, by status.
    let stats = app.resident().get("/api/v1/stats/2569").await.json();
    let october = &stats["corruption"][0];
    assert_eq!((october["received"].as_i64(), october["completed"].as_i64()), (Some(1), Some(1)));
    let counts = siang::domain::tally::check(&app.db).await.unwrap();
    assert!(counts.is_empty(), "{counts:?}");
}

on_both_databases!(
    each_year_shows_its_own_item_codes,
    the_guide_has_the_required_elements_and_admins_issue_it,
    two_admins_saving_the_guide_at_once_one_wins,
    the_plan_covers_all_ten_indicators_with_their_analysis,
    the_survey_asks_the_fifteen_eit_questions,
    the_itas_survey_link_shows_only_while_it_collects,
    corruption_statistics_leave_future_months_blank_and_name_the_year,
    complaint_reports_are_generated_from_the_data,
);
