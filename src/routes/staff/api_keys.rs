//! Admins issue API keys to Open311 clients and revoke them
//! (`domain::open311`). A new key is shown once, on the answer to the form
//! that issued it; only its hash is kept.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use entity::open311_client;
use serde::Deserialize;

use super::admin::settle;
use crate::auth::CurrentStaff;
use crate::domain::accounts::Creator;
use crate::domain::actor::Staff;
use crate::domain::open311;
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields, PageContext, Path};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "staff/api_keys.html")]
pub struct ApiKeysPage {
    page: PageContext,
    me: Staff,
    clients: Vec<open311_client::Model>,
    /// A key just issued, with whom it was issued to.
    issued: Option<(String, String)>,
    errors: Vec<String>,
}

async fn keys_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    issued: Option<(String, String)>,
    errors: Vec<String>,
) -> Result<ApiKeysPage, AppError> {
    let clients = open311::clients(&state.db, &me).await?;
    Ok(ApiKeysPage { page, me, clients, issued, errors })
}

pub async fn list(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<ApiKeysPage, AppError> {
    keys_page(&state, page, me, None, Vec::new()).await
}

#[derive(Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    client_name: String,
}

pub async fn issue(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(form): CsrfForm<IssueForm>,
) -> Result<Response, AppError> {
    match open311::issue_key(&state.db, Creator::Admin(&me), &form.client_name, Utc::now()).await {
        Ok(issued) => {
            let shown = Some((issued.client.name, issued.key));
            Ok(keys_page(&state, page, me, shown, Vec::new()).await?.into_response())
        }
        Err(err) => settle(page, Err(err), async |page, errors| keys_page(&state, page, me, None, errors).await).await,
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let result = open311::revoke_key(&state.db, &me, id, Utc::now()).await;
    settle(page, result.map(|()| "/staff/api-keys".into()), async |page, errors| {
        keys_page(&state, page, me, None, errors).await
    })
    .await
}
