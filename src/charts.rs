//! Bar charts drawn on the server as SVG, readable without JavaScript: the
//! chart is an image with a text alternative, each bar has a `<title>`, and
//! pages show the same numbers in a table beside it.

use std::fmt::Write;

/// One bar: its label and value.
pub struct Bar {
    pub label: String,
    pub value: i64,
}

const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 230;
const VALUE_WIDTH: i64 = 50;
const ROW: i64 = 26;
const BAR: i64 = 18;

/// A horizontal bar chart; `alt` describes it for screen readers.
pub fn bar_chart(alt: &str, bars: &[Bar]) -> String {
    let height = ROW * bars.len() as i64 + 8;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" aria-label="{alt}" viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">"#,
        alt = escape(alt)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i as i64 * ROW + 4;
        let length = bar.value * room / max;
        let label = escape(&bar.label);
        let short = escape(&shortened(&bar.label));
        let _ = write!(
            svg,
            r#"<g><title>{label}: {value}</title><text x="{lx}" y="{ty}" text-anchor="end" class="chart-label">{short}</text><rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" class="chart-bar"></rect><text x="{vx}" y="{ty}" class="chart-value">{value}</text></g>"#,
            value = bar.value,
            lx = LABEL_WIDTH - 8,
            ty = y + BAR - 4,
            vx = LABEL_WIDTH + length + 6,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Labels longer than the label column are cut; the bar's `<title>` and the
/// table beside the chart keep the whole text.
fn shortened(label: &str) -> String {
    const MAX: usize = 30;
    if label.chars().count() <= MAX {
        label.to_owned()
    } else {
        label.chars().take(MAX - 1).chain(std::iter::once('…')).collect()
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_their_numbers_as_text_and_labels_are_escaped() {
        let svg = bar_chart(
            "Submissions by kind",
            &[Bar { label: "A & <B>".into(), value: 3 }, Bar { label: "C".into(), value: 0 }],
        );
        assert!(svg.starts_with("<svg") && svg.contains(r#"role="img""#));
        assert!(svg.contains("<title>A &amp; &lt;B&gt;: 3</title>"));
        assert!(svg.contains("<title>C: 0</title>"));
        assert!(!svg.contains("<B>"));
    }
}
