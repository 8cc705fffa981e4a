//! `GET /staff`: the inbox.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{DateTime, Utc};
use entity::enums::{Channel, Code, Kind, Status};
use sea_orm::{ActiveEnum, Iterable};
use serde::Deserialize;

use crate::auth::CurrentStaff;
use crate::domain::actor::Staff;
use crate::domain::agency::departments;
use crate::domain::privacy::erasure::{self, Waiting};
use crate::domain::submissions::inbox::{self, Filter, InboxPage, Order};
use crate::error::AppError;
use crate::extract::{PageContext, Query};
use crate::state::AppState;

/// The filters as they arrive in the query string. Values that do not parse
/// are ignored, so an edited URL shows a wider list, never an error.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    status: Option<String>,
    kind: Option<String>,
    channel: Option<String>,
    department: Option<String>,
    indicator: Option<String>,
    overdue: Option<String>,
    q: Option<String>,
    order: Option<String>,
    after: Option<String>,
}

impl InboxQuery {
    fn filter(&self) -> Filter {
        fn parse<T: ActiveEnum<Value = String>>(value: &Option<String>) -> Option<T> {
            value.as_deref().and_then(|v| T::try_from_value(&v.to_owned()).ok())
        }
        Filter {
            status: parse::<Status>(&self.status),
            kind: parse::<Kind>(&self.kind),
            channel: parse::<Channel>(&self.channel),
            department: match self.department.as_deref() {
                Some("none") => Some(None),
                Some(id) => id.parse().ok().map(Some),
                None => None,
            },
            indicator: self.indicator.as_deref().and_then(|i| i.parse().ok()).filter(|i| (6..=10).contains(i)),
            overdue: self.overdue.as_deref() == Some("on"),
            search: self.q.clone().unwrap_or_default(),
            order: if self.order.as_deref() == Some("overdue") { Order::MostOverdue } else { Order::Newest },
            after: self.after.clone(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/inbox.html")]
pub struct InboxTemplate {
    page: PageContext,
    me: Staff,
    query: InboxQuery,
    result: InboxPage,
    department_names: HashMap<i64, String>,
    departments: Vec<(i64, String)>,
    /// Residents' requests to erase their contact data, waiting for a decision.
    erasure_requests: Waiting,
    now: DateTime<Utc>,
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    CurrentStaff(me): CurrentStaff,
    Query(query): Query<InboxQuery>,
) -> Result<InboxTemplate, AppError> {
    let now = Utc::now();
    let result = inbox::inbox(&state.db, &me, &query.filter(), now).await?;
    let erasure_requests = erasure::waiting(&state.db, &me, page.agency.id, now).await?;
    let departments: Vec<(i64, String)> = departments(&state.db, page.agency.id)
        .await?
        .into_iter()
        .map(|d| (d.id, if page.lang == crate::i18n::Lang::Th { d.name_th } else { d.name_en }))
        .collect();
    Ok(InboxTemplate {
        department_names: departments.iter().cloned().collect(),
        departments,
        page,
        me,
        query,
        result,
        erasure_requests,
        now,
    })
}

impl InboxTemplate {
    pub fn statuses(&self) -> Vec<String> {
        Status::iter().map(|s| s.code()).collect()
    }

    pub fn kinds(&self) -> Vec<String> {
        Kind::iter().map(|k| k.code()).collect()
    }

    pub fn channels(&self) -> Vec<String> {
        Channel::iter().map(|c| c.code()).collect()
    }

    pub fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }

    pub fn count(&self, status: &str) -> i64 {
        self.result.counts.iter().find(|(s, _)| s.code() == status).map(|(_, n)| *n).unwrap_or(0)
    }

    /// Why the counts end in "+": they stopped at `cap` matching items.
    pub fn counts_capped(&self, cap: &u64) -> String {
        crate::i18n::t_with(
            self.page.lang,
            "staff.inbox.counts_capped",
            &[("cap", &crate::i18n::group_digits(&cap.to_string()))],
        )
    }

    pub fn department_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.department_names.get(&id).cloned())
            .unwrap_or_else(|| self.page.t("staff.unassigned").to_owned())
    }

    /// This page's filters with another status (for the counts' links).
    pub fn with_status(&self, status: &str) -> String {
        self.link(&[("status", Some(status))])
    }

    /// The next page: the same filters, after the cursor.
    pub fn next_href(&self) -> Option<String> {
        self.result.next_cursor.as_deref().map(|cursor| self.link(&[("after", Some(cursor))]))
    }

    fn link(&self, overrides: &[(&str, Option<&str>)]) -> String {
        let q = &self.query;
        let current = [
            ("status", q.status.as_deref()),
            ("kind", q.kind.as_deref()),
            ("channel", q.channel.as_deref()),
            ("department", q.department.as_deref()),
            ("indicator", q.indicator.as_deref()),
            ("overdue", q.overdue.as_deref()),
            ("q", q.q.as_deref()),
            ("order", q.order.as_deref()),
            ("after", None),
        ];
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in current {
            let value = overrides.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or(value);
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                query.append_pair(name, value);
            }
        }
        format!("/staff?{}", query.finish())
    }
}
