//! Field errors as message codes: the domain says *what* is wrong with which
//! field; the routes say it in the reader's language.

use std::borrow::Cow;
use std::collections::BTreeMap;

use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Message key under `validation.` in the translation files.
    pub code: Cow<'static, str>,
    /// Values for the message's placeholders, e.g. `max`.
    pub params: Vec<(String, String)>,
}

/// Errors per field; fields are named as the API and the forms name them
/// (`subject`, `contact.email`, `ratings.procedure_time`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, Vec<FieldError>>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, code: &'static str) {
        self.0.entry(field.into()).or_default().push(FieldError { code: Cow::Borrowed(code), params: Vec::new() });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[FieldError])> {
        self.0.iter().map(|(field, errors)| (field.as_str(), errors.as_slice()))
    }

    /// `Ok(())` when there is nothing to report.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Adds the errors `validator` found, with nested structs' fields named
    /// `outer.inner`.
    pub fn absorb(&mut self, errors: ValidationErrors) {
        self.absorb_with_prefix("", errors);
    }

    fn absorb_with_prefix(&mut self, prefix: &str, errors: ValidationErrors) {
        for (field, kind) in errors.into_errors() {
            let name = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
            match kind {
                ValidationErrorsKind::Field(list) => {
                    for error in list {
                        let params = error
                            .params
                            .iter()
                            .filter(|(key, _)| key.as_ref() != "value")
                            .map(|(key, value)| (key.to_string(), value.to_string().trim_matches('"').to_owned()))
                            .collect();
                        self.0.entry(name.clone()).or_default().push(FieldError { code: error.code, params });
                    }
                }
                ValidationErrorsKind::Struct(inner) => self.absorb_with_prefix(&name, *inner),
                ValidationErrorsKind::List(items) => {
                    for (index, inner) in items {
                        self.absorb_with_prefix(&format!("{name}.{index}"), *inner);
                    }
                }
            }
        }
    }
}

/// How a piece of text may look. Every text that enters the portal is one
/// of these (see [`clean_text`]); the routes decide which by the field's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One line: subjects, names, titles, codes, search words, path segments.
    SingleLine,
    /// Text that may span lines: details, messages, descriptions.
    MultiLine,
    /// Secrets compared as typed (passwords, keys): refused as single-line
    /// text is, but never altered.
    Verbatim,
}

/// Characters no text may hold: C0 and C1 controls and DEL (tab, line feed and
/// carriage return are judged by kind), and U+FFFE/U+FFFF, which XML cannot
/// carry. PostgreSQL refuses NUL in text outright.
fn forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Line breaks: allowed only in multi-line text.
fn line_break(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// Bidirectional embeddings, overrides and isolates: they reorder the text
/// that follows them, so what staff read is not what was written. Removed
/// from every field.
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Invisible characters that make one line look like another: zero-width
/// spaces and joiners, direction marks, the word joiner and invisible
/// operators, the byte-order mark. Removed from single-line fields; kept in
/// multi-line text, where Thai writers use U+200B as a line-break hint.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{180E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// The one rule for text: control characters are refused (tab and line
/// breaks only in multi-line text), bidirectional overrides are removed, and
/// so are invisible characters in single-line text. Secrets are only checked.
pub fn clean_text(value: &str, kind: TextKind) -> Result<Cow<'_, str>, ValidationError> {
    let refused = |c: char| forbidden(c) || (kind != TextKind::MultiLine && line_break(c));
    if value.chars().any(refused) {
        return Err(ValidationError::new("control_characters"));
    }
    let removed = |c: char| match kind {
        TextKind::Verbatim => false,
        TextKind::MultiLine => bidi_control(c),
        TextKind::SingleLine => bidi_control(c) || invisible(c),
    };
    if value.chars().any(removed) {
        Ok(Cow::Owned(value.chars().filter(|&c| !removed(c)).collect()))
    } else {
        Ok(Cow::Borrowed(value))
    }
}

/// Text that may span lines: no control characters but newline and tab.
pub fn plain_text(value: &str) -> Result<(), ValidationError> {
    clean_text(value, TextKind::MultiLine).map(drop)
}

/// Text on one line: no control characters, tabs or line breaks.
pub fn single_line(value: &str) -> Result<(), ValidationError> {
    clean_text(value, TextKind::SingleLine).map(drop)
}

/// Whether every output (an XML feed, a CSV file) can carry `c`: XML 1.0
/// has no place for C0 controls but tab and line breaks, nor for U+FFFE and
/// U+FFFF, and CSV tools stumble on any control. Text stored before the rule
/// above may hold such characters; outputs drop them.
pub fn printable(c: char) -> bool {
    !forbidden(c)
}

/// A Thai phone number as people write it: 9–10 digits starting with 0, or
/// +66 and 8–9 digits; spaces and dashes allowed. Empty means "not given".
pub fn optional_phone(value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Ok(());
    }
    if !value.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+')) {
        return Err(ValidationError::new("phone"));
    }
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let valid = match value.trim_start().strip_prefix("+66") {
        Some(_) => (10..=11).contains(&digits.len()) && !digits[2..].starts_with('0'),
        None => !value.contains('+') && digits.starts_with('0') && (9..=10).contains(&digits.len()),
    };
    if valid {
        Ok(())
    } else {
        Err(ValidationError::new("phone"))
    }
}

/// An e-mail address, or empty for "not given".
pub fn optional_email(value: &str) -> Result<(), ValidationError> {
    use validator::ValidateEmail;
    if value.is_empty() || value.validate_email() {
        Ok(())
    } else {
        Err(ValidationError::new("email"))
    }
}

/// A LINE user id (`U` and 32 hexadecimal digits), or empty for "not given".
pub fn optional_line_user_id(value: &str) -> Result<(), ValidationError> {
    let hex = value.strip_prefix('U').unwrap_or_default();
    if value.is_empty() || (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())) {
        Ok(())
    } else {
        Err(ValidationError::new("line_user_id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_phone_numbers_are_recognised() {
        for good in ["0812345678", "081-234-5678", "02 123 4567", "+66 81 234 5678", ""] {
            assert!(optional_phone(good).is_ok(), "{good} should be accepted");
        }
        for bad in ["12345", "081234567890", "+660812345678", "phone", "08x2345678", "0812+345678"] {
            assert!(optional_phone(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn control_characters_are_refused_but_newlines_kept_in_details() {
        assert!(plain_text("บรรทัดหนึ่ง\nบรรทัดสอง\tแท็บ").is_ok());
        assert!(plain_text("nul\0byte").is_err());
        assert!(plain_text("escape\u{1b}[31m").is_err());
        assert!(plain_text("c1\u{85}control").is_err());
        assert!(plain_text("not xml\u{FFFF}").is_err());
        assert!(single_line("สอง\nบรรทัด").is_err());
        assert!(single_line("tab\there").is_err());
        assert!(single_line("line\u{2028}separator").is_err());
        assert!(single_line("ถนนชำรุด หน้าวัด").is_ok());
    }

    #[test]
    fn invisible_characters_leave_single_lines_and_overrides_leave_everything() {
        use TextKind::*;
        assert_eq!(clean_text("ad\u{200B}min\u{202E}fdp.exe", SingleLine).unwrap(), "adminfdp.exe");
        assert_eq!(clean_text("\u{FEFF}ถนน\u{200D}ชำรุด\u{2066}", SingleLine).unwrap(), "ถนนชำรุด");
        assert_eq!(clean_text("คำ\u{200B}ไทย\u{202D}\nต่อ", MultiLine).unwrap(), "คำ\u{200B}ไทย\nต่อ");
        assert_eq!(clean_text("pass\u{200B}word", Verbatim).unwrap(), "pass\u{200B}word");
        assert!(clean_text("pass\0word", Verbatim).is_err());
        assert!(matches!(clean_text("ปกติ", SingleLine).unwrap(), Cow::Borrowed(_)));
    }
}
