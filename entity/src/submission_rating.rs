use sea_orm::entity::prelude::*;

/// One answer (1–4) to one service-feedback question.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submission_rating")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub submission_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: String,
    pub value: i16,
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
