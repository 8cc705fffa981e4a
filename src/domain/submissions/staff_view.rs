//! Everything about one submission that a staff member may see.

use chrono::{DateTime, Utc};
use entity::enums::{EventKind, Kind, Status};
use entity::{
    contact, corruption_detail, department, publication, service, staff_user, submission, submission_event,
    submission_indicator, submission_rating, submission_verdict,
};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::outcome::Closing;
use super::{questions, verdict, workflow};
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::error::DomainError;
use crate::domain::permissions;
use crate::domain::photos;

/// What the staff member may learn about the submitter.
#[derive(Debug, Clone)]
pub enum ContactView {
    /// The submitter gave none (or stayed anonymous).
    NoneGiven,
    /// This role never sees contact data.
    Withheld,
    /// A corruption reporter's identity: shown only on an explicit, audited request.
    Protected,
    Shown(contact::Model),
}

#[derive(Debug, Clone)]
pub struct EventView {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub public: bool,
    pub status: Option<Status>,
    pub message: Option<String>,
    pub actor: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StaffSubmission {
    pub item: submission::Model,
    pub service: Option<service::Model>,
    pub department: Option<department::Model>,
    pub assignee: Option<String>,
    pub indicators: Vec<i16>,
    /// Each answered question with its answer (1–4).
    pub ratings: Vec<(&'static questions::Question, i16)>,
    pub corruption: Option<corruption_detail::Model>,
    pub contact: ContactView,
    pub events: Vec<EventView>,
    pub can_work: bool,
    /// Whether this staff member may publish it to the participation log.
    pub can_publish: bool,
    /// Its publication, live or withdrawn, if it ever had one.
    pub publication: Option<publication::Model>,
    pub next_statuses: &'static [Status],
    /// The resident's verdict, with the comments meant for staff.
    pub verdict: Option<submission_verdict::Model>,
    /// What came of it, while closed (`outcome::Closing`).
    pub outcome: Option<Closing>,
    /// Closed, and this staff member may work it: they may reopen it.
    pub can_reopen: bool,
    /// The messages sent (or waiting, or failed) about it, newest first.
    pub messages: Vec<MessageView>,
    /// The resident's photos, in order.
    pub photos: Vec<photos::StaffPhoto>,
    /// A corruption report's photos are sealed like its reporter's
    /// identity: listed only after the explicit, audited reveal.
    pub photos_sealed: bool,
}

/// A message of the outbox as staff see it: to whom (masked), and how
/// its delivery went.
#[derive(Debug, Clone)]
pub struct MessageView {
    pub channel: String,
    pub purpose: String,
    pub recipient: String,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `somchai@example.com` → `so…@ex…`: enough to tell two addresses apart,
/// too little to learn one.
pub fn mask(recipient: &str) -> String {
    let head = |text: &str| text.chars().take(2).collect::<String>();
    match recipient.split_once('@') {
        Some((local, domain)) => format!("{}…@{}…", head(local), head(domain)),
        None => format!("{}…", head(recipient)),
    }
}

/// Loads the submission for `actor`, or refuses.
pub async fn load(db: &DatabaseConnection, actor: &Staff, id: i64) -> Result<StaffSubmission, DomainError> {
    let item = submission::Entity::find_by_id(id)
        .filter(submission::Column::AgencyId.eq(actor.agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !permissions::can_view(actor, &item) {
        return Err(DomainError::Forbidden);
    }
    let service = match item.service_id {
        Some(id) => service::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let department = match item.department_id {
        Some(id) => department::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let staff_names = |ids: Vec<i64>| async move {
        let users = staff_user::Entity::find().filter(staff_user::Column::Id.is_in(ids)).all(db).await?;
        Ok::<_, DomainError>(
            users.into_iter().map(|u| (u.id, u.display_name)).collect::<std::collections::HashMap<_, _>>(),
        )
    };
    let events = submission_event::Entity::find()
        .filter(submission_event::Column::SubmissionId.eq(id))
        .order_by_asc(submission_event::Column::Id)
        .all(db)
        .await?;
    let mut actor_ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).chain(item.assignee_id).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let names = staff_names(actor_ids).await?;
    let events = events
        .into_iter()
        .map(|e| EventView {
            at: e.at,
            kind: e.kind,
            public: e.public,
            status: e.status,
            message: e.message,
            actor: e.actor_id.and_then(|id| names.get(&id).cloned()),
        })
        .collect();
    let indicators = submission_indicator::Entity::find()
        .filter(submission_indicator::Column::SubmissionId.eq(id))
        .order_by_asc(submission_indicator::Column::Indicator)
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.indicator)
        .collect();
    let ratings = submission_rating::Entity::find()
        .filter(submission_rating::Column::SubmissionId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| Some((questions::rated_question(&r.question_id)?, r.value)))
        .collect();
    let corruption =
        if item.kind == Kind::Corruption { corruption_detail::Entity::find_by_id(id).one(db).await? } else { None };
    let contact = contact_view(db, actor, &item, false).await?;
    let publication = publication::Entity::find().filter(publication::Column::SubmissionId.eq(id)).one(db).await?;
    let messages = crate::domain::outbox::of_submission(db, actor.agency_id, id)
        .await?
        .into_iter()
        .map(|m| {
            let to_resident = m.purpose != crate::domain::outbox::Purpose::Assigned.code();
            // Whoever may not see the reporter's contact sees no trace of it.
            let recipient = match (&contact, to_resident) {
                (ContactView::Shown(_), _) | (_, false) => mask(&m.recipient),
                _ => "—".into(),
            };
            MessageView {
                // A mail server's refusal often quotes the address.
                last_error: m.last_error.map(|error| error.replace(&m.recipient, &recipient)),
                recipient,
                channel: m.channel.to_value(),
                purpose: m.purpose,
                state: m.state.to_value(),
                attempts: m.attempts,
                created_at: m.created_at,
            }
        })
        .collect();
    let photos = photos::of_submission(db, item.agency_id, id).await?;
    Ok(StaffSubmission {
        messages,
        photos_sealed: item.kind == Kind::Corruption && !photos.is_empty(),
        photos,
        verdict: verdict::of_item(db, id).await?,
        outcome: Closing::from_columns(item.outcome, item.outcome_reason),
        can_reopen: workflow::is_closed(item.status) && permissions::can_work(actor, &item),
        can_publish: permissions::can_publish(actor, &item),
        publication,
        assignee: item.assignee_id.and_then(|id| names.get(&id).cloned()),
        can_work: permissions::can_work(actor, &item),
        next_statuses: workflow::next_statuses(item.status),
        item,
        service,
        department,
        indicators,
        ratings,
        corruption,
        contact,
        events,
    })
}

async fn contact_view(
    db: &impl ConnectionTrait,
    actor: &Staff,
    item: &submission::Model,
    reveal: bool,
) -> Result<ContactView, DomainError> {
    if !permissions::can_see_contact(actor, item) {
        return Ok(ContactView::Withheld);
    }
    let Some(found) = contact::Entity::find_by_id(item.id).one(db).await? else {
        return Ok(ContactView::NoneGiven);
    };
    if item.kind == Kind::Corruption && !reveal {
        return Ok(ContactView::Protected);
    }
    Ok(ContactView::Shown(found))
}

/// A corruption reporter's identity and the report's photos, for those
/// allowed, with an audit row for every look.
pub async fn reveal_reporter(
    db: &DatabaseConnection,
    actor: &Staff,
    id: i64,
    now: DateTime<Utc>,
) -> Result<StaffSubmission, DomainError> {
    let mut view = load(db, actor, id).await?;
    if !permissions::can_see_contact(actor, &view.item) {
        return Err(DomainError::Forbidden);
    }
    view.contact = contact_view(db, actor, &view.item, true).await?;
    let photos_revealed = std::mem::take(&mut view.photos_sealed);
    if matches!(view.contact, ContactView::Shown(_)) || photos_revealed {
        let entry = Entry::new(Action::ContactViewed).on("submission", id).detail(view.item.tracking_code.clone());
        let txn = crate::domain::write::begin(db, actor.agency_id).await?;
        audit::record(&txn, actor, entry, now).await?;
        txn.commit().await?;
    }
    Ok(view)
}
