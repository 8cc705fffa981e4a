//! Languages and user-facing text. Every message lives in the TOML files of
//! `th/` and `en/` beside this file, one file per area of the portal; Rust
//! code refers to messages by key.

mod dates;
#[cfg(test)]
mod glossary;

use std::collections::HashMap;
use std::sync::LazyLock;

pub use dates::{format_date, format_datetime, format_short_date, month_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Th,
    En,
}

impl Lang {
    pub const COOKIE: &'static str = "siang_lang";

    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "th" => Some(Lang::Th),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a switch link offers.
    pub fn other(self) -> Self {
        match self {
            Lang::Th => Lang::En,
            Lang::En => Lang::Th,
        }
    }
}

type Catalog = HashMap<String, String>;

/// The translation files of each language, compiled in. Add an area's file
/// to both lists.
const THAI: &[&str] = &[
    include_str!("th/common.toml"),
    include_str!("th/staff.toml"),
    include_str!("th/participation.toml"),
    include_str!("th/qa.toml"),
    include_str!("th/hardening.toml"),
    include_str!("th/writes.toml"),
    include_str!("th/security.toml"),
    include_str!("th/privacy.toml"),
    include_str!("th/ita.toml"),
    include_str!("th/widgets.toml"),
    include_str!("th/ita_evidence.toml"),
    include_str!("th/outcomes.toml"),
    include_str!("th/open311.toml"),
    include_str!("th/notify.toml"),
    include_str!("th/line.toml"),
    include_str!("th/photos.toml"),
    include_str!("th/province.toml"),
];
const ENGLISH: &[&str] = &[
    include_str!("en/common.toml"),
    include_str!("en/staff.toml"),
    include_str!("en/participation.toml"),
    include_str!("en/qa.toml"),
    include_str!("en/hardening.toml"),
    include_str!("en/writes.toml"),
    include_str!("en/security.toml"),
    include_str!("en/privacy.toml"),
    include_str!("en/ita.toml"),
    include_str!("en/widgets.toml"),
    include_str!("en/ita_evidence.toml"),
    include_str!("en/outcomes.toml"),
    include_str!("en/open311.toml"),
    include_str!("en/notify.toml"),
    include_str!("en/line.toml"),
    include_str!("en/photos.toml"),
    include_str!("en/province.toml"),
];

static CATALOGS: LazyLock<[Catalog; 2]> = LazyLock::new(|| [parse_catalog(THAI), parse_catalog(ENGLISH)]);

fn parse_catalog(files: &[&str]) -> Catalog {
    fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) {
        for (key, value) in table {
            let key = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
            match value {
                toml::Value::Table(inner) => flatten(&key, inner, out),
                toml::Value::String(text) => {
                    out.insert(key, text.clone());
                }
                other => panic!("translation {key} must be text, found {other}"),
            }
        }
    }
    // The catalogs are compiled in; a broken file is a build defect caught by
    // the test suite, never a user's doing.
    let mut out = Catalog::new();
    for source in files {
        let table: toml::Table = source.parse().expect("translation file is valid TOML");
        flatten("", &table, &mut out);
    }
    out
}

/// The message for `key`; the key itself when missing, so a gap is visible
/// on the page rather than a crash (tests check both catalogs are complete).
pub fn t(lang: Lang, key: &str) -> &str {
    lookup(lang, key).unwrap_or(key)
}

/// The message for `key`, if there is one.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    CATALOGS[lang as usize].get(key).map(String::as_str)
}

/// A message with `{name}` placeholders filled in.
pub fn t_with(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// A whole number written with thousands separators (`5000` → `5,000`), as
/// Thai and English both write them; any other text unchanged.
pub fn group_digits(text: &str) -> String {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return text.to_owned();
    }
    let mut grouped = String::new();
    for (i, digit) in text.chars().enumerate() {
        if i > 0 && (text.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Every key of a catalog, for the completeness test.
pub fn keys(lang: Lang) -> impl Iterator<Item = &'static str> {
    CATALOGS[lang as usize].keys().map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn thai_and_english_catalogs_have_the_same_keys() {
        let th: BTreeSet<_> = keys(Lang::Th).collect();
        let en: BTreeSet<_> = keys(Lang::En).collect();
        let only_th: Vec<_> = th.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&th).collect();
        assert!(only_th.is_empty() && only_en.is_empty(), "only in th: {only_th:?}; only in en: {only_en:?}");
    }

    #[test]
    fn no_message_is_defined_in_two_files() {
        for files in [THAI, ENGLISH] {
            let mut seen = BTreeSet::new();
            for file in files {
                for key in parse_catalog(&[file]).into_keys() {
                    assert!(seen.insert(key.clone()), "{key} is defined twice");
                }
            }
        }
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group_digits("5000"), "5,000");
        assert_eq!(group_digits("200"), "200");
        assert_eq!(group_digits("1234567"), "1,234,567");
        assert_eq!(group_digits("2569-000001"), "2569-000001");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(t_with(Lang::En, "validation.too_long", &[("max", "200")]), "Too long: at most 200 characters.");
    }
}
