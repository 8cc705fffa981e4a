use sea_orm::entity::prelude::*;

/// A link between a submission and one ITA indicator (6–10).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submission_indicator")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub submission_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator: i16,
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
