use sea_orm::entity::prelude::*;

/// The facts of a corruption or misconduct report (who, when, evidence).
/// "Where" is the submission's `location`; the reporter is in `contact`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "corruption_detail")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub submission_id: i64,
    /// Name or position of the official concerned.
    pub official: String,
    pub occurred_when: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub evidence: Option<String>,
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

impl ActiveModelBehavior for ActiveModel {}
