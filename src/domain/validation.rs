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

/// Text that may span lines: no control characters but newline and tab.
pub fn plain_text(value: &str) -> Result<(), ValidationError> {
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(ValidationError::new("control_characters"));
    }
    Ok(())
}

/// Text on one line: no control characters at all.
pub fn single_line(value: &str) -> Result<(), ValidationError> {
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new("control_characters"));
    }
    Ok(())
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
        assert!(single_line("สอง\nบรรทัด").is_err());
        assert!(single_line("ถนนชำรุด หน้าวัด").is_ok());
    }
}
