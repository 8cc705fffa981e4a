//! Bar charts drawn on the server, readable without JavaScript and at any
//! width. A chart is a table of counts with a bar beside each count: the
//! labels are ordinary text that wraps and keeps the page's font size on a
//! phone, and each bar is a small SVG that stretches to its cell. The bars
//! are hidden from screen readers, which read the numbers in the table.

/// A bar for `value` out of `max`, as wide as its cell allows.
pub fn bar(value: i64, max: i64) -> String {
    // Tenths of a percent: enough for any screen, and no float formatting surprises.
    let permille = if max > 0 { (value.clamp(0, max) * 1000) / max } else { 0 };
    format!(
        r#"<svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true"><rect width="{permille}" height="10"></rect></svg>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_hidden_from_screen_readers() {
        assert!(bar(5, 10).contains(r#"width="500""#));
        assert!(bar(10, 10).contains(r#"width="1000""#));
        assert!(bar(0, 0).contains(r#"width="0""#), "an empty table draws empty bars");
        assert!(bar(3, 10).contains(r#"aria-hidden="true""#));
    }
}
