use sea_orm::entity::prelude::*;

/// A request that created a submission: a resident form's one-time id or an
/// API client's `Idempotency-Key`, so the same request, repeated, gets the
/// first answer instead of making a second submission.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submission_request")]
pub struct Model {
    /// SHA-256 of the scope and the key; the key itself is not kept.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_hash: String,
    /// SHA-256 of what was submitted, to refuse the same key with another body.
    pub body_hash: String,
    pub submission_id: i64,
    pub created_at: DateTimeUtc,
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
