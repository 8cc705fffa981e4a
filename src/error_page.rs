//! The body of every error answer: JSON under `/api/`, a page in the
//! reader's language elsewhere, written by a middleware from the error the
//! handler filed in its response (`error::AppError`).

use askama::Template;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::json;

use crate::error::{localize, AppError, Filed};
use crate::extract::{PageContext, ServedAgency};
use crate::i18n;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    page: PageContext,
    title: String,
    message: String,
    /// What to correct, field by field, when input was refused.
    details: Vec<String>,
}

/// Turns filed errors into bodies. Server-side failures are logged here.
pub async fn render_error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = ["/api/", "/open311/", "/hooks/"].iter().any(|prefix| path.starts_with(prefix));
    let page = PageContext::from_request(&state, &request);
    let response = next.run(request).await;
    let Some(Filed(error)) = response.extensions().get::<Filed>().cloned() else {
        return response;
    };
    // The agency the route loaded, when it got that far.
    let page = match response.extensions().get::<ServedAgency>() {
        Some(served) => page.with_agency(served.0.clone()),
        None => page,
    };
    let status = response.status();
    if status.is_server_error() {
        tracing::error!(error = %error, "request failed");
    }
    if matches!(*error, AppError::Unauthorized) && !api {
        return Redirect::to("/staff/login").into_response();
    }
    let lang = page.lang;
    let mut rendered = if api {
        let body = match &*error {
            AppError::Invalid(errors) => json!({ "errors": localize(errors, lang) }),
            other => {
                json!({ "error": { "code": other.code(), "message": i18n::t(lang, &format!("error.{}.message", other.code())) } })
            }
        };
        (status, Json(body)).into_response()
    } else {
        let code = error.code();
        let html = ErrorPage {
            title: i18n::t(lang, &format!("error.{code}.title")).to_owned(),
            message: i18n::t(lang, &format!("error.{code}.message")).to_owned(),
            details: match &*error {
                AppError::Invalid(errors) => localize(errors, lang)
                    .into_iter()
                    .flat_map(|(field, list)| {
                        list.as_array()
                            .cloned()
                            .unwrap_or_default()
                            .into_iter()
                            .map(move |m| format!("{field}: {}", m.as_str().unwrap_or_default()))
                    })
                    .collect(),
                _ => Vec::new(),
            },
            page,
        }
        .render()
        .unwrap_or_else(|_| i18n::t(lang, &format!("error.{code}.message")).to_owned());
        (status, Html(html)).into_response()
    };
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    rendered
}
