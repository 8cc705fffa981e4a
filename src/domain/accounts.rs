//! Staff accounts: creating and changing them, and logging in.

use chrono::{DateTime, Utc};
use entity::enums::Role;
use entity::{department, staff_user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::actor::Staff;
use super::audit::{self, Action, Entry};
use super::error::DomainError;
use super::permissions;
use super::write;
use crate::auth::password;

/// A new account as an admin (or the command line) describes it.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub password: String,
}

/// Who creates an account: an admin in the web UI, or the operator at the
/// command line (who has the machine, hence every right).
pub enum Creator<'a> {
    Admin(&'a Staff),
    /// The operator at the command line, for the agency of this id.
    Operator(i64),
}

fn check_username(username: &str) -> Result<(), DomainError> {
    let valid = (3..=64).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(())
    } else {
        Err(DomainError::invalid("username", "username_format"))
    }
}

fn check_password(password: &str) -> Result<(), DomainError> {
    if password.chars().count() < password::MIN_LENGTH {
        return Err(DomainError::invalid("password", "password_too_short"));
    }
    Ok(())
}

async fn check_department(
    db: &impl ConnectionTrait,
    agency_id: i64,
    role: Role,
    department_id: Option<i64>,
) -> Result<(), DomainError> {
    if let Some(id) = department_id {
        let known =
            department::Entity::find_by_id(id).filter(department::Column::AgencyId.eq(agency_id)).one(db).await?;
        if known.is_none() {
            return Err(DomainError::invalid("department", "unknown_department"));
        }
    } else if role == Role::Officer {
        return Err(DomainError::invalid("department", "officer_needs_department"));
    }
    Ok(())
}

pub async fn create_user(
    db: &DatabaseConnection,
    creator: Creator<'_>,
    input: NewUser,
    now: DateTime<Utc>,
) -> Result<staff_user::Model, DomainError> {
    if let Creator::Admin(actor) = creator {
        if !permissions::can_administer(actor) {
            return Err(DomainError::Forbidden);
        }
    }
    let username = input.username.trim().to_lowercase();
    check_username(&username)?;
    check_password(&input.password)?;
    let agency_id = match creator {
        Creator::Admin(actor) => actor.agency_id,
        Creator::Operator(agency_id) => agency_id,
    };
    // Hashing takes a while: before the write is taken, not while it is held.
    let password_hash = password::hash(input.password).await?;
    let display_name = match input.display_name.trim() {
        "" => username.clone(),
        name => name.to_owned(),
    };

    let txn = write::begin(db, agency_id).await?;
    check_department(&txn, agency_id, input.role, input.department_id).await?;
    let taken = staff_user::Entity::find()
        .filter(staff_user::Column::AgencyId.eq(agency_id))
        .filter(staff_user::Column::Username.eq(&username));
    if taken.one(&txn).await?.is_some() {
        return Err(DomainError::invalid("username", "username_taken"));
    }
    let user = staff_user::ActiveModel {
        agency_id: Set(agency_id),
        username: Set(username.clone()),
        display_name: Set(display_name),
        password_hash: Set(password_hash),
        role: Set(input.role),
        department_id: Set(input.department_id),
        active: Set(true),
        created_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| DomainError::unique_as(e, "username", "username_taken"))?;
    let entry =
        Entry::new(Action::UserCreated).on("staff_user", user.id).detail(format!("{username} ({:?})", input.role));
    match creator {
        Creator::Admin(actor) => audit::record(&txn, actor, entry, now).await?,
        Creator::Operator(_) => audit::append(&txn, agency_id, None, "command-line", entry, None, now).await?,
    }
    txn.commit().await?;
    Ok(user)
}

/// What an admin may change about an account.
#[derive(Debug, Clone)]
pub struct UserChange {
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub active: bool,
    /// Where assignments and the daily digest go; empty for none.
    pub email: String,
}

pub async fn update_user(
    db: &DatabaseConnection,
    actor: &Staff,
    user_id: i64,
    change: UserChange,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    if user_id == actor.id && (change.role != Role::Admin || !change.active) {
        // The last safeguard against locking everyone out: admins cannot
        // demote or deactivate themselves.
        return Err(DomainError::invalid("role", "cannot_demote_self"));
    }
    let email = match change.email.trim() {
        "" => None,
        email => {
            crate::domain::validation::optional_email(email).map_err(|_| DomainError::invalid("email", "email"))?;
            Some(email.to_owned())
        }
    };
    let txn = write::begin(db, actor.agency_id).await?;
    check_department(&txn, actor.agency_id, change.role, change.department_id).await?;
    let user = staff_user::Entity::find_by_id(user_id)
        .filter(staff_user::Column::AgencyId.eq(actor.agency_id))
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    let detail = format!(
        "{}: {:?}, department {:?}, active {}",
        user.username, change.role, change.department_id, change.active
    );
    // What the account may do changes: sessions opened before end.
    let rights_change =
        user.role != change.role || user.department_id != change.department_id || user.active != change.active;
    let mut row: staff_user::ActiveModel = user.into();
    if !change.display_name.trim().is_empty() {
        row.display_name = Set(change.display_name.trim().to_owned());
    }
    row.role = Set(change.role);
    row.department_id = Set(change.department_id);
    row.active = Set(change.active);
    row.email = Set(email);
    row.update(&txn).await?;
    if rights_change {
        end_sessions_of(&txn, user_id).await?;
    }
    audit::record(&txn, actor, Entry::new(Action::UserUpdated).on("staff_user", user_id).detail(detail), now).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn reset_password(
    db: &DatabaseConnection,
    actor: &Staff,
    user_id: i64,
    new_password: String,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    check_password(&new_password)?;
    let hash = password::hash(new_password).await?;
    let txn = write::begin(db, actor.agency_id).await?;
    let user = staff_user::Entity::find_by_id(user_id)
        .filter(staff_user::Column::AgencyId.eq(actor.agency_id))
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    let username = user.username.clone();
    let mut row: staff_user::ActiveModel = user.into();
    row.password_hash = Set(hash);
    row.update(&txn).await?;
    end_sessions_of(&txn, user_id).await?;
    audit::record(&txn, actor, Entry::new(Action::PasswordReset).on("staff_user", user_id).detail(username), now)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves the member's session epoch on: every session they have open, on
/// any instance, is over at its next request (`auth::CurrentStaff`).
async fn end_sessions_of(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    staff_user::Entity::update_many()
        .col_expr(staff_user::Column::SessionEpoch, Expr::col(staff_user::Column::SessionEpoch).add(1))
        .filter(staff_user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// "Log out everywhere": ends every session of `user_id`, the actor's own or,
/// for admins, anyone's.
pub async fn end_all_sessions(
    db: &DatabaseConnection,
    actor: &Staff,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if actor.id != user_id && !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    let txn = write::begin(db, actor.agency_id).await?;
    let member = staff_user::Entity::find_by_id(user_id).filter(staff_user::Column::AgencyId.eq(actor.agency_id));
    if member.one(&txn).await?.is_none() {
        return Err(DomainError::NotFound);
    }
    end_sessions_of(&txn, user_id).await?;
    audit::record(&txn, actor, Entry::new(Action::SessionsEnded).on("staff_user", user_id), now).await?;
    txn.commit().await?;
    Ok(())
}

/// The active account whose password this is. Hashing takes a while and
/// is done before anything is written; `sign_in` records the outcome.
pub(super) async fn verify_password(
    db: &impl ConnectionTrait,
    agency_id: i64,
    username: &str,
    password_given: &str,
) -> Result<Option<staff_user::Model>, DomainError> {
    let user = staff_user::Entity::find()
        .filter(staff_user::Column::AgencyId.eq(agency_id))
        .filter(staff_user::Column::Username.eq(username))
        .filter(staff_user::Column::Active.eq(true))
        .one(db)
        .await?;
    let matches = password::verify(password_given.to_owned(), user.as_ref().map(|u| u.password_hash.clone())).await;
    Ok(user.filter(|_| matches))
}

/// Records a sign-in: the account's last login and the audit entry.
pub(super) async fn record_sign_in(
    db: &impl ConnectionTrait,
    user: staff_user::Model,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<staff_user::Model, DomainError> {
    let mut row: staff_user::ActiveModel = user.into();
    row.last_login_at = Set(Some(now));
    let user = row.update(db).await?;
    audit::append(db, user.agency_id, Some(user.id), &user.username, Entry::new(Action::LoginSucceeded), ip, now)
        .await?;
    Ok(user)
}

pub async fn record_logout(db: &DatabaseConnection, actor: &Staff, now: DateTime<Utc>) -> Result<(), DomainError> {
    let txn = write::begin(db, actor.agency_id).await?;
    audit::record(&txn, actor, Entry::new(Action::Logout), now).await?;
    txn.commit().await?;
    Ok(())
}

/// The agency's staff accounts, for admins.
pub async fn list(db: &impl ConnectionTrait, actor: &Staff) -> Result<Vec<staff_user::Model>, DomainError> {
    if !permissions::can_administer(actor) {
        return Err(DomainError::Forbidden);
    }
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::AgencyId.eq(actor.agency_id))
        .order_by_asc(staff_user::Column::Username)
        .all(db)
        .await?)
}

/// Colleagues who could be named to answer `item`: active staff of the
/// agency who may work it. Only for those who may work it themselves.
pub async fn who_may_work(
    db: &impl ConnectionTrait,
    actor: &Staff,
    item: &entity::submission::Model,
) -> Result<Vec<staff_user::Model>, DomainError> {
    if !permissions::can_work(actor, item) {
        return Ok(Vec::new());
    }
    let users = staff_user::Entity::find()
        .filter(staff_user::Column::AgencyId.eq(actor.agency_id))
        .filter(staff_user::Column::Active.eq(true))
        .order_by_asc(staff_user::Column::Username)
        .all(db)
        .await?;
    Ok(users.into_iter().filter(|user| permissions::can_work(&Staff::from(user), item)).collect())
}

/// Whether any active admin exists (a fresh install has none).
pub async fn has_active_admin(db: &impl ConnectionTrait) -> Result<bool, DomainError> {
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::Role.eq(Role::Admin))
        .filter(staff_user::Column::Active.eq(true))
        .one(db)
        .await?
        .is_some())
}
