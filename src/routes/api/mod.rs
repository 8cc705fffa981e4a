//! The JSON API (`/api/v1`): the residents' flow for apps and tests.
//!
//! Every route is added with `routes!` from a handler annotated with
//! `#[utoipa::path]`, so the OpenAPI document (`/api/v1/openapi.json`) is
//! generated from the same code that serves it; a route added with a plain
//! `.route(…)` would be missing from it, and the test suite refuses that
//! (tests/siang/openapi.rs).

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::openapi::{self, RefOr, Response};
use utoipa::{OpenApi, ToResponse, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

mod participation;
mod submissions;

/// Where the API lives.
pub const BASE: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Siang (เสียง) API",
        description = "The JSON API of Siang, a public feedback and participation portal for Thai local \
                       government: send a submission, follow it, read the participation log and the statistics. \
                       Text answers come in the language of `Accept-Language` (Thai by default). Errors have the \
                       body `ErrorBody`, refused input `ValidationErrors`; 429 and 503 say how long to wait in \
                       `Retry-After`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    components(schemas(ErrorBody, ErrorDetail, ValidationErrors), responses(RateLimited, Unavailable)),
    tags(
        (name = "submissions", description = "Residents' submissions"),
        (name = "participation", description = "The public log and statistics"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

/// The API's routes with their documentation, under [`BASE`].
fn documented() -> OpenApiRouter<AppState> {
    let routes = OpenApiRouter::new()
        .routes(routes!(submissions::create))
        .routes(routes!(submissions::show))
        .routes(routes!(participation::log))
        .routes(routes!(participation::stats))
        .routes(routes!(document));
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(BASE, routes)
}

/// The router of `/api/v1`.
pub fn router() -> axum::Router<AppState> {
    documented().split_for_parts().0
}

/// The OpenAPI 3.1 document of every `/api/v1` route.
pub fn openapi() -> openapi::OpenApi {
    documented().split_for_parts().1
}

static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| openapi().to_pretty_json().expect("the OpenAPI document serializes"));

/// This API's OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi_document",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object, content_type = "application/json"))
)]
async fn document() -> axum::response::Response {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str()).into_response()
}

/// The body of every error but refused input.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `not_found`, `rate_limited`, `unsupported_media_type`, …
    code: String,
    /// What happened, in the reader's language.
    message: String,
}

/// Refused input: field → messages in the reader's language (`body` when the
/// JSON itself does not fit, `idempotency_key` for a bad header).
#[derive(Serialize, ToSchema)]
pub struct ValidationErrors {
    errors: std::collections::BTreeMap<String, Vec<String>>,
}

fn error_with_wait(description: &str, wait: &str) -> Response {
    openapi::ResponseBuilder::new()
        .description(description)
        .header(
            "Retry-After",
            openapi::HeaderBuilder::new()
                .schema(openapi::ObjectBuilder::new().schema_type(openapi::Type::Integer).minimum(Some(0)))
                .description(Some(wait))
                .build(),
        )
        .content(
            "application/json",
            openapi::ContentBuilder::new().schema(Some(openapi::Ref::from_schema_name("ErrorBody"))).build(),
        )
        .build()
}

/// 429: too many requests from this client; try again after `Retry-After` seconds.
pub struct RateLimited;

impl<'s> ToResponse<'s> for RateLimited {
    fn response() -> (&'s str, RefOr<Response>) {
        let response = error_with_wait(
            "Too many requests from this client",
            "Seconds to wait before trying again (the rate-limit window)",
        );
        ("RateLimited", RefOr::T(response))
    }
}

/// 503: the server is busy or its database is away for a moment.
pub struct Unavailable;

impl<'s> ToResponse<'s> for Unavailable {
    fn response() -> (&'s str, RefOr<Response>) {
        let response = error_with_wait("Busy, or the database is unavailable", "Seconds to wait before trying again");
        ("Unavailable", RefOr::T(response))
    }
}
