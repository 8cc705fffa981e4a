//! Staff managing what the public log shows besides submissions: activities,
//! the yearly plan's measures with their progress and evidence, and the ITA
//! evidence index. The domain decides who may; these parse, call and render.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::{Redirect, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use entity::activity::{self, ActivityKind};
use entity::department;
use entity::measure::Progress;
use sea_orm::{ActiveEnum, Iterable};

use super::admin::{optional_id, settle};
use crate::auth::CurrentStaff;
use crate::csrf;
use crate::domain::actor::Staff;
use crate::domain::calendar::{bangkok, fiscal_year, local_date};
use crate::domain::error::DomainError;
use crate::domain::files;
use crate::domain::participation::activities::{self, ActivityInput};
use crate::domain::participation::ita::{self, ItaItem, SurveyInput};
use crate::domain::participation::plan::{self, AnalysisInput, Evidence, MeasureInput};
use crate::domain::participation::workspace::{self, MeasureRow};
use crate::domain::{agency, permissions, INDICATORS, PLAN_INDICATORS};
use crate::error::AppError;
use crate::extract::{CsrfForm, PageContext, Path};
use crate::routes::public::fiscal_year_param;
use crate::state::AppState;

/// A submitted form as name/value pairs, for fields that repeat.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> String {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v.trim().to_owned()).collect()
    }

    fn optional(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }

    fn checked(&self, name: &str) -> bool {
        self.get(name) == "on"
    }
}

fn date(field: &str, text: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| DomainError::invalid(field, "date_format"))
}

/// A Bangkok date and optional time (09:00 when none is given) as an instant.
fn local_instant(day: &str, time: &str) -> Result<DateTime<Utc>, DomainError> {
    let day = date("held_on", day)?;
    let time = if time.is_empty() {
        NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default()
    } else {
        NaiveTime::parse_from_str(time, "%H:%M").map_err(|_| DomainError::invalid("held_time", "time_format"))?
    };
    bangkok()
        .from_local_datetime(&day.and_time(time))
        .single()
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| DomainError::invalid("held_on", "date_format"))
}

fn this_fiscal_year() -> i32 {
    fiscal_year(local_date(Utc::now()))
}

fn codes(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace()).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

// ----- activities -----

#[derive(Template, WebTemplate)]
#[template(path = "staff/activities.html")]
pub struct ActivitiesPage {
    page: PageContext,
    me: Staff,
    activities: Vec<activity::Model>,
}

pub async fn activities(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<ActivitiesPage, AppError> {
    if !permissions::can_manage_any_activity(&me) {
        return Err(AppError::Forbidden);
    }
    let activities = workspace::activities(&state.db, &me, page.agency.id).await?;
    Ok(ActivitiesPage { page, me, activities })
}

impl ActivitiesPage {
    pub fn kind_code(&self, activity: &activity::Model) -> String {
        activity.kind.to_value()
    }
}

/// The activity form, filled from the stored activity or from what was typed.
#[derive(Default)]
pub struct ActivityForm {
    id: Option<i64>,
    kind: String,
    title_th: String,
    title_en: String,
    held_on: String,
    held_time: String,
    place: String,
    participants: String,
    description: String,
    outcome: String,
    participant_groups: String,
    method: String,
    results_used: String,
    department: Option<i64>,
    indicators: Vec<i16>,
    submissions: String,
    published: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/activity.html")]
pub struct ActivityPage {
    page: PageContext,
    me: Staff,
    form: ActivityForm,
    departments: Vec<department::Model>,
    /// The evidence files of a stored activity.
    files: Vec<entity::stored_file::Model>,
    errors: Vec<String>,
}

impl ActivityPage {
    pub fn kinds(&self) -> Vec<String> {
        ActivityKind::iter().map(|k| k.to_value()).collect()
    }

    pub fn indicators(&self) -> Vec<i16> {
        INDICATORS.collect()
    }

    pub fn size_text(&self, bytes: &i64) -> String {
        files::size_text(*bytes)
    }

    pub fn action(&self) -> String {
        match self.form.id {
            Some(id) => format!("/staff/activities/{id}"),
            None => "/staff/activities".into(),
        }
    }
}

async fn activity_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    form: ActivityForm,
    errors: Vec<String>,
) -> Result<ActivityPage, AppError> {
    if !permissions::can_manage_any_activity(&me) {
        return Err(AppError::Forbidden);
    }
    let departments = agency::departments(&state.db, page.agency.id).await?;
    let files = match form.id {
        Some(id) => activities::evidence_files(&state.db, page.agency.id, id).await?,
        None => Vec::new(),
    };
    Ok(ActivityPage { page, me, form, departments, files, errors })
}

pub async fn new_activity(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<ActivityPage, AppError> {
    let form = ActivityForm { kind: "hearing".into(), department: me.department_id, ..Default::default() };
    activity_page(&state, page, me, form, Vec::new()).await
}

pub async fn edit_activity(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
) -> Result<ActivityPage, AppError> {
    let form = stored_activity_form(&state, &me, page.agency.id, id).await?;
    activity_page(&state, page, me, form, Vec::new()).await
}

/// The form of a stored activity, as the staff member may read it.
async fn stored_activity_form(state: &AppState, me: &Staff, agency_id: i64, id: i64) -> Result<ActivityForm, AppError> {
    let (found, indicators, submission_codes) = workspace::activity(&state.db, me, agency_id, id).await?;
    let local = found.held_at.with_timezone(&bangkok());
    Ok(ActivityForm {
        id: Some(found.id),
        kind: found.kind.to_value(),
        title_th: found.title_th,
        title_en: found.title_en.unwrap_or_default(),
        held_on: local.format("%Y-%m-%d").to_string(),
        held_time: local.format("%H:%M").to_string(),
        place: found.place,
        participants: found.participants.to_string(),
        description: found.description,
        outcome: found.outcome.unwrap_or_default(),
        participant_groups: found.participant_groups.unwrap_or_default(),
        method: found.method.unwrap_or_default(),
        results_used: found.results_used.unwrap_or_default(),
        department: found.department_id,
        indicators,
        submissions: submission_codes.join(" "),
        published: found.published,
    })
}

fn activity_form(id: Option<i64>, fields: &Fields) -> ActivityForm {
    ActivityForm {
        id,
        kind: fields.get("kind"),
        title_th: fields.get("title_th"),
        title_en: fields.get("title_en"),
        held_on: fields.get("held_on"),
        held_time: fields.get("held_time"),
        place: fields.get("place"),
        participants: fields.get("participants"),
        description: fields.get("description"),
        outcome: fields.get("outcome"),
        participant_groups: fields.get("participant_groups"),
        method: fields.get("method"),
        results_used: fields.get("results_used"),
        department: optional_id(&fields.get("department")),
        indicators: fields.all("indicators").iter().filter_map(|i| i.parse().ok()).collect(),
        submissions: fields.get("submissions"),
        published: fields.checked("published"),
    }
}

async fn activity_input(state: &AppState, agency_id: i64, form: &ActivityForm) -> Result<ActivityInput, DomainError> {
    let kind = ActivityKind::try_from_value(&form.kind).map_err(|_| DomainError::invalid("kind", "unknown_kind"))?;
    let participants = form.participants.parse().map_err(|_| DomainError::invalid("participants", "number_format"))?;
    Ok(ActivityInput {
        kind,
        title_th: form.title_th.clone(),
        title_en: Some(form.title_en.clone()),
        held_at: local_instant(&form.held_on, &form.held_time)?,
        place: form.place.clone(),
        participants,
        description: form.description.clone(),
        outcome: Some(form.outcome.clone()),
        participant_groups: Some(form.participant_groups.clone()),
        method: Some(form.method.clone()),
        results_used: Some(form.results_used.clone()),
        department_id: form.department,
        indicators: form.indicators.clone(),
        submission_ids: workspace::submission_ids(&state.db, agency_id, &codes(&form.submissions), "submissions")
            .await?,
        published: form.published,
    })
}

async fn save_activity(
    state: AppState,
    page: PageContext,
    me: Staff,
    id: Option<i64>,
    fields: Fields,
) -> Result<Response, AppError> {
    let form = activity_form(id, &fields);
    // Refuse before reading the rest, so a refusal never depends on the input.
    if !permissions::can_manage_activity(&me, form.department) {
        return Err(AppError::Forbidden);
    }
    let agency_id = page.agency.id;
    let result = async {
        let input = activity_input(&state, agency_id, &form).await?;
        activities::save_activity(&state.db, &me, agency_id, id, input, Utc::now()).await
    }
    .await;
    let to = result.map(|_| "/staff/activities".to_owned());
    settle(page, to, async |page, errors| activity_page(&state, page, me, form, errors).await).await
}

pub async fn create_activity(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    save_activity(state, page, me, None, Fields(pairs)).await
}

pub async fn update_activity(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    save_activity(state, page, me, Some(id), Fields(pairs)).await
}

// ----- evidence files -----

/// What an upload form sent: the file, or why there is none to store.
enum Received {
    File(files::Upload),
    TooLarge,
    Nothing,
}

/// Reads an upload form (`multipart/form-data`): its form token must come
/// before the file (the form puts it first), so no file is read for a
/// forged request; a file over the limit stops being read at the limit.
async fn read_upload(
    state: &AppState,
    agency_id: i64,
    headers: &HeaderMap,
    mut multipart: Multipart,
) -> Result<Received, AppError> {
    let mut token_ok = false;
    while let Some(mut field) = multipart.next_field().await.map_err(crate::extract::multipart_error)? {
        match field.name() {
            Some(csrf::FIELD) => {
                let token = field.text().await.map_err(crate::extract::multipart_error)?;
                token_ok = state.csrf.verify(headers, agency_id, &token);
            }
            Some("file") if token_ok => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = bytes::BytesMut::new();
                while let Some(chunk) = field.chunk().await.map_err(crate::extract::multipart_error)? {
                    if bytes.len() + chunk.len() > files::MAX_BYTES {
                        return Ok(Received::TooLarge);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if bytes.is_empty() {
                    return Ok(Received::Nothing);
                }
                return Ok(Received::File(files::Upload { name, bytes: bytes.freeze() }));
            }
            _ if !token_ok => return Err(AppError::Csrf),
            _ => {}
        }
    }
    if token_ok {
        Ok(Received::Nothing)
    } else {
        Err(AppError::Csrf)
    }
}

pub async fn upload_evidence(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let multipart = multipart.map_err(|e| AppError::Malformed(e.body_text()))?;
    let result = match read_upload(&state, page.agency.id, &headers, multipart).await? {
        Received::File(upload) => {
            let store = state.files.as_ref();
            activities::attach_evidence(&state.db, store, &me, page.agency.id, id, upload, Utc::now()).await.map(|_| ())
        }
        Received::TooLarge => Err(files::too_large("file")),
        Received::Nothing => Err(DomainError::invalid("file", "file_missing")),
    };
    back_to_activity(&state, page, me, id, result).await
}

pub async fn remove_evidence(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path((id, file_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let result = activities::detach_evidence(&state.db, &me, page.agency.id, id, file_id, Utc::now()).await;
    back_to_activity(&state, page, me, id, result).await
}

/// After a change to an activity's evidence: its page, with the errors if
/// the change was refused.
async fn back_to_activity(
    state: &AppState,
    page: PageContext,
    me: Staff,
    id: i64,
    result: Result<(), DomainError>,
) -> Result<Response, AppError> {
    let agency_id = page.agency.id;
    settle(page, result.map(|()| format!("/staff/activities/{id}")), async |page, errors| {
        let form = stored_activity_form(state, &me, agency_id, id).await?;
        activity_page(state, page, me, form, errors).await
    })
    .await
}

/// A file of an activity as staff see it (drafts too).
pub async fn evidence_file(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let reader = activities::Reader::Staff(&me);
    let served =
        activities::evidence_file(&state.db, state.files.as_ref(), reader, page.agency.id, id, file_id).await?;
    Ok(crate::files::response(served))
}

// ----- the plan -----

#[derive(Template, WebTemplate)]
#[template(path = "staff/plan.html")]
pub struct PlanPage {
    page: PageContext,
    me: Staff,
    fiscal_year: i32,
    measures: Vec<MeasureRow>,
    analyses: Vec<entity::plan_analysis::Model>,
    departments: Vec<department::Model>,
    errors: Vec<String>,
}

impl PlanPage {
    /// The measure the shared fields show: none, this page adds a new one.
    pub fn current(&self) -> Option<&entity::measure::Model> {
        None
    }

    pub fn progresses(&self) -> Vec<String> {
        Progress::iter().map(|p| p.to_value()).collect()
    }

    pub fn progress_code(&self, progress: &Progress) -> String {
        progress.to_value()
    }

    pub fn indicators(&self) -> Vec<i16> {
        PLAN_INDICATORS.collect()
    }

    /// The year's analysis of an indicator, if written.
    pub fn analysis(&self, indicator: &i16) -> Option<&entity::plan_analysis::Model> {
        self.analyses.iter().find(|a| a.indicator == *indicator)
    }

    /// A stored score as typed in the form (`97.58`).
    pub fn score_text(&self, indicator: &i16) -> String {
        self.analysis(indicator).and_then(|a| a.score_hundredths).map(plan::score_text).unwrap_or_default()
    }

    pub fn can_note(&self, row: &MeasureRow) -> bool {
        permissions::can_note_measure_progress(&self.me, row.measure.department_id)
    }

    pub fn is_admin(&self) -> bool {
        permissions::can_administer(&self.me)
    }

    pub fn department_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.departments.iter().find(|d| d.id == id))
            .map(|d| d.name_th.clone())
            .unwrap_or_else(|| self.page.t("staff.plan.all_divisions").to_owned())
    }

    pub fn today(&self) -> String {
        local_date(Utc::now()).format("%Y-%m-%d").to_string()
    }
}

async fn plan_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    fiscal_year: i32,
    errors: Vec<String>,
) -> Result<PlanPage, AppError> {
    if me.role == entity::enums::Role::Viewer {
        return Err(AppError::Forbidden);
    }
    let measures = workspace::measures(&state.db, &me, page.agency.id, fiscal_year).await?;
    let analyses = plan::analyses(&state.db, page.agency.id, fiscal_year).await?;
    let departments = agency::departments(&state.db, page.agency.id).await?;
    Ok(PlanPage { page, me, fiscal_year, measures, analyses, departments, errors })
}

pub async fn plan_now() -> Redirect {
    Redirect::to(&format!("/staff/plan/{}", this_fiscal_year()))
}

pub async fn ita_now() -> Redirect {
    Redirect::to(&format!("/staff/ita/{}", this_fiscal_year()))
}

pub async fn plan(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(year): Path<String>,
) -> Result<PlanPage, AppError> {
    plan_page(&state, page, me, fiscal_year_param(&year)?, Vec::new()).await
}

fn indicator(fields: &Fields) -> Result<i16, DomainError> {
    fields.get("indicator").parse().map_err(|_| DomainError::invalid("indicator", "plan_indicator_range"))
}

/// The version a form showed (`seen`), if it showed one.
fn seen(fields: &Fields) -> Option<i32> {
    fields.get("seen").parse().ok()
}

fn measure_input(fiscal_year: i32, fields: &Fields) -> Result<MeasureInput, DomainError> {
    let indicator = indicator(fields)?;
    Ok(MeasureInput {
        fiscal_year,
        indicator,
        position: fields.get("position").parse().unwrap_or(1),
        title_th: fields.get("title_th"),
        title_en: fields.optional("title_en"),
        steps: fields.get("steps"),
        period_start: date("period_start", &fields.get("period_start"))?,
        period_end: date("period_end", &fields.get("period_end"))?,
        department_id: optional_id(&fields.get("department")),
    })
}

/// Adds a measure to the year's plan (admins).
pub async fn create_measure(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(year): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let year = fiscal_year_param(&year)?;
    if !permissions::can_administer(&me) {
        return Err(AppError::Forbidden);
    }
    let agency_id = page.agency.id;
    let result = async {
        let input = measure_input(year, &Fields(pairs))?;
        plan::save_measure(&state.db, &me, agency_id, None, input, Utc::now()).await.map(|_| ())
    }
    .await;
    let to = format!("/staff/plan/{year}");
    settle(page, result.map(|()| to), async |page, errors| plan_page(&state, page, me, year, errors).await).await
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/measure.html")]
pub struct MeasurePage {
    page: PageContext,
    me: Staff,
    measure: entity::measure::Model,
    departments: Vec<department::Model>,
    errors: Vec<String>,
}

impl MeasurePage {
    pub fn current(&self) -> Option<&entity::measure::Model> {
        Some(&self.measure)
    }

    pub fn indicators(&self) -> Vec<i16> {
        PLAN_INDICATORS.collect()
    }
}

async fn measure_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    id: i64,
    errors: Vec<String>,
) -> Result<MeasurePage, AppError> {
    if !permissions::can_administer(&me) {
        return Err(AppError::Forbidden);
    }
    let measure = workspace::measure(&state.db, page.agency.id, id).await?;
    let departments = agency::departments(&state.db, page.agency.id).await?;
    Ok(MeasurePage { page, me, measure, departments, errors })
}

pub async fn edit_measure(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
) -> Result<MeasurePage, AppError> {
    measure_page(&state, page, me, id, Vec::new()).await
}

pub async fn update_measure(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    if !permissions::can_administer(&me) {
        return Err(AppError::Forbidden);
    }
    let agency_id = page.agency.id;
    let existing = workspace::measure(&state.db, agency_id, id).await?;
    let result = async {
        let input = measure_input(existing.fiscal_year, &Fields(pairs))?;
        plan::save_measure(&state.db, &me, agency_id, Some(id), input, Utc::now()).await.map(|_| ())
    }
    .await;
    let to = format!("/staff/plan/{}", existing.fiscal_year);
    settle(page, result.map(|()| to), async |page, errors| measure_page(&state, page, me, id, errors).await).await
}

/// The measure, if `me` may report on it (notes and evidence).
async fn reportable_measure(
    state: &AppState,
    agency_id: i64,
    me: &Staff,
    id: i64,
) -> Result<entity::measure::Model, AppError> {
    let found = workspace::measure(&state.db, agency_id, id).await?;
    if permissions::can_note_measure_progress(me, found.department_id) {
        Ok(found)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Back to the year's plan, or the plan again with what to correct.
async fn back_to_plan(
    state: AppState,
    page: PageContext,
    me: Staff,
    year: i32,
    result: Result<(), DomainError>,
) -> Result<Response, AppError> {
    settle(page, result.map(|()| format!("/staff/plan/{year}")), async |page, errors| {
        plan_page(&state, page, me, year, errors).await
    })
    .await
}

/// A dated progress note on a measure.
pub async fn measure_progress(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields = Fields(pairs);
    let agency_id = page.agency.id;
    let year = reportable_measure(&state, agency_id, &me, id).await?.fiscal_year;
    let result = async {
        let progress = Progress::try_from_value(&fields.get("progress"))
            .map_err(|_| DomainError::invalid("progress", "unknown_status"))?;
        let noted_on = date("noted_on", &fields.get("noted_on"))?;
        plan::note_progress(&state.db, &me, id, noted_on, progress, &fields.get("note"), Utc::now()).await
    }
    .await;
    back_to_plan(state, page, me, year, result).await
}

/// A submission or activity linked to a measure as its evidence.
pub async fn measure_evidence(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields = Fields(pairs);
    let agency_id = page.agency.id;
    let year = reportable_measure(&state, agency_id, &me, id).await?.fiscal_year;
    let result = async {
        let evidence = match (fields.optional("tracking_code"), optional_id(&fields.get("activity"))) {
            (Some(code), None) => {
                Evidence::Submission(workspace::submission_ids(&state.db, agency_id, &[code], "evidence").await?[0])
            }
            (None, Some(activity)) => Evidence::Activity(activity),
            _ => return Err(DomainError::invalid("evidence", "evidence_one")),
        };
        plan::link_evidence(&state.db, &me, id, evidence, Utc::now()).await
    }
    .await;
    back_to_plan(state, page, me, year, result).await
}

/// One indicator's analysis of the year's result (admins).
pub async fn save_analysis(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(year): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let year = fiscal_year_param(&year)?;
    if !permissions::can_administer(&me) {
        return Err(AppError::Forbidden);
    }
    let fields = Fields(pairs);
    let agency_id = page.agency.id;
    let result = async {
        let input = AnalysisInput {
            indicator: indicator(&fields)?,
            score: fields.get("score"),
            analysis: fields.get("analysis"),
            seen: seen(&fields),
        };
        plan::save_analysis(&state.db, &me, agency_id, year, input, Utc::now()).await
    }
    .await;
    back_to_plan(state, page, me, year, result).await
}

// ----- the ITA evidence index -----

/// Rows offered for new items below the existing ones.
const BLANK_ITA_ROWS: usize = 3;

#[derive(Template, WebTemplate)]
#[template(path = "staff/ita.html")]
pub struct ItaPage {
    page: PageContext,
    me: Staff,
    fiscal_year: i32,
    items: Vec<ItaItem>,
    /// Whether the items are the agency's own (not the year's catalogue).
    own: bool,
    survey: SurveyForm,
    errors: Vec<String>,
}

/// The ITAS survey form, as stored or as typed.
#[derive(Default)]
pub struct SurveyForm {
    url: String,
    opens_on: String,
    closes_on: String,
    seen: Option<i32>,
}

impl SurveyForm {
    fn stored(row: Option<entity::itas_survey::Model>) -> Self {
        row.map(|r| SurveyForm {
            url: r.url,
            opens_on: r.opens_on.to_string(),
            closes_on: r.closes_on.to_string(),
            seen: Some(r.version),
        })
        .unwrap_or_default()
    }

    fn typed(fields: &Fields) -> Self {
        SurveyForm {
            url: fields.get("survey_url"),
            opens_on: fields.get("opens_on"),
            closes_on: fields.get("closes_on"),
            seen: seen(fields),
        }
    }
}

impl ItaPage {
    pub fn elements_text(&self, item: &ItaItem) -> String {
        item.elements.join("\n")
    }

    /// The survey link as a QR code, as residents will see it.
    pub fn survey_qr(&self) -> Option<String> {
        (!self.survey.url.is_empty())
            .then(|| crate::qr::svg(&self.survey.url, self.page.t("ita.survey.qr_label")))
            .flatten()
    }
}

async fn ita_page(
    state: &AppState,
    page: PageContext,
    me: Staff,
    fiscal_year: i32,
    typed: Option<(Vec<ItaItem>, Option<SurveyForm>)>,
    errors: Vec<String>,
) -> Result<ItaPage, AppError> {
    if !permissions::can_administer(&me) {
        return Err(AppError::Forbidden);
    }
    let stored = ita::items(&state.db, page.agency.id, fiscal_year).await?;
    let own = stored.source == ita::Source::Agency;
    let (mut items, survey) = match typed {
        Some((items, survey)) if !items.is_empty() => (items, survey),
        Some((_, survey)) => (stored.items, survey),
        None => (stored.items, None),
    };
    let survey = match survey {
        Some(typed) => typed,
        None => SurveyForm::stored(ita::survey(&state.db, page.agency.id, fiscal_year).await?),
    };
    items.extend((0..BLANK_ITA_ROWS).map(|_| ItaItem {
        code: String::new(),
        title_th: String::new(),
        title_en: String::new(),
        url_path: String::new(),
        elements: Vec::new(),
    }));
    Ok(ItaPage { page, me, fiscal_year, items, own, survey, errors })
}

pub async fn ita_items(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(year): Path<String>,
) -> Result<ItaPage, AppError> {
    ita_page(&state, page, me, fiscal_year_param(&year)?, None, Vec::new()).await
}

pub async fn save_ita_items(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(year): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let year = fiscal_year_param(&year)?;
    if !permissions::can_administer(&me) {
        return Err(AppError::Forbidden);
    }
    let fields = Fields(pairs);
    let (codes, th, en, urls, elements) = (
        fields.all("code"),
        fields.all("title_th"),
        fields.all("title_en"),
        fields.all("url_path"),
        fields.all("elements"),
    );
    let items: Vec<ItaItem> = (0..codes.len())
        .map(|i| ItaItem {
            code: codes[i].clone(),
            title_th: th.get(i).cloned().unwrap_or_default(),
            title_en: en.get(i).cloned().unwrap_or_default(),
            url_path: urls.get(i).cloned().unwrap_or_default(),
            elements: ita::lines(elements.get(i).map_or("", String::as_str)),
        })
        .filter(|item| !(item.code.is_empty() && item.title_th.is_empty() && item.url_path.is_empty()))
        .collect();
    let result = ita::save_items(&state.db, &me, page.agency.id, year, &items, Utc::now()).await;
    let to = format!("/staff/ita/{year}");
    settle(page, result.map(|()| to), async |page, errors| {
        ita_page(&state, page, me, year, Some((items, None)), errors).await
    })
    .await
}

/// The year's ITAS survey link and collection window.
pub async fn save_survey(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Path(year): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let year = fiscal_year_param(&year)?;
    if !permissions::can_administer(&me) {
        return Err(AppError::Forbidden);
    }
    let fields = Fields(pairs);
    let typed = SurveyForm::typed(&fields);
    let result = async {
        let input = SurveyInput {
            url: typed.url.clone(),
            opens_on: date("opens_on", &typed.opens_on)?,
            closes_on: date("closes_on", &typed.closes_on)?,
            seen: typed.seen,
        };
        ita::save_survey(&state.db, &me, page.agency.id, year, input, Utc::now()).await
    }
    .await;
    // After someone else's save the page shows the link as it now is.
    let typed = (!matches!(result, Err(DomainError::Conflict))).then_some(typed);
    let to = format!("/staff/ita/{year}");
    settle(page, result.map(|()| to), async |page, errors| {
        ita_page(&state, page, me, year, Some((Vec::new(), typed)), errors).await
    })
    .await
}
