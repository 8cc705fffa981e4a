//! `/qa` (ถาม-ตอบ): residents ask the agency a question without an account
//! and follow the answer with a tracking code and key, like any submission;
//! below the form, the questions staff chose to publish with their answers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::form::{self, FormState};
use crate::domain::participation::public::{self, Cursor, QaPage};
use crate::error::AppError;
use crate::extract::{ClientIp, CsrfForm, FormFields, PageContext, Query};
use crate::state::AppState;

pub const PAGE_SIZE: u64 = 30;

/// `?q=…&after=…`: the search and where the page starts.
#[derive(Debug, Default, Deserialize)]
pub struct QaQuery {
    #[serde(default)]
    q: String,
    after: Option<String>,
}

impl QaQuery {
    /// The page's start; a cursor this portal did not make is refused.
    fn cursor(&self) -> Result<Option<Cursor>, AppError> {
        match self.after.as_deref().filter(|a| !a.is_empty()) {
            None => Ok(None),
            Some(text) => Cursor::decode(text).map(Some).ok_or(AppError::Malformed("bad qa cursor".into())),
        }
    }

    fn href(&self, after: Option<&Cursor>) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        if !self.q.trim().is_empty() {
            pairs.append_pair("q", self.q.trim());
        }
        if let Some(cursor) = after {
            pairs.append_pair("after", &cursor.encode());
        }
        let query = pairs.finish();
        if query.is_empty() {
            "/qa#answers".to_owned()
        } else {
            format!("/qa?{query}#answers")
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public/qa.html")]
pub struct QaTemplate {
    page: PageContext,
    form: FormState,
    query: QaQuery,
    qa: QaPage,
}

impl QaTemplate {
    fn next_href(&self) -> Option<String> {
        self.qa.next.as_ref().map(|c| self.query.href(Some(c)))
    }

    fn first_href(&self) -> String {
        self.query.href(None)
    }

    fn is_first_page(&self) -> bool {
        self.query.after.as_deref().is_none_or(str::is_empty)
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<QaQuery>,
) -> Result<QaTemplate, AppError> {
    render(&state, page, FormState::default(), query).await
}

pub async fn ask(
    State(state): State<AppState>,
    page: PageContext,
    ClientIp(client): ClientIp,
    CsrfForm(fields): CsrfForm<FormFields>,
) -> Result<Response, AppError> {
    let form =
        FormState::from_pairs(&fields.pairs).with_value("kind", "question").with_errors(&fields.refused, page.lang);
    let input = form::new_submission(&form);
    form::accept(&state, page, client, form, input, Vec::new(), async |page, form| {
        render(&state, page, form, QaQuery::default()).await
    })
    .await
}

async fn render(state: &AppState, page: PageContext, form: FormState, query: QaQuery) -> Result<QaTemplate, AppError> {
    let qa = public::qa_page(&state.db, page.agency.id, &query.q, query.cursor()?, PAGE_SIZE).await?;
    Ok(QaTemplate { page, form, query, qa })
}
