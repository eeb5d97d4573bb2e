//! Small hand-written SVG charts for the HTML report: a horizontal bar chart
//! and a radar chart. No fonts, scripts or external files: the markup is
//! plain text inside the page and scales with its `viewBox`.

// Coordinates come from small counts (bars, axes): exact in f64.
#![allow(clippy::cast_precision_loss)]

use std::f64::consts::PI;
use std::fmt::Write as _;

/// Escape text for HTML and SVG.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One bar of a bar chart.
pub struct Bar {
    pub label: String,
    /// 0–`max`.
    pub value: f64,
    /// Shown after the value, muted (e.g. "discontinued").
    pub note: String,
    pub highlight: bool,
}

/// A horizontal bar chart; every bar is a `<rect class="bar">`.
pub fn bar_chart(title: &str, bars: &[Bar], max: f64, value_format: &dyn Fn(f64) -> String) -> String {
    const LABEL: f64 = 150.0;
    const WIDTH: f64 = 580.0;
    const ROW: f64 = 30.0;
    const BAR_AREA: f64 = 260.0;
    let height = ROW * bars.len() as f64 + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart bars" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    let _ = write!(s, "<title>{}</title>", escape(title));
    for (i, bar) in bars.iter().enumerate() {
        let y = ROW * i as f64 + 5.0;
        let width = if max > 0.0 { (bar.value / max).clamp(0.0, 1.0) * BAR_AREA } else { 0.0 };
        let class = if bar.highlight { "bar top" } else { "bar" };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="label" text-anchor="end">{}</text>"#,
            LABEL - 10.0,
            y + 19.0,
            escape(&bar.label)
        );
        let _ = write!(
            s,
            r#"<rect class="track" x="{LABEL}" y="{:.1}" width="{BAR_AREA}" height="20" rx="3"/><rect class="{class}" x="{LABEL}" y="{:.1}" width="{width:.1}" height="20" rx="3"><title>{}: {}</title></rect>"#,
            y + 4.0,
            y + 4.0,
            escape(&bar.label),
            escape(&value_format(bar.value))
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="value">{}</text>"#,
            LABEL + BAR_AREA + 8.0,
            y + 19.0,
            escape(&value_format(bar.value))
        );
        if !bar.note.is_empty() {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" class="note">{}</text>"#,
                LABEL + BAR_AREA + 62.0,
                y + 19.0,
                escape(&bar.note)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// One polygon of a radar chart.
pub struct Series {
    pub name: String,
    /// One value per axis, 0–`max`.
    pub values: Vec<f64>,
    /// CSS class that sets its colour.
    pub class: String,
}

/// A radar chart with one axis per label; each series is a `<polygon>`.
pub fn radar_chart(title: &str, axes: &[String], series: &[Series], max: f64) -> String {
    const WIDTH: f64 = 640.0;
    const HEIGHT: f64 = 500.0;
    const RADIUS: f64 = 150.0;
    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    let n = axes.len().max(1) as f64;
    let point = |axis: usize, r: f64| {
        // First axis straight up, then clockwise.
        let angle = -PI / 2.0 + 2.0 * PI * axis as f64 / n;
        (cx + r * angle.cos(), cy + r * angle.sin())
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart radar" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    let _ = write!(s, "<title>{}</title>", escape(title));
    for level in 1..=5 {
        let r = RADIUS * f64::from(level) / 5.0;
        let points: Vec<String> = (0..axes.len()).map(|a| point(a, r)).map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(s, r#"<polygon class="grid" points="{}"/>"#, points.join(" "));
    }
    for (a, label) in axes.iter().enumerate() {
        let (x, y) = point(a, RADIUS);
        let _ = write!(s, r#"<line class="axis" x1="{cx:.1}" y1="{cy:.1}" x2="{x:.1}" y2="{y:.1}"/>"#);
        let (lx, ly) = point(a, RADIUS + 16.0);
        let dx = lx - cx;
        let anchor = if dx > 8.0 {
            "start"
        } else if dx < -8.0 {
            "end"
        } else {
            "middle"
        };
        let dy = if ly < cy - RADIUS * 0.5 {
            -2.0
        } else if ly > cy + RADIUS * 0.5 {
            12.0
        } else {
            4.0
        };
        // Long names go on two lines so they stay inside the picture.
        let lines = split_label(label);
        let first_y = ly + dy - if lines.len() > 1 && dy < 0.0 { 15.0 } else { 0.0 };
        let _ = write!(s, r#"<text class="axis-label" x="{lx:.1}" y="{first_y:.1}" text-anchor="{anchor}">"#);
        for (i, line) in lines.iter().enumerate() {
            let _ =
                write!(s, r#"<tspan x="{lx:.1}" dy="{}">{}</tspan>"#, if i == 0 { "0" } else { "1.1em" }, escape(line));
        }
        s.push_str("</text>");
    }
    for level in [1, 3, 5] {
        let (x, y) = point(0, RADIUS * f64::from(level) / 5.0);
        let _ = write!(s, r#"<text class="tick" x="{:.1}" y="{:.1}">{level}</text>"#, x + 4.0, y + 4.0);
    }
    for series in series {
        let points: Vec<String> = series
            .values
            .iter()
            .enumerate()
            .map(|(a, v)| point(a, RADIUS * (v / max).clamp(0.0, 1.0)))
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            s,
            r#"<polygon class="series {}" points="{}"><title>{}</title></polygon>"#,
            escape(&series.class),
            points.join(" "),
            escape(&series.name)
        );
    }
    s.push_str("</svg>");
    s
}

/// Split a label longer than 12 characters at the space or hyphen nearest
/// its middle.
fn split_label(label: &str) -> Vec<String> {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() <= 12 {
        return vec![label.to_string()];
    }
    let middle = chars.len() / 2;
    let cut = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == ' ' || **c == '-')
        .min_by_key(|(i, _)| i.abs_diff(middle))
        .map(|(i, c)| (i, *c));
    match cut {
        Some((i, '-')) => vec![chars[..=i].iter().collect(), chars[i + 1..].iter().collect()],
        Some((i, _)) => vec![chars[..i].iter().collect(), chars[i + 1..].iter().collect()],
        None => vec![label.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_split_near_the_middle() {
        assert_eq!(split_label("beginner-friendliness"), ["beginner-", "friendliness"]);
        assert_eq!(split_label("distributed training"), ["distributed", "training"]);
        assert_eq!(split_label("flexibility"), ["flexibility"]);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn one_rect_per_bar_and_one_polygon_per_series() {
        let bars: Vec<Bar> = (0..3)
            .map(|i| Bar { label: format!("f{i}"), value: 10.0 * f64::from(i), note: String::new(), highlight: i == 0 })
            .collect();
        let svg = bar_chart("t", &bars, 100.0, &|v| format!("{v:.1}"));
        assert_eq!(svg.matches("class=\"bar").count(), 3);
        let axes: Vec<String> = ["a", "b", "c"].iter().map(ToString::to_string).collect();
        let series = vec![Series { name: "x".into(), values: vec![1.0, 2.0, 3.0], class: "s1".into() }];
        let svg = radar_chart("r", &axes, &series, 5.0);
        assert_eq!(svg.matches("class=\"series").count(), 1);
        assert_eq!(svg.matches("class=\"grid\"").count(), 5);
    }
}
