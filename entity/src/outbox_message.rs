use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A message waiting to be sent, sent, or given up on: written in the same
/// transaction as the event that causes it (`domain::outbox`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    pub channel: MessageChannel,
    /// An e-mail address, or a LINE user id.
    pub recipient: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub body_html: Option<String>,
    /// What a LINE message is made of (its `messages` array), as LINE takes it.
    pub payload: Option<Json>,
    pub submission_id: Option<i64>,
    /// Why it is sent (`receipt`, `status_changed`, …; `domain::outbox::Purpose`).
    pub purpose: String,
    pub state: MessageState,
    pub attempts: i32,
    /// Not sent before this instant (the backoff after a failure).
    pub next_attempt_at: DateTimeUtc,
    /// While in the future, the instance holding `claim_token` is sending it.
    pub claimed_until: Option<DateTimeUtc>,
    pub claim_token: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// One event enqueues one message: a second insert with this key fails.
    #[sea_orm(unique)]
    pub dedupe_key: String,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum MessageChannel {
    #[sea_orm(string_value = "email")]
    Email,
    #[sea_orm(string_value = "line")]
    Line,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "sent")]
    Sent,
    #[sea_orm(string_value = "failed")]
    Failed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
