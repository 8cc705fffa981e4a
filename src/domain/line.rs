//! Residents writing to the agency's LINE Official Account: a short
//! conversation in Thai (what kind of matter, which service, what happened,
//! where, a photo, confirm) that ends in a submission of channel LINE.
//!
//! The conversation lives in the database (`line_conversation`), never in a
//! process, so any instance may take the next message. Each event is handled
//! in one write ([`write::begin`]): the event's `webhookEventId` is recorded
//! (a redelivered event finds it and changes nothing), the conversation moves
//! one step, and at the end the submission is made and the conversation
//! deleted, all or nothing. Two instances given events of one resident at the
//! same time take turns at the write, so one confirmation makes one
//! submission. What to answer comes back as text; sending it is the caller's.
//!
//! Corruption reports are not taken here: the resident is pointed to the
//! website's own channel, which protects the reporter's identity.

use chrono::{DateTime, Duration, Utc};
use entity::enums::{Channel, Kind, Status};
use entity::line_conversation::{self, LineStep};
use entity::{agency, line_webhook_event, service, submission};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QuerySelect, TryInsertResult,
};

use super::error::DomainError;
use super::services;
use super::submissions::intake::{question_title, DETAILS_MAX};
use super::submissions::submit::{submit_within, Receipt};
use super::submissions::{ContactInput, NewSubmission};
use super::validation::{plain_text, single_line};
use super::write;
use crate::i18n::{self, Lang};
use serde_json::{json, Value};

/// How long a handled event's id is remembered: LINE redelivers within
/// hours; a month is ample.
pub const EVENT_MEMORY: Duration = Duration::days(30);

/// How long an unfinished conversation waits for the resident; then it is
/// forgotten, with the LINE user id it holds.
pub const CONVERSATION_MEMORY: Duration = Duration::days(1);

/// Longest place text kept (the submission's `location`).
const LOCATION_MAX: usize = 300;

/// Longest text message LINE takes, in characters.
const TEXT_MAX: usize = 5000;

/// Quick-reply buttons LINE shows at most.
const CHOICES_MAX: usize = 13;

/// A quick-reply button's label, at most this many characters.
const LABEL_MAX: usize = 20;

/// One webhook event from a resident's one-to-one chat.
#[derive(Debug, Clone)]
pub struct Event {
    /// LINE's id of the event, the same on every delivery.
    pub webhook_event_id: String,
    pub user_id: String,
    pub incoming: Incoming,
}

/// What the resident did.
#[derive(Debug, Clone)]
pub enum Incoming {
    Text(String),
    /// A place picked on LINE's map.
    Location {
        address: String,
        latitude: f64,
        longitude: f64,
    },
    /// A photo; `readable` is whether its content could be fetched as an image.
    Image {
        message_id: String,
        readable: bool,
    },
    /// The resident added the account as a friend.
    Follow,
    /// The resident blocked the account: the conversation is forgotten.
    Unfollow,
    /// Anything else (a sticker, a video…).
    Other,
}

/// One message to send back.
#[derive(Debug, Clone, PartialEq)]
pub struct Say {
    pub text: String,
    pub choices: Vec<Choice>,
}

/// A quick-reply button.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// Sends `text` as the resident's message.
    Message {
        label: String,
        text: String,
    },
    /// Opens LINE's map to send a place.
    Location(String),
    Camera(String),
    CameraRoll(String),
}

/// What an event led to.
#[derive(Debug, Clone)]
pub struct Handled {
    pub says: Vec<Say>,
    /// The submission made, when the resident confirmed.
    pub receipt: Option<Receipt>,
    /// The submission's photo still to fetch from LINE and attach
    /// (`photos::attach`): decoding it is no work for the write's transaction.
    pub photo: Option<PhotoToAttach>,
}

/// A LINE image message to attach to a submission just made.
#[derive(Debug, Clone)]
pub struct PhotoToAttach {
    pub submission_id: i64,
    pub message_id: String,
}

/// Says, after the receipt, that the photo could not be kept.
pub fn photo_not_kept() -> Say {
    Say { text: i18n::t(Lang::Th, "line.photo_not_kept").to_owned(), choices: Vec::new() }
}

/// Handles one event of a resident's conversation; `site` is the portal's
/// address (`https://host`) for links. `None`: the event had been handled
/// already, and nothing was done.
pub async fn handle(
    db: &DatabaseConnection,
    agency: &agency::Model,
    event: Event,
    site: &str,
    now: DateTime<Utc>,
) -> Result<Option<Handled>, DomainError> {
    let txn = write::begin(db, agency.id).await?;
    let first = line_webhook_event::Entity::insert(line_webhook_event::ActiveModel {
        agency_id: Set(agency.id),
        webhook_event_id: Set(event.webhook_event_id.clone()),
        received_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([line_webhook_event::Column::AgencyId, line_webhook_event::Column::WebhookEventId])
            .do_nothing()
            .to_owned(),
    )
    .do_nothing()
    .exec(&txn)
    .await?;
    if !matches!(first, TryInsertResult::Inserted(_)) {
        return Ok(None);
    }
    let conversation = line_conversation::Entity::find()
        .filter(line_conversation::Column::AgencyId.eq(agency.id))
        .filter(line_conversation::Column::LineUserId.eq(&event.user_id))
        .one(&txn)
        .await?
        // One left idle too long starts afresh.
        .filter(|c| c.updated_at > now - CONVERSATION_MEMORY);
    let services = services::active(&txn, agency.id).await?;
    let texts = Texts { agency, site, services: &services };
    let next = step(&texts, conversation.as_ref(), &event.incoming);

    let (mut receipt, mut photo) = (None, None);
    let says = match next {
        Next::Stay(says) => says,
        Next::End(says) => {
            forget(&txn, agency.id, &event.user_id).await?;
            says
        }
        Next::Move { step, answers, says } => {
            let row = line_conversation::ActiveModel {
                agency_id: Set(agency.id),
                line_user_id: Set(event.user_id.clone()),
                step: Set(step),
                kind: Set(answers.kind),
                service: Set(answers.service),
                details: Set(answers.details),
                location: Set(answers.location),
                photo_message_id: Set(answers.photo_message_id),
                updated_at: Set(now),
                ..Default::default()
            };
            match conversation {
                Some(existing) => {
                    let mut row = row;
                    row.id = Set(existing.id);
                    row.update(&txn).await?;
                }
                None => {
                    // An idle one may still have its row: it makes way.
                    forget(&txn, agency.id, &event.user_id).await?;
                    row.insert(&txn).await?;
                }
            }
            says
        }
        Next::Submit(answers) => {
            let message_id = answers.photo_message_id.clone();
            let input = answers.submission(&event.user_id);
            forget(&txn, agency.id, &event.user_id).await?;
            match submit_within(&txn, agency, input, Channel::Line, now).await {
                Ok(made) => {
                    if let Some(message_id) = message_id {
                        let submission_id = submission::Entity::find()
                            .select_only()
                            .column(submission::Column::Id)
                            .filter(submission::Column::AgencyId.eq(agency.id))
                            .filter(submission::Column::TrackingCode.eq(&made.tracking_code))
                            .into_tuple::<i64>()
                            .one(&txn)
                            .await?;
                        photo = submission_id.map(|submission_id| PhotoToAttach { submission_id, message_id });
                    }
                    let says = texts.receipt(&made);
                    receipt = Some(made);
                    says
                }
                // The steps checked every answer; should a rule still refuse
                // one, the resident starts again rather than being stuck.
                Err(DomainError::Invalid(_)) => vec![texts.say("line.not_saved")],
                Err(other) => return Err(other),
            }
        }
    };
    txn.commit().await?;
    Ok(Some(Handled { says, receipt, photo }))
}

/// Deletes the resident's conversation, if any.
async fn forget(db: &impl ConnectionTrait, agency_id: i64, user_id: &str) -> Result<(), DbErr> {
    line_conversation::Entity::delete_many()
        .filter(line_conversation::Column::AgencyId.eq(agency_id))
        .filter(line_conversation::Column::LineUserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets handled events older than [`EVENT_MEMORY`] and conversations
/// idle for longer than [`CONVERSATION_MEMORY`] (with their LINE user ids).
pub async fn forget_old(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let events = line_webhook_event::Entity::delete_many()
        .filter(line_webhook_event::Column::ReceivedAt.lte(now - EVENT_MEMORY))
        .exec(db)
        .await?;
    let conversations = line_conversation::Entity::delete_many()
        .filter(line_conversation::Column::UpdatedAt.lte(now - CONVERSATION_MEMORY))
        .exec(db)
        .await?;
    Ok(events.rows_affected + conversations.rows_affected)
}

/// The answers so far.
#[derive(Debug, Clone, Default)]
struct Answers {
    kind: Option<String>,
    service: Option<String>,
    details: Option<String>,
    location: Option<String>,
    photo_message_id: Option<String>,
}

impl Answers {
    fn of(conversation: &line_conversation::Model) -> Self {
        Self {
            kind: conversation.kind.clone(),
            service: conversation.service.clone(),
            details: conversation.details.clone(),
            location: conversation.location.clone(),
            photo_message_id: conversation.photo_message_id.clone(),
        }
    }

    /// The submission the resident confirmed: their LINE user id is its
    /// contact, consented to on the summary's notice.
    fn submission(self, user_id: &str) -> NewSubmission {
        let details = self.details.unwrap_or_default();
        let kind = self.kind.unwrap_or_default();
        NewSubmission {
            subject: if kind == Kind::ServiceFeedback.to_value() { String::new() } else { question_title(&details) },
            kind,
            details,
            service: self.service.unwrap_or_default(),
            location: self.location.unwrap_or_default(),
            contact: ContactInput { line_user_id: user_id.to_owned(), ..Default::default() },
            consent: true,
            ..Default::default()
        }
    }
}

/// Where an event takes the conversation.
#[derive(Debug)]
enum Next {
    /// Nothing changes; answer this.
    Stay(Vec<Say>),
    /// The conversation ends (cancelled, or pointed elsewhere).
    End(Vec<Say>),
    Move {
        step: LineStep,
        answers: Answers,
        says: Vec<Say>,
    },
    /// The resident confirmed.
    Submit(Answers),
}

/// The kinds a resident may send over LINE, in the order offered.
const KINDS: [Kind; 4] = [Kind::Complaint, Kind::Suggestion, Kind::ServiceFeedback, Kind::Corruption];

/// The next step, from where the conversation is and what the resident did.
fn step(texts: &Texts, conversation: Option<&line_conversation::Model>, incoming: &Incoming) -> Next {
    let said = match incoming {
        Incoming::Text(text) => Some(text.trim()),
        _ => None,
    };
    if matches!(incoming, Incoming::Unfollow) {
        return Next::End(Vec::new());
    }
    let Some(conversation) = conversation else {
        // A new conversation: a kind named straight away is taken.
        return match said.and_then(|text| texts.kind_named(text)) {
            Some(kind) => chose_kind(texts, kind),
            None => Next::Move { step: LineStep::Kind, answers: Answers::default(), says: vec![texts.greeting()] },
        };
    };
    if said.is_some_and(|text| texts.is_choice(text, "cancel")) {
        return Next::End(vec![texts.say("line.cancelled")]);
    }
    let mut answers = Answers::of(conversation);
    let skipped = said.is_some_and(|text| texts.is_choice(text, "skip"));
    match (conversation.step, incoming) {
        (LineStep::Kind, _) => match said.and_then(|text| texts.kind_named(text)) {
            Some(kind) => chose_kind(texts, kind),
            None => Next::Stay(vec![texts.ask_kind()]),
        },
        (LineStep::Service, _) => match said.and_then(|text| texts.service_named(text)) {
            Some(service) => {
                answers.service = Some(service.slug.clone());
                Next::Move { step: LineStep::Details, answers, says: vec![texts.ask("line.ask_feedback")] }
            }
            None => Next::Stay(vec![texts.ask_service()]),
        },
        (LineStep::Details, Incoming::Text(text)) => {
            let text = text.trim();
            if text.is_empty() || text.chars().count() > DETAILS_MAX as usize || plain_text(text).is_err() {
                return Next::Stay(vec![texts.ask("line.details_bad")]);
            }
            answers.details = Some(text.to_owned());
            Next::Move { step: LineStep::Location, answers, says: vec![texts.ask_location()] }
        }
        (LineStep::Details, _) => Next::Stay(vec![texts.ask("line.ask_details")]),
        (LineStep::Location, Incoming::Location { address, latitude, longitude }) => {
            let place = format!("{} ({latitude:.6}, {longitude:.6})", one_line(address));
            answers.location = Some(cut(place.trim(), LOCATION_MAX));
            Next::Move { step: LineStep::Photo, answers, says: vec![texts.ask_photo()] }
        }
        (LineStep::Location, Incoming::Text(text)) => {
            if !skipped {
                let place = one_line(text);
                if place.is_empty() || place.chars().count() > LOCATION_MAX || single_line(&place).is_err() {
                    return Next::Stay(vec![texts.ask_location_again()]);
                }
                answers.location = Some(place);
            }
            Next::Move { step: LineStep::Photo, answers, says: vec![texts.ask_photo()] }
        }
        (LineStep::Location, _) => Next::Stay(vec![texts.ask_location()]),
        (LineStep::Photo, Incoming::Image { message_id, readable: true }) => {
            answers.photo_message_id = Some(message_id.clone());
            let says = vec![texts.summary(&answers)];
            Next::Move { step: LineStep::Confirm, answers, says }
        }
        (LineStep::Photo, Incoming::Image { readable: false, .. }) => Next::Stay(vec![texts.ask_photo_again()]),
        (LineStep::Photo, _) if skipped => {
            let says = vec![texts.summary(&answers)];
            Next::Move { step: LineStep::Confirm, answers, says }
        }
        (LineStep::Photo, _) => Next::Stay(vec![texts.ask_photo()]),
        (LineStep::Confirm, _) if said.is_some_and(|text| texts.is_choice(text, "confirm")) => Next::Submit(answers),
        (LineStep::Confirm, _) => Next::Stay(vec![texts.summary(&answers)]),
    }
}

/// After the resident named a kind.
fn chose_kind(texts: &Texts, kind: Kind) -> Next {
    let answers = Answers { kind: Some(kind.to_value()), ..Default::default() };
    match kind {
        Kind::Corruption => {
            Next::End(vec![texts.say_with("line.corruption", &[("url", &format!("{}/report-corruption", texts.site))])])
        }
        Kind::ServiceFeedback if texts.services.is_empty() => Next::Stay(vec![texts.ask_kind_again()]),
        Kind::ServiceFeedback => Next::Move { step: LineStep::Service, answers, says: vec![texts.ask_service()] },
        _ => Next::Move { step: LineStep::Details, answers, says: vec![texts.ask("line.ask_details")] },
    }
}

/// Text on one line, spaces squeezed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters.
fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The bot's words (Thai: residents write to the agency in Thai), from the
/// translation files.
struct Texts<'a> {
    agency: &'a agency::Model,
    site: &'a str,
    services: &'a [service::Model],
}

impl Texts<'_> {
    fn text(&self, key: &str) -> String {
        i18n::t(Lang::Th, key).to_owned()
    }

    fn say(&self, key: &str) -> Say {
        Say { text: self.text(key), choices: Vec::new() }
    }

    fn say_with(&self, key: &str, args: &[(&str, &str)]) -> Say {
        Say { text: i18n::t_with(Lang::Th, key, args), choices: Vec::new() }
    }

    /// A question with the cancel button.
    fn ask(&self, key: &str) -> Say {
        Say { text: self.text(key), choices: vec![self.button("cancel")] }
    }

    fn button(&self, choice: &str) -> Choice {
        let text = self.text(&format!("line.choice.{choice}"));
        Choice::Message { label: text.clone(), text }
    }

    /// Whether `said` is the button `choice`, in Thai or English.
    fn is_choice(&self, said: &str, choice: &str) -> bool {
        let key = format!("line.choice.{choice}");
        [Lang::Th, Lang::En].iter().any(|&lang| i18n::t(lang, &key).eq_ignore_ascii_case(said))
    }

    fn greeting(&self) -> Say {
        let mut say = self.ask_kind();
        say.text =
            format!("{}\n{}", i18n::t_with(Lang::Th, "line.greeting", &[("agency", &self.agency.name_th)]), say.text);
        say
    }

    fn ask_kind(&self) -> Say {
        Say {
            text: self.text("line.ask_kind"),
            choices: KINDS.iter().map(|kind| self.button(&kind.to_value())).collect(),
        }
    }

    fn ask_kind_again(&self) -> Say {
        let mut say = self.ask_kind();
        say.text = format!("{}\n{}", self.text("line.no_services"), say.text);
        say
    }

    /// The kind `said` names: its button, or its number in the list.
    fn kind_named(&self, said: &str) -> Option<Kind> {
        KINDS.iter().enumerate().find_map(|(i, kind)| {
            (self.is_choice(said, &kind.to_value()) || said == (i + 1).to_string()).then_some(*kind)
        })
    }

    fn ask_service(&self) -> Say {
        let list: Vec<String> =
            self.services.iter().enumerate().map(|(i, service)| format!("{}. {}", i + 1, service.name_th)).collect();
        let mut choices: Vec<Choice> = self
            .services
            .iter()
            .take(CHOICES_MAX - 1)
            .map(|service| Choice::Message { label: label(&service.name_th), text: service.name_th.clone() })
            .collect();
        choices.push(self.button("cancel"));
        Say { text: i18n::t_with(Lang::Th, "line.ask_service", &[("list", &list.join("\n"))]), choices }
    }

    /// The service `said` names: its Thai name, or its number in the list.
    fn service_named(&self, said: &str) -> Option<&service::Model> {
        self.services
            .iter()
            .enumerate()
            .find_map(|(i, service)| (service.name_th == said || said == (i + 1).to_string()).then_some(service))
    }

    fn ask_location(&self) -> Say {
        Say {
            text: self.text("line.ask_location"),
            choices: vec![
                Choice::Location(self.text("line.choice.location")),
                self.button("skip"),
                self.button("cancel"),
            ],
        }
    }

    fn ask_location_again(&self) -> Say {
        let mut say = self.ask_location();
        say.text = self.text("line.location_bad");
        say
    }

    fn ask_photo(&self) -> Say {
        Say {
            text: self.text("line.ask_photo"),
            choices: vec![
                Choice::Camera(self.text("line.choice.camera")),
                Choice::CameraRoll(self.text("line.choice.camera_roll")),
                self.button("skip"),
                self.button("cancel"),
            ],
        }
    }

    fn ask_photo_again(&self) -> Say {
        let mut say = self.ask_photo();
        say.text = self.text("line.photo_bad");
        say
    }

    /// What will be sent, with the notice the resident consents to.
    fn summary(&self, answers: &Answers) -> Say {
        let none = self.text("line.none");
        let kind = answers.kind.as_deref().unwrap_or_default();
        let service = answers
            .service
            .as_deref()
            .and_then(|slug| self.services.iter().find(|s| s.slug == slug))
            .map(|s| i18n::t_with(Lang::Th, "line.summary_service", &[("name", &s.name_th)]))
            .unwrap_or_default();
        let photo = if answers.photo_message_id.is_some() { self.text("line.photo_attached") } else { none.clone() };
        let text = i18n::t_with(
            Lang::Th,
            "line.summary",
            &[
                ("kind", i18n::t(Lang::Th, &format!("kind.{kind}"))),
                ("service", &service),
                ("details", answers.details.as_deref().unwrap_or_default()),
                ("location", answers.location.as_deref().unwrap_or(&none)),
                ("photo", &photo),
                ("privacy_url", &format!("{}/privacy", self.site)),
            ],
        );
        Say { text, choices: vec![self.button("confirm"), self.button("cancel")] }
    }

    /// The tracking code, then the access key in a message of its own (the
    /// chat is the resident's alone).
    fn receipt(&self, receipt: &Receipt) -> Vec<Say> {
        vec![
            self.say_with(
                "line.received",
                &[("code", &receipt.tracking_code), ("track_url", &format!("{}/track", self.site))],
            ),
            self.say_with("line.access_key", &[("key", &receipt.access_key)]),
        ]
    }
}

/// News of a resident's submission for their LINE chat (pushed through the
/// outbox): a status change, or staff's public reply (`reply`), with what
/// staff wrote for them.
pub fn news(
    agency: &agency::Model,
    item: &submission::Model,
    reply: bool,
    status: Status,
    message: Option<&str>,
) -> Say {
    let code = item.tracking_code.as_str();
    let lead = match reply {
        true => i18n::t_with(Lang::Th, "line.news.reply", &[("agency", &agency.name_th), ("code", code)]),
        false => {
            let status = i18n::t(Lang::Th, &format!("status.{}", status.to_value())).to_owned();
            i18n::t_with(
                Lang::Th,
                "line.news.status",
                &[("agency", &agency.name_th), ("code", code), ("status", &status)],
            )
        }
    };
    let text = match message {
        Some(message) => format!("{lead}\n\n{message}"),
        None => lead,
    };
    Say { text, choices: Vec::new() }
}

/// LINE's message objects for `says` (its Messaging API's JSON): text,
/// with quick-reply buttons on a message that has choices.
pub fn message_objects(says: &[Say]) -> Vec<Value> {
    says.iter()
        .map(|say| {
            let text: String = say.text.chars().take(TEXT_MAX).collect();
            let mut message = json!({ "type": "text", "text": text });
            if !say.choices.is_empty() {
                let items: Vec<Value> = say
                    .choices
                    .iter()
                    .map(|choice| {
                        let action = match choice {
                            Choice::Message { label, text } => {
                                json!({ "type": "message", "label": label, "text": text })
                            }
                            Choice::Location(label) => json!({ "type": "location", "label": label }),
                            Choice::Camera(label) => json!({ "type": "camera", "label": label }),
                            Choice::CameraRoll(label) => json!({ "type": "cameraRoll", "label": label }),
                        };
                        json!({ "type": "action", "action": action })
                    })
                    .collect();
                message["quickReply"] = json!({ "items": items });
            }
            message
        })
        .collect()
}

/// A button label within LINE's limit.
fn label(text: &str) -> String {
    if text.chars().count() <= LABEL_MAX {
        text.to_owned()
    } else {
        format!("{}…", cut(text, LABEL_MAX - 1))
    }
}
