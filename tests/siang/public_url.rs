//! The portal under the agency's website (issue 17, point 8): with
//! `SIANG_PUBLIC_URL=https://www.example.go.th/voice/` every link, form
//! action, asset, redirect, feed, export and canonical link is absolute to
//! that base, every page answers under the prefix, cookies stay under it,
//! only the widgets may be framed (by `SIANG_FRAME_ANCESTORS`), and only
//! admins see the HTML that embeds them.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use axum::body::Body;
use axum::http::{header, Request};
use entity::enums::Role;
use siang::config::{FrameAncestors, ServerConfig};
use siang::public_url::PublicUrl;

use crate::helpers::{Client, TestApp, TestResponse, STAFF_PASSWORD};

const ORIGIN: &str = "https://www.example.go.th";
const BASE: &str = "https://www.example.go.th/voice";
const PREFIX: &str = "/voice";
const INTRANET: &str = "https://intranet.example.go.th";

/// Enough for every page of the demo in one language; a walk that needs
/// more has lost its way (a link that grows with each page).
const MAX_FETCHES: usize = 3000;

/// Addresses of one shape (see [`shape`]) followed: every entry of the
/// demo's log, a few years of a chain of years.
const PER_SHAPE: usize = 60;

fn under_agency_site() -> ServerConfig {
    ServerConfig {
        public_url: Some(PublicUrl::parse("https://www.example.go.th/voice/").unwrap()),
        frame_ancestors: FrameAncestors(vec![INTRANET.into(), "https://*.example.go.th".into()]),
        secure_cookies: true,
        ..ServerConfig::for_tests()
    }
}

macro_rules! under_agency_site {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::helpers::TestApp::sqlite_with(super::under_agency_site()).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    match crate::helpers::TestApp::postgres_with(super::under_agency_site()).await {
                        Some(app) => {
                            let cleanup = app.cleanup_handle();
                            super::$name(app).await;
                            cleanup.run().await;
                        }
                        None => eprintln!("skipped {} on PostgreSQL: SIANG_TEST_POSTGRES_URL is not set", stringify!($name)),
                    }
                }
            )*
        }
    };
}

under_agency_site!(
    every_public_page_links_only_under_the_public_url,
    staff_pages_and_their_redirects_stay_under_the_public_url,
    only_widgets_may_be_framed_and_only_by_the_sites_allowed,
    only_admins_see_the_widget_snippet,
);

/// A link found on a page, and where.
#[derive(Debug)]
struct Found {
    page: String,
    what: &'static str,
    link: String,
}

/// What the walk saw wrong.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, problem: String) {
        if self.0.len() < 60 {
            self.0.push(problem);
        }
    }

    fn assert_none(&self, walked: &str) {
        assert!(self.0.is_empty(), "{walked}:\n{}", self.0.join("\n"));
    }
}

/// Whether a link is right for a portal under `BASE`: absolute under it,
/// or not the portal's at all (another site, an e-mail address, a place
/// on the same page).
fn judge(link: &str) -> Result<Option<String>, &'static str> {
    if link.starts_with('#') || link.starts_with("mailto:") || link.starts_with("tel:") {
        return Ok(None);
    }
    if link.starts_with(&format!("{BASE}/")) {
        return Ok(Some(link.to_owned()));
    }
    let Ok(url) = url::Url::parse(link) else {
        return Err("relative");
    };
    match url.host_str() {
        _ if url.origin().ascii_serialization() == ORIGIN => Err("on the agency's site but outside the prefix"),
        Some(host) if host == "localhost" || host.starts_with("127.") || host.ends_with(".invalid") => {
            Err("to the server's own address")
        }
        None => Err("without a host"),
        _ if url.scheme() != "https" => Err("to another site over plain http"),
        _ => Ok(None),
    }
}

/// The request path through the proxy for an address under `BASE`.
fn through_proxy(url: &str) -> String {
    let path = url.strip_prefix(ORIGIN).expect("under the origin");
    path.split('#').next().unwrap_or(path).replace("&amp;", "&")
}

/// Every value of `attribute="…"` in tags of the page.
fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let marker = format!(" {attribute}=\"");
    let mut values = Vec::new();
    for (at, _) in html.match_indices(&marker) {
        // Inside a tag: the last `<` before it comes after the last `>`.
        let before = &html[..at];
        if before.rfind('<') < before.rfind('>') {
            continue;
        }
        let rest = &html[at + marker.len()..];
        values.push(rest[..rest.find('"').unwrap_or(rest.len())].replace("&amp;", "&"));
    }
    values
}

fn links_in_markup(page: &str, html: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for what in ["href", "src", "action", "formaction"] {
        for link in attribute_values(html, what) {
            found.push(Found { page: page.to_owned(), what, link });
        }
    }
    found
}

fn content_type(response: &TestResponse) -> String {
    response.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

/// Walks the portal from `start` (addresses under `BASE`), following every
/// link under the prefix that `follow` accepts; fetches assets, feeds,
/// exports and JSON without following them. Checks every link, redirect
/// and canonical link, and that nothing answers 404. Returns the number of
/// pages seen.
async fn walk(
    app: &TestApp,
    client: &Client<'_>,
    start: &[&str],
    follow: impl Fn(&str) -> bool,
    per_shape: usize,
    problems: &mut Problems,
) -> usize {
    let mut queue: VecDeque<(String, String)> = start.iter().map(|s| (format!("{BASE}{s}"), "start".into())).collect();
    let mut seen = BTreeSet::new();
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut pages = 0;
    while let Some((url, from)) = queue.pop_front() {
        if seen.contains(&url) {
            continue;
        }
        let fetched = shapes.entry(shape(&url)).or_default();
        if *fetched >= per_shape {
            continue;
        }
        *fetched += 1;
        seen.insert(url.clone());
        assert!(seen.len() < MAX_FETCHES, "more than {MAX_FETCHES} addresses: the walk lost its way at {url}");
        let path = through_proxy(&url);
        let page_path = path.strip_prefix(PREFIX).unwrap_or(&path).to_owned();
        // The language switch would change this walker's language: checked
        // with a client of its own.
        let response = if page_path.starts_with("/language/") {
            app.client([10, 7, 0, 9]).get(&path).await
        } else {
            client.get(&path).await
        };
        let status = response.status;
        if status == 404 || status.is_server_error() {
            problems.add(format!("{path} (linked from {from}) answered {status}"));
            continue;
        }
        for cookie in response.headers.get_all(header::SET_COOKIE) {
            let cookie = cookie.to_str().unwrap_or("");
            if !cookie.contains(&format!("Path={PREFIX};")) && !cookie.ends_with(&format!("Path={PREFIX}")) {
                problems.add(format!("{path} set a cookie outside the prefix: {cookie}"));
            }
        }
        if status.is_redirection() {
            let location = response.location().to_owned();
            match judge(&location) {
                Ok(Some(next)) => queue.push_back((next, path.clone())),
                Ok(None) => problems.add(format!("{path} redirects off the portal to {location}")),
                Err(why) => problems.add(format!("{path} redirects {why}: Location {location}")),
            }
            continue;
        }
        let kind = content_type(&response);
        let html = kind.starts_with("text/html");
        let found = if html {
            pages += 1;
            assert_eq!(status, 200, "{path} (from {from})");
            let canonical: Vec<String> = response
                .body
                .split("<link rel=\"canonical\" href=\"")
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
                .map(|c| canonical_form(&c.replace("&amp;", "&").replace("&#38;", "&")))
                .collect();
            let expected = canonical_form(&format!("{BASE}{page_path}"));
            if canonical != [expected.clone()] {
                problems.add(format!("{path} names its canonical address {canonical:?}, not {expected}"));
            }
            links_in_markup(&path, &response.body)
        } else if kind.contains("atom+xml") {
            attribute_values(&response.body, "href")
                .into_iter()
                .map(|link| Found { page: path.clone(), what: "feed link", link })
                .collect()
        } else if kind.starts_with("text/csv") {
            let mut found = Vec::new();
            for line in response.body.lines() {
                for field in line.split(',') {
                    let field = field.trim_matches('"');
                    if field.starts_with("http") || field.starts_with('/') {
                        found.push(Found { page: path.clone(), what: "CSV field", link: field.to_owned() });
                    }
                }
            }
            found
        } else if kind.starts_with("application/json") {
            let mut found = Vec::new();
            json_urls(&response.json(), &mut |link| {
                found.push(Found { page: path.clone(), what: "JSON url", link: link.to_owned() })
            });
            found
        } else if kind.starts_with("text/css") {
            // `url(…)` relative to the stylesheet, as a browser reads it.
            let here = url::Url::parse(&url).unwrap();
            response
                .body
                .split("url(")
                .skip(1)
                .filter_map(|rest| rest.split(')').next())
                .map(|link| Found { page: path.clone(), what: "stylesheet url", link: here.join(link).unwrap().into() })
                .collect()
        } else {
            Vec::new()
        };
        for Found { page, what, link } in found {
            match judge(&link) {
                Err(why) => problems.add(format!("{page}: {what} {why}: {link}")),
                Ok(None) => {}
                Ok(Some(next)) => {
                    let next_path = through_proxy(&next);
                    let portal_path = next_path.strip_prefix(PREFIX).unwrap_or(&next_path);
                    let page_like = html && what == "href" && !portal_path.starts_with("/static/");
                    if !page_like || follow(portal_path) {
                        queue.push_back((next, page.clone()));
                    }
                }
            }
        }
    }
    pages
}

/// An address as a canonical link names it: without `done=` (a one-off
/// notice) and empty query pairs.
fn canonical_form(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let kept: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty() && !pair.starts_with("done=")).collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// An address's kind: numbers as `#`, and its query's names, so that a
/// chain of years (each linking to the one before) ends.
/// `/log/2569-000004` and `/log/2569-000007` are one shape.
fn shape(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path: String = path.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
    let mut names: Vec<&str> = query.split('&').filter_map(|pair| pair.split('=').next()).collect();
    names.sort_unstable();
    format!("{path}?{}", names.join("&"))
}

/// Every string under a key `url` (or `…_url`, `href`) of a JSON value; a
/// `path` must be the same address's portal path.
fn json_urls(value: &serde_json::Value, found: &mut impl FnMut(&str)) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                match inner {
                    serde_json::Value::String(text) if key == "url" || key.ends_with("_url") || key == "href" => {
                        found(text)
                    }
                    _ => json_urls(inner, found),
                }
            }
            if let (Some(url), Some(path)) = (map.get("url").and_then(|u| u.as_str()), map.get("path")) {
                assert_eq!(Some(url), path.as_str().map(|p| format!("{BASE}{p}")).as_deref(), "{map:?}");
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| json_urls(item, found)),
        _ => {}
    }
}

fn public(path: &str) -> bool {
    !path.starts_with("/staff") || path == "/staff/login"
}

/// The walk starts at the home page; the pages no menu links to (the
/// widgets, the JSON API) are added.
async fn every_public_page_links_only_under_the_public_url(app: TestApp) {
    siang::demo::load(&app.db, chrono::Utc::now()).await.expect("demo data");
    let mut problems = Problems::default();
    for lang in ["th", "en"] {
        let visitor = app.client([10, 7, 0, 1]);
        let switched = visitor.get(&format!("{PREFIX}/language/{lang}?next=/")).await;
        assert_eq!(switched.location(), format!("{BASE}/"));
        let pages = walk(
            &app,
            &visitor,
            &["/", "/widgets/log", "/widgets/figures", "/widgets/button", "/api/v1/log", "/api/v1/stats/2569"],
            public,
            PER_SHAPE,
            &mut problems,
        )
        .await;
        assert!(pages > 40, "only {pages} pages in {lang}: the walk lost its way");
        eprintln!("{pages} public pages in {lang}");
    }
    problems.assert_none("links on public pages");

    // A page the proxy passes without the prefix is not the portal's; the
    // prefix alone is the home page.
    let visitor = app.client([10, 7, 0, 2]);
    assert_eq!(visitor.get("/log").await.status, 404);
    assert_eq!(visitor.get("/voicemail").await.status, 404);
    assert_eq!(visitor.get(PREFIX).await.status, 200);
    assert_eq!(visitor.get("/healthz").await.status, 200, "the load balancer's check at the root");

    // A resident's submission: its redirect, its receipt cookie and the
    // address printed on the receipt are under the public URL.
    let resident = app.client([10, 7, 0, 8]);
    let sent = post_under_prefix(
        &resident,
        "/submit?kind=complaint",
        &[("kind", "complaint"), ("subject", "ถนนชำรุด"), ("details", "หลุมกลางถนนหน้าวัด")],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location(), format!("{BASE}/receipt"));
    for cookie in sent.headers.get_all(header::SET_COOKIE) {
        assert!(cookie.to_str().unwrap().contains(&format!("Path={PREFIX};")), "{cookie:?}");
    }
    let receipt = resident.get(&through_proxy(sent.location())).await;
    assert!(receipt.body.contains(&format!("{BASE}/track")), "{}", receipt.body);
    assert!(!receipt.element_text("tracking-code").is_empty());

    // A redirect target given as a full address under the public URL is the
    // same page; one outside it is refused (the home page instead).
    let back = visitor.get(&format!("{PREFIX}/language/en?next={BASE}/log%3Ffiscal_year%3D2569")).await;
    assert_eq!(back.location(), format!("{BASE}/log?fiscal_year=2569"));
    for outside in ["https://www.example.go.th/other", "https://evil.example/voice/log", "//evil.example/"] {
        let next: String = form_urlencoded::byte_serialize(outside.as_bytes()).collect();
        let refused = visitor.get(&format!("{PREFIX}/language/en?next={next}")).await;
        assert_eq!(refused.location(), format!("{BASE}/"), "{outside}");
    }
}

/// Fills the form of the page at `path` (under the prefix) and posts it to
/// its action, as a browser on the agency's site does: the `Origin` is the
/// public URL's, not the server's.
async fn post_under_prefix(client: &Client<'_>, path: &str, fields: &[(&str, &str)]) -> TestResponse {
    let form = client.get(&format!("{PREFIX}{path}")).await;
    let action = format!("{BASE}{path}").split('?').next().unwrap().to_owned();
    assert!(form.body.contains(&format!("action=\"{action}\"")), "{}", form.body);
    let mut all: Vec<(String, String)> = vec![("_csrf".into(), form.hidden_field("_csrf"))];
    if form.body.contains("name=\"request_id\"") {
        all.push(("request_id".into(), form.hidden_field("request_id")));
    }
    all.extend(fields.iter().map(|(name, value)| (name.to_string(), value.to_string())));
    let request = Request::post(through_proxy(&action))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(serde_urlencoded::to_string(&all).unwrap()))
        .unwrap();
    client.send(request).await
}

async fn login_under_prefix(client: &Client<'_>, username: &str) -> TestResponse {
    post_under_prefix(client, "/staff/login", &[("username", username), ("password", STAFF_PASSWORD)]).await
}

async fn staff_pages_and_their_redirects_stay_under_the_public_url(app: TestApp) {
    siang::demo::load(&app.db, chrono::Utc::now()).await.expect("demo data");
    app.staff("admin", Role::Admin, None).await;
    let admin = app.client([10, 7, 0, 3]);

    // Anonymous: sent to the login page under the prefix.
    let away = admin.get(&format!("{PREFIX}/staff")).await;
    assert_eq!(away.status, 303);
    assert!(away.location().starts_with(&format!("{BASE}/staff/login")), "{}", away.location());

    let logged_in = login_under_prefix(&admin, "admin").await;
    assert_eq!(logged_in.status, 303, "{}", logged_in.body);
    assert_eq!(logged_in.location(), format!("{BASE}/staff"));
    let session = logged_in
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Secure-siang_session="))
        .expect("a session cookie named for a path prefix (not __Host-)");
    assert!(session.contains(&format!("Path={PREFIX}")) && session.contains("Secure"), "{session}");

    // A form posted from another site is still refused.
    let request = Request::post(format!("{PREFIX}/staff/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from("username=admin"))
        .unwrap();
    assert_eq!(admin.send(request).await.status, 403);

    let mut problems = Problems::default();
    let pages = walk(&app, &admin, &["/staff"], |path| !path.contains("logout"), 4, &mut problems).await;
    problems.assert_none("links on staff pages");
    assert!(pages > 15, "only {pages} staff pages: the walk lost its way");
}

async fn only_widgets_may_be_framed_and_only_by_the_sites_allowed(app: TestApp) {
    siang::demo::load(&app.db, chrono::Utc::now()).await.expect("demo data");
    let visitor = app.client([10, 7, 0, 4]);
    for widget in ["/widgets/log", "/widgets/figures", "/widgets/button"] {
        let page = visitor.get(&format!("{PREFIX}{widget}")).await;
        assert_eq!(page.status, 200, "{widget}");
        let policy = page.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(
            policy.contains(&format!("frame-ancestors 'self' {INTRANET} https://*.example.go.th;")),
            "{widget}: {policy}"
        );
        assert!(!policy.contains("'none'; base-uri") || policy.contains("base-uri 'none'"));
        assert!(page.headers.get(header::X_FRAME_OPTIONS).is_none(), "{widget} must not refuse every frame");
        // Small pages: no menu, no footer; every link leaves the frame.
        assert!(!page.body.contains("site-header") && !page.body.contains("site-footer"), "{widget}");
        let anchors: Vec<&str> = page.body.split("<a ").skip(1).collect();
        assert!(!anchors.is_empty(), "{widget} links to the portal");
        for anchor in anchors {
            assert!(anchor.contains("target=\"_top\"") || anchor.contains("target=\"_blank\""), "{widget}: {anchor}");
        }
    }
    // A frame on another site gets no cookie: the language is in the address.
    let english = visitor.get(&format!("{PREFIX}/widgets/button?lang=en")).await;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("Send us your voice"));
    let log = visitor.get(&format!("{PREFIX}/widgets/log")).await;
    assert!(log.body.contains("class=\"widget-log\""), "the demo's published entries are listed");
    assert!(visitor.get(&format!("{PREFIX}/widgets/button")).await.body.contains(&format!("href=\"{BASE}/submit\"")));

    // Every other page, error pages and a missing widget included, still
    // refuses to be framed.
    for path in ["/", "/log", "/submit", "/staff/login", "/static/site.css", "/widgets/nothing", "/no-such-page"] {
        let page = visitor.get(&format!("{PREFIX}{path}")).await;
        let policy = page.headers.get(header::CONTENT_SECURITY_POLICY).unwrap_or_else(|| panic!("{path}: {page:?}"));
        let policy = policy.to_str().unwrap();
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        assert_eq!(page.headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY", "{path}");
    }
}

async fn only_admins_see_the_widget_snippet(app: TestApp) {
    app.staff("admin", Role::Admin, None).await;
    app.staff("officer", Role::Officer, Some("office")).await;
    let page = format!("{PREFIX}/staff/settings/widgets");

    let admin = app.client([10, 7, 0, 5]);
    assert_eq!(login_under_prefix(&admin, "admin").await.status, 303);
    let settings = admin.get(&format!("{PREFIX}/staff/settings")).await;
    assert!(settings.body.contains(&format!("href=\"{BASE}/staff/settings/widgets\"")), "linked from the settings");
    let shown = admin.get(&page).await;
    assert_eq!(shown.status, 200);
    // What the admin copies, as the agency's page will read it.
    let copied: Vec<String> = shown
        .body
        .split("<pre id=\"snippet-")
        .skip(1)
        .filter_map(|rest| rest.split_once("<code>")?.1.split("</code>").next())
        .map(|text| text.replace("&#60;", "<").replace("&#62;", ">").replace("&#34;", "\"").replace("&#38;", "&"))
        .collect();
    assert_eq!(copied.len(), 3, "{}", shown.body);
    for (html, widget) in copied.iter().zip(["log", "figures", "button"]) {
        assert!(html.starts_with(&format!("<iframe src=\"{BASE}/widgets/{widget}\" title=\"")), "{html}");
        assert!(html.ends_with("></iframe>"), "{html}");
    }
    assert!(shown.body.contains(&format!("<code>{ORIGIN}</code>")) && shown.body.contains(INTRANET));

    let officer = app.client([10, 7, 0, 6]);
    assert_eq!(login_under_prefix(&officer, "officer").await.status, 303);
    let refused = officer.get(&page).await;
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains("iframe"));

    let anonymous = app.client([10, 7, 0, 7]);
    let away = anonymous.get(&page).await;
    assert_eq!(away.status, 303);
    assert!(!away.body.contains("iframe"));
}

/// Without `SIANG_PUBLIC_URL`, links stay paths and nothing is prefixed.
#[tokio::test]
async fn without_a_public_url_links_stay_paths() {
    let app = TestApp::sqlite().await;
    let visitor = app.resident();
    let home = visitor.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("href=\"/log\"") && home.body.contains("href=\"/static/site.css\""));
    assert!(!home.body.contains("rel=\"canonical\""));
    let switched = visitor.get("/language/en?next=/log").await;
    assert_eq!(switched.location(), "/log");
    let cookie = switched.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("Path=/;"), "{cookie}");
    // The widgets are there, framed only by the portal itself.
    let widget = visitor.get("/widgets/button").await;
    let policy = widget.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'self';"), "{policy}");
    assert!(widget.body.contains("href=\"/submit\" target=\"_top\""));
}
