//! The harness: the portal on a real socket with a fresh SQLite database,
//! ChromeDriver on a free port, headless Chromium with a fresh profile, and
//! the helpers the scenarios read like (`fill`, `click_button_with_text`,
//! `survey`, …).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use migration::MigratorTrait;
use serde_json::json;
use siang::app::build_router;
use siang::config::ServerConfig;
use siang::state::AppState;

/// Tries, 100 ms apart, before an expectation fails.
const PATIENCE: usize = 50;

pub const STAFF_PASSWORD: &str = "รหัสผ่านทดสอบที่ยาวพอ";

/// The widths every main page is photographed at.
#[derive(Debug, Clone, Copy)]
pub enum Width {
    Phone,
    Desktop,
}

impl Width {
    const ALL: [Width; 2] = [Width::Phone, Width::Desktop];

    fn size(self) -> (u32, u32) {
        match self {
            Width::Phone => (390, 844),
            Width::Desktop => (1280, 900),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Width::Phone => "phone",
            Width::Desktop => "desktop",
        }
    }
}

pub struct Browser {
    client: Client,
    base: String,
    test: &'static str,
    axe: Option<String>,
    _driver: Driver,
    _profile: tempfile::TempDir,
    _data: tempfile::TempDir,
}

/// ChromeDriver, stopped when the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

pub fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("screenshots")
}

impl Browser {
    /// Everything a browser test needs, or `None` (skipped) when ChromeDriver
    /// is not installed outside CI.
    pub async fn start(test: &'static str) -> Option<Self> {
        Self::start_with(test, ServerConfig::for_tests(), false).await
    }

    /// As [`Browser::start`], the portal with these settings, and with the
    /// demo agency's data when `demo`.
    pub async fn start_with(test: &'static str, config: ServerConfig, demo: bool) -> Option<Self> {
        if Command::new("chromedriver").arg("--version").output().is_err() {
            let hint = "install it with: apt-get install -y --no-install-recommends chromium chromium-driver";
            assert!(!in_ci(), "chromedriver is required in CI; {hint}");
            eprintln!("skipped browser test {test}: chromedriver is not installed; {hint}");
            return None;
        }
        match Self::try_start(test, config, demo).await {
            Ok(browser) => Some(browser),
            Err(err) => panic!("could not start the browser test {test}: {err:#}"),
        }
    }

    async fn try_start(test: &'static str, config: ServerConfig, demo: bool) -> anyhow::Result<Self> {
        let (base, data) = serve_portal(config, demo).await?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let driver = Driver(
            Command::new("chromedriver")
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("starting chromedriver")?,
        );
        wait_for_port(port).await?;
        let profile = tempfile::tempdir()?;
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": std::env::var("SIANG_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", format!("--user-data-dir={}", profile.path().display()),
                ],
            }
        });
        let capabilities = capabilities.as_object().cloned().unwrap_or_default();
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("opening a Chromium session")?;
        std::fs::create_dir_all(screenshots_dir())?;
        Ok(Self { client, base, test, axe: load_axe(), _driver: driver, _profile: profile, _data: data })
    }

    /// Ends the session; on failure, keeps the last screen and fails the test.
    pub async fn finish(self, outcome: anyhow::Result<()>) {
        if let Err(err) = outcome {
            let shot = screenshots_dir().join(format!("FAILED-{}.png", self.test));
            if let Ok(png) = self.client.screenshot().await {
                let _ = std::fs::write(&shot, png);
            }
            let _ = self.client.clone().close().await;
            panic!("{err:#}\n(last screen: {})", shot.display());
        }
        let _ = self.client.clone().close().await;
    }

    /// The portal's address: `http://127.0.0.1:port`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Opens an address that is not the portal's (a page of another site).
    pub async fn open_url(&self, url: &str) -> anyhow::Result<()> {
        self.client.goto(url).await.with_context(|| format!("opening {url}"))
    }

    /// Works inside the page's frame number `index` (from 0) until
    /// [`Browser::leave_frame`].
    pub async fn enter_frame(&self, index: u16) -> anyhow::Result<()> {
        self.client.enter_frame(index).await.with_context(|| format!("entering frame {index}"))
    }

    pub async fn leave_frame(&self) -> anyhow::Result<()> {
        Ok(self.client.enter_parent_frame().await?)
    }

    pub async fn open(&self, path: &str) -> anyhow::Result<()> {
        self.client.goto(&format!("{}{path}", self.base)).await.with_context(|| format!("opening {path}"))
    }

    /// The current page's path and query.
    pub async fn path(&self) -> anyhow::Result<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// Finds an element, waiting a little: a click may have started a
    /// navigation that has not finished yet.
    async fn find(&self, locator: Locator<'_>) -> anyhow::Result<fantoccini::elements::Element> {
        let mut last = None;
        for _ in 0..PATIENCE {
            match self.client.find(locator).await {
                Ok(element) => return Ok(element),
                Err(err) => last = Some(err),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(last.map(anyhow::Error::from).unwrap_or_else(|| anyhow::anyhow!("not found")))
    }

    pub async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let field = self.find(Locator::Css(css)).await.with_context(|| format!("no field {css}"))?;
        field.clear().await?;
        field.send_keys(text).await.with_context(|| format!("typing into {css}"))
    }

    /// Chooses a file in a file input, as a person picking it would.
    pub async fn attach_file(&self, css: &str, file: &std::path::Path) -> anyhow::Result<()> {
        let input = self.find(Locator::Css(css)).await.with_context(|| format!("no file input {css}"))?;
        let path = file.to_str().context("a file path in UTF-8")?;
        input.send_keys(path).await.with_context(|| format!("choosing {path} in {css}"))
    }

    pub async fn select(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let select = self.find(Locator::Css(css)).await.with_context(|| format!("no select {css}"))?;
        select.select_by_value(value).await.with_context(|| format!("choosing {value} in {css}"))
    }

    pub async fn select_index(&self, css: &str, index: usize) -> anyhow::Result<()> {
        let select = self.find(Locator::Css(css)).await.with_context(|| format!("no select {css}"))?;
        select.select_by_index(index).await.with_context(|| format!("choosing option {index} in {css}"))
    }

    pub async fn click_button_with_text(&self, text: &str) -> anyhow::Result<()> {
        let xpath = format!("//button[normalize-space()={}]", xpath_literal(text));
        let button = self.find(Locator::XPath(&xpath)).await.with_context(|| format!("no button {text:?}"))?;
        self.click_and_wait(button).await.with_context(|| format!("clicking {text:?}"))
    }

    pub async fn click_link(&self, text: &str) -> anyhow::Result<()> {
        let link = self.find(Locator::LinkText(text)).await.with_context(|| format!("no link {text:?}"))?;
        self.click_and_wait(link).await.with_context(|| format!("following {text:?}"))
    }

    pub async fn click_css(&self, css: &str) -> anyhow::Result<()> {
        let element = self.find(Locator::Css(css)).await.with_context(|| format!("nothing at {css}"))?;
        self.click_and_wait(element).await.with_context(|| format!("clicking {css}"))
    }

    /// Every click in these pages submits a form or follows a link, so it
    /// waits until the next page has loaded; otherwise the next step could
    /// find its element on the page that is about to go away.
    async fn click_and_wait(&self, element: fantoccini::elements::Element) -> anyhow::Result<()> {
        self.client.execute("window.siangBeforeClick = true", vec![]).await?;
        element.click().await?;
        for _ in 0..PATIENCE {
            let loaded = self
                .client
                .execute("return !window.siangBeforeClick && document.readyState === 'complete'", vec![])
                .await;
            if loaded.is_ok_and(|done| done.as_bool() == Some(true)) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("no new page loaded after the click (still on {:?})", self.path_now().await)
    }

    /// Clicks something that does not load a new page (a script's button,
    /// a link within the page).
    pub async fn press(&self, css: &str) -> anyhow::Result<()> {
        let element = self.find(Locator::Css(css)).await.with_context(|| format!("nothing at {css}"))?;
        element.click().await.with_context(|| format!("pressing {css}"))
    }

    /// Runs `script` in the page and returns what it returns.
    pub async fn eval(&self, script: &str) -> anyhow::Result<serde_json::Value> {
        self.client.execute(script, vec![]).await.with_context(|| format!("running {script}"))
    }

    /// A phone's screen (390×844 CSS pixels), as the checks of the phone
    /// journeys assume; `survey` leaves the window at desktop size.
    pub async fn phone(&self) -> anyhow::Result<()> {
        let (w, h) = Width::Phone.size();
        self.client.set_window_size(w, h).await?;
        let inner = self.eval("return window.innerWidth").await?;
        anyhow::ensure!(inner.as_u64() == Some(u64::from(w)), "the window is {inner} wide, not {w}");
        Ok(())
    }

    /// Fails when the page is wider than the window (a sideways scroll).
    pub async fn expect_no_sideways_scroll(&self) -> anyhow::Result<()> {
        let widths = self.eval("return [document.documentElement.scrollWidth, window.innerWidth]").await?;
        let (page, window) = (widths[0].as_u64().unwrap_or(0), widths[1].as_u64().unwrap_or(0));
        if page > window {
            let culprits = self
                .eval(
                    "return [...document.querySelectorAll('body *')]
                       .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                       .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
                       .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))",
                )
                .await?;
            bail!("{:?} is {page} px wide on a {window} px screen; widest: {culprits}", self.path_now().await);
        }
        Ok(())
    }

    /// The value of a form field.
    pub async fn value(&self, css: &str) -> anyhow::Result<String> {
        let field = self.find(Locator::Css(css)).await.with_context(|| format!("no field {css}"))?;
        Ok(field.prop("value").await?.unwrap_or_default())
    }

    pub async fn text(&self, css: &str) -> anyhow::Result<String> {
        for _ in 0..PATIENCE {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    return Ok(text.trim().to_owned());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("nothing at {css} on {:?}", self.path_now().await)
    }

    pub async fn expect_element(&self, css: &str) -> anyhow::Result<()> {
        self.text(css).await.map(drop)
    }

    /// Waits (a few seconds at most) for `text` on the page: a click starts
    /// a navigation that may not have finished yet.
    pub async fn expect_text(&self, text: &str) -> anyhow::Result<()> {
        for _ in 0..PATIENCE {
            if self.text("body").await.is_ok_and(|shown| shown.contains(text)) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("expected {text:?} on {:?}", self.path_now().await)
    }

    async fn path_now(&self) -> String {
        self.path().await.unwrap_or_default()
    }

    /// Photographs the current page at every width (named after the page and
    /// the page's language), checks that it fits each width, and checks its
    /// accessibility.
    pub async fn survey(&self, page: &str) -> anyhow::Result<()> {
        let lang = self.client.execute("return document.documentElement.lang", vec![]).await?;
        let lang = lang.as_str().unwrap_or("xx").to_owned();
        for width in Width::ALL {
            let (w, h) = width.size();
            self.client.set_window_size(w, h).await?;
            self.screenshot(&format!("{page}-{lang}-{}", width.name())).await?;
            // No page makes a phone scroll sideways.
            self.expect_no_sideways_scroll().await.with_context(|| format!("{page} ({lang}, {})", width.name()))?;
        }
        self.check_accessibility(&format!("{page} ({lang})")).await
    }

    /// Photographs the current page at every width, without the checks of
    /// [`Browser::survey`] (for pages that are not the portal's).
    pub async fn photograph(&self, page: &str, lang: &str) -> anyhow::Result<()> {
        for width in Width::ALL {
            let (w, h) = width.size();
            self.client.set_window_size(w, h).await?;
            self.screenshot(&format!("{page}-{lang}-{}", width.name())).await?;
        }
        Ok(())
    }

    pub async fn screenshot(&self, name: &str) -> anyhow::Result<()> {
        let png = self.client.screenshot().await?;
        std::fs::write(screenshots_dir().join(format!("{name}.png")), png)?;
        Ok(())
    }

    /// Runs axe-core in the page; serious or critical violations fail.
    async fn check_accessibility(&self, page: &str) -> anyhow::Result<()> {
        let Some(axe) = &self.axe else { return Ok(()) };
        self.client.execute(axe, vec![]).await.context("injecting axe-core")?;
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .context("running axe-core")?;
        let problems: Vec<String> = serde_json::from_value(found).context("reading axe-core's answer")?;
        if !problems.is_empty() {
            bail!("accessibility problems on {page}:\n  {}", problems.join("\n  "));
        }
        Ok(())
    }
}

/// axe-core's script, or `None` (checks skipped) outside CI.
fn load_axe() -> Option<String> {
    let path = std::env::var("SIANG_AXE_JS").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/axe/node_modules/axe-core/axe.min.js")
    });
    match std::fs::read_to_string(&path) {
        Ok(script) => Some(script),
        Err(_) if in_ci() => panic!("axe-core is required in CI: {} is missing", path.display()),
        Err(_) => {
            eprintln!(
                "accessibility checks skipped: {} is missing (npm install --no-save --prefix target/axe axe-core@4)",
                path.display()
            );
            None
        }
    }
}

/// The portal on 127.0.0.1 with a fresh SQLite database and an admin (and
/// the demo agency's data when `demo`).
async fn serve_portal(config: ServerConfig, demo: bool) -> anyhow::Result<(String, tempfile::TempDir)> {
    let data = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", data.path().join("siang.db").display());
    let db = siang::db::connect(&url).await?;
    migration::Migrator::up(&db, None).await?;
    let input = siang::domain::accounts::NewUser {
        username: "admin".into(),
        display_name: "คุณสมชาย ผู้ดูแล".into(),
        role: entity::enums::Role::Admin,
        department_id: None,
        password: STAFF_PASSWORD.into(),
    };
    siang::domain::accounts::create_user(&db, siang::domain::accounts::Creator::Operator(1), input, chrono::Utc::now())
        .await?;
    if demo {
        siang::demo::load(&db, chrono::Utc::now()).await?;
    }
    let state = AppState::new(db, config).await?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(siang::server::run(listener, build_router(state), Duration::from_secs(10), std::future::pending()));
    Ok((base, data))
}

async fn wait_for_port(port: u16) -> anyhow::Result<()> {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("chromedriver did not start listening on port {port}")
}

/// `text` as an XPath string literal (Thai text has no quotes, but be safe).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else {
        format!("concat('{}')", text.replace('\'', "', \"'\", '"))
    }
}
