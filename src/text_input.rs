//! The one rule for text that arrives on any route (path, query string, form,
//! JSON), applied by the extractors in `extract.rs` before a handler sees
//! anything: [`clean_text`] on every value, with the field's kind decided
//! here by its name. Single-line is the default, so a new field cannot let
//! line breaks or invisible characters in by being forgotten.

use std::borrow::Cow;

use crate::domain::validation::{clean_text, FieldErrors, TextKind};
use crate::error::AppError;

/// Fields that hold text over several lines (the forms' `<textarea>`s and
/// the API's long fields; a test keeps this list and the templates agreed).
const MULTI_LINE: &[&str] = &[
    "details",
    "corruption.evidence",
    "description",
    "message",
    "note",
    "reason",
    "outcome",
    "participant_groups",
    "method",
    "results_used",
    "outcome_th",
    "outcome_en",
    "summary_th",
    "summary_en",
    "steps",
    "steps_th",
    "steps_en",
    "requirements_th",
    "requirements_en",
    "legal_basis_th",
    "legal_basis_en",
    "apply_at_th",
    "apply_at_en",
    "elements",
    "analysis",
    "how_to_complain",
    "handling_steps",
    "responsible_unit",
    "time_frames",
    "executive_complaints",
    "comment",
];

/// Secrets compared as typed: checked, never altered.
const VERBATIM: &[&str] = &["password", "access_key", crate::csrf::FIELD];

/// The kind of text a field named `field` holds.
pub fn kind_of(field: &str) -> TextKind {
    if MULTI_LINE.contains(&field) {
        TextKind::MultiLine
    } else if VERBATIM.contains(&field) {
        TextKind::Verbatim
    } else {
        TextKind::SingleLine
    }
}

/// Form fields as `(name, value)`: each cleaned by its kind, or the errors
/// per field (a name with control characters is itself refused).
pub fn clean_fields(pairs: Vec<(String, String)>) -> Result<Vec<(String, String)>, FieldErrors> {
    let (cleaned, errors) = clean_fields_keeping(pairs);
    errors.into_result().map(|()| cleaned)
}

/// As [`clean_fields`], for forms that show what to correct beside each
/// field: refused values are kept as typed (so nothing typed is lost from
/// the form shown again) and reported; the caller must not store them.
pub fn clean_fields_keeping(pairs: Vec<(String, String)>) -> (Vec<(String, String)>, FieldErrors) {
    let mut errors = FieldErrors::default();
    let cleaned = pairs
        .into_iter()
        .filter_map(|(name, value)| {
            let Ok(clean_name) = clean_text(&name, TextKind::SingleLine) else {
                errors.add("field_name", "control_characters");
                return None;
            };
            let clean_name = clean_name.into_owned();
            let value = match clean_text(&value, kind_of(&clean_name)) {
                Ok(clean_value) => clean_value.into_owned(),
                Err(_) => {
                    errors.add(clean_name.clone(), "control_characters");
                    value
                }
            };
            Some((clean_name, value))
        })
        .collect();
    (cleaned, errors)
}

/// Every string in a JSON body (object keys too), cleaned in place by the
/// kind of the field it sits in (`corruption.evidence`; list items take
/// their list's name).
pub fn clean_json(value: &mut serde_json::Value) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    clean_json_at("", value, &mut errors);
    errors.into_result()
}

fn clean_json_at(path: &str, value: &mut serde_json::Value, errors: &mut FieldErrors) {
    use serde_json::Value;
    match value {
        Value::String(text) => match clean_text(text, kind_of(path)) {
            Ok(Cow::Borrowed(_)) => {}
            Ok(Cow::Owned(cleaned)) => *text = cleaned,
            Err(_) => errors.add(if path.is_empty() { "body" } else { path }, "control_characters"),
        },
        Value::Array(items) => items.iter_mut().for_each(|item| clean_json_at(path, item, errors)),
        Value::Object(fields) => {
            let taken = std::mem::take(fields);
            for (key, mut inner) in taken {
                let Ok(key) = clean_text(&key, TextKind::SingleLine).map(Cow::into_owned) else {
                    errors.add("field_name", "control_characters");
                    continue;
                };
                let inner_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                clean_json_at(&inner_path, &mut inner, errors);
                fields.insert(key, inner);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A value from the address (a path segment or a query parameter): one line
/// of text, cleaned, or the portal's 400 when it holds control characters.
pub fn clean_address_value(value: &str) -> Result<Cow<'_, str>, AppError> {
    clean_text(value, TextKind::SingleLine).map_err(|_| AppError::ControlCharacters)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn fields_are_cleaned_by_their_kind() {
        let cleaned = clean_fields(pairs(&[
            ("subject", "ไฟ\u{200B}ดับ\u{202E}"),
            ("details", "บรรทัด\r\nสอง\u{200B}"),
            ("password", "ลับ\u{200B}"),
        ]))
        .unwrap();
        assert_eq!(
            cleaned,
            pairs(&[("subject", "ไฟดับ"), ("details", "บรรทัด\r\nสอง\u{200B}"), ("password", "ลับ\u{200B}")])
        );
    }

    #[test]
    fn control_characters_are_refused_per_field() {
        let errors = clean_fields(pairs(&[("subject", "a\nb"), ("details", "nul\0"), ("q\0", "x")])).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["details", "field_name", "subject"]);
    }

    #[test]
    fn json_strings_are_cleaned_by_their_path() {
        let mut body = serde_json::json!({
            "subject": "ถนน\u{200B}",
            "corruption": { "evidence": "หนึ่ง\nสอง", "official": "ชื่อ\u{FEFF}" },
            "ratings": { "overall": 4 }
        });
        clean_json(&mut body).unwrap();
        assert_eq!(body["subject"], "ถนน");
        assert_eq!(body["corruption"]["evidence"], "หนึ่ง\nสอง");
        assert_eq!(body["corruption"]["official"], "ชื่อ");
        let mut bad = serde_json::json!({ "corruption": { "official": "a\nb" }, "details": "\u{0}" });
        let errors = clean_json(&mut bad).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["corruption.official", "details"]);
    }

    /// Every `<textarea>` of the templates is multi-line here, and no
    /// `<input>` is: the list cannot drift from the forms.
    #[test]
    fn multi_line_fields_are_the_forms_textareas() {
        let mut textareas = std::collections::BTreeSet::new();
        let mut inputs = std::collections::BTreeSet::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let html = std::fs::read_to_string(&path).unwrap();
            for (tag, into) in [("<textarea", &mut textareas), ("<input", &mut inputs)] {
                for piece in html.split(tag).skip(1) {
                    let element = &piece[..piece.find('>').unwrap_or(piece.len())];
                    if let Some(name) = element.split("name=\"").nth(1).and_then(|rest| rest.split('"').next()) {
                        if !name.contains("{{") {
                            into.insert(name.to_owned());
                        }
                    }
                }
            }
            // Macro calls name their field as the first string argument.
            for piece in html.split("forms::textarea(page, form, \"").skip(1) {
                textareas.insert(piece.split('"').next().unwrap_or_default().to_owned());
            }
            for piece in html.split("forms::input(page, form, \"").skip(1) {
                inputs.insert(piece.split('"').next().unwrap_or_default().to_owned());
            }
        }
        assert!(textareas.len() > 10, "found too few textareas: {textareas:?}");
        for name in &textareas {
            assert_eq!(kind_of(name), TextKind::MultiLine, "<textarea name=\"{name}\"> is not in MULTI_LINE");
        }
        for name in &inputs {
            assert_ne!(kind_of(name), TextKind::MultiLine, "<input name=\"{name}\"> is in MULTI_LINE");
        }
    }
}
