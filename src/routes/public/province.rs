//! `/province`: the deployment's active agencies side by side — matters
//! received, answered on time, survey (EIT) estimates — for the current
//! fiscal year (`?year=2569` for another), from each agency's counters
//! (each answer cached per agency like its own `/stats`). Figures only, no
//! personal data. Served under every agency of the deployment (and at the
//! root of a single-agency one), the same page everywhere.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::Utc;
use serde::Deserialize;

use super::stats::{decimal, year_statistics};
use crate::domain::statistics::{Period, Statistics};
use crate::domain::{agency, calendar};
use crate::error::AppError;
use crate::extract::{PageContext, Query};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ProvinceQuery {
    year: Option<i32>,
}

/// One agency's column of the page.
pub struct AgencyColumn {
    pub slug: String,
    pub name_th: String,
    pub name_en: String,
    pub stats: Arc<Statistics>,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/province.html")]
pub struct ProvincePage {
    page: PageContext,
    fiscal_year: i32,
    agencies: Vec<AgencyColumn>,
    /// The survey's indicators, as the rows of the EIT table.
    indicators: Vec<u8>,
}

impl ProvincePage {
    fn name<'a>(&self, column: &'a AgencyColumn) -> &'a str {
        match self.page.lang {
            crate::i18n::Lang::Th => &column.name_th,
            crate::i18n::Lang::En => &column.name_en,
        }
    }

    fn on_time(&self, column: &AgencyColumn) -> String {
        match column.stats.on_time_percent() {
            Some(_) => format!("{}%", decimal(column.stats.on_time_percent(), 1)),
            None => "–".into(),
        }
    }

    fn eit(&self, column: &AgencyColumn, indicator: &u8) -> String {
        let score = column.stats.eit.iter().find(|e| e.indicator == *indicator).and_then(|e| e.score);
        match score {
            Some(_) => decimal(score, 2),
            None => "–".into(),
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<ProvinceQuery>,
) -> Result<ProvincePage, AppError> {
    let fiscal_year = query.year.unwrap_or_else(|| calendar::fiscal_year(calendar::local_date(Utc::now())));
    let mut agencies = Vec::new();
    for row in agency::active(&state.db).await? {
        let stats = year_statistics(&state, &row, fiscal_year, Period::default()).await?;
        agencies.push(AgencyColumn { slug: row.slug, name_th: row.name_th, name_en: row.name_en, stats });
    }
    let indicators = agencies.first().map(|a| a.stats.eit.iter().map(|e| e.indicator).collect()).unwrap_or_default();
    Ok(ProvincePage { page, fiscal_year, agencies, indicators })
}
