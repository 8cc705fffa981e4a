//! `/staff/privacy`: residents' requests to erase their contact data, with
//! due dates and the decision forms; erasing on the agency's own decision;
//! the retention periods (admins set them) and what the daily job will
//! erase next (the same list as `siang purge --dry-run`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use entity::enums::{Code, Kind};
use sea_orm::Iterable;
use serde::Deserialize;

use super::admin::settle;
use crate::auth::CurrentStaff;
use crate::domain::actor::Staff;
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::privacy::erasure::{self, Decision, OpenRequest};
use crate::domain::privacy::retention::{self, Due, Period};
use crate::error::AppError;
use crate::extract::{CsrfForm, PageContext};
use crate::routes::public::privacy::period_text;
use crate::state::AppState;

/// Due items listed on the page at most (the job erases them all).
const DUE_SHOWN: usize = 100;

#[derive(Template, WebTemplate)]
#[template(path = "staff/privacy.html")]
pub struct PrivacyPage {
    page: PageContext,
    me: Staff,
    requests: Vec<OpenRequest>,
    periods: Vec<Period>,
    /// Admins only: what the next purge erases, and how many in all.
    due: Vec<Due>,
    due_total: usize,
    errors: Vec<String>,
    now: DateTime<Utc>,
}

impl PrivacyPage {
    pub fn can_set_retention(&self) -> bool {
        permissions::can_set_retention(&self.me)
    }

    pub fn can_erase(&self) -> bool {
        permissions::can_decide_some_erasure(&self.me)
    }

    pub fn code(&self, kind: &Kind) -> String {
        kind.code()
    }

    pub fn period(&self, period: &Period) -> String {
        period_text(self.page.lang, period)
    }

    pub fn expired_at(&self, item: &Due) -> Option<DateTime<Utc>> {
        item.expired_at(&self.periods)
    }

    pub fn more_due(&self) -> usize {
        self.due_total.saturating_sub(self.due.len())
    }
}

async fn privacy_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    errors: Vec<String>,
) -> Result<PrivacyPage, AppError> {
    let now = Utc::now();
    let agency_id = page.agency.id;
    let requests = erasure::open_requests(&state.db, &me, agency_id).await?;
    let periods = retention::periods(&state.db, agency_id).await?;
    let mut due = if permissions::can_set_retention(&me) {
        retention::due_in(&state.db, agency_id, now).await?
    } else {
        Vec::new()
    };
    let due_total = due.len();
    due.truncate(DUE_SHOWN);
    Ok(PrivacyPage { page, me, requests, periods, due, due_total, errors, now })
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<PrivacyPage, AppError> {
    privacy_page(&state, page, me, Vec::new()).await
}

/// Back to the page after a change, or the page with what to correct.
async fn back(
    state: AppState,
    page: PageContext,
    me: Staff,
    result: Result<(), DomainError>,
) -> Result<Response, AppError> {
    settle(page, result.map(|()| "/staff/privacy".into()), async |page, errors| {
        privacy_page(&state, page, me, errors).await
    })
    .await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    /// `grant` or `refuse`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let grant = match form.decision.as_str() {
        "grant" => Ok(true),
        "refuse" => Ok(false),
        _ => Err(DomainError::invalid("decision", "unknown_decision")),
    };
    let result = match grant {
        Ok(grant) => erasure::decide(&state.db, &me, id, Decision { grant, reason: form.reason }, Utc::now()).await,
        Err(err) => Err(err),
    };
    back(state, page, me, result).await
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    tracking_code: String,
    #[serde(default)]
    reason: String,
}

pub async fn erase(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(form): CsrfForm<EraseForm>,
) -> Result<Response, AppError> {
    let agency_id = page.agency.id;
    let result = erasure::erase_contact(&state.db, &me, agency_id, &form.tracking_code, &form.reason, Utc::now()).await;
    back(state, page, me, result).await
}

/// `keep_days.<kind>` fields: days for each kind given; a number that does
/// not parse is out of range, and reported so.
pub async fn save_retention(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let days: Vec<(Kind, i32)> = Kind::iter()
        .filter_map(|kind| {
            let field = format!("keep_days.{}", kind.code());
            let value = pairs.iter().find(|(name, _)| *name == field)?;
            Some((kind, value.1.trim().parse().unwrap_or(0)))
        })
        .collect();
    let agency_id = page.agency.id;
    let result = retention::save_periods(&state.db, &me, agency_id, &days, Utc::now()).await;
    back(state, page, me, result).await
}
