//! `/track`: a resident opens their submission with its code and key. The key
//! travels only in a POST body, never in a URL.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use entity::enums::{Code, EventKind};
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::privacy::resident::ContactState;
use crate::domain::submissions::{track, TrackedSubmission};
use crate::error::AppError;
use crate::extract::{ClientIp, CsrfForm, PageContext};

#[derive(Template, WebTemplate)]
#[template(path = "public/track.html")]
pub struct TrackPage {
    page: PageContext,
    code: String,
    /// Why the reader is back here: the message's key.
    problem: Option<&'static str>,
}

impl TrackPage {
    /// The tracking form again, after a personal-data button whose pass
    /// had expired (or was not genuine).
    pub fn pass_expired(page: PageContext) -> Response {
        (StatusCode::FORBIDDEN, TrackPage { page, code: String::new(), problem: Some("privacy.pass_expired") })
            .into_response()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public/tracked.html")]
pub struct TrackedPage {
    page: PageContext,
    submission: TrackedSubmission,
    /// Carried by the personal-data buttons instead of the key (`privacy::pass`).
    pass: String,
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    tracking_code: String,
    #[serde(default)]
    access_key: String,
}

pub async fn show(page: PageContext) -> TrackPage {
    TrackPage { page, code: String::new(), problem: None }
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
        Some(submission) => {
            let pass = state.csrf.pass_key().issue(&submission.tracking_code, Utc::now());
            // The page carries a pass: keep it out of caches.
            Ok(([(header::CACHE_CONTROL, "no-store")], TrackedPage { page, submission, pass }).into_response())
        }
        None => {
            let problem = Some("track.not_found");
            Ok((StatusCode::NOT_FOUND, TrackPage { page, code: form.tracking_code, problem }).into_response())
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

    pub fn contact_held(&self) -> bool {
        self.submission.personal_data.contact == ContactState::Held
    }

    pub fn contact_erased_at(&self) -> Option<DateTime<Utc>> {
        match self.submission.personal_data.contact {
            ContactState::Erased(at) => Some(at),
            _ => None,
        }
    }
}
