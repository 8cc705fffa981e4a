//! `/track`: a resident opens their submission with its code and key. The key
//! travels only in a POST body, never in a URL.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use entity::enums::{Code, EventKind};
use serde::Deserialize;

use crate::domain::submissions::{track, TrackedSubmission};
use crate::error::AppError;
use crate::extract::{ClientIp, CsrfForm, PageContext};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "public/track.html")]
pub struct TrackPage {
    page: PageContext,
    code: String,
    not_found: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/tracked.html")]
pub struct TrackedPage {
    page: PageContext,
    submission: TrackedSubmission,
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    tracking_code: String,
    #[serde(default)]
    access_key: String,
}

pub async fn show(page: PageContext) -> TrackPage {
    TrackPage { page, code: String::new(), not_found: false }
}

pub async fn lookup(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<TrackForm>,
) -> Result<Response, AppError> {
    if !state.limits.tracking.allow(&client) {
        return Err(AppError::RateLimited);
    }
    match track(&state.db, &form.tracking_code, &form.access_key, page.agency.show_staff_names).await? {
        Some(submission) => Ok(TrackedPage { page, submission }.into_response()),
        None => {
            Ok((StatusCode::NOT_FOUND, TrackPage { page, code: form.tracking_code, not_found: true }).into_response())
        }
    }
}

/// A timeline entry with its codes ready for label look-up.
pub struct EventView {
    pub at: chrono::DateTime<chrono::Utc>,
    pub kind: String,
    pub status: Option<String>,
    pub message: Option<String>,
    pub staff_name: Option<String>,
}

impl TrackedPage {
    pub fn title(&self) -> String {
        crate::i18n::t_with(self.page.lang, "track.status_title", &[("code", &self.submission.tracking_code)])
    }

    pub fn kind_code(&self) -> String {
        self.submission.kind.code()
    }

    pub fn status_code(&self) -> String {
        self.submission.status.code()
    }

    pub fn events(&self) -> Vec<EventView> {
        self.submission
            .events
            .iter()
            .map(|e| EventView {
                at: e.at,
                kind: e.kind.code(),
                status: e.status.map(|s| s.code()),
                message: e.message.clone(),
                staff_name: e.staff_name.clone(),
            })
            .collect()
    }

    pub fn has_reply(&self) -> bool {
        self.submission.events.iter().any(|e| e.kind == EventKind::PublicReply)
    }
}
