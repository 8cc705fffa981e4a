//! Closed sets of values stored as short strings, so both SQLite and
//! PostgreSQL hold readable codes (the same codes the API speaks).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[sea_orm(string_value = "service_feedback")]
    ServiceFeedback,
    #[sea_orm(string_value = "complaint")]
    Complaint,
    #[sea_orm(string_value = "corruption")]
    Corruption,
    #[sea_orm(string_value = "suggestion")]
    Suggestion,
    /// A resident's question, answered by the responsible division and, if
    /// staff choose, published as public Q&A (`/qa`).
    #[sea_orm(string_value = "question")]
    Question,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[sea_orm(string_value = "received")]
    Received,
    #[sea_orm(string_value = "accepted")]
    Accepted,
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "resolved")]
    Resolved,
    #[sea_orm(string_value = "rejected")]
    Rejected,
    #[sea_orm(string_value = "referred")]
    Referred,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[sea_orm(string_value = "web")]
    Web,
    #[sea_orm(string_value = "walk_in")]
    WalkIn,
    #[sea_orm(string_value = "phone")]
    Phone,
    #[sea_orm(string_value = "letter")]
    Letter,
    #[sea_orm(string_value = "facebook")]
    Facebook,
    #[sea_orm(string_value = "line")]
    Line,
    #[sea_orm(string_value = "damrongdhama")]
    Damrongdhama,
    #[sea_orm(string_value = "hotline_1111")]
    Hotline1111,
    /// Sent by a client of the Open311 GeoReport v2 interface.
    #[sea_orm(string_value = "open311")]
    Open311,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    #[sea_orm(string_value = "received")]
    Received,
    #[sea_orm(string_value = "status_changed")]
    StatusChanged,
    #[sea_orm(string_value = "assigned")]
    Assigned,
    #[sea_orm(string_value = "indicator_linked")]
    IndicatorLinked,
    #[sea_orm(string_value = "indicator_unlinked")]
    IndicatorUnlinked,
    #[sea_orm(string_value = "public_reply")]
    PublicReply,
    #[sea_orm(string_value = "internal_note")]
    InternalNote,
    #[sea_orm(string_value = "due_changed")]
    DueChanged,
    #[sea_orm(string_value = "published")]
    Published,
    #[sea_orm(string_value = "unpublished")]
    Unpublished,
    /// The resident asked for their contact data to be erased.
    #[sea_orm(string_value = "erasure_requested")]
    ErasureRequested,
    /// Staff erased the contact data (on request, or as the integrity
    /// officer decided for a corruption reporter); the message is the reason.
    #[sea_orm(string_value = "contact_erased")]
    ContactErased,
    /// Staff refused a request to erase; the message is the reason.
    #[sea_orm(string_value = "erasure_refused")]
    ErasureRefused,
    /// The retention period ended and the daily job erased the contact data.
    #[sea_orm(string_value = "contact_expired")]
    ContactExpired,
    /// The resident said whether the closed item was resolved (the comment
    /// stays in `submission_verdict`, never in the timeline).
    #[sea_orm(string_value = "verdict_given")]
    VerdictGiven,
    /// Back to work after closing (by the resident or staff); the message is
    /// why.
    #[sea_orm(string_value = "reopened")]
    Reopened,
}

/// What came of a closed submission: its status says it is closed, this says
/// whether the problem is gone.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Fixed, or (a question) answered.
    #[sea_orm(string_value = "fixed")]
    Fixed,
    #[sea_orm(string_value = "partly")]
    Partly,
    /// Not possible, for an [`OutcomeReason`].
    #[sea_orm(string_value = "not_possible")]
    NotPossible,
    /// Referred to another agency (named in `referred_to`).
    #[sea_orm(string_value = "referred")]
    Referred,
}

/// Why something was not possible.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "snake_case")]
pub enum OutcomeReason {
    #[sea_orm(string_value = "budget")]
    Budget,
    /// Not within the agency's authority.
    #[sea_orm(string_value = "not_authority")]
    NotAuthority,
    #[sea_orm(string_value = "duplicate")]
    Duplicate,
    /// Nothing found on site.
    #[sea_orm(string_value = "not_found")]
    NotFound,
}

/// A resident's answer to "was it resolved?".
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
#[serde(rename_all = "snake_case")]
pub enum Resolved {
    #[sea_orm(string_value = "yes")]
    Yes,
    #[sea_orm(string_value = "partly")]
    Partly,
    #[sea_orm(string_value = "no")]
    No,
}

/// What a staff user may do; decided in `domain::permissions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "integrity_officer")]
    IntegrityOfficer,
    #[sea_orm(string_value = "officer")]
    Officer,
    #[sea_orm(string_value = "viewer")]
    Viewer,
}

/// The code as stored and as spoken by the API (`"in_progress"`).
pub trait Code {
    fn code(&self) -> String;
}

impl<T: ActiveEnum<Value = String>> Code for T {
    fn code(&self) -> String {
        self.to_value()
    }
}
