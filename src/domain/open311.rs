//! Open311 GeoReport v2: the clients admins issue API keys to, what those
//! clients may request (the agency's services and submission kinds, never
//! corruption reports), and turning their request into a resident's
//! submission through the one intake (`submissions::intake`, stored by the
//! same queue as the web form's). What they may read back is chosen field by
//! field in `participation::public` ([`crate::domain::participation::public::open311_requests`]).

use chrono::{DateTime, Utc};
use entity::enums::Kind;
use entity::{open311_client, service};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use super::accounts::Creator;
use super::audit::{self, Action, Entry};
use super::error::DomainError;
use super::permissions;
use super::services;
use super::submissions::intake::question_title;
use super::submissions::NewSubmission;
use super::write;

/// What every key starts with, so one found in a log or a repository is
/// recognised for what it is.
pub const KEY_PREFIX: &str = "siang311_";
/// 32 symbols of base32: 160 bits.
const KEY_SYMBOLS: usize = 32;
const KEY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// How much of a key staff see afterwards, to tell keys apart.
const HINT_LENGTH: usize = KEY_PREFIX.len() + 4;
const NAME_MAX: usize = 200;

/// The codes of the submission kinds a client may send. Service feedback
/// needs the rating questions of the web form, and corruption reports have
/// their own protected channel: neither is an Open311 service.
pub const KINDS: [Kind; 3] = [Kind::Complaint, Kind::Suggestion, Kind::Question];
/// A service of the catalogue is `service-<slug>`; a complaint about it is
/// what a client sends with that code.
pub const SERVICE_PREFIX: &str = "service-";

/// The SHA-256 of a key: all that is stored.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.trim().as_bytes()))
}

fn new_key() -> String {
    let mut rng = rand::rng();
    let symbols: String = (0..KEY_SYMBOLS).map(|_| KEY_ALPHABET[rng.random_range(0..32)] as char).collect();
    format!("{KEY_PREFIX}{symbols}")
}

/// A key just issued: shown once, never again.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    pub client: open311_client::Model,
    pub key: String,
}

/// Issues an API key to a named client. Only admins (or the operator at the
/// command line) may; the issue is audited.
pub async fn issue_key(
    db: &DatabaseConnection,
    creator: Creator<'_>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<IssuedKey, DomainError> {
    if let Creator::Admin(actor) = creator {
        if !permissions::can_administer(actor) {
            return Err(DomainError::Forbidden);
        }
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("client_name", "required"));
    }
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(DomainError::invalid("client_name", "api_client_name"));
    }
    let agency_id = match creator {
        Creator::Admin(actor) => actor.agency_id,
        Creator::Operator(agency_id) => agency_id,
    };
    let key = new_key();
    let txn = write::begin(db, agency_id).await?;
    let client = open311_client::ActiveModel {
        agency_id: Set(agency_id),
        name: Set(name.to_owned()),
        key_hash: Set(hash_key(&key)),
        key_hint: Set(key.chars().take(HINT_LENGTH).collect()),
        created_at: Set(now),
        created_by: Set(match creator {
            Creator::Admin(actor) => Some(actor.id),
            Creator::Operator(_) => None,
        }),
        revoked_at: Set(None),
        revoked_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let entry = Entry::new(Action::ApiKeyIssued).on("open311_client", client.id).detail(client.name.clone());
    match creator {
        Creator::Admin(actor) => audit::record(&txn, actor, entry, now).await?,
        Creator::Operator(_) => audit::append(&txn, agency_id, None, "command-line", entry, None, now).await?,
    }
    txn.commit().await?;
    Ok(IssuedKey { client, key })
}

/// Revokes a client's key at once (every instance reads the database). A
/// key already revoked stays as it was, and nothing is recorded twice.
pub async fn revoke_key(
    db: &DatabaseConnection,
    actor: &super::actor::Staff,
    client_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    let txn = write::begin(db, actor.agency_id).await?;
    let client = open311_client::Entity::find_by_id(client_id)
        .filter(open311_client::Column::AgencyId.eq(actor.agency_id))
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    let revoked = open311_client::Entity::update_many()
        .col_expr(open311_client::Column::RevokedAt, Expr::value(now))
        .col_expr(open311_client::Column::RevokedBy, Expr::value(actor.id))
        .filter(open311_client::Column::Id.eq(client.id))
        .filter(open311_client::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if revoked.rows_affected == 1 {
        let entry = Entry::new(Action::ApiKeyRevoked).on("open311_client", client.id).detail(client.name.clone());
        audit::record(&txn, actor, entry, now).await?;
        txn.commit().await?;
    }
    Ok(())
}

/// The clients of the agency, newest first, for admins.
pub async fn clients(
    db: &impl ConnectionTrait,
    actor: &super::actor::Staff,
) -> Result<Vec<open311_client::Model>, DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    Ok(open311_client::Entity::find()
        .filter(open311_client::Column::AgencyId.eq(actor.agency_id))
        .order_by_desc(open311_client::Column::Id)
        .all(db)
        .await?)
}

/// The client a key belongs to, if it is a live key of this agency.
pub async fn client_for_key(
    db: &impl ConnectionTrait,
    agency_id: i64,
    key: &str,
) -> Result<Option<open311_client::Model>, DbErr> {
    if !key.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    open311_client::Entity::find()
        .filter(open311_client::Column::KeyHash.eq(hash_key(key)))
        .filter(open311_client::Column::AgencyId.eq(agency_id))
        .filter(open311_client::Column::RevokedAt.is_null())
        .one(db)
        .await
}

/// What an Open311 service code names.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceCode {
    /// A submission kind (`complaint`, `suggestion`, `question`).
    Kind(Kind),
    /// A service of the catalogue: complaints about it.
    Service(Box<service::Model>),
}

impl ServiceCode {
    pub fn code(&self) -> String {
        match self {
            ServiceCode::Kind(kind) => entity::enums::Code::code(kind),
            ServiceCode::Service(service) => format!("{SERVICE_PREFIX}{}", service.slug),
        }
    }
}

/// Every service code a client may use: the kinds, then the services a
/// resident may name on the web form.
pub async fn service_codes(db: &impl ConnectionTrait, agency_id: i64) -> Result<Vec<ServiceCode>, DbErr> {
    let mut codes: Vec<ServiceCode> = KINDS.iter().copied().map(ServiceCode::Kind).collect();
    codes.extend(services::active(db, agency_id).await?.into_iter().map(|s| ServiceCode::Service(Box::new(s))));
    Ok(codes)
}

/// The service a code names, if a client may use it.
pub async fn service_code(db: &impl ConnectionTrait, agency_id: i64, code: &str) -> Result<Option<ServiceCode>, DbErr> {
    if let Some(kind) = KINDS.iter().find(|k| entity::enums::Code::code(*k) == code) {
        return Ok(Some(ServiceCode::Kind(*kind)));
    }
    let Some(slug) = code.strip_prefix(SERVICE_PREFIX) else { return Ok(None) };
    Ok(services::active_by_slug(db, agency_id, slug).await?.map(|s| ServiceCode::Service(Box::new(s))))
}

/// A service request as an Open311 client sends it (`POST requests`).
#[derive(Debug, Clone, Default)]
pub struct Open311Request {
    pub service_code: String,
    pub description: String,
    pub address_string: String,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// The service definition's `consent` attribute: the resident agreed to
    /// their contact data being kept (required when they give any).
    pub consent: bool,
}

/// The resident's submission an Open311 request stands for, checked later
/// by the one intake (`NewSubmission::check`, via the submission queue).
/// `None` when the service code names nothing a client may use.
pub async fn as_submission(
    db: &impl ConnectionTrait,
    agency_id: i64,
    request: Open311Request,
) -> Result<Result<NewSubmission, DomainError>, DbErr> {
    let Some(code) = service_code(db, agency_id, request.service_code.trim()).await? else {
        return Ok(Err(DomainError::invalid("service_code", "unknown_service")));
    };
    let location = match (request.address_string.trim(), request.lat, request.long) {
        ("", Some(lat), Some(long)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&long) => {
            format!("{lat:.6}, {long:.6}")
        }
        ("", None, None) => String::new(),
        ("", _, _) => return Ok(Err(DomainError::invalid("lat", "coordinates"))),
        (address, _, _) => address.to_owned(),
    };
    let (kind, service) = match &code {
        ServiceCode::Kind(kind) => (*kind, String::new()),
        ServiceCode::Service(service) => (Kind::Complaint, service.slug.clone()),
    };
    let subject = match kind {
        Kind::Question => String::new(),
        _ => question_title(&request.description),
    };
    let name = format!("{} {}", request.first_name.trim(), request.last_name.trim()).trim().to_owned();
    Ok(Ok(NewSubmission {
        kind: entity::enums::Code::code(&kind),
        subject,
        details: request.description,
        service,
        location,
        contact: super::submissions::ContactInput {
            name,
            phone: request.phone,
            email: request.email,
            ..Default::default()
        },
        consent: request.consent,
        ..Default::default()
    }))
}
