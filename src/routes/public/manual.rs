//! `/manual`: the complaint-handling guide, generated from the agency's own
//! settings (channels, divisions, due days) so it is always true.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{DateTime, Utc};
use entity::enums::{Channel, Code};
use sea_orm::Iterable;

use crate::domain::agency::departments;
use crate::error::AppError;
use crate::extract::PageContext;
use crate::i18n;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "public/manual.html")]
pub struct ManualTemplate {
    page: PageContext,
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
}

pub async fn show(State(state): State<AppState>, page: PageContext) -> Result<ManualTemplate, AppError> {
    let divisions = departments(&state.db, page.agency.id)
        .await?
        .into_iter()
        .filter(|d| d.active)
        .map(|d| match page.lang {
            i18n::Lang::Th => d.name_th,
            i18n::Lang::En => d.name_en,
        })
        .collect();
    Ok(ManualTemplate { page, divisions, now: Utc::now() })
}
