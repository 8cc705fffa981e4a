//! The submission forms' shared state: what the resident typed and the
//! errors beside each field, and the mapping from form fields to
//! [`NewSubmission`]. Field names are the API's field paths.

use std::collections::{BTreeMap, HashMap};

use std::net::IpAddr;

use axum::extract::{FromRequest, Multipart};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use entity::enums::Channel;
use rand::RngCore;

use crate::domain::files;
use crate::domain::photos;
use crate::domain::submissions::access::RequestScope;
use crate::domain::submissions::submit::repeated;
use crate::domain::submissions::{questions, NewSubmission, SubmitError};
use crate::domain::validation::FieldErrors;
use crate::error::localize;
use crate::error::AppError;
use crate::extract::{CsrfForm, FormFields, FromFormPairs, PageContext, ServedAgency};
use crate::i18n::Lang;
use crate::state::AppState;

/// A form as the resident left it, with localized errors per field.
#[derive(Debug, Default, Clone)]
pub struct FormState {
    values: HashMap<String, String>,
    errors: BTreeMap<String, Vec<String>>,
}

impl FormState {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let values = pairs.iter().filter(|(name, _)| name != crate::csrf::FIELD).cloned().collect();
        Self { values, errors: BTreeMap::new() }
    }

    pub fn with_value(mut self, name: &str, value: &str) -> Self {
        self.values.insert(name.to_owned(), value.to_owned());
        self
    }

    pub fn with_errors(mut self, errors: &FieldErrors, lang: Lang) -> Self {
        for (field, messages) in localize(errors, lang) {
            let messages = messages.as_array().into_iter().flatten().filter_map(|m| m.as_str().map(str::to_owned));
            self.errors.entry(field).or_default().extend(messages);
        }
        self
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// For radios, checkboxes and selects: whether `name` has `value`.
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.value(name) == value
    }

    pub fn errors(&self, name: &str) -> &[String] {
        self.errors.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The HTML id of a field's input.
    pub fn id(&self, name: &str) -> String {
        field_id(name)
    }

    /// The form's one-time id, sent back with it so that sending the same
    /// form twice (a double click, a reload, the browser re-posting) makes
    /// one submission: the one the form carried, or a new one for a form
    /// being shown afresh.
    pub fn request_id(&self) -> String {
        self.values.get(REQUEST_ID).filter(|id| valid_request_id(id)).cloned().unwrap_or_else(new_request_id)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every error for the summary at the top of the form: the field's id
    /// to link to, the field's name as its form labels it, and the message.
    pub fn all_errors(&self, lang: impl std::borrow::Borrow<Lang>) -> Vec<(String, String, String)> {
        let lang = *lang.borrow();
        self.errors
            .iter()
            .flat_map(|(field, list)| {
                let label = field_label(self.value("kind"), field, lang);
                list.iter().map(move |m| (field_id(field), label.clone(), m.clone()))
            })
            .collect()
    }
}

/// The hidden field of a resident form's one-time id.
pub const REQUEST_ID: &str = "request_id";
/// The cookie that lets the receipt page show the last receipt again.
pub const RECEIPT_COOKIE: &str = "siang_receipt";
/// How long the receipt page shows it: long enough to reload, short enough
/// that the next user of a shared computer finds nothing.
const RECEIPT_SECONDS: u64 = 60 * 60;

fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn valid_request_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A field's name as the resident's form labels it: the questions and
/// corruption forms name some fields their own way.
fn field_label(kind: &str, field: &str, lang: Lang) -> String {
    if let Some(id) = field.strip_prefix("ratings.") {
        if let Some(question) = questions::all().iter().find(|q| q.id == id) {
            return question.text(lang).to_owned();
        }
    }
    let key = match (kind, field) {
        ("question", "details") => "qa.question",
        ("question", "subject") => "qa.subject",
        ("question", "contact.email") => "qa.email",
        ("corruption", "subject") => "corruption.subject",
        ("corruption", "details") => "corruption.details",
        ("corruption", "location") => "corruption.where",
        (_, "corruption.official") => "corruption.official",
        (_, "corruption.occurred_when") => "corruption.when",
        (_, "corruption.evidence") => "corruption.evidence",
        (_, "contact.name") => "form.contact_name",
        (_, "contact.phone") => "form.contact_phone",
        (_, "contact.email") => "form.contact_email",
        (_, "consent") => "form.consent_short",
        (_, "asked_for_benefit") => "form.benefit_short",
        (_, other) => return crate::i18n::lookup(lang, &format!("form.{other}")).unwrap_or(other).to_owned(),
    };
    crate::i18n::t(lang, key).to_owned()
}

/// The HTML id of a field's input (`contact.email` → `f-contact-email`).
pub fn field_id(name: &str) -> String {
    format!("f-{}", name.replace(['.', '_'], "-"))
}

/// Reads the form's fields into a submission. Ratings are read only for
/// service feedback: the rating section belongs to that kind, and a resident
/// who switched kinds after answering should not be refused for it.
pub fn new_submission(form: &FormState) -> NewSubmission {
    let text = |name: &str| form.value(name).to_owned();
    let kind = text("kind");
    let feedback = kind == "service_feedback";
    let ratings = if feedback {
        questions::all()
            .iter()
            .filter(|q| q.is_rated())
            .filter_map(|q| {
                let value = form.value(&format!("ratings.{}", q.id));
                // A value that is not a number is out of range, and reported so.
                (!value.is_empty()).then(|| (q.id.clone(), value.trim().parse().unwrap_or(0)))
            })
            .collect()
    } else {
        Default::default()
    };
    let asked_for_benefit = match form.value("asked_for_benefit") {
        "yes" if feedback => Some(true),
        "no" if feedback => Some(false),
        _ => None,
    };
    NewSubmission {
        kind,
        subject: text("subject"),
        details: text("details"),
        service: text("service"),
        location: text("location"),
        // A value that is not a number is out of range, and reported so.
        moo: optional(form.value("moo")).map(|moo| moo.parse().unwrap_or(0)),
        latitude: optional(form.value("latitude")).map(|l| l.parse().unwrap_or(f64::NAN)),
        longitude: optional(form.value("longitude")).map(|l| l.parse().unwrap_or(f64::NAN)),
        ratings,
        asked_for_benefit,
        corruption: crate::domain::submissions::CorruptionFacts {
            official: text("corruption.official"),
            occurred_when: text("corruption.occurred_when"),
            evidence: text("corruption.evidence"),
        },
        contact: crate::domain::submissions::ContactInput {
            name: text("contact.name"),
            phone: text("contact.phone"),
            email: text("contact.email"),
            ..Default::default()
        },
        anonymous: form.is("anonymous", "on").then_some(true),
        consent: form.is("consent", "on"),
        // The page's language is set where the resident's form is accepted.
        language: Lang::Th,
    }
}

/// A trimmed form value, `None` when empty.
fn optional(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}

/// What every resident form does on POST: a form sent before goes to its
/// receipt; otherwise the rate limit, then the photos (decoded and encoded
/// again), then the submission, then a redirect to the receipt page (so a
/// reload shows the receipt again and sends nothing), or the form `again`
/// with its errors beside the fields.
pub async fn accept<P, F>(
    state: &AppState,
    page: PageContext,
    client: IpAddr,
    form: FormState,
    input: NewSubmission,
    uploads: Vec<files::Upload>,
    again: F,
) -> Result<Response, AppError>
where
    P: IntoResponse,
    F: AsyncFnOnce(PageContext, FormState) -> Result<P, AppError>,
{
    // Fields the input rule refused (`extract::FormFields`) are never stored.
    if form.has_errors() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, again(page, form).await?).into_response());
    }
    let id = form.request_id();
    let request = state.request_keys.request(RequestScope::Form, &id);
    let submitted = match repeated(&state.db, page.agency.id, &request, &input, Utc::now()).await {
        Ok(Some(_)) => return Ok(to_receipt(&id, state.config.secure_cookies)),
        Ok(None) if !state.limits.submissions.allow(&client).await => return Err(AppError::RateLimited),
        Ok(None) => match photos::prepare_all(uploads).await {
            Ok(photos) => {
                let (agency, input) = (&page.agency, NewSubmission { language: page.lang, ..input });
                state
                    .submissions
                    .submit(&state.db, agency, input, photos, Channel::Web, Some(request), Utc::now())
                    .await
            }
            Err(refused) => Err(refused),
        },
        Err(refused) => Err(refused),
    };
    match submitted {
        Ok(_) => Ok(to_receipt(&id, state.config.secure_cookies)),
        Err(SubmitError::Invalid(errors)) => {
            let mut form = form.with_errors(&errors, page.lang);
            if errors.contains(REQUEST_ID) {
                // This form was already sent with other content: sending
                // again sends it as a new submission.
                form.values.remove(REQUEST_ID);
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, again(page, form).await?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// 303 to the receipt page, which finds the receipt by the form's id in a
/// cookie: the access key never travels in a URL.
fn to_receipt(request_id: &str, secure: bool) -> Response {
    let cookie = crate::csrf::cookie_header(RECEIPT_COOKIE, request_id, Some(RECEIPT_SECONDS), secure);
    let mut response = Redirect::to("/receipt").into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// A resident form as sent: its fields (as [`FormFields`] cleans them) and
/// the photos chosen. The form is `multipart/form-data` when it has a photo
/// field, plain `application/x-www-form-urlencoded` otherwise; either way
/// its form token is checked. In a multipart body the token must come
/// first (the forms put it first), so no file is read for a forged request;
/// a photo over the size limit stops being read at the limit, and photos
/// past the third are not kept: both are reported on the field `photos`.
pub struct ResidentForm {
    pub fields: FormFields,
    pub photos: Vec<files::Upload>,
}

impl FromRequest<AppState> for ResidentForm {
    type Rejection = AppError;
    async fn from_request(request: axum::extract::Request, state: &AppState) -> Result<Self, AppError> {
        if !crate::files::is_multipart(request.headers()) {
            let CsrfForm(fields) = CsrfForm::<FormFields>::from_request(request, state).await?;
            return Ok(ResidentForm { fields, photos: Vec::new() });
        }
        let headers = request.headers().clone();
        // Tokens are the served agency's own: one agency's form cannot post to another's.
        let agency_id = request.extensions().get::<ServedAgency>().map(|served| served.0.id);
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|rejection| AppError::Malformed(rejection.body_text()))?;
        let mut token_ok = false;
        let mut text_read = 0;
        let mut pairs = Vec::new();
        let mut uploads = Vec::new();
        let mut photo_errors = Vec::new();
        while let Some(mut field) = multipart.next_field().await.map_err(crate::extract::multipart_error)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == crate::csrf::FIELD {
                let token = field.text().await.map_err(crate::extract::multipart_error)?;
                token_ok = agency_id.is_some_and(|agency| state.csrf.verify(&headers, agency, &token));
                continue;
            }
            if !token_ok {
                return Err(AppError::Csrf);
            }
            if name != photos::FIELD {
                let text = crate::files::limited_text(&mut field, &mut text_read, state.config.max_body_bytes).await?;
                pairs.push((name, String::from_utf8_lossy(&text).into_owned()));
                continue;
            }
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut bytes = bytes::BytesMut::new();
            let mut too_large = false;
            while let Some(chunk) = field.chunk().await.map_err(crate::extract::multipart_error)? {
                if bytes.len() + chunk.len() > files::MAX_BYTES {
                    too_large = true;
                    break;
                }
                bytes.extend_from_slice(&chunk);
            }
            if too_large {
                photo_errors.push("file_too_large");
            } else if bytes.is_empty() {
                // A file field left empty: the browser still sends it.
            } else if uploads.len() == photos::MAX_PHOTOS {
                photo_errors.push("too_many_photos");
            } else {
                uploads.push(files::Upload { name: file_name, bytes: bytes.freeze() });
            }
        }
        if !token_ok {
            return Err(AppError::Csrf);
        }
        let mut fields = FormFields::from_form_pairs(pairs)?;
        photo_errors.dedup();
        for code in photo_errors {
            fields.refused.add(photos::FIELD, code);
        }
        Ok(ResidentForm { fields, photos: uploads })
    }
}
