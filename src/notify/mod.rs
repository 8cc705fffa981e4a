//! Delivering what the outbox holds (`domain::outbox`): one [`Transport`]
//! per channel (e-mail, LINE), and the [`sender::Sender`]
//! that claims due messages and hands each to its channel's transport,
//! knowing nothing of any channel itself.

pub mod email;
pub mod letters;
pub mod line;
pub mod sender;

use std::sync::Arc;

use entity::outbox_message::{self, MessageChannel};

use crate::config::ServerConfig;

/// The transports the configuration asks for (none: nothing is sent).
pub fn transports(config: &ServerConfig) -> Result<Vec<Arc<dyn Transport>>, String> {
    let mut transports: Vec<Arc<dyn Transport>> = Vec::new();
    if let Some(url) = &config.smtp_url {
        let from = config.mail_from.as_deref().ok_or("SIANG_MAIL_FROM is needed with SIANG_SMTP_URL")?;
        transports.push(Arc::new(email::SmtpTransport::new(url, from)?));
    }
    if let Some(line) = crate::line::LineApi::new(&config.line).filter(|line| line.can_send()) {
        transports.push(Arc::new(line));
    }
    Ok(transports)
}

/// A way of delivering the messages of one channel.
#[async_trait::async_trait]
pub trait Transport: Send + Sync {
    /// The channel whose messages this delivers.
    fn channel(&self) -> MessageChannel;

    /// Delivers one message; `Ok` once the other side has accepted it.
    async fn deliver(&self, message: &outbox_message::Model) -> Result<(), DeliveryError>;
}

/// Why a delivery failed, and whether trying again could help.
#[derive(Debug, Clone)]
pub struct DeliveryError {
    pub reason: String,
    /// The other side refused for good (a bad address, a 5xx answer): the
    /// message is marked failed without further attempts.
    pub permanent: bool,
}

impl DeliveryError {
    pub fn transient(reason: impl ToString) -> Self {
        Self { reason: reason.to_string(), permanent: false }
    }

    pub fn permanent(reason: impl ToString) -> Self {
        Self { reason: reason.to_string(), permanent: true }
    }
}
