//! CSV files for open data: UTF-8 with a byte-order mark, so Excel opens
//! Thai text correctly, and quoted as RFC 4180 asks.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// Rows of text cells, written out as one CSV file.
#[derive(Default)]
pub struct Csv {
    body: String,
}

impl Csv {
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let line: Vec<String> = cells.into_iter().map(|cell| quote(cell.as_ref())).collect();
        self.body.push_str(&line.join(","));
        self.body.push_str("\r\n");
    }

    /// The download, named `filename`.
    pub fn into_response(self, filename: &str) -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            ],
            format!("\u{feff}{}", self.body),
        )
            .into_response()
    }
}

fn quote(cell: &str) -> String {
    // Control characters stored before input refused them would confuse
    // spreadsheet and CSV tools: leave only what any text file can carry.
    let cell: String = cell.chars().filter(|&c| crate::domain::validation::printable(c)).collect();
    // A leading = + - @ makes spreadsheets run the cell as a formula.
    let cell = if cell.starts_with(['=', '+', '-', '@']) { format!("'{cell}") } else { cell };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(quote("ก,ข"), "\"ก,ข\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("=1+1"), "'=1+1");
        assert_eq!(quote("42"), "42");
        assert_eq!(quote("nul\u{0}\u{1b}ไทย"), "nulไทย");
    }
}
