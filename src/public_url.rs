//! The portal under the agency's own website. `SIANG_PUBLIC_URL`
//! (`https://www.example.go.th/voice/`) is where readers reach the portal;
//! the reverse proxy passes requests on with their path unchanged
//! (`/voice/log`), and the portal strips the prefix itself (see
//! [`mount`]), so handlers, templates and middleware all work with the
//! portal's own paths (`/log`).
//!
//! One layer, [`absolute_links`], makes what leaves absolute to that base:
//! in HTML, every `href`, `src`, `action` and `formaction` that is a path
//! (`"/log"`, as every template writes its links); every redirect's
//! `Location`; and the `Path` of every cookie. Templates therefore keep
//! writing root-relative links; what cannot be found this way (URLs in
//! feeds, CSV, JSON, canonical links, text a reader copies) is made with
//! `PageContext::absolute`, which is always absolute. Without
//! `SIANG_PUBLIC_URL` nothing is rewritten.
//!
//! Only markup the templates wrote can match: askama escapes `"` in any
//! value it prints, so text from a reader cannot make an attribute.
//!
//! The same machinery serves an agency of a province deployment on a shared
//! host under `/a/{slug}/` (issue 15): [`mount`] takes that part off the
//! path too (leaving [`AgencyPath`] in the request), and the agency's own
//! base (`https://host/a/{slug}`) goes into the answer as an [`AgencyBase`],
//! which [`absolute_links`] then uses instead of `SIANG_PUBLIC_URL`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;

use crate::state::AppState;

/// The attributes whose path values are made absolute.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction"];

/// `SIANG_PUBLIC_URL`, checked: an `http(s)` address with no query or
/// fragment, its path the portal's prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// `https://www.example.go.th` (a port kept when not the default).
    origin: String,
    /// `/voice`, or empty when the portal is the whole site.
    prefix: String,
}

impl PublicUrl {
    /// Reads the setting; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = url::Url::parse(text.trim()).map_err(|e| format!("{text:?} is not an address: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!("{text:?} must be an http:// or https:// address"));
        }
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
            return Err(format!("{text:?} must have no query, fragment or user name"));
        }
        let prefix = url.path().trim_end_matches('/').to_owned();
        if prefix.contains("//") || prefix.contains(['%', ';', '"', '\'']) {
            return Err(format!("{text:?} has a path prefix the portal cannot serve under"));
        }
        Ok(Self { origin: url.origin().ascii_serialization(), prefix })
    }

    /// `https://www.example.go.th`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// `/voice`, or empty.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The base of an agency reached by `/a/{slug}/` under this one (or
    /// under `origin`, `https://host`, without `SIANG_PUBLIC_URL`).
    pub fn for_agency(public: Option<&PublicUrl>, origin: &str, slug: &str) -> PublicUrl {
        match public {
            Some(public) => PublicUrl { origin: public.origin.clone(), prefix: format!("{}/a/{slug}", public.prefix) },
            None => PublicUrl { origin: origin.to_owned(), prefix: format!("/a/{slug}") },
        }
    }

    /// `https://www.example.go.th/voice`: a portal path is added to it.
    pub fn base(&self) -> String {
        format!("{}{}", self.origin, self.prefix)
    }

    /// A portal path (`/log`) as the absolute address readers use; anything
    /// else (another site, `#fragment`, `mailto:`) as it is.
    pub fn link(&self, target: &str) -> String {
        if is_portal_path(target) {
            format!("{}{}{target}", self.origin, self.prefix)
        } else {
            target.to_owned()
        }
    }

    /// The portal path of an address under this base (`…/voice/log` →
    /// `/log`), for redirect targets given as full addresses; a path as it is.
    pub fn portal_path<'a>(&self, target: &'a str) -> Option<&'a str> {
        if is_portal_path(target) {
            return Some(target);
        }
        let rest = target.strip_prefix(&self.origin)?.strip_prefix(&self.prefix)?;
        if rest.is_empty() {
            Some("/")
        } else {
            rest.starts_with('/').then_some(rest)
        }
    }
}

/// `/log`, not `//other.site` nor `log`.
fn is_portal_path(target: &str) -> bool {
    target.starts_with('/') && !target.starts_with("//") && !target.starts_with("/\\")
}

/// The agency a request's path named: `/a/{slug}/…` (taken off the path
/// by [`mount`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyPath(pub String);

/// The base an agency reached by its path is served under
/// (`https://host/a/{slug}`), put in the request and the answer by the
/// agency's resolution (`extract::resolve_agency`).
#[derive(Debug, Clone)]
pub struct AgencyBase(pub PublicUrl);

/// `/a/{slug}/rest` → (`/rest`, `slug`); any other path as it is.
fn agency_path(path: &str) -> (&str, Option<&str>) {
    let Some(rest) = path.strip_prefix("/a/") else {
        return (path, None);
    };
    let (slug, rest) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let valid = (2..=64).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if valid {
        (rest, Some(slug))
    } else {
        (path, None)
    }
}

/// The portal's router at its public path prefix: requests for `/voice`,
/// `/voice/` and `/voice/...` reach the routes as `/` and `/...`. The proxy
/// must pass the path on unchanged. Anything outside the prefix is not the
/// portal's (its 404 page), but `/healthz` also answers at the root, for a
/// load balancer's checks. Inside it, `/a/{slug}/...` reaches the routes as
/// `/...` with the [`AgencyPath`] `slug`.
pub fn mount(router: Router, health: Router, public_url: Option<&PublicUrl>) -> Router {
    let prefix = public_url.map(PublicUrl::prefix).unwrap_or_default().to_owned();
    let strip = move |mut request: Request| {
        let uri = request.uri();
        let path = uri.path();
        let inside = match path.strip_prefix(prefix.as_str()) {
            Some("") => Some("/"),
            Some(rest) if rest.starts_with('/') => Some(rest),
            _ => None,
        };
        // Outside the prefix: a path no route has, for the portal's 404.
        let (path, agency) = match inside.map(agency_path) {
            Some((rest, agency)) => (rest.to_owned(), agency.map(|slug| AgencyPath(slug.to_owned()))),
            None => (format!("/.outside{path}"), None),
        };
        let path_and_query = match uri.query() {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        if let Ok(stripped) = path_and_query.parse::<axum::http::Uri>() {
            *request.uri_mut() = stripped;
            if let Some(agency) = agency {
                request.extensions_mut().insert(agency);
            }
        }
        request
    };
    let portal = tower::ServiceExt::map_request(router, strip);
    if public_url.is_some_and(|url| !url.prefix.is_empty()) {
        health.fallback_service(portal)
    } else {
        // The root is the portal's own: its `/healthz` with every layer.
        Router::new().fallback_service(portal)
    }
}

/// The layer that makes what leaves absolute to `SIANG_PUBLIC_URL` (see
/// the module's comment).
pub async fn absolute_links(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let agency_base = response.extensions().get::<AgencyBase>().map(|base| base.0.clone());
    let Some(public) = agency_base.as_ref().or(state.config.public_url.as_ref()) else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    if let Some(location) = parts.headers.get(LOCATION).and_then(|v| v.to_str().ok()) {
        if let Ok(value) = HeaderValue::from_str(&public.link(location)) {
            parts.headers.insert(LOCATION, value);
        }
    }
    if !public.prefix.is_empty() {
        let cookies: Vec<HeaderValue> = parts
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|value| match value.to_str() {
                Ok(text) => HeaderValue::from_str(&cookie_under(text, &public.prefix)).unwrap_or(value.clone()),
                Err(_) => value.clone(),
            })
            .collect();
        parts.headers.remove(SET_COOKIE);
        for cookie in cookies {
            parts.headers.append(SET_COOKIE, cookie);
        }
    }
    let html =
        parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return Response::from_parts(parts, body);
    }
    // Our own rendered page, already whole in memory: reading it cannot be large.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let rewritten = absolute_in_html(text, public);
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(rewritten))
}

/// A `Set-Cookie` value with `Path=/` narrowed to the prefix; a `__Host-`
/// cookie (which browsers take only with `Path=/`) as it is.
fn cookie_under(cookie: &str, prefix: &str) -> String {
    if cookie.starts_with("__Host-") {
        return cookie.to_owned();
    }
    cookie
        .split(';')
        .map(
            |part| if part.trim().eq_ignore_ascii_case("path=/") { format!(" Path={prefix}") } else { part.to_owned() },
        )
        .collect::<Vec<_>>()
        .join(";")
}

/// The page with every `href="/…"`, `src="/…"`, `action="/…"` and
/// `formaction="/…"` made absolute.
pub fn absolute_in_html(html: &str, public: &PublicUrl) -> String {
    let base = public.base();
    let mut out = String::with_capacity(html.len() + 64 * base.len());
    let mut rest = html;
    while let Some(at) = rest.find("=\"/") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let name_start = before[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_ascii_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let name = &before[name_start..at];
        let preceded_by_space = before[..name_start].ends_with([' ', '\n', '\t']);
        if preceded_by_space && URL_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(name)) && is_portal_path(after) {
            out.push_str(&base);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice() -> PublicUrl {
        PublicUrl::parse("https://www.example.go.th/voice/").unwrap()
    }

    #[test]
    fn the_setting_gives_origin_and_prefix() {
        let public = voice();
        assert_eq!((public.origin(), public.prefix()), ("https://www.example.go.th", "/voice"));
        assert_eq!(public.base(), "https://www.example.go.th/voice");
        let root = PublicUrl::parse("https://siang.example.go.th").unwrap();
        assert_eq!((root.origin(), root.prefix()), ("https://siang.example.go.th", ""));
        let port = PublicUrl::parse("http://127.0.0.1:8080/a/b").unwrap();
        assert_eq!(port.base(), "http://127.0.0.1:8080/a/b");
        for wrong in ["www.example.go.th/voice", "ftp://x.example/", "https://x.example/?a=1", "https://u@x.example/"] {
            assert!(PublicUrl::parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn paths_in_link_attributes_become_absolute_and_nothing_else() {
        let html = concat!(
            r#"<a href="/log">x</a><form method="post" action="/qa"><img src="/static/a.svg" alt="">"#,
            r##"<a class="skip" href="#main">s</a><a href="https://nacc.go.th/">n</a><a href="//evil.example/">e</a>"##,
            r#"<input name="next" value="/log"><p>href="/log" in text</p><button formaction="/x">b</button>"#,
            r#"<a data-href="/log">d</a>"#
        );
        let out = absolute_in_html(html, &voice());
        let b = "https://www.example.go.th/voice";
        assert!(out.contains(&format!(r#"<a href="{b}/log">"#)), "{out}");
        assert!(out.contains(&format!(r#"action="{b}/qa""#)));
        assert!(out.contains(&format!(r#"src="{b}/static/a.svg""#)));
        assert!(out.contains(&format!(r#"formaction="{b}/x""#)));
        assert!(out.contains(r##"href="#main""##) && out.contains(r#"href="https://nacc.go.th/""#));
        assert!(out.contains(r#"href="//evil.example/""#));
        assert!(out.contains(r#"value="/log""#) && out.contains(r#"data-href="/log""#));
        assert!(out.contains(r#"<p>href="/log" in text</p>"#));
    }

    #[test]
    fn locations_and_redirect_targets_respect_the_prefix() {
        let public = voice();
        assert_eq!(public.link("/staff"), "https://www.example.go.th/voice/staff");
        assert_eq!(public.link("https://other.example/"), "https://other.example/");
        assert_eq!(public.portal_path("https://www.example.go.th/voice/log?x=1"), Some("/log?x=1"));
        assert_eq!(public.portal_path("https://www.example.go.th/voice"), Some("/"));
        assert_eq!(public.portal_path("https://www.example.go.th/voicemail"), None);
        assert_eq!(public.portal_path("https://www.example.go.th/other"), None);
        assert_eq!(public.portal_path("/log"), Some("/log"));
        assert_eq!(cookie_under("a=1; Path=/; HttpOnly", "/voice"), "a=1; Path=/voice; HttpOnly");
        assert_eq!(cookie_under("__Host-a=1; Path=/; Secure", "/a/x"), "__Host-a=1; Path=/; Secure");
    }

    #[test]
    fn an_agency_path_names_the_agency_and_is_taken_off() {
        assert_eq!(agency_path("/a/chonkram/log"), ("/log", Some("chonkram")));
        assert_eq!(agency_path("/a/chonkram"), ("/", Some("chonkram")));
        assert_eq!(agency_path("/a/chonkram/"), ("/", Some("chonkram")));
        assert_eq!(agency_path("/a/Bad%20/log"), ("/a/Bad%20/log", None));
        assert_eq!(agency_path("/about"), ("/about", None));
        let base = PublicUrl::for_agency(Some(&voice()), "http://ignored", "nong-bua");
        assert_eq!(base.base(), "https://www.example.go.th/voice/a/nong-bua");
        assert_eq!(PublicUrl::for_agency(None, "http://h:8080", "x1").link("/log"), "http://h:8080/a/x1/log");
    }
}
