//! `/staff/manual`: admins edit the corruption-complaint guide that
//! `/manual` shows. Each section opens with its current text; a section
//! left as the default text (or emptied) stays the default, which follows
//! the agency's settings.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use chrono::{NaiveDate, Utc};

use super::admin::settle;
use crate::auth::CurrentStaff;
use crate::domain::actor::Staff;
use crate::domain::error::DomainError;
use crate::domain::participation::guide::{self, GuideInput, SECTIONS};
use crate::domain::permissions;
use crate::error::AppError;
use crate::extract::{CsrfForm, PageContext};
use crate::i18n::Lang;
use crate::routes::public::manual::{default_text, section_text};
use crate::state::AppState;

/// The form as shown: each section's text, the issuer, and the version.
pub struct GuideForm {
    sections: Vec<(&'static str, String)>,
    issuer_name: String,
    issuer_position: String,
    issued_on: String,
    seen: Option<i32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/guide.html")]
pub struct GuidePage {
    page: PageContext,
    me: Staff,
    form: GuideForm,
    errors: Vec<String>,
}

async fn guide_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    typed: Option<GuideForm>,
    errors: Vec<String>,
) -> Result<GuidePage, AppError> {
    if !permissions::can_administer(&me) {
        return Err(AppError::Forbidden);
    }
    let form = match typed {
        Some(form) => form,
        None => {
            // The guide is the agency's document, written in Thai.
            let stored = guide::guide(&state.db, page.agency.id).await?;
            GuideForm {
                sections: SECTIONS
                    .iter()
                    .enumerate()
                    .map(|(i, key)| (*key, section_text(Lang::Th, &page.agency, &stored, i)))
                    .collect(),
                issuer_name: stored.issuer_name,
                issuer_position: stored.issuer_position,
                issued_on: stored.issued_on.map(|d| d.to_string()).unwrap_or_default(),
                seen: stored.version,
            }
        }
    };
    Ok(GuidePage { page, me, form, errors })
}

pub async fn edit(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<GuidePage, AppError> {
    guide_page(&state, page, me, None, Vec::new()).await
}

pub async fn save(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    if !permissions::can_administer(&me) {
        return Err(AppError::Forbidden);
    }
    let get = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let typed = GuideForm {
        sections: SECTIONS.iter().map(|key| (*key, get(key))).collect(),
        issuer_name: get("issuer_name"),
        issuer_position: get("issuer_position"),
        issued_on: get("issued_on"),
        seen: get("seen").parse().ok(),
    };
    let result = async {
        let issued_on = match typed.issued_on.as_str() {
            "" => None,
            day => Some(
                NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .map_err(|_| DomainError::invalid("issued_on", "date_format"))?,
            ),
        };
        // The default text as shown is kept as the default, so it goes on
        // following the settings.
        let sections = std::array::from_fn(|i| {
            let (key, text) = &typed.sections[i];
            (text.trim() != default_text(Lang::Th, &page.agency, key).trim()).then(|| text.clone())
        });
        let input = GuideInput {
            sections,
            issuer_name: typed.issuer_name.clone(),
            issuer_position: typed.issuer_position.clone(),
            issued_on,
            seen: typed.seen,
        };
        guide::save_guide(&state.db, &me, page.agency.id, input, Utc::now()).await
    }
    .await;
    // After someone else's save the page shows the guide as it now is.
    let typed = (!matches!(result, Err(DomainError::Conflict))).then_some(typed);
    settle(page, result.map(|()| "/staff/manual".to_owned()), async |page, errors| {
        guide_page(&state, page, me, typed, errors).await
    })
    .await
}
