//! Widgets: small pages the agency shows on its own website in a frame
//! (`<iframe>`): the latest entries of the participation log, this fiscal
//! year's figures, and a "send us your voice" button. No header or footer;
//! their links open the portal in the whole window (`target="_top"`). Only
//! these pages may be framed, by the sites of `SIANG_FRAME_ANCESTORS`
//! (`security::headers`). Admins copy the HTML to embed them from the
//! settings page (`templates/staff/widgets.html`).

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::domain::participation::public::{LogFilter, PublicLogEntry};
use crate::domain::statistics::{Period, Statistics};
use crate::error::AppError;
use crate::extract::{PageContext, Query};
use crate::i18n::Lang;
use crate::state::AppState;

/// Entries the log widget shows.
const LATEST: usize = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/widgets/log", get(log))
        .route("/widgets/figures", get(figures))
        .route("/widgets/button", get(button))
}

#[derive(Template, WebTemplate)]
#[template(path = "widgets/log.html")]
pub struct LogWidget {
    page: PageContext,
    entries: Vec<PublicLogEntry>,
    now: DateTime<Utc>,
}

/// `?lang=en`: a frame on another site gets no cookie of the portal's
/// (they are `SameSite=Lax`), so its language is chosen in the address.
#[derive(Deserialize)]
pub struct WidgetQuery {
    lang: Option<String>,
}

impl WidgetQuery {
    fn apply(self, mut page: PageContext) -> PageContext {
        if let Some(lang) = self.lang.as_deref().and_then(Lang::from_code) {
            page.lang = lang;
        }
        page
    }
}

/// The latest public entries of the participation log.
pub async fn log(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<WidgetQuery>,
) -> Result<LogWidget, AppError> {
    let page = query.apply(page);
    let log = super::log::log_page(&state, &page.agency, &LogFilter::default(), None).await?;
    let entries = log.entries.iter().take(LATEST).cloned().collect();
    Ok(LogWidget { page, entries, now: Utc::now() })
}

#[derive(Template, WebTemplate)]
#[template(path = "widgets/figures.html")]
pub struct FiguresWidget {
    page: PageContext,
    stats: Arc<Statistics>,
}

impl FiguresWidget {
    fn on_time(&self) -> String {
        super::stats::decimal(self.stats.on_time_percent(), 0)
    }
}

/// This fiscal year's figures, as the statistics page counts them.
pub async fn figures(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<WidgetQuery>,
) -> Result<FiguresWidget, AppError> {
    let page = query.apply(page);
    let year = super::this_fiscal_year();
    let stats = super::stats::year_statistics(&state, &page.agency, year, Period::default()).await?;
    Ok(FiguresWidget { page, stats })
}

#[derive(Template, WebTemplate)]
#[template(path = "widgets/button.html")]
pub struct ButtonWidget {
    page: PageContext,
}

/// A button that opens the portal's form.
pub async fn button(page: PageContext, Query(query): Query<WidgetQuery>) -> ButtonWidget {
    ButtonWidget { page: query.apply(page) }
}
