//! Residents' personal data: the privacy notice with the retention periods
//! in force (`/privacy`), and, from the tracking page, what Siang holds
//! about a submission (a page, or JSON) and a request to erase the contact
//! data. The last three take the tracking page's pass, never the key.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use entity::enums::Code;
use serde::Deserialize;

use super::track::TrackPage;
use crate::domain::error::DomainError;
use crate::domain::privacy::resident::{self, HeldData, Opened};
use crate::domain::privacy::retention::{self, Period};
use crate::domain::submissions::questions;
use crate::error::AppError;
use crate::extract::{ClientIp, CsrfForm, PageContext};
use crate::i18n::{self, Lang};
use crate::state::AppState;

/// A period in words: "1 year after closing", or "until the integrity
/// officer decides".
pub fn period_text(lang: Lang, period: &Period) -> String {
    match period.keep_days {
        None => i18n::t(lang, "privacy.by_decision").to_owned(),
        Some(365) => i18n::t(lang, "privacy.after_one_year").to_owned(),
        Some(days) if days % 365 == 0 => {
            i18n::t_with(lang, "privacy.after_years", &[("years", &(days / 365).to_string())])
        }
        Some(days) => i18n::t_with(lang, "privacy.after_days", &[("days", &days.to_string())]),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public/privacy.html")]
pub struct NoticePage {
    page: PageContext,
    periods: Vec<Period>,
}

impl NoticePage {
    pub fn kind_code(&self, period: &Period) -> String {
        period.kind.code()
    }

    pub fn period(&self, period: &Period) -> String {
        period_text(self.page.lang, period)
    }
}

pub async fn notice(State(state): State<AppState>, page: PageContext) -> Result<NoticePage, AppError> {
    let periods = retention::periods(&state.db, page.agency.id).await?;
    Ok(NoticePage { page, periods })
}

#[derive(Deserialize)]
pub struct PassForm {
    #[serde(default)]
    pass: String,
}

/// The submission the form's pass opens (rate-limited like tracking), or
/// the tracking form again when the pass has expired.
async fn opened(
    state: &AppState,
    agency_id: i64,
    client: std::net::IpAddr,
    pass: &str,
) -> Result<Option<Opened>, AppError> {
    if !state.limits.tracking.allow(&client).await {
        return Err(AppError::RateLimited);
    }
    Ok(resident::open(&state.db, &state.csrf.pass_key(), agency_id, pass, Utc::now()).await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "public/held_data.html")]
pub struct HeldDataPage {
    page: PageContext,
    data: HeldData,
    pass: String,
}

impl HeldDataPage {
    pub fn title(&self) -> String {
        i18n::t_with(self.page.lang, "privacy.data.title", &[("code", &self.data.submission.tracking_code)])
    }

    pub fn question(&self, id: &str) -> String {
        questions::rated_question(id).map(|q| q.text(self.page.lang).to_owned()).unwrap_or_else(|| id.to_owned())
    }

    /// A stored answer as the form offered it: "3 มาก", "มี".
    pub fn answer(&self, id: &str, value: &i16) -> String {
        let key = questions::rated_question(id).map_or_else(|| format!("scale.{value}"), |q| q.answer_key(*value));
        self.page.t(&key).to_owned()
    }

    fn yes_no(&self, value: bool) -> &'static str {
        self.page.t(if value { "form.yes" } else { "form.no" })
    }

    pub fn anonymous(&self) -> &'static str {
        self.yes_no(self.data.submission.anonymous)
    }

    /// The answer to "were you asked for a benefit?", if it was asked.
    pub fn asked_for_benefit(&self) -> Option<&'static str> {
        self.data.submission.asked_for_benefit.map(|asked| self.yes_no(asked))
    }
}

/// `POST /track/data`: everything held about the submission, to read or print.
pub async fn data(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<PassForm>,
) -> Result<Response, AppError> {
    let Some(opened) = opened(&state, page.agency.id, client, &form.pass).await? else {
        return Ok(TrackPage::pass_expired(page));
    };
    let data = resident::held_data(&state.db, &opened, &page.agency, Utc::now()).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], HeldDataPage { page, data, pass: form.pass }).into_response())
}

/// `POST /track/data.json`: the same, as a JSON file to keep.
pub async fn data_json(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<PassForm>,
) -> Result<Response, AppError> {
    let Some(opened) = opened(&state, page.agency.id, client, &form.pass).await? else {
        return Ok(TrackPage::pass_expired(page));
    };
    let data = resident::held_data(&state.db, &opened, &page.agency, Utc::now()).await?;
    let body = serde_json::to_string_pretty(&data).map_err(|e| AppError::Internal(e.into()))?;
    let disposition = format!("attachment; filename=\"siang-{}.json\"", opened.tracking_code());
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "public/erasure.html")]
pub struct ErasurePage {
    page: PageContext,
    tracking_code: String,
    /// When the agency will have answered; `None` when there was nothing to erase.
    due_at: Option<DateTime<Utc>>,
}

/// `POST /track/erasure`: the resident asks for their contact data to be erased.
pub async fn request_erasure(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<PassForm>,
) -> Result<Response, AppError> {
    let Some(opened) = opened(&state, page.agency.id, client, &form.pass).await? else {
        return Ok(TrackPage::pass_expired(page));
    };
    let tracking_code = opened.tracking_code().to_owned();
    match resident::request_erasure(&state.db, &opened, Utc::now()).await {
        Ok(due) => Ok(ErasurePage { page, tracking_code, due_at: Some(due) }.into_response()),
        Err(DomainError::Invalid(_)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, ErasurePage { page, tracking_code, due_at: None }).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
