//! The API's contract: an OpenAPI 3.1 document generated from the code,
//! listing every `/api/v1` route, with the error bodies, the 429 with
//! `Retry-After` and the `Idempotency-Key` header in it; and its reference
//! page, readable without JavaScript.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use siang::config::ServerConfig;

use crate::helpers::TestApp;
use crate::on_both_databases;

/// The API's source files as (module, text).
fn api_sources() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes/api");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.file_stem().unwrap().to_str().unwrap().to_owned(), std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// What is wrong with how the API's routes are added: a handler without its
/// `#[utoipa::path]`, a handler not added with `routes!(…)`, or a route added
/// the plain axum way (which the OpenAPI document would not list).
fn undocumented(sources: &[(String, String)]) -> Vec<String> {
    let mut handlers = BTreeSet::new();
    let mut routed = BTreeSet::new();
    let mut problems = Vec::new();
    for (module, source) in sources {
        let lines: Vec<&str> = source.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix("pub async fn ").or_else(|| trimmed.strip_prefix("async fn ")) {
                let name = rest.split(['(', '<']).next().unwrap().to_owned();
                // The attributes and comments right above it, up to a blank line.
                let annotated =
                    lines[..i].iter().rev().take_while(|l| !l.trim().is_empty()).any(|l| l.contains("#[utoipa::path"));
                let name = if module == "mod" { name } else { format!("{module}::{name}") };
                if !annotated {
                    problems.push(format!("{name} has no #[utoipa::path]"));
                }
                handlers.insert(name);
            }
            for adder in [".route(", ".route_service(", ".nest_service(", ".fallback("] {
                if trimmed.contains(adder) {
                    problems.push(format!("{module}: `{trimmed}` adds a route the document does not list"));
                }
            }
            if let Some(start) = trimmed.find("routes!(") {
                let inside = &trimmed[start + "routes!(".len()..];
                routed.extend(inside.split(')').next().unwrap().split(',').map(|n| n.trim().to_owned()));
            }
        }
    }
    for missing in handlers.difference(&routed) {
        problems.push(format!("{missing} is not added with routes!(…)"));
    }
    problems
}

#[test]
fn every_api_handler_is_routed_with_its_documentation() {
    let sources = api_sources();
    assert!(sources.iter().any(|(module, _)| module == "submissions"));
    let problems = undocumented(&sources);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The check above can fail: a route added the plain axum way, or a
/// handler without its annotation, is caught.
#[test]
fn an_undocumented_route_would_be_caught() {
    let sources = api_sources();
    let edited = |module: &str, edit: &dyn Fn(&str) -> String| -> Vec<(String, String)> {
        sources.iter().map(|(m, s)| (m.clone(), if m == module { edit(s) } else { s.clone() })).collect()
    };
    let plain_route = edited("mod", &|s| {
        let changed = s.replace(
            ".routes(routes!(document));",
            ".routes(routes!(document)).route(\"/secret\", axum::routing::get(secret));",
        );
        assert_ne!(changed, s, "the test edits the real router");
        format!("{changed}\n\nasync fn secret() {{}}\n")
    });
    assert!(undocumented(&plain_route).len() >= 2, "{:?}", undocumented(&plain_route));
    let bare_handler = edited("submissions", &|s| format!("{s}\n\npub async fn export() {{}}\n"));
    assert_eq!(undocumented(&bare_handler).len(), 2, "{:?}", undocumented(&bare_handler));
}

async fn the_document_lists_every_api_route_with_its_contract(app: TestApp) {
    let client = app.resident();
    let answer = client.get("/api/v1/openapi.json").await;
    assert_eq!(answer.status, 200);
    assert!(answer.headers["content-type"].to_str().unwrap().starts_with("application/json"));
    let doc = answer.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let operations: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| format!("{} {path}", m.to_uppercase())))
        .collect();
    let expected: BTreeSet<String> = [
        "POST /api/v1/submissions",
        "GET /api/v1/submissions/{tracking_code}",
        "GET /api/v1/log",
        "GET /api/v1/stats/{fiscal_year}",
        "GET /api/v1/openapi.json",
    ]
    .map(String::from)
    .into();
    assert_eq!(operations, expected);
    // Each documented operation is served (none is a 404 of the fallback or a 405).
    for operation in &operations {
        let (method, path) = operation.split_once(' ').unwrap();
        let path = path.replace("{tracking_code}", "2569-000001").replace("{fiscal_year}", "2569");
        let answer = match method {
            "GET" => client.get(&path).await,
            _ => client.post_json(&path, &json!({})).await,
        };
        assert_ne!(answer.status, 405, "{operation}");
        if !path.contains("2569-000001") {
            assert_ne!(answer.status, 404, "{operation}: {}", answer.body);
        }
    }

    // The contract of errors, limits and retries.
    let create = &doc["paths"]["/api/v1/submissions"]["post"];
    let idempotency = create["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "Idempotency-Key");
    assert_eq!(idempotency.expect("Idempotency-Key is documented")["in"], "header");
    assert_eq!(create["responses"]["429"]["$ref"], "#/components/responses/RateLimited");
    assert!(doc["components"]["responses"]["RateLimited"]["headers"]["Retry-After"].is_object());
    assert_eq!(
        create["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ValidationErrors"
    );
    assert!(create["responses"]["201"]["headers"]["Idempotent-Replayed"].is_object());
    let schemas = &doc["components"]["schemas"];
    for name in ["ErrorBody", "ValidationErrors", "SubmissionRequest", "Created", "Tracked", "LogAnswer", "Statistics"]
    {
        assert!(schemas[name].is_object(), "{name} is described");
    }
    // Unknown fields are refused, and the document says so.
    assert_eq!(schemas["SubmissionRequest"]["additionalProperties"], false);

    // The real answers have the documented shapes.
    let missing = client.get("/api/v1/submissions/2569-999999").await;
    assert_eq!(missing.status, 404);
    let body = missing.json();
    assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{body}");
    let refused = client.post_json("/api/v1/submissions", &json!({"kind": "complaint"})).await;
    assert_eq!(refused.status, 422);
    assert!(refused.json()["errors"]["subject"].is_array(), "{}", refused.body);
}

on_both_databases!(the_document_lists_every_api_route_with_its_contract);

#[tokio::test]
async fn a_rate_limited_answer_is_as_documented() {
    let app = TestApp::sqlite_with(ServerConfig { submit_per_minute: 1, ..ServerConfig::for_tests() }).await;
    let client = app.resident();
    let body = json!({"kind": "suggestion", "subject": "ขอเพิ่มถังขยะ", "details": "หน้าตลาด"});
    assert_eq!(client.post_json("/api/v1/submissions", &body).await.status, 201);
    let limited = client.post_json("/api/v1/submissions", &body).await;
    assert_eq!(limited.status, 429);
    let wait: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 0);
    let error: Value = limited.json();
    assert_eq!(error["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn the_reference_page_shows_every_operation_without_javascript() {
    let app = TestApp::sqlite().await;
    let client = app.resident();
    let doc = client.get("/api/v1/openapi.json").await.json();
    for lang in ["th", "en"] {
        client.get(&format!("/language/{lang}?next=/")).await;
        let page = client.get("/api/docs").await;
        assert_eq!(page.status, 200);
        // Everything is in the page as served: no script builds it.
        let main = page.body.split("<main").nth(1).expect("the page's main part");
        assert!(!main.contains("<script"), "no JavaScript needed");
        for path in doc["paths"].as_object().unwrap().keys() {
            assert!(page.body.contains(path.as_str()), "{path} is on the page ({lang})");
        }
        for schema in doc["components"]["schemas"].as_object().unwrap().keys() {
            assert!(page.body.contains(&format!("id=\"schema-{schema}\"")), "{schema} ({lang})");
        }
        assert!(page.body.contains("Retry-After"));
        assert!(page.body.contains("Idempotency-Key"));
    }
    let thai = {
        client.get("/language/th?next=/").await;
        client.get("/api/docs").await.body
    };
    assert!(thai.contains("ส่งเรื่องร้องเรียน"), "Thai summaries beside the English descriptions");
}
