use sea_orm::entity::prelude::*;

/// The analysis of one indicator's ITA result that opens the yearly plan
/// (the "analysis" column of an agency's O25 document): the score of the
/// assessed year and what it means for the plan's measures.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_analysis")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: i64,
    /// The plan's fiscal year (the analysed result is of the year before).
    #[sea_orm(primary_key, auto_increment = false)]
    pub fiscal_year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator: i16,
    /// The score in hundredths (97.58 → 9758); `None` when not given.
    pub score_hundredths: Option<i32>,
    pub analysis: String,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
