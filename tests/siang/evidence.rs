//! Evidence of participation activities (issue 17, point 3): the item's
//! elements, and photos and PDFs kept outside the database rows, served
//! only once the activity is published, always with the type the portal
//! found in the bytes.

use chrono::Utc;
use entity::activity::ActivityKind;
use entity::enums::Role;
use siang::domain::participation::activities::{save_activity, ActivityInput};

use crate::fixtures::bangkok;
use crate::helpers::{stored_files, Client, TestApp, TestResponse};
use crate::on_both_databases;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn activity(published: bool) -> ActivityInput {
    ActivityInput {
        kind: ActivityKind::Hearing,
        title_th: "เวทีประชาคมแผนพัฒนาท้องถิ่น".into(),
        title_en: None,
        held_at: bangkok(2026, 3, 25),
        place: "ศาลาประชาคมหมู่ที่ 4".into(),
        participants: 86,
        description: "รับฟังความคิดเห็นต่อร่างแผนพัฒนาท้องถิ่น".into(),
        outcome: Some("ได้ข้อเสนอ 23 โครงการ".into()),
        participant_groups: Some("ประชาชนหมู่ที่ 1–7 และกลุ่มผู้สูงอายุ".into()),
        method: Some("แบ่งกลุ่มย่อยตามหมู่บ้าน".into()),
        results_used: Some("บรรจุ 14 โครงการในร่างแผน".into()),
        department_id: None,
        indicators: vec![8],
        submission_ids: vec![],
        published,
    }
}

/// An admin logged in, and an activity saved as given.
async fn admin_with_activity(app: &TestApp, published: bool) -> (Client<'_>, i64) {
    let admin = app.staff("admin", Role::Admin, None).await;
    let id = save_activity(&app.db, &admin, admin.agency_id, None, activity(published), Utc::now()).await.unwrap();
    let client = app.client([198, 51, 100, 7]);
    client.login("admin").await;
    (client, id)
}

async fn upload(client: &Client<'_>, id: i64, name: &str, claimed_type: &str, bytes: &[u8]) -> TestResponse {
    let token = client.csrf_token().await;
    // As a browser sends the upload form: the form token first, then the file.
    let (content_type, body) = crate::photos::multipart(Some(&token), &[], &[("file", name, claimed_type, bytes)]);
    client.post_bytes(&format!("/staff/activities/{id}/evidence"), &content_type, body).await
}

async fn only_file_id(app: &TestApp) -> i64 {
    use sea_orm::EntityTrait;
    let files = entity::stored_file::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].id
}

fn header<'a>(response: &'a TestResponse, name: &str) -> Vec<&'a str> {
    response.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect()
}

async fn a_drafts_evidence_is_404_to_the_public_until_it_is_published(app: TestApp) {
    let (staff, id) = admin_with_activity(&app, false).await;
    let uploaded = upload(&staff, id, "เวที.png", "image/png", PNG).await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    assert_eq!(uploaded.location(), format!("/staff/activities/{id}?done=saved"));
    let file = only_file_id(&app).await;
    assert_eq!(app.count("activity_file").await, 1);
    assert_eq!(stored_files(&app).len(), 1, "the bytes live outside the database");
    assert!(app.audit_actions().await.contains(&"evidence_added".to_owned()));

    let public_path = format!("/activities/{id}/files/{file}");
    let resident = app.resident();
    assert_eq!(resident.get(&public_path).await.status, 404, "a draft's files do not exist for the public");
    assert_eq!(resident.get(&format!("/activities/{id}")).await.status, 404);
    let anonymous_staff_path = resident.get(&format!("/staff/activities/{id}/files/{file}")).await;
    assert_ne!(anonymous_staff_path.status, 200, "the staff address needs a login");

    let seen_by_staff = staff.get(&format!("/staff/activities/{id}/files/{file}")).await;
    assert_eq!(seen_by_staff.status, 200);
    assert_eq!(header(&seen_by_staff, "content-type"), ["image/png"]);
    let edit = staff.get(&format!("/staff/activities/{id}")).await;
    assert!(edit.body.contains("เวที.png"), "the staff page lists the file");

    let admin = app.staff("admin2", Role::Admin, None).await;
    save_activity(&app.db, &admin, admin.agency_id, Some(id), activity(true), Utc::now()).await.unwrap();
    let served = resident.get(&public_path).await;
    assert_eq!(served.status, 200);
    assert_eq!(header(&served, "content-type"), ["image/png"]);
    assert_eq!(header(&served, "x-content-type-options"), ["nosniff"]);
    assert!(header(&served, "content-security-policy").iter().any(|p| p.contains("sandbox")));
    let page = resident.get(&format!("/activities/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&public_path), "the published page links its evidence");
    for element in ["ประชาชนหมู่ที่ 1–7 และกลุ่มผู้สูงอายุ", "แบ่งกลุ่มย่อยตามหมู่บ้าน", "บรรจุ 14 โครงการในร่างแผน"]
    {
        assert!(page.body.contains(element), "the public page shows {element}");
    }

    let removed = staff.post_form(&format!("/staff/activities/{id}/files/{file}/remove"), &[]).await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert_eq!(resident.get(&public_path).await.status, 404, "a removed file is no longer served");
    assert!(app.audit_actions().await.contains(&"evidence_removed".to_owned()));
}

async fn a_file_that_lies_about_its_type_is_refused_or_served_as_what_it_is(app: TestApp) {
    let (staff, id) = admin_with_activity(&app, true).await;
    let html = b"<html><script>alert(document.cookie)</script></html>";
    let refused = upload(&staff, id, "photo.jpg", "image/jpeg", html).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("ตรวจจากเนื้อไฟล์"), "the page says why: {}", refused.body);
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
    assert_eq!(upload(&staff, id, "map.png", "image/png", svg).await.status, 422);
    assert_eq!(app.count("stored_file").await, 0);
    assert!(stored_files(&app).is_empty());

    // PNG bytes called a PDF: kept, and served as the PNG they are.
    let accepted = upload(&staff, id, "../report.pdf", "application/pdf", PNG).await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let file = only_file_id(&app).await;
    let served = app.resident().get(&format!("/activities/{id}/files/{file}")).await;
    assert_eq!(header(&served, "content-type"), ["image/png"]);
    let disposition = header(&served, "content-disposition").join("");
    assert!(disposition.contains("report.png") && !disposition.contains(".."), "{disposition}");

    // A real PDF is downloaded, not shown inside the portal's origin.
    assert_eq!(upload(&staff, id, "รายงานผล.pdf", "application/octet-stream", PDF).await.status, 303);
    let pdf = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::stored_file::Entity::find()
            .filter(entity::stored_file::Column::MediaType.eq("application/pdf"))
            .one(&app.db)
            .await
            .unwrap()
            .expect("the PDF is kept")
    };
    assert_eq!(pdf.original_name, "รายงานผล.pdf");
    let served = app.resident().get(&format!("/activities/{id}/files/{}", pdf.id)).await;
    assert_eq!(header(&served, "content-type"), ["application/pdf"]);
    assert!(header(&served, "content-disposition").join("").starts_with("attachment;"));
    assert_eq!(served.body.as_bytes(), PDF);
}

async fn an_oversized_file_is_refused_with_a_clear_message_and_nothing_written(app: TestApp) {
    let (staff, id) = admin_with_activity(&app, true).await;
    let limit = siang::domain::files::MAX_BYTES;
    let mut big = b"\xFF\xD8\xFF\xE0".to_vec();
    big.resize(limit + 1, 0);
    let refused = upload(&staff, id, "ภาพใหญ่.jpg", "image/jpeg", &big).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("ไฟล์ใหญ่เกิน 10 MB"), "a message the officer understands");
    assert_eq!(app.count("stored_file").await, 0);
    assert_eq!(app.count("activity_file").await, 0);
    assert!(stored_files(&app).is_empty(), "no bytes were written: {:?}", stored_files(&app));
    assert!(!app.audit_actions().await.contains(&"evidence_added".to_owned()));

    // Far over the limit: cut off while read.
    big.resize(limit + 2 * 1024 * 1024, 0);
    let cut_off = upload(&staff, id, "ภาพใหญ่.jpg", "image/jpeg", &big).await;
    assert_eq!(cut_off.status, 413);
    assert!(stored_files(&app).is_empty());

    // Exactly at the limit is fine.
    big.truncate(limit);
    assert_eq!(upload(&staff, id, "ภาพ.jpg", "image/jpeg", &big).await.status, 303);
    assert_eq!(app.count("stored_file").await, 1);
}

async fn uploads_need_the_form_token_and_the_right_to_manage_the_activity(app: TestApp) {
    let (staff, id) = admin_with_activity(&app, true).await;
    let (content_type, body) = crate::photos::multipart(Some("forged"), &[], &[("file", "a.png", "image/png", PNG)]);
    let forged = staff.post_bytes(&format!("/staff/activities/{id}/evidence"), &content_type, body).await;
    assert_eq!(forged.status, 403);

    app.staff("viewer", Role::Viewer, None).await;
    let viewer = app.client([198, 51, 100, 8]);
    viewer.login("viewer").await;
    assert_eq!(upload(&viewer, id, "a.png", "image/png", PNG).await.status, 403);
    assert_eq!(app.count("stored_file").await, 0);
    assert!(stored_files(&app).is_empty());
}

async fn staff_record_the_items_elements_through_the_form(app: TestApp) {
    let (staff, id) = admin_with_activity(&app, false).await;
    let groups = "ประชาชนหมู่ที่ 1–3\nผู้นำชุมชน\nกลุ่มแม่บ้าน";
    let saved = staff
        .post_form(
            &format!("/staff/activities/{id}"),
            &[
                ("kind", "hearing"),
                ("title_th", "เวทีประชาคมหมู่บ้าน"),
                ("held_on", "2026-03-25"),
                ("place", "ศาลาประชาคม"),
                ("participants", "40"),
                ("description", "รับฟังความคิดเห็น"),
                ("participant_groups", groups),
                ("method", "ประชุมกลุ่มย่อย\nแบบสอบถาม"),
                ("outcome", "ได้ข้อเสนอ 12 เรื่อง"),
                ("results_used", "บรรจุในแผนพัฒนาท้องถิ่น 5 เรื่อง"),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stored = {
        use sea_orm::EntityTrait;
        entity::activity::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap()
    };
    assert_eq!(stored.participant_groups.as_deref(), Some(groups), "lines are kept");
    assert_eq!(stored.method.as_deref(), Some("ประชุมกลุ่มย่อย\nแบบสอบถาม"));
    assert_eq!(stored.results_used.as_deref(), Some("บรรจุในแผนพัฒนาท้องถิ่น 5 เรื่อง"));
    let page = app.resident().get(&format!("/activities/{id}")).await;
    assert!(page.body.contains("กลุ่มแม่บ้าน") && page.body.contains("บรรจุในแผนพัฒนาท้องถิ่น 5 เรื่อง"));
    let form = staff.get(&format!("/staff/activities/{id}")).await;
    assert!(form.body.contains("enctype=\"multipart/form-data\""), "the evidence form uploads files");
}

on_both_databases!(
    staff_record_the_items_elements_through_the_form,
    a_drafts_evidence_is_404_to_the_public_until_it_is_published,
    a_file_that_lies_about_its_type_is_refused_or_served_as_what_it_is,
    an_oversized_file_is_refused_with_a_clear_message_and_nothing_written,
    uploads_need_the_form_token_and_the_right_to_manage_the_activity,
);
