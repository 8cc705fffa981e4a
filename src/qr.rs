//! QR codes drawn on the server as inline SVG: no image files, no script,
//! sharp at any print size. One function for every page that shows one
//! (the ITAS survey link; posters).

use qrcode::{Color, EcLevel, QrCode};

/// Modules of blank margin around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

/// `text` (a URL) as an inline `<svg>` QR code that screen readers announce
/// as `label`; `None` when it is too long for a QR code.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    // One path of horizontal runs of dark modules: small, and crisp when scaled.
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                path.push_str(&format!("M{} {}h{}v1h-{}z", start + QUIET_ZONE, y + QUIET_ZONE, x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        r##"<svg class="qr" viewBox="0 0 {size} {size}" role="img" aria-label="{label}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"></rect><path d="{path}" fill="#000"></path></svg>"##,
        label = escape(label),
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_becomes_an_inline_svg_with_a_label() {
        let svg = svg("https://itas.nacc.go.th/go/eit/abc123", "แบบสำรวจ \"EIT\"").unwrap();
        assert!(svg.starts_with("<svg class=\"qr\""));
        assert!(svg.contains(r#"aria-label="แบบสำรวจ &quot;EIT&quot;""#));
        assert!(svg.contains("<path d=\"M4 4h7v1h-7z"), "the finder pattern starts at the quiet zone: {svg}");
        assert!(!svg.contains("<?xml"), "inline in HTML, not a document");
    }

    #[test]
    fn text_too_long_for_a_qr_code_gives_none() {
        assert!(svg(&"x".repeat(5000), "too long").is_none());
    }
}
