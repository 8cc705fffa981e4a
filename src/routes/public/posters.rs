//! Posters for the office's notice boards (issue 17, point 9): one A4 page
//! per channel (this portal's form, the corruption-complaint channel, LINE,
//! Facebook, phone, e-mail) and per published service, each with a QR code
//! drawn on the server as SVG, and print CSS. `/posters` lists them.
//!
//! Also the footer's channels: `PageContext::channels` and
//! `PageContext::office_hours`, read from the agency's settings.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use entity::service;

use crate::domain::agency::{self, AgencyChannel};
use crate::domain::services;
use crate::error::AppError;
use crate::extract::{PageContext, Path};
use crate::i18n::Lang;
use crate::state::AppState;

impl PageContext {
    /// The agency's LINE, Facebook, phone and e-mail, as it has them.
    pub fn channels(&self) -> Vec<AgencyChannel> {
        agency::channels(&self.agency)
    }

    /// The agency's office hours in the reader's language; empty when unset.
    pub fn office_hours(&self) -> &str {
        agency::office_hours(&self.agency, self.lang)
    }
}

/// The posters of this portal's own pages: (code, path).
const PORTAL_POSTERS: [(&str, &str); 2] = [("web", "/submit"), ("corruption", "/report-corruption")];

#[derive(Template, WebTemplate)]
#[template(path = "public/posters.html")]
pub struct PostersPage {
    page: PageContext,
    /// Channel codes that have a poster.
    channels: Vec<&'static str>,
    services: Vec<service::Model>,
}

impl PostersPage {
    fn channel_title(&self, code: &str) -> String {
        self.page.label("posters.headline", code)
    }

    fn service_name<'a>(&self, service: &'a service::Model) -> &'a str {
        name(self.page.lang, service)
    }
}

fn name(lang: Lang, service: &service::Model) -> &str {
    if lang == Lang::En && !service.name_en.is_empty() {
        &service.name_en
    } else {
        &service.name_th
    }
}

pub async fn index(State(state): State<AppState>, page: PageContext) -> Result<PostersPage, AppError> {
    let mut channels: Vec<&'static str> = PORTAL_POSTERS.iter().map(|(code, _)| *code).collect();
    channels.extend(page.channels().iter().map(|c| c.code));
    let services = services::published(&state.db, page.agency.id).await?;
    Ok(PostersPage { page, channels, services })
}

/// One QR code on a poster: what it is for, the code, and the address
/// printed under it for those who type.
pub struct PosterCode {
    pub caption: String,
    pub svg: String,
    pub shown: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/poster.html")]
pub struct PosterPage {
    page: PageContext,
    /// `web`, `line`, … or `service`.
    code: String,
    headline: String,
    lead: String,
    codes: Vec<PosterCode>,
    /// The agency's other ways to reach it, listed small at the foot.
    others: Vec<AgencyChannel>,
}

impl PosterPage {
    fn poster_class(&self) -> String {
        format!("poster poster-{}", self.code)
    }
}

fn poster_code(caption: String, target: &str, shown: String) -> Result<PosterCode, AppError> {
    let svg = crate::qr::svg(target, &caption)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a poster's address is too long for a QR code")))?;
    Ok(PosterCode { caption, svg, shown })
}

pub async fn channel(page: PageContext, Path(code): Path<String>) -> Result<PosterPage, AppError> {
    let channels = page.channels();
    let (target, shown) = if let Some((_, path)) = PORTAL_POSTERS.iter().find(|(c, _)| *c == code) {
        let url = page.absolute(path);
        (url.clone(), url)
    } else {
        let found = channels.iter().find(|c| c.code == code).ok_or(AppError::NotFound)?;
        (found.target.clone(), found.shown.clone())
    };
    let headline = page.t(&format!("posters.headline.{code}")).to_owned();
    let lead = page.t_agency(&format!("posters.lead.{code}"));
    let caption = page.t(&format!("posters.scan.{code}")).to_owned();
    let codes = vec![poster_code(caption, &target, shown)?];
    let others = channels.into_iter().filter(|c| c.code != code).collect();
    Ok(PosterPage { page, code, headline, lead, codes, others })
}

pub async fn service(
    State(state): State<AppState>,
    page: PageContext,
    Path(slug): Path<String>,
) -> Result<PosterPage, AppError> {
    let service = services::published(&state.db, page.agency.id)
        .await?
        .into_iter()
        .find(|s| s.slug == slug)
        .ok_or(AppError::NotFound)?;
    let feedback = page.absolute(&format!("/submit?kind=service_feedback&service={}", service.slug));
    let standard = page.absolute(&format!("/services/{}", service.slug));
    let codes = vec![
        poster_code(page.t("posters.scan.service_feedback").to_owned(), &feedback, feedback.clone())?,
        poster_code(page.t("posters.scan.service_standard").to_owned(), &standard, standard.clone())?,
    ];
    let headline = name(page.lang, &service).to_owned();
    let lead = page.t_agency("posters.lead.service");
    let others = page.channels();
    Ok(PosterPage { page, code: "service".into(), headline, lead, codes, others })
}
