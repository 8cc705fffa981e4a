//! LINE push messages: the outbox's LINE rows sent to the resident's chat
//! through the Messaging API (`POST /v2/bot/message/push`).

use entity::outbox_message::{self, MessageChannel};

use super::{DeliveryError, Transport};
use crate::line::{LineApi, LineError};

#[async_trait::async_trait]
impl Transport for LineApi {
    fn channel(&self) -> MessageChannel {
        MessageChannel::Line
    }

    async fn deliver(&self, message: &outbox_message::Model) -> Result<(), DeliveryError> {
        let messages = message.payload.clone().ok_or_else(|| DeliveryError::permanent("no LINE messages to push"))?;
        match self.push(&message.recipient, &messages, &message.dedupe_key).await {
            Ok(()) => Ok(()),
            // LINE is away or busy: the message waits in the outbox.
            Err(LineError::Unreachable(err)) => Err(DeliveryError::transient(err)),
            Err(LineError::Refused(status)) if status.is_server_error() || status.as_u16() == 429 => {
                Err(DeliveryError::transient(format!("LINE answered {status}")))
            }
            // A blocked account, an unknown user, a bad token: trying again
            // would not help.
            Err(err) => Err(DeliveryError::permanent(err)),
        }
    }
}
