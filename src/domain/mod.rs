//! What Siang decides, in plain Rust: no HTTP here. Functions take the
//! database (`&impl ConnectionTrait`, so they also run inside transactions)
//! and the acting party, and return view types or field errors.

pub mod accounts;
pub mod actor;
pub mod agency;
pub mod audit;
pub mod calendar;
pub mod error;
pub mod files;
pub mod line;
pub mod links;
pub mod notices;
pub mod open311;
pub mod outbox;
pub mod participation;
pub mod permissions;
pub mod photos;
pub mod privacy;
pub mod services;
pub mod sign_in;
pub mod statistics;
pub mod submissions;
pub mod tally;
pub mod validation;
pub mod write;

/// The ITA indicators the public sees (EIT 6–8, OIT 9–10): what submissions,
/// activities and plan measures are linked to.
pub const INDICATORS: std::ops::RangeInclusive<i16> = 6..=10;

/// Every ITA indicator (IIT 1–5, EIT 6–8, OIT 9–10): the yearly plan
/// answers the whole assessment, so its measures and analyses take any.
pub const PLAN_INDICATORS: std::ops::RangeInclusive<i16> = 1..=10;
