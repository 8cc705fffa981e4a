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

/// The year's answers, counted per service: every figure here is a sum of
/// these rows, so the year and each of its services come from one pass.
struct Answers {
    /// (service, question, answer 1–4, how many)
    scale: Vec<(Option<i64>, String, i16, i64)>,
    /// (service, asked for a benefit?, how many)
    benefit: Vec<(Option<i64>, bool, i64)>,
    /// (indicator, service, responses that answered any of its questions)
    responses: Vec<(u8, Option<i64>, i64)>,
}

impl Answers {
    async fn count(
        db: &impl ConnectionTrait,
        agency_id: i64,
        fiscal_year: i32,
        service_id: Option<i64>,
    ) -> Result<Self, DbErr> {
        let scale = feedback_of_year(agency_id, fiscal_year, service_id)
            .join(JoinType::InnerJoin, submission_rating::Relation::Submission.def().rev())
            .select_only()
            .column(submission::Column::ServiceId)
            .column(submission_rating::Column::QuestionId)
            .column(submission_rating::Column::Value)
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .group_by(submission::Column::ServiceId)
            .group_by(submission_rating::Column::QuestionId)
            .group_by(submission_rating::Column::Value)
            .into_tuple()
            .all(db)
            .await?;
        let benefit = feedback_of_year(agency_id, fiscal_year, service_id)
            .filter(submission::Column::AskedForBenefit.is_not_null())
            .select_only()
            .column(submission::Column::ServiceId)
            .column(submission::Column::AskedForBenefit)
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .group_by(submission::Column::ServiceId)
            .group_by(submission::Column::AskedForBenefit)
            .into_tuple()
            .all(db)
            .await?;
        let mut responses = Vec::new();
        for indicator in INDICATORS {
            let rows: Vec<(Option<i64>, i64)> = feedback_of_year(agency_id, fiscal_year, service_id)
                .filter(answered(indicator))
                .select_only()
                .column(submission::Column::ServiceId)
                .expr_as(Expr::cust("COUNT(*)"), "n")
                .group_by(submission::Column::ServiceId)
                .into_tuple()
                .all(db)
                .await?;
            responses.extend(rows.into_iter().map(|(service, n)| (indicator, service, n)));
        }
        Ok(Self { scale, benefit, responses })
    }

    /// The counts of one service, or of all when `service` is `None`.
    fn of(&self, service: Option<i64>) -> Counts {
        let wanted = |s: &Option<i64>| service.is_none() || *s == service;
        let mut counts = Counts::default();
        for (_, question, value, n) in self.scale.iter().filter(|row| wanted(&row.0)) {
            match counts.scale.iter_mut().find(|(q, v, _)| q == question && v == value) {
                Some(row) => row.2 += n,
                None => counts.scale.push((question.clone(), *value, *n)),
            }
        }
        for (_, asked, n) in self.benefit.iter().filter(|row| wanted(&row.0)) {
            *if *asked { &mut counts.asked } else { &mut counts.not_asked } += n;
        }
        for (indicator, _, n) in self.responses.iter().filter(|row| wanted(&row.1)) {
            counts.responses[usize::from(indicator - INDICATORS[0])] += n;
        }
        counts
    }

    /// The services that have any answers, each once.
    fn services(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.scale.iter().filter_map(|row| row.0).collect();
        ids.extend(self.benefit.iter().filter_map(|row| row.0));
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The indicators the survey's questions belong to.
const INDICATORS: [u8; 3] = [6, 7, 8];

/// Answers of one service (or of all), summed.
#[derive(Debug, Default)]
struct Counts {
    /// (question, answer 1–4, how many)
    scale: Vec<(String, i16, i64)>,
    asked: i64,
    not_asked: i64,
    /// Responses per indicator 6, 7, 8.
    responses: [i64; 3],
}

impl Counts {
    fn averages(&self) -> Vec<QuestionAverage> {
        questions::all()
            .iter()
            .map(|q| match q.answer {
                Answer::Scale => {
                    let rows = self.scale.iter().filter(|(id, _, _)| *id == q.id);
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
                    answers: self.asked + self.not_asked,
                    average: None,
                    yes: Some(self.asked),
                },
            })
            .collect()
    }

    /// The estimate of each indicator: the mean score of its answers.
    fn estimates(&self) -> Vec<EitEstimate> {
        INDICATORS
            .iter()
            .zip(self.responses)
            .map(|(&indicator, responses)| {
                let of_indicator: Vec<_> = questions::all().iter().filter(|q| q.indicator == indicator).collect();
                let (mut n, mut total) = (0i64, 0f64);
                for (_, value, count) in
                    self.scale.iter().filter(|(id, _, _)| of_indicator.iter().any(|q| q.is_scale() && q.id == *id))
                {
                    n += count;
                    total += scale_score(*value) * *count as f64;
                }
                if of_indicator.iter().any(|q| q.answer == Answer::YesNo) {
                    n += self.asked + self.not_asked;
                    total += 100.0 * self.not_asked as f64;
                }
                EitEstimate { indicator, score: (n > 0).then(|| total / n as f64), responses }
            })
            .collect()
    }
}

/// Service feedback that answered at least one of the indicator's questions.
fn answered(indicator: u8) -> Condition {
    let of_indicator: Vec<_> = questions::all().iter().filter(|q| q.indicator == indicator).collect();
    let scale_ids: Vec<String> = of_indicator.iter().filter(|q| q.is_scale()).map(|q| q.id.clone()).collect();
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
    if of_indicator.iter().any(|q| q.answer == Answer::YesNo) {
        answered = answered.add(submission::Column::AskedForBenefit.is_not_null());
    }
    answered
}

/// A fiscal year's survey figures: the average per question, the estimate
/// per indicator, and each service's indicator 6 estimate.
pub struct YearFigures {
    pub questions: Vec<QuestionAverage>,
    pub estimates: Vec<EitEstimate>,
    /// (service id, its indicator 6 estimate)
    pub eit6_by_service: Vec<(i64, Option<f64>)>,
}

pub async fn year_figures(db: &impl ConnectionTrait, agency_id: i64, fiscal_year: i32) -> Result<YearFigures, DbErr> {
    let answers = Answers::count(db, agency_id, fiscal_year, None).await?;
    let year = answers.of(None);
    let eit6_by_service = answers
        .services()
        .into_iter()
        .map(|service| (service, answers.of(Some(service)).estimates()[0].score))
        .collect();
    Ok(YearFigures { questions: year.averages(), estimates: year.estimates(), eit6_by_service })
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
    let counts = Answers::count(db, agency_id, fiscal_year, service).await?.of(service);
    let responses: Option<i64> = feedback_of_year(agency_id, fiscal_year, service)
        .select_only()
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .into_tuple()
        .one(db)
        .await?;
    let procedure = counts.scale.iter().filter(|(id, _, _)| id == PROCEDURE_QUESTION);
    let (procedure_answers, procedure_followed) = procedure
        .fold((0, 0), |(all, followed), (_, value, n)| (all + n, if *value >= 3 { followed + n } else { followed }));
    let eit6 = counts.estimates().swap_remove(0);
    Ok(ServiceFigures { responses: responses.unwrap_or(0), procedure_answers, procedure_followed, eit6 })
}
