//! `/report-corruption`: the separate channel for corruption and misconduct
//! reports the ITA asks for. Anonymous unless the reporter says otherwise.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use entity::enums::Channel;

use super::form::{self, FormState};
use super::submit::SubmittedPage;
use crate::app::AppState;
use crate::domain::submissions::{self, SubmitError};
use crate::error::AppError;
use crate::extract::{ClientIp, CsrfForm, PageContext};

#[derive(Template, WebTemplate)]
#[template(path = "public/report_corruption.html")]
pub struct ReportPage {
    page: PageContext,
    form: FormState,
}

pub async fn show(page: PageContext) -> ReportPage {
    ReportPage { page, form: FormState::default().with_value("anonymous", "on") }
}

pub async fn create(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    if !state.limits.submissions.allow(&client) {
        return Err(AppError::RateLimited);
    }
    let form = FormState::from_pairs(&pairs).with_value("kind", "corruption");
    match submissions::submit(&state.db, &page.agency, form::new_submission(&form), Channel::Web, None, Utc::now())
        .await
    {
        Ok(receipt) => Ok(SubmittedPage::new(page, receipt).into_response()),
        Err(SubmitError::Invalid(errors)) => {
            let form = form.with_errors(&errors, page.lang);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, ReportPage { page, form }).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
