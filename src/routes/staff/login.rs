//! Logging in and out. The session id is renewed at login (no fixation), a
//! failure never says whether the user exists, and wrong passwords are
//! throttled per user name and address (`domain::sign_in`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::{CurrentStaff, SESSION_EPOCH, SESSION_USER};
use crate::domain::accounts;
use crate::domain::sign_in::{sign_in, SignIn, Throttle};
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
    let throttle = Throttle { free_failures: state.config.login_free_failures };
    let (staff, session_epoch) =
        match sign_in(&state.db, throttle, page.agency.id, &form.username, &form.password, client, Utc::now()).await? {
            SignIn::Welcome { staff, session_epoch } => (staff, session_epoch),
            SignIn::Refused => {
                let failed = LoginPage { page, username: form.username, failed: true };
                return Ok((StatusCode::UNAUTHORIZED, failed).into_response());
            }
            SignIn::Wait(wait) => return Err(AppError::LoginDelayed(wait.as_secs().max(1))),
        };
    session.cycle_id().await.map_err(|e| AppError::Internal(e.into()))?;
    session.insert(SESSION_USER, staff.id).await.map_err(|e| AppError::Internal(e.into()))?;
    session.insert(SESSION_EPOCH, session_epoch).await.map_err(|e| AppError::Internal(e.into()))?;
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

/// "Log out everywhere": ends every session of the staff member, this one
/// included (a lost phone, a shared computer left logged in).
pub async fn logout_everywhere(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    session: Session,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    accounts::end_all_sessions(&state.db, &me, me.id, Utc::now()).await?;
    session.flush().await.map_err(|e| AppError::Internal(e.into()))?;
    Ok(Redirect::to("/staff/login"))
}
