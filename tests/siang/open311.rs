//! Open311 GeoReport v2: keys issued and revoked by admins, requests posted
//! through the residents' intake, published requests read back in JSON and
//! XML with nothing private in them.

use entity::enums::{Channel, Role, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use siang::config::ServerConfig;
use siang::domain::participation::publication::{publish, PublishInput};

use crate::fixtures::{department_id, internal_note, settle, staff};
use crate::helpers::{TestApp, TestResponse};
use crate::on_both_databases;

const V2: &str = "/open311/v2";

/// Issues a key through the admins' page, as an admin would; returns the
/// key shown once and the client's id.
async fn issue_key_as_admin(app: &TestApp, name: &str) -> (String, i64) {
    app.staff("keyadmin", Role::Admin, None).await;
    let admin = app.client([198, 51, 100, 7]);
    admin.login("keyadmin").await;
    let page = admin.post_form("/staff/api-keys", &[("client_name", name)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let key = page.body.split("id=\"issued-key\"").nth(1).and_then(|rest| rest.split("value=\"").nth(1)).unwrap();
    let key = key.split('"').next().unwrap().to_owned();
    assert!(key.starts_with("siang311_"), "{key}");
    let later = admin.get("/staff/api-keys").await;
    assert_eq!(later.status, 200);
    assert!(later.body.contains(name) && !later.body.contains(&key), "the key is shown once only");
    let client = entity::open311_client::Entity::find()
        .filter(entity::open311_client::Column::Name.eq(name))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the client is stored");
    assert_ne!(client.key_hash, key, "only the hash is kept");
    assert!(!client.key_hash.contains(&key[9..]), "the key itself is nowhere in the row");
    (key, client.id)
}

async fn post_request(app: &TestApp, fields: &[(&str, &str)], format: &str) -> TestResponse {
    let body = serde_urlencoded::to_string(fields).unwrap();
    app.client([192, 0, 2, 33]).post_form_raw(&format!("{V2}/requests.{format}"), &body).await
}

fn complaint<'a>(key: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("api_key", key),
        ("service_code", "complaint"),
        ("description", description),
        ("lat", "13.75"),
        ("long", "100.5"),
    ]
}

async fn an_issued_key_posts_requests_until_it_is_revoked(app: TestApp) {
    let (key, client_id) = issue_key_as_admin(&app, "แอปเทศบาลทดสอบ").await;
    assert!(app.audit_actions().await.contains(&"api_key_issued".to_owned()));

    let posted = post_request(&app, &complaint(&key, "ไฟทางดับสามคืนแล้ว"), "json").await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let answer = posted.json();
    let code = answer[0]["service_request_id"].as_str().unwrap().to_owned();
    assert!(answer[0]["service_notice"].as_str().unwrap().contains(&code));
    let stored = entity::submission::Entity::find()
        .filter(entity::submission::Column::TrackingCode.eq(&code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.channel, Channel::Open311);
    assert_eq!(stored.details, "ไฟทางดับสามคืนแล้ว");
    assert_eq!(stored.location.as_deref(), Some("13.750000, 100.500000"));
    // Counted by channel in the same transaction, as every submission is.
    let by_channel = app.client([192, 0, 2, 34]).get(&format!("/api/v1/stats/{}", stored.fiscal_year)).await.json();
    let open311 = by_channel["by_channel"].as_array().unwrap().iter().find(|c| c["code"] == "open311").cloned();
    assert_eq!(open311.expect("the open311 channel is counted")["count"], 1);

    let admin = app.client([198, 51, 100, 7]);
    admin.login("keyadmin").await;
    let revoked = admin.post_form(&format!("/staff/api-keys/{client_id}/revoke"), &[]).await;
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    assert!(app.audit_actions().await.contains(&"api_key_revoked".to_owned()));
    // Revoking again changes nothing and records nothing twice.
    admin.post_form(&format!("/staff/api-keys/{client_id}/revoke"), &[]).await;
    assert_eq!(app.audit_actions().await.iter().filter(|a| *a == "api_key_revoked").count(), 1);

    let refused = post_request(&app, &complaint(&key, "อีกเรื่องหนึ่ง"), "json").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.json()[0]["code"], 403);
    assert_eq!(app.count("submission").await, 1, "nothing was stored with the revoked key");
}

async fn a_missing_or_wrong_key_is_refused(app: TestApp) {
    let (key, _) = issue_key_as_admin(&app, "client").await;
    let mut wrong = key.clone();
    wrong.pop();
    wrong.push(if key.ends_with('0') { '1' } else { '0' });
    for fields in [
        vec![("service_code", "complaint"), ("description", "ไม่มีกุญแจ")],
        complaint("", "กุญแจว่าง"),
        complaint(&wrong, "กุญแจผิด"),
        complaint("siang311_", "กุญแจสั้น"),
    ] {
        for format in ["json", "xml"] {
            let refused = post_request(&app, &fields, format).await;
            assert_eq!(refused.status, 403, "{fields:?}: {}", refused.body);
        }
    }
    // Other staff may not issue keys.
    app.staff("officer1", Role::Officer, Some("works")).await;
    let officer = app.client([198, 51, 100, 8]);
    officer.login("officer1").await;
    assert_eq!(officer.post_form("/staff/api-keys", &[("client_name", "x")]).await.status, 403);
    assert_eq!(officer.get("/staff/api-keys").await.status, 403);
    assert_eq!(app.count("submission").await, 0);
}

async fn services_are_the_kinds_and_the_catalogue_never_corruption(app: TestApp) {
    let client = app.resident();
    let services = client.get(&format!("{V2}/services.json")).await;
    assert_eq!(services.status, 200);
    let codes: Vec<String> =
        services.json().as_array().unwrap().iter().map(|s| s["service_code"].as_str().unwrap().to_owned()).collect();
    assert_eq!(&codes[..3], ["complaint", "suggestion", "question"]);
    assert!(codes.contains(&"service-elderly-allowance".to_owned()), "{codes:?}");
    assert!(!codes.iter().any(|c| c.contains("corruption") || c == "service_feedback"), "{codes:?}");
    assert_eq!(client.get(&format!("{V2}/services/corruption.json")).await.status, 404);
    assert_eq!(client.get(&format!("{V2}/services/complaint.json")).await.json()["attributes"][0]["code"], "consent");

    let (key, _) = issue_key_as_admin(&app, "client").await;
    let corruption =
        post_request(&app, &[("api_key", &key), ("service_code", "corruption"), ("description", "x")], "json").await;
    assert_eq!(corruption.status, 400, "{}", corruption.body);
    // A catalogue service: a complaint about it, through the same intake.
    let about_service = post_request(
        &app,
        &[("api_key", &key), ("service_code", "service-elderly-allowance"), ("description", "เบี้ยยังชีพไม่เข้าบัญชี")],
        "json",
    )
    .await;
    assert_eq!(about_service.status, 201, "{}", about_service.body);
    // The intake's rules hold: contact data needs consent.
    let mut with_email = complaint(&key, "ขอให้ตอบทางอีเมล");
    with_email.push(("email", "somchai@example.com"));
    let refused = post_request(&app, &with_email, "json").await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("consent"), "{}", refused.body);
    with_email.push(("attribute[consent]", "yes"));
    assert_eq!(post_request(&app, &with_email, "json").await.status, 201);
    assert_eq!(app.count("contact").await, 1);
}

async fn published_requests_show_the_public_summary_and_nothing_private(app: TestApp) {
    let (key, _) = issue_key_as_admin(&app, "client").await;
    let works = department_id(&app, "works").await;
    let admin = staff(&app, "publisher", "PRIVSTAFFNAME", Role::Admin, None).await;
    let mut codes = Vec::new();
    for i in 0..3 {
        let description = format!("PRIVDETAILS{i}");
        let address = format!("PRIVADDRESS{i}");
        let email = format!("priv{i}@example.org");
        let name = format!("PRIVNAME{i}");
        let fields = [
            ("api_key", key.as_str()),
            ("service_code", "complaint"),
            ("description", &description),
            ("address_string", &address),
            ("email", &email),
            ("phone", "0891357924"),
            ("first_name", &name),
            ("attribute[consent]", "yes"),
        ];
        let posted = post_request(&app, &fields, "json").await;
        assert_eq!(posted.status, 201, "{}", posted.body);
        codes.push(posted.json()[0]["service_request_id"].as_str().unwrap().to_owned());
    }
    let item = |code: String| {
        let db = app.db.clone();
        async move {
            entity::submission::Entity::find()
                .filter(entity::submission::Column::TrackingCode.eq(code))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    // The first is closed and published, the second published while open,
    // the third never published.
    let first = item(codes[0].clone()).await;
    let first = settle(&app, &first, Status::Resolved, Some(0), Some(0), Some(works), &[7]).await;
    internal_note(&app, &first, &admin, "PRIVINTERNAL").await;
    let now = chrono::Utc::now();
    let input = PublishInput {
        summary_th: "ซ่อมไฟทางหมู่ 3".into(),
        outcome_th: Some("เปลี่ยนหลอดไฟแล้ว".into()),
        ..Default::default()
    };
    publish(&app.db, &admin, first.id, input, now).await.unwrap();
    let second = item(codes[1].clone()).await;
    let input = PublishInput { summary_th: "ตรวจสอบไฟทาง".into(), ..Default::default() };
    publish(&app.db, &admin, second.id, input, now).await.unwrap();

    let client = app.resident();
    let listed = client.get(&format!("{V2}/requests.json")).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let list = listed.json();
    let list = list.as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|r| r["service_request_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [codes[1].as_str(), codes[0].as_str()], "published only, newest first");
    let closed = &list[1];
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["description"], "ซ่อมไฟทางหมู่ 3");
    assert_eq!(closed["status_notes"], "เปลี่ยนหลอดไฟแล้ว");
    assert_eq!(closed["service_code"], "complaint");
    assert_eq!(closed["agency_responsible"], "กองช่าง");
    assert!(closed["requested_datetime"].as_str().unwrap().ends_with("+07:00"));
    assert_eq!(list[0]["status"], "open");
    assert!(list[0]["expected_datetime"].is_string());

    // The standard's filters.
    let ids_of = |response: TestResponse| -> Vec<String> {
        response
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids_of(client.get(&format!("{V2}/requests.json?status=closed")).await), [codes[0].clone()]);
    assert_eq!(ids_of(client.get(&format!("{V2}/requests.json?status=open,closed")).await).len(), 2);
    assert_eq!(ids_of(client.get(&format!("{V2}/requests.json?service_code=suggestion")).await).len(), 0);
    assert_eq!(ids_of(client.get(&format!("{V2}/requests.json?service_code=complaint")).await).len(), 2);
    let both = format!("{V2}/requests.json?service_request_id={},{}", codes[0], codes[2]);
    assert_eq!(ids_of(client.get(&both).await), [codes[0].clone()], "the unpublished one stays hidden");
    assert_eq!(ids_of(client.get(&format!("{V2}/requests.json?page_size=1")).await), [codes[1].clone()]);
    assert_eq!(ids_of(client.get(&format!("{V2}/requests.json?page_size=1&page=2")).await), [codes[0].clone()]);
    assert_eq!(ids_of(client.get(&format!("{V2}/requests.json?page_size=1&page=3")).await).len(), 0);
    let long_ago = "start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z";
    assert_eq!(ids_of(client.get(&format!("{V2}/requests.json?{long_ago}")).await).len(), 0);
    for bad in [
        "status=pending",
        "start_date=yesterday",
        "page=0",
        "start_date=2020-01-01T00:00:00Z&end_date=2021-01-01T00:00:00Z",
    ] {
        let refused = client.get(&format!("{V2}/requests.json?{bad}")).await;
        assert_eq!(refused.status, 400, "{bad}: {}", refused.body);
    }
    let one = client.get(&format!("{V2}/requests/{}.json", codes[0])).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json()[0]["service_request_id"], codes[0].as_str());
    assert_eq!(client.get(&format!("{V2}/requests/{}.json", codes[2])).await.status, 404);
    assert_eq!(client.get(&format!("{V2}/requests/{}.xml", codes[2])).await.status, 404);

    // Nothing private leaves: not the resident's words, place or contact
    // data, not internal notes or replies addressed to them, not staff names.
    let mut markers = vec!["0891357924".to_owned(), "PRIVSTAFFNAME".into(), "publisher".into(), "PRIVINTERNAL".into()];
    markers.push("ได้รับเรื่องและดำเนินการแล้ว".into());
    markers.push(codes[2].clone());
    for i in 0..3 {
        markers.extend([
            format!("PRIVDETAILS{i}"),
            format!("PRIVADDRESS{i}"),
            format!("priv{i}@example.org"),
            format!("PRIVNAME{i}"),
        ]);
    }
    let mut paths: Vec<String> = ["discovery", "services", "requests", "requests?status=closed"]
        .iter()
        .flat_map(|p| {
            let (name, query) = p.split_once('?').unwrap_or((p, ""));
            [format!("{V2}/{name}.json?{query}"), format!("{V2}/{name}.xml?{query}")]
        })
        .collect();
    for code in &codes[..2] {
        paths.push(format!("{V2}/requests/{code}.json"));
        paths.push(format!("{V2}/requests/{code}.xml"));
    }
    for lang in ["th", "en"] {
        client.get(&format!("/language/{lang}?next=/")).await;
        for path in &paths {
            let page = client.get(path).await;
            assert_eq!(page.status, 200, "{path}");
            for marker in &markers {
                assert!(!page.body.contains(marker.as_str()), "{path} ({lang}) leaks {marker}");
            }
        }
    }
}

/// The element names of each child of `node`.
fn children<'a>(node: roxmltree::Node<'a, 'a>) -> Vec<&'a str> {
    node.children().filter(|n| n.is_element()).map(|n| n.tag_name().name()).collect()
}

fn parsed(response: &TestResponse) -> roxmltree::Document<'_> {
    assert!(
        response.headers["content-type"].to_str().unwrap().starts_with("text/xml"),
        "{:?}",
        response.headers["content-type"]
    );
    roxmltree::Document::parse(&response.body)
        .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{}", response.body))
}

async fn xml_is_well_formed_with_the_standards_element_names(app: TestApp) {
    let (key, _) = issue_key_as_admin(&app, "client").await;
    let client = app.resident();
    // Markup in the text must come out escaped.
    let posted = post_request(&app, &complaint(&key, "ท่อ <แตก> & \"น้ำ\" ไหล"), "xml").await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let created = parsed(&posted);
    let root = created.root_element();
    assert_eq!(root.tag_name().name(), "service_requests");
    let request = root.first_element_child().unwrap();
    assert_eq!(request.tag_name().name(), "request");
    assert_eq!(children(request), ["service_request_id", "service_notice", "account_id"]);
    let code = request.first_element_child().unwrap().text().unwrap().to_owned();

    let item = entity::submission::Entity::find()
        .filter(entity::submission::Column::TrackingCode.eq(&code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let admin = staff(&app, "xmladmin", "ผู้ดูแล", Role::Admin, None).await;
    let input =
        PublishInput { summary_th: "ท่อ <แตก> & \"น้ำ\" ไหล".into(), ..Default::default() };
    publish(&app.db, &admin, item.id, input, chrono::Utc::now()).await.unwrap();

    let services = client.get(&format!("{V2}/services.xml")).await;
    let doc = parsed(&services);
    assert_eq!(doc.root_element().tag_name().name(), "services");
    let first = doc.root_element().first_element_child().unwrap();
    assert_eq!(first.tag_name().name(), "service");
    assert_eq!(
        children(first),
        ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    );

    let definition = client.get(&format!("{V2}/services/complaint.xml")).await;
    let doc = parsed(&definition);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_definition");
    assert_eq!(children(root), ["service_code", "attributes"]);
    let attribute = root.descendants().find(|n| n.has_tag_name("attribute")).unwrap();
    assert_eq!(
        children(attribute),
        ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"]
    );

    for path in [format!("{V2}/requests.xml"), format!("{V2}/requests/{code}.xml")] {
        let listed = client.get(&path).await;
        assert_eq!(listed.status, 200, "{path}");
        let doc = parsed(&listed);
        assert_eq!(doc.root_element().tag_name().name(), "service_requests");
        let request = doc.root_element().first_element_child().expect("the published request");
        assert_eq!(
            children(request),
            [
                "service_request_id",
                "status",
                "status_notes",
                "service_name",
                "service_code",
                "description",
                "agency_responsible",
                "service_notice",
                "requested_datetime",
                "updated_datetime",
                "expected_datetime"
            ]
        );
        let description = request.children().find(|n| n.has_tag_name("description")).unwrap();
        assert_eq!(description.text(), Some("ท่อ <แตก> & \"น้ำ\" ไหล"));
    }

    let discovery = client.get(&format!("{V2}/discovery.xml")).await;
    let doc = parsed(&discovery);
    assert_eq!(children(doc.root_element()), ["changeset", "contact", "key_service", "endpoints"]);

    let refused = post_request(&app, &complaint("wrong", "x"), "xml").await;
    assert_eq!(refused.status, 403);
    let doc = parsed(&refused);
    assert_eq!(doc.root_element().tag_name().name(), "errors");
    let error = doc.root_element().first_element_child().unwrap();
    assert_eq!(children(error), ["code", "description"]);
    assert_eq!(error.first_element_child().unwrap().text(), Some("403"));
}

on_both_databases!(
    an_issued_key_posts_requests_until_it_is_revoked,
    a_missing_or_wrong_key_is_refused,
    services_are_the_kinds_and_the_catalogue_never_corruption,
    published_requests_show_the_public_summary_and_nothing_private,
    xml_is_well_formed_with_the_standards_element_names,
);

#[tokio::test]
async fn posting_is_rate_limited_like_other_public_writes() {
    let app = TestApp::sqlite_with(ServerConfig { submit_per_minute: 2, ..ServerConfig::for_tests() }).await;
    let (key, _) = issue_key_as_admin(&app, "client").await;
    for _ in 0..2 {
        assert_eq!(post_request(&app, &complaint(&key, "เรื่องหนึ่ง"), "json").await.status, 201);
    }
    let limited = post_request(&app, &complaint(&key, "เรื่องที่สาม"), "json").await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.headers.contains_key("retry-after"));
    assert_eq!(limited.json()[0]["code"], 429);
    assert_eq!(app.count("submission").await, 2);
}

#[tokio::test]
async fn the_cli_issues_a_key_that_only_an_admin_can_revoke() {
    let app = TestApp::sqlite().await;
    let issued = siang::domain::open311::issue_key(
        &app.db,
        siang::domain::accounts::Creator::Operator(1),
        "command line client",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(post_request(&app, &complaint(&issued.key, "จากบรรทัดคำสั่ง"), "json").await.status.is_success());
    let viewer = app.staff("viewer1", Role::Viewer, None).await;
    let refused =
        siang::domain::open311::revoke_key(&app.db, &viewer, issued.client.id, chrono::Utc::now()).await.unwrap_err();
    assert!(matches!(refused, siang::domain::error::DomainError::Forbidden));
}
