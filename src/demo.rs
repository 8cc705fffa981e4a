//! `siang demo`: a demonstration agency from the ITA report in
//! `shared/context/` — องค์การบริหารส่วนตำบลชลคราม, its divisions, its
//! improvement plan for fiscal year 2569 (all ten indicators, each with the
//! report's analysis of its 2568 result), its corruption-complaint guide, the published
//! standards of five services — plus sample submissions (questions
//! included), publications and activities, so a new user sees a living
//! portal at once. Everything goes through the domain functions, with a
//! staff member who cannot log in (no known password exists for it).
//!
//! A second agency, เทศบาลตำบลหนองบัว (made up), with its own services,
//! submissions and an activity, shows a province deployment: it is served
//! at `/a/nong-bua/` (neither agency has a host, so ชลคราม keeps the root),
//! and `/province` sets the two side by side.

use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, Utc};
use entity::activity::ActivityKind;
use entity::enums::{Channel, Role, Status};
use entity::measure::Progress;
use entity::{agency, app_setting, department, measure, staff_user, submission};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};

use crate::domain::actor::Staff;
use crate::domain::calendar::bangkok;
use crate::domain::participation::activities::{save_activity, ActivityInput};
use crate::domain::participation::guide::{save_guide, GuideInput};
use crate::domain::participation::plan::{
    link_evidence, note_progress, save_analysis, save_measure, score_text, AnalysisInput, Evidence, MeasureInput,
};
use crate::domain::participation::publication::{publish, PublishInput};
use crate::domain::services::{self, ServiceInput, StandardInput};
use crate::domain::submissions::{self, NewSubmission};

pub mod synthetic;

/// The marker that the demo is in this database.
const MARKER: &str = "demo_loaded_at";
const FISCAL_YEAR: i32 = 2569;

/// What the demo added, for the command's message, and who it is by.
#[derive(Debug)]
pub struct Loaded {
    pub submissions: usize,
    pub measures: usize,
    pub activities: usize,
    pub agency: agency::Model,
    /// The inactive account the demo's staff work is recorded under.
    pub staff: Staff,
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
    load_standards(db, &staff, &agency, now).await?;
    let submissions = load_submissions(db, &staff, &agency, &departments, samples()).await?;
    let activities = load_activities(db, &staff, &agency, &departments, &submissions).await?;
    load_progress(db, &staff, &measures, &submissions, &activities).await?;
    load_guide(db, &staff, &agency, now).await?;
    load_second_agency(db, now).await?;

    app_setting::ActiveModel { key: Set(MARKER.into()), value: Set(now.to_rfc3339()) }.insert(db).await?;
    Ok(Loaded { submissions: submissions.len(), measures: measures.len(), activities: activities.len(), agency, staff })
}

async fn rename_agency(db: &DatabaseConnection) -> anyhow::Result<agency::Model> {
    let current = crate::domain::agency::current(db).await?;
    let mut row = agency::ActiveModel::from(current);
    row.name_th = Set("องค์การบริหารส่วนตำบลชลคราม".into());
    row.name_en = Set("Chon Khram Subdistrict Administrative Organization".into());
    row.address_th = Set("ตำบลชลคราม อำเภอดอนสัก จังหวัดสุราษฎร์ธานี".into());
    row.address_en = Set("Chon Khram Subdistrict, Don Sak District, Surat Thani".into());
    // Channels as the demo shows them; made up (the .example domain and a
    // made-up LINE ID and page), with a number in the district's 077 area.
    row.phone = Set("077-371-234".into());
    row.email = Set("saraban@chonkhram.example".into());
    row.line_id = Set("@chonkhram".into());
    row.facebook_url = Set("https://www.facebook.com/chonkhram.sao.example".into());
    row.office_hours_th = Set("วันจันทร์–วันศุกร์ เวลา 08.30–16.30 น. (เว้นวันหยุดราชการ)".into());
    row.office_hours_en = Set("Monday–Friday, 08:30–16:30 (closed on public holidays)".into());
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

/// The report's analysis of each indicator's 2568 result: indicator, score
/// in hundredths, and the analysis column of its plan table (the report's
/// own slips, 87.58 for 97.58 and the like, corrected).
const ANALYSES: [(i16, i32, &str); 10] = [
    (1, 10_000, "จากการวิเคราะห์ตัวชี้วัดที่ 1 (การปฏิบัติหน้าที่) ได้ 100 คะแนน ควรรักษาระดับและมาตรฐานไว้ พร้อมเน้นย้ำให้เจ้าหน้าที่ปฏิบัติงานหรือให้บริการเป็นไปตามขั้นตอนและระยะเวลาที่กำหนดไว้"),
    (2, 10_000, "จากการวิเคราะห์ตัวชี้วัดที่ 2 (การใช้งบประมาณ) ได้ 100 คะแนน ควรรักษาระดับและมาตรฐานไว้ หน่วยงานใช้งบประมาณตามวัตถุประสงค์ คุ้มค่า และจัดซื้อจัดจ้างโดยไม่เอื้อประโยชน์ให้บุคคลใดบุคคลหนึ่ง พร้อมเน้นย้ำให้เจ้าหน้าที่และผู้บริหารถือปฏิบัติต่อไป"),
    (3, 10_000, "จากการวิเคราะห์ตัวชี้วัดที่ 3 (การใช้อำนาจ) ได้ 100 คะแนน ควรรักษาระดับและมาตรฐานไว้ ผู้บริหารมีกระบวนการควบคุมตรวจสอบการใช้อำนาจและการบริหารงานบุคคล มีมาตรการและแนวทางให้ผู้ใต้บังคับบัญชาปฏิบัติ และประชาสัมพันธ์ให้เจ้าหน้าที่ปฏิบัติตามประมวลจริยธรรม เพื่อป้องกันการใช้อำนาจเพื่อประโยชน์ส่วนตน"),
    (4, 10_000, "จากการวิเคราะห์ตัวชี้วัดที่ 4 (การใช้ทรัพย์สินของราชการ) ได้ 100 คะแนน ควรรักษาระดับและมาตรฐานไว้ บุคลากรใช้ทรัพย์สินของราชการอย่างถูกต้อง เหมาะสม คุ้มค่า และไม่เบียดบังทรัพย์สินของราชการเพื่อประโยชน์ส่วนตนหรือผู้อื่น"),
    (5, 10_000, "จากการวิเคราะห์ตัวชี้วัดที่ 5 (การแก้ไขปัญหาการทุจริต) ได้ 100 คะแนน ควรรักษาระดับและมาตรฐานไว้ ผู้บริหารให้ความสำคัญและมุ่งมั่นแก้ไขปัญหาการทุจริต ควรจัดกิจกรรมที่ผู้บริหารและบุคลากรมีส่วนร่วมส่งเสริมคุณธรรมและความโปร่งใส สร้างวัฒนธรรม No Gift Policy และประชาสัมพันธ์กิจกรรมผ่านเว็บไซต์ของหน่วยงาน"),
    (6, 9758, "จากการวิเคราะห์ตัวชี้วัดที่ 6 (คุณภาพการดำเนินงาน) ได้ 97.58 คะแนน ผู้รับบริการบางรายเห็นว่าการให้บริการไม่เป็นไปตามขั้นตอนและระยะเวลาที่กำหนด หน่วยงานควรระบุขั้นตอนและระยะเวลาของแต่ละขั้นตอนไว้ในคู่มือการปฏิบัติงานและคู่มือการขอรับบริการ และเผยแพร่ในรูปแบบที่อ่านง่าย เช่น แผ่นพับ อินโฟกราฟิก\nบางรายเห็นว่าการให้บริการไม่เท่าเทียมกัน หน่วยงานควรวิเคราะห์ว่าบริการใดเกิดความไม่เท่าเทียม แล้วพัฒนาการให้บริการออนไลน์ (E-Service) เพื่อลดการใช้ดุลยพินิจหรือการเลือกปฏิบัติ"),
    (7, 9667, "จากการวิเคราะห์ตัวชี้วัดที่ 7 (ประสิทธิภาพการสื่อสาร) ได้ 96.67 คะแนน ผู้รับบริการบางรายเห็นว่าช่องทางเผยแพร่ข้อมูลเข้าถึงได้ยากและข้อมูลยังขาดความชัดเจน หน่วยงานควรเผยแพร่ข้อมูลผ่านช่องทางที่หลากหลาย ปรับปรุงข้อมูลพื้นฐานบนเว็บไซต์ให้ครบถ้วนเป็นปัจจุบัน\nบางรายเห็นว่าการตอบข้อซักถามยังขาดความชัดเจน หน่วยงานควรมอบหมายผู้รับผิดชอบตอบข้อซักถามให้ชัดเจน สื่อสารผ่านสื่อสังคมออนไลน์ และเผยแพร่ช่องทางในจุดที่บุคคลภายนอกสังเกตเห็นได้ง่าย"),
    (8, 9742, "จากการวิเคราะห์ตัวชี้วัดที่ 8 (การปรับปรุงการทำงาน) ได้ 97.42 คะแนน ผู้รับบริการบางรายเห็นว่าหน่วยงานยังเปิดโอกาสให้บุคคลภายนอกมีส่วนร่วมในการปรับปรุงการดำเนินงานและการให้บริการไม่เพียงพอ หน่วยงานควรเปิดโอกาสให้บุคคลภายนอกมีส่วนร่วมผ่านโครงการหรือกิจกรรม และเผยแพร่ผลการมีส่วนร่วมให้สาธารณชนรับทราบ"),
    (9, 9750, "จากการวิเคราะห์ตัวชี้วัดที่ 9 (การเปิดเผยข้อมูล) ได้ 97.50 คะแนน ผู้รับบริการบางรายเห็นว่าช่องทางเผยแพร่ข้อมูลเข้าถึงได้ยากและข้อมูลยังขาดความชัดเจน หน่วยงานควรศึกษาหลักเกณฑ์การประเมินแต่ละปี เผยแพร่ข้อมูลบนเว็บไซต์หลักของหน่วยงาน ส่ง URL ที่เป็นเว็บไซต์หลัก และรักษาเว็บไซต์ให้เข้าถึงได้ตลอดเวลา"),
    (10, 9000, "จากการวิเคราะห์ตัวชี้วัดที่ 10 (การป้องกันการทุจริต) ได้ 90.00 คะแนน ต่ำที่สุดในภาพรวม 10 ตัวชี้วัด ผู้รับบริการบางรายเห็นว่าหน่วยงานยังขาดการเปิดโอกาสให้บุคคลภายนอกเข้ามามีส่วนร่วมในการปรับปรุงพัฒนา จึงเป็นประเด็นที่ต้องเร่งพัฒนา"),
];

/// The 2569 plan table of the report, all ten indicators, and its analyses.
async fn load_plan(
    db: &DatabaseConnection,
    staff: &Staff,
    agency: &agency::Model,
    departments: &[(String, i64)],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(i16, i64)>> {
    let year_start = day(2025, 10, 1);
    let year_end = day(2026, 9, 30);
    let plan: [PlanRow; 10] = [
        (
            1,
            "จัดทำคู่มือการปฏิบัติงานของเจ้าหน้าที่และคู่มือการให้บริการ พัฒนาการสื่อสารเชิงรุก และกำกับให้ปฏิบัติตามมาตรฐาน",
            "Staff and service manuals, proactive communication, and enforcing the standards",
            "1. กำหนดขั้นตอนและกรอบระยะเวลาในการปฏิบัติงานให้ชัดเจนตามระเบียบ\n2. จัดทำคู่มือหรือแนวทางการปฏิบัติงานสำหรับเจ้าหน้าที่\n3. ประชาสัมพันธ์คู่มือให้เจ้าหน้าที่รับทราบผ่านสื่อที่ทันสมัยและเข้าใจง่าย\n4. ผู้บริหารซักซ้อมความเข้าใจ มอบนโยบาย และกำกับติดตามให้ปฏิบัติตามขั้นตอนและกรอบระยะเวลา",
            year_start,
            year_end,
            None,
        ),
        (
            2,
            "เผยแพร่ข้อมูลการใช้งบประมาณและการจัดซื้อจัดจ้าง และมาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง",
            "Publishing budget use and procurement; transparency in procurement",
            "1. เผยแพร่แผนการใช้จ่ายงบประมาณประจำปี ประกาศการจัดซื้อจัดจ้าง และสรุปผลการจัดซื้อจัดจ้าง ที่บอร์ดประชาสัมพันธ์และเว็บไซต์ของ อบต. ให้ประชาชนเข้าถึงทางออนไลน์ได้ตลอดเวลา",
            year_start,
            year_end,
            Some("finance"),
        ),
        (
            3,
            "จัดกิจกรรมเสริมสร้างความรู้ความเข้าใจหรือฝึกอบรมด้านมาตรฐานทางจริยธรรมและประมวลจริยธรรม",
            "Training on ethical standards and the code of ethics",
            "1. จัดโครงการหรือกิจกรรมส่งเสริมจริยธรรมของหน่วยงาน\n2. ออกหนังสือเวียนให้ถือปฏิบัติตามมาตรฐานทางจริยธรรมและประมวลจริยธรรม",
            year_start,
            year_end,
            Some("office"),
        ),
        (
            4,
            "มาตรการรักษามาตรฐานการใช้ทรัพย์สินของราชการอย่างถูกต้องเหมาะสม",
            "Keeping the proper use of state property",
            "1. ทบทวนและถือปฏิบัติตามระเบียบเกี่ยวกับการใช้ทรัพย์สินของราชการอย่างเคร่งครัด\n2. จัดทำระบบควบคุมการขอใช้ ขอยืม และคืนทรัพย์สินของราชการให้เป็นปัจจุบันและตรวจสอบได้\n3. รณรงค์ปลูกฝังจิตสำนึกการใช้ทรัพยากรอย่างประหยัดและคุ้มค่า",
            year_start,
            year_end,
            Some("procurement"),
        ),
        (
            5,
            "คณะกรรมการมาตรฐานจริยธรรม การขับเคลื่อน No Gift Policy มาตรการป้องกันการทุจริต และกิจกรรมส่งเสริมคุณธรรมจริยธรรม",
            "Ethics committee, No Gift Policy, anti-corruption measures and integrity activities",
            "1. ประกาศเจตนารมณ์ No Gift Policy ปฏิเสธการรับของขวัญจากการปฏิบัติหน้าที่\n2. วิเคราะห์ผลการประเมิน ITA ปี 2568 กำหนดเป็นมาตรการส่งเสริมคุณธรรมและความโปร่งใสปี 2569 และเผยแพร่ให้บุคลากรทราบ\n3. เสริมสร้างความรู้ความเข้าใจเกี่ยวกับประมวลจริยธรรม",
            day(2026, 1, 1),
            day(2026, 3, 31),
            Some("office"),
        ),
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
    for (indicator, score, analysis) in ANALYSES {
        let input = AnalysisInput { indicator, score: score_text(score), analysis: analysis.into(), seen: None };
        save_analysis(db, staff, agency.id, FISCAL_YEAR, input, now).await?;
    }
    Ok(out)
}

/// The corruption-complaint guide as the demo agency issued it: the
/// default sections, signed by its Chief Executive.
async fn load_guide(
    db: &DatabaseConnection,
    staff: &Staff,
    agency: &agency::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let input = GuideInput {
        issuer_name: "(ชื่อผู้บริหารในข้อมูลสาธิต)".into(),
        issuer_position: "นายกองค์การบริหารส่วนตำบลชลคราม".into(),
        issued_on: Some(day(2025, 10, 15)),
        ..Default::default()
    };
    save_guide(db, staff, agency.id, input, now).await?;
    Ok(())
}

/// A published standard: slug, then (Thai, English) pairs of requirements,
/// steps (`what | how long` per line), time frame, fee, where to apply and
/// legal basis.
struct Standard {
    slug: &'static str,
    requirements: (&'static str, &'static str),
    steps: (&'static str, &'static str),
    time_frame: (&'static str, &'static str),
    fee: (&'static str, &'static str),
    apply_at: (&'static str, &'static str),
    legal_basis: (&'static str, &'static str),
}

fn standards() -> [Standard; 5] {
    [
        Standard {
            slug: "building-permit",
            requirements: (
                "1. แบบคำขออนุญาตก่อสร้างอาคาร (แบบ ข.1)\n2. สำเนาบัตรประจำตัวประชาชนและทะเบียนบ้านของผู้ขอ\n3. สำเนาโฉนดที่ดินหรือเอกสารสิทธิ์ทุกหน้า และหนังสือยินยอมของเจ้าของที่ดินกรณีผู้ขอไม่ใช่เจ้าของ\n4. แบบแปลนและรายการประกอบแบบแปลน 5 ชุด ลงนามโดยสถาปนิกและวิศวกรผู้ได้รับใบอนุญาตในกรณีที่กฎหมายกำหนด\n5. รายการคำนวณโครงสร้าง 1 ชุด\n6. หนังสือแสดงความยินยอมเป็นผู้ควบคุมงาน",
                "1. Building permit application (form Kh.1)\n2. Copies of the applicant's ID card and house registration\n3. Copies of every page of the land title, and the owner's consent where the applicant is not the owner\n4. Five sets of plans and specifications, signed by a licensed architect and engineer where the law requires\n5. One set of structural calculations\n6. The site supervisor's letter of consent",
            ),
            steps: (
                "ยื่นคำขอและตรวจความครบถ้วนของเอกสาร | 1 วัน\nตรวจสอบที่ดินและสถานที่ก่อสร้าง | 7 วัน\nพิจารณาแบบแปลนตามกฎหมายควบคุมอาคารและกฎหมายผังเมือง | 30 วัน\nเจ้าพนักงานท้องถิ่นพิจารณาออกใบอนุญาต (แบบ อ.1) | 5 วัน\nแจ้งผู้ขอรับใบอนุญาตและชำระค่าธรรมเนียม | 2 วัน",
                "File the application; documents checked for completeness | 1 day\nSite inspection | 7 days\nPlans reviewed under the building-control and town-planning laws | 30 days\nThe local official decides and issues the permit (form Or.1) | 5 days\nApplicant told to collect the permit and pay the fee | 2 days",
            ),
            time_frame: ("ภายใน 45 วัน นับแต่วันที่ได้รับคำขอที่มีเอกสารครบถ้วน", "Within 45 days of a complete application"),
            fee: (
                "ค่าธรรมเนียมใบอนุญาตตามกฎกระทรวงฉบับที่ 7 (พ.ศ. 2528) คิดตามพื้นที่อาคาร เช่น อาคารสูงไม่เกินสองชั้น ตารางเมตรละ 0.50 บาท",
                "Permit fee by floor area under Ministerial Regulation No. 7 (1985), e.g. 0.50 baht per square metre for buildings of up to two storeys",
            ),
            apply_at: (
                "กองช่าง องค์การบริหารส่วนตำบลชลคราม ในวันและเวลาราชการ (จันทร์–ศุกร์ 08.30–16.30 น.)",
                "Public Works Division, Chon Khram SAO, on working days 08:30–16:30",
            ),
            legal_basis: (
                "พระราชบัญญัติควบคุมอาคาร พ.ศ. 2522 และที่แก้ไขเพิ่มเติม\nกฎกระทรวงฉบับที่ 7 (พ.ศ. 2528) ออกตามความในพระราชบัญญัติควบคุมอาคาร พ.ศ. 2522",
                "Building Control Act B.E. 2522 (1979), as amended\nMinisterial Regulation No. 7 B.E. 2528 (1985) under the Building Control Act",
            ),
        },
        Standard {
            slug: "land-tax",
            requirements: (
                "1. หนังสือแจ้งการประเมินภาษี (ภ.ด.ส.6) หรือแจ้งชื่อและเลขประจำตัวประชาชนของผู้เสียภาษี\n2. หนังสือมอบอำนาจและสำเนาบัตรประจำตัวประชาชนของผู้มอบและผู้รับมอบ กรณีชำระแทน",
                "1. The tax assessment notice (Por.Dor.Sor.6), or the taxpayer's name and ID number\n2. A power of attorney and both ID cards when paying for someone else",
            ),
            steps: (
                "ยื่นหนังสือแจ้งการประเมินหรือแจ้งชื่อผู้เสียภาษี | 5 นาที\nตรวจสอบรายการที่ดินและสิ่งปลูกสร้างและยอดภาษี | 10 นาที\nชำระด้วยเงินสด โอนเงิน หรือสแกน QR code | 5 นาที\nรับใบเสร็จรับเงิน | 5 นาที",
                "Hand in the assessment notice or give the taxpayer's name | 5 minutes\nThe land, buildings and tax due are checked | 10 minutes\nPay in cash, by transfer or by QR code | 5 minutes\nReceive the receipt | 5 minutes",
            ),
            time_frame: (
                "25 นาทีต่อราย ชำระภายในเดือนเมษายนของทุกปี",
                "25 minutes per taxpayer; tax is due by the end of April each year",
            ),
            fee: (
                "ไม่มีค่าธรรมเนียม ชำระเกินกำหนดเสียเบี้ยปรับและเงินเพิ่มร้อยละ 1 ต่อเดือน ภาษีตั้งแต่ 3,000 บาทขอผ่อนชำระได้ 3 งวด",
                "No fee. Late payment adds a penalty and a surcharge of 1% a month; tax of 3,000 baht or more may be paid in three instalments",
            ),
            apply_at: (
                "กองคลัง องค์การบริหารส่วนตำบลชลคราม ในวันและเวลาราชการ (จันทร์–ศุกร์ 08.30–16.30 น.) หรือโอนเงินหรือสแกน QR code ตามหนังสือแจ้งการประเมิน",
                "Finance Division, Chon Khram SAO, or by transfer or QR code as printed on the assessment notice",
            ),
            legal_basis: (
                "พระราชบัญญัติภาษีที่ดินและสิ่งปลูกสร้าง พ.ศ. 2562",
                "Land and Building Tax Act B.E. 2562 (2019)",
            ),
        },
        Standard {
            slug: "elderly-allowance",
            requirements: (
                "1. บัตรประจำตัวประชาชน\n2. ทะเบียนบ้าน\n3. สมุดบัญชีเงินฝากธนาคาร หรือบัญชีพร้อมเพย์ที่ผูกกับเลขประจำตัวประชาชน\n4. หนังสือมอบอำนาจ กรณีให้ผู้อื่นยื่นแทน\nผู้มีสิทธิ์: สัญชาติไทย มีภูมิลำเนาในตำบลชลคราม อายุ 60 ปีบริบูรณ์ขึ้นไป และไม่ได้รับสวัสดิการหรือประโยชน์อื่นตามที่ระเบียบกำหนด",
                "1. ID card\n2. House registration\n3. A bank passbook, or a PromptPay account linked to the ID number\n4. A power of attorney when someone files for you\nWho qualifies: Thai nationals registered in Chon Khram, aged 60 or over, who receive no other benefit the regulation excludes",
            ),
            steps: (
                "ยื่นคำขอลงทะเบียนรับเบี้ยยังชีพ | 15 นาที\nตรวจสอบคุณสมบัติและเอกสาร | 15 นาที\nประกาศรายชื่อผู้มีสิทธิ์ ณ สำนักงาน | 30 วัน\nโอนเบี้ยยังชีพเข้าบัญชี | ภายในวันที่ 10 ของทุกเดือน",
                "File the registration | 15 minutes\nEligibility and documents checked | 15 minutes\nThe list of eligible people posted at the office | 30 days\nThe allowance paid into your account | by the 10th of each month",
            ),
            time_frame: (
                "ลงทะเบียนเสร็จภายใน 30 นาที รับเบี้ยยังชีพตามรอบการจ่ายตามระเบียบ",
                "Registration takes 30 minutes; the allowance is paid on the schedule the regulation sets",
            ),
            fee: ("ไม่มีค่าธรรมเนียม", "No fee"),
            apply_at: (
                "สำนักปลัด องค์การบริหารส่วนตำบลชลคราม ในวันและเวลาราชการ (จันทร์–ศุกร์ 08.30–16.30 น.)",
                "Office of the Permanent Secretary, Chon Khram SAO, on working days 08:30–16:30",
            ),
            legal_basis: (
                "ระเบียบกระทรวงมหาดไทยว่าด้วยหลักเกณฑ์การจ่ายเงินเบี้ยยังชีพผู้สูงอายุขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2552 และที่แก้ไขเพิ่มเติม",
                "Ministry of Interior Regulation on the Payment of Old-Age Allowances by Local Administrative Organizations B.E. 2552 (2009), as amended",
            ),
        },
        Standard {
            slug: "water-supply",
            requirements: (
                "1. แบบคำร้องขอรับการช่วยเหลือน้ำอุปโภคบริโภค (หรือแจ้งทางโทรศัพท์)\n2. สำเนาบัตรประจำตัวประชาชน\n3. จำนวนครัวเรือนและปริมาณน้ำที่ต้องการ",
                "1. The request form for drinking and household water (or a phone call)\n2. A copy of the ID card\n3. The number of households and how much water is needed",
            ),
            steps: (
                "ยื่นคำร้องที่สำนักงาน ทางโทรศัพท์ หรือทางเว็บไซต์ | 10 นาที\nตรวจสอบความเดือดร้อนในพื้นที่ | 1 วัน\nเสนอผู้บริหารอนุมัติ | 1 วัน\nส่งรถบรรทุกน้ำแจกจ่ายน้ำ | 1 วัน",
                "Request at the office, by phone or on the website | 10 minutes\nThe need checked on site | 1 day\nApproval by the executive | 1 day\nA water truck delivers | 1 day",
            ),
            time_frame: (
                "ภายใน 3 วันทำการ กรณีเร่งด่วนภายใน 24 ชั่วโมง",
                "Within 3 working days; within 24 hours when urgent",
            ),
            fee: ("ไม่มีค่าใช้จ่าย", "Free of charge"),
            apply_at: (
                "สำนักปลัด องค์การบริหารส่วนตำบลชลคราม หรือแจ้งทางโทรศัพท์และเว็บไซต์นี้ได้ตลอด 24 ชั่วโมง",
                "Office of the Permanent Secretary, Chon Khram SAO, by phone, or on this website at any time",
            ),
            legal_basis: (
                "พระราชบัญญัติสภาตำบลและองค์การบริหารส่วนตำบล พ.ศ. 2537 มาตรา 68 (1)\nระเบียบกระทรวงมหาดไทยว่าด้วยค่าใช้จ่ายเพื่อช่วยเหลือประชาชนตามอำนาจหน้าที่ขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2560",
                "Tambon Council and Subdistrict Administrative Organization Act B.E. 2537 (1994), section 68 (1)\nMinistry of Interior Regulation on Expenses to Help the Public within Local Administrative Organizations' Powers B.E. 2560 (2017)",
            ),
        },
        Standard {
            slug: "street-light",
            requirements: (
                "แจ้งจุดที่ไฟดับ (หมู่ที่ ถนน หมายเลขเสา หรือจุดสังเกต) ชื่อและเบอร์ติดต่อไม่บังคับ",
                "Where the light is out (village, road, pole number or landmark); name and phone are optional",
            ),
            steps: (
                "รับแจ้งทางโทรศัพท์ เว็บไซต์ หรือที่สำนักงาน | 5 นาที\nออกตรวจสอบจุดที่ชำรุด | 2 วัน\nซ่อมแซมหรือเปลี่ยนหลอดไฟ | 3 วัน\nแจ้งผลการซ่อมแก่ผู้แจ้ง | 1 วัน",
                "Report by phone, on the website or at the office | 5 minutes\nThe fault inspected | 2 days\nRepair or lamp replacement | 3 days\nThe reporter told of the repair | 1 day",
            ),
            time_frame: (
                "ภายใน 7 วันทำการ หากต้องประสานการไฟฟ้าส่วนภูมิภาคจะแจ้งกำหนดใหม่ให้ทราบ",
                "Within 7 working days; if the Provincial Electricity Authority must act, you are told the new date",
            ),
            fee: ("ไม่มีค่าใช้จ่าย", "Free of charge"),
            apply_at: (
                "กองช่าง องค์การบริหารส่วนตำบลชลคราม หรือแจ้งทางเว็บไซต์นี้ได้ตลอด 24 ชั่วโมง",
                "Public Works Division, Chon Khram SAO, or on this website at any time",
            ),
            legal_basis: (
                "พระราชบัญญัติสภาตำบลและองค์การบริหารส่วนตำบล พ.ศ. 2537 มาตรา 68 (2)",
                "Tambon Council and Subdistrict Administrative Organization Act B.E. 2537 (1994), section 68 (2)",
            ),
        },
    ]
}

/// Publishes the standards of five of the services the fresh install has.
async fn load_standards(
    db: &DatabaseConnection,
    staff: &Staff,
    agency: &agency::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let catalogue = services::all(db, agency.id).await?;
    for standard in standards() {
        let service =
            catalogue.iter().find(|s| s.slug == standard.slug).with_context(|| format!("service {}", standard.slug))?;
        let input = ServiceInput {
            slug: service.slug.clone(),
            name_th: service.name_th.clone(),
            name_en: service.name_en.clone(),
            department_id: service.department_id,
            active: true,
            standard: Some(StandardInput {
                published: true,
                requirements_th: standard.requirements.0.into(),
                requirements_en: standard.requirements.1.into(),
                steps_th: standard.steps.0.into(),
                steps_en: standard.steps.1.into(),
                time_frame_th: standard.time_frame.0.into(),
                time_frame_en: standard.time_frame.1.into(),
                fee_th: standard.fee.0.into(),
                fee_en: standard.fee.1.into(),
                apply_at_th: standard.apply_at.0.into(),
                apply_at_en: standard.apply_at.1.into(),
                online_url: String::new(),
                legal_basis_th: standard.legal_basis.0.into(),
                legal_basis_en: standard.legal_basis.1.into(),
            }),
        };
        services::save_service(db, staff, Some(service.id), input, now).await?;
    }
    Ok(())
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

/// A resident's service feedback: answers 1–4 to the scale questions
/// (procedure, equal treatment, straight information, access to
/// information, clear answers, improvement, technology, participation,
/// transparency); the other EIT questions follow from them.
fn feedback(service: &str, answers: [i64; 9], asked_for_benefit: bool, comment: &str) -> NewSubmission {
    let [procedure, equal, straight, access, clear, improved, technology, participation, transparency] = answers;
    let has = i64::from(crate::domain::submissions::questions::HAS);
    let ratings = [
        ("procedure_time", procedure),
        ("time_frame", procedure),
        ("equal_treatment", equal),
        ("straight_info", straight),
        ("public_interest", straight),
        ("info_access", access),
        ("results_published", access),
        ("feedback_channel", has),
        ("clear_answers", clear),
        ("corruption_channel", has),
        ("service_improved", improved),
        ("uses_technology", technology),
        ("participation", participation),
        ("transparency", transparency),
    ];
    NewSubmission {
        kind: "service_feedback".into(),
        service: service.into(),
        details: comment.into(),
        ratings: ratings.iter().map(|(id, value)| ((*id).to_owned(), *value)).collect(),
        asked_for_benefit: Some(asked_for_benefit),
        ..Default::default()
    }
}

fn question(text: &str) -> NewSubmission {
    NewSubmission { kind: "question".into(), details: text.into(), ..Default::default() }
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
            key: "feedback_street_light",
            received: at(2025, 10, 28),
            channel: Channel::Web,
            input: feedback("street-light", [4, 4, 3, 3, 3, 3, 3, 3, 3], false, "ซ่อมเร็วกว่าที่คิด"),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
        Sample {
            key: "feedback_permit_2",
            received: at(2026, 3, 3),
            channel: Channel::WalkIn,
            input: feedback("building-permit", [3, 4, 4, 3, 3, 3, 2, 3, 3], false, ""),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
        Sample {
            key: "feedback_water",
            received: at(2026, 4, 8),
            channel: Channel::Phone,
            input: feedback("water-supply", [4, 4, 4, 3, 4, 3, 3, 3, 4], false, "รถน้ำมาภายในวันถัดไป"),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
        Sample {
            key: "feedback_street_light_2",
            received: at(2026, 5, 30),
            channel: Channel::Web,
            input: feedback("street-light", [2, 3, 3, 3, 2, 3, 3, 2, 3], false, "แจ้งสองครั้งกว่าจะมาซ่อม"),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
        Sample {
            key: "question_tax",
            received: at(2026, 2, 24),
            channel: Channel::Web,
            input: question(
                "ภาษีที่ดินปีนี้ต้องจ่ายภายในเดือนไหนครับ ถ้าจ่ายช้าต้องเสียค่าปรับเท่าไร ผมทำงานต่างจังหวัดกลับบ้านช่วงสงกรานต์",
            ),
            department: Some("finance"),
            indicators: &[7],
            outcome: Some((
                Status::Resolved,
                2,
                Some(2),
                "ชำระภายในเดือนเมษายน ชำระช้าเสียเงินเพิ่มร้อยละ 1 ต่อเดือน ชำระโดยโอนเงินได้ ดูรายละเอียดที่ /services/land-tax",
            )),
            published: Some((
                "ภาษีที่ดินและสิ่งปลูกสร้างต้องชำระภายในเมื่อใด และชำระล่าช้ามีเงินเพิ่มอย่างไร",
                "When is the land and building tax due, and what does paying late cost?",
                "ชำระภายในเดือนเมษายนของทุกปีตามหนังสือแจ้งการประเมิน ชำระเกินกำหนดเสียเบี้ยปรับและเงินเพิ่มร้อยละ 1 ต่อเดือน ผู้ที่อยู่ต่างพื้นที่ชำระโดยโอนเงินหรือสแกน QR code ตามหนังสือแจ้งการประเมินได้ และภาษีตั้งแต่ 3,000 บาทขอผ่อนชำระได้ 3 งวด",
            )),
        },
        Sample {
            key: "question_extension",
            received: at(2026, 6, 2),
            channel: Channel::Web,
            input: question("จะต่อเติมครัวหลังบ้านยื่นออกไปประมาณ 2 เมตร ต้องขออนุญาตก่อนไหม"),
            department: Some("works"),
            indicators: &[7],
            outcome: Some((
                Status::Resolved,
                3,
                Some(3),
                "ถ้าต่อเติมเพิ่มพื้นที่หลังคาเกิน 5 ตารางเมตร ต้องขออนุญาตก่อน นำแบบร่างมาปรึกษากองช่างได้",
            )),
            published: Some((
                "ต่อเติมบ้าน (เช่น ครัวหลังบ้าน) ต้องขออนุญาตก่อนหรือไม่",
                "Does extending a house (a back kitchen, say) need a permit first?",
                "การต่อเติมที่เพิ่มหรือเปลี่ยนโครงสร้าง หรือเพิ่มพื้นที่หลังคารวมกันเกิน 5 ตารางเมตร ถือเป็นการดัดแปลงอาคาร ต้องได้รับอนุญาตก่อนลงมือ นำแบบร่างมาปรึกษากองช่างได้โดยไม่เสียค่าใช้จ่าย ขั้นตอนและเอกสารอยู่ในคู่มือการให้บริการขออนุญาตก่อสร้างอาคาร",
            )),
        },
        Sample {
            key: "question_waste_holiday",
            received: at(2026, 9, 22),
            channel: Channel::Web,
            input: question("ช่วงวันหยุดยาวเดือนตุลาคม รถเก็บขยะยังมาตามวันเดิมหรือไม่"),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
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
    samples: Vec<Sample>,
) -> anyhow::Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    for sample in samples {
        let receipt = submissions::submit(db, agency, sample.input, sample.channel, None, None, sample.received)
            .await
            .with_context(|| format!("submitting the sample {}", sample.key))?;
        let stored = submission::Entity::find()
            .filter(submission::Column::AgencyId.eq(agency.id))
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
                    photos: Vec::new(),
                },
                published_on,
            )
            .await?;
        }
        out.push((sample.key, stored.id));
    }
    Ok(out)
}

/// The second agency: a municipality of the same province with a few
/// services, submissions (one published) and a published activity.
async fn load_second_agency(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    let input = crate::domain::agency::NewAgency {
        slug: "nong-bua".into(),
        name_th: "เทศบาลตำบลหนองบัว".into(),
        name_en: "Nong Bua Subdistrict Municipality".into(),
        host: None,
    };
    let agency = crate::domain::agency::create(db, input, now).await?;
    let departments = ensure_departments(db, agency.id).await?;
    let staff = demo_staff(db, &agency, now).await?;
    for (slug, name_th, name_en, department) in [
        ("market-permit", "ขออนุญาตจำหน่ายสินค้าในตลาดสด", "Fresh-market stall permit", "office"),
        ("drainage", "แจ้งท่อระบายน้ำอุดตัน", "Blocked drains", "works"),
    ] {
        let service = ServiceInput {
            slug: slug.into(),
            name_th: name_th.into(),
            name_en: name_en.into(),
            department_id: dept(&departments, department),
            active: true,
            standard: None,
        };
        services::save_service(db, &staff, None, service, now).await?;
    }
    let samples = vec![
        Sample {
            key: "drain",
            received: at(2025, 11, 3),
            channel: Channel::Line,
            input: text("complaint", "ท่อระบายน้ำหน้าตลาดอุดตัน", "ฝนตกแล้วน้ำท่วมขังหน้าตลาดสดทุกครั้ง", "ถนนเทศบาล 2"),
            department: Some("works"),
            indicators: &[6],
            outcome: Some((Status::Resolved, 1, Some(5), "กองช่างลอกท่อระบายน้ำหน้าตลาดแล้ว")),
            published: Some((
                "ท่อระบายน้ำหน้าตลาดอุดตัน กองช่างลอกท่อแล้วภายใน 5 วัน",
                "Blocked drain at the market, cleared within 5 days",
                "ลอกท่อระบายน้ำและเก็บขยะที่อุดตัน",
            )),
        },
        Sample {
            key: "market_hours",
            received: at(2025, 12, 9),
            channel: Channel::Web,
            input: text("suggestion", "ขอให้ขยายเวลาเปิดตลาดเย็น", "ผู้ค้าและผู้ซื้ออยากให้ตลาดเย็นเปิดถึงสองทุ่ม", "ตลาดสดเทศบาล"),
            department: Some("office"),
            indicators: &[8],
            outcome: Some((Status::InProgress, 3, None, "อยู่ระหว่างรับฟังความเห็นผู้ค้า")),
            published: None,
        },
        Sample {
            key: "stray_dogs",
            received: at(2026, 1, 20),
            channel: Channel::Phone,
            input: text("complaint", "สุนัขจรจัดในชุมชน", "มีสุนัขจรจัดหลายตัวไล่กัดเด็กนักเรียน", "ชุมชนหนองบัวใต้"),
            department: None,
            indicators: &[],
            outcome: None,
            published: None,
        },
        Sample {
            key: "tax_question",
            received: at(2026, 2, 2),
            channel: Channel::Web,
            input: question("ชำระภาษีที่ดินผ่านแอปธนาคารได้หรือไม่"),
            department: Some("finance"),
            indicators: &[7],
            outcome: Some((Status::Resolved, 1, Some(1), "ชำระได้ผ่านแอปธนาคารที่ร่วมรายการ ดูรายละเอียดที่กองคลัง")),
            published: None,
        },
    ];
    let submissions = load_submissions(db, &staff, &agency, &departments, samples).await?;
    let hearing = ActivityInput {
        kind: ActivityKind::Hearing,
        title_th: "ประชาคมผู้ค้าตลาดสดเทศบาล เรื่องเวลาเปิดตลาดเย็น".into(),
        title_en: Some("Market traders' forum on evening market hours".into()),
        held_at: at(2026, 1, 15),
        place: "อาคารตลาดสดเทศบาลตำบลหนองบัว".into(),
        participants: 41,
        description: "ผู้ค้าและผู้ซื้อร่วมเสนอความเห็นเรื่องเวลาเปิดปิดและความสะอาดของตลาด".into(),
        outcome: Some("ทดลองเปิดตลาดเย็นถึง 20.00 น. สามเดือน".into()),
        participant_groups: Some("ผู้ค้าในตลาดสด ผู้ซื้อ และคณะกรรมการชุมชน".into()),
        method: Some("เวทีประชาคมและแบบสอบถาม".into()),
        results_used: Some("ออกประกาศทดลองขยายเวลาเปิดตลาด".into()),
        department_id: dept(&departments, "office"),
        indicators: vec![8],
        submission_ids: vec![id_of(&submissions, "market_hours")?],
        published: true,
    };
    save_activity(db, &staff, agency.id, None, hearing, now).await?;
    Ok(())
}

/// Where the demo's referred sample went.
const DEMO_REFERRAL: &str = "สถานีตำรวจภูธรดอนสัก";

/// What staff did with a sample: assignment, indicator links, the answer
/// and the final status, replayed through the staff's own domain functions.
async fn settle(
    db: &DatabaseConnection,
    staff: &Staff,
    stored: &submission::Model,
    department: Option<i64>,
    indicators: &[i16],
    outcome: Option<(Status, i64, Option<i64>, &str)>,
) -> anyhow::Result<()> {
    let history = History {
        department,
        indicators,
        reply: outcome.map(|(_, days, _, reply)| (days, reply)),
        ends: outcome.map(|(status, answered, closed, _)| (status, closed.unwrap_or(answered))),
        closing_message: outcome.map_or("", |(_, _, _, reply)| reply),
        referred_to: DEMO_REFERRAL,
    };
    replay(db, staff, stored, &history).await
}

/// A submission's history as staff made it, dated after its receipt: for
/// the demo and for tests that need items in a given state.
pub struct History<'a> {
    pub department: Option<i64>,
    pub indicators: &'a [i16],
    /// The first public reply: days after receipt, and its text.
    pub reply: Option<(i64, &'a str)>,
    /// The status it ends in and the days after receipt it got there,
    /// through every step the workflow asks for.
    pub ends: Option<(Status, i64)>,
    /// The message of a closing step.
    pub closing_message: &'a str,
    /// Where a referral goes.
    pub referred_to: &'a str,
}

/// Replays `history` on `item` through the domain functions staff use
/// (so its timeline, audit entries and counts are what staff would leave),
/// each step at its past time.
pub async fn replay(
    db: &DatabaseConnection,
    staff: &Staff,
    item: &submission::Model,
    history: &History<'_>,
) -> anyhow::Result<()> {
    use crate::domain::submissions::triage::{self, Assignment, StatusChange};
    let at = |days: i64| item.received_at + chrono::Duration::days(days);
    let triaged = item.received_at + chrono::Duration::minutes(30);
    if history.department.is_some() {
        let to = Assignment { department_id: history.department, ..Default::default() };
        triage::assign(db, staff, item.id, to, triaged).await?;
    }
    for indicator in history.indicators {
        triage::set_indicator(db, staff, item.id, *indicator, true, triaged).await?;
    }
    if let Some((days, text)) = history.reply {
        triage::add_message(db, staff, item.id, text, true, at(days)).await?;
    }
    let Some((status, days)) = history.ends else { return Ok(()) };
    let path: &[Status] = match status {
        Status::Received => &[],
        Status::Accepted => &[Status::Accepted],
        Status::InProgress => &[Status::Accepted, Status::InProgress],
        Status::Resolved => &[Status::Accepted, Status::InProgress, Status::Resolved],
        Status::Rejected => &[Status::Rejected],
        Status::Referred => &[Status::Referred],
    };
    // The steps before the last one are taken when the item was answered.
    let started = history.reply.map_or(days, |(answered, _)| answered.min(days));
    for (i, step) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let change = StatusChange {
            to: sea_orm::ActiveEnum::to_value(step),
            message: if crate::domain::submissions::workflow::needs_message(*step) {
                history.closing_message.to_owned()
            } else {
                String::new()
            },
            referred_to: history.referred_to.to_owned(),
            seen: None,
            // What the closing status itself means.
            outcome: String::new(),
        };
        triage::change_status(db, staff, item.id, change, at(if last { days } else { started })).await?;
    }
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
                participant_groups: Some("ประชาชนหมู่ที่ 1–7 ผู้ใหญ่บ้าน สมาชิกสภา อบต. กลุ่มอาชีพ และกลุ่มผู้สูงอายุ".into()),
                method: Some("เวทีประชาคม แบ่งกลุ่มย่อยตามหมู่บ้าน ระดมความเห็นและลงคะแนนจัดลำดับโครงการ".into()),
                results_used: Some("บรรจุ 14 โครงการในร่างแผนพัฒนาท้องถิ่น (พ.ศ. 2571–2575) ส่วนที่เหลือส่งต่อหน่วยงานที่เกี่ยวข้อง และแจ้งผลให้ผู้เข้าร่วมทราบทางเว็บไซต์และไลน์ของ อบต.".into()),
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
                participant_groups: Some("ผู้สูงอายุ ผู้พิการ ผู้ประกอบการร้านค้า และประชาชนทั่วไปในหมู่ที่ 2 และ 3".into()),
                method: Some("ออกหน่วยบริการนอกสถานที่ ตั้งโต๊ะรับเรื่องและสัมภาษณ์ผู้รับบริการ".into()),
                results_used: Some("เรื่องร้องเรียน 31 เรื่องลงทะเบียนในระบบและมอบหมายกองที่รับผิดชอบ ข้อเสนอเรื่องเวลาให้บริการนำไปขยายเวลาเปิดรับชำระภาษีช่วงพักเที่ยง".into()),
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
                participant_groups: Some("ผู้รับบริการที่เคยยื่นคำร้องในปีงบประมาณ 2569 ทั้งที่สำนักงานและทางออนไลน์".into()),
                method: Some("แบบสอบถามออนไลน์และแบบกระดาษที่จุดบริการ".into()),
                results_used: Some("เพิ่มแบบคำร้องทั่วไปในระบบ E-Service และจัดอบรมการใช้งานให้ผู้นำชุมชน".into()),
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
                participant_groups: None,
                method: None,
                results_used: None,
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
