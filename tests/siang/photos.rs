//! Photos and place of a submission (issue 13, parts 4 and 5): photos are
//! decoded and encoded again (no EXIF or GPS reaches the store), refused
//! when they are not pictures or would take too much memory to decode, at
//! most three; private until staff publish them with the log entry, never
//! public for a corruption report; the village (หมู่) public, the phone's
//! coordinates never.

use std::io::Cursor;

use chrono::Utc;
use entity::enums::Role;
use entity::{submission, submission_photo};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use siang::domain::files::Upload;
use siang::domain::photos;

use crate::helpers::{Client, TestApp, TestResponse};
use crate::on_both_databases;

/// A JPEG made here (larger than a thumbnail), with an APP1 Exif segment holding a GPS position
/// (13°45'N, 100°30'E) spliced in after the start-of-image marker.
pub(crate) fn jpeg_with_gps() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x / 3) as u8, (y / 2) as u8, 128]));
    let mut plain = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture).write_to(&mut plain, image::ImageFormat::Jpeg).unwrap();
    let plain = plain.into_inner();

    // TIFF, big-endian: IFD0 with one entry (the GPS IFD's offset), then the
    // GPS IFD: latitude N 13/1 45/1 0/1, longitude E 100/1 30/1 0/1.
    let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = Vec::new();
        e.extend_from_slice(&tag.to_be_bytes());
        e.extend_from_slice(&kind.to_be_bytes());
        e.extend_from_slice(&count.to_be_bytes());
        e.extend_from_slice(&value.to_be_bytes());
        e
    };
    let gps_ifd = 8 + 2 + 12 + 4;
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend(entry(0x8825, 4, 1, gps_ifd));
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let rationals = gps_ifd + 2 + 4 * 12 + 4;
    tiff.extend_from_slice(&4u16.to_be_bytes());
    tiff.extend(entry(0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0")));
    tiff.extend(entry(0x0002, 5, 3, rationals));
    tiff.extend(entry(0x0003, 2, 2, u32::from_be_bytes(*b"E\0\0\0")));
    tiff.extend(entry(0x0004, 5, 3, rationals + 24));
    tiff.extend_from_slice(&0u32.to_be_bytes());
    for (numerator, denominator) in [(13u32, 1u32), (45, 1), (0, 1), (100, 1), (30, 1), (0, 1)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let length = u16::try_from(app1.len() + 2).unwrap();

    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&length.to_be_bytes());
    jpeg.extend(app1);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

/// A PNG of a few bytes that declares 100000 × 100000 pixels (40 GB once
/// decoded).
fn png_bomb() -> Vec<u8> {
    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        out
    }
    let mut header = Vec::new();
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &header));
    // Deflate of a few zero bytes: what a bomb's data starts with.
    png.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// CRC-32 as PNG's chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// The start of a Linux executable.
const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0\x40\x10\x40\0\0\0\0\0";

/// A `multipart/form-data` body: the form token first (as the forms put
/// it), then the text fields, then the files as (field, name, type, bytes).
pub(crate) fn multipart(
    token: Option<&str>,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &str, &[u8])],
) -> (String, Vec<u8>) {
    let boundary = "----siangphotoboundaryQ2x9";
    let mut body = Vec::new();
    let mut text = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    };
    if let Some(token) = token {
        text("_csrf", token);
    }
    for (name, value) in fields {
        text(name, value);
    }
    for (field, name, claimed_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: {claimed_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

const COMPLAINT: [(&str, &str); 3] =
    [("kind", "complaint"), ("subject", "ท่อระบายน้ำอุดตัน"), ("details", "น้ำท่วมขังหน้าตลาดทุกครั้งที่ฝนตก")];

/// The resident's form, sent with these photos (and any other fields).
async fn send_form(client: &Client<'_>, path: &str, fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> TestResponse {
    let token = client.csrf_token().await;
    let files: Vec<(&str, &str, &str, &[u8])> =
        files.iter().map(|(name, bytes)| ("photos", *name, "image/jpeg", *bytes)).collect();
    let (content_type, body) = multipart(Some(&token), fields, &files);
    client.post_bytes(path, &content_type, body).await
}

/// Every file under the app's file directory, with its bytes.
pub(crate) fn stored_bytes(app: &TestApp) -> Vec<Vec<u8>> {
    crate::helpers::stored_files(app).iter().map(|path| std::fs::read(path).unwrap()).collect()
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn only_submission(app: &TestApp) -> submission::Model {
    let mut all = submission::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(all.len(), 1, "one submission");
    all.pop().unwrap()
}

pub(crate) async fn photo_rows(app: &TestApp, submission_id: i64) -> Vec<submission_photo::Model> {
    submission_photo::Entity::find()
        .filter(submission_photo::Column::SubmissionId.eq(submission_id))
        .order_by_asc(submission_photo::Column::Position)
        .all(&app.db)
        .await
        .unwrap()
}

fn header<'a>(response: &'a TestResponse, name: &str) -> &'a str {
    response.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn a_photo_with_gps_is_stored_without_its_exif(app: TestApp) {
    let original = jpeg_with_gps();
    assert!(contains(&original, b"Exif\0\0") && contains(&original, &[0xFF, 0xE1]), "the sample carries EXIF");
    assert!(image::load_from_memory(&original).is_ok(), "the sample is a valid JPEG");

    let resident = app.resident();
    let sent = send_form(&resident, "/submit", &COMPLAINT, &[("IMG_0042.jpg", &original)]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location(), "/receipt");

    let item = only_submission(&app).await;
    let rows = photo_rows(&app, item.id).await;
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].published, "a photo is private until staff publish it");
    assert_eq!(app.count("stored_file").await, 2, "the photo and its thumbnail");
    let stored = stored_bytes(&app);
    assert_eq!(stored.len(), 2);
    let sizes: Vec<u32> = stored.iter().map(|b| image::load_from_memory(b).unwrap().width()).collect();
    assert!(sizes.contains(&640) && sizes.contains(&photos::THUMBNAIL_SIDE), "the photo and a thumbnail: {sizes:?}");
    for bytes in &stored {
        assert!(!contains(bytes, b"Exif"), "no EXIF is stored");
        assert!(!contains(bytes, &[0xFF, 0xE1]), "no APP1 segment is stored");
        assert!(!contains(bytes, b"GPS"), "no GPS marker is stored");
        assert_ne!(bytes, &original, "the stored bytes are encoded anew");
        let decoded = image::load_from_memory(bytes).expect("the stored image is a picture");
        assert!(decoded.width() <= 640 && decoded.height() <= 480);
    }

    // Staff see the thumbnail, linked to the photo, served from the staff route.
    let admin_user = app.staff("admin", Role::Admin, None).await;
    let admin = app.client([198, 51, 100, 7]);
    admin.login(&admin_user.username).await;
    let page = admin.get(&format!("/staff/submissions/{}", item.id)).await;
    assert_eq!(page.status, 200);
    let full = format!("/staff/submissions/{}/photos/{}", item.id, rows[0].id);
    assert!(page.body.contains(&format!("href=\"{full}\"")), "{}", page.body);
    assert!(page.body.contains(&format!("src=\"{full}/thumbnail\"")));
    let served = admin.get(&full).await;
    assert_eq!(served.status, 200);
    assert_eq!(header(&served, "content-type"), "image/jpeg");
    assert_eq!(header(&served, "x-content-type-options"), "nosniff");
    assert_eq!(admin.get(&format!("{full}/thumbnail")).await.status, 200);
}

async fn bombs_and_renamed_programs_are_refused_and_nothing_is_stored(app: TestApp) {
    let resident = app.resident();
    let bomb = send_form(&resident, "/submit", &COMPLAINT, &[("huge.png", &png_bomb())]).await;
    assert_eq!(bomb.status, 422, "{}", bomb.body);
    assert!(bomb.body.contains("รูปมีขนาดพิกเซลใหญ่เกินไป"), "a Thai message names the problem: {}", bomb.body);
    assert!(bomb.body.contains("ท่อระบายน้ำอุดตัน"), "the form keeps what was typed");

    let program = send_form(&resident, "/submit", &COMPLAINT, &[("holiday.jpg", ELF)]).await;
    assert_eq!(program.status, 422, "{}", program.body);
    assert!(program.body.contains("รับเฉพาะรูป JPEG, PNG หรือ WebP"), "{}", program.body);

    resident.get("/language/en").await;
    let english = send_form(&resident, "/submit", &COMPLAINT, &[("huge.png", &png_bomb())]).await;
    assert_eq!(english.status, 422);
    assert!(english.body.contains("too many pixels"), "{}", english.body);

    // The API refuses them the same way, field by field.
    let (content_type, body) = multipart(
        None,
        &[("submission", &serde_json::json!({"kind": "complaint", "subject": "ก", "details": "ข"}).to_string())],
        &[("photos", "x.jpg", "image/jpeg", ELF)],
    );
    let api = app.client([192, 0, 2, 9]).post_bytes("/api/v1/submissions", &content_type, body).await;
    assert_eq!(api.status, 422, "{}", api.body);
    assert_eq!(api.json()["errors"]["photos"].as_array().map(Vec::len), Some(1), "{}", api.body);

    assert_eq!(app.count("submission").await, 0);
    assert_eq!(app.count("stored_file").await, 0);
    assert_eq!(app.count("submission_photo").await, 0);
    assert!(stored_bytes(&app).is_empty(), "no bytes were kept");
}

async fn more_than_three_photos_are_refused(app: TestApp) {
    let photo = jpeg_with_gps();
    let four: Vec<(&str, &[u8])> = (0..4).map(|_| ("p.jpg", photo.as_slice())).collect();
    let resident = app.resident();
    let form = send_form(&resident, "/submit", &COMPLAINT, &four).await;
    assert_eq!(form.status, 422, "{}", form.body);
    assert!(form.body.contains("แนบรูปได้ไม่เกิน 3 รูป"));

    let files: Vec<(&str, &str, &str, &[u8])> = (0..4).map(|_| ("photos", "p.jpg", "image/jpeg", &photo[..])).collect();
    let json = serde_json::json!({"kind": "complaint", "subject": "ก", "details": "ข"}).to_string();
    let (content_type, body) = multipart(None, &[("submission", &json)], &files);
    let api = app.client([192, 0, 2, 9]).post_bytes("/api/v1/submissions", &content_type, body).await;
    assert_eq!(api.status, 422, "{}", api.body);
    assert_eq!(app.count("submission").await, 0);
    assert_eq!(app.count("submission_photo").await, 0);

    // Three are taken, in the order given.
    let three = &four[..3];
    let sent = send_form(&resident, "/submit", &COMPLAINT, three).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let item = only_submission(&app).await;
    let positions: Vec<i16> = photo_rows(&app, item.id).await.iter().map(|p| p.position).collect();
    assert_eq!(positions, [0, 1, 2]);

    // A channel adding one later (LINE) finds the submission full.
    let store = siang::files::ObjectFiles::in_dir(&app.files_dir).unwrap();
    let upload = Upload { name: "line.jpg".into(), bytes: photo.clone().into() };
    let refused = photos::attach(&app.db, &store, item.agency_id, item.id, upload, Utc::now()).await;
    assert!(matches!(refused, Err(siang::domain::error::DomainError::Invalid(_))), "{refused:?}");
    assert_eq!(app.count("submission_photo").await, 3);
}

async fn photos_attached_at_once_never_pass_three(app: TestApp) {
    let (id, _, _) = app.submit(serde_json::json!({"kind": "complaint", "subject": "ก", "details": "ข"})).await;
    let agency_id = siang::domain::agency::current(&app.db).await.unwrap().id;
    let store = std::sync::Arc::new(siang::files::ObjectFiles::in_dir(&app.files_dir).unwrap());
    let photo = bytes::Bytes::from(jpeg_with_gps());
    for round in 0..3 {
        let attaches = (0..5).map(|n| {
            let (db, store, photo) = (app.db.clone(), store.clone(), photo.clone());
            tokio::spawn(async move {
                let upload = Upload { name: format!("line-{round}-{n}.jpg"), bytes: photo };
                photos::attach(&db, store.as_ref(), agency_id, id, upload, Utc::now()).await
            })
        });
        let outcomes = futures_util::future::join_all(attaches).await;
        let added = outcomes.iter().filter(|o| o.as_ref().unwrap().is_ok()).count();
        assert_eq!(added, if round == 0 { 3 } else { 0 }, "round {round}: {outcomes:?}");
        let positions: Vec<i16> = photo_rows(&app, id).await.iter().map(|p| p.position).collect();
        assert_eq!(positions, [0, 1, 2]);
    }
    let added = app.audit_actions().await.iter().filter(|a| *a == "photo_added").count();
    assert_eq!(added, 3, "each photo added leaves an audit entry");
}

async fn a_photo_is_public_only_once_published_with_its_entry(app: TestApp) {
    // Through the API, as multipart.
    let json = serde_json::json!({"kind": "complaint", "subject": "ไฟทางดับ", "details": "ซอย 3 มืดทั้งซอย", "moo": 4})
        .to_string();
    let photo = jpeg_with_gps();
    let (content_type, body) = multipart(None, &[("submission", &json)], &[("photos", "a.jpg", "image/jpeg", &photo)]);
    let created = app.client([192, 0, 2, 9]).post_bytes("/api/v1/submissions", &content_type, body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let item = only_submission(&app).await;
    let photo_id = photo_rows(&app, item.id).await[0].id;
    let public_path = format!("/log/{}/photos/{photo_id}", item.tracking_code);
    let resident = app.resident();
    assert_eq!(resident.get(&public_path).await.status, 404, "not before the entry is published");

    let admin_user = app.staff("admin", Role::Admin, None).await;
    let admin = app.client([198, 51, 100, 7]);
    admin.login(&admin_user.username).await;
    let publish = format!("/staff/submissions/{}/publish", item.id);
    let published = admin.post_form(&publish, &[("summary_th", "ซ่อมไฟทางซอย 3")]).await;
    assert_eq!(published.status, 303, "{}", published.body);
    assert_eq!(resident.get(&public_path).await.status, 404, "not when staff did not choose it");
    let entry = resident.get(&format!("/log/{}", item.tracking_code)).await;
    assert!(!entry.body.contains("/photos/"), "the entry shows no photo");

    let page = admin.get(&format!("/staff/submissions/{}", item.id)).await;
    assert!(page.body.contains(&format!("name=\"photo\" type=\"checkbox\" value=\"{photo_id}\"")), "{}", page.body);
    let photo_field = photo_id.to_string();
    let chosen = admin.post_form(&publish, &[("summary_th", "ซ่อมไฟทางซอย 3"), ("photo", &photo_field)]).await;
    assert_eq!(chosen.status, 303, "{}", chosen.body);
    let served = resident.get(&public_path).await;
    assert_eq!(served.status, 200);
    assert_eq!(header(&served, "content-type"), "image/jpeg");
    let policies = served.headers.get_all("content-security-policy");
    assert!(policies.iter().any(|v| v.to_str().unwrap().contains("sandbox")), "served sandboxed");
    assert_eq!(resident.get(&format!("{public_path}/thumbnail")).await.status, 200);
    let entry = resident.get(&format!("/log/{}", item.tracking_code)).await;
    assert!(entry.body.contains(&format!("href=\"{public_path}\"")), "{}", entry.body);
    assert!(app.audit_actions().await.iter().filter(|a| *a == "published").count() == 2, "choosing a photo is audited");

    // Another submission's photo id under this code, or a withdrawn entry: 404.
    assert_eq!(resident.get(&format!("/log/{}/photos/{}", item.tracking_code, photo_id + 1000)).await.status, 404);
    let withdrawn = admin.post_form(&format!("/staff/submissions/{}/unpublish", item.id), &[]).await;
    assert_eq!(withdrawn.status, 303);
    assert_eq!(resident.get(&public_path).await.status, 404, "not once the entry is withdrawn");
}

async fn a_corruption_reports_photos_are_sealed_and_never_public(app: TestApp) {
    let resident = app.resident();
    let fields = [
        ("corruption.official", "เจ้าหน้าที่กองช่าง"),
        ("subject", "เรียกรับเงินค่าอนุญาต"),
        ("details", "เรียกเงินสองพันบาทเพื่อออกใบอนุญาตเร็วขึ้น"),
    ];
    let sent = send_form(&resident, "/report-corruption", &fields, &[("slip.jpg", &jpeg_with_gps())]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let item = only_submission(&app).await;
    let photo_id = photo_rows(&app, item.id).await[0].id;
    let staff_path = format!("/staff/submissions/{}/photos/{photo_id}", item.id);

    let officer_user = app.staff("integrity", Role::IntegrityOfficer, None).await;
    let officer = app.client([198, 51, 100, 8]);
    officer.login(&officer_user.username).await;
    let page = officer.get(&format!("/staff/submissions/{}", item.id)).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains(&staff_path), "sealed: no photo on the page until revealed");
    assert!(page.body.contains("เปิดดูรูปภาพ"));
    let revealed = officer.post_form(&format!("/staff/submissions/{}/reporter", item.id), &[]).await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    assert!(revealed.body.contains(&staff_path));
    assert!(app.audit_actions().await.contains(&"contact_viewed".to_owned()), "the reveal is audited");
    assert_eq!(officer.get(&staff_path).await.status, 200);
    assert!(app.audit_actions().await.contains(&"sealed_photo_viewed".to_owned()), "every look is audited");

    // A viewer never sees it; nobody can publish it; the public never gets it.
    let viewer_user = app.staff("viewer", Role::Viewer, None).await;
    let viewer = app.client([198, 51, 100, 9]);
    viewer.login(&viewer_user.username).await;
    assert_eq!(viewer.get(&staff_path).await.status, 403);
    let admin_user = app.staff("admin", Role::Admin, None).await;
    let admin = app.client([198, 51, 100, 7]);
    admin.login(&admin_user.username).await;
    let photo_field = photo_id.to_string();
    let publish = admin
        .post_form(&format!("/staff/submissions/{}/publish", item.id), &[("summary_th", "ก"), ("photo", &photo_field)])
        .await;
    assert_eq!(publish.status, 403, "{}", publish.body);
    assert!(!photo_rows(&app, item.id).await[0].published);
    assert_eq!(resident.get(&format!("/log/{}/photos/{photo_id}", item.tracking_code)).await.status, 404);
}

async fn staff_without_access_are_refused_the_photos(app: TestApp) {
    let photo = jpeg_with_gps();
    let json = serde_json::json!({"kind": "complaint", "subject": "ก", "details": "ข"}).to_string();
    let (content_type, body) = multipart(None, &[("submission", &json)], &[("photos", "a.jpg", "image/jpeg", &photo)]);
    assert_eq!(app.client([192, 0, 2, 9]).post_bytes("/api/v1/submissions", &content_type, body).await.status, 201);
    let item = only_submission(&app).await;
    let photo_id = photo_rows(&app, item.id).await[0].id;
    // The item belongs to one division; an officer of another may not see it.
    let works = app.department_id("works").await;
    let admin_user = app.staff("admin", Role::Admin, None).await;
    let change =
        siang::domain::submissions::triage::Assignment { department_id: Some(works), assignee_id: None, seen: None };
    siang::domain::submissions::triage::assign(&app.db, &admin_user, item.id, change, Utc::now()).await.unwrap();
    let path = format!("/staff/submissions/{}/photos/{photo_id}", item.id);

    let other_user = app.staff("office", Role::Officer, Some("office")).await;
    let other = app.client([198, 51, 100, 10]);
    other.login(&other_user.username).await;
    assert_eq!(other.get(&path).await.status, 403);
    assert_eq!(other.get(&format!("{path}/thumbnail")).await.status, 403);

    let own_user = app.staff("works", Role::Officer, Some("works")).await;
    let own = app.client([198, 51, 100, 11]);
    own.login(&own_user.username).await;
    assert_eq!(own.get(&path).await.status, 200);
    assert_eq!(own.get(&format!("/staff/submissions/{}/photos/{}", item.id + 1, photo_id)).await.status, 404);

    let nobody = app.resident().get(&path).await;
    assert_ne!(nobody.status, 200, "the staff route needs a login");
}

async fn the_village_is_public_and_the_coordinates_never(app: TestApp) {
    let resident = app.resident();
    let mut fields = COMPLAINT.to_vec();
    fields.extend([
        ("location", "หน้าบ้านนายสมชาย ใจดี"),
        ("moo", "99"),
        ("latitude", "13.756331"),
        ("longitude", "100.501765"),
    ]);
    let refused = send_form(&resident, "/submit", &fields, &[]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("หมู่ที่ต้องเป็นตัวเลข 1 ถึง 40"), "{}", refused.body);
    fields.retain(|(name, _)| *name != "moo");
    fields.push(("moo", "7"));
    fields.retain(|(name, _)| *name != "latitude");
    fields.push(("latitude", "48.8566"));
    let abroad = send_form(&resident, "/submit", &fields, &[]).await;
    assert_eq!(abroad.status, 422);
    assert!(abroad.body.contains("ตำแหน่งต้องอยู่ในประเทศไทย"), "{}", abroad.body);
    assert_eq!(app.count("submission").await, 0);
    fields.retain(|(name, _)| *name != "latitude");
    fields.push(("latitude", "13.756331"));
    // Without a photo and without JavaScript: a plain urlencoded form works too.
    let sent = resident.post_form("/submit", &fields).await;
    assert_eq!(sent.status, 303, "{}", sent.body);

    let item = only_submission(&app).await;
    assert_eq!(item.moo, Some(7));
    assert_eq!(item.latitude, Some(13.756331));
    assert_eq!(item.longitude, Some(100.501765));

    let admin_user = app.staff("admin", Role::Admin, None).await;
    let admin = app.client([198, 51, 100, 7]);
    admin.login(&admin_user.username).await;
    let page = admin.get(&format!("/staff/submissions/{}", item.id)).await;
    assert!(
        page.body.contains("https://www.openstreetmap.org/?mlat=13.756331&#38;mlon=100.501765"),
        "staff get a map link: {}",
        page.body
    );
    let published =
        admin.post_form(&format!("/staff/submissions/{}/publish", item.id), &[("summary_th", "ลอกท่อแล้ว")]).await;
    assert_eq!(published.status, 303);

    let entry = resident.get(&format!("/log/{}", item.tracking_code)).await;
    assert_eq!(entry.status, 200);
    assert_eq!(entry.element_text("moo"), "7");
    for public in [
        entry,
        resident.get("/log").await,
        resident.get("/log.csv").await,
        resident.get("/feed.atom").await,
        resident.get("/api/v1/log").await,
    ] {
        for secret in ["13.756", "100.501", "หน้าบ้านนายสมชาย"] {
            assert!(!public.body.contains(secret), "{secret} leaked: {}", public.body);
        }
    }
}

async fn when_storage_is_down_nothing_is_stored_and_the_resident_is_told(app: TestApp) {
    // The store's directory becomes a plain file: no photo can be written.
    std::fs::remove_dir_all(&app.files_dir).unwrap();
    std::fs::write(&app.files_dir, b"not a directory").unwrap();
    let resident = app.resident();
    let refused = send_form(&resident, "/submit", &COMPLAINT, &[("a.jpg", &jpeg_with_gps())]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("ระบบเก็บรูปขัดข้อง"), "{}", refused.body);
    assert!(refused.body.contains("น้ำท่วมขังหน้าตลาด"), "what the resident typed is kept");
    assert_eq!(app.count("submission").await, 0, "no submission stored without its photos");
    assert_eq!(app.count("stored_file").await, 0);
    let without = send_form(&resident, "/submit", &COMPLAINT, &[]).await;
    assert_eq!(without.status, 303, "without photos it is stored: {}", without.body);
    assert_eq!(app.count("submission").await, 1);
    std::fs::remove_file(&app.files_dir).unwrap();
}

on_both_databases!(
    when_storage_is_down_nothing_is_stored_and_the_resident_is_told,
    a_photo_with_gps_is_stored_without_its_exif,
    bombs_and_renamed_programs_are_refused_and_nothing_is_stored,
    more_than_three_photos_are_refused,
    photos_attached_at_once_never_pass_three,
    a_photo_is_public_only_once_published_with_its_entry,
    a_corruption_reports_photos_are_sealed_and_never_public,
    staff_without_access_are_refused_the_photos,
    the_village_is_public_and_the_coordinates_never,
);
