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
