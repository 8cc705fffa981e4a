use askama::Template;
use askama_web::WebTemplate;

use crate::extract::PageContext;

#[derive(Template, WebTemplate)]
#[template(path = "public/home.html")]
pub struct HomePage {
    page: PageContext,
}

pub async fn show(page: PageContext) -> HomePage {
    HomePage { page }
}
