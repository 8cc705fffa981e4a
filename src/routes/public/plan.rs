//! `/plan/{fiscal_year}`: the agency's use of its ITA result (item O25 in
//! 2569): for each of the ten indicators, the analysis of the assessed
//! year's result, then the measures with steps, period, responsible
//! division, progress and evidence; `/plan` goes to the latest year with a
//! plan.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Redirect;
use chrono::{DateTime, NaiveDate, Utc};

use super::fiscal_year_param;
use crate::domain::participation::plan;
use crate::domain::participation::public::{self, PublicMeasure, YearOf};
use crate::domain::PLAN_INDICATORS;
use crate::error::AppError;
use crate::extract::{PageContext, Path};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "public/plan.html")]
pub struct PlanTemplate {
    page: PageContext,
    fiscal_year: i32,
    indicators: Vec<IndicatorPlan>,
    now: DateTime<Utc>,
}

pub struct IndicatorPlan {
    pub indicator: i16,
    /// The assessed year's score, as written (`97.58`).
    pub score: Option<String>,
    pub analysis: Option<String>,
    pub measures: Vec<PublicMeasure>,
}

impl IndicatorPlan {
    /// The ITA's tool that measures the indicator: IIT, EIT or OIT.
    pub fn tool(&self) -> &'static str {
        match self.indicator {
            1..=5 => "IIT",
            6..=8 => "EIT",
            _ => "OIT",
        }
    }
}

impl PlanTemplate {
    /// A calendar date as the reader reads dates (noon UTC is the same day in Bangkok).
    fn day(&self, date: &NaiveDate) -> String {
        self.page.date(&date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc())
    }
}

pub async fn latest(State(state): State<AppState>, page: PageContext) -> Result<Redirect, AppError> {
    super::latest_year(&state, &page.agency, "/plan", YearOf::Measures).await
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Path(year): Path<String>,
) -> Result<PlanTemplate, AppError> {
    let fiscal_year = fiscal_year_param(&year)?;
    let db = state.public_db();
    let measures = public::plan(db, page.agency.id, fiscal_year).await?;
    let analyses = plan::analyses(db, page.agency.id, fiscal_year).await?;
    let indicators = PLAN_INDICATORS
        .map(|indicator| {
            let analysis = analyses.iter().find(|a| a.indicator == indicator);
            IndicatorPlan {
                indicator,
                score: analysis.and_then(|a| a.score_hundredths).map(plan::score_text),
                analysis: analysis.map(|a| a.analysis.clone()),
                measures: measures.iter().filter(|m| m.indicator == indicator).cloned().collect(),
            }
        })
        .collect();
    Ok(PlanTemplate { page, fiscal_year, indicators, now: Utc::now() })
}
