//! `/stats/{fiscal_year}` (and `.csv`): the fiscal year's statistics with
//! server-drawn charts, the period switch `?period=month|quarter|half`, the
//! corruption-complaint table in the form ITA assessors check, and the EIT
//! estimate. The page and the CSV are built from the same tables.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use std::sync::Arc;

use chrono::Utc;
use entity::agency;

use super::fiscal_year_param;
use super::open_data::Csv;
use crate::domain::participation::public::YearOf;
use crate::domain::statistics::{self, Period, Statistics};
use crate::domain::submissions::questions;
use crate::error::AppError;
use crate::extract::{PageContext, Path, Query};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    period: Option<String>,
}

impl StatsQuery {
    pub fn period(&self) -> Period {
        self.period.as_deref().and_then(Period::parse).unwrap_or_default()
    }
}

/// One table of counts, shown as a chart and a table and exported as CSV.
pub struct CountTable {
    /// Stable name (`by_kind`), used as the CSV's table column and the anchor.
    pub name: &'static str,
    pub title: String,
    /// (code, label, count)
    pub rows: Vec<(String, String, i64)>,
}

impl CountTable {
    /// The bar drawn beside a count, scaled to the table's largest.
    pub fn bar(&self, count: &i64) -> String {
        let max = self.rows.iter().map(|(_, _, n)| *n).max().unwrap_or(0);
        crate::charts::bar(*count, max)
    }
}

/// A period's label: "ตุลาคม", "ไตรมาส 1", "ครึ่งปีแรก".
pub fn period_label(page: &PageContext, period: Period, number: i32) -> String {
    page.label(&format!("period.{}", period.code()), number.to_string())
}

pub fn count_tables(page: &PageContext, stats: &Statistics) -> Vec<CountTable> {
    let coded = |name: &'static str, group: &str, counts: &[statistics::Count]| CountTable {
        name,
        title: page.t(&format!("stats.table.{name}")).to_owned(),
        rows: counts.iter().map(|c| (c.code.clone(), page.label(group, &c.code), c.count)).collect(),
    };
    vec![
        coded("by_kind", "kind", &stats.by_kind),
        coded("by_channel", "channel", &stats.by_channel),
        coded("by_status", "status", &stats.by_status),
        CountTable {
            name: "by_department",
            title: page.t("stats.table.by_department").to_owned(),
            rows: stats
                .by_department
                .iter()
                .map(|d| {
                    let name = match page.lang {
                        crate::i18n::Lang::Th => d.department_th.clone(),
                        crate::i18n::Lang::En => d.department_en.clone(),
                    };
                    let name = name.unwrap_or_else(|| page.t("stats.unassigned").to_owned());
                    (name.clone(), name, d.count)
                })
                .collect(),
        },
        coded("by_indicator", "indicator", &stats.by_indicator),
        CountTable {
            name: "by_period",
            title: page.t(&format!("stats.table.by_{}", stats.period.code())).to_owned(),
            rows: stats
                .by_period
                .iter()
                .map(|p| (p.period.to_string(), period_label(page, stats.period, p.period), p.count))
                .collect(),
        },
    ]
}

/// Numbers as the page and the CSV both print them.
pub fn decimal(value: Option<f64>, places: usize) -> String {
    value.map(|v| format!("{v:.places$}")).unwrap_or_default()
}

/// A fiscal year's statistics, reused while the agency's data is unchanged
/// (and for at most a minute: "due" moves with the clock).
pub async fn year_statistics(
    state: &AppState,
    agency: &agency::Model,
    fiscal_year: i32,
    period: Period,
) -> Result<Arc<Statistics>, AppError> {
    let count = statistics::fiscal_year_statistics(&state.db, agency.id, fiscal_year, period, Utc::now());
    Ok(state.statistics.get(agency, (fiscal_year, period), count).await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "public/stats.html")]
pub struct StatsTemplate {
    page: PageContext,
    stats: Arc<Statistics>,
    tables: Vec<CountTable>,
}

impl StatsTemplate {
    fn period_code(&self) -> &'static str {
        self.stats.period.code()
    }

    fn period_label(&self, number: &i32) -> String {
        period_label(&self.page, self.stats.period, *number)
    }

    fn question_text(&self, id: &str) -> String {
        questions::all().iter().find(|q| q.id == id).map(|q| q.text(self.page.lang).to_owned()).unwrap_or_default()
    }

    fn on_time(&self) -> String {
        decimal(self.stats.on_time_percent(), 1)
    }

    fn days(&self, value: &Option<f64>) -> String {
        decimal(*value, 1)
    }

    fn score(&self, value: &Option<f64>) -> String {
        decimal(*value, 2)
    }

    fn service_name<'a>(&self, row: &'a statistics::ServiceCount) -> &'a str {
        match self.page.lang {
            crate::i18n::Lang::En if !row.service_en.is_empty() => &row.service_en,
            _ => &row.service_th,
        }
    }
}

pub async fn latest(State(state): State<AppState>, page: PageContext) -> Result<Redirect, AppError> {
    super::latest_year(&state, &page.agency, "/stats", YearOf::Submissions).await
}

/// `/stats/2569` shows the page, `/stats/2569.csv` downloads its tables.
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Path(year): Path<String>,
    Query(query): Query<StatsQuery>,
) -> Result<Response, AppError> {
    let (year, csv) = match year.strip_suffix(".csv") {
        Some(year) => (year, true),
        None => (year.as_str(), false),
    };
    let fiscal_year = fiscal_year_param(year)?;
    let stats = year_statistics(&state, &page.agency, fiscal_year, query.period()).await?;
    let tables = count_tables(&page, &stats);
    if csv {
        return Ok(stats_csv(&page, &stats, &tables).into_response(&format!("stats-{fiscal_year}.csv")));
    }
    Ok(StatsTemplate { page, stats, tables }.into_response())
}

fn stats_csv(page: &PageContext, stats: &Statistics, tables: &[CountTable]) -> Csv {
    let mut out = Csv::default();
    out.row(["table", "code", "label", "value", "value_2", "value_3"]);
    let summary = [
        ("total", stats.total.to_string()),
        ("answered_on_time", stats.answered_on_time.to_string()),
        ("answer_due", stats.answer_due.to_string()),
        ("on_time_percent", decimal(stats.on_time_percent(), 1)),
        ("median_days_to_first_answer", decimal(stats.median_days_to_first_answer, 1)),
        ("median_days_to_close", decimal(stats.median_days_to_close, 1)),
    ];
    for (code, value) in summary {
        out.row(["summary".to_owned(), code.to_owned(), page.t(&format!("stats.{code}")).to_owned(), value]);
    }
    for table in tables {
        for (code, label, count) in &table.rows {
            out.row([table.name.to_owned(), code.clone(), label.clone(), count.to_string()]);
        }
    }
    for q in &stats.questions {
        out.row([
            "questions".to_owned(),
            q.question.clone(),
            questions::all()
                .iter()
                .find(|x| x.id == q.question)
                .map(|x| x.text(page.lang).to_owned())
                .unwrap_or_default(),
            q.answers.to_string(),
            decimal(q.average, 2),
            q.yes.map(|y| y.to_string()).unwrap_or_default(),
        ]);
    }
    for e in &stats.eit {
        out.row([
            "eit_estimate".to_owned(),
            e.indicator.to_string(),
            page.label("indicator", e.indicator.to_string()),
            decimal(e.score, 2),
            e.responses.to_string(),
        ]);
    }
    for s in &stats.by_service {
        out.row([
            "by_service".to_owned(),
            s.slug.clone(),
            if page.lang == crate::i18n::Lang::En { s.service_en.clone() } else { s.service_th.clone() },
            s.complaints.to_string(),
            s.feedback.to_string(),
            decimal(s.eit6, 2),
        ]);
    }
    for c in &stats.corruption {
        out.row([
            "corruption".to_owned(),
            c.period.to_string(),
            period_label(page, stats.period, c.period),
            c.received.to_string(),
            c.completed.to_string(),
            c.in_progress.to_string(),
        ]);
    }
    out
}
