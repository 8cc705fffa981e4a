//! `TestApp`: a fresh, migrated database per test (a SQLite file, or a
//! PostgreSQL schema when `SIANG_TEST_POSTGRES_URL` is set) and clients that
//! keep cookies like a browser.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use entity::enums::Role;
use http_body_util::BodyExt;
use migration::MigratorTrait;
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection};
use siang::app::build_router;
use siang::config::ServerConfig;
use siang::domain::accounts::{self, Creator, NewUser};
use siang::domain::actor::Staff;
use siang::state::AppState;
use tower::ServiceExt;

/// Every test account's password.
pub const STAFF_PASSWORD: &str = "รหัสผ่านทดสอบที่ยาวพอ";

pub struct TestApp {
    pub db: DatabaseConnection,
    router: Router,
    postgres_schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
    /// Where the app keeps stored files (evidence).
    pub files_dir: std::path::PathBuf,
    _files: Option<tempfile::TempDir>,
}

/// Runs each named scenario `async fn name(app: TestApp)` on SQLite and, when
/// configured, on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::TestApp::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    match $crate::helpers::TestApp::postgres().await {
                        Some(app) => {
                            let cleanup = app.cleanup_handle();
                            super::$name(app).await;
                            cleanup.run().await;
                        }
                        None => eprintln!("skipped {} on PostgreSQL: SIANG_TEST_POSTGRES_URL is not set", stringify!($name)),
                    }
                }
            )*
        }
    };
}

impl TestApp {
    pub async fn sqlite() -> Self {
        Self::sqlite_with(ServerConfig::for_tests()).await
    }

    pub async fn sqlite_with(config: ServerConfig) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("siang.db").display());
        let db = siang::db::connect(&url).await.expect("open sqlite");
        Self::build(db, config, None, Some(dir)).await
    }

    /// A fresh schema in the PostgreSQL database, or `None` when not configured.
    pub async fn postgres() -> Option<Self> {
        Self::postgres_with(ServerConfig::for_tests()).await
    }

    /// As [`TestApp::postgres`], with these settings.
    pub async fn postgres_with(config: ServerConfig) -> Option<Self> {
        let url = postgres_url()?;
        Some(Self::postgres_at_with(url, config).await)
    }

    /// A fresh schema in the PostgreSQL database at `url`.
    pub async fn postgres_at(url: String) -> Self {
        Self::postgres_at_with(url, ServerConfig::for_tests()).await
    }

    async fn postgres_at_with(url: String, config: ServerConfig) -> Self {
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let admin = sea_orm::Database::connect(&url).await.expect("connect to SIANG_TEST_POSTGRES_URL");
        admin.execute_unprepared(&format!("CREATE SCHEMA {schema}")).await.expect("create schema");
        admin.close().await.ok();
        let mut options = ConnectOptions::new(url);
        options.set_schema_search_path(schema.clone());
        let db = siang::db::connect_with(options).await.expect("connect to test schema");
        Self::build(db, config, Some(schema), None).await
    }

    async fn build(
        db: DatabaseConnection,
        mut config: ServerConfig,
        postgres_schema: Option<String>,
        dir: Option<tempfile::TempDir>,
    ) -> Self {
        // Stored files go to a directory of the test's own (beside the
        // SQLite file, or a temporary one for PostgreSQL).
        let files = match (&config.files_dir, &dir) {
            (None, None) => Some(tempfile::tempdir().expect("temp dir for files")),
            _ => None,
        };
        if let Some(files) = &files {
            config.files_dir = Some(files.path().to_owned());
        }
        let files_dir = config.files_dir.clone().unwrap_or_else(|| siang::files::default_dir(&db));
        migration::Migrator::up(&db, None).await.expect("migrate");
        siang::domain::tally::ensure_counted(&db).await.expect("count");
        let state = AppState::new(db.clone(), config).await.expect("state");
        let router = build_router(state);
        Self { db, router, postgres_schema, _dir: dir, files_dir, _files: files }
    }

    /// The SQLite file of a SQLite test app.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        self._dir.as_ref().map(|dir| dir.path().join("siang.db"))
    }

    /// Where the test's database is, as `siang backup` and `restore` take it.
    pub fn location(&self) -> siang::backup::Location {
        match (&self.postgres_schema, self.sqlite_file()) {
            (Some(schema), _) => siang::backup::Location {
                url: postgres_url().expect("a PostgreSQL test app has its URL"),
                schema: Some(schema.clone()),
            },
            (None, Some(file)) => siang::backup::Location::new(format!("sqlite://{}?mode=rwc", file.display())),
            (None, None) => unreachable!("a test app is on SQLite or PostgreSQL"),
        }
    }

    /// A connection pool of its own to the test's database, as a second
    /// instance of the portal would have.
    pub async fn second_connection(&self) -> DatabaseConnection {
        let location = self.location();
        let mut options = ConnectOptions::new(location.url);
        if let Some(schema) = location.schema {
            options.set_schema_search_path(schema);
        }
        siang::db::connect_with(options).await.expect("a second connection")
    }

    /// Another instance of the portal over the same database: its own
    /// connection pool and state, as a second process behind a load balancer.
    pub async fn another_instance(&self, config: ServerConfig) -> TestApp {
        let db = self.second_connection().await;
        let config = ServerConfig { files_dir: Some(self.files_dir.clone()), ..config };
        let state = AppState::new(db.clone(), config).await.expect("state");
        let router = build_router(state);
        TestApp { db, router, postgres_schema: None, _dir: None, files_dir: self.files_dir.clone(), _files: None }
    }

    /// The app's router, for serving it on a real socket.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// A browser-like client from a given address.
    pub fn client(&self, ip: [u8; 4]) -> Client<'_> {
        Client {
            app: self,
            ip: SocketAddr::from((ip, 40000)),
            host: None,
            cookies: Mutex::new(HashMap::new()),
            csrf: Mutex::new(None),
        }
    }

    /// A browser-like client that sends every request to `host` (the
    /// `Host` header), as a reader of one agency's site.
    pub fn client_at(&self, ip: [u8; 4], host: &str) -> Client<'_> {
        Client { host: Some(host.to_owned()), ..self.client(ip) }
    }

    /// The default resident's client.
    pub fn resident(&self) -> Client<'_> {
        self.client([203, 0, 113, 10])
    }

    pub fn cleanup_handle(&self) -> Cleanup {
        Cleanup { schema: self.postgres_schema.clone() }
    }

    /// A staff account of the first agency with the test password;
    /// `department` is a code.
    pub async fn staff(&self, username: &str, role: Role, department: Option<&str>) -> Staff {
        let first = siang::domain::agency::current(&self.db).await.expect("an agency").id;
        self.staff_of(first, username, role, department).await
    }

    /// A staff account of agency `agency_id` with the test password.
    pub async fn staff_of(&self, agency_id: i64, username: &str, role: Role, department: Option<&str>) -> Staff {
        let department_id = match department {
            Some(code) => Some(self.department_of(agency_id, code).await),
            None => None,
        };
        let input = NewUser {
            username: username.into(),
            display_name: format!("คุณ{username}"),
            role,
            department_id,
            password: STAFF_PASSWORD.into(),
        };
        let user = accounts::create_user(&self.db, Creator::Operator(agency_id), input, chrono::Utc::now())
            .await
            .expect("create staff");
        Staff::from(&user)
    }

    /// The first agency's department with this code.
    pub async fn department_id(&self, code: &str) -> i64 {
        let first = siang::domain::agency::current(&self.db).await.expect("an agency").id;
        self.department_of(first, code).await
    }

    pub async fn department_of(&self, agency_id: i64, code: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::department::Entity::find()
            .filter(entity::department::Column::AgencyId.eq(agency_id))
            .filter(entity::department::Column::Code.eq(code))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no department {code}"))
            .id
    }

    /// Submits through the API; returns (id, tracking code, access key).
    pub async fn submit(&self, body: serde_json::Value) -> (i64, String, String) {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let created = self.client([192, 0, 2, 1]).post_json("/api/v1/submissions", &body).await;
        assert_eq!(created.status, 201, "{}", created.body);
        let created = created.json();
        let code = created["tracking_code"].as_str().unwrap().to_owned();
        let id = entity::submission::Entity::find()
            .filter(entity::submission::Column::TrackingCode.eq(&code))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
            .id;
        (id, code, created["access_key"].as_str().unwrap().to_owned())
    }

    /// The audit log's action codes, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        use sea_orm::{EntityTrait, QueryOrder};
        entity::audit_log::Entity::find()
            .order_by_asc(entity::audit_log::Column::Id)
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.action)
            .collect()
    }

    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get("", "n").expect("count")
    }
}

/// `SIANG_TEST_POSTGRES_URL`, when set.
pub fn postgres_url() -> Option<String> {
    std::env::var("SIANG_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())
}

/// Runs `test` on a connection to a fresh SQLite file that nothing has
/// migrated: for tests that build an old schema by hand.
pub async fn on_bare_sqlite<F: std::future::Future<Output = ()>>(test: impl FnOnce(sea_orm::DatabaseConnection) -> F) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    test(siang::db::connect(&url).await.unwrap()).await;
}

/// As [`on_bare_sqlite`], in a new PostgreSQL schema dropped afterwards;
/// skipped without `SIANG_TEST_POSTGRES_URL`.
pub async fn on_bare_postgres<F: std::future::Future<Output = ()>>(
    test: impl FnOnce(sea_orm::DatabaseConnection) -> F,
) {
    use sea_orm::ConnectionTrait;
    let Some(url) = postgres_url() else {
        return eprintln!("skipped on PostgreSQL: SIANG_TEST_POSTGRES_URL is not set");
    };
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&url).await.unwrap();
    admin.execute_unprepared(&format!("CREATE SCHEMA {schema}")).await.unwrap();
    let mut options = sea_orm::ConnectOptions::new(url);
    options.set_schema_search_path(schema.clone());
    test(siang::db::connect_with(options).await.unwrap()).await;
    admin.execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
}

pub struct Cleanup {
    schema: Option<String>,
}

impl Cleanup {
    /// Drops the test's PostgreSQL schema so the shared database stays clean.
    pub async fn run(self) {
        if let (Some(schema), Some(url)) = (self.schema, postgres_url()) {
            if let Ok(admin) = sea_orm::Database::connect(&url).await {
                let _ = admin.execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE")).await;
                let _ = admin.close().await;
            }
        }
    }
}

pub struct Client<'a> {
    app: &'a TestApp,
    ip: SocketAddr,
    host: Option<String>,
    cookies: Mutex<HashMap<String, String>>,
    csrf: Mutex<Option<String>>,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The text of the element with this id (for receipts and the like),
    /// without the markup inside it (`<span>`, `<wbr>`).
    pub fn element_text(&self, id: &str) -> String {
        let marker = format!("id=\"{id}\"");
        let start = self.body.find(&marker).unwrap_or_else(|| panic!("no #{id} in page"));
        let open_end = self.body[start..].find('>').expect("tag end") + start + 1;
        let tag = self.body[..start].rsplit('<').next().and_then(|t| t.split_whitespace().next()).expect("tag name");
        let close = self.body[open_end..].find(&format!("</{tag}>")).expect("closing tag") + open_end;
        without_tags(&self.body[open_end..close]).trim().to_owned()
    }
}

impl Client<'_> {
    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Posts a form as a browser would: with the CSRF token of a page this
    /// client loaded (loading one first if needed).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &token)];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &serde_urlencoded::to_string(&all).unwrap()).await
    }

    /// Posts a form and, as a browser does, follows a 303 to the page it
    /// names (the receipt after a resident's submission).
    pub async fn post_form_followed(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let posted = self.post_form(path, fields).await;
        if posted.status != 303 {
            return posted;
        }
        self.get(posted.location()).await
    }

    /// Posts a urlencoded body exactly as given (no token added).
    pub async fn post_form_raw(&self, path: &str, body: &str) -> TestResponse {
        self.post_bytes(path, "application/x-www-form-urlencoded", body.as_bytes().to_vec()).await
    }

    /// Posts any bytes with the given content type.
    pub async fn post_bytes(&self, path: &str, content_type: &str, body: Vec<u8>) -> TestResponse {
        let request = Request::post(path).header(header::CONTENT_TYPE, content_type).body(Body::from(body)).unwrap();
        self.send(request).await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> TestResponse {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// Logs in through the form, as a person would.
    pub async fn login(&self, username: &str) -> TestResponse {
        let response = self.post_form("/staff/login", &[("username", username), ("password", STAFF_PASSWORD)]).await;
        assert_eq!(response.status, 303, "login of {username} failed: {}", response.body);
        assert_eq!(response.location(), "/staff");
        response
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies.lock().unwrap().insert(name.to_owned(), value.to_owned());
    }

    pub async fn csrf_token(&self) -> String {
        if let Some(token) = self.csrf.lock().unwrap().clone() {
            return token;
        }
        let page = self.get("/track").await;
        let token = page.hidden_field("_csrf");
        *self.csrf.lock().unwrap() = Some(token.clone());
        token
    }

    pub async fn send(&self, mut request: Request<Body>) -> TestResponse {
        request.extensions_mut().insert(ConnectInfo(self.ip));
        if let Some(host) = &self.host {
            if !request.headers().contains_key(header::HOST) {
                request.headers_mut().insert(header::HOST, host.parse().unwrap());
            }
        }
        let cookie_header =
            self.cookies.lock().unwrap().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        if !cookie_header.is_empty() {
            request.headers_mut().insert(header::COOKIE, cookie_header.parse().unwrap());
        }
        let response = self.app.router.clone().oneshot(request).await.expect("router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                // Form tokens are bound to the session: a new one needs new tokens.
                if name.ends_with("siang_session") {
                    *self.csrf.lock().unwrap() = None;
                }
                let expired = set.contains("Max-Age=0") || value.is_empty();
                let mut jar = self.cookies.lock().unwrap();
                if expired {
                    jar.remove(name);
                } else {
                    jar.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        TestResponse { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }
}

impl TestResponse {
    /// The value of a hidden input, e.g. the CSRF token.
    pub fn hidden_field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start =
            self.body.find(&marker).unwrap_or_else(|| panic!("no {name} field in page:\n{}", self.body)) + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }
}

/// Text with every tag taken out.
pub fn without_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Every file under the app's file directory (the file store's bytes).
pub fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.files_dir, &mut out);
    out
}
