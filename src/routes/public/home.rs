use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::domain::participation::ita;
use crate::error::AppError;
use crate::extract::PageContext;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "public/home.html")]
pub struct HomePage {
    page: PageContext,
    /// The NACC's survey while it collects answers.
    survey: Option<super::SurveyNotice>,
}

pub async fn show(State(state): State<AppState>, page: PageContext) -> Result<HomePage, AppError> {
    let survey = ita::open_survey(&state.db, page.agency.id, chrono::Utc::now()).await?;
    let survey = survey.map(|s| super::SurveyNotice::new(&page, &s));
    Ok(HomePage { page, survey })
}
