use sea_orm::entity::prelude::*;

use crate::enums::{EventKind, Status};

/// One step of a submission's timeline. Append-only: nothing updates or
/// deletes events. `public` events are what the resident's tracking page shows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submission_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub submission_id: i64,
    pub at: DateTimeUtc,
    pub kind: EventKind,
    pub public: bool,
    /// The status after this event, for status changes and receipt.
    pub status: Option<Status>,
    #[sea_orm(column_type = "Text", nullable)]
    pub message: Option<String>,
    /// The staff user who acted; `None` when the resident acted.
    pub actor_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::submission::Entity",
        from = "Column::SubmissionId",
        to = "super::submission::Column::Id"
    )]
    Submission,
}

impl Related<super::submission::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Submission.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
