//! `/eservice/{fiscal_year}`: E-Service figures for ITA item O10 — each
//! month's submissions by channel and by kind, and requests answered on
//! time, with the year's totals. Months to come are left blank.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{DateTime, Utc};

use super::fiscal_year_param;
use crate::domain::calendar::local_date;
use crate::domain::statistics::eservice::{self, EServiceRow, EServiceYear};
use crate::domain::statistics::Period;
use crate::error::AppError;
use crate::extract::{PageContext, Path};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "public/eservice.html")]
pub struct EServicePage {
    page: PageContext,
    figures: EServiceYear,
    now: DateTime<Utc>,
}

impl EServicePage {
    fn month_label(&self, row: &EServiceRow) -> String {
        match row.fiscal_month {
            0 => self.page.t("eservice.year_total").to_owned(),
            month => super::stats::period_label(&self.page, Period::Month, self.figures.fiscal_year, month),
        }
    }

    /// The id of a row's cells: the month number, or `year`.
    fn row_id(&self, row: &EServiceRow) -> String {
        match row.fiscal_month {
            0 => "year".into(),
            month => month.to_string(),
        }
    }

    /// A count as shown: blank for a month that has not begun.
    fn n(&self, row: &EServiceRow, count: impl std::fmt::Display) -> String {
        if row.begun {
            crate::i18n::group_digits(&count.to_string())
        } else {
            String::new()
        }
    }

    fn percent(&self, row: &EServiceRow) -> String {
        if row.begun {
            super::stats::decimal(row.on_time_percent(), 1)
        } else {
            String::new()
        }
    }

    fn rows(&self) -> Vec<&EServiceRow> {
        self.figures.months.iter().chain(std::iter::once(&self.figures.year)).collect()
    }

    fn online_channels(&self) -> String {
        eservice::ONLINE
            .iter()
            .map(|c| self.page.label("channel", entity::enums::Code::code(c)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Path(year): Path<String>,
) -> Result<EServicePage, AppError> {
    let fiscal_year = fiscal_year_param(&year)?;
    let now = Utc::now();
    let figures = eservice::of_year(&state.db, page.agency.id, fiscal_year, local_date(now)).await?;
    Ok(EServicePage { page, figures, now })
}
