//! `siang demo --synthetic N`: the demonstration agency plus N generated
//! submissions spread over five fiscal years, for the benchmark in `bench/`.
//! Rows go in as multi-row INSERTs, thousands per transaction, bypassing the
//! per-item domain functions that would take hours at a million rows; the
//! rows themselves are shaped as those functions would leave them (timeline
//! events, indicator links, ratings, contacts, publications, due dates and a
//! tracking counter that later submissions continue from).

use chrono::{DateTime, Duration, Utc};
use entity::activity::ActivityKind;
use entity::enums::{Channel, EventKind, Kind, OutcomeReason, Status};
use entity::{
    contact, corruption_detail, publication, submission, submission_event, submission_indicator, submission_rating,
    tracking_counter,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    QuerySelect, Statement,
};

use super::Loaded;
use crate::domain::calendar::{fiscal_month, fiscal_year, local_date};
use crate::domain::participation::activities::{save_activity, ActivityInput};
use crate::domain::submissions::access::{hash_access_key, tracking_code};
use crate::domain::submissions::outcome::Closing;
use crate::domain::submissions::questions;
use crate::domain::tally::{Changes, Counted};
use crate::domain::write;

/// Submissions per transaction and per INSERT batch.
const CHUNK: usize = 5_000;
/// Rows per multi-row INSERT: under SQLite's and PostgreSQL's bind limits
/// for the widest table (submission, 25 columns).
const ROWS_PER_INSERT: usize = 1_000;
/// How far back the generated history reaches.
const YEARS: i32 = 5;

#[derive(Debug, Default)]
pub struct Generated {
    pub submissions: usize,
    pub published: usize,
    pub activities: usize,
}

/// Adds `count` synthetic submissions (and one published activity per
/// thousand) to a database that has just received the demo.
pub async fn generate(
    db: &DatabaseConnection,
    demo: &Loaded,
    count: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<Generated> {
    let mut rng = StdRng::seed_from_u64(2569);
    let catalogue = Catalogue::load(db, demo).await?;
    let first_id: i64 = submission::Entity::find()
        .select_only()
        .expr(Expr::col(submission::Column::Id).max())
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0)
        + 1;
    let mut counters = Counters::load(db, demo.agency.id).await?;

    // Receipts evenly spread from the first day of the oldest fiscal year to
    // now, in id order, as a real inbox fills.
    let current_year = fiscal_year(local_date(now));
    let start = fiscal_year_start(current_year - YEARS + 1);
    let step = (now - start) / i32::try_from(count.max(1))?;

    let mut generated = Generated::default();
    let mut index = 0;
    while index < count {
        let end = (index + CHUNK).min(count);
        let mut rows = Rows::default();
        for i in index..end {
            let id = first_id + i as i64;
            let received =
                start + step * i as i32 + Duration::seconds(rng.random_range(0..step.num_seconds().clamp(1, 60)));
            let sequence = counters.next(fiscal_year(local_date(received)));
            rows.add(&mut rng, &catalogue, demo, id, sequence, received, now);
        }
        generated.published += rows.publications.len();
        rows.insert(db, demo.agency.id).await?;
        index = end;
        generated.submissions = end;
    }
    counters.save(db, demo.agency.id).await?;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // Explicit ids leave the sequence behind; the next real one continues after them.
        db.execute(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT setval(pg_get_serial_sequence('submission', 'id'), (SELECT MAX(id) FROM submission))",
        ))
        .await?;
    }
    generated.activities = activities(db, demo, &mut rng, count / 1_000, start, now).await?;
    Ok(generated)
}

/// 1 October of a fiscal year's first day, 09:00 Bangkok.
fn fiscal_year_start(year: i32) -> DateTime<Utc> {
    let gregorian = year - crate::domain::calendar::BUDDHIST_ERA_OFFSET - 1;
    super::at(gregorian, 10, 1)
}

/// What the generated rows refer to: the demo's departments and services.
struct Catalogue {
    departments: Vec<i64>,
    /// (service id, its department)
    services: Vec<(i64, Option<i64>)>,
}

impl Catalogue {
    async fn load(db: &DatabaseConnection, demo: &Loaded) -> anyhow::Result<Self> {
        let departments = crate::domain::agency::departments(db, demo.agency.id).await?;
        let services = crate::domain::services::all(db, demo.agency.id).await?;
        anyhow::ensure!(!departments.is_empty() && !services.is_empty(), "the demo has departments and services");
        Ok(Self {
            departments: departments.iter().map(|d| d.id).collect(),
            services: services.iter().map(|s| (s.id, s.department_id)).collect(),
        })
    }
}

/// The tracking counter of each fiscal year, continued from what is stored.
struct Counters(Vec<(i32, i64)>);

impl Counters {
    async fn load(db: &DatabaseConnection, agency_id: i64) -> anyhow::Result<Self> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let stored =
            tracking_counter::Entity::find().filter(tracking_counter::Column::AgencyId.eq(agency_id)).all(db).await?;
        Ok(Self(stored.into_iter().map(|c| (c.fiscal_year, c.last_value)).collect()))
    }

    fn next(&mut self, year: i32) -> i64 {
        match self.0.iter_mut().find(|(y, _)| *y == year) {
            Some((_, last)) => {
                *last += 1;
                *last
            }
            None => {
                self.0.push((year, 1));
                1
            }
        }
    }

    async fn save(&self, db: &DatabaseConnection, agency_id: i64) -> anyhow::Result<()> {
        use tracking_counter::Column;
        for (year, last) in &self.0 {
            tracking_counter::Entity::insert(tracking_counter::ActiveModel {
                agency_id: Set(agency_id),
                fiscal_year: Set(*year),
                last_value: Set(*last),
            })
            .on_conflict(
                OnConflict::columns([Column::AgencyId, Column::FiscalYear]).update_column(Column::LastValue).to_owned(),
            )
            .exec(db)
            .await?;
        }
        Ok(())
    }
}

/// One transaction's worth of rows, table by table.
#[derive(Default)]
struct Rows {
    submissions: Vec<submission::ActiveModel>,
    events: Vec<submission_event::ActiveModel>,
    indicators: Vec<submission_indicator::ActiveModel>,
    ratings: Vec<submission_rating::ActiveModel>,
    contacts: Vec<contact::ActiveModel>,
    corruption: Vec<corruption_detail::ActiveModel>,
    publications: Vec<publication::ActiveModel>,
    /// The counts of the chunk's submissions, kept in the chunk's transaction.
    counts: Changes,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Picks by weight: `[(item, weight)]`.
fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[0].0
}

impl Rows {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        rng: &mut StdRng,
        catalogue: &Catalogue,
        demo: &Loaded,
        id: i64,
        sequence: i64,
        received: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        let kind = weighted(
            rng,
            &[
                (Kind::ServiceFeedback, 30),
                (Kind::Complaint, 35),
                (Kind::Suggestion, 18),
                (Kind::Question, 12),
                (Kind::Corruption, 5),
            ],
        );
        let channel = weighted(
            rng,
            &[
                (Channel::Web, 60),
                (Channel::WalkIn, 14),
                (Channel::Phone, 10),
                (Channel::Letter, 4),
                (Channel::Facebook, 6),
                (Channel::Line, 6),
            ],
        );
        let service = match kind {
            Kind::ServiceFeedback => Some(*pick(rng, &catalogue.services)),
            Kind::Complaint if rng.random_bool(0.4) => Some(*pick(rng, &catalogue.services)),
            _ => None,
        };
        let place = place(rng);
        let (subject, details) = match kind {
            Kind::ServiceFeedback => ("ความคิดเห็นต่อการให้บริการ".to_owned(), feedback_comment(rng)),
            _ => {
                let subject = (*pick(rng, subjects(kind))).to_owned();
                let details = format!("{subject} บริเวณ{place} {} {}", pick(rng, SITUATIONS), pick(rng, REQUESTS));
                (subject, details)
            }
        };
        let year = fiscal_year(local_date(received));
        let due_at = received + Duration::days(i64::from(demo.agency.first_answer_days));
        let close_due_at = received + Duration::days(i64::from(demo.agency.closing_days));
        let age_days = (now - received).num_days();

        // Older items are mostly closed; recent ones are still being worked.
        let status = if kind == Kind::ServiceFeedback {
            if age_days > 30 {
                Status::Resolved
            } else {
                Status::Received
            }
        } else if age_days > 60 {
            weighted(
                rng,
                &[
                    (Status::Resolved, 72),
                    (Status::Rejected, 8),
                    (Status::Referred, 6),
                    (Status::InProgress, 10),
                    (Status::Accepted, 4),
                ],
            )
        } else {
            weighted(
                rng,
                &[(Status::Received, 35), (Status::Accepted, 20), (Status::InProgress, 30), (Status::Resolved, 15)],
            )
        };
        let closed = matches!(status, Status::Resolved | Status::Rejected | Status::Referred);
        // Closed is not fixed: some resolved items were done partly, or not at all.
        let closing = match status {
            Status::Resolved => Some(weighted(
                rng,
                &[
                    (Closing::Fixed, 78),
                    (Closing::Partly, 12),
                    (Closing::NotPossible(OutcomeReason::Budget), 5),
                    (Closing::NotPossible(OutcomeReason::NotFound), 3),
                    (Closing::NotPossible(OutcomeReason::Duplicate), 2),
                ],
            )),
            other => Closing::implied_by(other),
        };
        let answered = status != Status::Received;
        let first_answered_at = answered.then(|| (received + Duration::hours(rng.random_range(2..24 * 20))).min(now));
        let closed_at = closed.then(|| {
            let after_answer = Duration::hours(rng.random_range(0..24 * 40));
            (first_answered_at.unwrap_or(received) + after_answer).min(now)
        });
        let next_due_at = match (closed, answered) {
            (true, _) => None,
            (false, true) => Some(close_due_at),
            (false, false) => Some(due_at),
        };
        let department_id = match (service, answered) {
            (Some((_, Some(department))), _) => Some(department),
            (_, true) => Some(*pick(rng, &catalogue.departments)),
            _ => None,
        };
        let anonymous = kind == Kind::Corruption || rng.random_bool(0.3);
        let asked_for_benefit = (kind == Kind::ServiceFeedback).then(|| rng.random_bool(0.02));

        self.submissions.push(submission::ActiveModel {
            id: Set(id),
            agency_id: Set(demo.agency.id),
            tracking_code: Set(tracking_code(year, sequence)),
            fiscal_year: Set(year),
            fiscal_month: Set(fiscal_month(local_date(received))),
            kind: Set(kind),
            channel: Set(channel),
            status: Set(status),
            subject: Set(subject.clone()),
            details: Set(details),
            location: Set((kind != Kind::ServiceFeedback).then(|| place.clone())),
            service_id: Set(service.map(|(id, _)| id)),
            department_id: Set(department_id),
            assignee_id: Set(None),
            anonymous: Set(anonymous),
            asked_for_benefit: Set(asked_for_benefit),
            access_key_hash: Set(hash_access_key(&format!("synthetic-{id}-{}", rng.random::<u64>()))),
            received_at: Set(received),
            due_at: Set(due_at),
            close_due_at: Set(close_due_at),
            next_due_at: Set(next_due_at),
            referred_to: Set((status == Status::Referred).then(|| "สำนักงานที่ดินจังหวัด".to_owned())),
            first_answered_at: Set(first_answered_at),
            closed_at: Set(closed_at),
            updated_at: Set(closed_at.or(first_answered_at).unwrap_or(received)),
            outcome: Set(closing.map(|c| c.columns().0)),
            outcome_reason: Set(closing.and_then(|c| c.columns().1)),
            reopened_at: Set(None),
            moo: Set(None),
            latitude: Set(None),
            longitude: Set(None),
        });

        let event = |at: DateTime<Utc>, kind: EventKind, status: Option<Status>, message: Option<&str>, staff| {
            submission_event::ActiveModel {
                submission_id: Set(id),
                at: Set(at),
                kind: Set(kind),
                public: Set(true),
                status: Set(status),
                message: Set(message.map(str::to_owned)),
                actor_id: Set(staff),
                ..Default::default()
            }
        };
        let staff = Some(demo.staff.id);
        self.events.push(event(received, EventKind::Received, Some(Status::Received), None, None));
        if let Some(at) = first_answered_at.filter(|_| kind != Kind::ServiceFeedback) {
            self.events.push(event(at, EventKind::PublicReply, None, Some(*pick(rng, REPLIES)), staff));
        }
        if status != Status::Received {
            let at = closed_at.or(first_answered_at).unwrap_or(received);
            self.events.push(event(at, EventKind::StatusChanged, Some(status), None, staff));
        }

        let mut counted = Counted {
            agency_id: demo.agency.id,
            fiscal_year: year,
            fiscal_month: fiscal_month(local_date(received)),
            kind,
            channel,
            status,
            department_id,
            service_id: service.map(|(id, _)| id),
            asked_for_benefit,
            received_at: received,
            due_at,
            first_answered_at,
            closed_at,
            close_due_at,
            outcome: closing,
            reopened: false,
            indicators: Vec::new(),
            ratings: Vec::new(),
            verdict: None,
        };
        if answered || kind == Kind::ServiceFeedback {
            let indicators: &[i16] = match kind {
                Kind::ServiceFeedback => &[6],
                Kind::Complaint => &[6, 7],
                Kind::Suggestion => &[8],
                Kind::Question => &[7, 9],
                Kind::Corruption => &[10],
            };
            let linked = if rng.random_bool(0.5) { indicators } else { &indicators[..1] };
            for indicator in linked {
                self.indicators
                    .push(submission_indicator::ActiveModel { submission_id: Set(id), indicator: Set(*indicator) });
            }
            counted.indicators = linked.to_vec();
        }
        if kind == Kind::ServiceFeedback {
            for question in questions::all().iter().filter(|q| q.is_rated()) {
                let value = if question.is_scale() {
                    weighted(rng, &[(4i16, 45), (3, 35), (2, 14), (1, 6)])
                } else {
                    weighted(rng, &[(questions::HAS, 85), (questions::HAS_NOT, 15)])
                };
                counted.ratings.push((question.id.clone(), value));
                self.ratings.push(submission_rating::ActiveModel {
                    submission_id: Set(id),
                    question_id: Set(question.id.clone()),
                    value: Set(value),
                });
            }
        }
        self.counts.add(&counted);
        if kind == Kind::Corruption {
            self.corruption.push(corruption_detail::ActiveModel {
                submission_id: Set(id),
                official: Set(pick(rng, OFFICIALS).to_string()),
                occurred_when: Set(None),
                evidence: Set(None),
            });
        } else if !anonymous && rng.random_bool(0.6) {
            let name = format!("{} {}", pick(rng, GIVEN_NAMES), pick(rng, FAMILY_NAMES));
            self.contacts.push(contact::ActiveModel {
                submission_id: Set(id),
                name: Set(Some(name)),
                phone: Set(Some(format!("08{:08}", rng.random_range(0..100_000_000)))),
                email: Set(None),
                line_user_id: Set(None),
                consented_at: Set(received),
                language: Set("th".into()),
            });
        }
        // A quarter of what was closed is published with a staff-written summary.
        let publishable = !matches!(kind, Kind::Corruption | Kind::ServiceFeedback);
        if let (true, Some(closed_at)) = (publishable && rng.random_bool(0.25), closed_at) {
            let published_at = (closed_at + Duration::days(1)).min(now);
            self.publications.push(publication::ActiveModel {
                submission_id: Set(id),
                summary_th: Set(format!("ประชาชนแจ้งเรื่อง{subject} บริเวณ{place}")),
                summary_en: Set(None),
                outcome_th: Set(Some(pick(rng, OUTCOMES).to_string())),
                outcome_en: Set(None),
                published_at: Set(published_at),
                published_by: Set(demo.staff.id),
                withdrawn_at: Set(None),
                ..Default::default()
            });
            self.events.push(event(published_at, EventKind::Published, None, None, staff));
        }
    }

    /// Writes the chunk and its counts in one transaction: all of it or none.
    async fn insert(self, db: &DatabaseConnection, agency_id: i64) -> anyhow::Result<()> {
        let txn = write::begin(db, agency_id).await?;
        insert_all(&txn, self.submissions).await?;
        insert_all(&txn, self.events).await?;
        insert_all(&txn, self.indicators).await?;
        insert_all(&txn, self.ratings).await?;
        insert_all(&txn, self.contacts).await?;
        insert_all(&txn, self.corruption).await?;
        insert_all(&txn, self.publications).await?;
        self.counts.apply(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Inserts `rows` as multi-row INSERTs of [`ROWS_PER_INSERT`] each.
async fn insert_all<A>(txn: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    for batch in chunks(rows) {
        sea_orm::Insert::many(batch).exec_without_returning(txn).await?;
    }
    Ok(())
}

fn chunks<T>(mut rows: Vec<T>) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    while rows.len() > ROWS_PER_INSERT {
        let rest = rows.split_off(ROWS_PER_INSERT);
        out.push(std::mem::replace(&mut rows, rest));
    }
    if !rows.is_empty() {
        out.push(rows);
    }
    out
}

/// Published participation activities, through the domain (there are few).
async fn activities(
    db: &DatabaseConnection,
    demo: &Loaded,
    rng: &mut StdRng,
    count: usize,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let kinds = [ActivityKind::Hearing, ActivityKind::Project, ActivityKind::Survey, ActivityKind::Meeting];
    let span = (now - start).num_days().max(1);
    for _ in 0..count {
        let held_at = start + Duration::days(rng.random_range(0..span));
        let topic = pick(rng, ACTIVITY_TOPICS);
        let input = ActivityInput {
            kind: *pick(rng, &kinds),
            title_th: format!("{topic} {}", place(rng)),
            title_en: None,
            held_at,
            place: format!("ศาลาประชาคม{}", place(rng)),
            participants: rng.random_range(12..240),
            description: format!("ประชาชนร่วมแสดงความคิดเห็นเรื่อง{topic} และเสนอแนวทางแก้ไข"),
            outcome: Some(pick(rng, OUTCOMES).to_string()),
            participant_groups: None,
            method: None,
            results_used: None,
            department_id: None,
            indicators: vec![*pick(rng, &[6i16, 7, 8, 9, 10])],
            submission_ids: Vec::new(),
            published: true,
        };
        save_activity(db, &demo.staff, demo.agency.id, None, input, held_at).await?;
    }
    Ok(count)
}

fn place(rng: &mut StdRng) -> String {
    format!("หมู่ที่ {} {}", rng.random_range(1..=12), pick(rng, PLACES))
}

fn feedback_comment(rng: &mut StdRng) -> String {
    format!("{} {}", pick(rng, FEEDBACK), pick(rng, FEEDBACK))
}

fn subjects(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Complaint => COMPLAINTS,
        Kind::Suggestion => SUGGESTIONS,
        Kind::Question => QUESTIONS,
        _ => CORRUPTION,
    }
}

const COMPLAINTS: &[&str] = &[
    "ไฟทางสาธารณะดับหลายต้น",
    "ถนนชำรุดเป็นหลุมเป็นบ่อ",
    "ขยะไม่ได้รับการจัดเก็บตามรอบ",
    "น้ำประปาไหลอ่อนในช่วงเช้า",
    "ท่อระบายน้ำอุดตันน้ำท่วมขัง",
    "เสียงดังจากโรงงานยามวิกาล",
    "สุนัขจรจัดไล่กัดเด็กนักเรียน",
    "กลิ่นเหม็นจากบ่อพักขยะ",
    "กิ่งไม้บังป้ายจราจร",
    "รถบรรทุกทำถนนเสียหาย",
];
const SUGGESTIONS: &[&str] = &[
    "ขอให้ติดตั้งไฟกะพริบหน้าโรงเรียน",
    "ขอให้ขยายเวลาเปิดศูนย์บริการช่วงพักเที่ยง",
    "เสนอให้รับชำระภาษีผ่านพร้อมเพย์",
    "ขอให้ปลูกต้นไม้ให้ร่มเงาริมถนน",
    "เสนอให้จัดตลาดนัดชุมชนทุกเดือน",
    "ขอให้มีรถรับส่งผู้สูงอายุไปโรงพยาบาล",
    "เสนอให้ติดตั้งกล้องวงจรปิดที่ทางแยก",
];
const QUESTIONS: &[&str] = &[
    "ขอทราบขั้นตอนการขออนุญาตก่อสร้างอาคาร",
    "ยื่นแบบภาษีที่ดินและสิ่งปลูกสร้างได้ถึงวันไหน",
    "ลงทะเบียนรับเบี้ยยังชีพผู้สูงอายุต้องใช้เอกสารอะไร",
    "ขอใช้รถน้ำดับเพลิงต้องติดต่อที่ใด",
    "ศูนย์พัฒนาเด็กเล็กรับสมัครเมื่อไร",
];
const CORRUPTION: &[&str] =
    &["เรียกรับเงินเพื่อเร่งออกใบอนุญาต", "จัดซื้อวัสดุราคาสูงเกินจริง", "ใช้รถราชการไปทำธุระส่วนตัว", "ผู้รับจ้างทำถนนไม่ตรงตามแบบ"];
const SITUATIONS: &[&str] = &[
    "เป็นมาประมาณหนึ่งสัปดาห์แล้ว",
    "ชาวบ้านได้รับความเดือดร้อนมาก",
    "เด็กนักเรียนใช้เส้นทางนี้ทุกวัน",
    "กลางคืนมืดมากไม่ปลอดภัย",
    "เคยแจ้งผู้ใหญ่บ้านแล้วแต่ยังไม่มีการแก้ไข",
    "ผู้สูงอายุในชุมชนเดินทางลำบาก",
];
const REQUESTS: &[&str] =
    &["ขอให้ช่วยดำเนินการโดยเร็ว", "รบกวนส่งเจ้าหน้าที่มาตรวจสอบ", "ขอให้แจ้งผลการดำเนินการด้วย", "ขอบคุณล่วงหน้าครับ", "ขอบคุณค่ะ"];
const FEEDBACK: &[&str] = &[
    "เจ้าหน้าที่อธิบายขั้นตอนชัดเจน",
    "ได้รับบริการรวดเร็วกว่าที่คาด",
    "รอคิวนานเล็กน้อยในช่วงเช้า",
    "ที่จอดรถไม่เพียงพอ",
    "เจ้าหน้าที่สุภาพและเป็นกันเอง",
    "อยากให้มีบริการออนไลน์มากขึ้น",
];
const REPLIES: &[&str] = &[
    "รับเรื่องแล้ว ได้มอบหมายกองช่างออกตรวจสอบพื้นที่",
    "ดำเนินการแก้ไขเรียบร้อยแล้ว ขอบคุณที่แจ้งเรื่อง",
    "ได้บรรจุในแผนการดำเนินงานปีงบประมาณถัดไป",
    "ขอให้ติดต่อกองคลังในวันและเวลาราชการ",
];
const OUTCOMES: &[&str] = &[
    "แก้ไขแล้วเสร็จและแจ้งผลให้ผู้แจ้งทราบ",
    "ซ่อมแซมแล้วเสร็จภายในกำหนด",
    "นำข้อเสนอไปปรับปรุงขั้นตอนการให้บริการ",
    "ส่งต่อหน่วยงานที่รับผิดชอบและติดตามผล",
];
const PLACES: &[&str] = &["ถนนชลคราม", "ซอยวัดใหม่", "ตลาดสดชลคราม", "หน้าโรงเรียนบ้านชลคราม", "ริมคลองท่าทอง", "ทางเข้าหมู่บ้าน"];
const OFFICIALS: &[&str] = &["เจ้าพนักงานธุรการ", "นายช่างโยธา", "เจ้าพนักงานจัดเก็บรายได้"];
const GIVEN_NAMES: &[&str] = &["สมชาย", "สมหญิง", "ประเสริฐ", "มาลี", "วิชัย", "บุญมี", "จันทร์เพ็ญ"];
const FAMILY_NAMES: &[&str] = &["ใจดี", "ทองคำ", "ศรีสุข", "บุญมา", "แก้วใส"];
const ACTIVITY_TOPICS: &[&str] =
    &["เวทีประชาคมจัดทำแผนพัฒนาท้องถิ่น", "โครงการ อบต.เคลื่อนที่", "สำรวจความพึงพอใจผู้รับบริการ", "ประชุมคณะกรรมการชุมชน"];
