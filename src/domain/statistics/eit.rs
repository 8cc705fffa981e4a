//! The service-feedback answers: the average per question and an estimate
//! of the EIT score per indicator 6–8, scored the way the ITA scores its
//! survey (answers 1–4 → 0 / 50 / 85 / 100; "were you asked for a
//! benefit?" no → 100, yes → 0). An estimate from the portal's own
//! respondents, not the NACC's sample.

use entity::enums::Kind;
use entity::{submission, submission_rating};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
};
use serde::Serialize;

use crate::domain::submissions::questions::{self, Answer};

/// The ITA's score of an answer on the 1–4 scale.
pub fn scale_score(value: i16) -> f64 {
    match value {
        1 => 0.0,
        2 => 50.0,
        3 => 85.0,
        _ => 100.0,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionAverage {
    pub question: String,
    pub indicator: u8,
    pub answers: i64,
    /// Mean answer 1–4 (scale questions).
    pub average: Option<f64>,
    /// How many answered "yes" (the benefit question).
    pub yes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EitEstimate {
    pub indicator: u8,
    /// Mean score 0–100 of the indicator's answered questions; `None` without answers.
    pub score: Option<f64>,
    /// Service-feedback responses that answered any of its questions.
    pub responses: i64,
}

fn feedback_of_year(agency_id: i64, fiscal_year: i32) -> sea_orm::Select<submission::Entity> {
    submission::Entity::find()
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::FiscalYear.eq(fiscal_year))
        .filter(submission::Column::Kind.eq(Kind::ServiceFeedback))
}

/// (question, answer, how many) for the year's scale answers.
async fn answer_counts(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
) -> Result<Vec<(String, i16, i64)>, DbErr> {
    feedback_of_year(agency_id, fiscal_year)
        .join(JoinType::InnerJoin, submission_rating::Relation::Submission.def().rev())
        .select_only()
        .column(submission_rating::Column::QuestionId)
        .column(submission_rating::Column::Value)
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .group_by(submission_rating::Column::QuestionId)
        .group_by(submission_rating::Column::Value)
        .into_tuple()
        .all(db)
        .await
}

/// (asked for a benefit?, how many) for the year's answers to that question.
async fn benefit_counts(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
) -> Result<Vec<(bool, i64)>, DbErr> {
    feedback_of_year(agency_id, fiscal_year)
        .filter(submission::Column::AskedForBenefit.is_not_null())
        .select_only()
        .column(submission::Column::AskedForBenefit)
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .group_by(submission::Column::AskedForBenefit)
        .into_tuple()
        .all(db)
        .await
}

pub async fn question_averages(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
) -> Result<Vec<QuestionAverage>, DbErr> {
    let answers = answer_counts(db, agency_id, fiscal_year).await?;
    let benefit = benefit_counts(db, agency_id, fiscal_year).await?;
    Ok(questions::all()
        .iter()
        .map(|q| match q.answer {
            Answer::Scale => {
                let rows = answers.iter().filter(|(id, _, _)| *id == q.id);
                let (n, sum) = rows.fold((0i64, 0i64), |(n, sum), (_, v, c)| (n + c, sum + i64::from(*v) * c));
                QuestionAverage {
                    question: q.id.clone(),
                    indicator: q.indicator,
                    answers: n,
                    average: (n > 0).then(|| sum as f64 / n as f64),
                    yes: None,
                }
            }
            Answer::YesNo => QuestionAverage {
                question: q.id.clone(),
                indicator: q.indicator,
                answers: benefit.iter().map(|(_, n)| n).sum(),
                average: None,
                yes: Some(benefit.iter().filter(|(yes, _)| *yes).map(|(_, n)| n).sum()),
            },
        })
        .collect())
}

pub async fn estimates(db: &impl ConnectionTrait, agency_id: i64, fiscal_year: i32) -> Result<Vec<EitEstimate>, DbErr> {
    let answers = answer_counts(db, agency_id, fiscal_year).await?;
    let benefit = benefit_counts(db, agency_id, fiscal_year).await?;
    let mut out = Vec::new();
    for indicator in 6..=8u8 {
        let of_indicator: Vec<_> = questions::all().iter().filter(|q| q.indicator == indicator).collect();
        let scale_ids: Vec<String> = of_indicator.iter().filter(|q| q.is_scale()).map(|q| q.id.clone()).collect();
        let has_benefit = of_indicator.iter().any(|q| q.answer == Answer::YesNo);

        let (mut n, mut total) = (0i64, 0f64);
        for (_, value, count) in answers.iter().filter(|(id, _, _)| scale_ids.contains(id)) {
            n += count;
            total += scale_score(*value) * *count as f64;
        }
        if has_benefit {
            for (asked, count) in &benefit {
                n += count;
                total += if *asked { 0.0 } else { 100.0 * *count as f64 };
            }
        }

        // Responses: feedback that answered at least one of the indicator's questions.
        let mut answered = Condition::any().add(
            submission::Column::Id.in_subquery(
                Query::select()
                    .column(submission_rating::Column::SubmissionId)
                    .from(submission_rating::Entity)
                    .and_where(submission_rating::Column::QuestionId.is_in(scale_ids))
                    .to_owned(),
            ),
        );
        if has_benefit {
            answered = answered.add(submission::Column::AskedForBenefit.is_not_null());
        }
        let responses: Option<i64> = feedback_of_year(agency_id, fiscal_year)
            .filter(answered)
            .select_only()
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .into_tuple()
            .one(db)
            .await?;
        out.push(EitEstimate {
            indicator,
            score: (n > 0).then(|| total / n as f64),
            responses: responses.unwrap_or(0),
        });
    }
    Ok(out)
}
