//! How the year's items ended (issue 18): outcomes (closed on time or late,
//! each apart, so "closed" never reads as "fixed"), items reopened per
//! department, and residents' verdicts and satisfaction by department, kind
//! and service. Read from the counts the writes keep.

use std::collections::BTreeMap;

use entity::enums::{Code, Kind, Resolved};
use entity::{department, service};
use sea_orm::Iterable;
use serde::Serialize;

use super::{Count, YearTally};
use crate::domain::submissions::outcome::Closing;
use crate::domain::tally::Figure;

/// Closed items of one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OutcomeCount {
    /// `outcome::Closing`'s code: `fixed`, `partly`, a reason, `referred`.
    pub code: String,
    /// `fixed`, `partly`, `not_possible` or `referred`.
    pub outcome: String,
    /// Closed by the closing due date.
    pub on_time: i64,
    pub late: i64,
}

impl OutcomeCount {
    pub fn total(&self) -> i64 {
        self.on_time + self.late
    }
}

/// A group (department, kind or service) and the satisfaction of its verdicts.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SatisfactionRow {
    /// Department id (`none`: unassigned), kind code, or service slug.
    pub code: String,
    pub name_th: String,
    pub name_en: String,
    pub answers: i64,
    /// Mean 1–5; `None` without answers.
    pub average: Option<f64>,
}

/// Items reopened in one department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReopenedCount {
    /// `None`: not assigned to a division.
    pub department_th: Option<String>,
    pub department_en: Option<String>,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default, utoipa::ToSchema)]
pub struct ClosingFigures {
    pub by_outcome: Vec<OutcomeCount>,
    pub reopened: Vec<ReopenedCount>,
    pub reopened_total: i64,
    /// Residents' answers to "was it resolved?": yes, partly, no.
    pub verdicts: Vec<Count>,
    pub satisfaction_answers: i64,
    pub satisfaction_average: Option<f64>,
    pub satisfaction_by_department: Vec<SatisfactionRow>,
    pub satisfaction_by_kind: Vec<SatisfactionRow>,
    pub satisfaction_by_service: Vec<SatisfactionRow>,
}

/// (answers, sum) of satisfaction per group key (`department:3`, `kind:complaint`…).
fn satisfaction_sums(year: &YearTally) -> BTreeMap<String, (i64, i64)> {
    let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (key, n) in year.by_key(Figure::Satisfaction) {
        let Some((group, value)) = key.rsplit_once(':') else { continue };
        let Ok(value) = value.parse::<i64>() else { continue };
        let entry = sums.entry(group.to_owned()).or_default();
        entry.0 += n;
        entry.1 += n * value;
    }
    sums
}

fn average((answers, sum): (i64, i64)) -> Option<f64> {
    (answers > 0).then(|| sum as f64 / answers as f64)
}

pub(super) fn closing_figures(
    year: &YearTally,
    departments: &[department::Model],
    services: &[service::Model],
) -> ClosingFigures {
    let outcomes = year.by_key(Figure::Outcome);
    let count = |code: &str, timely: &str| outcomes.get(format!("{code}:{timely}").as_str()).copied().unwrap_or(0);
    let by_outcome = Closing::all()
        .into_iter()
        .map(|c| OutcomeCount {
            code: c.code(),
            outcome: c.outcome_code(),
            on_time: count(&c.code(), "on_time"),
            late: count(&c.code(), "late"),
        })
        .collect();

    let reopened_by = year.by_key(Figure::Reopened);
    let mut reopened: Vec<ReopenedCount> = departments
        .iter()
        .map(|d| ReopenedCount {
            department_th: Some(d.name_th.clone()),
            department_en: Some(d.name_en.clone()),
            count: reopened_by.get(d.id.to_string().as_str()).copied().unwrap_or(0),
        })
        .collect();
    if let Some(n) = reopened_by.get("none").copied().filter(|n| *n > 0) {
        reopened.push(ReopenedCount { department_th: None, department_en: None, count: n });
    }

    let sums = satisfaction_sums(year);
    let row = |group: String, code: String, name_th: String, name_en: String| {
        let found = sums.get(&group).copied().unwrap_or_default();
        SatisfactionRow { code, name_th, name_en, answers: found.0, average: average(found) }
    };
    let mut by_department: Vec<SatisfactionRow> = departments
        .iter()
        .map(|d| row(format!("department:{}", d.id), d.id.to_string(), d.name_th.clone(), d.name_en.clone()))
        .collect();
    if sums.contains_key("department:none") {
        by_department.push(row("department:none".into(), "none".into(), String::new(), String::new()));
    }
    let by_kind = Kind::iter()
        .map(|k| row(format!("kind:{}", k.code()), k.code(), String::new(), String::new()))
        .filter(|r| r.answers > 0)
        .collect();
    let by_service = services
        .iter()
        .map(|s| row(format!("service:{}", s.id), s.slug.clone(), s.name_th.clone(), s.name_en.clone()))
        .filter(|r| r.answers > 0)
        .collect();
    let all = sums.get("all").copied().unwrap_or_default();
    ClosingFigures {
        by_outcome,
        reopened_total: reopened_by.values().sum(),
        reopened,
        verdicts: year.with_zeros(Figure::Verdict, Resolved::iter().map(|r| r.code())),
        satisfaction_answers: all.0,
        satisfaction_average: average(all),
        satisfaction_by_department: by_department.into_iter().filter(|r| r.answers > 0).collect(),
        satisfaction_by_kind: by_kind,
        satisfaction_by_service: by_service,
    }
}
