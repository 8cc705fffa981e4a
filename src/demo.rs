//! `siang demo`: a demonstration agency from the ITA report in
//! `shared/context/` — องค์การบริหารส่วนตำบลชลคราม, its divisions, its
//! improvement plan for fiscal year 2569 (indicators 6–10) — plus sample
//! submissions, publications and activities, so a new user sees a living
//! portal at once. Everything goes through the domain functions, with a
//! staff member who cannot log in (no known password exists for it).

use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, Utc};
use entity::activity::ActivityKind;
use entity::enums::{Channel, EventKind, Role, Status};
use entity::measure::Progress;
use entity::{
    agency, app_setting, department, measure, staff_user, submission, submission_event, submission_indicator,
};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};

use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::calendar::bangkok;
use crate::domain::participation::activities::{save_activity, ActivityInput};
use crate::domain::participation::ita;
use crate::domain::participation::plan::{link_evidence, note_progress, save_measure, Evidence, MeasureInput};
use crate::domain::participation::publication::{publish, PublishInput};
use crate::domain::submissions::{self, NewSubmission};

/// The marker that the demo is in this database.
const MARKER: &str = "demo_loaded_at";
const FISCAL_YEAR: i32 = 2569;

/// What the demo added, for the command's message.
#[derive(Debug)]
pub struct Loaded {
    pub submissions: usize,
    pub measures: usize,
    pub activities: usize,
}

/// Loads the demonstration agency. Refuses a database that already holds it
/// or that holds real submissions, so it never mixes demo and real data.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<Loaded> {
    if app_setting::Entity::find_by_id(MARKER).one(db).await?.is_some() {
        bail!("the demo is already loaded in this database; nothing was changed");
    }
    if submission::Entity::find().count(db).await? > 0 || measure::Entity::find().count(db).await? > 0 {
        bail!("this database already holds submissions or plan measures; the demo loads only into a fresh one");
    }
    let agency = rename_agency(db).await?;
    let departments = ensure_departments(db, agency.id).await?;
    let staff = demo_staff(db, &agency, now).await?;

    let measures = load_plan(db, &staff, &agency, &departments, now).await?;
    let submissions = load_submissions(db, &staff, &agency, &departments).await?;
    let activities = load_activities(db, &staff, &agency, &departments, &submissions).await?;
    load_progress(db, &staff, &measures, &submissions, &activities).await?;
    ita::save_items(db, &staff, agency.id, FISCAL_YEAR, &ita::defaults(FISCAL_YEAR), now).await?;

    app_setting::ActiveModel { key: Set(MARKER.into()), value: Set(now.to_rfc3339()) }.insert(db).await?;
    Ok(Loaded { submissions: submissions.len(), measures: measures.len(), activities: activities.len() })
}

async fn rename_agency(db: &DatabaseConnection) -> anyhow::Result<agency::Model> {
    let current = crate::domain::agency::current(db).await?;
    let mut row = agency::ActiveModel::from(current);
    row.name_th = Set("องค์การบริหารส่วนตำบลชลคราม".into());
    row.name_en = Set("Chon Khram Subdistrict Administrative Organization".into());
    row.address_th = Set("ตำบลชลคราม อำเภอดอนสัก จังหวัดสุราษฎร์ธานี".into());
    row.address_en = Set("Chon Khram Subdistrict, Don Sak District, Surat Thani".into());
    Ok(row.update(db).await?)
}

/// Department ids by code; adds the procurement unit the report names.
async fn ensure_departments(db: &DatabaseConnection, agency_id: i64) -> anyhow::Result<Vec<(String, i64)>> {
    let existing = crate::domain::agency::departments(db, agency_id).await?;
    if !existing.iter().any(|d| d.code == "procurement") {
        department::ActiveModel {
            agency_id: Set(agency_id),
            code: Set("procurement".into()),
            name_th: Set("งานพัสดุ".into()),
            name_en: Set("Procurement Unit".into()),
            active: Set(true),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(crate::domain::agency::departments(db, agency_id).await?.into_iter().map(|d| (d.code, d.id)).collect())
}

fn dept(departments: &[(String, i64)], code: &str) -> Option<i64> {
    departments.iter().find(|(c, _)| c == code).map(|(_, id)| *id)
}

/// The staff member the demo's publications and notes are by: an inactive
/// account whose password hash is random text no password can match.
async fn demo_staff(db: &DatabaseConnection, agency: &agency::Model, now: DateTime<Utc>) -> anyhow::Result<Staff> {
    let mut noise = [0u8; 32];
    rand::rng().fill_bytes(&mut noise);
    let user = staff_user::ActiveModel {
        agency_id: Set(agency.id),
        username: Set("demo-data".into()),
        display_name: Set("ข้อมูลสาธิต (บัญชีปิดใช้งาน)".into()),
        password_hash: Set(format!("!disabled!{}", hex::encode(noise))),
        role: Set(Role::Admin),
        department_id: Set(None),
        active: Set(false),
        created_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Staff::from(&user))
}

/// 09:00 Bangkok time on a date of the demo year.
fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    day(y, m, d)
        .and_hms_opt(9, 0, 0)
        .unwrap_or_default()
        .and_local_timezone(bangkok())
        .single()
        .unwrap_or_default()
        .to_utc()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A row of the report's plan table: indicator, title (Thai, English),
/// steps, start, end, and the responsible division's code (`None`: all).
type PlanRow = (i16, &'static str, &'static str, &'static str, NaiveDate, NaiveDate, Option<&'static str>);

/// The 2569 plan table of the report.
async fn load_plan(
    db: &DatabaseConnection,
    staff: &Staff,
    agency: &agency::Model,
    departments: &[(String, i64)],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(i16, i64)>> {
    let year_start = day(2025, 10, 1);
    let year_end = day(2026, 9, 30);
    let plan: [PlanRow; 5] = [
        (
            6,
            "กิจกรรมพัฒนาการให้บริการผ่านระบบ E-Service",
            "E-Service development",
            "1. จัดทำคู่มือขั้นตอนและระยะเวลาที่ใช้ในการปฏิบัติงานหรือการให้บริการ\n2. เพิ่มการให้บริการผ่านช่องทางออนไลน์ระบบ E-Service",
            year_start,
            day(2026, 3, 31),
            None,
        ),
        (
            7,
            "พัฒนาช่องทางการเผยแพร่ข้อมูลข่าวสารของหน่วยงานให้ประชาชนทราบหลากหลายช่องทางและเป็นปัจจุบัน มีความชัดเจน รวดเร็ว",
            "Varied, current and clear information channels",
            "1. เผยแพร่ข้อมูลข่าวสารผ่านช่องทางที่หลากหลาย\n2. มอบหมายเจ้าหน้าที่ผู้รับผิดชอบตอบข้อซักถามและส่งต่อคำถาม พร้อมช่องทางตอบกลับผู้ถาม\n3. จัดหมวดหมู่ข้อมูลบนเว็บไซต์ให้ค้นหาง่าย",
            year_start,
            year_end,
            Some("office"),
        ),
        (
            8,
            "ส่งเสริมการมีส่วนร่วมของประชาชนในการดำเนินงานตามภารกิจของ อบต.ชลคราม",
            "Promote residents' participation in the agency's missions",
            "1. เปิดโอกาสให้บุคคลภายนอกมีส่วนร่วมผ่านโครงการและกิจกรรมต่าง ๆ\n2. เผยแพร่ผลการมีส่วนร่วมให้สาธารณชนทราบ",
            year_start,
            year_end,
            None,
        ),
        (
            9,
            "มาตรการปรับปรุงและเผยแพร่ข้อมูลข่าวสารผ่านช่องทางที่หลากหลาย",
            "Improve and publish information through varied channels",
            "1. ปรับปรุงข้อมูลพื้นฐานในเว็บไซต์หลักให้ครบถ้วนและเป็นปัจจุบัน\n2. เผยแพร่ข้อมูลข่าวสารผ่านช่องทางที่หลากหลาย\n3. รักษาสภาพเว็บไซต์ให้เข้าถึงได้ตลอดเวลาและตรวจสอบ URL อย่างสม่ำเสมอ",
            year_start,
            year_end,
            Some("office"),
        ),
        (
            10,
            "เปิดโอกาสให้บุคคลภายนอกเข้ามามีส่วนร่วมในการดำเนินงานของหน่วยงาน",
            "Let outsiders take part in the agency's work",
            "1. ให้มีส่วนร่วมผ่านโครงการต่าง ๆ\n2. จัดเวทีหรือช่องทางรับฟังความคิดเห็นอย่างสม่ำเสมอ\n3. เผยแพร่การมีส่วนร่วมบนเว็บไซต์หลัก\n4. วิเคราะห์ข้อเสนอแนะของประชาชนและนำมาจัดทำมาตรการป้องกันการทุจริต",
            year_start,
            day(2026, 3, 31),
            Some("office"),
        ),
    ];
    let mut out = Vec::new();
    for (indicator, title_th, title_en, steps, start, end, responsible) in plan {
        let id = save_measure(
            db,
            staff,
            agency.id,
            None,
            MeasureInput {
                fiscal_year: FISCAL_YEAR,
                indicator,
                position: 1,
                title_th: title_th.into(),
                title_en: Some(title_en.into()),
                steps: steps.into(),
                period_start: start,
                period_end: end,
                department_id: responsible.and_then(|code| dept(departments, code)),
            },
            now,
        )
        .await?;
        out.push((indicator, id));
    }
    Ok(out)
}

/// A sample submission and what became of it.
struct Sample {
    key: &'static str,
    received: DateTime<Utc>,
    channel: Channel,
    input: NewSubmission,
    department: Option<&'static str>,
    indicators: &'static [i16],
    /// (status, days to first answer, days to closing, public reply)
    outcome: Option<(Status, i64, Option<i64>, &'static str)>,
    /// (summary th, summary en, outcome th)
    published: Option<(&'static str, &'static str, &'static str)>,
}

fn text(kind: &str, subject: &str, details: &str, location: &str) -> NewSubmission {
    NewSubmission {
        kind: kind.into(),
        subject: subject.into(),
        details: details.into(),
        location: location.into(),
        ..Default::default()
    }
}

fn feedback(service: &str, answers: [i64; 9], asked_for_benefit: bool, comment: &str) -> NewSubmission {
    let ids = [
        "procedure_time",
        "equal_treatment",
        "straight_info",
        "info_access",
        "clear_answers",
        "service_improved",
        "uses_technology",
        "participation",
        "transparency",
    ];
    NewSubmission {
        kind: "service_feedback".into(),
        service: service.into(),
        details: comment.into(),
        ratings: ids.iter().map(|id| (*id).to_owned()).zip(answers).collect(),
        asked_for_benefit: Some(asked_for_benefit),
        ..Default::default()
    }
}

fn samples() -> Vec<Sample> {
    let mut corruption = text("corruption", "ขอให้ตรวจสอบการจัดซื้อวัสดุก่อสร้าง", "พบว่ามีการส่งมอบวัสดุไม่ครบตามสัญญา", "หมู่ที่ 6");
    corruption.corruption.official = "ผู้ควบคุมงาน (ไม่ระบุชื่อ)".into();
    let mut corruption_2 =
        text("corruption", "สงสัยการเรียกรับเงินในการออกใบอนุญาต", "ได้ยินว่ามีการขอค่าดำเนินการเพิ่มเติม", "สำนักงาน อบต.");
    corruption_2.corruption.official = "เจ้าหน้าที่ผู้รับคำขอ".into();
    vec![
        Sample {
            key: "street_light",
            received: at(2025, 10, 14),
            channel: Channel::Phone,
            input: text("complaint", "ไฟฟ้าส่องสว่างดับหลายจุด", "ไฟทางดับตั้งแต่ปากซอยถึงศาลาหมู่บ้าน กลางคืนมืดมาก", "หมู่ที่ 3"),
            department: Some("works"),
            indicators: &[6],
            outcome: Some((Status::Resolved, 2, Some(6), "กองช่างออกสำรวจและเปลี่ยนหลอดไฟแล้ว")),
            published: Some((
                "แจ้งไฟฟ้าส่องสว่างสาธารณะดับหลายจุดในหมู่ที่ 3",
                "Street lights out at several points in village 3",
                "กองช่างเปลี่ยนหลอดไฟและซ่อมสายไฟ 6 จุด แล้วเสร็จภายใน 6 วัน",
            )),
        },
        Sample {
            key: "road",
            received: at(2025, 11, 5),
            channel: Channel::WalkIn,
            input: text("complaint", "ถนนลูกรังเป็นหลุมบ่อ", "ถนนเข้าสวนปาล์มเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย", "หมู่ที่ 5"),
            department: Some("works"),
            indicators: &[6],
            outcome: Some((Status::InProgress, 4, None, "บรรจุในแผนซ่อมแซมถนน ปีงบประมาณ 2569 แล้ว")),
            published: Some((
                "ถนนลูกรังในหมู่ที่ 5 ชำรุดเป็นหลุมบ่อ",
                "Potholes on a laterite road in village 5",
                "ลงหินคลุกซ่อมเบื้องต้นแล้ว และบรรจุการปรับปรุงถนนในแผนปีงบประมาณ 2569",
            )),
        },
        Sample {
            key: "waste_schedule",
            received: at(2025, 11, 20),
            channel: Channel::Web,
            input: text("suggestion", "ขอให้ประกาศตารางเก็บขยะ", "อยากให้ประกาศวันเก็บขยะของแต่ละหมู่ทางเพจและไลน์", ""),
            department: Some("office"),
            indicators: &[7],
            outcome: Some((Status::Resolved, 3, Some(10), "ประกาศตารางเก็บขยะทางเพจ Facebook และกลุ่ม LINE แล้ว")),
            published: Some((
                "ข้อเสนอให้ประกาศตารางเก็บขยะของแต่ละหมู่บ้านทางออนไลน์",
                "Publish the waste-collection schedule online",
                "ประกาศตารางเก็บขยะรายหมู่บ้านทางเพจ Facebook และกลุ่ม LINE ของ อบต. ทุกเดือน",
            )),
        },
        Sample {
            key: "feedback_elderly",
            received: at(2025, 12, 3),
            channel: Channel::Web,
            input: feedback("elderly-allowance", [4, 4, 4, 3, 4, 4, 3, 3, 4], false, "เจ้าหน้าที่อธิบายดีมาก"),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
        Sample {
            key: "corruption_permit",
            received: at(2025, 12, 10),
            channel: Channel::Hotline1111,
            input: corruption_2,
            department: None,
            indicators: &[10],
            outcome: Some((Status::Resolved, 5, Some(28), "ตรวจสอบข้อเท็จจริงแล้ว")),
            published: None,
        },
        Sample {
            key: "feedback_tax",
            received: at(2026, 1, 15),
            channel: Channel::WalkIn,
            input: feedback("land-tax", [3, 4, 3, 3, 3, 3, 2, 3, 3], false, ""),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
        Sample {
            key: "water",
            received: at(2026, 1, 22),
            channel: Channel::Line,
            input: text("complaint", "น้ำประปาหมู่บ้านไหลอ่อน", "ช่วงเย็นน้ำไม่ไหล บ้านปลายสายไม่มีน้ำใช้", "หมู่ที่ 2"),
            department: Some("works"),
            indicators: &[6],
            outcome: Some((Status::Resolved, 1, Some(9), "ซ่อมท่อรั่วและปรับแรงดันปั๊มแล้ว")),
            published: Some((
                "น้ำประปาหมู่บ้านในหมู่ที่ 2 ไหลอ่อนช่วงเย็น",
                "Weak village water supply in village 2 in the evenings",
                "ซ่อมท่อเมนที่รั่ว 2 จุด และปรับรอบการสูบน้ำ น้ำไหลปกติแล้ว",
            )),
        },
        Sample {
            key: "feedback_permit",
            received: at(2026, 2, 10),
            channel: Channel::Web,
            input: feedback("building-permit", [2, 3, 3, 2, 3, 3, 2, 2, 3], false, "รอนาน อยากให้ยื่นเอกสารออนไลน์ได้"),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
        Sample {
            key: "corruption_materials",
            received: at(2026, 2, 18),
            channel: Channel::Web,
            input: corruption,
            department: None,
            indicators: &[10],
            outcome: Some((Status::InProgress, 3, None, "รับไว้ตรวจสอบ")),
            published: None,
        },
        Sample {
            key: "forum_request",
            received: at(2026, 3, 9),
            channel: Channel::Facebook,
            input: text(
                "suggestion",
                "ขอให้จัดเวทีประชาคมเรื่องแผนพัฒนา",
                "อยากให้ชาวบ้านได้ร่วมเสนอโครงการก่อนจัดทำแผนพัฒนาท้องถิ่น",
                "",
            ),
            department: Some("office"),
            indicators: &[8, 10],
            outcome: Some((Status::Resolved, 2, Some(16), "จัดเวทีประชาคมหมู่บ้านแล้ว")),
            published: Some((
                "ข้อเสนอให้จัดเวทีประชาคมรับฟังความคิดเห็นก่อนจัดทำแผนพัฒนาท้องถิ่น",
                "Hold a village forum before drafting the local development plan",
                "จัดเวทีประชาคมหมู่บ้านเมื่อ 25 มีนาคม 2569 มีผู้เข้าร่วม 86 คน ข้อเสนอบรรจุในร่างแผนพัฒนาท้องถิ่น",
            )),
        },
        Sample {
            key: "noise",
            received: at(2026, 4, 20),
            channel: Channel::Letter,
            input: text("complaint", "เสียงดังจากร้านคาราโอเกะ", "เปิดเพลงเสียงดังเกินเที่ยงคืนทุกคืน", "หมู่ที่ 1"),
            department: Some("office"),
            indicators: &[],
            outcome: Some((Status::Referred, 3, Some(7), "ส่งเรื่องให้สถานีตำรวจภูธรดอนสักดำเนินการ")),
            published: Some((
                "ร้องเรียนเสียงดังรบกวนยามวิกาลจากสถานบริการในหมู่ที่ 1",
                "Late-night noise from a venue in village 1",
                "ส่งต่อสถานีตำรวจภูธรดอนสักซึ่งมีอำนาจหน้าที่ และแจ้งผู้ประกอบการให้ปฏิบัติตามเวลาที่กำหนด",
            )),
        },
        Sample {
            key: "feedback_waste",
            received: at(2026, 5, 12),
            channel: Channel::Web,
            input: feedback("waste-collection", [4, 4, 4, 4, 4, 3, 4, 4, 4], false, ""),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
        Sample {
            key: "eservice",
            received: at(2026, 6, 25),
            channel: Channel::Web,
            input: text("suggestion", "ขอให้ยื่นคำร้องทั่วไปออนไลน์ได้", "ทำงานต่างอำเภอ มายื่นเอกสารในเวลาราชการไม่สะดวก", ""),
            department: Some("office"),
            indicators: &[6],
            outcome: Some((Status::Accepted, 5, None, "รับไว้พิจารณาเพิ่มบริการออนไลน์")),
            published: Some((
                "ข้อเสนอให้เพิ่มการยื่นคำร้องทั่วไปทางออนไลน์",
                "Let residents file general requests online",
                "อยู่ระหว่างเพิ่มแบบคำร้องออนไลน์ในระบบ E-Service ตามมาตรการตัวชี้วัดที่ 6",
            )),
        },
        Sample {
            key: "dogs",
            received: at(2026, 8, 3),
            channel: Channel::Damrongdhama,
            input: text("complaint", "สุนัขจรจัดจำนวนมาก", "สุนัขจรจัดไล่กัดเด็กนักเรียนหน้าโรงเรียน", "หมู่ที่ 4"),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
    ]
}

/// Submits the samples as residents did, then records what staff did with
/// them; returns (key, submission id).
async fn load_submissions(
    db: &DatabaseConnection,
    staff: &Staff,
    agency: &agency::Model,
    departments: &[(String, i64)],
) -> anyhow::Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    for sample in samples() {
        let receipt = submissions::submit(db, agency, sample.input, sample.channel, None, sample.received)
            .await
            .with_context(|| format!("submitting the sample {}", sample.key))?;
        let stored = submission::Entity::find()
            .filter(submission::Column::TrackingCode.eq(&receipt.tracking_code))
            .one(db)
            .await?
            .context("the sample just submitted")?;
        let department = sample.department.and_then(|code| dept(departments, code));
        settle(db, staff, &stored, department, sample.indicators, sample.outcome).await?;
        if let Some((summary_th, summary_en, outcome_th)) = sample.published {
            let published_on = stored.received_at + chrono::Duration::days(sample.outcome.map_or(1, |o| o.1 + 1));
            publish(
                db,
                staff,
                stored.id,
                PublishInput {
                    summary_th: summary_th.into(),
                    summary_en: Some(summary_en.into()),
                    outcome_th: Some(outcome_th.into()),
                    outcome_en: None,
                },
                published_on,
            )
            .await?;
        }
        out.push((sample.key, stored.id));
    }
    Ok(out)
}

/// What staff did with a sample: assignment, indicator links, the answer
/// and the final status, with their timeline events and audit rows, in one
/// transaction. (The staff workspace has its own triage functions; the demo
/// writes the finished history directly, dated in the past.)
async fn settle(
    db: &DatabaseConnection,
    staff: &Staff,
    stored: &submission::Model,
    department: Option<i64>,
    indicators: &[i16],
    outcome: Option<(Status, i64, Option<i64>, &str)>,
) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let event = |at: DateTime<Utc>, kind: EventKind, status: Option<Status>, message: Option<&str>| {
        submission_event::ActiveModel {
            submission_id: Set(stored.id),
            at: Set(at),
            kind: Set(kind),
            public: Set(true),
            status: Set(status),
            message: Set(message.map(str::to_owned)),
            actor_id: Set(Some(staff.id)),
            ..Default::default()
        }
    };
    for indicator in indicators {
        submission_indicator::ActiveModel { submission_id: Set(stored.id), indicator: Set(*indicator) }
            .insert(&txn)
            .await?;
    }
    let mut row = submission::ActiveModel::from(stored.clone());
    row.department_id = Set(department.or(stored.department_id));
    if let Some((status, answer_days, close_days, reply)) = outcome {
        let answered = stored.received_at + chrono::Duration::days(answer_days);
        let closed = close_days.map(|d| stored.received_at + chrono::Duration::days(d));
        event(answered, EventKind::PublicReply, None, Some(reply)).insert(&txn).await?;
        event(closed.unwrap_or(answered), EventKind::StatusChanged, Some(status), None).insert(&txn).await?;
        audit::record(&txn, staff, Entry::new(Action::PublicReply).on("submission", stored.id), answered).await?;
        audit::record(
            &txn,
            staff,
            Entry::new(Action::StatusChanged)
                .on("submission", stored.id)
                .detail(sea_orm::ActiveEnum::to_value(&status)),
            closed.unwrap_or(answered),
        )
        .await?;
        row.status = Set(status);
        row.first_answered_at = Set(Some(answered));
        row.closed_at = Set(closed);
        row.updated_at = Set(closed.unwrap_or(answered));
    }
    row.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

fn id_of(list: &[(&'static str, i64)], key: &str) -> anyhow::Result<i64> {
    list.iter().find(|(k, _)| *k == key).map(|(_, id)| *id).with_context(|| format!("demo item {key}"))
}

async fn load_activities(
    db: &DatabaseConnection,
    staff: &Staff,
    agency: &agency::Model,
    departments: &[(String, i64)],
    submissions: &[(&'static str, i64)],
) -> anyhow::Result<Vec<(&'static str, i64)>> {
    let office = dept(departments, "office");
    let activities = [
        (
            "forum",
            ActivityInput {
                kind: ActivityKind::Hearing,
                title_th: "เวทีประชาคมหมู่บ้านเพื่อรับฟังความคิดเห็นต่อแผนพัฒนาท้องถิ่น".into(),
                title_en: Some("Village forum on the local development plan".into()),
                held_at: at(2026, 3, 25),
                place: "ศาลาประชาคมหมู่ที่ 4 ตำบลชลคราม".into(),
                participants: 86,
                description: "ประชาชนร่วมเสนอปัญหาและโครงการที่ต้องการ แบ่งกลุ่มตามหมู่บ้าน และจัดลำดับความสำคัญของโครงการ".into(),
                outcome: Some("ได้ข้อเสนอ 23 โครงการ บรรจุในร่างแผนพัฒนาท้องถิ่น 14 โครงการ และเผยแพร่ผลบนเว็บไซต์".into()),
                department_id: office,
                indicators: vec![8, 10],
                submission_ids: vec![id_of(submissions, "forum_request")?],
                published: true,
            },
        ),
        (
            "mobile_office",
            ActivityInput {
                kind: ActivityKind::Project,
                title_th: "โครงการ อบต.เคลื่อนที่ รับฟังปัญหาและให้บริการนอกสถานที่".into(),
                title_en: Some("Mobile office: hearing problems and serving residents in the villages".into()),
                held_at: at(2026, 1, 28),
                place: "วัดชลคราม".into(),
                participants: 142,
                description: "ให้บริการรับชำระภาษี ลงทะเบียนเบี้ยยังชีพ และรับเรื่องร้องเรียน พร้อมแนะนำช่องทางออนไลน์".into(),
                outcome: Some("รับเรื่องและข้อเสนอแนะ 31 เรื่อง แนะนำช่องทางแจ้งเรื่องออนไลน์แก่ผู้เข้าร่วม".into()),
                department_id: office,
                indicators: vec![6, 7],
                submission_ids: vec![],
                published: true,
            },
        ),
        (
            "eservice_survey",
            ActivityInput {
                kind: ActivityKind::Survey,
                title_th: "สำรวจความคิดเห็นต่อการให้บริการผ่านระบบ E-Service".into(),
                title_en: Some("Survey on the e-services".into()),
                held_at: at(2026, 5, 20),
                place: "ออนไลน์และสำนักงาน อบต.ชลคราม".into(),
                participants: 57,
                description: "สอบถามผู้รับบริการว่าต้องการยื่นคำร้องใดทางออนไลน์ และความยากง่ายในการใช้งาน".into(),
                outcome: Some("ผู้ตอบร้อยละ 78 ต้องการยื่นคำร้องทั่วไปออนไลน์ นำไปเพิ่มแบบคำร้องในระบบ".into()),
                department_id: None,
                indicators: vec![6],
                submission_ids: vec![id_of(submissions, "eservice")?],
                published: true,
            },
        ),
        (
            "road_committee",
            ActivityInput {
                kind: ActivityKind::Meeting,
                title_th: "ประชุมคณะกรรมการชุมชนติดตามการซ่อมถนนหมู่ที่ 5".into(),
                title_en: None,
                held_at: at(2026, 9, 10),
                place: "ที่ทำการผู้ใหญ่บ้านหมู่ที่ 5".into(),
                participants: 18,
                description: "ร่างบันทึกการประชุม (ยังไม่เผยแพร่)".into(),
                outcome: None,
                department_id: dept(departments, "works"),
                indicators: vec![8],
                submission_ids: vec![id_of(submissions, "road")?],
                published: false,
            },
        ),
    ];
    let mut out = Vec::new();
    for (key, input) in activities {
        let saved_at = input.held_at + chrono::Duration::days(2);
        out.push((key, save_activity(db, staff, agency.id, None, input, saved_at).await?));
    }
    Ok(out)
}

async fn load_progress(
    db: &DatabaseConnection,
    staff: &Staff,
    measures: &[(i16, i64)],
    submissions: &[(&'static str, i64)],
    activities: &[(&'static str, i64)],
) -> anyhow::Result<()> {
    let measure =
        |indicator: i16| measures.iter().find(|(i, _)| *i == indicator).map(|(_, id)| *id).context("demo measure");
    let notes: [(i16, NaiveDate, Progress, &str); 7] = [
        (
            6,
            day(2025, 12, 15),
            Progress::InProgress,
            "จัดทำคู่มือขั้นตอนและระยะเวลาการให้บริการ 8 งานบริการ และเผยแพร่บนเว็บไซต์แล้ว",
        ),
        (6, day(2026, 3, 31), Progress::Done, "เปิดให้ประชาชนแจ้งเรื่องและประเมินการให้บริการออนไลน์ผ่านระบบเสียง"),
        (
            7,
            day(2026, 1, 28),
            Progress::InProgress,
            "มอบหมายเจ้าหน้าที่สำนักปลัดตอบคำถามทาง Facebook และ LINE พร้อมแจ้งผลกลับผู้ถาม",
        ),
        (8, day(2026, 3, 25), Progress::InProgress, "จัดเวทีประชาคมหมู่บ้าน มีผู้เข้าร่วม 86 คน และเผยแพร่ผลในบันทึกการมีส่วนร่วม"),
        (9, day(2026, 2, 1), Progress::InProgress, "ปรับปรุงข้อมูลพื้นฐานบนเว็บไซต์หลักและตรวจสอบ URL รายเดือน"),
        (10, day(2026, 3, 25), Progress::InProgress, "เปิดช่องทางรับฟังความคิดเห็นสม่ำเสมอผ่านเวทีประชาคมและระบบออนไลน์"),
        (10, day(2026, 3, 31), Progress::Done, "วิเคราะห์ข้อเสนอแนะของประชาชน และนำไปกำหนดมาตรการตรวจรับพัสดุให้โปร่งใส"),
    ];
    for (indicator, noted_on, progress, note) in notes {
        let noted_at = noted_on.and_hms_opt(10, 0, 0).unwrap_or_default().and_utc();
        note_progress(db, staff, measure(indicator)?, noted_on, progress, note, noted_at).await?;
    }
    let evidence: [(i16, Evidence); 7] = [
        (6, Evidence::Submission(id_of(submissions, "eservice")?)),
        (6, Evidence::Activity(id_of(activities, "eservice_survey")?)),
        (7, Evidence::Submission(id_of(submissions, "waste_schedule")?)),
        (7, Evidence::Activity(id_of(activities, "mobile_office")?)),
        (8, Evidence::Activity(id_of(activities, "forum")?)),
        (10, Evidence::Activity(id_of(activities, "forum")?)),
        (10, Evidence::Submission(id_of(submissions, "forum_request")?)),
    ];
    for (indicator, item) in evidence {
        link_evidence(db, staff, measure(indicator)?, item, at(2026, 4, 1)).await?;
    }
    Ok(())
}
