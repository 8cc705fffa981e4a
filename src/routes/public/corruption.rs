//! `/report-corruption`: the separate channel for corruption and misconduct
//! reports the ITA asks for. Anonymous unless the reporter says otherwise.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;

use super::form::{self, FormState, ResidentForm};
use crate::error::AppError;
use crate::extract::{ClientIp, PageContext};
use crate::state::AppState;

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
    ResidentForm { fields, photos }: ResidentForm,
) -> Result<Response, AppError> {
    let form =
        FormState::from_pairs(&fields.pairs).with_value("kind", "corruption").with_errors(&fields.refused, page.lang);
    let input = form::new_submission(&form);
    form::accept(&state, page, client, form, input, photos, async |page, form| Ok(ReportPage { page, form })).await
}
