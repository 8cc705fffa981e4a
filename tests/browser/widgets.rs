//! The widgets as the agency's website shows them: a page of another origin
//! (`localhost`, the portal being `127.0.0.1`) frames the three widgets,
//! allowed by `SIANG_FRAME_ANCESTORS`, and a page that is not a widget,
//! which the browser must refuse to show.

use siang::config::{FrameAncestors, ServerConfig};

use crate::browser::Browser;

#[tokio::test]
async fn the_agency_site_shows_the_widgets_in_frames() {
    let host = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port for the agency's site");
    let site = format!("http://localhost:{}", host.local_addr().expect("its address").port());
    let config = ServerConfig { frame_ancestors: FrameAncestors(vec![site.clone()]), ..ServerConfig::for_tests() };
    let Some(browser) = Browser::start_with("widgets-framed", config, true).await else { return };
    let outcome = framed(&browser, host, &site).await;
    browser.finish(outcome).await;
}

/// The agency's page, with the widgets as the admin's snippet embeds them.
fn agency_page(portal: &str, lang: &str) -> String {
    let frame = |path: &str, title: &str, height: u32| {
        format!(
            "<iframe src=\"{portal}{path}?lang={lang}\" title=\"{title}\" height=\"{height}\" \
             style=\"width:100%;max-width:36rem;border:1px solid #99a;display:block;margin:0 0 1rem\"></iframe>"
        )
    };
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Agency website</title></head>\
         <body style=\"font-family:sans-serif;background:#f3efe6;margin:0;padding:1rem\">\
         <h1>The agency&#39;s own website (another origin)</h1>{}{}{}{}</body></html>",
        frame("/widgets/log", "log", 420),
        frame("/widgets/figures", "figures", 220),
        frame("/widgets/button", "button", 130),
        // Not a widget: refused by frame-ancestors 'none' and X-Frame-Options.
        frame("/log", "refused", 160),
    )
}

async fn framed(browser: &Browser, host: tokio::net::TcpListener, site: &str) -> anyhow::Result<()> {
    let portal = browser.base().to_owned();
    let app = axum::Router::new().route(
        "/{lang}",
        axum::routing::get(move |axum::extract::Path(lang): axum::extract::Path<String>| {
            let page = agency_page(&portal, &lang);
            async move { axum::response::Html(page) }
        }),
    );
    tokio::spawn(async move { axum::serve(host, app).await });

    for lang in ["th", "en"] {
        browser.open_url(&format!("{site}/{lang}")).await?;
        for (index, css) in [(0, ".widget-log"), (1, ".widget-figures"), (2, ".widget-button a[target='_top']")] {
            browser.enter_frame(index).await?;
            browser.expect_element(css).await?;
            let shown = browser.eval("return document.documentElement.lang").await?;
            anyhow::ensure!(shown.as_str() == Some(lang), "frame {index} is in {shown}, not {lang}");
            let chrome = browser.eval("return document.querySelector('.site-header, .site-footer') !== null").await?;
            anyhow::ensure!(chrome.as_bool() == Some(false), "frame {index} shows the portal's header or footer");
            browser.leave_frame().await?;
        }
        // The page that is not a widget never shows inside the frame.
        browser.enter_frame(3).await?;
        let shown = browser.eval("return document.querySelector('.site-header') !== null").await;
        anyhow::ensure!(!matches!(shown, Ok(v) if v.as_bool() == Some(true)), "the log page was shown in a frame");
        browser.leave_frame().await?;
        browser.photograph("widgets-in-agency-site", lang).await?;
    }
    Ok(())
}
