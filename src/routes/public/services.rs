//! `/services`: the published service standards (คู่มือการให้บริการ), so the
//! steps and time frames residents may expect are on the record.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use entity::{service, service_step};
use serde::Deserialize;

use crate::domain::services;
use crate::domain::statistics::{self, ServiceFigures};
use crate::error::AppError;
use crate::extract::{PageContext, Path, Query};
use crate::i18n::Lang;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "public/services.html")]
pub struct ServicesPage {
    page: PageContext,
    services: Vec<service::Model>,
}

pub async fn list(State(state): State<AppState>, page: PageContext) -> Result<ServicesPage, AppError> {
    let services = services::published(&state.db, page.agency.id).await?;
    Ok(ServicesPage { page, services })
}

#[derive(Template, WebTemplate)]
#[template(path = "public/service.html")]
pub struct ServicePage {
    page: PageContext,
    service: service::Model,
    steps: Vec<service_step::Model>,
    fiscal_year: i32,
    figures: ServiceFigures,
}

/// `?year=2568`: the fiscal year of the figures; the current one by default.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Path(slug): Path<String>,
    Query(query): Query<YearQuery>,
) -> Result<ServicePage, AppError> {
    let fiscal_year = match query.year.as_deref().filter(|y| !y.is_empty()) {
        Some(year) => super::fiscal_year_param(year)?,
        None => super::this_fiscal_year(),
    };
    let service = services::published(&state.db, page.agency.id)
        .await?
        .into_iter()
        .find(|s| s.slug == slug)
        .ok_or(AppError::NotFound)?;
    let steps = services::steps(&state.db, service.id).await?;
    let figures = statistics::service_figures(&state.db, page.agency.id, fiscal_year, service.id).await?;
    Ok(ServicePage { page, service, steps, fiscal_year, figures })
}

/// The text in the reader's language, falling back to Thai where no English
/// was written.
fn localized<'a>(lang: Lang, th: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::En && !en.is_empty() {
        en
    } else {
        th
    }
}

impl ServicesPage {
    pub fn name<'a>(&self, service: &'a service::Model) -> &'a str {
        localized(self.page.lang, &service.name_th, &service.name_en)
    }

    pub fn time_frame<'a>(&self, service: &'a service::Model) -> &'a str {
        localized(self.page.lang, &service.time_frame_th, &service.time_frame_en)
    }
}

impl ServicePage {
    pub fn text<'a>(&self, th: &'a str, en: &'a str) -> &'a str {
        localized(self.page.lang, th, en)
    }

    fn figures_title(&self) -> String {
        crate::i18n::t_with(self.page.lang, "services.figures.title", &[("year", &self.fiscal_year.to_string())])
    }

    fn rests_on(&self, n: &i64) -> String {
        crate::i18n::t_with(self.page.lang, "services.figures.rests_on", &[("n", &n.to_string())])
    }

    fn followed_percent(&self) -> String {
        super::stats::decimal(self.figures.followed_percent(), 1)
    }

    fn eit6_score(&self) -> String {
        super::stats::decimal(self.figures.eit6.score, 2)
    }
}
