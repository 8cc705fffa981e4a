//! `/services`: the published service standards (คู่มือการให้บริการ), so the
//! steps and time frames residents may expect are on the record.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use entity::{service, service_step};

use crate::app::AppState;
use crate::domain::services;
use crate::error::AppError;
use crate::extract::PageContext;
use crate::i18n::Lang;

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
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Path(slug): Path<String>,
) -> Result<ServicePage, AppError> {
    let service = services::published(&state.db, page.agency.id)
        .await?
        .into_iter()
        .find(|s| s.slug == slug)
        .ok_or(AppError::NotFound)?;
    let steps = services::steps(&state.db, service.id).await?;
    Ok(ServicePage { page, service, steps })
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
}
