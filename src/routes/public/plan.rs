//! `/plan/{fiscal_year}`: the improvement plan's measures per indicator,
//! with progress and evidence; `/plan` goes to the latest year with a plan.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Redirect;
use chrono::{DateTime, NaiveDate, Utc};

use super::fiscal_year_param;
use crate::domain::participation::public::{self, PublicMeasure, YearOf};
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
    pub measures: Vec<PublicMeasure>,
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
    let measures = public::plan(&state.db, page.agency.id, fiscal_year).await?;
    let indicators = (6..=10)
        .map(|indicator| IndicatorPlan {
            indicator,
            measures: measures.iter().filter(|m| m.indicator == indicator).cloned().collect(),
        })
        .collect();
    Ok(PlanTemplate { page, fiscal_year, indicators, now: Utc::now() })
}
