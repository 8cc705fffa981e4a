//! LINE's Messaging API as Siang uses it: checking a webhook's signature,
//! answering in the chat (reply), and fetching what a resident sent
//! (message content). The conversation itself is `domain::line`.

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::config::LineConfig;
use crate::domain::line::{message_objects, Say};

/// How long one call to LINE may take: the webhook's request waits for it.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest photo fetched (LINE's own limit for images is 10 MB).
pub const CONTENT_MAX: usize = 10 * 1024 * 1024;

/// Whether `signature` (the `X-Line-Signature` header) is the base64 of the
/// HMAC-SHA256 of the raw `body` under the channel secret; compared in
/// constant time.
pub fn signature_ok(channel_secret: &str, body: &[u8], signature: Option<&[u8]>) -> bool {
    let Some(given) = signature.and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(channel_secret.as_bytes()) else { return false };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// A failed call to LINE.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("no channel access token is configured (SIANG_LINE_CHANNEL_TOKEN)")]
    NoToken,
    #[error("LINE could not be reached: {0}")]
    Unreachable(#[from] reqwest::Error),
    #[error("LINE answered {0}")]
    Refused(reqwest::StatusCode),
    #[error("the content is not an image or is too large")]
    NotAnImage,
}

/// The channel: its secret, and its client of the Messaging API.
pub struct LineApi {
    secret: String,
    http: reqwest::Client,
    token: Option<String>,
    api_base: String,
    data_base: String,
}

impl LineApi {
    /// The channel, when its secret is configured.
    pub fn new(config: &LineConfig) -> Option<Self> {
        let secret = config.channel_secret.clone().filter(|s| !s.is_empty())?;
        let http = reqwest::Client::builder().timeout(CALL_TIMEOUT).build().unwrap_or_default();
        Some(Self {
            secret,
            http,
            token: config.channel_token.clone(),
            api_base: config.api_base.trim_end_matches('/').to_owned(),
            data_base: config.data_base().trim_end_matches('/').to_owned(),
        })
    }

    /// The channel secret webhooks are signed with.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Whether a channel access token is configured, without which nothing
    /// can be sent.
    pub fn can_send(&self) -> bool {
        self.token.is_some()
    }

    fn token(&self) -> Result<&str, LineError> {
        self.token.as_deref().ok_or(LineError::NoToken)
    }

    /// Answers in the chat with the event's reply token (valid once, for a
    /// short while).
    pub async fn reply(&self, reply_token: &str, says: &[Say]) -> Result<(), LineError> {
        let body = json!({ "replyToken": reply_token, "messages": message_objects(says) });
        let response = self
            .http
            .post(format!("{}/v2/bot/message/reply", self.api_base))
            .bearer_auth(self.token()?)
            .json(&body)
            .send()
            .await?;
        ok(response).map(drop)
    }

    /// Pushes `messages` (LINE's message objects) to a user's chat. LINE
    /// accepts a `retry_key` once: a push repeated after a lost answer is not
    /// shown twice (LINE answers 409, taken as done).
    pub async fn push(&self, to: &str, messages: &serde_json::Value, retry_key: &str) -> Result<(), LineError> {
        let response = self
            .http
            .post(format!("{}/v2/bot/message/push", self.api_base))
            .bearer_auth(self.token()?)
            .header("X-Line-Retry-Key", retry_uuid(retry_key))
            .json(&json!({ "to": to, "messages": messages }))
            .send()
            .await?;
        if response.status() == reqwest::StatusCode::CONFLICT {
            return Ok(());
        }
        ok(response).map(drop)
    }

    /// The bytes of an image the resident sent, refused unless LINE says it
    /// is an image of at most [`CONTENT_MAX`] bytes.
    pub async fn image(&self, message_id: &str) -> Result<bytes::Bytes, LineError> {
        let mut response = ok(self
            .http
            .get(format!("{}/v2/bot/message/{message_id}/content", self.data_base))
            .bearer_auth(self.token()?)
            .send()
            .await?)?;
        let is_image = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("image/"));
        if !is_image || response.content_length().is_some_and(|n| n > CONTENT_MAX as u64) {
            return Err(LineError::NotAnImage);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if bytes.len() + chunk.len() > CONTENT_MAX {
                return Err(LineError::NotAnImage);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes.into())
    }
}

/// A UUID (as LINE's retry key must be) made from `key`: the same key, the
/// same UUID.
fn retry_uuid(key: &str) -> String {
    use sha2::Digest;
    let mut bytes: [u8; 16] = Sha256::digest(key.as_bytes())[..16].try_into().unwrap_or_default();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

fn ok(response: reqwest::Response) -> Result<reqwest::Response, LineError> {
    match response.status() {
        status if status.is_success() => Ok(response),
        status => Err(LineError::Refused(status)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_the_base64_hmac_of_the_raw_body() {
        let body = br#"{"destination":"U0","events":[]}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(body);
        let good = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert!(signature_ok("secret", body, Some(good.as_bytes())));
        assert!(!signature_ok("other", body, Some(good.as_bytes())));
        assert!(!signature_ok("secret", b"{}", Some(good.as_bytes())));
        assert!(!signature_ok("secret", body, None));
        assert!(!signature_ok("secret", body, Some(b"not base64!")));
    }

    #[test]
    fn a_retry_key_is_a_uuid_that_stays_the_same() {
        let key = retry_uuid("line:status_changed:42");
        assert_eq!(key, retry_uuid("line:status_changed:42"));
        assert_ne!(key, retry_uuid("line:status_changed:43"));
        let groups: Vec<usize> = key.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&key[14..15], "4");
    }
}
