//! Thai text on pages, marked up once for every page as it leaves:
//!
//! - Names and key terms are kept on one line. Browsers break Thai lines at
//!   dictionary words, so a place name the dictionary does not know
//!   ("ชลคราม") or a compound ("ประพฤติมิชอบ") is split mid-word
//!   ("ชล/คราม"). Each occurrence goes in a `<span class="nw">`
//!   (`white-space: nowrap`).
//! - On English pages, Thai text (staff who wrote no English, names) goes in
//!   a `<span lang="th">`, so screen readers and fonts treat it as Thai.
//!
//! Only text between tags is touched: never attributes, and never the
//! contents of elements that hold no markup (`title`, `textarea`, `option`,
//! `script`, `style`) or of SVG.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::Response;

use crate::i18n::Lang;
use crate::state::AppState;

/// Terms that line breaking splits wrongly (a browser's Thai dictionary
/// knows "มิ" and "ชอบ", and breaks "ประพฤติมิ/ชอบ"): only these, as every
/// span is markup in every page.
/// The agency's own place name is added to these (see [`place_name`]).
const KEY_TERMS: &[&str] = &["ประพฤติมิชอบ"];

/// Kinds of local government that precede a place's name.
const AGENCY_PREFIXES: &[&str] =
    &["องค์การบริหารส่วนจังหวัด", "องค์การบริหารส่วนตำบล", "เทศบาลนคร", "เทศบาลเมือง", "เทศบาลตำบล", "อบต.", "ทต.", "ทม."];

/// Elements whose content is left alone.
const UNTOUCHED: &[&str] = &["title", "textarea", "option", "script", "style", "svg"];

/// The place in an agency's Thai name: `องค์การบริหารส่วนตำบลชลคราม` → `ชลคราม`.
pub fn place_name(agency_name_th: &str) -> Option<&str> {
    let name = agency_name_th.trim();
    AGENCY_PREFIXES.iter().find_map(|prefix| name.strip_prefix(prefix)).map(str::trim).filter(|p| !p.is_empty())
}

/// The middleware: marks up every HTML answer (pages and error pages).
pub async fn mark_up_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let english = Lang::from_headers(request.headers()) == Lang::En;
    let response = next.run(request).await;
    let html =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Our own rendered page, already whole in memory: reading it cannot be large.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    // The agency the route loaded, else the one last read (error pages).
    let agency = match parts.extensions.get::<crate::extract::ServedAgency>() {
        Some(served) => served.0.clone(),
        None => state.last_agency(),
    };
    let mut terms: Vec<&str> = KEY_TERMS.to_vec();
    terms.extend(place_name(&agency.name_th));
    let marked = match std::str::from_utf8(&bytes) {
        Ok(text) => mark_up(text, &terms, english),
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(marked))
}

/// A term with its searcher, made once per page (every text node is
/// searched for every term).
struct Term<'a> {
    text: &'a str,
    finder: memchr::memmem::Finder<'a>,
}

/// The page with its text nodes marked up.
pub fn mark_up(html: &str, terms: &[&str], english: bool) -> String {
    let terms: Vec<Term> = terms.iter().map(|t| Term { text: t, finder: memchr::memmem::Finder::new(t) }).collect();
    let terms = terms.as_slice();
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        mark_up_text(&rest[..open], terms, english, &mut out);
        rest = &rest[open..];
        let tag_end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = &rest[..tag_end];
        out.push_str(tag);
        rest = &rest[tag_end..];
        // Copy an untouched element's content up to its end tag as it is.
        if let Some(name) = UNTOUCHED.iter().find(|name| opens(tag, name)) {
            let close = format!("</{name}");
            let end = rest.find(&close).unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }
    mark_up_text(rest, terms, english, &mut out);
    out
}

/// Whether `tag` is the start tag of element `name`.
fn opens(tag: &str, name: &str) -> bool {
    tag.len() > name.len() + 1
        && tag[1..].get(..name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name))
        && tag[name.len() + 1..].starts_with(['>', ' ', '\n', '\t', '/'])
}

fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// One text node: Thai runs in `lang="th"` spans (English pages), key terms
/// in `nw` spans.
fn mark_up_text(text: &str, terms: &[Term], english: bool, out: &mut String) {
    if !text.chars().any(is_thai) {
        out.push_str(text);
        return;
    }
    if !english {
        keep_terms_whole(text, terms, out);
        return;
    }
    let mut rest = text;
    while let Some(start) = rest.find(is_thai) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        // A run goes on over spaces, digits and punctuation while more Thai
        // follows, and stops at a letter of another script.
        let mut end = 0;
        for (i, c) in run.char_indices() {
            if is_thai(c) {
                end = i + c.len_utf8();
            } else if c.is_alphabetic() || c == '&' {
                break;
            }
        }
        out.push_str("<span lang=\"th\">");
        keep_terms_whole(&run[..end], terms, out);
        out.push_str("</span>");
        rest = &run[end..];
    }
    out.push_str(rest);
}

fn keep_terms_whole(text: &str, terms: &[Term], out: &mut String) {
    let mut rest = text;
    loop {
        let next = terms
            .iter()
            .filter_map(|term| term.finder.find(rest.as_bytes()).map(|at| (at, term.text)))
            .min_by_key(|(at, term)| (*at, std::cmp::Reverse(term.len())));
        let Some((at, term)) = next else { break };
        out.push_str(&rest[..at]);
        out.push_str("<span class=\"nw\">");
        out.push_str(term);
        out.push_str("</span>");
        rest = &rest[at + term.len()..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_terms_stay_whole_in_text_but_not_in_attributes_or_raw_elements() {
        let page = r#"<title>ชลคราม</title><p title="ชลคราม">องค์การบริหารส่วนตำบลชลคราม รับเรื่องทุจริตและประพฤติมิชอบ</p><textarea>ชลคราม</textarea><select><option>ชลคราม</option></select>"#;
        let marked = mark_up(page, &["ประพฤติมิชอบ", "ชลคราม"], false);
        assert_eq!(
            marked,
            r#"<title>ชลคราม</title><p title="ชลคราม">องค์การบริหารส่วนตำบล<span class="nw">ชลคราม</span> รับเรื่องทุจริตและ<span class="nw">ประพฤติมิชอบ</span></p><textarea>ชลคราม</textarea><select><option>ชลคราม</option></select>"#
        );
    }

    #[test]
    fn thai_on_english_pages_is_marked_as_thai() {
        let marked = mark_up("<p>Assigned to กองช่าง (Engineering), 2 คน</p><svg><text>ไทย</text></svg>", &[], true);
        assert_eq!(
            marked,
            r#"<p>Assigned to <span lang="th">กองช่าง</span> (Engineering), 2 <span lang="th">คน</span></p><svg><text>ไทย</text></svg>"#
        );
        let english_only = "<p>Nothing Thai here</p>";
        assert_eq!(mark_up(english_only, &["ชลคราม"], true), english_only);
    }

    #[test]
    fn the_place_comes_from_the_agency_name() {
        assert_eq!(place_name("องค์การบริหารส่วนตำบลชลคราม"), Some("ชลคราม"));
        assert_eq!(place_name("เทศบาลเมืองบ้านบึง"), Some("บ้านบึง"));
        assert_eq!(place_name("กรุงเทพมหานคร"), None);
    }
}
