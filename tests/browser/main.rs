//! Real-browser tests: Debian's Chromium, headless, driven through
//! ChromeDriver (WebDriver) against the portal served on a real socket.
//! Residents and staff type real Thai; every main page is photographed at
//! phone and desktop widths in both languages into `target/screenshots/`
//! (a failing test leaves its last screen there too) and checked with
//! axe-core for serious and critical accessibility problems.
//!
//! Without `chromedriver` the test is skipped with a hint, unless `CI` is
//! set: then it fails. Without axe-core (`npm install --no-save --prefix
//! target/axe axe-core@4`, or `SIANG_AXE_JS=path/to/axe.min.js`) the
//! accessibility checks are skipped with a message, unless `CI` is set.

mod browser;
mod phone;
mod widgets;

use browser::Browser;
use siang::i18n::{t, Lang};

/// Pages anyone can open with a GET, photographed and checked in both
/// languages.
const PUBLIC_PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("submit", "/submit"),
    ("report-corruption", "/report-corruption"),
    ("track", "/track"),
    ("log", "/log"),
    ("plan", "/plan"),
    ("stats", "/stats"),
    ("services", "/services"),
    ("qa", "/qa"),
    ("manual", "/manual"),
    ("ita", "/ita"),
    ("complaint-report", "/stats/2569/report/half"),
    ("privacy", "/privacy"),
    ("eservice", "/eservice"),
    ("posters", "/posters"),
    ("staff-login", "/staff/login"),
];

const SUBJECT: &str = "ไฟฟ้าส่องสว่างดับหน้าโรงเรียนบ้านชลคราม";
const SUMMARY: &str = "ประชาชนแจ้งไฟฟ้าส่องสว่างดับหน้าโรงเรียน";
const REPLY: &str = "กองช่างเปลี่ยนหลอดไฟเรียบร้อยแล้ว ขอบคุณที่แจ้งเรื่องค่ะ";

#[tokio::test]
async fn residents_and_staff_work_a_complaint_to_its_end_in_a_real_browser() {
    let Some(browser) = Browser::start("complaint-flow").await else { return };
    let outcome = complaint_flow(&browser).await;
    browser.finish(outcome).await;
}

async fn complaint_flow(browser: &Browser) -> anyhow::Result<()> {
    for (name, path) in PUBLIC_PAGES {
        browser.open(path).await?;
        browser.survey(name).await?;
    }
    // A poster for the office's notice board, one A4 page: its QR code is
    // drawn on the server as inline SVG.
    browser.open("/posters/channel/web").await?;
    browser.expect_element("#poster svg.qr").await?;
    browser.survey("poster-web").await?;

    let year = siang::domain::calendar::fiscal_year(siang::domain::calendar::local_date(chrono::Utc::now()));
    let stats = format!("/stats/{year}");
    browser.open(&stats).await?;
    assert_eq!(browser.text("#total").await?, "0", "a fresh portal has counted nothing");

    // A resident forgets the details, is told so, and corrects it.
    browser.open("/submit?kind=complaint").await?;
    browser.fill("#f-subject", SUBJECT).await?;
    browser.click_button_with_text(t(Lang::Th, "form.send")).await?;
    browser.expect_element("#f-details-error-1").await?;
    browser.survey("submit-with-errors").await?;
    browser.fill("#f-details", "ไฟทางหน้าโรงเรียนดับมาสามคืน เด็กเดินกลับบ้านมืดมาก").await?;
    browser.fill("#f-location", "หมู่ที่ 3 ถนนชลคราม").await?;
    browser.click_button_with_text(t(Lang::Th, "form.send")).await?;
    let code = browser.text("#tracking-code").await?;
    let key = browser.text("#access-key").await?;
    browser.survey("submitted").await?;

    // The other kinds, each through its own form.
    browser.open("/submit?kind=suggestion").await?;
    browser.fill("#f-subject", "ขอให้ติดตั้งไฟกะพริบหน้าโรงเรียน").await?;
    browser.fill("#f-details", "รถวิ่งเร็วช่วงเช้า อยากให้มีไฟเตือนก่อนถึงทางม้าลาย").await?;
    browser.click_button_with_text(t(Lang::Th, "form.send")).await?;
    browser.expect_element("#tracking-code").await?;
    browser.open("/submit?kind=service_feedback").await?;
    browser.select("#f-service", "land-tax").await?;
    browser.fill("#f-details", "เจ้าหน้าที่อธิบายขั้นตอนชัดเจน รวดเร็ว").await?;
    browser.click_button_with_text(t(Lang::Th, "form.send")).await?;
    browser.expect_element("#tracking-code").await?;
    browser.open("/report-corruption").await?;
    browser.fill("#f-subject", "เรียกรับเงินเพื่อเร่งออกใบอนุญาต").await?;
    browser.fill("#f-details", "เจ้าหน้าที่ขอเงินสองพันบาทเพื่อให้ได้ใบอนุญาตเร็วขึ้น").await?;
    browser.fill("#f-corruption-official", "เจ้าพนักงานธุรการ").await?;
    browser.click_button_with_text(t(Lang::Th, "corruption.send")).await?;
    browser.expect_element("#tracking-code").await?;

    track(browser, &code, &key, Lang::Th).await?;
    browser.survey("tracked").await?;
    // What is held about it, as the resident may read it.
    browser.click_button_with_text(t(Lang::Th, "privacy.view_data")).await?;
    browser.expect_text(SUBJECT).await?;
    browser.survey("held-data").await?;

    // Staff: log in, find it, assign, link an indicator, reply, resolve.
    browser.open("/staff/login").await?;
    browser.fill("#f-username", "admin").await?;
    browser.fill("#f-password", browser::STAFF_PASSWORD).await?;
    browser.click_button_with_text(t(Lang::Th, "staff.login.submit")).await?;
    browser.expect_text(&code).await?;
    browser.survey("staff-inbox").await?;
    browser.open("/staff/privacy").await?;
    browser.survey("staff-privacy").await?;
    browser.open("/staff").await?;
    browser.click_link(&code).await?;
    let item = browser.path().await?;
    browser.survey("staff-item").await?;
    browser.select_index("#f-department", 1).await?;
    browser.click_button_with_text(t(Lang::Th, "staff.detail.save_assign")).await?;
    browser.click_css("form[action$='/indicators'] button[aria-pressed='false']").await?;
    browser.expect_element("form[action$='/indicators'] button[aria-pressed='true']").await?;
    browser.fill("#f-reply", REPLY).await?;
    browser.click_button_with_text(t(Lang::Th, "staff.detail.send_reply")).await?;
    for status in ["accepted", "in_progress", "resolved"] {
        browser.select("#f-status", status).await?;
        if status == "resolved" {
            browser.fill("#f-status-message", "ซ่อมเสร็จแล้ว ไฟกลับมาสว่างตามปกติ").await?;
        }
        browser.click_button_with_text(t(Lang::Th, "staff.detail.save_status")).await?;
        browser.expect_text(t(Lang::Th, &format!("status.{status}"))).await?;
    }

    // Publish it to the participation log with a staff-written summary.
    browser.fill("#f-summary-th", SUMMARY).await?;
    browser.click_button_with_text(t(Lang::Th, "staff.publish.publish")).await?;
    browser.expect_text(t(Lang::Th, "staff.publish.is_live")).await?;

    // The resident sees the reply and the outcome.
    track(browser, &code, &key, Lang::Th).await?;
    browser.expect_text(REPLY).await?;
    browser.expect_text(t(Lang::Th, "status.resolved")).await?;

    // The public log and the statistics show it; the resident's own words do not.
    browser.open("/log").await?;
    browser.expect_text(SUMMARY).await?;
    browser.survey("log-with-entry").await?;
    browser.click_link(SUMMARY).await?;
    browser.expect_text(t(Lang::Th, "status.resolved")).await?;
    browser.screenshot("log-entry-th-desktop").await?;
    browser.open(&stats).await?;
    assert_eq!(browser.text("#total").await?, "3", "the three matters are counted");
    assert_eq!(browser.text("#feedback").await?, "1", "the service feedback apart from them");
    browser.survey("stats-with-data").await?;

    // The same pages in English.
    browser.open("/language/en?next=/").await?;
    for (name, path) in PUBLIC_PAGES {
        browser.open(path).await?;
        browser.survey(name).await?;
    }
    track(browser, &code, &key, Lang::En).await?;
    browser.survey("tracked").await?;
    browser.click_button_with_text(t(Lang::En, "privacy.view_data")).await?;
    browser.survey("held-data").await?;
    browser.open("/staff").await?;
    browser.survey("staff-inbox").await?;
    browser.open("/staff/privacy").await?;
    browser.survey("staff-privacy").await?;
    browser.open(&item).await?;
    browser.survey("staff-item").await?;
    Ok(())
}

async fn track(browser: &Browser, code: &str, key: &str, lang: Lang) -> anyhow::Result<()> {
    browser.open("/track").await?;
    browser.fill("#f-tracking-code", code).await?;
    browser.fill("#f-access-key", key).await?;
    browser.click_button_with_text(t(lang, "track.open")).await?;
    browser.expect_text(SUBJECT).await
}
