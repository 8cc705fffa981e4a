//! Whether a link or redirect target stays on this portal. Browsers do not
//! read a path as naively as string checks do: they drop tabs and line
//! breaks, take `\` for `/` and treat `//host` as another site, so
//! `/<TAB>/evil.example` and `/\evil.example` both leave. The one answer is
//! to resolve the target as a browser would (WHATWG URL rules, the `url`
//! crate) against an origin and require the same origin.

use url::Url;

/// Stands for the portal's own origin: whatever it really is, a target that
/// resolves to another origin from here leaves the portal from there too.
const ORIGIN: &str = "http://portal.siang.invalid/";

/// The target as a path on this portal (`/path?query#fragment`, normalised
/// and percent-encoded as a browser would send it), or `None` when it is not
/// a path or a browser would take it to another origin.
pub fn same_origin_path(target: &str) -> Option<String> {
    // Only paths: a relative reference depends on the page it sits on.
    if !target.starts_with('/') {
        return None;
    }
    let base = Url::parse(ORIGIN).ok()?;
    let resolved = base.join(target).ok()?;
    if resolved.origin() != base.origin() {
        return None;
    }
    let mut path = resolved.path().to_owned();
    if let Some(query) = resolved.query() {
        path.push('?');
        path.push_str(query);
    }
    if let Some(fragment) = resolved.fragment() {
        path.push('#');
        path.push_str(fragment);
    }
    // What is handed on must lead to the same place when read again (a path
    // normalised to `//host` would not).
    (base.join(&path).ok()? == resolved).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::same_origin_path;

    #[test]
    fn paths_on_the_portal_are_kept() {
        for (given, kept) in [
            ("/", "/"),
            ("/staff/submissions/12?done=status", "/staff/submissions/12?done=status"),
            ("/manual#corruption", "/manual#corruption"),
            ("/log?fiscal_year=2569", "/log?fiscal_year=2569"),
            ("/qa?q=ถนน ชำรุด", "/qa?q=%E0%B8%96%E0%B8%99%E0%B8%99%20%E0%B8%8A%E0%B8%B3%E0%B8%A3%E0%B8%B8%E0%B8%94"),
            ("/a/../b", "/b"),
        ] {
            assert_eq!(same_origin_path(given).as_deref(), Some(kept), "{given:?}");
        }
    }

    #[test]
    fn anything_a_browser_would_take_elsewhere_is_refused() {
        for target in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            "/.//evil.example",
            "/./\\evil.example",
            "https://evil.example/",
            "http:evil.example",
            "javascript:alert(1)",
            "evil.example",
            " //evil.example",
            "\t/x",
            "",
        ] {
            assert_eq!(same_origin_path(target), None, "{target:?}");
        }
    }

    proptest::proptest! {
        /// Whatever is kept, a browser reading it stays on the portal.
        #[test]
        fn what_is_kept_never_leaves(target in "/[/\\\\.\t\n\r%0-9a-z:@?#]{0,12}") {
            if let Some(path) = same_origin_path(&target) {
                let base = url::Url::parse(super::ORIGIN).unwrap();
                proptest::prop_assert_eq!(base.join(&path).unwrap().origin(), base.origin());
                let before_query = path.split(['?', '#']).next().unwrap_or_default();
                proptest::prop_assert!(!path.starts_with("//") && !before_query.contains('\\'));
                proptest::prop_assert!(!path.contains(['\t', '\n', '\r']));
            }
        }
    }
}
