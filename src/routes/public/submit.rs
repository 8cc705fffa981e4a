//! `/submit`: one form for service feedback, complaints and suggestions.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use entity::enums::Code;
use serde::Deserialize;

use super::form::{self, FormState, ResidentForm, RECEIPT_COOKIE};
use crate::csrf::read_cookie;
use crate::domain::services;
use crate::domain::submissions::access::RequestScope;
use crate::domain::submissions::questions::{self, Answer};
use crate::domain::submissions::submit::receipt_of;
use crate::domain::submissions::Receipt;
use crate::error::AppError;
use crate::extract::{ClientIp, PageContext, Query};
use crate::state::AppState;

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
    /// The answers it offers: `scale` (1–4), `has` (มี/ไม่มี) or `benefit`
    /// (ใช่/ไม่ใช่, stored on the submission).
    pub answer: &'static str,
    /// The values and labels of its answers.
    pub options: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/submitted.html")]
pub struct SubmittedPage {
    page: PageContext,
    receipt: Receipt,
}

/// The receipt page has none to show (too late, or another browser).
#[derive(Template, WebTemplate)]
#[template(path = "public/no_receipt.html")]
pub struct NoReceiptPage {
    page: PageContext,
}

/// `GET /receipt`: the receipt of the form this browser sent last, found by
/// the form's one-time id in a cookie. Reloading it sends nothing again;
/// nobody keeps it (it shows the access key).
pub async fn receipt(
    State(state): State<AppState>,
    page: PageContext,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let request = read_cookie(&headers, RECEIPT_COOKIE)
        .filter(|id| form::valid_request_id(id))
        .map(|id| state.request_keys.request(RequestScope::Form, id));
    let receipt = match request {
        Some(request) => receipt_of(&state.db, page.agency.id, &request, Utc::now()).await?,
        None => None,
    };
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    Ok(match receipt {
        Some(receipt) => (no_store, SubmittedPage { page, receipt }).into_response(),
        None => (StatusCode::NOT_FOUND, no_store, NoReceiptPage { page }).into_response(),
    })
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
    ResidentForm { fields, photos }: ResidentForm,
) -> Result<Response, AppError> {
    let form = FormState::from_pairs(&fields.pairs).with_errors(&fields.refused, page.lang);
    let mut input = form::new_submission(&form);
    if !KINDS.contains(&input.kind.as_str()) {
        input.kind.clear();
    }
    form::accept(&state, page, client, form, input, photos, async |page, form| render_form(&state, page, form).await)
        .await
}

async fn render_form(state: &AppState, page: PageContext, form: FormState) -> Result<SubmitPage, AppError> {
    let services = state
        .active_services
        .get(&page.agency, (), services::active(&state.db, page.agency.id))
        .await?
        .iter()
        .map(|s| ServiceOption {
            name: if page.lang == crate::i18n::Lang::Th { s.name_th.clone() } else { s.name_en.clone() },
            slug: s.slug.clone(),
        })
        .collect();
    let questions = questions::all()
        .iter()
        .map(|q| {
            let (field, answer, options) = match q.answer {
                Answer::Scale => (
                    format!("ratings.{}", q.id),
                    "scale",
                    (1..=4).map(|n| (n.to_string(), page.label("scale_short", n.to_string()))).collect(),
                ),
                Answer::Has => (
                    format!("ratings.{}", q.id),
                    "has",
                    vec![
                        (questions::HAS.to_string(), page.t("form.has").to_owned()),
                        (questions::HAS_NOT.to_string(), page.t("form.has_not").to_owned()),
                    ],
                ),
                Answer::YesNo => (
                    "asked_for_benefit".to_owned(),
                    "benefit",
                    vec![("yes".into(), page.t("form.yes").to_owned()), ("no".into(), page.t("form.no").to_owned())],
                ),
            };
            QuestionView { field, text: q.text(page.lang).to_owned(), answer, options }
        })
        .collect();
    Ok(SubmitPage { page, form, services, questions })
}

impl SubmittedPage {
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
}
