//! Who is told what by e-mail, enqueued in the transaction of the event
//! (`outbox`). A resident who gave an e-mail address (with the consent the
//! form asks for any contact data) gets the receipt, status changes and
//! public replies — never internal notes, never staff names. Staff with an
//! e-mail address get the items assigned to their department and a daily
//! digest of what is due. Nothing is enqueued while e-mail is off.
//!
//! A resident who wrote on LINE gets status changes and public replies
//! pushed to their chat (the receipt was the chat's own answer); these wait
//! in the outbox while no instance can push.

use chrono::{DateTime, Duration, Utc};
use entity::enums::{EventKind, Status};
use entity::outbox_message::MessageChannel;
use entity::{agency, contact, submission};
use sea_orm::{ActiveEnum, ConnectionTrait, DbErr, EntityTrait};

use super::actor::Staff;
use super::calendar::local_date;
use super::outbox::{self, MailSettings, NewMessage, Purpose};
use super::permissions;
use crate::i18n::{self, format_date, format_datetime, Lang};
use crate::notify::letters::{languages, Letter, Section};

/// How far ahead the daily digest looks.
pub const DIGEST_AHEAD: Duration = Duration::days(2);

/// The receipt of a resident's submission, with its access key (in the
/// body only: a subject shows in lists and notifications).
pub(crate) async fn receipt(
    txn: &impl ConnectionTrait,
    item: &submission::Model,
    contact: &contact::Model,
    access_key: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(email) = contact.email.as_deref() else { return Ok(()) };
    let Some(settings) = outbox::mail_settings(txn).await? else { return Ok(()) };
    let agency = agency_of(txn, item.agency_id).await?;
    let lang = Lang::from_code(&contact.language).unwrap_or_default();
    let code = item.tracking_code.as_str();
    let sections = languages(lang)
        .iter()
        .map(|&lang| {
            let mut section = Section::new(lang, i18n::t(lang, "mail.greeting").to_owned());
            section.lines = vec![
                i18n::t_with(
                    lang,
                    "mail.receipt.received",
                    &[("agency", agency_name(&agency, lang)), ("at", &format_datetime(lang, item.received_at))],
                ),
                i18n::t_with(lang, "mail.receipt.code", &[("code", code)]),
                i18n::t_with(lang, "mail.receipt.key", &[("key", access_key)]),
                i18n::t_with(lang, "mail.receipt.due", &[("date", &format_date(lang, item.due_at))]),
            ];
            with_track_link(section, &settings, lang)
        })
        .collect();
    let subject = subject(lang, "mail.receipt.subject", &[("code", code)]);
    let letter = Letter { subject, sections, footer: footer(&agency) };
    to_resident(txn, item, email, Purpose::Receipt, format!("email:receipt:{}", item.id), letter, now).await
}

/// A public event on a resident's submission (a status change, a reply, a
/// reopening), for the resident; `message` is what staff wrote for them.
pub(crate) async fn public_event(
    txn: &impl ConnectionTrait,
    item: &submission::Model,
    event_id: i64,
    kind: EventKind,
    status: Option<Status>,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let purpose = match kind {
        EventKind::StatusChanged | EventKind::Reopened => Purpose::StatusChanged,
        EventKind::PublicReply => Purpose::PublicReply,
        _ => return Ok(()),
    };
    let Some(contact) = contact::Entity::find_by_id(item.id).one(txn).await? else { return Ok(()) };
    let agency = agency_of(txn, item.agency_id).await?;
    if let Some(user) = contact.line_user_id.as_deref() {
        let news =
            super::line::news(&agency, item, purpose == Purpose::PublicReply, status.unwrap_or(item.status), message);
        // Enqueued whether or not this instance can push: the message
        // waits in the outbox until an instance with the channel's token sends it.
        let message = NewMessage {
            agency_id: item.agency_id,
            channel: MessageChannel::Line,
            recipient: user.to_owned(),
            subject: news.text.lines().next().unwrap_or_default().to_owned(),
            body_text: news.text.clone(),
            body_html: None,
            payload: Some(serde_json::Value::Array(super::line::message_objects(&[news]))),
            submission_id: Some(item.id),
            purpose,
            dedupe_key: format!("line:{}:{event_id}", purpose.code()),
        };
        outbox::enqueue(txn, message, now).await?;
    }
    let Some(email) = contact.email.as_deref() else { return Ok(()) };
    let Some(settings) = outbox::mail_settings(txn).await? else { return Ok(()) };
    let lang = Lang::from_code(&contact.language).unwrap_or_default();
    let code = item.tracking_code.as_str();
    let status_label = |lang| {
        let status = status.unwrap_or(item.status).to_value();
        i18n::t(lang, &format!("status.{status}")).to_owned()
    };
    let sections = languages(lang)
        .iter()
        .map(|&lang| {
            let mut section = Section::new(lang, i18n::t(lang, "mail.greeting").to_owned());
            let line = match purpose {
                Purpose::PublicReply => {
                    i18n::t_with(lang, "mail.reply.lead", &[("agency", agency_name(&agency, lang)), ("code", code)])
                }
                _ => i18n::t_with(lang, "mail.status.changed", &[("code", code), ("status", &status_label(lang))]),
            };
            section.lines.push(line);
            section.quote = message.map(str::to_owned);
            with_track_link(section, &settings, lang)
        })
        .collect();
    let subject = match purpose {
        Purpose::PublicReply => subject(lang, "mail.reply.subject", &[("code", code)]),
        _ => {
            let (th, en) = (status_label(Lang::Th), status_label(Lang::En));
            let thai = i18n::t_with(Lang::Th, "mail.status.subject", &[("code", code), ("status", &th)]);
            match lang {
                Lang::Th => thai,
                Lang::En => {
                    format!(
                        "{thai} / {}",
                        i18n::t_with(lang, "mail.status.subject", &[("code", code), ("status", &en)])
                    )
                }
            }
        }
    };
    let letter = Letter { subject, sections, footer: footer(&agency) };
    let key = format!("email:{}:{event_id}", purpose.code());
    to_resident(txn, item, email, purpose, key, letter, now).await
}

/// An item newly assigned to a department, for that department's staff who
/// have an e-mail address and may see it.
pub(crate) async fn assigned(
    txn: &impl ConnectionTrait,
    item: &submission::Model,
    event_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(department_id) = item.department_id else { return Ok(()) };
    let Some(settings) = outbox::mail_settings(txn).await? else { return Ok(()) };
    let agency = agency_of(txn, item.agency_id).await?;
    let department = entity::department::Entity::find_by_id(department_id).one(txn).await?;
    let department = department.map(|d| d.name_th).unwrap_or_default();
    for (staff_id, email) in readers(txn, item, department_id).await? {
        let lang = Lang::Th;
        let code = item.tracking_code.as_str();
        let kind = i18n::t(lang, &format!("kind.{}", item.kind.to_value())).to_owned();
        let mut section = Section::new(lang, i18n::t(lang, "mail.greeting_staff").to_owned());
        section.lines = vec![
            i18n::t_with(lang, "mail.assigned.lead", &[("code", code), ("kind", &kind), ("department", &department)]),
            i18n::t_with(
                lang,
                "mail.assigned.due",
                &[("date", &format_date(lang, item.next_due_at.unwrap_or(item.due_at)))],
            ),
        ];
        section.link = staff_link(&settings, lang, item.id);
        let subject = i18n::t_with(lang, "mail.assigned.subject", &[("code", code), ("department", &department)]);
        let letter = Letter { subject, sections: vec![section], footer: footer(&agency) };
        let key = format!("email:assigned:{event_id}:{staff_id}");
        enqueue_letter(txn, item.agency_id, Some(item.id), &email, Purpose::Assigned, key, letter, now).await?;
    }
    Ok(())
}

/// Each department's daily digest of items due within [`DIGEST_AHEAD`] or
/// overdue, to its staff with an e-mail address: once per person per
/// Bangkok day, however many instances ask (the dedupe key). Returns how
/// many were enqueued now.
pub async fn daily_digests(db: &impl ConnectionTrait, agency_id: i64, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let Some(settings) = outbox::mail_settings(db).await? else { return Ok(0) };
    let agency = agency_of(db, agency_id).await?;
    let today = local_date(now);
    let lang = Lang::Th;
    let mut enqueued = 0;
    for department in super::agency::departments(db, agency_id).await? {
        let recipients = outbox::department_addresses(db, agency_id, department.id).await?;
        if recipients.is_empty() {
            continue;
        }
        let items = outbox::due_items(db, agency_id, department.id, DIGEST_AHEAD, now).await?;
        for (staff_id, email) in recipients {
            let Some(staff) = entity::staff_user::Entity::find_by_id(staff_id).one(db).await? else { continue };
            let staff = Staff::from(&staff);
            let visible: Vec<_> = items.iter().filter(|item| permissions::can_view(&staff, item)).collect();
            let (overdue, soon): (Vec<&submission::Model>, Vec<_>) =
                visible.into_iter().partition(|item| item.next_due_at.is_some_and(|due| due < now));
            if overdue.is_empty() && soon.is_empty() {
                continue;
            }
            let line = |item: &submission::Model| {
                let due = format_date(lang, item.next_due_at.unwrap_or(item.due_at));
                i18n::t_with(lang, "mail.digest.item", &[("code", &item.tracking_code), ("date", &due)])
            };
            let mut section = Section::new(lang, i18n::t(lang, "mail.greeting_staff").to_owned());
            for (heading, list) in [("mail.digest.overdue", &overdue), ("mail.digest.soon", &soon)] {
                if !list.is_empty() {
                    section.lines.push(i18n::t_with(lang, heading, &[("count", &list.len().to_string())]));
                    section.lines.extend(list.iter().map(|item| line(item)));
                }
            }
            section.link = settings
                .public_url
                .as_ref()
                .map(|base| (i18n::t(lang, "mail.inbox_link").to_owned(), format!("{base}/staff/inbox")));
            let subject = i18n::t_with(
                lang,
                "mail.digest.subject",
                &[
                    ("department", &department.name_th),
                    ("overdue", &overdue.len().to_string()),
                    ("soon", &soon.len().to_string()),
                ],
            );
            let letter = Letter { subject, sections: vec![section], footer: footer(&agency) };
            let key = format!("email:digest:{}:{today}:{staff_id}", department.id);
            if enqueue_letter(db, agency_id, None, &email, Purpose::Digest, key, letter, now).await? {
                enqueued += 1;
            }
        }
    }
    Ok(enqueued)
}

/// The department's staff with an e-mail address who may see `item`.
async fn readers(
    txn: &impl ConnectionTrait,
    item: &submission::Model,
    department_id: i64,
) -> Result<Vec<(i64, String)>, DbErr> {
    let mut readers = Vec::new();
    for (staff_id, email) in outbox::department_addresses(txn, item.agency_id, department_id).await? {
        if let Some(user) = entity::staff_user::Entity::find_by_id(staff_id).one(txn).await? {
            if permissions::can_view(&Staff::from(&user), item) {
                readers.push((staff_id, email));
            }
        }
    }
    Ok(readers)
}

async fn to_resident(
    txn: &impl ConnectionTrait,
    item: &submission::Model,
    email: &str,
    purpose: Purpose,
    dedupe_key: String,
    letter: Letter,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    enqueue_letter(txn, item.agency_id, Some(item.id), email, purpose, dedupe_key, letter, now).await.map(drop)
}

#[allow(clippy::too_many_arguments)]
async fn enqueue_letter(
    txn: &impl ConnectionTrait,
    agency_id: i64,
    submission_id: Option<i64>,
    email: &str,
    purpose: Purpose,
    dedupe_key: String,
    letter: Letter,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let (body_text, body_html) = letter.bodies().map_err(|e| DbErr::Custom(format!("rendering a message: {e}")))?;
    let message = NewMessage {
        agency_id,
        channel: MessageChannel::Email,
        recipient: email.to_owned(),
        subject: letter.subject,
        body_text,
        body_html: Some(body_html),
        payload: None,
        submission_id,
        purpose,
        dedupe_key,
    };
    outbox::enqueue(txn, message, now).await
}

async fn agency_of(db: &impl ConnectionTrait, agency_id: i64) -> Result<agency::Model, DbErr> {
    agency::Entity::find_by_id(agency_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("agency {agency_id}")))
}

fn agency_name(agency: &agency::Model, lang: Lang) -> &str {
    match lang {
        Lang::En if !agency.name_en.is_empty() => &agency.name_en,
        _ => &agency.name_th,
    }
}

/// A subject in Thai, and in English after it for an English reader.
fn subject(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let thai = i18n::t_with(Lang::Th, key, args);
    match lang {
        Lang::Th => thai,
        Lang::En => format!("{thai} / {}", i18n::t_with(Lang::En, key, args)),
    }
}

fn footer(agency: &agency::Model) -> String {
    i18n::t_with(Lang::Th, "mail.footer", &[("agency", &agency.name_th)])
}

/// The tracking page's address, or how to find it when the portal's public
/// address is not configured.
fn with_track_link(mut section: Section, settings: &MailSettings, lang: Lang) -> Section {
    match &settings.public_url {
        Some(base) => section.link = Some((i18n::t(lang, "mail.track_link").to_owned(), format!("{base}/track"))),
        None => section.lines.push(i18n::t(lang, "mail.track_hint").to_owned()),
    }
    section
}

fn staff_link(settings: &MailSettings, lang: Lang, id: i64) -> Option<(String, String)> {
    let base = settings.public_url.as_ref()?;
    Some((i18n::t(lang, "mail.staff_link").to_owned(), format!("{base}/staff/submissions/{id}")))
}
