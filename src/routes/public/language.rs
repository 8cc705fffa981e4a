use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::csrf::cookie_header;
use crate::domain::links::same_origin_path;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::i18n::Lang;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Remembers the chosen language in a cookie and goes back to the page.
pub async fn switch(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(Next { next }): Query<Next>,
) -> Result<Response, AppError> {
    let lang = Lang::from_code(&code).ok_or(AppError::NotFound)?;
    // Only paths on this site, so the switch cannot be used as an open redirect.
    // A full address under the public URL names the same page as its path.
    let next = next.as_deref().map(|next| match &state.config.public_url {
        Some(public) => public.portal_path(next).unwrap_or(next),
        None => next,
    });
    let next = next.and_then(same_origin_path).unwrap_or_else(|| "/".into());
    let cookie = cookie_header(Lang::COOKIE, lang.code(), Some(365 * 24 * 3600), state.config.secure_cookies);
    Ok((StatusCode::SEE_OTHER, [(LOCATION, next), (SET_COOKIE, cookie)]).into_response())
}
