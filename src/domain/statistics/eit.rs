//! The service-feedback answers: the average per question and an estimate
//! of the EIT score per indicator 6–8, scored the way the ITA scores its
//! survey (answers 1–4 → 0 / 50 / 85 / 100; "were you asked for a
//! benefit?" no → 100, yes → 0). An estimate from the portal's own
//! respondents, not the NACC's sample.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::submissions::questions::{self, Answer};
use crate::domain::tally::Figure;

/// The ITA's score of an answer on the 1–4 scale.
pub fn scale_score(value: i16) -> f64 {
    match value {
        1 => 0.0,
        2 => 50.0,
        3 => 85.0,
        _ => 100.0,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuestionAverage {
    pub question: String,
    pub indicator: u8,
    pub answers: i64,
    /// Mean answer 1–4 (scale questions).
    pub average: Option<f64>,
    /// How many answered "yes": were asked for a benefit (the benefit
    /// question), or said there is one (มี/ไม่มี questions).
    pub yes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EitEstimate {
    pub indicator: u8,
    /// Mean score 0–100 of the indicator's answered questions; `None` without answers.
    pub score: Option<f64>,
    /// Service-feedback responses that answered any of its questions.
    pub responses: i64,
}

/// A fiscal year's survey answers, read from its counts: the year's, and
/// each service's.
#[derive(Debug, Default)]
pub(super) struct YearSurvey {
    year: Counts,
    services: BTreeMap<i64, Counts>,
}

impl YearSurvey {
    /// From the year's counts: keys `question:value`, `yes`/`no` and the
    /// indicator count the year; the same prefixed with `service:` count a
    /// service.
    pub(super) fn from_counts(rows: &[(i32, Figure, String, i64)]) -> Self {
        let mut survey = Self::default();
        for (_, figure, key, n) in rows {
            let (service, rest) = match key.split_once(':') {
                Some((service, rest)) if *figure != Figure::Rating || rest.contains(':') => {
                    (service.parse::<i64>().ok(), rest)
                }
                _ => (None, key.as_str()),
            };
            let counts = match service {
                Some(id) => survey.services.entry(id).or_default(),
                None => &mut survey.year,
            };
            match figure {
                Figure::Rating => {
                    if let Some((question, value)) = rest.split_once(':') {
                        if let Ok(value) = value.parse() {
                            counts.scale.push((question.to_owned(), value, *n));
                        }
                    }
                }
                Figure::Benefit if rest == "yes" => counts.asked += n,
                Figure::Benefit if rest == "no" => counts.not_asked += n,
                Figure::Responses => {
                    if let Some(i) = rest.parse::<u8>().ok().and_then(|i| INDICATORS.iter().position(|x| *x == i)) {
                        counts.responses[i] += n;
                    }
                }
                _ => {}
            }
        }
        survey
    }

    pub(super) fn of_year(&self) -> &Counts {
        &self.year
    }

    pub(super) fn of_service(&self, id: i64) -> Counts {
        self.services.get(&id).cloned().unwrap_or_default()
    }

    /// A service's figures beside its published standard; `responses` is its
    /// count of service feedback.
    pub(super) fn service_figures(&self, id: i64, responses: i64) -> ServiceFigures {
        let counts = self.of_service(id);
        let procedure = counts.scale.iter().filter(|(q, _, _)| q == PROCEDURE_QUESTION);
        let (procedure_answers, procedure_followed) = procedure.fold((0, 0), |(all, followed), (_, value, n)| {
            (all + n, if *value >= 3 { followed + n } else { followed })
        });
        let eit6 = counts.estimates().swap_remove(0);
        ServiceFigures { responses, procedure_answers, procedure_followed, eit6 }
    }
}

/// The indicators the survey's questions belong to.
const INDICATORS: [u8; 3] = [6, 7, 8];

/// Answers of one service (or of all), summed.
#[derive(Debug, Default, Clone)]
pub(super) struct Counts {
    /// (question, answer 1–4, how many)
    scale: Vec<(String, i16, i64)>,
    asked: i64,
    not_asked: i64,
    /// Responses per indicator 6, 7, 8.
    responses: [i64; 3],
}

impl Counts {
    pub(super) fn averages(&self) -> Vec<QuestionAverage> {
        questions::all()
            .iter()
            .map(|q| {
                let rows = || self.scale.iter().filter(|(id, _, _)| *id == q.id);
                let answers: i64 = rows().map(|(_, _, c)| c).sum();
                let base = QuestionAverage {
                    question: q.id.clone(),
                    indicator: q.indicator,
                    answers,
                    average: None,
                    yes: None,
                };
                match q.answer {
                    Answer::Scale => {
                        let sum: i64 = rows().map(|(_, v, c)| i64::from(*v) * c).sum();
                        QuestionAverage { average: (answers > 0).then(|| sum as f64 / answers as f64), ..base }
                    }
                    Answer::Has => QuestionAverage {
                        yes: Some(rows().filter(|(_, v, _)| *v == questions::HAS).map(|(_, _, c)| c).sum()),
                        ..base
                    },
                    Answer::YesNo => {
                        QuestionAverage { answers: self.asked + self.not_asked, yes: Some(self.asked), ..base }
                    }
                }
            })
            .collect()
    }

    /// The estimate of each indicator: the mean score of its answers.
    pub(super) fn estimates(&self) -> Vec<EitEstimate> {
        INDICATORS
            .iter()
            .zip(self.responses)
            .map(|(&indicator, responses)| {
                let of_indicator: Vec<_> = questions::all().iter().filter(|q| q.indicator == indicator).collect();
                let (mut n, mut total) = (0i64, 0f64);
                for (_, value, count) in
                    self.scale.iter().filter(|(id, _, _)| of_indicator.iter().any(|q| q.is_rated() && q.id == *id))
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
