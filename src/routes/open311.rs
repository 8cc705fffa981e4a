//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) under
//! `/open311/v2/`: discovery, the service list and definitions, posting a
//! request with an API key, and reading published requests, each in JSON
//! and in XML. What a request may show is chosen in `participation::public`
//! (`PublicRequest`); posting goes through the residents' one intake.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use entity::enums::{Channel, Code, Kind};
use serde::Serialize;

use crate::domain::calendar::bangkok;
use crate::domain::error::DomainError;
use crate::domain::open311::{self as domain, Open311Request, ServiceCode};
use crate::domain::participation::public::{open311_requests, PublicRequest, RequestFilter};
use crate::domain::validation::FieldErrors;
use crate::error::{localize, AppError};
use crate::extract::{ClientIp, PageContext, Path, ServedAgency};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::text_input;

pub fn router() -> Router<AppState> {
    // The standard's endpoint address is the base; a reader who opens it
    // is shown what it offers.
    let to_discovery = || async { Redirect::to("/open311/v2/discovery.json") };
    Router::new()
        .route("/open311/v2", get(to_discovery))
        .route("/open311/v2/", get(to_discovery))
        .route("/open311/v2/discovery.json", get(|page: PageContext| async move { discovery(Format::Json, page) }))
        .route("/open311/v2/discovery.xml", get(|page: PageContext| async move { discovery(Format::Xml, page) }))
        .route("/open311/v2/services.json", get(services_json))
        .route("/open311/v2/services.xml", get(services_xml))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests.json", get(requests_json).post(create_json))
        .route("/open311/v2/requests.xml", get(requests_xml).post(create_xml))
        .route("/open311/v2/requests/{file}", get(request_show))
}

/// The two formats of the standard, chosen by the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// `name.json` or `name.xml` → (`name`, format).
    fn split(file: &str) -> Option<(&str, Format)> {
        if let Some(name) = file.strip_suffix(".json") {
            Some((name, Format::Json))
        } else {
            file.strip_suffix(".xml").map(|name| (name, Format::Xml))
        }
    }
}

/// A JSON value or an XML document, with the content type of each.
fn answer<T: Serialize>(format: Format, status: StatusCode, json: &T, xml: impl Template) -> Response {
    match format {
        Format::Json => (status, axum::Json(json)).into_response(),
        Format::Xml => match xml.render() {
            Ok(body) => (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"))], body)
                .into_response(),
            Err(err) => AppError::Internal(err.into()).into_response(),
        },
    }
}

/// The standard's error answer: `[{"code": 403, "description": "…"}]`.
#[derive(Debug, Serialize)]
pub struct ErrorOut {
    code: u16,
    description: String,
}

#[derive(Template)]
#[template(path = "open311/errors.xml")]
struct ErrorsXml<'a> {
    errors: &'a [ErrorOut],
}

fn refuse(format: Format, status: StatusCode, descriptions: Vec<String>) -> Response {
    let errors: Vec<ErrorOut> =
        descriptions.into_iter().map(|description| ErrorOut { code: status.as_u16(), description }).collect();
    answer(format, status, &errors, ErrorsXml { errors: &errors })
}

fn refuse_fields(format: Format, lang: Lang, errors: &FieldErrors) -> Response {
    let mut descriptions: Vec<String> = localize(errors, lang)
        .into_iter()
        .flat_map(|(field, list)| {
            // The intake's names for the standard's fields (the subject is
            // the description's first line).
            let field = match field.as_str() {
                "details" | "subject" => "description",
                "location" => "address_string",
                "contact.name" => "first_name",
                "contact.email" => "email",
                "contact.phone" => "phone",
                "consent" => "attribute[consent]",
                other => other,
            }
            .to_owned();
            list.as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(move |m| m.as_str().map(|m| format!("{field}: {m}")))
        })
        .collect();
    descriptions.dedup();
    refuse(format, StatusCode::BAD_REQUEST, descriptions)
}

/// W3C date-time in Bangkok time, as the standard's examples write it.
fn w3c(at: DateTime<Utc>) -> String {
    at.with_timezone(&bangkok()).to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn in_lang(lang: Lang, th: &str, en: Option<&str>) -> String {
    match (lang, en) {
        (Lang::En, Some(en)) if !en.trim().is_empty() => en.to_owned(),
        _ => th.to_owned(),
    }
}

// ----- discovery -----

#[derive(Debug, Serialize)]
pub struct Discovery {
    changeset: String,
    contact: String,
    key_service: String,
    endpoints: Vec<Endpoint>,
}

#[derive(Debug, Serialize)]
pub struct Endpoint {
    specification: String,
    url: String,
    changeset: String,
    #[serde(rename = "type")]
    kind: String,
    formats: Vec<String>,
}

#[derive(Template)]
#[template(path = "open311/discovery.xml")]
struct DiscoveryXml<'a> {
    d: &'a Discovery,
}

/// When this interface last changed (the migration that brought it).
const CHANGESET: &str = "2026-12-11T00:00:00+07:00";

fn discovery(format: Format, page: PageContext) -> Response {
    let agency = &page.agency;
    let contact = [page.agency_name(), agency.phone.as_str(), agency.email.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let d = Discovery {
        changeset: CHANGESET.into(),
        contact,
        key_service: page.t("open311.key_service").to_owned(),
        endpoints: vec![Endpoint {
            specification: "http://wiki.open311.org/GeoReport_v2".into(),
            url: page.absolute("/open311/v2"),
            changeset: CHANGESET.into(),
            kind: "production".into(),
            formats: vec!["application/json".into(), "text/xml".into()],
        }],
    };
    answer(format, StatusCode::OK, &d, DiscoveryXml { d: &d })
}

// ----- services -----

#[derive(Debug, Serialize)]
pub struct ServiceOut {
    service_code: String,
    service_name: String,
    description: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: String,
    group: String,
}

#[derive(Template)]
#[template(path = "open311/services.xml")]
struct ServicesXml<'a> {
    services: &'a [ServiceOut],
}

fn service_out(page: &PageContext, code: &ServiceCode) -> ServiceOut {
    let (name, description, group) = match code {
        ServiceCode::Kind(kind) => (
            page.label("kind", kind.code()),
            page.t(&format!("open311.kind_description.{}", kind.code())).to_owned(),
            page.t("open311.group_general").to_owned(),
        ),
        ServiceCode::Service(service) => (
            in_lang(page.lang, &service.name_th, Some(&service.name_en)),
            page.t("open311.service_description").to_owned(),
            page.t("open311.group_services").to_owned(),
        ),
    };
    ServiceOut {
        service_code: code.code(),
        service_name: name,
        description,
        // Every service has the `consent` attribute (see the definition).
        metadata: true,
        kind: "realtime",
        keywords: String::new(),
        group,
    }
}

async fn services(state: AppState, page: PageContext, format: Format) -> Result<Response, AppError> {
    let codes = domain::service_codes(&state.db, page.agency.id).await?;
    let list: Vec<ServiceOut> = codes.iter().map(|code| service_out(&page, code)).collect();
    Ok(answer(format, StatusCode::OK, &list, ServicesXml { services: &list }))
}

async fn services_json(State(state): State<AppState>, page: PageContext) -> Result<Response, AppError> {
    services(state, page, Format::Json).await
}

async fn services_xml(State(state): State<AppState>, page: PageContext) -> Result<Response, AppError> {
    services(state, page, Format::Xml).await
}

#[derive(Debug, Serialize)]
pub struct DefinitionOut {
    service_code: String,
    attributes: Vec<AttributeOut>,
}

#[derive(Debug, Serialize)]
pub struct AttributeOut {
    variable: bool,
    code: &'static str,
    datatype: &'static str,
    required: bool,
    datatype_description: String,
    order: u32,
    description: String,
    values: Vec<ValueOut>,
}

#[derive(Debug, Serialize)]
pub struct ValueOut {
    key: &'static str,
    name: String,
}

#[derive(Template)]
#[template(path = "open311/definition.xml")]
struct DefinitionXml<'a> {
    d: &'a DefinitionOut,
}

async fn service_definition(
    State(state): State<AppState>,
    page: PageContext,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let Some((code, format)) = Format::split(&file) else { return Err(AppError::NotFound) };
    let Some(code) = domain::service_code(&state.db, page.agency.id, code).await? else {
        return Ok(refuse(format, StatusCode::NOT_FOUND, vec![page.t("open311.unknown_service").to_owned()]));
    };
    let d = DefinitionOut {
        service_code: code.code(),
        attributes: vec![AttributeOut {
            variable: true,
            code: "consent",
            datatype: "singlevaluelist",
            required: false,
            datatype_description: page.t("open311.consent_datatype").to_owned(),
            order: 1,
            description: page.t("open311.consent_description").to_owned(),
            values: vec![ValueOut { key: "yes", name: page.t("open311.consent_yes").to_owned() }],
        }],
    };
    Ok(answer(format, StatusCode::OK, &d, DefinitionXml { d: &d }))
}

// ----- requests -----

/// A published request as the standard names its fields.
#[derive(Debug, Serialize)]
pub struct RequestOut {
    service_request_id: String,
    status: &'static str,
    status_notes: Option<String>,
    service_name: String,
    service_code: String,
    description: String,
    agency_responsible: Option<String>,
    service_notice: Option<String>,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: Option<String>,
}

#[derive(Template)]
#[template(path = "open311/requests.xml")]
struct RequestsXml<'a> {
    requests: &'a [RequestOut],
}

fn request_out(page: &PageContext, r: PublicRequest) -> RequestOut {
    let lang = page.lang;
    let (service_code, service_name) = match &r.service_slug {
        Some(slug) => (
            format!("{}{slug}", domain::SERVICE_PREFIX),
            in_lang(lang, r.service_th.as_deref().unwrap_or_default(), r.service_en.as_deref()),
        ),
        None => (r.kind.code(), page.label("kind", r.kind.code())),
    };
    RequestOut {
        service_request_id: r.tracking_code,
        status: if r.closed { "closed" } else { "open" },
        status_notes: r.outcome_th.as_deref().map(|th| in_lang(lang, th, r.outcome_en.as_deref())),
        service_name,
        service_code,
        description: in_lang(lang, &r.summary_th, r.summary_en.as_deref()),
        agency_responsible: r.department_th.as_deref().map(|th| in_lang(lang, th, r.department_en.as_deref())),
        service_notice: None,
        requested_datetime: w3c(r.requested_at),
        updated_datetime: w3c(r.updated_at),
        expected_datetime: r.expected_at.map(w3c),
    }
}

/// Requests a client may ask for in one page at most, and by default.
const PAGE_SIZE_MAX: u64 = 200;
const PAGE_SIZE_DEFAULT: u64 = 50;
/// The widest date range of one query, and the default one (the standard's).
const RANGE_DAYS: i64 = 90;

/// The standard's filters, read by hand so a bad value gets the standard's
/// error answer.
fn filter_from(
    pairs: &[(String, String)],
    services: &[ServiceCode],
    now: DateTime<Utc>,
) -> Result<(RequestFilter, u64, u64), &'static str> {
    let value =
        |name: &str| pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
    let list = |v: &str| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    let date = |name: &str| -> Result<Option<DateTime<Utc>>, &'static str> {
        value(name)
            .map(|v| DateTime::parse_from_rfc3339(v).map(|d| d.with_timezone(&Utc)).map_err(|_| "open311.bad_date"))
            .transpose()
    };
    let number = |name: &str, default: u64| -> Result<u64, &'static str> {
        value(name).map_or(Ok(default), |v| v.parse::<u64>().ok().filter(|n| *n >= 1).ok_or("open311.bad_number"))
    };
    let page = number("page", 1)?;
    let page_size = number("page_size", PAGE_SIZE_DEFAULT)?.min(PAGE_SIZE_MAX);
    let offset = (page - 1).checked_mul(page_size).ok_or("open311.bad_number")?;
    let mut filter = RequestFilter::default();
    if let Some(ids) = value("service_request_id") {
        filter.tracking_codes = list(ids);
        return Ok((filter, offset, page_size));
    }
    if let Some(codes) = value("service_code") {
        let mut kinds = Vec::new();
        let mut service_ids = Vec::new();
        for code in list(codes) {
            match services.iter().find(|s| s.code() == code) {
                Some(ServiceCode::Kind(kind)) => kinds.push(*kind),
                Some(ServiceCode::Service(service)) => service_ids.push(service.id),
                None => {}
            }
        }
        filter.services = Some((kinds, service_ids));
    }
    if let Some(statuses) = value("status") {
        let statuses = list(statuses);
        if statuses.iter().any(|s| s != "open" && s != "closed") {
            return Err("open311.bad_status");
        }
        let open = statuses.iter().any(|s| s == "open");
        let closed = statuses.iter().any(|s| s == "closed");
        filter.closed = if open == closed { None } else { Some(closed) };
    }
    let (start, end) = (date("start_date")?, date("end_date")?);
    let range = Duration::days(RANGE_DAYS);
    let (start, end) = match (start, end) {
        (Some(start), Some(end)) => (start, end),
        (Some(start), None) => (start, start + range),
        (None, Some(end)) => (end - range, end),
        (None, None) => (now - range, now),
    };
    if end < start || end - start > range {
        return Err("open311.bad_range");
    }
    filter.received_from = Some(start);
    filter.received_until = Some(end);
    Ok((filter, offset, page_size))
}

fn query_pairs(uri_query: Option<&str>) -> Result<Vec<(String, String)>, AppError> {
    let mut pairs = Vec::new();
    for (name, value) in form_urlencoded::parse(uri_query.unwrap_or_default().as_bytes()) {
        pairs.push((
            text_input::clean_address_value(&name)?.into_owned(),
            text_input::clean_address_value(&value)?.into_owned(),
        ));
    }
    Ok(pairs)
}

async fn requests(
    state: AppState,
    page: PageContext,
    format: Format,
    uri: axum::http::Uri,
) -> Result<Response, AppError> {
    let pairs = query_pairs(uri.query())?;
    let services = domain::service_codes(&state.db, page.agency.id).await?;
    let (filter, offset, limit) = match filter_from(&pairs, &services, Utc::now()) {
        Ok(found) => found,
        Err(key) => return Ok(refuse(format, StatusCode::BAD_REQUEST, vec![page.t(key).to_owned()])),
    };
    let found = open311_requests(&state.db, page.agency.id, &filter, offset, limit).await?;
    let list: Vec<RequestOut> = found.into_iter().map(|r| request_out(&page, r)).collect();
    Ok(answer(format, StatusCode::OK, &list, RequestsXml { requests: &list }))
}

async fn requests_json(
    State(state): State<AppState>,
    page: PageContext,
    uri: axum::http::Uri,
) -> Result<Response, AppError> {
    requests(state, page, Format::Json, uri).await
}

async fn requests_xml(
    State(state): State<AppState>,
    page: PageContext,
    uri: axum::http::Uri,
) -> Result<Response, AppError> {
    requests(state, page, Format::Xml, uri).await
}

async fn request_show(
    State(state): State<AppState>,
    page: PageContext,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let Some((id, format)) = Format::split(&file) else { return Err(AppError::NotFound) };
    let filter = RequestFilter { tracking_codes: vec![id.to_owned()], ..Default::default() };
    let found = open311_requests(&state.db, page.agency.id, &filter, 0, 1).await?;
    if found.is_empty() {
        return Ok(refuse(format, StatusCode::NOT_FOUND, vec![page.t("open311.unknown_request").to_owned()]));
    }
    let list: Vec<RequestOut> = found.into_iter().map(|r| request_out(&page, r)).collect();
    Ok(answer(format, StatusCode::OK, &list, RequestsXml { requests: &list }))
}

// ----- posting a request -----

#[derive(Debug, Serialize)]
pub struct CreatedOut {
    service_request_id: String,
    service_notice: String,
    account_id: Option<String>,
}

#[derive(Template)]
#[template(path = "open311/created.xml")]
struct CreatedXml<'a> {
    created: &'a [CreatedOut],
}

async fn create_json(
    State(state): State<AppState>,
    ServedAgency(agency): ServedAgency,
    page: PageContext,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Result<Response, AppError> {
    create(state, agency, page, client, Format::Json, headers, uri, body).await
}

async fn create_xml(
    State(state): State<AppState>,
    ServedAgency(agency): ServedAgency,
    page: PageContext,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Result<Response, AppError> {
    create(state, agency, page, client, Format::Xml, headers, uri, body).await
}

#[allow(clippy::too_many_arguments)]
async fn create(
    state: AppState,
    agency: std::sync::Arc<entity::agency::Model>,
    page: PageContext,
    client: std::net::IpAddr,
    format: Format,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form && !body.is_empty() {
        return Ok(refuse(format, StatusCode::UNSUPPORTED_MEDIA_TYPE, vec![page.t("open311.form_only").to_owned()]));
    }
    // The resident's description is checked as the web form's details are.
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(&body)
        .into_owned()
        .map(|(name, value)| if name == "description" { ("details".to_owned(), value) } else { (name, value) })
        .collect();
    let key_in_query = query_pairs(uri.query())?.into_iter().find(|(name, _)| name == "api_key");
    pairs.extend(key_in_query);
    let pairs = match text_input::clean_fields(pairs) {
        Ok(pairs) => pairs,
        Err(errors) => return Ok(refuse_fields(format, page.lang, &errors)),
    };
    let value = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default();

    let key = value("api_key");
    if domain::client_for_key(&state.db, agency.id, &key).await?.is_none() {
        return Ok(refuse(format, StatusCode::FORBIDDEN, vec![page.t("open311.bad_key").to_owned()]));
    }
    let coordinate = |name: &str| -> Result<Option<f64>, ()> {
        match value(name).as_str() {
            "" => Ok(None),
            text => text.parse::<f64>().ok().filter(|n| n.is_finite()).map(Some).ok_or(()),
        }
    };
    let (Ok(lat), Ok(long)) = (coordinate("lat"), coordinate("long")) else {
        let mut errors = FieldErrors::default();
        errors.add("lat", "coordinates");
        return Ok(refuse_fields(format, page.lang, &errors));
    };
    let request = Open311Request {
        service_code: value("service_code"),
        description: value("details"),
        address_string: value("address_string"),
        lat,
        long,
        first_name: value("first_name"),
        last_name: value("last_name"),
        email: value("email"),
        phone: value("phone"),
        consent: matches!(value("attribute[consent]").to_lowercase().as_str(), "yes" | "true" | "1"),
    };
    let input = match domain::as_submission(&state.db, agency.id, request).await? {
        Ok(input) => input,
        Err(DomainError::Invalid(errors)) => return Ok(refuse_fields(format, page.lang, &errors)),
        Err(other) => return Err(other.into()),
    };
    if !state.limits.submissions.allow(&client).await {
        let mut refused =
            refuse(format, StatusCode::TOO_MANY_REQUESTS, vec![page.t("error.rate_limited.message").to_owned()]);
        refused.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(60));
        return Ok(refused);
    }
    let receipt =
        match state.submissions.submit(&state.db, &agency, input, Vec::new(), Channel::Open311, None, Utc::now()).await
        {
            Ok(receipt) => receipt,
            Err(DomainError::Invalid(errors)) => return Ok(refuse_fields(format, page.lang, &errors)),
            Err(other) => return Err(other.into()),
        };
    let notice_key = match receipt.kind {
        Kind::Question => "open311.notice_question",
        _ => "open311.notice",
    };
    let created = vec![CreatedOut {
        service_notice: crate::i18n::t_with(page.lang, notice_key, &[("code", receipt.tracking_code.as_str())]),
        service_request_id: receipt.tracking_code,
        account_id: None,
    }];
    Ok(answer(format, StatusCode::CREATED, &created, CreatedXml { created: &created }))
}
