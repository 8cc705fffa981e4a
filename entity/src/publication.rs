use sea_orm::entity::prelude::*;

/// A submission as the public log shows it: a staff-written summary and the
/// outcome, never the resident's own words. Withdrawing keeps the row (with
/// `withdrawn_at`) so the record of what was public stays auditable.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publication")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub submission_id: i64,
    #[sea_orm(column_type = "Text")]
    pub summary_th: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary_en: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome_th: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome_en: Option<String>,
    pub published_at: DateTimeUtc,
    pub published_by: i64,
    /// Set when unpublished; public reads skip such rows.
    pub withdrawn_at: Option<DateTimeUtc>,
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
