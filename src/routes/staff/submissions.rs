//! One submission in the staff workspace: the page, and each action on it
//! (a CSRF-protected POST that redirects back, or shows what to correct).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use entity::enums::{Channel, Code, Status};
use entity::{department, staff_user};
use sea_orm::{ActiveEnum, Iterable};
use serde::Deserialize;

use crate::auth::CurrentStaff;
use crate::domain::actor::Staff;
use crate::domain::error::DomainError;
use crate::domain::participation::publication::{self, PublishInput};
use crate::domain::photos::{self, Size};
use crate::domain::submissions::access::RequestScope;
use crate::domain::submissions::outcome::Closing;
use crate::domain::submissions::staff_view::{self, ContactView, StaffSubmission};
use crate::domain::submissions::triage::{self, Assignment, DueChange, StatusChange};
use crate::domain::submissions::{self, submit, Receipt};
use crate::domain::{accounts, agency, services};
use crate::error::{localize, AppError};
use crate::extract::{CsrfForm, NoFields, PageContext, Path};
use crate::routes::public::form::{self as resident_form, FormState};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "staff/submission.html")]
pub struct SubmissionPage {
    page: PageContext,
    me: Staff,
    view: StaffSubmission,
    departments: Vec<department::Model>,
    colleagues: Vec<staff_user::Model>,
    errors: Vec<String>,
    now: DateTime<Utc>,
}

async fn render(
    state: &AppState,
    page: PageContext,
    me: Staff,
    view: StaffSubmission,
    errors: Vec<String>,
) -> Result<SubmissionPage, AppError> {
    let departments = agency::departments(&state.db, page.agency.id).await?;
    let colleagues = accounts::who_may_work(&state.db, &me, &view.item).await?;
    Ok(SubmissionPage { page, me, view, departments, colleagues, errors, now: Utc::now() })
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
) -> Result<SubmissionPage, AppError> {
    let view = staff_view::load(&state.db, &me, id).await?;
    render(&state, page, me, view, Vec::new()).await
}

/// Back to the page after a successful action; or the page as the item now
/// stands, with what to correct (422) or with the news that someone else
/// changed it meanwhile (409).
async fn after_action(
    state: &AppState,
    page: PageContext,
    me: Staff,
    id: i64,
    result: Result<(), DomainError>,
    done: &str,
) -> Result<Response, AppError> {
    let (status, messages) = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/staff/submissions/{id}?done={done}")).into_response()),
        Err(DomainError::Invalid(errors)) => {
            let messages = localize(&errors, page.lang)
                .into_iter()
                .flat_map(|(_, list)| list.as_array().cloned().unwrap_or_default())
                .filter_map(|m| m.as_str().map(str::to_owned))
                .collect();
            (StatusCode::UNPROCESSABLE_ENTITY, messages)
        }
        Err(DomainError::Conflict) => (StatusCode::CONFLICT, vec![page.t("error.conflict.message").to_owned()]),
        Err(other) => return Err(other.into()),
    };
    let view = staff_view::load(&state.db, &me, id).await?;
    Ok((status, render(state, page, me, view, messages).await?).into_response())
}

/// A number from a form field; empty or anything else is `None`.
fn optional_id(value: &str) -> Option<i64> {
    value.trim().parse().ok()
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    department: String,
    #[serde(default)]
    assignee: String,
    /// What the page showed: the department and assignee, or absent.
    seen_department: Option<String>,
    #[serde(default)]
    seen_assignee: String,
}

pub async fn assign(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Result<Response, AppError> {
    let to = Assignment {
        department_id: optional_id(&form.department),
        assignee_id: optional_id(&form.assignee),
        seen: form.seen_department.map(|seen| (optional_id(&seen), optional_id(&form.seen_assignee))),
    };
    let result = triage::assign(&state.db, &me, id, to, Utc::now()).await;
    after_action(&state, page, me, id, result, "assigned").await
}

#[derive(Deserialize)]
pub struct IndicatorForm {
    indicator: i16,
    /// `link` or `unlink`.
    action: String,
}

pub async fn indicators(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<IndicatorForm>,
) -> Result<Response, AppError> {
    let result = triage::set_indicator(&state.db, &me, id, form.indicator, form.action == "link", Utc::now()).await;
    after_action(&state, page, me, id, result, "indicators").await
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    referred_to: String,
    /// The status the page showed.
    seen: Option<String>,
    /// What came of it, when closing (`outcome::Closing`'s code).
    #[serde(default)]
    outcome: String,
}

pub async fn status(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, AppError> {
    let change = StatusChange {
        to: form.status,
        message: form.message,
        referred_to: form.referred_to,
        seen: form.seen,
        outcome: form.outcome,
    };
    let result = triage::change_status(&state.db, &me, id, change, Utc::now()).await;
    after_action(&state, page, me, id, result, "status").await
}

#[derive(Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    reason: String,
    /// The status the page showed.
    seen: Option<String>,
}

/// Reopens a closed submission (back to its department, in progress).
pub async fn reopen(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReopenForm>,
) -> Result<Response, AppError> {
    let result = triage::reopen(&state.db, &me, id, &form.reason, form.seen, Utc::now()).await;
    after_action(&state, page, me, id, result, "reopened").await
}

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    message: String,
}

pub async fn reply(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, AppError> {
    let result = triage::add_message(&state.db, &me, id, &form.message, true, Utc::now()).await;
    after_action(&state, page, me, id, result, "reply").await
}

pub async fn note(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, AppError> {
    let result = triage::add_message(&state.db, &me, id, &form.message, false, Utc::now()).await;
    after_action(&state, page, me, id, result, "note").await
}

/// A new due date: `due` as `YYYY-MM-DD`, or the day, month and
/// Buddhist-Era year the form's pickers send.
#[derive(Deserialize)]
pub struct DueForm {
    #[serde(default)]
    due: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year_be: String,
    #[serde(default)]
    reason: String,
    /// The due instant the page showed, in Unix microseconds.
    seen: Option<String>,
}

impl DueForm {
    /// The date as the domain reads it; whatever cannot be a date is passed
    /// on as typed, for the domain to refuse with its own message.
    fn date(&self) -> String {
        if !self.due.trim().is_empty() {
            return self.due.clone();
        }
        let number = |text: &str| text.trim().parse::<i32>().ok();
        match (number(&self.day), number(&self.month), number(&self.year_be)) {
            (Some(day), Some(month), Some(year)) => {
                format!("{:04}-{month:02}-{day:02}", year - crate::domain::calendar::BUDDHIST_ERA_OFFSET)
            }
            _ => String::new(),
        }
    }
}

pub async fn due(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DueForm>,
) -> Result<Response, AppError> {
    let seen = form.seen.as_deref().and_then(|micros| micros.trim().parse().ok());
    let change = DueChange { date: form.date(), reason: form.reason, seen };
    let result = triage::change_due(&state.db, &me, id, change, Utc::now()).await;
    after_action(&state, page, me, id, result, "due").await
}

/// Publishes (or republishes) the submission to the participation log with
/// the staff-written summary and outcome, and the photos ticked (`photo`,
/// one value per photo).
pub async fn publish(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let text = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let input = PublishInput {
        summary_th: text("summary_th"),
        summary_en: Some(text("summary_en")),
        outcome_th: Some(text("outcome_th")),
        outcome_en: Some(text("outcome_en")),
        photos: pairs.iter().filter(|(n, _)| n == "photo").filter_map(|(_, v)| optional_id(v)).collect(),
    };
    let result = publication::publish(&state.db, &me, id, input, Utc::now()).await;
    after_action(&state, page, me, id, result, "published").await
}

pub async fn unpublish(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let result = publication::unpublish(&state.db, &me, id, Utc::now()).await;
    after_action(&state, page, me, id, result, "unpublished").await
}

/// A photo of a submission (`thumbnail`: its small image), for staff who
/// may see the submission; a corruption report's only for those who may
/// reveal its reporter, every look audited.
pub async fn photo(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let served = photos::for_staff(&state.db, state.files.as_ref(), &me, id, photo_id, Size::Full, Utc::now()).await?;
    Ok(crate::files::response(served))
}

pub async fn photo_thumbnail(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let store = state.files.as_ref();
    let served = photos::for_staff(&state.db, store, &me, id, photo_id, Size::Thumbnail, Utc::now()).await?;
    Ok(crate::files::response(served))
}

/// Shows a corruption reporter's identity (and the report's photos); every
/// look is audited.
pub async fn reveal_reporter(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<SubmissionPage, AppError> {
    let view = staff_view::reveal_reporter(&state.db, &me, id, Utc::now()).await?;
    render(&state, page, me, view, Vec::new()).await
}

impl SubmissionPage {
    pub fn kind_code(&self) -> String {
        self.view.item.kind.code()
    }

    pub fn status_code(&self) -> String {
        self.view.item.status.code()
    }

    pub fn channel_code(&self) -> String {
        self.view.item.channel.code()
    }

    /// Every outcome a closing may record (`outcome::Closing`'s codes).
    pub fn outcome_codes(&self) -> Vec<String> {
        Closing::all().into_iter().map(Closing::code).collect()
    }

    pub fn outcome_code(&self) -> Option<String> {
        self.view.outcome.map(Closing::code)
    }

    /// The resident's answer to "was it resolved?", as a code.
    pub fn verdict_resolved(&self) -> Option<String> {
        self.view.verdict.as_ref().map(|v| v.resolved.code())
    }

    pub fn next_status_codes(&self) -> Vec<String> {
        self.view.next_statuses.iter().map(|s| s.code()).collect()
    }

    pub fn is_overdue(&self) -> bool {
        self.view.item.next_due_at.is_some_and(|due| due < self.now)
    }

    pub fn linked(&self, indicator: &i16) -> bool {
        self.view.indicators.contains(indicator)
    }

    pub fn indicators(&self) -> Vec<i16> {
        crate::domain::INDICATORS.collect()
    }

    pub fn contact(&self) -> Option<&entity::contact::Model> {
        match &self.view.contact {
            ContactView::Shown(contact) => Some(contact),
            _ => None,
        }
    }

    /// The resident's position as text, with a link to a map of it.
    pub fn position(&self) -> Option<(String, String)> {
        let (latitude, longitude) = (self.view.item.latitude?, self.view.item.longitude?);
        Some((
            format!("{latitude:.6}, {longitude:.6}"),
            format!("https://www.openstreetmap.org/?mlat={latitude:.6}&mlon={longitude:.6}#map=17/{latitude:.6}/{longitude:.6}"),
        ))
    }

    /// "รูปที่ 2 (1.2 MB)": a photo's alternative text.
    pub fn photo_label(&self, photo: &photos::StaffPhoto) -> String {
        let n = (photo.position + 1).to_string();
        format!("{} ({})", crate::i18n::t_with(self.page.lang, "photos.photo_n", &[("n", &n)]), photo.size_text())
    }

    pub fn publish_photo_label(&self, photo: &photos::StaffPhoto) -> String {
        crate::i18n::t_with(self.page.lang, "photos.publish_photo", &[("n", &(photo.position + 1).to_string())])
    }

    pub fn contact_protected(&self) -> bool {
        matches!(self.view.contact, ContactView::Protected)
    }

    pub fn contact_withheld(&self) -> bool {
        matches!(self.view.contact, ContactView::Withheld)
    }

    pub fn event_kind(&self, kind: &entity::enums::EventKind) -> String {
        kind.code()
    }

    pub fn status_code_of(&self, status: &Option<Status>) -> Option<String> {
        status.map(|s| s.code())
    }

    /// The message of an indicator event is the indicator's number.
    pub fn department_name(&self, model: &department::Model) -> String {
        if self.page.lang == crate::i18n::Lang::Th {
            model.name_th.clone()
        } else {
            model.name_en.clone()
        }
    }

    pub fn service_name(&self) -> Option<String> {
        self.view.service.as_ref().map(|s| {
            if self.page.lang == crate::i18n::Lang::Th {
                s.name_th.clone()
            } else {
                s.name_en.clone()
            }
        })
    }

    pub fn question_text(&self, question: &crate::domain::submissions::questions::Question) -> String {
        question.text(self.page.lang).to_owned()
    }

    /// Whether the submission is on the public log now.
    pub fn is_published(&self) -> bool {
        self.view.publication.as_ref().is_some_and(|p| p.withdrawn_at.is_none())
    }

    /// The publication's text for the form: the live or last one, or a start
    /// drawn from the public reply so staff only need to write the summary.
    pub fn publication_field(&self, field: &str) -> String {
        let Some(publication) = &self.view.publication else {
            let last_reply = self.view.events.iter().rev().find(|e| e.public && e.message.is_some());
            return match field {
                "outcome_th" => last_reply.and_then(|e| e.message.clone()).unwrap_or_default(),
                _ => String::new(),
            };
        };
        match field {
            "summary_th" => publication.summary_th.clone(),
            "summary_en" => publication.summary_en.clone().unwrap_or_default(),
            "outcome_th" => publication.outcome_th.clone().unwrap_or_default(),
            _ => publication.outcome_en.clone().unwrap_or_default(),
        }
    }

    /// What the forms tell the domain they saw, to detect changes meanwhile.
    pub fn seen_department(&self) -> String {
        self.view.item.department_id.map(|id| id.to_string()).unwrap_or_default()
    }

    pub fn seen_assignee(&self) -> String {
        self.view.item.assignee_id.map(|id| id.to_string()).unwrap_or_default()
    }

    pub fn seen_due(&self) -> String {
        self.view.item.next_due_at.map(|due| due.timestamp_micros().to_string()).unwrap_or_default()
    }

    /// The current due date (Bangkok) as day, month and Buddhist-Era
    /// year, for the pickers to start from.
    pub fn due_parts(&self) -> (u32, u32, i32) {
        use chrono::Datelike;
        let due = self.view.item.next_due_at.unwrap_or(self.view.item.due_at);
        let date = crate::domain::calendar::local_date(due);
        (date.day(), date.month(), date.year() + crate::domain::calendar::BUDDHIST_ERA_OFFSET)
    }

    /// Buddhist-Era years a due date may fall in: this year and the next two.
    pub fn due_years(&self) -> Vec<i32> {
        use chrono::Datelike;
        let this = crate::domain::calendar::local_date(self.now).year() + crate::domain::calendar::BUDDHIST_ERA_OFFSET;
        let (_, _, due) = self.due_parts();
        (this.min(due)..=this + 2).collect()
    }

    /// The publishing form's wording: a question is published as a question
    /// and its answer, anything else as a summary and its outcome.
    pub fn publish_label(&self, name: &str) -> &'static str {
        let own = (self.view.item.kind == entity::enums::Kind::Question)
            .then(|| crate::i18n::lookup(self.page.lang, &format!("staff.publish_question.{name}")))
            .flatten();
        own.unwrap_or_else(|| crate::i18n::lookup(self.page.lang, &format!("staff.publish.{name}")).unwrap_or(""))
    }

    pub fn month_name(&self, month: &u32) -> &'static str {
        crate::i18n::month_name(self.page.lang, *month)
    }
}

// ----- recording a submission that arrived by another channel -----

#[derive(Template, WebTemplate)]
#[template(path = "staff/new_submission.html")]
pub struct NewSubmissionPage {
    page: PageContext,
    me: Staff,
    form: FormState,
    services: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/recorded.html")]
pub struct RecordedPage {
    page: PageContext,
    me: Staff,
    receipt: Receipt,
}

impl NewSubmissionPage {
    pub fn channels(&self) -> Vec<String> {
        // Open311 clients send their own; staff do not record on their behalf.
        Channel::iter().filter(|c| *c != Channel::Open311).map(|c| c.code()).collect()
    }

    pub fn kinds(&self) -> Vec<String> {
        entity::enums::Kind::iter().map(|k| k.code()).collect()
    }
}

async fn new_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    form: FormState,
) -> Result<NewSubmissionPage, AppError> {
    let services = services::active(&state.db, page.agency.id)
        .await?
        .into_iter()
        .map(|s| (s.slug, if page.lang == crate::i18n::Lang::Th { s.name_th } else { s.name_en }))
        .collect();
    Ok(NewSubmissionPage { page, me, form, services })
}

pub async fn new_form(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<NewSubmissionPage, AppError> {
    submissions::submit::may_record(&me)?;
    let form = FormState::default().with_value("kind", "complaint").with_value("channel", "walk_in");
    new_page(&state, page, me, form).await
}

pub async fn record(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = FormState::from_pairs(&pairs);
    let result = match Channel::try_from_value(&form.value("channel").to_owned()) {
        Ok(channel) if channel != Channel::Open311 => {
            let request = state.request_keys.request(RequestScope::Form, &form.request_id());
            let input = resident_form::new_submission(&form);
            submit(&state.db, &page.agency, input, channel, Some(&me), Some(request), Utc::now()).await
        }
        _ => Err(DomainError::invalid("channel", "unknown_channel")),
    };
    match result {
        Ok(receipt) => Ok(RecordedPage { page, me, receipt }.into_response()),
        Err(submissions::SubmitError::Invalid(errors)) => {
            let form = form.with_errors(&errors, page.lang);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, new_page(&state, page, me, form).await?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

impl RecordedPage {
    pub fn kind_code(&self) -> String {
        self.receipt.kind.code()
    }
}
