//! `/manual`: the complaint-handling guide. First the corruption-complaint
//! guide (ITA item O16 in 2569) as the agency's admins issued it, each
//! section they did not write being the default written from the agency's
//! settings; then how general complaints are handled, generated from the
//! settings (channels, divisions, due days) so it is always true.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{DateTime, Utc};
use entity::agency;
use entity::enums::{Channel, Code};
use sea_orm::Iterable;

use crate::domain::agency::departments;
use crate::domain::participation::guide::{self, Guide, SECTIONS};
use crate::error::AppError;
use crate::extract::PageContext;
use crate::i18n::{self, Lang};
use crate::state::AppState;

/// A section of the guide as a reader sees it: the agency's own text, or
/// the default filled from the agency's settings.
pub fn section_text(lang: Lang, agency: &agency::Model, guide: &Guide, index: usize) -> String {
    guide.sections[index].clone().unwrap_or_else(|| default_text(lang, agency, SECTIONS[index]))
}

/// The default text of a section, filled from the agency's settings.
pub fn default_text(lang: Lang, agency: &agency::Model, section: &str) -> String {
    i18n::t_with(
        lang,
        &format!("guide.default.{section}"),
        &[
            ("agency", crate::domain::agency::agency_name(agency, lang)),
            ("first_answer_days", &agency.first_answer_days.to_string()),
            ("closing_days", &agency.closing_days.to_string()),
        ],
    )
}

pub struct GuideSection {
    pub key: &'static str,
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/manual.html")]
pub struct ManualTemplate {
    page: PageContext,
    guide: Guide,
    sections: Vec<GuideSection>,
    divisions: Vec<String>,
    now: DateTime<Utc>,
}

impl ManualTemplate {
    fn channels(&self) -> Vec<String> {
        Channel::iter().map(|c| c.code()).collect()
    }

    /// A message with the agency's due days filled in.
    fn settings_text(&self, key: &str) -> String {
        let agency = &self.page.agency;
        i18n::t_with(
            self.page.lang,
            key,
            &[
                ("first_answer_days", &agency.first_answer_days.to_string()),
                ("closing_days", &agency.closing_days.to_string()),
                ("agency", self.page.agency_name()),
            ],
        )
    }

    /// The day the guide was issued, as the reader reads dates.
    fn issued_on(&self) -> Option<String> {
        self.guide.issued_on.map(|d| self.page.date(&d.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()))
    }
}

pub async fn show(State(state): State<AppState>, page: PageContext) -> Result<ManualTemplate, AppError> {
    let divisions = departments(&state.db, page.agency.id)
        .await?
        .into_iter()
        .filter(|d| d.active)
        .map(|d| match page.lang {
            Lang::Th => d.name_th,
            Lang::En => d.name_en,
        })
        .collect();
    let guide = guide::guide(&state.db, page.agency.id).await?;
    let sections = SECTIONS
        .iter()
        .enumerate()
        .map(|(i, key)| GuideSection { key, text: section_text(page.lang, &page.agency, &guide, i) })
        .collect();
    Ok(ManualTemplate { page, guide, sections, divisions, now: Utc::now() })
}
