//! Residents submitting through the web forms.

use siang::config::ServerConfig;

use crate::helpers::TestApp;
use crate::on_both_databases;

pub const COMPLAINT: &[(&str, &str)] = &[
    ("kind", "complaint"),
    ("subject", "ไฟฟ้าส่องสว่างดับหน้าโรงเรียน"),
    ("details", "ไฟทางหน้าโรงเรียนบ้านชลครามดับมาสามคืน เด็กเดินกลับบ้านมืดมาก"),
    ("location", "หมู่ที่ 3 ถนนชลคราม"),
];

/// The complaint with some fields replaced or added.
pub fn complaint_with<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields: Vec<(&str, &str)> =
        COMPLAINT.iter().copied().filter(|(name, _)| !changes.iter().any(|(n, _)| n == name)).collect();
    fields.extend_from_slice(changes);
    fields
}

async fn complaint_form_is_accepted_with_a_receipt(app: TestApp) {
    let resident = app.resident();
    let form = resident.get("/submit?kind=complaint").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("เรื่องร้องเรียน"));

    let page = resident
        .post_form_followed(
            "/submit",
            &complaint_with(&[("contact.name", "สมศรี ใจดี"), ("contact.phone", "081-234-5678"), ("consent", "on")]),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let code = page.element_text("tracking-code");
    let key = page.element_text("access-key");
    assert!(code.starts_with(&format!("{}-", current_fiscal_year())), "{code}");
    assert_eq!(key.replace('-', "").len(), 20);
    assert!(page.body.contains("รับเรื่องแล้ว"));

    assert_eq!(app.count("submission").await, 1);
    assert_eq!(app.count("submission_event").await, 1);
    assert_eq!(app.count("contact").await, 1, "contact data is stored apart from the case");
}

async fn service_feedback_stores_its_ratings(app: TestApp) {
    let page = app
        .resident()
        .post_form_followed(
            "/submit",
            &[
                ("kind", "service_feedback"),
                ("service", "land-tax"),
                ("ratings.procedure_time", "4"),
                ("ratings.equal_treatment", "3"),
                ("ratings.transparency", ""),
                ("asked_for_benefit", "no"),
                ("details", "เจ้าหน้าที่บริการดี รวดเร็ว"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(app.count("submission_rating").await, 2, "unanswered questions store nothing");
    assert_eq!(app.count("contact").await, 0);
}

async fn suggestion_is_accepted_anonymously(app: TestApp) {
    let page = app
        .resident()
        .post_form_followed(
            "/submit",
            &[
                ("kind", "suggestion"),
                ("subject", "ขอให้เปิดรับชำระภาษีออนไลน์"),
                ("details", "อยากให้ชำระผ่านพร้อมเพย์ได้"),
                ("anonymous", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(app.count("submission").await, 1);
}

async fn corruption_report_has_its_own_page_and_stays_anonymous(app: TestApp) {
    let resident = app.resident();
    let form = resident.get("/report-corruption").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("1567") && form.body.contains("1111"), "national channels are linked");
    assert!(form.body.contains(r#"name="anonymous" type="checkbox" value="on" checked"#), "anonymous by default");

    let page = resident
        .post_form_followed(
            "/report-corruption",
            &[
                ("corruption.official", "เจ้าพนักงานจัดเก็บรายได้"),
                ("subject", "เรียกรับเงินเพื่อลดภาษี"),
                ("details", "เจ้าหน้าที่เรียกเงิน 2,000 บาท เพื่อลดภาษีป้าย"),
                ("corruption.occurred_when", "ต้นเดือนพฤศจิกายน"),
                ("location", "ห้องการเงิน"),
                ("corruption.evidence", "มีข้อความไลน์"),
                ("anonymous", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(app.count("corruption_detail").await, 1);
    assert_eq!(app.count("contact").await, 0);
}

async fn the_error_summary_names_each_field_and_links_to_it(app: TestApp) {
    let page = app.resident().post_form("/submit", &[("kind", "complaint"), ("subject", ""), ("details", "")]).await;
    assert_eq!(page.status, 422);
    let summary = &page.body[page.body.find(r#"class="error-summary""#).unwrap()..];
    let summary = &summary[..summary.find("</div>").unwrap()];
    assert!(summary.contains(r##"<a href="#f-subject"><strong>เรื่อง</strong>: "##), "{summary}");
    assert!(summary.contains(r##"<a href="#f-details"><strong>รายละเอียด</strong>: "##), "{summary}");
    assert!(page.body.contains(r#"id="f-subject""#) && page.body.contains(r#"id="f-details""#));

    let rating = app
        .resident()
        .post_form("/submit", &[("kind", "service_feedback"), ("details", "ดี"), ("ratings.procedure_time", "9")])
        .await;
    assert!(rating.body.contains(
        r##"<a href="#f-ratings-procedure-time"><strong>เจ้าหน้าที่ปฏิบัติงานหรือให้บริการแก่ท่าน เป็นไปตามขั้นตอนที่กำหนด"##
    ));
    assert!(rating.body.contains(r#"<fieldset id="f-ratings-procedure-time""#), "the link has somewhere to go");
}

async fn every_page_footer_links_the_corruption_channel(app: TestApp) {
    let resident = app.resident();
    for path in ["/", "/submit", "/track", "/report-corruption", "/no-such-page"] {
        let page = resident.get(path).await;
        assert!(
            // "ประพฤติมิชอบ" is kept on one line (a browser would break it after "มิ").
            page.body
                .contains(r#"<a href="/report-corruption">ร้องเรียนการทุจริตและ<span class="nw">ประพฤติมิชอบ</span></a>"#),
            "{path} has no corruption link in its footer"
        );
    }
}

/// Each rule: the fields to send, the field that must carry the error, and
/// the message the resident reads.
/// (fields to change, field with the error, message)
type Rule = (&'static [(&'static str, &'static str)], &'static str, &'static str);

const RULES: &[Rule] = &[
    (&[("subject", "")], "subject", "กรุณากรอกข้อมูลนี้"),
    (&[("details", "   ")], "details", "กรุณากรอกข้อมูลนี้"),
    (&[("contact.phone", "12345"), ("consent", "on")], "contact.phone", "หมายเลขโทรศัพท์ไม่ถูกต้อง"),
    (&[("contact.email", "somsri@"), ("consent", "on")], "contact.email", "อีเมลไม่ถูกต้อง"),
    (&[("contact.name", "สมศรี")], "consent", "กรุณายอมรับประกาศความเป็นส่วนตัว"),
    (&[("contact.name", "สมศรี"), ("consent", "on"), ("anonymous", "on")], "anonymous", "ไม่ประสงค์ออกนาม"),
    (&[("subject", "ชื่อเรื่อง\u{0}มีอักขระควบคุม")], "subject", "อักขระควบคุม"),
    (&[("kind", "corruption")], "kind", "กรุณากรอกข้อมูลนี้"),
];

async fn each_validation_rule_refuses_with_its_message_and_stores_nothing(app: TestApp) {
    let resident = app.resident();
    for (changes, field, message) in RULES {
        let fields = complaint_with(changes);
        let page = resident.post_form_followed("/submit", &fields).await;
        assert_eq!(page.status, 422, "{changes:?} should be refused");
        let field_id = format!("f-{}", field.replace(['.', '_'], "-"));
        let error_text = page.element_text(&format!("{field_id}-error-1"));
        assert!(error_text.contains(message), "{field}: expected «{message}» in «{error_text}»");
        assert!(page.body.contains(r#"value="หมู่ที่ 3 ถนนชลคราม""#), "what the resident typed is kept");
    }
    assert_eq!(app.count("submission").await, 0);
    assert_eq!(app.count("contact").await, 0);
}

async fn thai_lengths_are_counted_in_characters(app: TestApp) {
    let resident = app.resident();
    let exactly_200 = "ก".repeat(200);
    let too_long = "ก".repeat(201);
    let details_too_long = "ข".repeat(5001);
    let page = resident
        .post_form_followed("/submit", &complaint_with(&[("subject", &too_long), ("details", &details_too_long)]))
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("กรอกได้ไม่เกิน 200 ตัวอักษร"));
    assert!(page.body.contains("กรอกได้ไม่เกิน 5,000 ตัวอักษร"), "numbers written as the hint writes them");
    assert_eq!(app.count("submission").await, 0);

    let page = resident.post_form_followed("/submit", &complaint_with(&[("subject", &exactly_200)])).await;
    assert_eq!(page.status, 200, "200 Thai characters (600 bytes) fit");
}

async fn service_feedback_rules_refuse_bad_answers(app: TestApp) {
    let page = app
        .resident()
        .post_form_followed(
            "/submit",
            &[("kind", "service_feedback"), ("service", "no-such-service"), ("ratings.procedure_time", "5")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("ไม่พบบริการนี้") || page.body.contains("กรุณาเลือกระดับ 1 ถึง 4"));
    let page = app
        .resident()
        .post_form_followed("/submit", &[("kind", "service_feedback"), ("ratings.procedure_time", "5")])
        .await;
    assert!(page.body.contains("กรุณาเลือกบริการที่ท่านได้รับ"));
    assert!(page.body.contains("กรุณาเลือกระดับ 1 ถึง 4"));
    assert_eq!(app.count("submission").await, 0);
}

async fn a_corruption_report_without_the_official_is_refused(app: TestApp) {
    let page =
        app.resident().post_form_followed("/report-corruption", &[("subject", "ทุจริต"), ("details", "รายละเอียด")]).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains(r#"id="f-corruption-official-error-1""#));
    assert_eq!(app.count("submission").await, 0);
}

async fn forms_without_a_valid_csrf_token_are_refused(app: TestApp) {
    let resident = app.resident();
    let body = serde_urlencoded::to_string(COMPLAINT).unwrap();
    let page = resident.post_form_raw("/submit", &body).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("แบบฟอร์มหมดอายุ"));

    // A token made for another visitor's cookie does not fit this one's.
    let other = app.client([198, 51, 100, 7]);
    let foreign_token = other.csrf_token().await;
    resident.csrf_token().await;
    let forged = format!("_csrf={foreign_token}&{body}");
    assert_eq!(resident.post_form_raw("/submit", &forged).await.status, 403);
    assert_eq!(resident.post_form_raw("/report-corruption", &forged).await.status, 403);
    assert_eq!(resident.post_form_raw("/track", "tracking_code=2569-000001&access_key=x").await.status, 403);
    assert_eq!(app.count("submission").await, 0);
}

pub fn current_fiscal_year() -> i32 {
    let today = siang::domain::calendar::local_date(chrono::Utc::now());
    siang::domain::calendar::fiscal_year(today)
}

on_both_databases!(
    the_error_summary_names_each_field_and_links_to_it,
    complaint_form_is_accepted_with_a_receipt,
    service_feedback_stores_its_ratings,
    suggestion_is_accepted_anonymously,
    corruption_report_has_its_own_page_and_stays_anonymous,
    every_page_footer_links_the_corruption_channel,
    each_validation_rule_refuses_with_its_message_and_stores_nothing,
    thai_lengths_are_counted_in_characters,
    service_feedback_rules_refuse_bad_answers,
    a_corruption_report_without_the_official_is_refused,
    forms_without_a_valid_csrf_token_are_refused,
);

#[tokio::test]
async fn too_many_submissions_from_one_address_get_a_friendly_429() {
    let app = TestApp::sqlite_with(ServerConfig { submit_per_minute: 2, ..ServerConfig::for_tests() }).await;
    let resident = app.resident();
    for _ in 0..2 {
        assert_eq!(resident.post_form_followed("/submit", COMPLAINT).await.status, 200);
    }
    let refused = resident.post_form_followed("/submit", COMPLAINT).await;
    assert_eq!(refused.status, 429);
    assert!(refused.body.contains("กรุณารอประมาณ 1 นาที"));
    assert_eq!(app.count("submission").await, 2);

    // Another address is not held back by this one.
    assert_eq!(app.client([198, 51, 100, 7]).post_form_followed("/submit", COMPLAINT).await.status, 200);
    let api = resident
        .post_json("/api/v1/submissions", &serde_json::json!({"kind": "suggestion", "subject": "ก", "details": "ข"}))
        .await;
    assert_eq!(api.status, 429);
    assert_eq!(api.json()["error"]["code"], "rate_limited");
}
