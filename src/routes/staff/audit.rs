//! `GET /staff/audit`: the audit log, for admins.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use entity::audit_log;
use serde::Deserialize;

use crate::auth::CurrentStaff;
use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, LogFilter};
use crate::error::AppError;
use crate::extract::{PageContext, Query};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    before: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/audit.html")]
pub struct AuditPage {
    page: PageContext,
    me: Staff,
    query: AuditQuery,
    rows: Vec<audit_log::Model>,
    more: bool,
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Query(query): Query<AuditQuery>,
) -> Result<AuditPage, AppError> {
    let filter = LogFilter {
        action: query.action.clone(),
        actor: query.actor.clone().unwrap_or_default(),
        before: query.before,
    };
    let (rows, more) = audit::read(&state.db, &me, &filter).await?;
    Ok(AuditPage { page, me, query, rows, more })
}

impl AuditPage {
    pub fn actions(&self) -> Vec<&'static str> {
        Action::ALL.iter().map(|a| a.code()).collect()
    }

    pub fn is_action(&self, code: &str) -> bool {
        self.query.action.as_deref() == Some(code)
    }

    pub fn actor_filter(&self) -> &str {
        self.query.actor.as_deref().unwrap_or("")
    }

    pub fn older_href(&self) -> Option<String> {
        let last = self.rows.last()?;
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(action) = self.query.action.as_deref().filter(|a| !a.is_empty()) {
            query.append_pair("action", action);
        }
        if !self.actor_filter().is_empty() {
            query.append_pair("actor", self.actor_filter());
        }
        query.append_pair("before", &last.id.to_string());
        self.more.then(|| format!("/staff/audit?{}", query.finish()))
    }
}
