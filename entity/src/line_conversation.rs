use sea_orm::entity::prelude::*;

/// A resident's conversation with the agency's LINE Official Account, while
/// it lasts: the step it is at and the answers so far. Kept here, not in a
/// process, so any instance may take the next message. The LINE user id is
/// contact data; the row is deleted when the conversation ends.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_conversation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agency_id: i64,
    pub line_user_id: String,
    pub step: LineStep,
    /// The kind's code (`complaint`, `suggestion`, `service_feedback`).
    pub kind: Option<String>,
    /// The slug of the service (service feedback only).
    pub service: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub details: Option<String>,
    pub location: Option<String>,
    /// The LINE message id of the photo the resident sent.
    pub photo_message_id: Option<String>,
    pub updated_at: DateTimeUtc,
}

/// What the conversation waits for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum LineStep {
    #[sea_orm(string_value = "kind")]
    Kind,
    #[sea_orm(string_value = "service")]
    Service,
    #[sea_orm(string_value = "details")]
    Details,
    #[sea_orm(string_value = "location")]
    Location,
    #[sea_orm(string_value = "photo")]
    Photo,
    #[sea_orm(string_value = "confirm")]
    Confirm,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
