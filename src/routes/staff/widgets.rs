//! The HTML an admin copies to show the portal's widgets
//! (`routes::public::widgets`) on the agency's main website, made from the
//! portal's public address (`SIANG_PUBLIC_URL`, or the address in use).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::auth::CurrentStaff;
use crate::domain::actor::Staff;
use crate::error::AppError;
use crate::extract::PageContext;
use crate::state::AppState;

/// One widget: its name, its address and the HTML to paste.
pub struct Snippet {
    pub name_key: &'static str,
    pub path: &'static str,
    pub html: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/widgets.html")]
pub struct WidgetsPage {
    page: PageContext,
    me: Staff,
    snippets: Vec<Snippet>,
    /// The sites that may frame the widgets: the portal's own, then
    /// `SIANG_FRAME_ANCESTORS`.
    allowed: Vec<String>,
}

/// Admins only, as the settings are.
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
) -> Result<WidgetsPage, AppError> {
    crate::domain::agency::settings(&state.db, &me).await?;
    let frame = |path: &str, title_key: &str, height: u32| {
        format!(
            "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{height}\" style=\"border:0\" loading=\"lazy\"></iframe>",
            page.absolute(path),
            page.t(title_key)
        )
    };
    let snippets = vec![
        Snippet {
            name_key: "widgets.snippet.log",
            path: "/widgets/log",
            html: frame("/widgets/log", "widgets.log.title", 420),
        },
        Snippet {
            name_key: "widgets.snippet.figures",
            path: "/widgets/figures",
            html: frame("/widgets/figures", "widgets.figures.title", 220),
        },
        Snippet {
            name_key: "widgets.snippet.button",
            path: "/widgets/button",
            html: frame("/widgets/button", "widgets.button.label", 120),
        },
    ];
    let own = match &state.config.public_url {
        Some(url) => url.origin().to_owned(),
        None => page.absolute(""),
    };
    let mut allowed = vec![own];
    allowed.extend(state.config.frame_ancestors.0.iter().cloned());
    Ok(WidgetsPage { page, me, snippets, allowed })
}
