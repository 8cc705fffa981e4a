//! Submissions: what residents send (`intake`), how they are stored
//! (`submit`), how residents follow them (`track`), and how staff work them
//! (`inbox`, `staff_view`, `triage` along the `workflow`).

pub mod access;
pub mod inbox;
pub mod intake;
pub mod outcome;
pub mod questions;
pub mod queue;
pub mod search;
pub mod staff_view;
pub mod submit;
pub mod track;
pub mod triage;
pub mod verdict;
pub mod workflow;

pub use intake::{ContactInput, CorruptionFacts, NewSubmission};
pub use submit::{submit, Receipt, SubmitError};
pub use track::{track, TrackedEvent, TrackedSubmission};
