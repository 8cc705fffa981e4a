//! E-Service figures (ITA item O10, issue 17 point 4): each month's
//! submissions by channel and kind and the requests answered on time, as
//! the public page shows them, equal a count of the rows themselves.

use chrono::Utc;
use entity::enums::{Channel, Code, Kind, Status};
use sea_orm::{ConnectionTrait, Iterable, Statement};

use crate::fixtures::{bangkok, complaint, settle, submit_at};
use crate::helpers::TestApp;
use crate::on_both_databases;

async fn count(app: &TestApp, condition: &str) -> i64 {
    let row = app
        .db
        .query_one(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM submission WHERE {condition}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

/// A cell of the page as a number ("1,234" → 1234); blank is `None`.
fn cell(page: &crate::helpers::TestResponse, id: &str) -> Option<i64> {
    let text = page.element_text(id).replace(',', "");
    (!text.is_empty()).then(|| text.parse().unwrap_or_else(|_| panic!("#{id} is {text:?}")))
}

/// Fiscal year 2569 (October 2025 – September 2026) with submissions by
/// several channels in several months, some answered on time, some late.
async fn a_year_of_submissions(app: &TestApp) {
    let with_kind = |kind: &str, subject: &str| {
        let mut input = complaint(subject);
        input.kind = kind.into();
        input
    };
    let year = [
        ("complaint", Channel::Web, bangkok(2025, 10, 3), Some(2)),
        ("complaint", Channel::Web, bangkok(2025, 10, 20), Some(40)),
        ("suggestion", Channel::Line, bangkok(2025, 10, 21), None),
        ("question", Channel::Facebook, bangkok(2025, 12, 1), Some(1)),
        ("complaint", Channel::Phone, bangkok(2026, 1, 15), Some(3)),
        ("complaint", Channel::WalkIn, bangkok(2026, 1, 16), None),
        ("suggestion", Channel::Web, bangkok(2026, 3, 31), Some(30)),
        ("complaint", Channel::Line, bangkok(2026, 9, 30), Some(1)),
    ];
    for (i, (kind, channel, at, answered)) in year.into_iter().enumerate() {
        let (item, _) = submit_at(app, with_kind(kind, &format!("เรื่องที่ {i}")), channel, at).await;
        if answered.is_some() {
            settle(app, &item, Status::Resolved, answered, answered.map(|d| d + 1), None, &[]).await;
        }
    }
    // Neighbouring years do not count.
    submit_at(app, complaint("ปีก่อน"), Channel::Web, bangkok(2025, 9, 30)).await;
}

async fn the_e_service_figures_equal_a_count_of_the_rows(app: TestApp) {
    a_year_of_submissions(&app).await;
    let page = app.resident().get("/eservice/2569").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut checked = 0;
    for month in 1..=12 {
        let in_month = format!("fiscal_year = 2569 AND fiscal_month = {month}");
        for channel in Channel::iter() {
            let counted = count(&app, &format!("{in_month} AND channel = '{}'", channel.code())).await;
            assert_eq!(cell(&page, &format!("ch-{month}-{}", channel.code())), Some(counted), "{month} {channel:?}");
            checked += counted;
        }
        for kind in Kind::iter() {
            let counted = count(&app, &format!("{in_month} AND kind = '{}'", kind.code())).await;
            assert_eq!(cell(&page, &format!("kind-{month}-{}", kind.code())), Some(counted), "{month} {kind:?}");
        }
        let online = count(&app, &format!("{in_month} AND channel IN ('web', 'line', 'facebook')")).await;
        assert_eq!(cell(&page, &format!("online-{month}")), Some(online));
        let answered = format!("{in_month} AND kind <> 'service_feedback' AND first_answered_at IS NOT NULL");
        let on_time = count(&app, &format!("{answered} AND first_answered_at <= due_at")).await;
        let late = count(&app, &format!("{answered} AND first_answered_at > due_at")).await;
        assert_eq!(cell(&page, &format!("ontime-{month}")), Some(on_time), "on time in month {month}");
        assert_eq!(cell(&page, &format!("late-{month}")), Some(late), "late in month {month}");
    }
    assert_eq!(checked, 8, "every submission of the year is in one month and one channel");
    assert_eq!(cell(&page, "total-year"), Some(count(&app, "fiscal_year = 2569").await));
    assert_eq!(cell(&page, "ch-year-web"), Some(3));
    assert_eq!(cell(&page, "online-year"), Some(6));
    assert_eq!(cell(&page, "late-year"), Some(2), "answered after 40 and 30 days");
    assert!(page.body.contains("ตุลาคม 2568") && page.body.contains("กันยายน 2569"), "months carry their year");
}

async fn months_to_come_are_blank_and_the_ita_index_points_here(app: TestApp) {
    let today = siang::domain::calendar::local_date(Utc::now());
    let this_year = siang::domain::calendar::fiscal_year(today);
    let page = app.resident().get(&format!("/eservice/{this_year}")).await;
    assert_eq!(page.status, 200);
    for month in 1..=12 {
        let start = siang::domain::calendar::fiscal_month_start(this_year, month);
        let shown = cell(&page, &format!("total-{month}"));
        if start > today {
            assert_eq!(shown, None, "month {month} has not begun");
        } else {
            assert_eq!(shown, Some(0));
        }
    }
    assert_eq!(app.resident().get("/eservice").await.location(), format!("/eservice/{this_year}"));

    for year in [2568, 2569] {
        let ita = app.resident().get(&format!("/ita/{year}")).await;
        assert!(ita.body.contains(&format!("href=\"/eservice/{year}\"")), "O10 of {year} points at its figures");
    }
    assert_eq!(app.resident().get("/eservice/abc").await.status, 404);
}

on_both_databases!(
    the_e_service_figures_equal_a_count_of_the_rows,
    months_to_come_are_blank_and_the_ita_index_points_here,
);
