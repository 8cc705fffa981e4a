//! The service-feedback questions, read once from `feedback_questions.toml`.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// 1 น้อยที่สุดหรือไม่มีเลย … 4 มากที่สุด
    Scale,
    /// The benefit question: stored as `asked_for_benefit`, not as a rating.
    YesNo,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub id: String,
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

/// The 1–4 scale question with this id.
pub fn scale_question(id: &str) -> Option<&'static Question> {
    all().iter().find(|q| q.id == id && q.is_scale())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ten_eit_questions_cover_indicators_six_to_eight() {
        assert_eq!(all().len(), 10);
        assert_eq!(all().iter().filter(|q| q.answer == Answer::YesNo).count(), 1);
        for indicator in 6..=8 {
            assert!(all().iter().any(|q| q.indicator == indicator));
        }
        assert!(scale_question("asked_for_benefit").is_none());
        assert_eq!(scale_question("transparency").map(|q| q.indicator), Some(8));
    }
}
