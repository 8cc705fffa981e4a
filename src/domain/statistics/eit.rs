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

/// The year's service feedback, of one service when `service_id` is given
/// (a service's own page sets its figures beside its published standard).
fn feedback_of_year(agency_id: i64, fiscal_year: i32, service_id: Option<i64>) -> sea_orm::Select<submission::Entity> {
    let select = submission::Entity::find()
        .filter(submission::Column::AgencyId.eq(agency_id))
        .filter(submission::Column::FiscalYear.eq(fiscal_year))
        .filter(submission::Column::Kind.eq(Kind::ServiceFeedback));
    match service_id {
        Some(id) => select.filter(submission::Column::ServiceId.eq(id)),
        None => select,
    }
}

/// (question, answer, how many) for the year's scale answers.
async fn answer_counts(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    service_id: Option<i64>,
) -> Result<Vec<(String, i16, i64)>, DbErr> {
    feedback_of_year(agency_id, fiscal_year, service_id)
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
    service_id: Option<i64>,
) -> Result<Vec<(bool, i64)>, DbErr> {
    feedback_of_year(agency_id, fiscal_year, service_id)
        .filter(submission::Column::AskedForBenefit.is_not_null())
        .select_only()
        .column(submission::Column::AskedForBenefit)
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .group_by(submission::Column::AskedForBenefit)
        .into_tuple()
        .all(db)
        .await
}

/// The year's average per question and estimate per indicator, from one
/// count of its answers.
pub async fn year_figures(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
) -> Result<(Vec<QuestionAverage>, Vec<EitEstimate>), DbErr> {
    let answers = answer_counts(db, agency_id, fiscal_year, None).await?;
    let benefit = benefit_counts(db, agency_id, fiscal_year, None).await?;
    let estimates = estimates_from(db, agency_id, fiscal_year, None, &answers, &benefit).await?;
    Ok((question_averages(&answers, &benefit), estimates))
}

fn question_averages(answers: &[(String, i16, i64)], benefit: &[(bool, i64)]) -> Vec<QuestionAverage> {
    questions::all()
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
        .collect()
}

/// The estimate per indicator 6–8 over the year's feedback, or over one
/// service's feedback when `service_id` is given.
pub async fn estimates(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    service_id: Option<i64>,
) -> Result<Vec<EitEstimate>, DbErr> {
    let answers = answer_counts(db, agency_id, fiscal_year, service_id).await?;
    let benefit = benefit_counts(db, agency_id, fiscal_year, service_id).await?;
    estimates_from(db, agency_id, fiscal_year, service_id, &answers, &benefit).await
}

/// The estimates from answers already counted (`answer_counts`,
/// `benefit_counts`), so a caller that needs those counts too asks once.
async fn estimates_from(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    service_id: Option<i64>,
    answers: &[(String, i16, i64)],
    benefit: &[(bool, i64)],
) -> Result<Vec<EitEstimate>, DbErr> {
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
            for (asked, count) in benefit {
                n += count;
                total += if *asked { 0.0 } else { 100.0 * *count as f64 };
            }
        }

        // Responses: feedback that answered at least one of the indicator's questions.
        // EXISTS per row reads the rating's primary key; an IN list would
        // first collect the ratings of every year.
        let mut answered = Condition::any().add(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(submission_rating::Entity)
                .and_where(
                    Expr::col((submission_rating::Entity, submission_rating::Column::SubmissionId))
                        .equals((submission::Entity, submission::Column::Id)),
                )
                .and_where(submission_rating::Column::QuestionId.is_in(scale_ids))
                .to_owned(),
        ));
        if has_benefit {
            answered = answered.add(submission::Column::AskedForBenefit.is_not_null());
        }
        let responses: Option<i64> = feedback_of_year(agency_id, fiscal_year, service_id)
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

/// One service's feedback in a fiscal year, for its page: the published
/// standard beside what its users said of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceFigures {
    /// Service-feedback responses about the service.
    pub responses: i64,
    /// Of those who answered "staff followed the stated steps and time
    /// frames", how many said 3 (much) or 4 (most).
    pub procedure_answers: i64,
    pub procedure_followed: i64,
    /// The indicator 6 estimate over the service's responses.
    pub eit6: EitEstimate,
}

impl ServiceFigures {
    pub fn followed_percent(&self) -> Option<f64> {
        (self.procedure_answers > 0).then(|| self.procedure_followed as f64 * 100.0 / self.procedure_answers as f64)
    }
}

/// The question that asks whether the published standard was kept.
const PROCEDURE_QUESTION: &str = "procedure_time";

pub async fn service_figures(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    service_id: i64,
) -> Result<ServiceFigures, DbErr> {
    let service = Some(service_id);
    let answers = answer_counts(db, agency_id, fiscal_year, service).await?;
    let benefit = benefit_counts(db, agency_id, fiscal_year, service).await?;
    let responses: Option<i64> = feedback_of_year(agency_id, fiscal_year, service)
        .select_only()
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .into_tuple()
        .one(db)
        .await?;
    let procedure = answers.iter().filter(|(id, _, _)| id == PROCEDURE_QUESTION);
    let (procedure_answers, procedure_followed) = procedure
        .fold((0, 0), |(all, followed), (_, value, n)| (all + n, if *value >= 3 { followed + n } else { followed }));
    let eit6 = estimates_from(db, agency_id, fiscal_year, service, &answers, &benefit)
        .await?
        .into_iter()
        .find(|e| e.indicator == 6)
        .unwrap_or(EitEstimate { indicator: 6, score: None, responses: 0 });
    Ok(ServiceFigures { responses: responses.unwrap_or(0), procedure_answers, procedure_followed, eit6 })
}
