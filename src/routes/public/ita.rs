//! `/ita/{fiscal_year}`: the ITA items this portal is evidence for, each
//! with the page that answers it, for assessors.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{DateTime, Utc};

use super::fiscal_year_param;
use crate::domain::participation::ita::{self, ItaItem};
use crate::error::AppError;
use crate::extract::{PageContext, Path};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "public/ita.html")]
pub struct ItaTemplate {
    page: PageContext,
    fiscal_year: i32,
    items: Vec<ItaItem>,
    now: DateTime<Utc>,
}

impl ItaTemplate {
    fn title_of<'a>(&self, item: &'a ItaItem) -> &'a str {
        match self.page.lang {
            crate::i18n::Lang::En if !item.title_en.is_empty() => &item.title_en,
            _ => &item.title_th,
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Path(year): Path<String>,
) -> Result<ItaTemplate, AppError> {
    let fiscal_year = fiscal_year_param(&year)?;
    let items = ita::items(&state.db, page.agency.id, fiscal_year).await?;
    Ok(ItaTemplate { page, fiscal_year, items, now: Utc::now() })
}
