//! The service-feedback questions, read once from `feedback_questions.toml`.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// 1 น้อยที่สุดหรือไม่มีเลย … 4 มากที่สุด
    Scale,
    /// มี / ไม่มี: stored as a rating, [`HAS`] or [`HAS_NOT`], so it scores
    /// 100 / 0 as the EIT does.
    Has,
    /// The benefit question: stored as `asked_for_benefit`, not as a rating.
    YesNo,
}

/// The rating that records "มี" (yes, there is) for a [`Answer::Has`] question.
pub const HAS: i16 = 4;
/// The rating that records "ไม่มี".
pub const HAS_NOT: i16 = 1;

#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub id: String,
    /// Its number in the EIT, e.g. `E1`.
    pub code: String,
    pub indicator: u8,
    pub answer: Answer,
    th: String,
    en: String,
}

impl Question {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Th => &self.th,
            Lang::En => &self.en,
        }
    }

    pub fn is_scale(&self) -> bool {
        self.answer == Answer::Scale
    }

    /// Whether its answers are stored as ratings (the scale and มี/ไม่มี).
    pub fn is_rated(&self) -> bool {
        matches!(self.answer, Answer::Scale | Answer::Has)
    }

    /// The message key of a stored rating's answer: `scale.3`, `form.has`.
    pub fn answer_key(&self, value: i16) -> String {
        match self.answer {
            Answer::Has if value == HAS => "form.has".to_owned(),
            Answer::Has => "form.has_not".to_owned(),
            _ => format!("scale.{value}"),
        }
    }

    /// Whether `value` is an answer this question takes as a rating.
    pub fn accepts(&self, value: i64) -> bool {
        match self.answer {
            Answer::Scale => (1..=4).contains(&value),
            Answer::Has => value == i64::from(HAS) || value == i64::from(HAS_NOT),
            Answer::YesNo => false,
        }
    }
}

#[derive(Deserialize)]
struct File {
    question: Vec<Question>,
}

static QUESTIONS: LazyLock<Vec<Question>> = LazyLock::new(|| {
    // Compiled in: a malformed file fails the test suite, never a request.
    let file: File = toml::from_str(include_str!("feedback_questions.toml")).expect("feedback_questions.toml is valid");
    file.question
});

pub fn all() -> &'static [Question] {
    &QUESTIONS
}

/// The question answered by a rating (scale or มี/ไม่มี) with this id.
pub fn rated_question(id: &str) -> Option<&'static Question> {
    all().iter().find(|q| q.id == id && q.is_rated())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifteen_eit_questions_cover_indicators_six_to_eight_in_order() {
        let codes: Vec<&str> = all().iter().map(|q| q.code.as_str()).collect();
        let expected: Vec<String> = (1..=15).map(|n| format!("E{n}")).collect();
        assert_eq!(codes, expected);
        let per_indicator = |i: u8| all().iter().filter(|q| q.indicator == i).count();
        assert_eq!((per_indicator(6), per_indicator(7), per_indicator(8)), (6, 5, 4));
        assert_eq!(all().iter().filter(|q| q.answer == Answer::YesNo).count(), 1);
        assert!(rated_question("asked_for_benefit").is_none());
        assert_eq!(rated_question("transparency").map(|q| q.indicator), Some(8));
        let channel = rated_question("corruption_channel").unwrap();
        assert!(channel.accepts(HAS.into()) && channel.accepts(HAS_NOT.into()) && !channel.accepts(2));
        let ids: std::collections::BTreeSet<&str> = all().iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids.len(), all().len(), "ids are unique");
    }
}
