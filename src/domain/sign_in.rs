//! Signing staff in, with a throttle on wrong passwords that an attacker
//! cannot turn against the real user (SECURITY.md, "Staff sign-in").
//!
//! Failures are counted per (user name, client address) and per client
//! address, over the last [`WINDOW`]. Past a number of free failures, each
//! further attempt from that pair (or address) must wait after the last
//! failure, twice as long for each failure more, up to the window. Nothing
//! is counted per user name alone, so wrong passwords from elsewhere never
//! delay the real user: a correct password from an address without failures
//! is never refused. The counts live in the database (`login_failure`),
//! so they hold across every instance serving it.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use entity::login_failure;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::accounts;
use super::actor::Staff;
use super::audit::{self, Action, Entry};
use super::error::DomainError;
use super::write;

/// How long a failure counts.
pub const WINDOW: Duration = Duration::minutes(15);

/// An address may fail this many times more than one (user name, address)
/// pair before it waits: a shared office address tries several accounts.
const ADDRESS_FACTOR: u32 = 4;

/// The throttle's setting: failures allowed per (user name, address) within
/// [`WINDOW`] before attempts wait.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub free_failures: u32,
}

#[derive(Debug)]
pub enum SignIn {
    /// The password is right; `session_epoch` goes into the new session.
    Welcome { staff: Staff, session_epoch: i64 },
    /// Wrong user name or password (which, is not said).
    Refused,
    /// Too many recent failures from here: try again after this long.
    Wait(std::time::Duration),
}

/// Checks the throttle, then the password; counts a failure or, on success,
/// forgets this pair's failures. Both outcomes are audited. The password is
/// checked before the write is taken (hashing is slow); the throttle is
/// checked again under the write, with the outcome, so failures arriving at
/// once cannot slip past it.
pub async fn sign_in(
    db: &DatabaseConnection,
    throttle: Throttle,
    agency_id: i64,
    username: &str,
    password: &str,
    client: IpAddr,
    now: DateTime<Utc>,
) -> Result<SignIn, DomainError> {
    let username: String = username.trim().to_lowercase().chars().take(64).collect();
    let address = address_key(client);
    if let Some(wait) = wait_before_attempt(db, throttle, &username, &address, now).await? {
        return Ok(SignIn::Wait(wait));
    }
    let user = accounts::verify_password(db, agency_id, &username, password).await?;
    let txn = write::begin(db, agency_id).await?;
    if let Some(wait) = wait_before_attempt(&txn, throttle, &username, &address, now).await? {
        return Ok(SignIn::Wait(wait));
    }
    let ip = Some(client.to_string());
    let outcome = match user {
        Some(user) => {
            let user = accounts::record_sign_in(&txn, user, ip, now).await?;
            login_failure::Entity::delete_many()
                .filter(login_failure::Column::Address.eq(&address))
                .filter(login_failure::Column::Username.eq(&username))
                .exec(&txn)
                .await?;
            SignIn::Welcome { staff: Staff::from(&user), session_epoch: user.session_epoch }
        }
        None => {
            audit::append(&txn, agency_id, None, &username, Entry::new(Action::LoginFailed), ip, now).await?;
            record_failure(&txn, &username, &address, now).await?;
            SignIn::Refused
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

/// What a client is counted as: its IPv4 address, or its IPv6 /64 network
/// (one subscriber usually has a whole /64 to hop around in).
pub fn address_key(client: IpAddr) -> String {
    match client {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The wait after `failures` recent failures when `free` are allowed: none
/// below `free`, then 1 s, 2 s, 4 s, … up to the window.
fn delay(failures: usize, free: u32) -> Option<Duration> {
    let beyond = u32::try_from(failures).unwrap_or(u32::MAX).checked_sub(free)?;
    let seconds = 1i64.checked_shl(beyond.min(20)).unwrap_or(i64::MAX);
    Some(Duration::seconds(seconds).min(WINDOW))
}

/// How long this attempt must wait, if at all.
async fn wait_before_attempt(
    db: &impl ConnectionTrait,
    throttle: Throttle,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Option<std::time::Duration>, DbErr> {
    let free_pair = throttle.free_failures.max(1);
    let free_address = free_pair.saturating_mul(ADDRESS_FACTOR);
    let pair = recent_failures(db, address, Some(username), now, free_pair).await?;
    let by_address = recent_failures(db, address, None, now, free_address).await?;
    let until = [(pair, free_pair), (by_address, free_address)]
        .into_iter()
        .filter_map(|(failures, free)| Some(*failures.first()? + delay(failures.len(), free)?))
        .max();
    Ok(until.filter(|until| *until > now).and_then(|until| (until - now).to_std().ok()))
}

/// The times of recent failures, newest first; no more than the throttle
/// can need (its delay stops growing at the window).
async fn recent_failures(
    db: &impl ConnectionTrait,
    address: &str,
    username: Option<&str>,
    now: DateTime<Utc>,
    free: u32,
) -> Result<Vec<DateTime<Utc>>, DbErr> {
    let mut query = login_failure::Entity::find()
        .select_only()
        .column(login_failure::Column::At)
        .filter(login_failure::Column::Address.eq(address))
        .filter(login_failure::Column::At.gt(now - WINDOW));
    if let Some(username) = username {
        query = query.filter(login_failure::Column::Username.eq(username));
    }
    query.order_by_desc(login_failure::Column::At).limit(u64::from(free) + 24).into_tuple().all(db).await
}

/// Counts a failure, and forgets those too old to count (so the table stays
/// small without a job of its own).
async fn record_failure(
    db: &impl ConnectionTrait,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_failure::ActiveModel {
        username: Set(username.to_owned()),
        address: Set(address.to_owned()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    login_failure::Entity::delete_many().filter(login_failure::Column::At.lt(now - WINDOW)).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_after_the_free_failures_and_stops_at_the_window() {
        assert_eq!(delay(4, 5), None);
        assert_eq!(delay(5, 5), Some(Duration::seconds(1)));
        assert_eq!(delay(6, 5), Some(Duration::seconds(2)));
        assert_eq!(delay(9, 5), Some(Duration::seconds(16)));
        assert_eq!(delay(40, 5), Some(WINDOW));
        assert_eq!(delay(usize::MAX, 5), Some(WINDOW));
    }

    #[test]
    fn ipv6_clients_count_by_their_64_network() {
        assert_eq!(address_key("203.0.113.9".parse().unwrap()), "203.0.113.9");
        assert_eq!(address_key("::ffff:203.0.113.9".parse().unwrap()), "203.0.113.9");
        assert_eq!(address_key("2001:db8:1:2:aaaa::1".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2:bbbb::9".parse().unwrap()), "2001:db8:1:2::/64");
    }
}
