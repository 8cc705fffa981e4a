//! Staff authentication: password hashing, the session store, and the
//! extractor that turns a session into the acting staff member.

mod current;
pub mod password;
pub mod session_store;

pub use current::CurrentStaff;

/// The session key holding the logged-in user's id.
pub const SESSION_USER: &str = "staff_id";
/// The session key holding the user's session epoch at login; a session of
/// an older epoch is over (see `domain::accounts::end_all_sessions`).
pub const SESSION_EPOCH: &str = "staff_epoch";
