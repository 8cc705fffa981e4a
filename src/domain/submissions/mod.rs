//! Submissions: what residents send (`intake`), how they are stored
//! (`submit`), and how residents follow them (`track`).

pub mod access;
pub mod intake;
pub mod questions;
pub mod submit;
pub mod track;

pub use intake::{ContactInput, CorruptionFacts, NewSubmission};
pub use submit::{submit, Receipt, SubmitError};
pub use track::{track, TrackedEvent, TrackedSubmission};
