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

async fn codes_typed_without_a_hyphen_or_with_spaces_are_found(app: TestApp) {
    let resident = app.resident();
    let (code, key) = submit_complaint(&resident).await;
    // A phone's numeric keypad often has no hyphen.
    for typed in [code.replace('-', ""), code.replace('-', " "), format!(" {} ", code.replace('-', " - "))] {
        let page = resident.post_form("/track", &[("tracking_code", &typed), ("access_key", &key)]).await;
        assert_eq!(page.status, 200, "{typed:?} was not found");
        assert!(page.body.contains(&code));
    }
}

async fn a_failed_look_up_keeps_what_was_typed(app: TestApp) {
    let resident = app.resident();
    let (code, _key) = submit_complaint(&resident).await;
    let typed_key = "ABCDE-FGHJK-MNPQR-STVWX";
    let page =
        resident.post_form("/track", &[("tracking_code", &code), ("access_key", typed_key), ("remember", "on")]).await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains(&format!(r#"name="tracking_code" type="text" value="{code}""#)));
    assert!(page.body.contains(&format!(r#"name="access_key" type="text" value="{typed_key}""#)), "the key is kept");
    assert!(page.body.contains(r#"name="remember" type="checkbox" value="on" checked"#));
    assert_eq!(page.headers["cache-control"], "no-store", "a typed key is not kept in the browser's cache");
    assert!(resident.cookie("siang_mine").is_none(), "nothing is remembered for a failed look-up");
}

async fn the_receipt_opens_tracking_with_the_code_filled_in(app: TestApp) {
    let resident = app.resident();
    let receipt = resident.post_form_followed("/submit", COMPLAINT).await;
    let code = receipt.element_text("tracking-code");
    let track = format!("/track?code={code}");
    assert!(receipt.body.contains(&format!(r#"href="{track}""#)), "the receipt's track button");
    let page = resident.get(&track).await;
    assert!(page.body.contains(&format!(r#"name="tracking_code" type="text" value="{code}""#)));
    // The key is shown plainly, and never split inside a group of five.
    assert!(receipt.body.contains(r#"<span class="key-group">"#));
    assert!(receipt.body.contains(r#"class="print-only">ติดตามเรื่องได้ที่ http://"#), "the printed receipt says where");
}

async fn a_device_remembers_a_submission_only_when_asked_and_can_forget_it(app: TestApp) {
    let resident = app.resident();
    let (code, key) = submit_complaint(&resident).await;

    resident.post_form("/track", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert!(resident.cookie("siang_mine").is_none(), "not remembered unless asked");

    let opened =
        resident.post_form("/track", &[("tracking_code", &code), ("access_key", &key), ("remember", "on")]).await;
    assert_eq!(opened.status, 200);
    let set = opened.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect::<Vec<_>>().join("\n");
    assert!(set.contains("siang_mine=") && set.contains("HttpOnly") && set.contains("Path=/track"), "{set}");
    let cookie = resident.cookie("siang_mine").unwrap();
    assert!(!cookie.contains(&key), "the cookie holds the key only in its normalized, signed form");

    // Next visit: the tracking page lists it and opens it without the key.
    let list = resident.get("/track").await;
    assert!(list.body.contains(&format!(r#"<span class="code-text">{code}</span>"#)));
    assert!(!list.body.contains(&key.replace('-', "")), "the key is not put in the page");
    let reopened = resident.post_form("/track", &[("tracking_code", &code)]).await;
    assert_eq!(reopened.status, 200, "{}", reopened.body);
    assert!(reopened.body.contains("ไฟฟ้าส่องสว่างดับหน้าโรงเรียน"));

    // A cookie altered on the device opens nothing.
    resident.set_cookie("siang_mine", &cookie.replacen(&code, "2569-999999", 1));
    assert_eq!(resident.post_form("/track", &[("tracking_code", "2569-999999")]).await.status, 404);
    resident.set_cookie("siang_mine", &cookie);

    let forgotten = resident.post_form("/track/forget", &[("tracking_code", &code)]).await;
    assert_eq!(forgotten.status, 303);
    assert!(resident.cookie("siang_mine").is_none(), "the last one forgotten removes the cookie");
    assert_eq!(resident.post_form("/track", &[("tracking_code", &code)]).await.status, 404);
}

async fn the_receipt_can_remember_a_submission_on_this_device(app: TestApp) {
    let resident = app.resident();
    let (code, key) = submit_complaint(&resident).await;
    let remembered = resident.post_form("/track/remember", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert_eq!(remembered.status, 303);
    assert_eq!(remembered.location(), format!("/track?code={code}"));
    assert!(resident.get("/track").await.body.contains(&format!(r#"<span class="code-text">{code}</span>"#)));

    let stranger = app.resident();
    let refused = stranger.post_form("/track/remember", &[("tracking_code", &code), ("access_key", "WRONG")]).await;
    assert_eq!(refused.status, 404);
    assert!(stranger.cookie("siang_mine").is_none());
}

async fn the_timeline_says_what_happened_once(app: TestApp) {
    let resident = app.resident();
    let (code, key) = submit_complaint(&resident).await;
    let page = resident.post_form("/track", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert!(page.body.contains("<strong>รับเรื่อง</strong>"), "{}", page.body);
    assert!(!page.body.contains("รับเรื่อง: รับเรื่องแล้ว"));
    resident.get("/language/en?next=/").await;
    let english = resident.post_form("/track", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert!(english.body.contains("<strong>Received</strong>"));
    assert!(!english.body.contains("Received: Received"));
}

on_both_databases!(
    resident_can_track_with_code_and_key,
    a_wrong_key_and_an_unknown_code_get_the_same_answer,
    the_access_key_is_stored_only_as_a_hash,
    codes_typed_without_a_hyphen_or_with_spaces_are_found,
    a_failed_look_up_keeps_what_was_typed,
    the_receipt_opens_tracking_with_the_code_filled_in,
    a_device_remembers_a_submission_only_when_asked_and_can_forget_it,
    the_receipt_can_remember_a_submission_on_this_device,
    the_timeline_says_what_happened_once
);
