//! Bad input never causes a server error or a stored row: property tests
//! over the form and JSON parsers, the validators, CSRF form parsing and
//! tracking look-ups, with random bytes, invalid UTF-8, huge fields, NUL and
//! control characters, zero-width and combining Thai characters, markup, SQL,
//! wrong types and duplicate fields. Case counts stay modest: the suite runs
//! on two cores.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseResult, TestRunner};
use serde_json::Value;
use siang::routes::public::form::{self, FormState};
use tokio::runtime::Runtime;

use crate::helpers::{Client, TestApp, TestResponse};

const CASES: u32 = 48;

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() })
}

/// Text a hostile or careless client might send.
fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        // Thai letters with tone marks piled up, zero-width joiners and BOMs.
        "[ก-ฮ\u{0e31}\u{0e34}-\u{0e3a}\u{0e47}-\u{0e4e}\u{200b}-\u{200d}\u{feff} ]{0,40}",
        "[\u{0}-\u{1f}\u{7f}ก]{0,20}",
        Just("<script>alert(1)</script>".to_owned()),
        Just("\"><img src=x onerror=alert(1)>".to_owned()),
        Just("'; DROP TABLE submission; --".to_owned()),
        Just("1 OR 1=1".to_owned()),
        (1usize..4).prop_map(|n| "ก\u{0e48}\u{0e49}".repeat(n * 2000)),
        "[a-zA-Z0-9 ]{1,30}",
        Just(String::new()),
    ]
}

const FIELDS: &[&str] = &[
    "kind",
    "subject",
    "details",
    "location",
    "service",
    "contact.name",
    "contact.phone",
    "contact.email",
    "consent",
    "anonymous",
    "corruption.official",
    "corruption.occurred_when",
    "corruption.evidence",
    "ratings.procedure_time",
    "ratings.bogus",
    "asked_for_benefit",
    "_csrf",
    "unknown",
];

const KINDS: &[&str] = &["complaint", "suggestion", "service_feedback", "corruption", "praise", ""];

/// Form fields, repeated or not, some with plausible values.
fn form_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let value = prop_oneof![nasty_text(), prop::sample::select(KINDS).prop_map(str::to_owned), Just("on".to_owned())];
    prop::collection::vec((prop::sample::select(FIELDS).prop_map(str::to_owned), value), 0..6)
}

/// A body for `/submit`: well-formed pairs (alone, or after a complaint's
/// fields, so that some are accepted) after the right token, or random bytes
/// (invalid UTF-8 and broken escapes included) after it.
fn form_body(token: String) -> impl Strategy<Value = Vec<u8>> {
    let pairs_token = token.clone();
    let complaint = prop_oneof![
        Just(Vec::new()),
        (nasty_text(), nasty_text()).prop_map(|(subject, details)| {
            vec![
                ("kind".to_owned(), "complaint".to_owned()),
                ("subject".to_owned(), subject),
                ("details".to_owned(), details),
            ]
        })
    ];
    prop_oneof![
        (complaint, prop_oneof![Just(Vec::new()), form_pairs()]).prop_map(move |(complaint, pairs)| {
            let mut all = vec![("_csrf".to_owned(), pairs_token.clone())];
            all.extend(complaint);
            all.extend(pairs);
            serde_urlencoded::to_string(&all).unwrap_or_default().into_bytes()
        }),
        prop::collection::vec(any::<u8>(), 0..300).prop_map(move |bytes| {
            let mut body = format!("_csrf={token}&").into_bytes();
            body.extend(bytes);
            body
        }),
    ]
}

/// What the portal's own rules say of a form body (service existence aside).
fn form_is_valid(body: &[u8]) -> bool {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let state = FormState::from_pairs(&pairs);
    form::new_submission(&state).normalized().check().is_ok()
}

/// Runs `check` for every generated value against one app (a fresh
/// database), on a runtime of its own since proptest's runner is synchronous.
fn with_app<S: Strategy>(
    make: impl FnOnce(&Runtime, &Client<'_>) -> S,
    check: impl Fn(&Runtime, &TestApp, &Client<'_>, S::Value) -> TestCaseResult,
) where
    S::Value: std::fmt::Debug,
{
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let app = runtime.block_on(TestApp::sqlite());
    let client = app.resident();
    let strategy = make(&runtime, &client);
    runner().run(&strategy, |value| check(&runtime, &app, &client, value)).unwrap();
}

fn assert_no_server_error(response: &TestResponse) -> TestCaseResult {
    prop_assert!(!response.status.is_server_error(), "{} {}", response.status, response.body);
    Ok(())
}

#[test]
fn random_form_bodies_never_fail_the_server_and_invalid_ones_store_nothing() {
    with_app(
        |runtime, client| form_body(runtime.block_on(client.csrf_token())),
        |runtime, app, client, body| {
            let before = runtime.block_on(app.count("submission"));
            let valid = form_is_valid(&body);
            let response =
                runtime.block_on(client.post_bytes("/submit", "application/x-www-form-urlencoded", body.clone()));
            assert_no_server_error(&response)?;
            let after = runtime.block_on(app.count("submission"));
            // Accepted: a redirect to the receipt.
            if response.status == 303 {
                prop_assert!(valid, "accepted what the rules refuse");
                prop_assert_eq!(response.location(), "/receipt");
                prop_assert_eq!(after, before + 1);
            } else {
                prop_assert_eq!(after, before, "a refused form stored a row ({})", response.status);
            }
            if !valid {
                prop_assert_ne!(response.status.as_u16(), 303);
            }
            Ok(())
        },
    );
}

#[test]
fn forms_with_a_missing_or_forged_token_are_refused_whatever_they_hold() {
    let tokens = prop_oneof![Just(String::new()), "[0-9a-f]{64}", nasty_text()];
    with_app(
        |_, _| (tokens, form_pairs()),
        |runtime, app, client, (token, pairs)| {
            let mut all = vec![("_csrf".to_owned(), token)];
            all.extend(pairs);
            let body = serde_urlencoded::to_string(&all).unwrap_or_default();
            for path in ["/submit", "/report-corruption", "/track", "/staff/login"] {
                let response = runtime.block_on(client.post_form_raw(path, &body));
                assert_no_server_error(&response)?;
                prop_assert!(matches!(response.status.as_u16(), 403 | 413), "{path}: {}", response.status);
            }
            prop_assert_eq!(runtime.block_on(app.count("submission")), 0);
            Ok(())
        },
    );
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        nasty_text().prop_map(Value::from),
        prop::sample::select(KINDS).prop_map(Value::from),
    ];
    let keys = prop_oneof![
        prop::sample::select(FIELDS).prop_map(str::to_owned),
        prop::sample::select(&["contact", "corruption", "ratings", "name", "phone", "official", "when"][..])
            .prop_map(str::to_owned),
        nasty_text(),
    ];
    leaf.prop_recursive(3, 32, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A JSON API body: a random document, random bytes, or a submission with
/// a field given twice.
fn json_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        json_value().prop_map(|value| value.to_string().into_bytes()),
        (prop::sample::select(KINDS), json_value()).prop_map(|(kind, value)| {
            let mut object = value.as_object().cloned().unwrap_or_default();
            object.insert("kind".into(), kind.into());
            Value::Object(object).to_string().into_bytes()
        }),
        prop::collection::vec(any::<u8>(), 0..300),
        nasty_text().prop_map(|subject| {
            let subject = Value::from(subject);
            format!(r#"{{"kind":"complaint","subject":{subject},"subject":"ซ้ำ","details":"x"}}"#).into_bytes()
        }),
    ]
}

#[test]
fn random_json_never_fails_the_api_and_only_201_stores_a_row() {
    with_app(
        |_, _| json_body(),
        |runtime, app, client, body| {
            let before = runtime.block_on(app.count("submission"));
            let response = runtime.block_on(client.post_bytes("/api/v1/submissions", "application/json", body));
            assert_no_server_error(&response)?;
            prop_assert!(matches!(response.status.as_u16(), 201 | 400 | 413 | 422), "{}", response.status);
            let stored = runtime.block_on(app.count("submission")) - before;
            prop_assert_eq!(stored, i64::from(response.status == 201));
            Ok(())
        },
    );
}

#[test]
fn random_tracking_look_ups_find_nothing_and_never_fail() {
    with_app(
        |runtime, client| (Just(runtime.block_on(client.csrf_token())), nasty_text(), nasty_text()),
        |runtime, _, client, (token, code, key)| {
            let body = serde_urlencoded::to_string([("_csrf", &token), ("tracking_code", &code), ("access_key", &key)])
                .unwrap_or_default();
            let page = runtime.block_on(client.post_form_raw("/track", &body));
            assert_no_server_error(&page)?;
            // 422: control characters in a field (the rule of `text_input`).
            prop_assert!(matches!(page.status.as_u16(), 404 | 413 | 422), "{}", page.status);

            // Far longer URLs are refused by the HTTP layer before the app sees them.
            let code: String = code.chars().take(500).collect();
            let path: String = form_urlencoded::byte_serialize(code.as_bytes()).collect();
            let header_key: String = key.chars().filter(|c| c.is_ascii_graphic()).collect();
            let api = runtime
                .block_on(client.get_with(&format!("/api/v1/submissions/{path}"), &[("x-access-key", &header_key)]));
            assert_no_server_error(&api)?;
            prop_assert!(matches!(api.status.as_u16(), 404 | 400), "{}", api.status);
            Ok(())
        },
    );
}
