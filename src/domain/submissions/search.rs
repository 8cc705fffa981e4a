//! Searching submissions by a piece of their subject or details, through an
//! index (migration `m20261129_000009_search`): SQLite's FTS5 with trigrams,
//! PostgreSQL's `pg_trgm`. Both match any substring of at least three
//! characters, Thai or not, ignoring case; wildcard characters in the term
//! (`%`, `_`) are themselves.

use entity::submission;
use sea_orm::sea_query::{Alias, Condition, Expr, Order, Query, SelectStatement, SimpleExpr};
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

/// `columns` of the submissions whose subject or details contain `term`
/// and that meet `condition`, newest first (by arrival, the id), at most
/// `limit`. The index drives: a rare term reads only its matches, a common
/// one stops after the first `limit` that meet the condition.
pub fn matching(
    backend: DbBackend,
    term: &str,
    columns: &[submission::Column],
    condition: Condition,
    limit: u64,
) -> SelectStatement {
    let mut select = Query::select();
    select.columns(columns.iter().map(|column| (submission::Entity, *column)));
    match backend {
        DbBackend::Postgres => {
            let pattern = like_pattern(&term.to_lowercase());
            // The very expression of the GIN index, or the index is not used
            // (sea-query numbers PostgreSQL's placeholders `$1`…).
            let contains: SimpleExpr =
                Expr::cust_with_values(format!("{} LIKE $1 ESCAPE '\\'", migration::SEARCH_TEXT_POSTGRES), [pattern]);
            select
                .from(submission::Entity)
                .and_where(contains)
                .order_by((submission::Entity, submission::Column::Id), Order::Desc);
        }
        _ => {
            // The FTS5 table is the outer loop, read newest first; each
            // match is checked against the condition through the primary
            // key. The term is a phrase: its trigrams, one after another.
            let fts = Alias::new("submission_search");
            let phrase = format!("\"{}\"", term.replace('"', "\"\""));
            select
                .from(fts.clone())
                .inner_join(
                    submission::Entity,
                    Expr::col((submission::Entity, submission::Column::Id)).equals((fts.clone(), Alias::new("rowid"))),
                )
                .and_where(Expr::cust_with_values("submission_search MATCH ?", [phrase]))
                .order_by((fts, Alias::new("rowid")), Order::Desc);
        }
    }
    select.cond_where(condition).limit(limit).to_owned()
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
