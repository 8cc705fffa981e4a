use sea_orm::entity::prelude::*;

use crate::enums::Resolved;

/// A resident's verdict on their closed submission: one per submission (the
/// primary key), given with the access key. The comment is for staff only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submission_verdict")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub submission_id: i64,
    pub resolved: Resolved,
    /// 1 (very dissatisfied) – 5 (very satisfied).
    pub satisfaction: i16,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub given_at: DateTimeUtc,
    /// When the resident reopened the item after this verdict (a "no").
    pub reopened_at: Option<DateTimeUtc>,
    /// The resident's words when reopening; for staff only.
    #[sea_orm(column_type = "Text", nullable)]
    pub reopen_comment: Option<String>,
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
