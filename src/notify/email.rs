//! E-mail over SMTP (`SIANG_SMTP_URL`, from `SIANG_MAIL_FROM`), with lettre.

use std::time::Duration;

use entity::outbox_message::{self, MessageChannel};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{DeliveryError, Transport};

/// How long one SMTP conversation may take; well inside the sender's lease.
const SMTP_TIMEOUT: Duration = Duration::from_secs(60);

pub struct SmtpTransport {
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpTransport {
    /// `url` as lettre reads it: `smtp://host:25` (plain, for a relay on the
    /// same network), `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://host:465`. `from`: `ชื่อ <address>` or an address.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SIANG_SMTP_URL is not an SMTP address lettre understands: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from.parse().map_err(|e| format!("SIANG_MAIL_FROM {from:?} is not an e-mail address: {e}"))?;
        Ok(Self { smtp, from })
    }
}

#[async_trait::async_trait]
impl Transport for SmtpTransport {
    fn channel(&self) -> MessageChannel {
        MessageChannel::Email
    }

    async fn deliver(&self, message: &outbox_message::Model) -> Result<(), DeliveryError> {
        let to: Mailbox = message.recipient.parse().map_err(DeliveryError::permanent)?;
        let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(message.body_text.clone());
        let body = match &message.body_html {
            Some(html) => MultiPart::alternative()
                .singlepart(text)
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
            None => MultiPart::mixed().singlepart(text),
        };
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .multipart(body)
            .map_err(DeliveryError::permanent)?;
        match self.smtp.send(email).await {
            Ok(_) => Ok(()),
            Err(err) if err.is_permanent() => Err(DeliveryError::permanent(err)),
            Err(err) => Err(DeliveryError::transient(err)),
        }
    }
}
