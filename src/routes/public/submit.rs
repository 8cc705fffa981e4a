//! `/submit`: one form for service feedback, complaints and suggestions.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;
use entity::enums::Code;
use serde::Deserialize;

use super::form::{self, FormState};
use crate::app::AppState;
use crate::domain::services;
use crate::domain::submissions::{questions, Receipt};
use crate::error::AppError;
use crate::extract::{ClientIp, CsrfForm, PageContext};

/// The kinds this form takes; corruption reports have their own page.
pub const KINDS: [&str; 3] = ["service_feedback", "complaint", "suggestion"];

#[derive(Template, WebTemplate)]
#[template(path = "public/submit.html")]
pub struct SubmitPage {
    page: PageContext,
    form: FormState,
    services: Vec<ServiceOption>,
    questions: Vec<QuestionView>,
}

pub struct ServiceOption {
    pub slug: String,
    pub name: String,
}

pub struct QuestionView {
    pub field: String,
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/submitted.html")]
pub struct SubmittedPage {
    page: PageContext,
    receipt: Receipt,
}

/// `?kind=…&service=…`: links from the home page and from a service's page.
#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
    service: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<KindQuery>,
) -> Result<SubmitPage, AppError> {
    let kind = query.kind.filter(|k| KINDS.contains(&k.as_str())).unwrap_or_else(|| "complaint".into());
    let form =
        FormState::default().with_value("kind", &kind).with_value("service", query.service.as_deref().unwrap_or(""));
    render_form(&state, page, form).await
}

pub async fn create(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = FormState::from_pairs(&pairs);
    let mut input = form::new_submission(&form);
    if !KINDS.contains(&input.kind.as_str()) {
        input.kind.clear();
    }
    form::accept(&state, page, client, form, input, async |page, form| render_form(&state, page, form).await).await
}

async fn render_form(state: &AppState, page: PageContext, form: FormState) -> Result<SubmitPage, AppError> {
    let services = services::active(&state.db, page.agency.id)
        .await?
        .into_iter()
        .map(|s| ServiceOption {
            name: if page.lang == crate::i18n::Lang::Th { s.name_th } else { s.name_en },
            slug: s.slug,
        })
        .collect();
    let questions = questions::all()
        .iter()
        .filter(|q| q.is_scale())
        .map(|q| QuestionView { field: format!("ratings.{}", q.id), text: q.text(page.lang).to_owned() })
        .collect();
    Ok(SubmitPage { page, form, services, questions })
}

impl SubmittedPage {
    pub fn new(page: PageContext, receipt: Receipt) -> Self {
        Self { page, receipt }
    }

    pub fn kind_code(&self) -> String {
        self.receipt.kind.code()
    }

    /// The key's groups of five (`7K2QM`, `9XAPR`, …), each kept whole on
    /// a narrow screen.
    pub fn key_groups(&self) -> Vec<&str> {
        self.receipt.access_key.split('-').collect()
    }
}

impl SubmitPage {
    pub fn kinds(&self) -> &'static [&'static str] {
        &KINDS
    }

    pub fn benefit_question(&self) -> &str {
        questions::all().iter().find(|q| !q.is_scale()).map(|q| q.text(self.page.lang)).unwrap_or("")
    }
}
