//! `/ita/{fiscal_year}`: the ITA items this portal is evidence for, each
//! with what the assessment requires and the page that answers it, for
//! assessors; and the NACC's survey link while it collects answers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{DateTime, Utc};

use super::fiscal_year_param;
use crate::domain::participation::ita::{self, ItaItem, Source};
use crate::error::AppError;
use crate::extract::{PageContext, Path};
use crate::i18n::Lang;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "public/ita.html")]
pub struct ItaTemplate {
    page: PageContext,
    fiscal_year: i32,
    items: Vec<ItaItem>,
    source: Source,
    survey: Option<super::SurveyNotice>,
    now: DateTime<Utc>,
}

impl ItaTemplate {
    fn title_of<'a>(&self, item: &'a ItaItem) -> &'a str {
        match self.page.lang {
            Lang::En if !item.title_en.is_empty() => &item.title_en,
            _ => &item.title_th,
        }
    }

    /// Where the year's list comes from, for the reader.
    fn source_note(&self) -> String {
        match &self.source {
            Source::Catalogue { year, note_th, note_en } => {
                let note = if self.page.lang == Lang::En { note_en } else { note_th };
                if *year == self.fiscal_year {
                    (*note).to_owned()
                } else {
                    let other = crate::i18n::t_with(
                        self.page.lang,
                        "ita.other_year",
                        &[("year", &self.page.year(year).to_string())],
                    );
                    format!("{other} {note}")
                }
            }
            Source::Agency => self.page.t("ita.agency_list").to_owned(),
            Source::None => self.page.t("ita.no_list").to_owned(),
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Path(year): Path<String>,
) -> Result<ItaTemplate, AppError> {
    let fiscal_year = fiscal_year_param(&year)?;
    let now = Utc::now();
    let year_items = ita::items(&state.db, page.agency.id, fiscal_year).await?;
    let survey = ita::survey(&state.db, page.agency.id, fiscal_year)
        .await?
        .filter(|s| ita::collecting(s, now))
        .map(|s| super::SurveyNotice::new(&page, &s));
    Ok(ItaTemplate { page, fiscal_year, items: year_items.items, source: year_items.source, survey, now })
}
