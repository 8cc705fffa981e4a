//! What a resident sends, and the rules it must meet before anything is
//! stored. The web form and the JSON API both arrive here.

use std::collections::BTreeMap;

use entity::enums::Kind;
use sea_orm::ActiveEnum;
use validator::Validate;

use super::questions;
use crate::domain::validation::{
    optional_email, optional_line_user_id, optional_phone, plain_text, single_line, FieldErrors,
};

pub const SUBJECT_MAX: u64 = 200;
pub const DETAILS_MAX: u64 = 5000;
/// The highest village number accepted: a ตำบล has rarely more than 30
/// หมู่บ้าน; a little room is left for the largest.
pub const MOO_MAX: i64 = 40;

/// Thailand's bounding box with a margin (south, north, west, east), in
/// degrees: a position outside it is a phone's mistake, not a place in the
/// agency's area.
pub const THAILAND: (f64, f64, f64, f64) = (5.0, 21.0, 97.0, 106.0);

/// A submission as received. Text fields are trimmed by `normalized`; an
/// empty string means "not given".
#[derive(Debug, Clone, Default, Validate, serde::Serialize)]
pub struct NewSubmission {
    /// The kind's code (`complaint`, …) as sent.
    pub kind: String,
    #[validate(length(max = SUBJECT_MAX, code = "too_long"), custom(function = "single_line"))]
    pub subject: String,
    #[validate(length(max = DETAILS_MAX, code = "too_long"), custom(function = "plain_text"))]
    pub details: String,
    /// The slug of the service concerned.
    #[validate(length(max = 64, code = "too_long"), custom(function = "single_line"))]
    pub service: String,
    /// The resident's description of the place.
    #[validate(length(max = 300, code = "too_long"), custom(function = "single_line"))]
    pub location: String,
    /// The village number (หมู่), 1 to [`MOO_MAX`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moo: Option<i64>,
    /// Where the resident's phone said they were, in degrees (WGS 84): both
    /// or neither, within Thailand ([`THAILAND`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Question id → answer 1..4 (service feedback only).
    pub ratings: BTreeMap<String, i64>,
    pub asked_for_benefit: Option<bool>,
    #[validate(nested)]
    pub corruption: CorruptionFacts,
    #[validate(nested)]
    pub contact: ContactInput,
    /// `None`: anonymous exactly when no contact data is given.
    pub anonymous: Option<bool>,
    pub consent: bool,
    /// The language the resident wrote in: their messages speak it. Not part
    /// of what a repeated request must match (`fingerprint`).
    #[serde(skip)]
    pub language: crate::i18n::Lang,
}

/// The facts of a corruption report beyond subject, details and place.
#[derive(Debug, Clone, Default, Validate, serde::Serialize)]
pub struct CorruptionFacts {
    /// Name or position of the official concerned.
    #[validate(length(max = 300, code = "too_long"), custom(function = "single_line"))]
    pub official: String,
    #[validate(length(max = 200, code = "too_long"), custom(function = "single_line"))]
    pub occurred_when: String,
    #[validate(length(max = 2000, code = "too_long"), custom(function = "plain_text"))]
    pub evidence: String,
}

#[derive(Debug, Clone, Default, Validate, serde::Serialize)]
pub struct ContactInput {
    #[validate(length(max = 200, code = "too_long"), custom(function = "single_line"))]
    pub name: String,
    #[validate(length(max = 32, code = "too_long"), custom(function = "optional_phone"))]
    pub phone: String,
    #[validate(length(max = 254, code = "too_long"), custom(function = "optional_email"))]
    pub email: String,
    /// The LINE user who sent it (channel LINE only), to send news back to.
    /// Left out of the request fingerprint when empty, so other channels'
    /// fingerprints stay as they were.
    #[serde(skip_serializing_if = "String::is_empty")]
    #[validate(custom(function = "optional_line_user_id"))]
    pub line_user_id: String,
}

impl ContactInput {
    pub fn is_empty(&self) -> bool {
        self.name.is_empty() && self.phone.is_empty() && self.email.is_empty() && self.line_user_id.is_empty()
    }
}

impl CorruptionFacts {
    fn is_empty(&self) -> bool {
        self.official.is_empty() && self.occurred_when.is_empty() && self.evidence.is_empty()
    }
}

/// How long a title taken from a question's text may be, in characters.
const QUESTION_TITLE_MAX: usize = 80;

/// A question's title when the asker gave none: the first line of its text,
/// cut at a word boundary where it is long.
pub fn question_title(details: &str) -> String {
    let first = details.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    if first.chars().count() <= QUESTION_TITLE_MAX {
        return first.to_owned();
    }
    let cut: String = first.chars().take(QUESTION_TITLE_MAX).collect();
    // Thai has no spaces between words; cut at the last space when there is
    // one in the second half, else at the character limit.
    let end = cut.rfind(' ').filter(|i| *i > cut.len() / 2).unwrap_or(cut.len());
    format!("{}…", cut[..end].trim_end())
}

impl NewSubmission {
    /// Trims every text field, so "   " counts as not given.
    pub fn normalized(mut self) -> Self {
        for field in [
            &mut self.subject,
            &mut self.details,
            &mut self.service,
            &mut self.location,
            &mut self.corruption.official,
            &mut self.corruption.occurred_when,
            &mut self.corruption.evidence,
            &mut self.contact.name,
            &mut self.contact.phone,
            &mut self.contact.email,
        ] {
            let trimmed = field.trim();
            if trimmed.len() != field.len() {
                *field = trimmed.to_owned();
            }
        }
        self
    }

    /// A hash of everything sent, to tell a repeated request from another
    /// one under the same request id.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let encoded = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(encoded))
    }

    /// Whether the resident stays anonymous.
    pub fn is_anonymous(&self) -> bool {
        self.anonymous.unwrap_or(self.contact.is_empty())
    }

    /// Every rule at once, so the resident sees all problems in one answer.
    /// Whether the named service exists is checked by `submit`, which has the
    /// database.
    pub fn check(&self) -> Result<Kind, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Err(found) = self.validate() {
            errors.absorb(found);
        }
        let kind = match Kind::try_from_value(&self.kind) {
            Ok(kind) => kind,
            Err(_) => {
                errors.add("kind", if self.kind.is_empty() { "required" } else { "unknown_kind" });
                return Err(errors);
            }
        };

        match kind {
            Kind::ServiceFeedback => {
                if self.service.is_empty() {
                    errors.add("service", "service_required");
                }
            }
            Kind::Complaint | Kind::Suggestion | Kind::Corruption => {
                if self.subject.is_empty() {
                    errors.add("subject", "required");
                }
                if self.details.is_empty() {
                    errors.add("details", "required");
                }
            }
            // A question is its text; the short title may be left out, and
            // `submit` then takes it from the question's first words
            // (`question_title`). The answer comes back on the tracking page
            // or by e-mail, so an e-mail is the only contact asked for: a
            // reply by telephone would leave no record the asker can follow.
            Kind::Question => {
                if self.details.is_empty() {
                    errors.add("details", "required");
                }
                if !self.contact.phone.is_empty() {
                    errors.add("contact.phone", "question_email_only");
                }
            }
        }

        if kind == Kind::ServiceFeedback {
            for (id, value) in &self.ratings {
                match questions::rated_question(id) {
                    None => errors.add(format!("ratings.{id}"), "unknown_question"),
                    Some(q) if !q.accepts(*value) => errors.add(format!("ratings.{id}"), "rating_range"),
                    Some(_) => {}
                }
            }
        } else {
            if !self.ratings.is_empty() {
                errors.add("ratings", "feedback_only");
            }
            if self.asked_for_benefit.is_some() {
                errors.add("asked_for_benefit", "feedback_only");
            }
        }

        if kind == Kind::Corruption {
            if self.corruption.official.is_empty() {
                errors.add("corruption.official", "required");
            }
        } else if !self.corruption.is_empty() {
            errors.add("corruption", "corruption_only");
        }

        if self.moo.is_some_and(|moo| !(1..=MOO_MAX).contains(&moo)) {
            errors.add("moo", "moo_range");
        }
        match (self.latitude, self.longitude) {
            (None, None) => {}
            (Some(latitude), Some(longitude)) => {
                let (south, north, west, east) = THAILAND;
                // NaN is in no range: a value that is not a number is refused here too.
                if !((south..=north).contains(&latitude) && (west..=east).contains(&longitude)) {
                    errors.add("coordinates", "coordinates_range");
                }
            }
            _ => errors.add("coordinates", "coordinates_pair"),
        }

        if !self.contact.is_empty() {
            if self.anonymous == Some(true) {
                errors.add("anonymous", "anonymous_with_contact");
            }
            if !self.consent {
                errors.add("consent", "consent_required");
            }
        }
        errors.into_result().map(|()| kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complaint() -> NewSubmission {
        NewSubmission {
            kind: "complaint".into(),
            subject: "ไฟฟ้าส่องสว่างดับ".into(),
            details: "ไฟทางหน้าบ้านเลขที่ 12 ดับมาสามคืน".into(),
            ..Default::default()
        }
    }

    fn codes(errors: &FieldErrors, field: &str) -> Vec<String> {
        errors
            .iter()
            .filter(|(f, _)| *f == field)
            .flat_map(|(_, list)| list.iter().map(|e| e.code.to_string()))
            .collect()
    }

    #[test]
    fn thai_text_is_measured_in_characters_not_bytes() {
        let mut input = complaint();
        input.subject = "ก".repeat(200); // 600 bytes in UTF-8
        assert!(input.check().is_ok());
        input.subject.push('ข');
        assert_eq!(codes(&input.check().unwrap_err(), "subject"), ["too_long"]);
    }

    #[test]
    fn contact_data_needs_consent_and_cannot_be_anonymous() {
        let mut input = complaint();
        input.contact.phone = "0812345678".into();
        assert_eq!(codes(&input.check().unwrap_err(), "consent"), ["consent_required"]);
        input.consent = true;
        assert!(input.check().is_ok());
        assert!(!input.is_anonymous());
        input.anonymous = Some(true);
        assert_eq!(codes(&input.check().unwrap_err(), "anonymous"), ["anonymous_with_contact"]);
    }

    #[test]
    fn service_feedback_needs_a_service_and_ratings_from_one_to_four() {
        let mut input = NewSubmission { kind: "service_feedback".into(), ..Default::default() };
        input.ratings.insert("procedure_time".into(), 5);
        input.ratings.insert("no_such_question".into(), 3);
        let errors = input.check().unwrap_err();
        assert_eq!(codes(&errors, "service"), ["service_required"]);
        assert_eq!(codes(&errors, "ratings.procedure_time"), ["rating_range"]);
        assert_eq!(codes(&errors, "ratings.no_such_question"), ["unknown_question"]);
    }

    #[test]
    fn a_question_needs_its_text_and_takes_only_an_email() {
        let mut input = NewSubmission { kind: "question".into(), ..Default::default() };
        assert_eq!(codes(&input.check().unwrap_err(), "details"), ["required"]);
        input.details = "ขอใบอนุญาตก่อสร้างต้องใช้เอกสารอะไรบ้าง".into();
        assert!(input.check().is_ok(), "no title and no contact are needed");
        input.contact.phone = "0812345678".into();
        input.consent = true;
        assert_eq!(codes(&input.check().unwrap_err(), "contact.phone"), ["question_email_only"]);
        input.contact.phone.clear();
        input.contact.email = "somchai@example.com".into();
        assert!(input.check().is_ok());
        input.consent = false;
        assert_eq!(codes(&input.check().unwrap_err(), "consent"), ["consent_required"]);
    }

    #[test]
    fn a_question_title_is_its_first_line_cut_short() {
        assert_eq!(question_title("\n  ภาษีป้ายชำระเมื่อใด \nรายละเอียด"), "ภาษีป้ายชำระเมื่อใด");
        let long = "ก".repeat(100);
        let title = question_title(&long);
        assert_eq!(title.chars().count(), QUESTION_TITLE_MAX + 1);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn the_place_is_a_village_number_and_a_position_in_thailand() {
        let mut input = complaint();
        input.moo = Some(7);
        input.latitude = Some(13.7563);
        input.longitude = Some(100.5018);
        assert!(input.check().is_ok());
        input.moo = Some(0);
        assert_eq!(codes(&input.check().unwrap_err(), "moo"), ["moo_range"]);
        input.moo = Some(MOO_MAX + 1);
        assert_eq!(codes(&input.check().unwrap_err(), "moo"), ["moo_range"]);
        input.moo = None;
        input.latitude = Some(48.8566); // Paris
        assert_eq!(codes(&input.check().unwrap_err(), "coordinates"), ["coordinates_range"]);
        input.latitude = Some(f64::NAN);
        assert_eq!(codes(&input.check().unwrap_err(), "coordinates"), ["coordinates_range"]);
        input.latitude = None;
        assert_eq!(codes(&input.check().unwrap_err(), "coordinates"), ["coordinates_pair"]);
    }

    #[test]
    fn the_kind_must_be_known() {
        let mut input = complaint();
        input.kind = "praise".into();
        assert_eq!(codes(&input.check().unwrap_err(), "kind"), ["unknown_kind"]);
        input.kind = String::new();
        assert_eq!(codes(&input.check().unwrap_err(), "kind"), ["required"]);
    }

    #[test]
    fn corruption_reports_name_the_official() {
        let mut input = complaint();
        input.kind = "corruption".into();
        assert_eq!(codes(&input.check().unwrap_err(), "corruption.official"), ["required"]);
        input.corruption.official = "เจ้าพนักงานจัดเก็บรายได้".into();
        assert!(input.check().is_ok());
        assert!(input.is_anonymous());
    }
}
