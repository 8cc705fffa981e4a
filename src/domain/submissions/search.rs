//! Searching submissions by a piece of their subject or details, through an
//! index (migration `m20261129_000009_search`): SQLite's FTS5 with trigrams,
//! PostgreSQL's `pg_trgm`. Both match any substring of at least three
//! characters, Thai or not, ignoring case; wildcard characters in the term
//! (`%`, `_`) are themselves.

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::DbBackend;

/// Trigram indexes cannot find anything shorter.
pub const MIN_CHARS: usize = 3;
/// Longer terms are cut, not turned into ever longer patterns.
pub const MAX_CHARS: usize = 200;

/// What a search box held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    None,
    /// Fewer than [`MIN_CHARS`] characters: not searched, and said so.
    TooShort,
    Term(String),
}

impl Search {
    pub fn parse(text: &str) -> Self {
        let term: String =
            text.chars().filter(|c| !c.is_control()).collect::<String>().trim().chars().take(MAX_CHARS).collect();
        match term.chars().count() {
            0 => Search::None,
            n if n < MIN_CHARS => Search::TooShort,
            _ => Search::Term(term),
        }
    }
}

/// The condition "the submission's subject or details contain `term`".
pub fn contains(backend: DbBackend, term: &str) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => {
            let pattern = like_pattern(&term.to_lowercase());
            // The very expression of the GIN index, or the index is not used
            // (sea-query numbers PostgreSQL's placeholders `$1`…).
            Expr::cust_with_values(format!("{} LIKE $1 ESCAPE '\\'", migration::SEARCH_TEXT_POSTGRES), [pattern])
        }
        _ => {
            // An FTS5 phrase: the term's trigrams, one after another.
            let phrase = format!("\"{}\"", term.replace('"', "\"\""));
            Expr::cust_with_values(
                "\"submission\".\"id\" IN (SELECT rowid FROM submission_search WHERE submission_search MATCH ?)",
                [phrase],
            )
        }
    }
}

/// `%term%` with the term's own `\`, `%` and `_` taken literally.
pub fn like_pattern(term: &str) -> String {
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_terms_are_not_searched_and_control_characters_are_dropped() {
        assert_eq!(Search::parse("  "), Search::None);
        assert_eq!(Search::parse("ไฟ"), Search::TooShort);
        assert_eq!(Search::parse(" ไฟดับ\u{0} "), Search::Term("ไฟดับ".into()));
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
