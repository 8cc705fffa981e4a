//! `POST /track/verdict` and `POST /track/reopen`: from the tracking page,
//! a resident says whether their closed item was resolved, and (having
//! said no, within 30 days of closing) reopens it. Both take the tracking
//! page's pass, never the key, and answer with the tracking page again.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use super::track::{private, TrackPage, TrackedPage};
use crate::domain::error::DomainError;
use crate::domain::privacy::resident;
use crate::domain::submissions::track::tracked;
use crate::domain::submissions::verdict::{self, VerdictInput};
use crate::error::{localize, AppError};
use crate::extract::{ClientIp, CsrfForm, PageContext};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct VerdictForm {
    #[serde(default)]
    pass: String,
    #[serde(default)]
    resolved: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    comment: String,
}

#[derive(Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    pass: String,
    #[serde(default)]
    comment: String,
}

/// The pass's submission id, or the tracking form again when it expired.
async fn opened(
    state: &AppState,
    agency_id: i64,
    client: std::net::IpAddr,
    pass: &str,
) -> Result<Option<i64>, AppError> {
    if !state.limits.tracking.allow(&client).await {
        return Err(AppError::RateLimited);
    }
    let opened = resident::open(&state.db, &state.csrf.pass_key(), agency_id, pass, Utc::now()).await?;
    Ok(opened.map(|o| o.submission().id))
}

/// The tracking page as the item now stands, with what the step did.
async fn answer(
    state: &AppState,
    page: PageContext,
    id: i64,
    pass: String,
    result: Result<(), DomainError>,
    done: &'static str,
) -> Result<Response, AppError> {
    let (status, notice, errors) = match result {
        Ok(()) => (StatusCode::OK, Some(done), Vec::new()),
        Err(DomainError::Invalid(errors)) => {
            let messages = localize(&errors, page.lang)
                .into_iter()
                .flat_map(|(_, list)| list.as_array().cloned().unwrap_or_default())
                .filter_map(|m| m.as_str().map(str::to_owned))
                .collect();
            (StatusCode::UNPROCESSABLE_ENTITY, None, messages)
        }
        Err(DomainError::Conflict) => (StatusCode::CONFLICT, Some("verdict.already_reopened"), Vec::new()),
        Err(other) => return Err(other.into()),
    };
    let item = verdict::item(&state.db, page.agency.id, id).await?;
    let submission = tracked(&state.db, item, page.agency.show_staff_names, Utc::now()).await?;
    let page = TrackedPage::after_step(page, submission, pass, notice, errors);
    Ok(private((status, page).into_response()))
}

pub async fn give(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<VerdictForm>,
) -> Result<Response, AppError> {
    let Some(id) = opened(&state, page.agency.id, client, &form.pass).await? else {
        return Ok(TrackPage::pass_expired(page));
    };
    let input = VerdictInput { resolved: form.resolved, satisfaction: form.satisfaction, comment: form.comment };
    let result = verdict::give(&state.db, page.agency.id, id, input, Utc::now()).await;
    answer(&state, page, id, form.pass, result, "verdict.thanks").await
}

pub async fn reopen(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<ReopenForm>,
) -> Result<Response, AppError> {
    let Some(id) = opened(&state, page.agency.id, client, &form.pass).await? else {
        return Ok(TrackPage::pass_expired(page));
    };
    let result = verdict::reopen_by_resident(&state.db, page.agency.id, id, &form.comment, Utc::now()).await;
    answer(&state, page, id, form.pass, result, "verdict.reopened").await
}
