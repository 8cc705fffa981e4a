//! Residents following their submissions with code and key.

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;
use crate::submit::COMPLAINT;

async fn submit_complaint(resident: &Client<'_>) -> (String, String) {
    let page = resident.post_form_followed("/submit", COMPLAINT).await;
    assert_eq!(page.status, 200, "{}", page.body);
    (page.element_text("tracking-code"), page.element_text("access-key"))
}

async fn resident_can_track_with_code_and_key(app: TestApp) {
    let resident = app.resident();
    let (code, key) = submit_complaint(&resident).await;

    // Typed as people do: lower case, spaces instead of dashes.
    let typed_key = key.to_lowercase().replace('-', " ");
    let page = resident.post_form("/track", &[("tracking_code", &code), ("access_key", &typed_key)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&code));
    assert!(page.body.contains("ไฟฟ้าส่องสว่างดับหน้าโรงเรียน"));
    assert!(page.body.contains("รับเรื่องแล้ว"));
    assert!(page.body.contains("ยังไม่มีคำตอบจากหน่วยงาน"));
    assert!(!page.body.contains(&key), "the key is not echoed back");
}

async fn a_wrong_key_and_an_unknown_code_get_the_same_answer(app: TestApp) {
    let resident = app.resident();
    let (code, _key) = submit_complaint(&resident).await;

    let wrong_key =
        resident.post_form("/track", &[("tracking_code", &code), ("access_key", "AAAAA-BBBBB-CCCCC-DDDDD")]).await;
    let unknown_code = resident
        .post_form("/track", &[("tracking_code", "2569-999999"), ("access_key", "AAAAA-BBBBB-CCCCC-DDDDD")])
        .await;
    assert_eq!(wrong_key.status, 404);
    assert_eq!(unknown_code.status, 404);
    assert_eq!(wrong_key.body.replace(&code, "CODE"), unknown_code.body.replace("2569-999999", "CODE"));
    assert!(wrong_key.body.contains("ไม่พบเรื่องตามเลขที่และรหัสที่กรอก"));
}

async fn the_access_key_is_stored_only_as_a_hash(app: TestApp) {
    use sea_orm::EntityTrait;
    let (code, key) = submit_complaint(&app.resident()).await;
    let stored = entity::submission::Entity::find().all(&app.db).await.unwrap().pop().unwrap();
    assert_eq!(stored.tracking_code, code);
    let bare_key = key.replace('-', "");
    assert_ne!(stored.access_key_hash, key);
    assert!(!format!("{stored:?}").contains(&bare_key) && !format!("{stored:?}").contains(&key));
    assert_eq!(stored.access_key_hash.len(), 64, "a SHA-256 in hex");
}

on_both_databases!(
    resident_can_track_with_code_and_key,
    a_wrong_key_and_an_unknown_code_get_the_same_answer,
    the_access_key_is_stored_only_as_a_hash
);
