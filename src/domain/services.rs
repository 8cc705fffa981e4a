//! The agency's services and their published standards (คู่มือการให้บริการ):
//! what to bring, the steps in order with the time each takes, the total time
//! frame, fees, where and how to apply, and the legal basis.

use chrono::{DateTime, Utc};
use entity::{department, service, service_step};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, TryIntoModel,
};

use super::actor::Staff;
use super::agency::{check_code, required_text};
use super::audit::{self, Action, Entry};
use super::error::DomainError;
use super::permissions;
use super::validation::{plain_text, FieldErrors};
use super::write;

/// A service as an admin edits it.
#[derive(Debug, Clone, Default)]
pub struct ServiceInput {
    pub slug: String,
    pub name_th: String,
    pub name_en: String,
    pub department_id: Option<i64>,
    pub active: bool,
    pub standard: Option<StandardInput>,
}

/// The published standard; steps are written one per line as
/// `what happens | how long`, the English lines in the same order.
#[derive(Debug, Clone, Default)]
pub struct StandardInput {
    pub published: bool,
    pub requirements_th: String,
    pub requirements_en: String,
    pub steps_th: String,
    pub steps_en: String,
    pub time_frame_th: String,
    pub time_frame_en: String,
    pub fee_th: String,
    pub fee_en: String,
    pub apply_at_th: String,
    pub apply_at_en: String,
    pub online_url: String,
    pub legal_basis_th: String,
    pub legal_basis_en: String,
}

/// One step as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub description_th: String,
    pub description_en: String,
    pub duration_th: String,
    pub duration_en: String,
}

/// `what | how long` lines into steps; English lines pair with Thai ones by order.
fn parse_steps(th: &str, en: &str, errors: &mut FieldErrors) -> Vec<Step> {
    fn split(line: &str) -> (String, String) {
        match line.split_once('|') {
            Some((what, time)) => (what.trim().to_owned(), time.trim().to_owned()),
            None => (line.trim().to_owned(), String::new()),
        }
    }
    let lines = |text: &str| -> Vec<String> {
        text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
    };
    let (th, en) = (lines(th), lines(en));
    if en.len() > th.len() {
        errors.add("steps_en", "steps_mismatch");
    }
    if th.len() > 30 {
        errors.add("steps_th", "too_many_steps");
    }
    th.iter()
        .enumerate()
        .map(|(i, line)| {
            let (description_th, duration_th) = split(line);
            let (description_en, duration_en) = en.get(i).map(|l| split(l)).unwrap_or_default();
            if description_th.chars().count() > 500 || duration_th.chars().count() > 100 {
                errors.add("steps_th", "message_too_long");
            }
            if description_en.chars().count() > 500 || duration_en.chars().count() > 100 {
                errors.add("steps_en", "message_too_long");
            }
            Step { description_th, description_en, duration_th, duration_en }
        })
        .collect()
}

fn check_standard(input: &StandardInput, errors: &mut FieldErrors) -> Vec<Step> {
    for (field, value, max) in [
        ("requirements_th", &input.requirements_th, 3000),
        ("requirements_en", &input.requirements_en, 3000),
        ("time_frame_th", &input.time_frame_th, 200),
        ("time_frame_en", &input.time_frame_en, 200),
        ("fee_th", &input.fee_th, 500),
        ("fee_en", &input.fee_en, 500),
        ("apply_at_th", &input.apply_at_th, 3000),
        ("apply_at_en", &input.apply_at_en, 3000),
        ("legal_basis_th", &input.legal_basis_th, 3000),
        ("legal_basis_en", &input.legal_basis_en, 3000),
        ("online_url", &input.online_url, 500),
    ] {
        if value.chars().count() > max {
            errors.add(field, "message_too_long");
        } else if plain_text(value).is_err() {
            errors.add(field, "control_characters");
        }
    }
    let url = input.online_url.trim();
    if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        errors.add("online_url", "url_format");
    }
    let steps = parse_steps(&input.steps_th, &input.steps_en, errors);
    if input.published && (steps.is_empty() || input.time_frame_th.trim().is_empty()) {
        // A published standard must say at least how it goes and how long it takes.
        errors.add("published", "standard_incomplete");
    }
    steps
}

pub async fn save_service(
    db: &DatabaseConnection,
    actor: &Staff,
    id: Option<i64>,
    input: ServiceInput,
    now: DateTime<Utc>,
) -> Result<service::Model, DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    check_code(&mut errors, "slug", input.slug.trim());
    required_text(&mut errors, "name_th", &input.name_th, 200);
    required_text(&mut errors, "name_en", &input.name_en, 200);
    let steps = input.standard.as_ref().map(|standard| check_standard(standard, &mut errors));
    errors.into_result().map_err(DomainError::Invalid)?;
    let agency_id = actor.agency_id;
    let txn = write::begin(db, agency_id).await?;
    if let Some(department_id) = input.department_id {
        let known = department::Entity::find_by_id(department_id)
            .filter(department::Column::AgencyId.eq(agency_id))
            .one(&txn)
            .await?;
        if known.is_none() {
            return Err(DomainError::invalid("department", "unknown_department"));
        }
    }
    let slug = input.slug.trim().to_owned();
    let clash = service::Entity::find()
        .filter(service::Column::AgencyId.eq(agency_id))
        .filter(service::Column::Slug.eq(&slug))
        .one(&txn)
        .await?;
    if clash.is_some_and(|s| Some(s.id) != id) {
        return Err(DomainError::invalid("slug", "code_taken"));
    }
    let mut row = match id {
        Some(id) => service::Entity::find_by_id(id)
            .filter(service::Column::AgencyId.eq(agency_id))
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound)?
            .into(),
        None => service::ActiveModel { agency_id: Set(agency_id), ..Default::default() },
    };
    row.slug = Set(slug.clone());
    row.name_th = Set(input.name_th.trim().to_owned());
    row.name_en = Set(input.name_en.trim().to_owned());
    row.department_id = Set(input.department_id);
    row.active = Set(input.active);
    if let Some(standard) = &input.standard {
        let text = |value: &str| Set(value.trim().to_owned());
        row.published = Set(standard.published);
        row.requirements_th = text(&standard.requirements_th);
        row.requirements_en = text(&standard.requirements_en);
        row.time_frame_th = text(&standard.time_frame_th);
        row.time_frame_en = text(&standard.time_frame_en);
        row.fee_th = text(&standard.fee_th);
        row.fee_en = text(&standard.fee_en);
        row.apply_at_th = text(&standard.apply_at_th);
        row.apply_at_en = text(&standard.apply_at_en);
        row.online_url = text(&standard.online_url);
        row.legal_basis_th = text(&standard.legal_basis_th);
        row.legal_basis_en = text(&standard.legal_basis_en);
    }
    let saved = row.save(&txn).await.map_err(|e| DomainError::unique_as(e, "slug", "code_taken"))?.try_into_model()?;
    if let Some(steps) = steps {
        service_step::Entity::delete_many().filter(service_step::Column::ServiceId.eq(saved.id)).exec(&txn).await?;
        if !steps.is_empty() {
            service_step::Entity::insert_many(steps.into_iter().enumerate().map(|(i, step)| {
                service_step::ActiveModel {
                    service_id: Set(saved.id),
                    position: Set(i as i32 + 1),
                    description_th: Set(step.description_th),
                    description_en: Set(step.description_en),
                    duration_th: Set(step.duration_th),
                    duration_en: Set(step.duration_en),
                }
            }))
            .exec(&txn)
            .await?;
        }
    }
    audit::record(&txn, actor, Entry::new(Action::ServiceSaved).on("service", saved.id).detail(slug), now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The agency's catalogue, as admins keep it.
pub async fn catalogue(db: &impl ConnectionTrait, actor: &Staff) -> Result<Vec<service::Model>, DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    Ok(all(db, actor.agency_id).await?)
}

/// A service of the catalogue with its steps, for an admin to edit.
pub async fn to_edit(
    db: &impl ConnectionTrait,
    actor: &Staff,
    id: i64,
) -> Result<(service::Model, Vec<service_step::Model>), DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    let found = service::Entity::find_by_id(id)
        .filter(service::Column::AgencyId.eq(actor.agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let steps = steps(db, found.id).await?;
    Ok((found, steps))
}

pub async fn all(db: &impl ConnectionTrait, agency_id: i64) -> Result<Vec<service::Model>, DbErr> {
    service::Entity::find()
        .filter(service::Column::AgencyId.eq(agency_id))
        .order_by_asc(service::Column::NameTh)
        .all(db)
        .await
}

/// Services residents can name in feedback and complaints.
pub async fn active(db: &impl ConnectionTrait, agency_id: i64) -> Result<Vec<service::Model>, DbErr> {
    service::Entity::find()
        .filter(service::Column::AgencyId.eq(agency_id))
        .filter(service::Column::Active.eq(true))
        .order_by_asc(service::Column::NameTh)
        .all(db)
        .await
}

pub async fn active_by_slug(
    db: &impl ConnectionTrait,
    agency_id: i64,
    slug: &str,
) -> Result<Option<service::Model>, DbErr> {
    service::Entity::find()
        .filter(service::Column::AgencyId.eq(agency_id))
        .filter(service::Column::Slug.eq(slug))
        .filter(service::Column::Active.eq(true))
        .one(db)
        .await
}

/// The services whose standard is published, for `/services`.
pub async fn published(db: &impl ConnectionTrait, agency_id: i64) -> Result<Vec<service::Model>, DbErr> {
    service::Entity::find()
        .filter(service::Column::AgencyId.eq(agency_id))
        .filter(service::Column::Active.eq(true))
        .filter(service::Column::Published.eq(true))
        .order_by_asc(service::Column::NameTh)
        .all(db)
        .await
}

pub async fn steps(db: &impl ConnectionTrait, service_id: i64) -> Result<Vec<service_step::Model>, DbErr> {
    service_step::Entity::find()
        .filter(service_step::Column::ServiceId.eq(service_id))
        .order_by_asc(service_step::Column::Position)
        .all(db)
        .await
}

/// The steps as admins edit them: `what | how long` per line.
pub fn steps_as_lines(steps: &[service_step::Model]) -> (String, String) {
    let line = |what: &str, time: &str| if time.is_empty() { what.to_owned() } else { format!("{what} | {time}") };
    let th = steps.iter().map(|s| line(&s.description_th, &s.duration_th)).collect::<Vec<_>>().join("\n");
    let en = steps
        .iter()
        .map(|s| line(&s.description_en, &s.duration_en))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned();
    (th, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_read_one_per_line_with_their_time() {
        let mut errors = FieldErrors::default();
        let steps =
            parse_steps("ยื่นคำขอ | 10 นาที\n\nตรวจเอกสาร | 1 วัน\nรับใบอนุญาต", "File the form | 10 minutes", &mut errors);
        assert!(errors.is_empty());
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].duration_th, "10 นาที");
        assert_eq!(steps[0].description_en, "File the form");
        assert_eq!(steps[2].duration_th, "");
        assert_eq!(steps[1].description_en, "");
    }

    #[test]
    fn a_published_standard_needs_steps_and_a_time_frame() {
        let mut errors = FieldErrors::default();
        check_standard(&StandardInput { published: true, ..Default::default() }, &mut errors);
        assert!(errors.iter().any(|(field, _)| field == "published"));
    }
}
