//! `/api/docs`: the API reference as a page that needs no JavaScript,
//! rendered from the same OpenAPI document as `/api/v1/openapi.json`
//! (operations, parameters, bodies, answers and schemas), with the labels
//! in the reader's language and each operation's Thai summary beside the
//! document's English description.

use std::sync::LazyLock;

use askama::Template;
use askama_web::WebTemplate;
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use crate::extract::PageContext;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/docs", get(show))
}

pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub parameters: Vec<Parameter>,
    pub body: Option<String>,
    pub responses: Vec<Answer>,
}

pub struct Parameter {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub kind: String,
    pub description: String,
}

pub struct Answer {
    pub status: String,
    pub description: String,
    pub body: Option<String>,
    pub headers: Vec<(String, String)>,
}

pub struct Schema {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub properties: Vec<Parameter>,
}

pub struct Reference {
    pub title: String,
    pub version: String,
    pub description: String,
    pub operations: Vec<Operation>,
    pub schemas: Vec<Schema>,
}

fn text(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// A schema's type as one line: `string`, `integer | null`, `array of Count`, `Created`.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    for combined in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema.get(combined).and_then(Value::as_array) {
            return list.iter().map(type_of).collect::<Vec<_>>().join(" | ");
        }
    }
    let types: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let mut parts: Vec<String> = types
        .iter()
        .map(|t| match t.as_str() {
            "array" => format!("array of {}", schema.get("items").map(type_of).unwrap_or_else(|| "any".into())),
            "object" => match schema.get("additionalProperties") {
                Some(inner @ Value::Object(_)) => format!("map of {}", type_of(inner)),
                _ => "object".into(),
            },
            other => match schema.get("format").and_then(Value::as_str) {
                Some(format) => format!("{other} ({format})"),
                None => other.to_owned(),
            },
        })
        .collect();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let listed: Vec<String> =
            values.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
        parts.push(format!("one of: {}", listed.join(", ")));
    }
    if parts.is_empty() {
        "any".into()
    } else {
        parts.join(" | ")
    }
}

fn body_of(content: Option<&Value>) -> Option<String> {
    let content = content?.as_object()?;
    let (media, entry) = content.iter().next()?;
    Some(format!("{media}: {}", entry.get("schema").map(type_of).unwrap_or_else(|| "any".into())))
}

fn reference_from(document: &Value) -> Reference {
    let responses = document.pointer("/components/responses").cloned().unwrap_or(Value::Null);
    let mut operations = Vec::new();
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (method, op) in item {
                let parameters = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|p| Parameter {
                        name: text(p, "name"),
                        location: text(p, "in"),
                        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                        kind: p.get("schema").map(type_of).unwrap_or_default(),
                        description: text(p, "description"),
                    })
                    .collect();
                let answers = op
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(status, r)| {
                        // A shared answer (429, 503) is a reference to the components.
                        let r = match r.get("$ref").and_then(Value::as_str) {
                            Some(reference) => {
                                responses.get(reference.rsplit('/').next().unwrap_or_default()).unwrap_or(r)
                            }
                            None => r,
                        };
                        Answer {
                            status: status.clone(),
                            description: text(r, "description"),
                            body: body_of(r.get("content")),
                            headers: r
                                .get("headers")
                                .and_then(Value::as_object)
                                .into_iter()
                                .flatten()
                                .map(|(name, h)| (name.clone(), text(h, "description")))
                                .collect(),
                        }
                    })
                    .collect();
                operations.push(Operation {
                    id: text(op, "operationId"),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: [text(op, "summary"), text(op, "description")]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    parameters,
                    body: op.get("requestBody").and_then(|b| body_of(b.get("content"))),
                    responses: answers,
                });
            }
        }
    }
    let mut schemas = Vec::new();
    if let Some(all) = document.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in all {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let properties = schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(field, s)| Parameter {
                    name: field.clone(),
                    location: String::new(),
                    required: required.contains(&field.as_str()),
                    kind: type_of(s),
                    description: text(s, "description"),
                })
                .collect();
            schemas.push(Schema {
                name: name.clone(),
                description: text(schema, "description"),
                kind: type_of(schema),
                properties,
            });
        }
    }
    Reference {
        title: document.pointer("/info/title").and_then(Value::as_str).unwrap_or_default().to_owned(),
        version: document.pointer("/info/version").and_then(Value::as_str).unwrap_or_default().to_owned(),
        description: document.pointer("/info/description").and_then(Value::as_str).unwrap_or_default().to_owned(),
        operations,
        schemas,
    }
}

static REFERENCE: LazyLock<Reference> = LazyLock::new(|| {
    let document = serde_json::to_value(super::api::openapi()).unwrap_or(Value::Null);
    reference_from(&document)
});

#[derive(Template, WebTemplate)]
#[template(path = "public/api_reference.html")]
pub struct ReferencePage {
    page: PageContext,
    reference: &'static Reference,
}

impl ReferencePage {
    /// The operation's Thai (or English) summary from the translation files.
    fn local_summary(&self, id: &str) -> String {
        self.page.t(&format!("api_docs.op.{id}")).to_owned()
    }
}

async fn show(page: PageContext) -> ReferencePage {
    ReferencePage { page, reference: &REFERENCE }
}
