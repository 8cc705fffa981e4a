//! Extractors shared by the handlers: the reader's language and page context,
//! the client's address, the address's path and query, and bodies (forms
//! with CSRF, JSON). Their rejections become the portal's own errors, and
//! every text they hand on has passed the one rule of `text_input`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use entity::agency;
use serde::de::DeserializeOwned;

use crate::csrf::{self, CsrfCookie};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::public_url::{AgencyBase, AgencyPath, PublicUrl};
use crate::state::AppState;
use crate::text_input;

impl Lang {
    /// The language chosen with the switch (a cookie); Thai otherwise.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        csrf::read_cookie(headers, Lang::COOKIE).and_then(Lang::from_code).unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_headers(&parts.headers))
    }
}

/// The agency a request is for, read fresh from the database for each
/// request by [`resolve_agency`]: its settings and its `data_version` (which
/// keys every cached answer) are then the same on every instance.
#[derive(Clone)]
pub struct ServedAgency(pub Arc<agency::Model>);

/// Paths of the deployment rather than of an agency: answered on any host
/// (a load balancer checks `/healthz` by address).
fn is_deployment_path(path: &str) -> bool {
    path == "/healthz" || path == "/favicon.ico" || path == "/robots.txt" || path.starts_with("/static/")
}

/// The host agencies are told apart by: `SIANG_PUBLIC_URL`'s when set (as
/// for every link, see [`origin`]), else the request's `Host`, lower case and
/// without its port. Behind a proxy, the proxy passes `Host` on.
fn agency_host(state: &AppState, headers: &HeaderMap) -> Option<String> {
    match &state.config.public_url {
        Some(url) => url::Url::parse(url.origin()).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)),
        None => headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(crate::domain::agency::host_name),
    }
}

/// Resolves the agency a request is for (`domain::agency::resolve`: its
/// `/a/{slug}/` path, its host, or the only agency) into the request and
/// its answer (for the error pages and the links under `/a/{slug}/`). No
/// agency: a plain 404 that names none. A database that cannot be read
/// gives the portal's 503.
pub async fn resolve_agency(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if is_deployment_path(request.uri().path()) {
        return next.run(request).await;
    }
    let slug = request.extensions().get::<AgencyPath>().map(|path| path.0.clone());
    let host = agency_host(&state, request.headers());
    let agency = match state.resolve_agency(host.as_deref(), slug.as_deref()).await {
        Ok(Some(agency)) => ServedAgency(agency),
        Ok(None) => return no_agency_here(),
        Err(err) => return AppError::from(err).into_response(),
    };
    let base = slug.map(|slug| {
        let origin = origin_of_request(&state, request.headers());
        AgencyBase(PublicUrl::for_agency(state.config.public_url.as_ref(), &origin, &slug))
    });
    request.extensions_mut().insert(agency.clone());
    if let Some(base) = &base {
        request.extensions_mut().insert(base.clone());
    }
    let mut response = next.run(request).await;
    response.extensions_mut().insert(agency);
    if let Some(base) = base {
        response.extensions_mut().insert(base);
    }
    response
}

/// The answer where no agency is served: plain text in both languages, no
/// agency's name, page or cookie.
fn no_agency_here() -> Response {
    let text = "404 — ไม่มีหน่วยงานที่ที่อยู่นี้ / No agency is served at this address.\n";
    (StatusCode::NOT_FOUND, [(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

impl FromRequestParts<AppState> for ServedAgency {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<ServedAgency>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the agency was not loaded for this route")))
    }
}

/// What every page template needs: language, form token, agency, and where
/// the reader is (for the language switch).
#[derive(Clone)]
pub struct PageContext {
    pub lang: Lang,
    pub csrf_token: String,
    pub agency: Arc<agency::Model>,
    path: String,
    /// `https://host` (with `SIANG_PUBLIC_URL`, its base:
    /// `https://www.example.go.th/voice`), for absolute links (feeds,
    /// printed receipts, exports, canonical links, widget snippets).
    origin: String,
    /// Whether `SIANG_PUBLIC_URL` is set: pages then name their canonical address.
    canonical: bool,
}

impl PageContext {
    /// The context of a request; the agency as last read where the route did
    /// not load one (error pages of unknown paths, or when the database is away).
    pub fn from_request(state: &AppState, request: &Request) -> Self {
        Self::from_pieces(state, request.headers(), request.extensions(), request.uri())
    }

    fn from_pieces(state: &AppState, headers: &HeaderMap, extensions: &Extensions, uri: &Uri) -> Self {
        let agency = extensions.get::<ServedAgency>().map_or_else(|| state.last_agency(), |served| served.0.clone());
        let base = extensions.get::<AgencyBase>();
        Self {
            lang: Lang::from_headers(headers),
            csrf_token: extensions
                .get::<CsrfCookie>()
                .map(|cookie| state.csrf.form_token(headers, cookie, agency.id))
                .unwrap_or_default(),
            agency,
            path: uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into()),
            origin: base.map_or_else(|| origin(state, headers), |base| base.0.base()),
            canonical: state.config.public_url.is_some() || base.is_some(),
        }
    }

    /// The same context for the agency that the route loaded.
    pub fn with_agency(mut self, agency: Arc<agency::Model>) -> Self {
        self.agency = agency;
        self
    }

    /// The absolute URL of a path on this portal.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The page's canonical address, when the portal has a public URL: the
    /// same page under it, without the one-off `?done=` notice.
    pub fn canonical(&self) -> Option<String> {
        if !self.canonical {
            return None;
        }
        let (path, query) = self.path.split_once('?').unwrap_or((&self.path, ""));
        let kept: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty() && !pair.starts_with("done=")).collect();
        let query = if kept.is_empty() { String::new() } else { format!("?{}", kept.join("&")) };
        Some(self.absolute(&format!("{path}{query}")))
    }

    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        i18n::t(self.lang, key)
    }

    /// A message with `{agency}` filled in.
    pub fn t_agency(&self, key: &str) -> String {
        i18n::t_with(self.lang, key, &[("agency", self.agency_name())])
    }

    /// The label of a coded value, e.g. `label("status", "received")`.
    pub fn label(&self, group: &str, code: impl AsRef<str>) -> String {
        let code = code.as_ref();
        i18n::t(self.lang, &format!("{group}.{code}")).to_owned()
    }

    /// A timeline entry's headline: "Received", "Status changed to
    /// Accepted", "Reply" — the status named only where the kind does not
    /// already say it.
    pub fn event_headline(&self, kind: impl AsRef<str>, status: Option<impl AsRef<str>>) -> String {
        match (kind.as_ref(), status.as_ref().map(AsRef::as_ref)) {
            ("received", _) | (_, None) => self.label("event", kind),
            ("status_changed", Some(status)) => {
                i18n::t_with(self.lang, "event.status_changed_to", &[("status", &self.label("status", status))])
            }
            (_, Some(status)) => format!("{}: {}", self.label("event", kind), self.label("status", status)),
        }
    }

    /// A Buddhist-Era year as this reader counts years: as it is in Thai,
    /// the Christian-Era year in English.
    pub fn year(&self, buddhist_era: impl std::borrow::Borrow<i32>) -> i32 {
        let year = *buddhist_era.borrow();
        match self.lang {
            Lang::Th => year,
            Lang::En => year - crate::domain::calendar::BUDDHIST_ERA_OFFSET,
        }
    }

    /// "ปีงบประมาณ พ.ศ. 2569" / "Fiscal year 2026 (October 2025 – September 2026)".
    pub fn fiscal_year(&self, buddhist_era: impl std::borrow::Borrow<i32>) -> String {
        let year = self.year(buddhist_era);
        i18n::t_with(
            self.lang,
            "participation.fiscal_year_named",
            &[("year", &year.to_string()), ("start", &(year - 1).to_string())],
        )
    }

    /// A date for `<time datetime>`: `2026-11-25`, in Bangkok.
    pub fn iso_date(&self, at: &DateTime<Utc>) -> String {
        crate::domain::calendar::local_date(*at).format("%Y-%m-%d").to_string()
    }

    /// "The agency answers within N days", from the agency's settings.
    pub fn first_answer_step(&self) -> String {
        i18n::t_with(self.lang, "home.step_2", &[("days", &self.agency.first_answer_days.to_string())])
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn agency_name(&self) -> &str {
        crate::domain::agency::agency_name(&self.agency, self.lang)
    }

    pub fn date(&self, at: &DateTime<Utc>) -> String {
        i18n::format_date(self.lang, *at)
    }

    pub fn short_date(&self, at: &DateTime<Utc>) -> String {
        i18n::format_short_date(self.lang, *at)
    }

    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        i18n::format_datetime(self.lang, *at)
    }

    /// "Saved" and the like after a staff form redirected here with
    /// `?done=…`; nothing for codes without a message.
    pub fn done_message(&self) -> Option<&'static str> {
        let query = self.path.split_once('?')?.1;
        let (_, done) = form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "done")?;
        i18n::lookup(self.lang, &format!("staff.done.{done}"))
    }

    /// The link that switches language and comes back to this page.
    pub fn switch_language_href(&self) -> String {
        let next: String = form_urlencoded::byte_serialize(self.path.as_bytes()).collect();
        format!("/language/{}?next={next}", self.lang.other().code())
    }

    pub fn other_lang_code(&self) -> &'static str {
        self.lang.other().code()
    }
}

/// The configured public address, or the one the request was sent to. A
/// `Host` with anything but a host name and port is ignored.
fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.base();
    }
    origin_of_request(state, headers)
}

/// `http(s)://host` of the request.
fn origin_of_request(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b)))
        .map(str::to_owned)
        .unwrap_or_else(|| state.config.addr.to_string());
    format!("{scheme}://{host}")
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self::from_pieces(state, &parts.headers, &parts.extensions, &parts.uri))
    }
}

/// The client's address: the socket's peer, or the nearest untrusted address
/// in `X-Forwarded-For` when the peer is a configured trusted proxy.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let trusted = &state.config.trusted_proxies;
        if !trusted.contains(&peer) {
            return Ok(ClientIp(peer));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|ip| ip.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        let client = forwarded.into_iter().rev().find(|ip| !trusted.contains(ip)).unwrap_or(peer);
        Ok(ClientIp(client))
    }
}

/// The body of a form that carries nothing but its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// A urlencoded form whose CSRF token was checked, as `(name, value)` pairs,
/// any type `serde_urlencoded` can read, or [`FormFields`].
pub struct CsrfForm<T>(pub T);

/// What a form body can be read into once its token is checked.
pub trait FromFormPairs: Sized {
    fn from_form_pairs(pairs: Vec<(String, String)>) -> Result<Self, AppError>;
}

/// Refuses the whole request (422, the fields named) when a field breaks the
/// rule of `text_input`.
impl<T: DeserializeOwned> FromFormPairs for T {
    fn from_form_pairs(pairs: Vec<(String, String)>) -> Result<Self, AppError> {
        let pairs = text_input::clean_fields(pairs).map_err(AppError::Invalid)?;
        let cleaned = serde_urlencoded::to_string(&pairs).map_err(|e| AppError::Malformed(e.to_string()))?;
        serde_urlencoded::from_str(&cleaned).map_err(|e| AppError::Malformed(e.to_string()))
    }
}

/// A form's fields cleaned by the rule of `text_input`, with the fields it
/// refused (kept as typed): for the residents' forms, which show what to
/// correct beside each field rather than an error page. Refused input must
/// not be stored.
pub struct FormFields {
    pub pairs: Vec<(String, String)>,
    pub refused: crate::domain::validation::FieldErrors,
}

impl FromFormPairs for FormFields {
    fn from_form_pairs(pairs: Vec<(String, String)>) -> Result<Self, AppError> {
        let (pairs, refused) = text_input::clean_fields_keeping(pairs);
        Ok(FormFields { pairs, refused })
    }
}

impl<T: FromFormPairs> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;
    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let (parts, body) = request.into_parts();
        // The size limit is set on the body by `security::limit_body`.
        let bytes = axum::body::to_bytes(body, usize::MAX).await.map_err(crate::security::body_read_error)?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        let token = pairs.iter().find(|(name, _)| name == csrf::FIELD).map(|(_, value)| value.as_str());
        let agency_id = parts.extensions.get::<ServedAgency>().map(|served| served.0.id);
        let valid =
            token.zip(agency_id).is_some_and(|(token, agency)| state.csrf.verify(&parts.headers, agency, token));
        if !valid {
            return Err(AppError::Csrf);
        }
        T::from_form_pairs(pairs).map(CsrfForm)
    }
}

/// `axum::Json` with the portal's own refusals: 415 without the JSON content
/// type, 422 with `{"errors": {"body": …}}` for JSON that does not fit, and
/// 422 per field for text that breaks the rule of `text_input`.
pub struct ApiJson<T>(pub T);

/// A refusal of the API's body as a whole (`{"errors": {"body": …}}`).
fn shape_error(code: &'static str) -> AppError {
    let mut errors = crate::domain::validation::FieldErrors::default();
    errors.add("body", code);
    AppError::Invalid(errors)
}

/// JSON already read, as the API's type: its text under the rule of
/// `text_input`, its shape as `T` wants.
fn api_value<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<T, AppError> {
    text_input::clean_json(&mut value).map_err(AppError::Invalid)?;
    serde_json::from_value(value).map_err(|_| shape_error("json_shape"))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let value = match axum::Json::<serde_json::Value>::from_request(request, state).await {
            Ok(axum::Json(value)) => value,
            Err(JsonRejection::MissingJsonContentType(_)) => return Err(AppError::UnsupportedMediaType),
            Err(JsonRejection::BytesRejection(e)) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge)
            }
            Err(JsonRejection::BytesRejection(e)) => return Err(AppError::Malformed(e.to_string())),
            Err(_) => return Err(shape_error("json_syntax")),
        };
        api_value(value).map(ApiJson)
    }
}

/// The API's body with photos: [`ApiJson`] as it is, or
/// `multipart/form-data` with the JSON in the part `submission` and up to
/// three files in parts `photos` (each at most `files::MAX_BYTES`, read no
/// further than that).
pub struct ApiJsonWithPhotos<T> {
    pub body: T,
    pub photos: Vec<crate::domain::files::Upload>,
}

/// The multipart part that carries the JSON.
pub const JSON_PART: &str = "submission";

impl<T: DeserializeOwned + Send> FromRequest<AppState> for ApiJsonWithPhotos<T> {
    type Rejection = AppError;
    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        use crate::domain::{files, photos};
        if !crate::files::is_multipart(request.headers()) {
            let ApiJson(body) = ApiJson::from_request(request, state).await?;
            return Ok(Self { body, photos: Vec::new() });
        }
        let mut multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|rejection| AppError::Malformed(rejection.body_text()))?;
        let mut body = None;
        let mut text_read = 0;
        let mut uploads = Vec::new();
        let refuse = |code| AppError::from(crate::domain::error::DomainError::invalid(photos::FIELD, code));
        while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
            match field.name() {
                Some(JSON_PART) => {
                    let text =
                        crate::files::limited_text(&mut field, &mut text_read, state.config.max_body_bytes).await?;
                    let value = serde_json::from_slice(&text).map_err(|_| shape_error("json_syntax"))?;
                    body = Some(api_value(value)?);
                }
                Some(photos::FIELD) => {
                    let name = field.file_name().unwrap_or_default().to_owned();
                    let mut bytes = bytes::BytesMut::new();
                    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                        if bytes.len() + chunk.len() > files::MAX_BYTES {
                            return Err(refuse("file_too_large"));
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    if uploads.len() == photos::MAX_PHOTOS {
                        return Err(refuse("too_many_photos"));
                    }
                    uploads.push(files::Upload { name, bytes: bytes.freeze() });
                }
                _ => return Err(shape_error("json_shape")),
            }
        }
        let body = body.ok_or_else(|| shape_error("json_shape"))?;
        Ok(Self { body, photos: uploads })
    }
}

/// `axum::extract::Path` with the portal's refusals: a segment with control
/// characters is a 400, one that does not parse (`/staff/submissions/abc`,
/// an id past `i64`) names no page: 404, as a page or as the API's JSON.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let raw = RawPathParams::from_request_parts(parts, state).await.map_err(|_| AppError::BadAddress)?;
        for (_, value) in &raw {
            text_input::clean_address_value(value)?;
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(_) => Err(AppError::NotFound),
        }
    }
}

/// `axum::extract::Query` with the portal's refusals: control characters
/// and values that do not parse (`?before=x`) are a localized 400; invisible
/// characters are removed, as from any single-line field.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        let mut pairs = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let name = text_input::clean_address_value(&name)?.into_owned();
            pairs.push((name, text_input::clean_address_value(&value)?.into_owned()));
        }
        let cleaned = serde_urlencoded::to_string(&pairs).map_err(|_| AppError::BadAddress)?;
        serde_urlencoded::from_str(&cleaned).map(Query).map_err(|_| AppError::BadAddress)
    }
}

/// The error of a multipart body: too large (cut off while read), or broken.
pub fn multipart_error(err: axum::extract::multipart::MultipartError) -> AppError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::PayloadTooLarge;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    while let Some(current) = source {
        if current.is::<http_body_util::LengthLimitError>() {
            return AppError::PayloadTooLarge;
        }
        source = current.source();
    }
    AppError::Malformed(err.body_text())
}
