//! Journeys on a phone (390×844), as a 60-year-old resident and as staff
//! would take them: each asserts what went wrong before on such a screen.

use crate::browser::{self, Browser};
use siang::i18n::{t, Lang};

const SUBJECT: &str = "ท่อระบายน้ำอุดตันหน้าตลาดบ้านชลคราม";

#[tokio::test]
async fn a_resident_sends_and_tracks_a_complaint_on_a_phone() {
    let Some(browser) = Browser::start("phone-resident").await else { return };
    let outcome = resident_journey(&browser).await;
    browser.finish(outcome).await;
}

async fn resident_journey(browser: &Browser) -> anyhow::Result<()> {
    browser.phone().await?;
    browser.open("/submit?kind=complaint").await?;
    browser.expect_no_sideways_scroll().await?;

    // The header is two short lines, the menu folded behind one link that
    // works without script; the heading does not touch it.
    for lang in ["en", "th"] {
        browser.open(&format!("/language/{lang}?next=/submit?kind=complaint")).await?;
        let header =
            browser.eval("return document.querySelector('.site-header').getBoundingClientRect().height").await?;
        let header = header.as_f64().unwrap_or(f64::MAX);
        anyhow::ensure!(header <= 844.0 * 0.12, "the header takes {header} px of an 844 px screen ({lang})");
    }
    let gap = browser
        .eval(
            "return document.querySelector('main h1').getBoundingClientRect().top
                  - document.querySelector('.site-header').getBoundingClientRect().bottom",
        )
        .await?;
    anyhow::ensure!(gap.as_f64().unwrap_or(0.0) >= 16.0, "the heading is {gap} px from the header");
    anyhow::ensure!(!visible(browser, "#site-menu a[href='/track']").await?, "the menu starts folded");
    browser.press(".menu-open").await?;
    anyhow::ensure!(visible(browser, "#site-menu a[href='/track']").await?, "the menu link opens the menu");

    // An error names its field and links to it.
    browser.fill("#f-subject", SUBJECT).await?;
    browser.click_button_with_text(t(Lang::Th, "form.send")).await?;
    let summary = browser.text(".error-summary a[href='#f-details']").await?;
    anyhow::ensure!(summary.starts_with(t(Lang::Th, "form.details")), "the summary says {summary:?}");
    browser.fill("#f-details", "น้ำท่วมขังทุกครั้งที่ฝนตก ส่งกลิ่นเหม็น").await?;
    browser.click_button_with_text(t(Lang::Th, "form.send")).await?;

    // The receipt: the key's groups are never split across lines.
    let code = browser.text("#tracking-code").await?;
    let key = browser.text("#access-key").await?;
    let split = browser
        .eval("return [...document.querySelectorAll('#access-key .key-group')].filter(g => g.getClientRects().length > 1).length")
        .await?;
    anyhow::ensure!(split.as_u64() == Some(0), "a group of the key {key} is split over two lines");
    anyhow::ensure!(visible(browser, "[data-print]").await?, "the receipt has a print button");
    browser.expect_no_sideways_scroll().await?;

    // Its track button fills the code in.
    browser.click_link(t(Lang::Th, "submitted.track_now")).await?;
    anyhow::ensure!(browser.value("#f-tracking-code").await? == code, "the code is filled in");

    // Typed as a phone keypad allows (no hyphen), with a wrong key: the key is kept.
    // Replacing the last character with a different one always makes a wrong key.
    let last = if key.ends_with('X') { 'Y' } else { 'X' };
    let wrong = format!("{}{last}", &key[..key.len() - 1]);
    browser.fill("#f-tracking-code", &code.replace('-', "")).await?;
    browser.fill("#f-access-key", &wrong).await?;
    browser.click_button_with_text(t(Lang::Th, "track.open")).await?;
    browser.expect_text(t(Lang::Th, "track.not_found")).await?;
    anyhow::ensure!(browser.value("#f-access-key").await? == wrong, "the typed key was kept after the error");

    // Shown plainly, hidden on demand.
    browser.press(".reveal-toggle").await?;
    let hidden = browser.eval("return document.querySelector('#f-access-key').type").await?;
    anyhow::ensure!(hidden == "password", "the hide button hides the key");
    browser.press(".reveal-toggle").await?;

    // Corrected, remembered on this device; the code still without a hyphen.
    browser.fill("#f-access-key", &key).await?;
    browser.press("#f-remember").await?;
    browser.click_button_with_text(t(Lang::Th, "track.open")).await?;
    browser.expect_text(SUBJECT).await?;
    browser.expect_no_sideways_scroll().await?;

    // Next visit: opened from the device's list, no key typed.
    browser.open("/track").await?;
    browser.click_css(".mine-list button.button").await?;
    browser.expect_text(SUBJECT).await?;
    browser.survey("phone-tracked-remembered").await
}

#[tokio::test]
async fn service_feedback_and_statistics_fit_a_phone() {
    let Some(browser) = Browser::start("phone-feedback-stats").await else { return };
    let outcome = feedback_and_statistics(&browser).await;
    browser.finish(outcome).await;
}

async fn feedback_and_statistics(browser: &Browser) -> anyhow::Result<()> {
    browser.phone().await?;
    browser.open("/submit?kind=service_feedback").await?;
    browser.expect_no_sideways_scroll().await?;
    // Each answer is a large target, and a question's five answers share one row.
    let sizes = browser
        .eval(
            "const first = document.querySelector('.rating .scale');
             const options = [...first.querySelectorAll('.option')];
             return [Math.min(...options.map(o => o.getBoundingClientRect().height)),
                     new Set(options.map(o => Math.round(o.getBoundingClientRect().top))).size]",
        )
        .await?;
    anyhow::ensure!(sizes[0].as_f64().unwrap_or(0.0) >= 44.0, "an answer is only {} px tall", sizes[0]);
    anyhow::ensure!(sizes[1].as_u64() == Some(1), "the answers of a question wrap over {} rows", sizes[1]);
    browser.press("#f-ratings-procedure-time-4").await?;
    browser.press("#kind-complaint").await?;
    anyhow::ensure!(!visible(browser, ".only-feedback").await?, "ratings are hidden for a complaint");
    browser.press("#kind-service_feedback").await?;
    browser.select("#f-service", "land-tax").await?;
    browser.fill("#f-details", "เจ้าหน้าที่อธิบายขั้นตอนชัดเจน").await?;
    browser.click_button_with_text(t(Lang::Th, "form.send")).await?;
    browser.expect_element("#tracking-code").await?;

    // Statistics: labels are page text of a readable size, nothing runs off.
    let year = siang::domain::calendar::fiscal_year(siang::domain::calendar::local_date(chrono::Utc::now()));
    browser.open(&format!("/stats/{year}")).await?;
    browser.expect_no_sideways_scroll().await?;
    let smallest = browser
        .eval(
            "return Math.min(...[...document.querySelectorAll('table.chart th[scope=row]')]
                .map(th => parseFloat(getComputedStyle(th).fontSize)))",
        )
        .await?;
    anyhow::ensure!(smallest.as_f64().unwrap_or(0.0) >= 11.0, "chart labels are {smallest} px on a phone");
    // Words the dictionary would split stay whole.
    let split = browser
        .eval("return [...document.querySelectorAll('.nw')].filter(w => w.getClientRects().length > 1).length")
        .await?;
    anyhow::ensure!(split.as_u64() == Some(0), "{split} kept-whole words were split over lines");
    browser.survey("phone-stats").await
}

#[tokio::test]
async fn staff_pages_fit_a_phone() {
    let Some(browser) = Browser::start("phone-staff").await else { return };
    let outcome = staff_pages(&browser).await;
    browser.finish(outcome).await;
}

async fn staff_pages(browser: &Browser) -> anyhow::Result<()> {
    // A photo from the phone, sent with the form.
    let dir = tempfile::tempdir()?;
    let photo = dir.path().join("ท่อ.jpg");
    image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([(x / 4) as u8, (y / 3) as u8, 90])).save(&photo)?;
    browser.open("/submit?kind=complaint").await?;
    browser.fill("#f-subject", SUBJECT).await?;
    browser.fill("#f-details", "น้ำท่วมขังทุกครั้งที่ฝนตก").await?;
    browser.attach_file("#f-photos", &photo).await?;
    browser.click_button_with_text(t(Lang::Th, "form.send")).await?;
    let code = browser.text("#tracking-code").await?;

    browser.phone().await?;
    browser.open("/staff/login").await?;
    browser.fill("#f-username", "admin").await?;
    browser.fill("#f-password", browser::STAFF_PASSWORD).await?;
    browser.click_button_with_text(t(Lang::Th, "staff.login.submit")).await?;
    browser.expect_text(&code).await?;
    for path in [
        "/staff",
        "/staff/submissions/new",
        "/staff/activities",
        "/staff/plan",
        "/staff/ita",
        "/staff/users",
        "/staff/departments",
        "/staff/services",
        "/staff/settings",
        "/staff/audit",
    ] {
        browser.open(path).await?;
        browser.expect_no_sideways_scroll().await?;
    }
    browser.open("/staff").await?;
    browser.click_link(&code).await?;
    browser.expect_no_sideways_scroll().await?;
    // The photo's thumbnail is shown, loaded from the staff route, linking to the photo.
    let mut shown = serde_json::Value::Null;
    for _ in 0..50 {
        shown = browser
            .eval(
                "const img = document.querySelector('.photos img');
                 return img ? [img.complete, img.naturalWidth, img.closest('a').getAttribute('href')] : null",
            )
            .await?;
        if shown[1].as_u64().is_some_and(|w| w > 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::ensure!(shown[0] == true && shown[1].as_u64() == Some(320), "the thumbnail did not load: {shown}");
    anyhow::ensure!(
        shown[2].as_str().is_some_and(|h| h.contains("/photos/")),
        "the thumbnail links the photo: {shown}"
    );
    // Timeline entries read as words, never as message keys.
    let timeline = browser.text(".timeline").await?;
    anyhow::ensure!(!timeline.contains("event."), "a raw key on the timeline: {timeline}");
    // The due date is picked in the Buddhist Era.
    let year = siang::domain::calendar::fiscal_year(siang::domain::calendar::local_date(chrono::Utc::now()));
    let years = browser.text("#f-due-year").await?;
    anyhow::ensure!(years.contains(&year.to_string()), "the due-date years are {years:?}");

    // On a desktop, the inbox keeps codes and dates on one line.
    browser.survey("phone-staff-item").await?;
    browser.open("/staff").await?;
    let lines = browser
        .eval(
            "const cell = document.querySelector('.inbox .code-cell a');
             return Math.round(cell.getBoundingClientRect().height / parseFloat(getComputedStyle(cell).lineHeight))",
        )
        .await?;
    anyhow::ensure!(lines.as_u64() == Some(1), "a tracking code takes {lines} lines on a desktop");
    Ok(())
}

#[tokio::test]
async fn a_resident_says_not_fixed_and_reopens_on_a_phone() {
    let Some(browser) = Browser::start("phone-reopen").await else { return };
    let outcome = not_fixed_then_reopen(&browser).await;
    browser.finish(outcome).await;
}

/// Staff close a complaint as fixed; the resident, on a phone, says it is
/// not, and reopens it with a comment; staff see it back, marked.
async fn not_fixed_then_reopen(browser: &Browser) -> anyhow::Result<()> {
    browser.phone().await?;
    browser.open("/submit?kind=complaint").await?;
    browser.fill("#f-subject", SUBJECT).await?;
    browser.fill("#f-details", "น้ำท่วมขังทุกครั้งที่ฝนตก").await?;
    browser.click_button_with_text(t(Lang::Th, "form.send")).await?;
    let code = browser.text("#tracking-code").await?;
    let key = browser.text("#access-key").await?;

    // Staff close it as fixed.
    browser.open("/staff/login").await?;
    browser.fill("#f-username", "admin").await?;
    browser.fill("#f-password", browser::STAFF_PASSWORD).await?;
    browser.click_button_with_text(t(Lang::Th, "staff.login.submit")).await?;
    browser.click_link(&code).await?;
    let item = browser.path().await?;
    for status in ["accepted", "in_progress", "resolved"] {
        browser.select("#f-status", status).await?;
        if status == "resolved" {
            browser.select("#f-outcome", "fixed").await?;
            browser.fill("#f-status-message", "ขุดลอกท่อแล้ว").await?;
        }
        browser.click_button_with_text(t(Lang::Th, "staff.detail.save_status")).await?;
        browser.expect_text(t(Lang::Th, &format!("status.{status}"))).await?;
    }
    browser.expect_text(t(Lang::Th, "outcome.fixed")).await?;

    // The resident opens it: closed, it asks whether it was solved.
    browser.open("/track").await?;
    browser.fill("#f-tracking-code", &code).await?;
    browser.fill("#f-access-key", &key).await?;
    browser.click_button_with_text(t(Lang::Th, "track.open")).await?;
    browser.expect_element("#verdict-form").await?;
    browser.expect_no_sideways_scroll().await?;
    // Each answer is a large target.
    let smallest = browser
        .eval(
            "return Math.min(...[...document.querySelectorAll('#verdict-form .option')]
                .map(o => o.getBoundingClientRect().height))",
        )
        .await?;
    anyhow::ensure!(smallest.as_f64().unwrap_or(0.0) >= 44.0, "an answer is only {smallest} px tall");
    browser.survey("phone-verdict").await?;
    browser.press("#f-resolved-no").await?;
    browser.press("#f-satisfaction-2").await?;
    browser.fill("#f-verdict-comment", "น้ำยังท่วมเหมือนเดิม").await?;
    browser.click_css("#verdict-submit").await?;
    browser.expect_text(t(Lang::Th, "verdict.thanks")).await?;
    anyhow::ensure!(!visible(browser, "#verdict-form").await?, "the verdict is asked once");

    // "Not solved" offers reopening, until a date in the Buddhist Era.
    browser.expect_element("#reopen-form").await?;
    let until = browser.text("#reopen-hint").await?;
    let year = siang::domain::calendar::local_date(chrono::Utc::now() + chrono::Duration::days(30));
    let be = chrono::Datelike::year(&year) + siang::domain::calendar::BUDDHIST_ERA_OFFSET;
    anyhow::ensure!(until.contains(&be.to_string()), "the last day is not in the Buddhist Era: {until:?}");
    browser.expect_no_sideways_scroll().await?;
    browser.fill("#f-reopen-comment", "ฝนตกเมื่อวานน้ำก็ท่วมอีก").await?;
    browser.click_css("#reopen-submit").await?;
    browser.expect_text(t(Lang::Th, "verdict.reopened")).await?;
    browser.expect_element("#reopened-mark").await?;
    anyhow::ensure!(!visible(browser, "#reopen-form").await?, "reopened once");
    browser.expect_text(t(Lang::Th, "status.in_progress")).await?;
    browser.survey("phone-reopened").await?;

    // Staff find it back in progress, marked, with the resident's words.
    browser.open(&item).await?;
    browser.expect_element(".flag.reopened").await?;
    browser.expect_text("ฝนตกเมื่อวานน้ำก็ท่วมอีก").await?;
    browser.expect_no_sideways_scroll().await?;
    browser.open("/staff").await?;
    browser.expect_element(".inbox .flag.reopened").await?;
    Ok(())
}

/// Whether an element is displayed (has a box).
async fn visible(browser: &Browser, css: &str) -> anyhow::Result<bool> {
    let script = format!(
        "const e = document.querySelector({css:?}); return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'"
    );
    Ok(browser.eval(&script).await?.as_bool() == Some(true))
}
