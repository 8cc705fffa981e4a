//! CSV files for open data: UTF-8 with a byte-order mark, so Excel opens
//! Thai text correctly, and quoted as RFC 4180 asks. Small tables are built
//! whole ([`Csv`]); long ones are streamed as they are read ([`streamed`]).

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};

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
        (headers(filename), format!("\u{feff}{}", self.body)).into_response()
    }
}

fn headers(filename: &str) -> [(header::HeaderName, String); 2] {
    [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
    ]
}

/// A download of `header` then the rows `chunks` yields, written as each
/// chunk is read: the first bytes leave at once and memory holds one chunk.
/// A failure half-way ends the download early (the client sees it cut).
pub fn streamed<S>(filename: &str, header: &[&str], chunks: S) -> Response
where
    S: Stream<Item = Result<Vec<Vec<String>>, sea_orm::DbErr>> + Send + 'static,
{
    let mut first = Csv::default();
    first.row(header);
    let head = futures_util::stream::once(async move { Ok(format!("\u{feff}{}", first.body)) });
    let rows = chunks.map(|chunk| {
        let chunk = chunk.inspect_err(|err| tracing::error!(error = %err, "an export stopped half-way"))?;
        let mut csv = Csv::default();
        for row in chunk {
            csv.row(row);
        }
        Ok::<_, sea_orm::DbErr>(csv.body)
    });
    let body = head.chain(rows).map(|text| text.map(bytes::Bytes::from).map_err(std::io::Error::other));
    (headers(filename), Body::from_stream(body)).into_response()
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
