//! The vocabulary test: a term of `glossary.toml` is translated one way in
//! every message. For each message, if its English text uses a term, its
//! Thai text must use the term's Thai wording; and no Thai message may use a
//! wording the glossary avoids.

use serde::Deserialize;

use super::{keys, lookup, Lang};

#[derive(Deserialize)]
struct Glossary {
    term: Vec<Term>,
}

#[derive(Deserialize)]
struct Term {
    en: Vec<String>,
    th: String,
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    avoid: Vec<String>,
}

/// Whether `text` contains `phrase` as whole words, in any case.
fn uses(text: &str, phrase: &str) -> bool {
    let (text, phrase) = (text.to_lowercase(), phrase.to_lowercase());
    text.match_indices(&phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Every way the Thai messages break the glossary, as readable lines.
fn breaches(glossary: &Glossary) -> Vec<String> {
    let mut found = Vec::new();
    let mut all_keys: Vec<&str> = keys(Lang::Th).collect();
    all_keys.sort_unstable();
    for key in all_keys {
        let (Some(th), Some(en)) = (lookup(Lang::Th, key), lookup(Lang::En, key)) else { continue };
        for term in &glossary.term {
            if let Some(phrase) = term.en.iter().find(|p| uses(en, p)) {
                if !std::iter::once(&term.th).chain(&term.also).any(|wording| th.contains(wording.as_str())) {
                    found.push(format!("{key}: \"{phrase}\" is not \"{}\" in: {th}", term.th));
                }
            }
            for wording in &term.avoid {
                if th.contains(wording.as_str()) {
                    found.push(format!("{key}: \"{wording}\" instead of \"{}\" in: {th}", term.th));
                }
            }
        }
    }
    found
}

fn glossary() -> Glossary {
    toml::from_str(include_str!("glossary.toml")).expect("glossary.toml is valid")
}

#[test]
fn every_term_is_translated_one_way() {
    let found = breaches(&glossary());
    assert!(found.is_empty(), "{} messages break the glossary:\n{}", found.len(), found.join("\n"));
}

#[test]
fn the_check_finds_a_term_translated_another_way() {
    let one = |en: &str, th: &str| Glossary {
        term: vec![Term {
            en: vec![en.into()], th: th.into(), also: Vec::new(), avoid: vec!["รหัสติดตาม".into()]
        }],
    };
    // The catalogs say "Tracking code" = "เลขที่รับเรื่อง": a glossary that
    // wanted another wording sees every such message break it.
    assert!(!breaches(&one("tracking code", "รหัสอ้างอิง")).is_empty());
    assert!(breaches(&one("tracking code", "เลขที่รับเรื่อง")).is_empty());
    assert!(uses("Your Tracking Code.", "tracking code"));
    assert!(!uses("measured", "measure"));
}
