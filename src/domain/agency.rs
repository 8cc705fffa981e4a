//! The agency running the portal, its settings and departments.

use chrono::{DateTime, Utc};
use entity::{agency, department};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, TransactionTrait, TryIntoModel,
};

use super::actor::Staff;
use super::audit::{self, Action, Entry};
use super::error::DomainError;
use super::permissions;
use super::validation::{optional_email, single_line, FieldErrors};
use super::write;
use crate::i18n::Lang;

/// The first agency: the one a single-agency installation serves, and the
/// command line's default when no `--agency` is named.
pub async fn current(db: &impl ConnectionTrait) -> Result<agency::Model, DbErr> {
    agency::Entity::find()
        .order_by_asc(agency::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("no agency: run `siang migrate`".into()))
}

/// How a request named its agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// By its host, or its `/a/{slug}/` path.
    Named,
    /// The first active agency, where no active agency has a host: it is
    /// served on every host (single-agency mode, the default; others are
    /// then reached by their `/a/{slug}/` path).
    Default,
}

/// The active agency a request is for: the one whose slug its path names
/// (`/a/{slug}/`), else the one whose host it was sent to. Where no active
/// agency has a host (a single agency, or a deployment reached by paths
/// only) the first active agency is served on every host. `None`: no agency
/// is served here — once agencies have hosts, an unknown host gets a plain
/// 404, never another agency's pages.
pub async fn resolve(
    db: &impl ConnectionTrait,
    host: Option<&str>,
    slug: Option<&str>,
) -> Result<Option<(agency::Model, Served)>, DbErr> {
    let active = || agency::Entity::find().filter(agency::Column::Active.eq(true));
    if let Some(slug) = slug {
        let found = active().filter(agency::Column::Slug.eq(slug)).one(db).await?;
        return Ok(found.map(|agency| (agency, Served::Named)));
    }
    if let Some(host) = host {
        if let Some(found) = active().filter(agency::Column::Host.eq(host)).one(db).await? {
            return Ok(Some((found, Served::Named)));
        }
    }
    if active().filter(agency::Column::Host.is_not_null()).one(db).await?.is_some() {
        return Ok(None);
    }
    let first = active().order_by_asc(agency::Column::Id).one(db).await?;
    Ok(first.map(|agency| (agency, Served::Default)))
}

/// The host a request was sent to, as agencies' hosts are stored: lower
/// case, without the port; `None` for anything but a host name.
pub fn host_name(header: &str) -> Option<String> {
    let header = header.trim();
    let name = match header.strip_prefix('[') {
        // An IPv6 literal: `[::1]:8080`.
        Some(rest) => format!("[{}]", rest.split(']').next()?),
        None => header.split(':').next()?.to_owned(),
    };
    let valid = !name.is_empty()
        && name.len() <= 253
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b));
    valid.then(|| name.to_ascii_lowercase())
}

/// A new agency, as the operator creates it at the command line.
#[derive(Debug, Clone, Default)]
pub struct NewAgency {
    pub slug: String,
    pub name_th: String,
    pub name_en: String,
    pub host: Option<String>,
}

/// Creates an agency with the usual departments and its settings' defaults;
/// audited in its own log. A slug or host already used is a field error.
pub async fn create(
    db: &DatabaseConnection,
    input: NewAgency,
    now: DateTime<Utc>,
) -> Result<agency::Model, DomainError> {
    let mut errors = FieldErrors::default();
    let slug = input.slug.trim().to_owned();
    check_code(&mut errors, "slug", &slug);
    required_text(&mut errors, "name_th", &input.name_th, 200);
    required_text(&mut errors, "name_en", &input.name_en, 200);
    let host = checked_host(&mut errors, input.host.as_deref());
    errors.into_result().map_err(DomainError::Invalid)?;
    let defaults = current(db).await?;
    // A new row: the insert is the transaction's first statement, so it
    // takes the write first, as `write::begin` does for an existing agency.
    let txn = db.begin().await?;
    let created = agency::ActiveModel {
        slug: Set(slug.clone()),
        name_th: Set(input.name_th.trim().to_owned()),
        name_en: Set(input.name_en.trim().to_owned()),
        address_th: Set(String::new()),
        address_en: Set(String::new()),
        phone: Set(String::new()),
        email: Set(String::new()),
        facebook_url: Set(String::new()),
        line_id: Set(String::new()),
        office_hours_th: Set(String::new()),
        office_hours_en: Set(String::new()),
        first_answer_days: Set(defaults.first_answer_days),
        closing_days: Set(defaults.closing_days),
        show_staff_names: Set(false),
        data_version: Set(0),
        host: Set(host.clone()),
        active: Set(true),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match host {
        Some(_) if is_host_clash(&e) => DomainError::invalid("host", "host_taken"),
        _ => DomainError::unique_as(e, "slug", "code_taken"),
    })?;
    // The divisions most อปท. have, as a fresh install gets them.
    for (code, name_th, name_en) in STANDARD_DEPARTMENTS {
        department::ActiveModel {
            agency_id: Set(created.id),
            code: Set((*code).to_owned()),
            name_th: Set((*name_th).to_owned()),
            name_en: Set((*name_en).to_owned()),
            active: Set(true),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let detail = format!("{slug} {}", host.as_deref().unwrap_or("-"));
    let entry = Entry::new(Action::AgencyCreated).on("agency", created.id).detail(detail);
    audit::append(&txn, created.id, None, "command-line", entry, None, now).await?;
    txn.commit().await?;
    Ok(created)
}

/// A host as given (any case), checked and in lower case; `None` for none.
fn checked_host(errors: &mut FieldErrors, given: Option<&str>) -> Option<String> {
    let given = given.map(str::trim).filter(|h| !h.is_empty())?;
    let host = host_name(given).filter(|h| h == &given.to_ascii_lowercase());
    if host.is_none() {
        errors.add("host", "host_format");
    }
    host
}

/// Gives an agency its host (or, with `None`, takes it away: then it is
/// reached by its `/a/{slug}/` path only). Audited in its own log.
pub async fn set_host(
    db: &DatabaseConnection,
    slug: &str,
    host: Option<&str>,
    now: DateTime<Utc>,
) -> Result<agency::Model, DomainError> {
    let mut errors = FieldErrors::default();
    let host = checked_host(&mut errors, host);
    errors.into_result().map_err(DomainError::Invalid)?;
    let found = by_slug(db, slug).await?.ok_or(DomainError::NotFound)?;
    let txn = write::begin(db, found.id).await?;
    let mut row: agency::ActiveModel = by_id(&txn, found.id).await?.into();
    row.host = Set(host.clone());
    let saved = row.update(&txn).await.map_err(|e| {
        if is_host_clash(&e) {
            DomainError::invalid("host", "host_taken")
        } else {
            DomainError::from(e)
        }
    })?;
    let entry = Entry::new(Action::AgencyHostSet).on("agency", saved.id).detail(host.unwrap_or_else(|| "-".into()));
    audit::append(&txn, saved.id, None, "command-line", entry, None, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Whether a failed insert clashed with another agency's host.
fn is_host_clash(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(ref text)) if text.contains("host"))
}

/// The departments a new agency starts with.
const STANDARD_DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("office", "สำนักปลัด", "Office of the Permanent Secretary"),
    ("finance", "กองคลัง", "Finance Division"),
    ("works", "กองช่าง", "Public Works Division"),
    ("education", "กองการศึกษา ศาสนาและวัฒนธรรม", "Education, Religion and Culture Division"),
];

/// Every agency of the deployment, in the order they were created.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<agency::Model>, DbErr> {
    agency::Entity::find().order_by_asc(agency::Column::Id).all(db).await
}

/// The agencies served, in the order they were created.
pub async fn active(db: &impl ConnectionTrait) -> Result<Vec<agency::Model>, DbErr> {
    agency::Entity::find().filter(agency::Column::Active.eq(true)).order_by_asc(agency::Column::Id).all(db).await
}

/// The agency with this slug, active or not.
pub async fn by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<agency::Model>, DbErr> {
    agency::Entity::find().filter(agency::Column::Slug.eq(slug.trim())).one(db).await
}

/// Switches an agency off: its host and path then answer 404, and its staff
/// cannot sign in. Its data stays. Audited in its own log; disabling a
/// disabled agency changes nothing.
pub async fn disable(db: &DatabaseConnection, slug: &str, now: DateTime<Utc>) -> Result<agency::Model, DomainError> {
    let found = by_slug(db, slug).await?.ok_or(DomainError::NotFound)?;
    let txn = write::begin(db, found.id).await?;
    let changed = agency::Entity::update_many()
        .col_expr(agency::Column::Active, sea_orm::sea_query::Expr::value(false))
        .filter(agency::Column::Id.eq(found.id))
        .filter(agency::Column::Active.eq(true))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 1 {
        let entry = Entry::new(Action::AgencyDisabled).on("agency", found.id).detail(found.slug.clone());
        audit::append(&txn, found.id, None, "command-line", entry, None, now).await?;
    }
    let disabled = by_id(&txn, found.id).await?;
    txn.commit().await?;
    Ok(disabled)
}

/// An agency by its id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<agency::Model, DbErr> {
    agency::Entity::find_by_id(id).one(db).await?.ok_or_else(|| DbErr::RecordNotFound(format!("agency {id}")))
}

pub fn agency_name(agency: &agency::Model, lang: Lang) -> &str {
    match lang {
        Lang::Th => &agency.name_th,
        Lang::En => &agency.name_en,
    }
}

pub async fn departments(db: &impl ConnectionTrait, agency_id: i64) -> Result<Vec<department::Model>, DbErr> {
    department::Entity::find()
        .filter(department::Column::AgencyId.eq(agency_id))
        .order_by_asc(department::Column::Id)
        .all(db)
        .await
}

/// The departments, for an admin to edit.
pub async fn departments_to_edit(
    db: &impl ConnectionTrait,
    actor: &Staff,
) -> Result<Vec<department::Model>, DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    Ok(departments(db, actor.agency_id).await?)
}

/// The agency's settings, for an admin to edit.
pub async fn settings(db: &impl ConnectionTrait, actor: &Staff) -> Result<agency::Model, DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    Ok(by_id(db, actor.agency_id).await?)
}

/// A department as an admin edits it.
#[derive(Debug, Clone, Default)]
pub struct DepartmentInput {
    pub code: String,
    pub name_th: String,
    pub name_en: String,
    pub active: bool,
}

/// The agency's own settings.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub name_th: String,
    pub name_en: String,
    pub address_th: String,
    pub address_en: String,
    pub phone: String,
    pub email: String,
    /// The agency's Facebook page: `https://www.facebook.com/…`, or empty.
    pub facebook_url: String,
    /// Its LINE official account (`@chonkhram`), or empty.
    pub line_id: String,
    pub office_hours_th: String,
    pub office_hours_en: String,
    pub first_answer_days: i32,
    pub closing_days: i32,
    pub show_staff_names: bool,
}

pub(super) fn required_text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.add(field, "required");
    } else if value.chars().count() > max {
        errors.add(field, "message_too_long");
    } else if single_line(value).is_err() {
        errors.add(field, "control_characters");
    }
}

/// Codes and slugs appear in URLs and exports: lower-case ASCII words.
pub(super) fn check_code(errors: &mut FieldErrors, field: &'static str, value: &str) {
    let valid = (2..=64).contains(&value.len())
        && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        errors.add(field, "code_format");
    }
}

pub async fn save_department(
    db: &DatabaseConnection,
    actor: &Staff,
    id: Option<i64>,
    input: DepartmentInput,
    now: DateTime<Utc>,
) -> Result<department::Model, DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    check_code(&mut errors, "code", input.code.trim());
    required_text(&mut errors, "name_th", &input.name_th, 200);
    required_text(&mut errors, "name_en", &input.name_en, 200);
    errors.into_result().map_err(DomainError::Invalid)?;
    let agency_id = actor.agency_id;
    let code = input.code.trim().to_owned();
    let txn = write::begin(db, agency_id).await?;
    let clash = department::Entity::find()
        .filter(department::Column::AgencyId.eq(agency_id))
        .filter(department::Column::Code.eq(&code))
        .one(&txn)
        .await?;
    if clash.is_some_and(|d| Some(d.id) != id) {
        return Err(DomainError::invalid("code", "code_taken"));
    }
    let mut row = match id {
        Some(id) => department::Entity::find_by_id(id)
            .filter(department::Column::AgencyId.eq(agency_id))
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound)?
            .into(),
        None => department::ActiveModel { agency_id: Set(agency_id), ..Default::default() },
    };
    row.code = Set(code.clone());
    row.name_th = Set(input.name_th.trim().to_owned());
    row.name_en = Set(input.name_en.trim().to_owned());
    row.active = Set(input.active);
    let saved = row.save(&txn).await.map_err(|e| DomainError::unique_as(e, "code", "code_taken"))?.try_into_model()?;
    audit::record(&txn, actor, Entry::new(Action::DepartmentSaved).on("department", saved.id).detail(code), now)
        .await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn update_settings(
    db: &DatabaseConnection,
    actor: &Staff,
    input: Settings,
    now: DateTime<Utc>,
) -> Result<agency::Model, DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    required_text(&mut errors, "name_th", &input.name_th, 200);
    required_text(&mut errors, "name_en", &input.name_en, 200);
    for (field, value, max) in [
        ("address_th", &input.address_th, 500),
        ("address_en", &input.address_en, 500),
        ("phone", &input.phone, 64),
        ("email", &input.email, 200),
        ("facebook_url", &input.facebook_url, 300),
        ("line_id", &input.line_id, 100),
        ("office_hours_th", &input.office_hours_th, 300),
        ("office_hours_en", &input.office_hours_en, 300),
    ] {
        if value.chars().count() > max {
            errors.add(field, "message_too_long");
        } else if single_line(value).is_err() {
            errors.add(field, "control_characters");
        }
    }
    if optional_email(input.email.trim()).is_err() {
        errors.add("email", "email");
    }
    if !is_facebook_page(input.facebook_url.trim()) {
        errors.add("facebook_url", "facebook_url");
    }
    if !is_line_id(input.line_id.trim()) {
        errors.add("line_id", "line_id");
    }
    for (field, days) in [("first_answer_days", input.first_answer_days), ("closing_days", input.closing_days)] {
        if !(1..=365).contains(&days) {
            errors.add(field, "days_range");
        }
    }
    if input.closing_days < input.first_answer_days {
        errors.add("closing_days", "closing_before_answer");
    }
    errors.into_result().map_err(DomainError::Invalid)?;
    let txn = write::begin(db, actor.agency_id).await?;
    let mut row: agency::ActiveModel = by_id(&txn, actor.agency_id).await?.into();
    row.name_th = Set(input.name_th.trim().to_owned());
    row.name_en = Set(input.name_en.trim().to_owned());
    row.address_th = Set(input.address_th.trim().to_owned());
    row.address_en = Set(input.address_en.trim().to_owned());
    row.phone = Set(input.phone.trim().to_owned());
    row.email = Set(input.email.trim().to_owned());
    row.facebook_url = Set(input.facebook_url.trim().to_owned());
    row.line_id = Set(input.line_id.trim().to_owned());
    row.office_hours_th = Set(input.office_hours_th.trim().to_owned());
    row.office_hours_en = Set(input.office_hours_en.trim().to_owned());
    row.first_answer_days = Set(input.first_answer_days);
    row.closing_days = Set(input.closing_days);
    row.show_staff_names = Set(input.show_staff_names);
    let saved = row.update(&txn).await?;
    audit::record(&txn, actor, Entry::new(Action::SettingsUpdated).on("agency", saved.id), now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Empty, or the address of a page on Facebook over HTTPS (what a poster's
/// QR code and the footer link to: never another site).
pub fn is_facebook_page(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    let Ok(url) = url::Url::parse(text) else { return false };
    url.scheme() == "https"
        && url.username().is_empty()
        && url.password().is_none()
        && url.port().is_none()
        && matches!(url.host_str(), Some("www.facebook.com" | "facebook.com" | "m.facebook.com" | "web.facebook.com"))
        && url.path().trim_matches('/').len() >= 2
}

/// Empty, or a LINE ID as LINE writes them: letters, digits, `.`, `_`, `-`,
/// an official account's leading `@`; up to 40 characters.
pub fn is_line_id(text: &str) -> bool {
    let id = text.strip_prefix('@').unwrap_or(text);
    text.is_empty()
        || ((1..=40).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)))
}

/// The agency's own ways to reach it besides this portal, in the order
/// posters and the footer list them; only those it has.
pub fn channels(agency: &agency::Model) -> Vec<AgencyChannel> {
    let mut channels = Vec::new();
    if !agency.line_id.is_empty() {
        let id = agency.line_id.clone();
        let target = format!("https://line.me/R/ti/p/{}", id.replace('@', "%40"));
        channels.push(AgencyChannel { code: "line", shown: id, target });
    }
    if !agency.facebook_url.is_empty() {
        let shown = agency.facebook_url.trim_start_matches("https://").trim_end_matches('/').to_owned();
        channels.push(AgencyChannel { code: "facebook", shown, target: agency.facebook_url.clone() });
    }
    if !agency.phone.is_empty() {
        let digits: String = agency.phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
        channels.push(AgencyChannel { code: "phone", shown: agency.phone.clone(), target: format!("tel:{digits}") });
    }
    if !agency.email.is_empty() {
        let target = format!("mailto:{}", agency.email);
        channels.push(AgencyChannel { code: "email", shown: agency.email.clone(), target });
    }
    channels
}

/// One way to reach the agency: its code (`line`, `facebook`, `phone`,
/// `email`), what people read, and where a link or QR code goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyChannel {
    pub code: &'static str,
    pub shown: String,
    pub target: String,
}

/// The office hours in the reader's language (Thai where no English was
/// written); empty when not set.
pub fn office_hours(agency: &agency::Model, lang: Lang) -> &str {
    match lang {
        Lang::En if !agency.office_hours_en.is_empty() => &agency.office_hours_en,
        _ => &agency.office_hours_th,
    }
}

#[cfg(test)]
mod channel_tests {
    use super::*;

    #[test]
    fn facebook_pages_and_line_ids_are_checked() {
        assert!(is_facebook_page("https://www.facebook.com/chonkhram.sao"));
        assert!(is_facebook_page(""));
        for bad in [
            "http://www.facebook.com/x",
            "https://evil.example/facebook.com/x",
            "https://www.facebook.com/",
            "javascript:alert(1)",
            "https://facebook.com.evil.example/x",
        ] {
            assert!(!is_facebook_page(bad), "{bad}");
        }
        assert!(is_line_id("@chonkhram") && is_line_id("chon_khram.1") && is_line_id(""));
        assert!(!is_line_id("@") && !is_line_id("ชลคราม") && !is_line_id("a b") && !is_line_id(&"a".repeat(41)));
    }
}
