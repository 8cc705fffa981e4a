//! Admins keep the catalogue of services and their published standards.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use entity::{department, service};
use serde::Deserialize;

use super::admin::{optional_id, settle};
use crate::auth::CurrentStaff;
use crate::domain::actor::Staff;
use crate::domain::services::{self, ServiceInput, StandardInput};
use crate::domain::{agency, error::DomainError};
use crate::error::AppError;
use crate::extract::{CsrfForm, PageContext, Path};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "staff/services.html")]
pub struct ServicesPage {
    page: PageContext,
    me: Staff,
    services: Vec<service::Model>,
    departments: Vec<department::Model>,
    errors: Vec<String>,
}

async fn list_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    errors: Vec<String>,
) -> Result<ServicesPage, AppError> {
    let services = services::catalogue(&state.db, &me).await?;
    let departments = agency::departments(&state.db, page.agency.id).await?;
    Ok(ServicesPage { page, me, services, departments, errors })
}

pub async fn list(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<ServicesPage, AppError> {
    list_page(&state, page, me, Vec::new()).await
}

/// The service form; the standard's fields come only from the edit page.
#[derive(Deserialize, Default)]
pub struct ServiceForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name_th: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    requirements_th: String,
    #[serde(default)]
    requirements_en: String,
    #[serde(default)]
    steps_th: String,
    #[serde(default)]
    steps_en: String,
    #[serde(default)]
    time_frame_th: String,
    #[serde(default)]
    time_frame_en: String,
    #[serde(default)]
    fee_th: String,
    #[serde(default)]
    fee_en: String,
    #[serde(default)]
    apply_at_th: String,
    #[serde(default)]
    apply_at_en: String,
    #[serde(default)]
    online_url: String,
    #[serde(default)]
    legal_basis_th: String,
    #[serde(default)]
    legal_basis_en: String,
}

impl ServiceForm {
    fn into_input(self, with_standard: bool) -> ServiceInput {
        let standard = with_standard.then(|| StandardInput {
            published: self.published.is_some(),
            requirements_th: self.requirements_th,
            requirements_en: self.requirements_en,
            steps_th: self.steps_th,
            steps_en: self.steps_en,
            time_frame_th: self.time_frame_th,
            time_frame_en: self.time_frame_en,
            fee_th: self.fee_th,
            fee_en: self.fee_en,
            apply_at_th: self.apply_at_th,
            apply_at_en: self.apply_at_en,
            online_url: self.online_url,
            legal_basis_th: self.legal_basis_th,
            legal_basis_en: self.legal_basis_en,
        });
        ServiceInput {
            department_id: optional_id(&self.department),
            slug: self.slug,
            name_th: self.name_th,
            name_en: self.name_en,
            active: self.active.is_some(),
            standard,
        }
    }
}

/// Creates a service, then opens its edit page for the standard.
pub async fn create(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(form): CsrfForm<ServiceForm>,
) -> Result<Response, AppError> {
    let result = services::save_service(&state.db, &me, None, form.into_input(false), Utc::now()).await;
    let to = result.map(|saved| format!("/staff/services/{}", saved.id));
    settle(page, to, async |page, errors| list_page(&state, page, me, errors).await).await
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/service.html")]
pub struct ServicePage {
    page: PageContext,
    me: Staff,
    service: service::Model,
    steps_th: String,
    steps_en: String,
    departments: Vec<department::Model>,
    errors: Vec<String>,
}

async fn edit_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    id: i64,
    errors: Vec<String>,
) -> Result<ServicePage, AppError> {
    let (service, steps) = services::to_edit(&state.db, &me, id).await?;
    let (steps_th, steps_en) = services::steps_as_lines(&steps);
    let departments = agency::departments(&state.db, page.agency.id).await?;
    Ok(ServicePage { page, me, service, steps_th, steps_en, departments, errors })
}

pub async fn edit(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
) -> Result<ServicePage, AppError> {
    edit_page(&state, page, me, id, Vec::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ServiceForm>,
) -> Result<Response, AppError> {
    let result: Result<(), DomainError> =
        services::save_service(&state.db, &me, Some(id), form.into_input(true), Utc::now()).await.map(|_| ());
    let to = format!("/staff/services/{id}");
    settle(page, result.map(|()| to), async |page, errors| edit_page(&state, page, me, id, errors).await).await
}
