//! Logging in and out. The session id is renewed at login (no fixation), and
//! a failure never says whether the user exists.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::{CurrentStaff, SESSION_USER};
use crate::domain::accounts;
use crate::error::AppError;
use crate::extract::{ClientIp, CsrfForm, NoFields, PageContext};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "staff/login.html")]
pub struct LoginPage {
    page: PageContext,
    username: String,
    failed: bool,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn show(page: PageContext) -> LoginPage {
    LoginPage { page, username: String::new(), failed: false }
}

pub async fn login(
    State(state): State<AppState>,
    page: PageContext,
    session: Session,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    let username = form.username.trim().to_lowercase();
    if !state.limits.login_by_address.allow(&client) || !state.limits.login_by_username.allow(&username) {
        return Err(AppError::RateLimited);
    }
    let staff =
        accounts::authenticate(&state.db, &username, &form.password, Some(client.to_string()), Utc::now()).await?;
    let Some(staff) = staff else {
        return Ok(
            (StatusCode::UNAUTHORIZED, LoginPage { page, username: form.username, failed: true }).into_response()
        );
    };
    session.cycle_id().await.map_err(|e| AppError::Internal(e.into()))?;
    session.insert(SESSION_USER, staff.id).await.map_err(|e| AppError::Internal(e.into()))?;
    Ok(Redirect::to("/staff").into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    session: Session,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    accounts::record_logout(&state.db, &me, Utc::now()).await?;
    session.flush().await.map_err(|e| AppError::Internal(e.into()))?;
    Ok(Redirect::to("/staff/login"))
}
