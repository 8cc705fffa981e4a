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
use entity::enums::{Code, Status};
use sea_orm::Iterable;

use super::fiscal_year_param;
use super::open_data::Csv;
use crate::domain::calendar::{calendar_month, BUDDHIST_ERA_OFFSET};
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

/// A period's label with its year as the reader counts years: "ตุลาคม
/// 2568", "ไตรมาส 2 (ม.ค.–มี.ค. 2569)", "October 2025".
pub fn period_label(page: &PageContext, period: Period, fiscal_year: i32, number: i32) -> String {
    let year_of = |fiscal_month: i32| {
        let (year, _) = calendar_month(fiscal_year, fiscal_month);
        page.year(year + BUDDHIST_ERA_OFFSET).to_string()
    };
    crate::i18n::t_with(
        page.lang,
        &format!("period.{}.{number}", period.code()),
        &[("start", &year_of(period.first_month(number))), ("end", &year_of(period.last_month(number)))],
    )
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
                .map(|p| (p.period.to_string(), period_label(page, stats.period, stats.fiscal_year, p.period), p.count))
                .collect(),
        },
    ]
}

/// One row of a satisfaction table: (code, label, answers, average).
pub type SatisfactionLine = (String, String, i64, String);

/// Satisfaction by department, kind and service, as the page and the CSV
/// show them: (caption key, rows).
pub fn satisfaction_tables(page: &PageContext, stats: &Statistics) -> Vec<(&'static str, Vec<SatisfactionLine>)> {
    let named = |row: &statistics::SatisfactionRow| match page.lang {
        crate::i18n::Lang::En if !row.name_en.is_empty() => row.name_en.clone(),
        _ => row.name_th.clone(),
    };
    let rows = |list: &[statistics::SatisfactionRow], label: &dyn Fn(&statistics::SatisfactionRow) -> String| {
        list.iter().map(|r| (r.code.clone(), label(r), r.answers, decimal(r.average, 2))).collect()
    };
    let department = |r: &statistics::SatisfactionRow| {
        if r.code == "none" {
            page.t("stats.unassigned").to_owned()
        } else {
            named(r)
        }
    };
    vec![
        ("stats.verdicts.by_department", rows(&stats.closing.satisfaction_by_department, &department)),
        ("stats.verdicts.by_kind", rows(&stats.closing.satisfaction_by_kind, &|r| page.label("kind", &r.code))),
        ("stats.verdicts.by_service", rows(&stats.closing.satisfaction_by_service, &named)),
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
    let (db, agency) = state.public_reader(agency).await;
    let count = statistics::fiscal_year_statistics(db, agency.id, fiscal_year, period, Utc::now());
    Ok(state.statistics.get(&agency, (fiscal_year, period), count).await?)
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
        period_label(&self.page, self.stats.period, self.stats.fiscal_year, *number)
    }

    fn question_text(&self, id: &str) -> String {
        questions::all().iter().find(|q| q.id == id).map(|q| q.text(self.page.lang).to_owned()).unwrap_or_default()
    }

    /// What a "yes" count means for a question: asked for a benefit, or
    /// said the agency has the channel.
    fn yes_label(&self, id: &str) -> &str {
        let has = questions::rated_question(id).is_some();
        self.page.t(if has { "stats.yes_has" } else { "stats.yes" })
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

    fn reopened_department(&self, row: &statistics::ReopenedCount) -> String {
        let name = match self.page.lang {
            crate::i18n::Lang::Th => row.department_th.clone(),
            crate::i18n::Lang::En => row.department_en.clone(),
        };
        name.unwrap_or_else(|| self.page.t("stats.unassigned").to_owned())
    }

    /// Satisfaction by department, kind and service: (caption key, rows of
    /// (code, label, answers, average)).
    fn satisfaction_tables(&self) -> Vec<(&'static str, Vec<SatisfactionLine>)> {
        satisfaction_tables(&self.page, &self.stats)
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
        return Ok(
            stats_csv(&page, &stats, &tables).into_response(&format!("{}-stats-{fiscal_year}.csv", page.agency.slug))
        );
    }
    Ok(StatsTemplate { page, stats, tables }.into_response())
}

fn stats_csv(page: &PageContext, stats: &Statistics, tables: &[CountTable]) -> Csv {
    let mut out = Csv::default();
    out.row(["table", "code", "label", "value", "value_2", "value_3"]);
    let summary = [
        ("total", stats.total.to_string()),
        ("feedback", stats.feedback.to_string()),
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
    for o in &stats.closing.by_outcome {
        out.row([
            "by_outcome".to_owned(),
            o.code.clone(),
            page.label("outcome", &o.code),
            o.total().to_string(),
            o.on_time.to_string(),
            o.late.to_string(),
        ]);
    }
    for r in &stats.closing.reopened {
        let name = match page.lang {
            crate::i18n::Lang::Th => r.department_th.clone(),
            crate::i18n::Lang::En => r.department_en.clone(),
        };
        let name = name.unwrap_or_else(|| page.t("stats.unassigned").to_owned());
        out.row(["reopened".to_owned(), name.clone(), name, r.count.to_string()]);
    }
    for v in &stats.closing.verdicts {
        out.row(["verdicts".to_owned(), v.code.clone(), page.label("verdict.resolved", &v.code), v.count.to_string()]);
    }
    out.row([
        "satisfaction".to_owned(),
        "all".to_owned(),
        page.t("stats.verdicts.satisfaction").to_owned(),
        stats.closing.satisfaction_answers.to_string(),
        decimal(stats.closing.satisfaction_average, 2),
    ]);
    for (caption, rows) in satisfaction_tables(page, stats) {
        let table = caption.trim_start_matches("stats.verdicts.");
        for (code, label, answers, average) in rows {
            out.row([format!("satisfaction_{table}"), code, label, answers.to_string(), average]);
        }
    }
    for c in &stats.corruption {
        // A period that has not begun has no figures yet, not zeros.
        let figure = |n: i64| if c.future { String::new() } else { n.to_string() };
        out.row([
            "corruption".to_owned(),
            c.period.to_string(),
            period_label(page, stats.period, stats.fiscal_year, c.period),
            figure(c.received),
            figure(c.completed),
            figure(c.in_progress),
        ]);
    }
    out
}

#[derive(Template, WebTemplate)]
#[template(path = "public/report.html")]
pub struct ReportTemplate {
    page: PageContext,
    report: statistics::ComplaintReport,
}

impl ReportTemplate {
    fn title(&self) -> &str {
        self.page.t(match self.report.part {
            statistics::ReportPart::Half => "report.title_half",
            statistics::ReportPart::Year => "report.title_year",
        })
    }

    fn month_label(&self, month: &i32) -> String {
        period_label(&self.page, Period::Month, self.report.fiscal_year, *month)
    }

    /// The months the report covers: "ตุลาคม 2568 – มีนาคม 2569".
    fn span(&self) -> String {
        format!("{} – {}", self.month_label(&1), self.month_label(&self.report.part.months()))
    }

    fn statuses(&self) -> Vec<String> {
        Status::iter().map(|s| s.code()).collect()
    }

    /// The report's opening sentence, with its figures.
    fn summary(&self) -> String {
        let t = &self.report.totals;
        let key = if t.corruption == 0 { "report.summary_none" } else { "report.summary" };
        crate::i18n::t_with(
            self.page.lang,
            key,
            &[
                ("agency", self.page.agency_name()),
                ("span", &self.span()),
                ("corruption", &t.corruption.to_string()),
                ("completed", &t.corruption_completed.to_string()),
                ("in_progress", &t.corruption_in_progress().to_string()),
                ("complaints", &t.complaints.to_string()),
            ],
        )
    }
}

/// `/stats/2569/report/half` and `/stats/2569/report/year`: the printable
/// reports of complaint handling.
pub async fn complaint_report(
    State(state): State<AppState>,
    page: PageContext,
    Path((year, part)): Path<(String, String)>,
) -> Result<ReportTemplate, AppError> {
    let fiscal_year = fiscal_year_param(&year)?;
    let part = statistics::ReportPart::parse(&part).ok_or(AppError::NotFound)?;
    let db = state.public_db();
    let report = statistics::complaint_report(db, page.agency.id, fiscal_year, part, Utc::now()).await?;
    Ok(ReportTemplate { page, report })
}
