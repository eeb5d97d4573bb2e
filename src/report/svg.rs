//! A small hand-written SVG bar chart for the HTML report, and the escaping
//! every page uses. No fonts, scripts or external files: the markup is plain
//! text inside the page.
//!
//! The chart's `viewBox` is about as wide as a phone's screen, so its text
//! keeps the size the style gives it there (the style caps the chart's width
//! on wide screens for the same reason). Colours come from the style's
//! custom properties, so the labels follow the page into dark mode.

// Coordinates come from small counts (bars): exact in f64.
#![allow(clippy::cast_precision_loss)]

use std::fmt::Write as _;

/// Escape text for HTML and SVG ([`crate::sanitize::html`]: hidden
/// characters show escaped too).
pub fn escape(s: &str) -> String {
    crate::sanitize::html(s)
}

/// One bar of a bar chart.
pub struct Bar {
    pub label: String,
    /// 0–`max`.
    pub value: f64,
    pub highlight: bool,
}

/// The chart's width in user units: close to a 390 px phone's content width.
pub const BAR_CHART_WIDTH: f64 = 380.0;
/// Labels longer than this are shortened with "…" (the full name is in the
/// bar's `<title>` and in the table beside the chart).
const LABEL_CHARS: usize = 14;

/// A horizontal bar chart; every bar is a `<rect class="bar">`. `label` is
/// the chart's accessible name and title: say what it shows, specifically.
pub fn bar_chart(label: &str, bars: &[Bar], max: f64, value_format: &dyn Fn(f64) -> String) -> String {
    const LABEL: f64 = 128.0;
    const ROW: f64 = 30.0;
    const BAR_AREA: f64 = 190.0;
    let height = ROW * bars.len() as f64 + 6.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart bars" viewBox="0 0 {BAR_CHART_WIDTH} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    let _ = write!(s, "<title>{}</title>", escape(label));
    for (i, bar) in bars.iter().enumerate() {
        let y = ROW * i as f64 + 3.0;
        let width = if max > 0.0 { (bar.value / max).clamp(0.0, 1.0) * BAR_AREA } else { 0.0 };
        let class = if bar.highlight { "bar top" } else { "bar" };
        let value = value_format(bar.value);
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="label" text-anchor="end">{}</text>"#,
            LABEL - 8.0,
            y + 19.0,
            escape(&shorten(&bar.label, LABEL_CHARS))
        );
        let _ = write!(
            s,
            r#"<rect class="track" x="{LABEL}" y="{:.1}" width="{BAR_AREA}" height="20" rx="3"/><rect class="{class}" x="{LABEL}" y="{:.1}" width="{width:.1}" height="20" rx="3"><title>{}: {}</title></rect>"#,
            y + 4.0,
            y + 4.0,
            escape(&bar.label),
            escape(&value)
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="value">{}</text>"#,
            LABEL + BAR_AREA + 8.0,
            y + 19.0,
            escape(&value)
        );
    }
    s.push_str("</svg>");
    s
}

/// At most `chars` characters, the last one "…" when cut.
fn shorten(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        return label.to_string();
    }
    let mut s: String = label.chars().take(chars - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(shorten("TensorFlow", 14), "TensorFlow");
        assert_eq!(shorten("A very long framework", 14), "A very long f…");
    }

    #[test]
    fn one_rect_per_bar_and_a_specific_label() {
        let bars: Vec<Bar> =
            (0..3).map(|i| Bar { label: format!("f{i}"), value: 10.0 * f64::from(i), highlight: i == 0 }).collect();
        let svg = bar_chart("Match of f0, f1 and f2", &bars, 100.0, &|v| format!("{v:.1}"));
        assert_eq!(svg.matches("class=\"bar").count(), 3);
        assert!(svg.contains("aria-label=\"Match of f0, f1 and f2\""));
        assert!(svg.contains("<title>Match of f0, f1 and f2</title>"));
    }
}
