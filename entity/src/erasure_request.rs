use sea_orm::entity::prelude::*;

/// A resident's request to erase their contact data, due within 30 days.
/// Open while `decided_at` is empty (one open request per submission); a
/// decision has its outcome and, from staff, a reason the resident reads.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "erasure_request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub submission_id: i64,
    pub requested_at: DateTimeUtc,
    pub due_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    /// The staff member who decided; `None` when the retention job erased
    /// the contact data first.
    pub decided_by: Option<i64>,
    pub granted: Option<bool>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
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
