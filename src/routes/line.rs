//! `POST /hooks/line`: the webhook of the agency's LINE Official Account.
//! LINE signs each call with the channel secret, so no form token applies;
//! an unsigned or wrongly signed call gets 401 and changes nothing. Without
//! `SIANG_LINE_CHANNEL_SECRET` the channel is off and the route answers 404.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

use crate::domain::files::Upload;
use crate::domain::line::{self as domain, Event, Incoming};
use crate::domain::photos;
use crate::domain::validation::optional_line_user_id;
use crate::error::AppError;
use crate::extract::{PageContext, ServedAgency};
use crate::line::signature_ok;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/hooks/line", post(webhook))
}

/// The webhook's body, as far as Siang reads it.
#[derive(Debug, Deserialize)]
struct Webhook {
    #[serde(default)]
    events: Vec<WebhookEvent>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookEvent {
    #[serde(rename = "type")]
    kind: String,
    webhook_event_id: String,
    reply_token: Option<String>,
    source: Option<Source>,
    message: Option<Message>,
    /// `standby` when another module holds the chat: not ours to answer.
    mode: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Source {
    #[serde(rename = "type")]
    kind: String,
    user_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    text: Option<String>,
    title: Option<String>,
    address: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    content_provider: Option<ContentProvider>,
}

#[derive(Debug, Deserialize)]
struct ContentProvider {
    #[serde(rename = "type")]
    kind: String,
}

async fn webhook(
    State(state): State<AppState>,
    ServedAgency(agency): ServedAgency,
    page: PageContext,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let Some(api) = state.line.as_ref() else { return Err(AppError::NotFound) };
    let signature = headers.get("x-line-signature").map(|v| v.as_bytes());
    if !signature_ok(api.secret(), &body, signature) {
        return Err(AppError::Unauthorized);
    }
    let hook: Webhook = serde_json::from_slice(&body).map_err(|err| AppError::Malformed(err.to_string()))?;
    let site = page.absolute("");
    // One at a time, in the order sent: a resident's messages are steps.
    for event in hook.events {
        let reply_token = event.reply_token.clone();
        let Some(event) = chat_event(event) else { continue };
        let event = fetch_photo(api, event).await;
        let Some(mut handled) = domain::handle(&state.db, &agency, event, &site, chrono::Utc::now()).await? else {
            continue;
        };
        if let Some(photo) = handled.photo.take() {
            if !attach_photo(&state, api, agency.id, photo).await {
                handled.says.push(domain::photo_not_kept());
            }
        }
        if let (Some(token), false) = (reply_token, handled.says.is_empty()) {
            // The step is taken either way; a lost answer is the resident's
            // to ask again (any message repeats the question).
            if let Err(err) = api.reply(&token, &handled.says).await {
                tracing::warn!(error = %err, "could not answer on LINE");
            }
        }
    }
    Ok(StatusCode::OK)
}

/// The event as the conversation sees it; `None` for what it does not take
/// (groups and rooms, events in standby, other event types).
fn chat_event(event: WebhookEvent) -> Option<Event> {
    let source = event.source?;
    let user_id = source.user_id.filter(|id| source.kind == "user" && optional_line_user_id(id).is_ok())?;
    if event.mode.as_deref() == Some("standby") || user_id.is_empty() {
        return None;
    }
    let incoming = match (event.kind.as_str(), event.message) {
        ("follow", _) => Incoming::Follow,
        ("unfollow", _) => Incoming::Unfollow,
        ("message", Some(message)) => match message.kind.as_str() {
            "text" => Incoming::Text(message.text.unwrap_or_default()),
            "location" => match (message.latitude, message.longitude) {
                (Some(latitude), Some(longitude)) => Incoming::Location {
                    address: message.address.or(message.title).unwrap_or_default(),
                    latitude,
                    longitude,
                },
                _ => Incoming::Other,
            },
            // Readable is decided once fetched (`fetch_photo`).
            "image" if message.content_provider.is_none_or(|p| p.kind == "line") => {
                Incoming::Image { message_id: message.id, readable: false }
            }
            _ => Incoming::Other,
        },
        _ => return None,
    };
    Some(Event { webhook_event_id: event.webhook_event_id, user_id, incoming })
}

/// Fetches the photo of a submission just made from LINE and attaches it
/// (decoded and encoded again, like every photo); whether it was kept.
/// The submission is stored either way: a photo LINE no longer has, or one
/// the decoder refuses, is told to the resident rather than losing the text.
async fn attach_photo(
    state: &AppState,
    api: &crate::line::LineApi,
    agency_id: i64,
    photo: domain::PhotoToAttach,
) -> bool {
    let bytes = match api.image(&photo.message_id).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::warn!(error = %err, "could not fetch a photo from LINE");
            return false;
        }
    };
    let upload = Upload { name: format!("line-{}", photo.message_id), bytes };
    match photos::attach(&state.db, state.files.as_ref(), agency_id, photo.submission_id, upload, chrono::Utc::now())
        .await
    {
        Ok(_) => true,
        Err(err) => {
            tracing::warn!(error = ?err, "could not keep a photo from LINE");
            false
        }
    }
}

/// Fetches a photo's content from LINE, to know it is an image before the
/// conversation moves on (it is fetched again, and kept, on confirming).
async fn fetch_photo(api: &crate::line::LineApi, mut event: Event) -> Event {
    if let Incoming::Image { message_id, readable } = &mut event.incoming {
        match api.image(message_id).await {
            Ok(_bytes) => *readable = true,
            Err(err) => tracing::warn!(error = %err, "could not fetch a photo from LINE"),
        }
    }
    event
}
