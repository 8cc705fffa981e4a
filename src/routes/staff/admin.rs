//! Admins' pages: staff accounts, departments and the agency's settings
//! (services have their own module). The domain refuses everyone else; these handlers only parse,
//! call, and render.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use entity::enums::{Code, Role};
use entity::{agency as agency_entity, department, staff_user};
use sea_orm::{ActiveEnum, Iterable};
use serde::Deserialize;

use crate::auth::CurrentStaff;
use crate::domain::accounts::{self, Creator, NewUser, UserChange};
use crate::domain::actor::Staff;
use crate::domain::agency::{self, DepartmentInput, Settings};
use crate::domain::error::DomainError;
use crate::error::{localize, AppError};
use crate::extract::{CsrfForm, PageContext, Path};
use crate::state::AppState;

/// Localized messages of a refused change, for the page's error summary,
/// with the answer's status: what to correct (422), or that someone else
/// changed it meanwhile (409).
fn messages(page: &PageContext, err: DomainError) -> Result<(StatusCode, Vec<String>), AppError> {
    match err {
        DomainError::Conflict => Ok((StatusCode::CONFLICT, vec![page.t("error.conflict.message").to_owned()])),
        DomainError::Invalid(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            localize(&errors, page.lang)
                .into_iter()
                .flat_map(|(field, list)| {
                    let label = page.t(&format!("staff.field.{field}")).to_owned();
                    list.as_array()
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(move |m| m.as_str().map(|m| format!("{label}: {m}")))
                })
                .collect(),
        )),
        other => Err(other.into()),
    }
}

/// The redirect to `to` after a change, or the page again with what to
/// correct or the news that it was changed meanwhile.
pub(super) async fn settle<P, F>(
    page: PageContext,
    result: Result<String, DomainError>,
    again: F,
) -> Result<Response, AppError>
where
    P: IntoResponse,
    F: AsyncFnOnce(PageContext, Vec<String>) -> Result<P, AppError>,
{
    match result {
        Ok(to) => Ok(Redirect::to(&format!("{to}?done=saved")).into_response()),
        Err(err) => {
            let (status, errors) = messages(&page, err)?;
            Ok((status, again(page, errors).await?).into_response())
        }
    }
}

fn role_from(code: &str) -> Result<Role, DomainError> {
    Role::try_from_value(&code.to_owned()).map_err(|_| DomainError::invalid("role", "unknown_role"))
}

pub(super) fn optional_id(value: &str) -> Option<i64> {
    value.trim().parse().ok()
}

// ----- users -----

#[derive(Template, WebTemplate)]
#[template(path = "staff/users.html")]
pub struct UsersPage {
    page: PageContext,
    me: Staff,
    users: Vec<staff_user::Model>,
    departments: Vec<department::Model>,
    errors: Vec<String>,
}

impl UsersPage {
    pub fn roles(&self) -> Vec<String> {
        Role::iter().map(|r| r.code()).collect()
    }

    pub fn role_code(&self, role: &Role) -> String {
        role.code()
    }
}

async fn users_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    errors: Vec<String>,
) -> Result<UsersPage, AppError> {
    let users = accounts::list(&state.db, &me).await?;
    let departments = agency::departments(&state.db, page.agency.id).await?;
    Ok(UsersPage { page, me, users, departments, errors })
}

pub async fn users(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<UsersPage, AppError> {
    users_page(&state, page, me, Vec::new()).await
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    email: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, AppError> {
    let result = async {
        let input = NewUser {
            role: role_from(&form.role)?,
            username: form.username,
            display_name: form.display_name,
            department_id: optional_id(&form.department),
            password: form.password,
        };
        accounts::create_user(&state.db, Creator::Admin(&me), input, Utc::now()).await.map(|_| ())
    }
    .await;
    back_to_users(state, page, me, result).await
}

/// Back to the users page, or the page again with what to correct.
async fn back_to_users(
    state: AppState,
    page: PageContext,
    me: Staff,
    result: Result<(), DomainError>,
) -> Result<Response, AppError> {
    settle(page, result.map(|()| "/staff/users".into()), async |page, errors| {
        users_page(&state, page, me, errors).await
    })
    .await
}

pub async fn update_user(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, AppError> {
    let result = async {
        let change = UserChange {
            role: role_from(&form.role)?,
            display_name: form.display_name,
            department_id: optional_id(&form.department),
            active: form.active.is_some(),
            email: form.email,
        };
        accounts::update_user(&state.db, &me, id, change, Utc::now()).await
    }
    .await;
    back_to_users(state, page, me, result).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, AppError> {
    let result = accounts::reset_password(&state.db, &me, id, form.password, Utc::now()).await;
    back_to_users(state, page, me, result).await
}

// ----- departments -----

#[derive(Template, WebTemplate)]
#[template(path = "staff/departments.html")]
pub struct DepartmentsPage {
    page: PageContext,
    me: Staff,
    departments: Vec<department::Model>,
    errors: Vec<String>,
}

async fn departments_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    errors: Vec<String>,
) -> Result<DepartmentsPage, AppError> {
    let departments = agency::departments_to_edit(&state.db, &me).await?;
    Ok(DepartmentsPage { page, me, departments, errors })
}

pub async fn departments(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<DepartmentsPage, AppError> {
    departments_page(&state, page, me, Vec::new()).await
}

#[derive(Deserialize)]
pub struct DepartmentForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_th: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    active: Option<String>,
}

impl From<DepartmentForm> for DepartmentInput {
    fn from(f: DepartmentForm) -> Self {
        DepartmentInput { code: f.code, name_th: f.name_th, name_en: f.name_en, active: f.active.is_some() }
    }
}

async fn save_department(
    state: AppState,
    page: PageContext,
    me: Staff,
    id: Option<i64>,
    form: DepartmentForm,
) -> Result<Response, AppError> {
    let result = agency::save_department(&state.db, &me, id, form.into(), Utc::now()).await.map(|_| ());
    settle(page, result.map(|()| "/staff/departments".into()), async |page, errors| {
        departments_page(&state, page, me, errors).await
    })
    .await
}

pub async fn create_department(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(form): CsrfForm<DepartmentForm>,
) -> Result<Response, AppError> {
    save_department(state, page, me, None, form).await
}

pub async fn update_department(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DepartmentForm>,
) -> Result<Response, AppError> {
    save_department(state, page, me, Some(id), form).await
}

// ----- settings -----

#[derive(Template, WebTemplate)]
#[template(path = "staff/settings.html")]
pub struct SettingsPage {
    page: PageContext,
    me: Staff,
    agency: agency_entity::Model,
    errors: Vec<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<SettingsPage, AppError> {
    let agency = agency::settings(&state.db, &me).await?;
    Ok(SettingsPage { page, me, agency, errors: Vec::new() })
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    name_th: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    address_th: String,
    #[serde(default)]
    address_en: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    facebook_url: String,
    #[serde(default)]
    line_id: String,
    #[serde(default)]
    office_hours_th: String,
    #[serde(default)]
    office_hours_en: String,
    #[serde(default)]
    first_answer_days: String,
    #[serde(default)]
    closing_days: String,
    #[serde(default)]
    show_staff_names: Option<String>,
}

pub async fn save_settings(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<Response, AppError> {
    let input = Settings {
        name_th: form.name_th,
        name_en: form.name_en,
        address_th: form.address_th,
        address_en: form.address_en,
        phone: form.phone,
        email: form.email,
        facebook_url: form.facebook_url,
        line_id: form.line_id,
        office_hours_th: form.office_hours_th,
        office_hours_en: form.office_hours_en,
        // A number that does not parse is out of range, and reported so.
        first_answer_days: form.first_answer_days.trim().parse().unwrap_or(0),
        closing_days: form.closing_days.trim().parse().unwrap_or(0),
        show_staff_names: form.show_staff_names.is_some(),
    };
    let result = agency::update_settings(&state.db, &me, input, Utc::now()).await.map(|_| ());
    settle(page, result.map(|()| "/staff/settings".into()), async |page, errors| {
        let agency = agency::settings(&state.db, &me).await?;
        Ok(SettingsPage { page, me, agency, errors })
    })
    .await
}
