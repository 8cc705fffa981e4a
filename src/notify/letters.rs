//! What a message says, as plain text and as HTML (templates/mail/): a
//! letter of one section per language — Thai always, then English where
//! the reader chose it.

use askama::Template;

use crate::i18n::Lang;

/// One language's part of a letter.
#[derive(Debug, Clone)]
pub struct Section {
    pub lang: &'static str,
    pub greeting: String,
    pub lines: Vec<String>,
    /// Text written by staff for the reader (a reply, a status message).
    pub quote: Option<String>,
    /// A label and an absolute address.
    pub link: Option<(String, String)>,
}

impl Section {
    pub fn new(lang: Lang, greeting: String) -> Self {
        Self { lang: lang.code(), greeting, lines: Vec::new(), quote: None, link: None }
    }
}

/// A message ready to enqueue.
#[derive(Debug, Clone, Template)]
#[template(path = "mail/letter.txt")]
pub struct Letter {
    pub subject: String,
    pub sections: Vec<Section>,
    pub footer: String,
}

#[derive(Template)]
#[template(path = "mail/letter.html")]
struct Html<'a> {
    subject: &'a str,
    sections: &'a [Section],
    footer: &'a str,
}

impl Letter {
    /// The plain-text body and the HTML body.
    pub fn bodies(&self) -> Result<(String, String), askama::Error> {
        let text = self.render()?;
        let html = Html { subject: &self.subject, sections: &self.sections, footer: &self.footer }.render()?;
        Ok((text, html))
    }
}

/// The languages a reader who chose `lang` is written to in: Thai, and
/// English after it when they chose English.
pub fn languages(lang: Lang) -> &'static [Lang] {
    match lang {
        Lang::Th => &[Lang::Th],
        Lang::En => &[Lang::Th, Lang::En],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_escapes_html_but_not_its_text() {
        let mut section = Section::new(Lang::Th, "เรียน ผู้แจ้งเรื่อง".into());
        section.quote = Some("<b>ถนน & ไฟ</b>".into());
        section.link = Some(("ติดตามเรื่อง".into(), "https://siang.example/track".into()));
        let letter =
            Letter { subject: "ทดสอบ".into(), sections: vec![section], footer: "ท้าย".into() };
        let (text, html) = letter.bodies().unwrap();
        assert!(text.contains("<b>ถนน & ไฟ</b>"), "{text}");
        assert!(text.contains("ติดตามเรื่อง: https://siang.example/track"), "{text}");
        assert!(html.contains("&#60;b&#62;ถนน &#38; ไฟ") || html.contains("&lt;b&gt;ถนน &amp; ไฟ"), "{html}");
        assert!(html.contains(r#"<a href="https://siang.example/track">"#), "{html}");
    }
}
