//! `/track`: a resident opens their submission with its code and key. The key
//! travels only in a POST body, never in a URL.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use entity::enums::{Code, EventKind};
use serde::Deserialize;

use super::device::Device;
use crate::domain::privacy::resident::ContactState;
use crate::domain::submissions::{track, TrackedSubmission};
use crate::error::AppError;
use crate::extract::{ClientIp, CsrfForm, PageContext};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "public/track.html")]
pub struct TrackPage {
    page: PageContext,
    /// What the resident typed, kept after a failed look-up.
    code: String,
    key: String,
    remember: bool,
    /// Why the reader is back here: the message's key.
    problem: Option<&'static str>,
    device: Device,
}

impl TrackPage {
    /// The tracking form again, after a personal-data button whose pass
    /// had expired (or was not genuine); the device's list is not shown.
    pub fn pass_expired(page: PageContext) -> Response {
        let page = TrackPage {
            page,
            code: String::new(),
            key: String::new(),
            remember: false,
            problem: Some("privacy.pass_expired"),
            device: Device::default(),
        };
        private((StatusCode::FORBIDDEN, page).into_response())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public/tracked.html")]
pub struct TrackedPage {
    page: PageContext,
    submission: TrackedSubmission,
    remembered: bool,
    /// Carried by the personal-data buttons instead of the key (`privacy::pass`).
    pass: String,
    /// After the resident's verdict or reopening: what happened (a message key).
    notice: Option<&'static str>,
    /// Or what to correct.
    errors: Vec<String>,
}

impl TrackedPage {
    /// The tracking page again after a step taken with its pass.
    pub fn after_step(
        page: PageContext,
        submission: TrackedSubmission,
        pass: String,
        notice: Option<&'static str>,
        errors: Vec<String>,
    ) -> Self {
        Self { page, submission, remembered: false, pass, notice, errors }
    }

    /// The resident's answer to "was it resolved?", once given.
    pub fn given_resolved(&self) -> Option<String> {
        self.submission.closing.given.map(|(resolved, _)| resolved.code())
    }

    pub fn given_satisfaction(&self) -> Option<String> {
        self.submission.closing.given.map(|(_, n)| n.to_string())
    }

    /// Said "no", and the 30 days to reopen have passed.
    pub fn reopen_window_passed(&self) -> bool {
        let closing = &self.submission.closing;
        closing.reopen_until.is_some() && !closing.may_reopen
    }

    pub fn resolved_codes(&self) -> [&'static str; 3] {
        ["yes", "partly", "no"]
    }

    pub fn satisfaction_values(&self) -> [&'static str; 5] {
        ["5", "4", "3", "2", "1"]
    }
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    tracking_code: String,
    /// Empty when opening a submission this device remembers.
    #[serde(default)]
    access_key: String,
    /// "on" when the resident asks this device to remember it.
    #[serde(default)]
    remember: Option<String>,
}

/// `?code=…`: the receipt's "track" button fills the code in.
#[derive(Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

pub async fn show(page: PageContext, device: Device, Query(query): Query<CodeQuery>) -> TrackPage {
    let code = query.code.unwrap_or_default();
    TrackPage { page, code, key: String::new(), remember: false, problem: None, device }
}

pub async fn lookup(
    State(state): State<AppState>,
    page: PageContext,
    device: Device,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<TrackForm>,
) -> Result<Response, AppError> {
    if !state.limits.tracking.allow(&client).await {
        return Err(AppError::RateLimited);
    }
    let typed_key = form.access_key.trim();
    let key = match device.key_for(&form.tracking_code) {
        Some(remembered) if typed_key.is_empty() => remembered.to_owned(),
        _ => typed_key.to_owned(),
    };
    let remember = form.remember.as_deref() == Some("on") || device.remembers(&form.tracking_code);
    match track(&state.db, page.agency.id, &form.tracking_code, &key, page.agency.show_staff_names).await? {
        Some(submission) => {
            let pass = state.csrf.pass_key().issue(page.agency.id, &submission.tracking_code, Utc::now());
            let mut response =
                TrackedPage { page, submission, remembered: remember, pass, notice: None, errors: Vec::new() }
                    .into_response();
            if remember {
                let device = device.with(&form.tracking_code, &key);
                set_cookie(&mut response, &device.set_cookie(&state.csrf, state.config.secure_cookies));
            }
            Ok(private(response))
        }
        None => {
            let page = TrackPage {
                page,
                code: form.tracking_code,
                key: form.access_key,
                remember: form.remember.as_deref() == Some("on"),
                problem: Some("track.not_found"),
                device,
            };
            Ok(private((StatusCode::NOT_FOUND, page).into_response()))
        }
    }
}

/// From the receipt: remember a submission on this device, after proving
/// its code and key like any look-up.
pub async fn remember(
    State(state): State<AppState>,
    page: PageContext,
    device: Device,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<TrackForm>,
) -> Result<Response, AppError> {
    if !state.limits.tracking.allow(&client).await {
        return Err(AppError::RateLimited);
    }
    match track(&state.db, page.agency.id, &form.tracking_code, &form.access_key, false).await? {
        Some(found) => {
            let device = device.with(&found.tracking_code, &form.access_key);
            let mut response = Redirect::to(&format!("/track?code={}", found.tracking_code)).into_response();
            set_cookie(&mut response, &device.set_cookie(&state.csrf, state.config.secure_cookies));
            Ok(response)
        }
        None => {
            let page = TrackPage {
                page,
                code: form.tracking_code,
                key: form.access_key,
                remember: true,
                problem: Some("track.not_found"),
                device,
            };
            Ok(private((StatusCode::NOT_FOUND, page).into_response()))
        }
    }
}

/// Forgets one submission on this device.
pub async fn forget(State(state): State<AppState>, device: Device, CsrfForm(form): CsrfForm<TrackForm>) -> Response {
    let device = device.without(&form.tracking_code);
    let mut response = Redirect::to("/track").into_response();
    set_cookie(&mut response, &device.set_cookie(&state.csrf, state.config.secure_cookies));
    response
}

fn set_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// Answers that may carry a key or a resident's submission: never stored
/// by the browser or a proxy, so the back button on a shared computer
/// does not bring them back.
pub(super) fn private(mut response: Response) -> Response {
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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
