//! Whatever residents and staff type is shown as text, never run as markup:
//! script payloads through every displayed field, on every page that shows
//! them, public and staff.

use entity::enums::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{Client, TestApp, TestResponse, STAFF_PASSWORD};

/// A payload that breaks out of an attribute and opens a script, tagged with
/// the field it went through so each page can be shown to display it.
fn evil(field: &str) -> String {
    format!("<script>alert({field})</script>\"><img src=x onerror=alert({field})>")
}

/// The page shows each tagged payload, escaped, and no payload as markup.
fn assert_escaped(page: &TestResponse, what: &str, fields: &[&str]) {
    assert!(page.status.is_success(), "{what}: {} {}", page.status, page.body);
    assert!(!page.body.contains("<script>alert("), "{what} runs a stored script");
    assert!(!page.body.contains("<img src=x"), "{what} renders a stored tag");
    for field in fields {
        let escaped = format!(
            "&#60;script&#62;alert({field})&#60;/script&#62;&#34;&#62;&#60;img src=x onerror=alert({field})&#62;"
        );
        assert!(page.body.contains(&escaped), "{what} does not show {field} (escaped)");
    }
}

async fn submission_id(app: &TestApp, code: &str) -> i64 {
    entity::submission::Entity::find()
        .filter(entity::submission::Column::TrackingCode.eq(code))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the submission is stored")
        .id
}

async fn posted(client: &Client<'_>, path: &str, fields: &[(&str, &str)]) {
    let response = client.post_form(path, fields).await;
    assert!(response.status.is_redirection(), "{path}: {} {}", response.status, response.body);
}

#[tokio::test]
async fn stored_text_is_shown_escaped_on_every_page() {
    let app = TestApp::sqlite().await;
    let resident = app.resident();

    let refused = resident.post_form_followed("/submit", &[("kind", "complaint"), ("subject", &evil("echoed"))]).await;
    assert_eq!(refused.status, 422);
    assert_escaped(&TestResponse { status: axum::http::StatusCode::OK, ..refused }, "refused form", &["echoed"]);

    let receipt = resident
        .post_form_followed(
            "/submit",
            &[
                ("kind", "complaint"),
                ("subject", &evil("subject")),
                ("details", &evil("details")),
                ("location", &evil("location")),
                ("contact.name", &evil("contact_name")),
                ("consent", "on"),
            ],
        )
        .await;
    assert_escaped(&receipt, "receipt", &[]);
    let (code, key) = (receipt.element_text("tracking-code"), receipt.element_text("access-key"));
    let complaint = submission_id(&app, &code).await;

    let report = resident
        .post_form_followed(
            "/report-corruption",
            &[
                ("subject", &evil("report_subject")),
                ("details", &evil("report_details")),
                ("corruption.official", &evil("official")),
                ("corruption.occurred_when", &evil("occurred_when")),
                ("corruption.evidence", &evil("evidence")),
            ],
        )
        .await;
    assert_escaped(&report, "corruption receipt", &[]);
    let corruption = submission_id(&app, &report.element_text("tracking-code")).await;

    app.staff("admin", Role::Admin, None).await;
    let admin = app.client([10, 1, 0, 1]);
    admin.login("admin").await;
    posted(
        &admin,
        "/staff/users",
        &[
            ("username", "viewer1"),
            ("display_name", &evil("display_name")),
            ("role", "viewer"),
            ("password", STAFF_PASSWORD),
        ],
    )
    .await;
    posted(
        &admin,
        "/staff/departments",
        &[("code", "evil"), ("name_th", &evil("department_th")), ("name_en", &evil("department_en")), ("active", "on")],
    )
    .await;
    posted(
        &admin,
        "/staff/services",
        &[("slug", "evil"), ("name_th", &evil("service_th")), ("name_en", &evil("service_en")), ("active", "on")],
    )
    .await;
    posted(
        &admin,
        "/staff/settings",
        &[
            ("name_th", &evil("agency_th")),
            ("name_en", &evil("agency_en")),
            ("address_th", &evil("address_th")),
            ("address_en", &evil("address_en")),
            ("first_answer_days", "15"),
            ("closing_days", "30"),
        ],
    )
    .await;
    let item = format!("/staff/submissions/{complaint}");
    posted(&admin, &format!("{item}/reply"), &[("message", &evil("reply"))]).await;
    posted(&admin, &format!("{item}/notes"), &[("message", &evil("note"))]).await;
    posted(
        &admin,
        &format!("{item}/status"),
        &[("status", "referred"), ("message", &evil("referral_message")), ("referred_to", &evil("referred_to"))],
    )
    .await;

    let tracked = resident.post_form("/track", &[("tracking_code", &code), ("access_key", &key)]).await;
    assert_escaped(&tracked, "tracking page", &["agency_th", "subject", "reply", "referral_message"]);
    assert_escaped(&resident.get("/").await, "home page", &["agency_th"]);
    assert_escaped(&admin.get("/staff").await, "staff inbox", &["subject", "report_subject"]);
    assert_escaped(
        &admin.get(&item).await,
        "staff item",
        &["subject", "details", "location", "contact_name", "reply", "note", "referral_message", "referred_to"],
    );
    assert_escaped(
        &admin.get(&format!("/staff/submissions/{corruption}")).await,
        "corruption item",
        &["report_subject", "report_details", "official", "occurred_when", "evidence"],
    );
    assert_escaped(&admin.get("/staff/users").await, "users", &["display_name"]);
    assert_escaped(&admin.get("/staff/departments").await, "departments", &["department_th", "department_en"]);
    assert_escaped(&admin.get("/staff/services").await, "services", &["service_th", "service_en"]);
    assert_escaped(
        &admin.get("/staff/settings").await,
        "settings",
        &["agency_th", "agency_en", "address_th", "address_en"],
    );
    assert_escaped(&admin.get("/staff/audit").await, "audit log", &[]);
    assert_escaped(&admin.get("/submit?kind=service_feedback").await, "service choice", &["service_th"]);
}
