use sea_orm::entity::prelude::*;

/// The submitter's identity and contact data, kept apart from the case so a
/// query over submissions can never carry it by accident.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub submission_id: i64,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The LINE user the submission came from, to send its news back to.
    pub line_user_id: Option<String>,
    /// When the resident consented to the PDPA notice.
    pub consented_at: DateTimeUtc,
    /// The language the resident wrote in (`th`, `en`): their messages speak it.
    pub language: String,
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
