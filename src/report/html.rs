//! A self-contained HTML page: inline CSS and SVG, no scripts, no network.
//! It reads on a phone, follows the reader's dark mode, prints one profile
//! per page and can be mailed as one file: the footer says what made it.
//!
//! Every page is put together by [`Page`], which the server uses too (with
//! its stylesheet linked instead of inlined), so nothing is cut out of or
//! spliced into a rendered page.

use std::fmt::Write as _;

use super::numbers::count_of;
use super::svg::{Bar, bar_chart, escape};
use super::{Options, Report};
use crate::catalog::{Catalog, Status};
use crate::error::Result;
use crate::explain::{Advice, Explained, Point, citation, exclusion_text, num};
use crate::profile::NEED_LABELS;
use crate::score::round1;
use crate::team::Department;

pub struct Html;

/// The report's style. Colours are custom properties, set again for dark
/// mode, so text and charts never end up dark on dark.
pub const STYLE: &str = include_str!("style.css");

/// Where a page's style comes from.
#[derive(Debug, Clone, Copy)]
pub enum Style<'a> {
    /// This CSS in a `<style>` element: the page stands alone.
    Inline(&'a str),
    /// A `<link>` to the stylesheet at this path: the server's pages, whose
    /// Content-Security-Policy allows no inline style.
    Linked(&'a str),
}

/// A whole page: `<head>`, then `<main>` with `top` and `body`, then the
/// page's `<footer>`.
pub struct Page<'a> {
    /// Plain text.
    pub title: String,
    pub style: Style<'a>,
    /// Follow the reader's dark mode (and tell the browser not to darken
    /// the page itself). Off for pages whose own styles are light only.
    pub dark_mode: bool,
    /// HTML put first in `<main>`, before `body` (the admin page's bar).
    pub top: String,
    /// HTML.
    pub body: String,
    /// HTML of the `<footer>`, if any.
    pub footer: Option<String>,
}

impl<'a> Page<'a> {
    /// A stand-alone report page with the report's style, in light or dark.
    pub fn report(title: impl Into<String>, body: String, footer: String) -> Self {
        Self {
            title: title.into(),
            style: Style::Inline(STYLE),
            dark_mode: true,
            top: String::new(),
            body,
            footer: Some(footer),
        }
    }

    /// The same page with its style at `href` instead of inline.
    #[must_use]
    pub fn linked(self, href: &'a str) -> Self {
        Self { style: Style::Linked(href), ..self }
    }

    pub fn render(&self) -> String {
        let mut s = String::with_capacity(self.body.len() + STYLE.len() + 1024);
        s.push_str("<!DOCTYPE html>\n");
        s.push_str(if self.dark_mode { "<html lang=\"en\" class=\"auto\">\n" } else { "<html lang=\"en\">\n" });
        s.push_str("<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        if self.dark_mode {
            s.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
        }
        let _ = writeln!(s, "<title>{}</title>", escape(&self.title));
        match self.style {
            Style::Inline(css) => {
                let _ = writeln!(s, "<style>\n{css}</style>");
            }
            Style::Linked(href) => {
                let _ = writeln!(s, "<link rel=\"stylesheet\" href=\"{}\">", escape(href));
            }
        }
        s.push_str("</head>\n<body>\n<main>\n");
        s.push_str(&self.top);
        s.push_str(&self.body);
        s.push_str("\n</main>\n");
        if let Some(footer) = &self.footer {
            let _ = writeln!(s, "<footer>{footer}</footer>");
        }
        s.push_str("</body>\n</html>\n");
        s
    }
}

/// The footer: where the scores come from, the exact knowledge-base files,
/// and what made the page from which input, so a pasted report can be made
/// again. HTML.
pub fn footer(catalog: &Catalog, options: &Options) -> String {
    let about = &catalog.about;
    let mut source = String::from("Scores and evidence come from dlpick's knowledge base");
    if let Some(title) = &about.title {
        let _ = write!(source, ", which paraphrases “{title}”");
        if let Some(date) = &about.date {
            let _ = write!(source, " ({date})");
        }
    }
    let _ = write!(
        source,
        " and marks every score as stated by {}, inferred from it, or a dated fact from outside it",
        about.cited_as
    );
    if let Some(checked) = &about.checked {
        let _ = write!(source, " (outside facts checked {checked})");
    }
    source.push('.');
    let mut s = format!("<p>{}</p>", escape(&source));
    let p = &options.provenance;
    if !p.version.is_empty() || !p.date.is_empty() {
        s.push_str("<p class=\"made\">Made by ");
        s.push_str(&if p.version.is_empty() { "dlpick".to_string() } else { escape(&p.version) });
        if !p.date.is_empty() {
            let _ = write!(s, " on <time datetime=\"{0}\">{0}</time>", escape(&p.date));
        }
        s.push_str(".</p>");
    }
    // The same short hashes as `dlpick --version` and the text report.
    let _ = write!(s, "<p class=\"kb\">{}</p>", escape(&super::knowledge_base_line(catalog)));
    if !p.inputs.is_empty() {
        let inputs: Vec<String> = p.inputs.iter().map(|i| format!("<code>{}</code>", escape(i))).collect();
        let label = if inputs.len() == 1 { "Input" } else { "Inputs" };
        let _ = write!(s, "<p class=\"inputs\">{label}: {}.</p>", inputs.join(", "));
    }
    s
}

/// A table row of (class, data label, already escaped HTML) cells. The data
/// label heads the cell when a narrow screen stacks the row's cells.
fn row(out: &mut String, cells: &[(&str, &str, String)]) {
    out.push_str("<tr>");
    for (class, label, html) in cells {
        out.push_str("<td");
        if !class.is_empty() {
            let _ = write!(out, " class=\"{class}\"");
        }
        if !label.is_empty() {
            let _ = write!(out, " data-label=\"{label}\"");
        }
        let _ = write!(out, ">{html}</td>");
    }
    out.push_str("</tr>");
}

/// The header row of a table: `(class, text)` per column.
fn head(out: &mut String, cells: &[(&str, &str)]) {
    out.push_str("<thead><tr>");
    for (class, text) in cells {
        if class.is_empty() {
            let _ = write!(out, "<th scope=\"col\">{text}</th>");
        } else {
            let _ = write!(out, "<th scope=\"col\" class=\"{class}\">{text}</th>");
        }
    }
    out.push_str("</tr></thead>");
}

/// "1", or "1=" for a shared rank.
fn rank_text(e: &Explained) -> String {
    if e.tied { format!("{}=", e.rank) } else { e.rank.to_string() }
}

fn match_text(score: impl Into<f64>) -> String {
    format!("{:.1}", round1(score))
}

/// A framework's standing beside its match: maintained or not, deep
/// learning or not.
fn status_text(catalog: &Catalog, f: usize) -> String {
    let fw = &catalog.frameworks[f];
    match fw.status {
        Status::Active if fw.deep_learning => "maintained".to_string(),
        Status::Active => "maintained; not deep learning".to_string(),
        Status::Maintenance => "maintenance only".to_string(),
        Status::Discontinued => "discontinued".to_string(),
    }
}

/// What the 0–100 match means under the profile's method, in words.
pub fn scale_sentence(method: &str) -> &'static str {
    match method {
        "weighted-product" => {
            "Match runs from 0 to 100. It multiplies the framework's scores (0–5) on the criteria you rate, each raised to \
             its share of your needs, so a weak score costs more than a strong one gains; 100 means 5/5 on every one."
        }
        "topsis" => {
            "Match runs from 0 to 100: how much closer the framework is to an ideal with the best score among the \
             candidates on every criterion you rate than to one with the worst, each criterion counted by your need. \
             It compares the candidates with one another, so it is not a grade on its own."
        }
        _ => {
            "Match runs from 0 to 100: the share of the best possible points the framework earns. Each criterion you \
             rate gives its score (0–5) times your need and the criterion's weight; 100 means 5/5 on every one."
        }
    }
}

/// The ranking: a bar chart and, beside it, the same as a table with rank,
/// match and status, the scale explained above both.
pub fn ranking_block(catalog: &Catalog, profile: &str, shown: &[Explained], method: &str) -> String {
    let bars: Vec<Bar> = shown
        .iter()
        .map(|e| Bar {
            label: catalog.frameworks[e.framework].name.clone(),
            value: e.score.get(),
            highlight: e.rank == 1,
        })
        .collect();
    let values: Vec<String> =
        shown.iter().map(|e| format!("{} {}", catalog.frameworks[e.framework].name, match_text(e.score))).collect();
    let label = format!(
        "Match (0–100) of the {} ranked for {profile}: {}",
        count_of(shown.len(), "framework", "frameworks"),
        values.join(", ")
    );
    let mut s =
        format!("<p class=\"match-scale\">{}</p><div class=\"ranking\"><figure>", escape(scale_sentence(method)));
    s.push_str(&bar_chart(&label, &bars, 100.0, &match_text));
    s.push_str("</figure><table class=\"ranked\"><caption>The ranking as a table</caption>");
    head(&mut s, &[("", "Rank"), ("", "Framework"), ("num", "Match"), ("", "Status")]);
    s.push_str("<tbody>");
    for e in shown {
        let f = e.framework;
        let status = status_text(catalog, f);
        let status = if status == "maintained" { status } else { format!("<span class=\"warn\">{status}</span>") };
        row(
            &mut s,
            &[
                ("", "", rank_text(e)),
                ("", "", escape(&catalog.frameworks[f].name)),
                ("num", "", match_text(e.score)),
                ("", "", status),
            ],
        );
    }
    s.push_str("</tbody></table></div>");
    s
}

/// How the shown frameworks score on each rated criterion, as a table whose
/// cells are shaded in proportion to the score. Needs label the rows in
/// words, apart from the scores, so they can't be read as scores.
fn score_grid(catalog: &Catalog, a: &Advice, shown: &[Explained]) -> String {
    let mut rated: Vec<usize> = (0..catalog.criteria.len()).filter(|&c| a.profile.needs[c] > 0.0).collect();
    rated.sort_by(|&x, &y| a.profile.needs[y].total_cmp(&a.profile.needs[x]).then(x.cmp(&y)));
    let mut s = format!(
        "<div class=\"wide\" role=\"region\" aria-label=\"Scores of the {} on the criteria you rate\" tabindex=\"0\"><table class=\"grid\"><caption>Score (0–5, 5 best) of the {} on each criterion you rate. Rows are in the order of your needs; each bar is the score out of 5.</caption>",
        count_of(shown.len(), "ranked framework", "ranked frameworks"),
        count_of(shown.len(), "ranked framework", "ranked frameworks"),
    );
    s.push_str("<thead><tr><th scope=\"col\">Criterion (your need)</th>");
    for e in shown {
        let _ = write!(s, "<th scope=\"col\" class=\"num\">{}</th>", escape(&catalog.frameworks[e.framework].name));
    }
    s.push_str("</tr></thead><tbody>");
    for c in rated {
        let need = a.profile.needs[c];
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let word = NEED_LABELS[(need.round() as usize).min(NEED_LABELS.len() - 1)];
        let _ = write!(
            s,
            "<tr><th scope=\"row\">{} <span class=\"need\">{word}, need {}</span></th>",
            escape(&catalog.criteria[c].name),
            num(need)
        );
        for e in shown {
            // The profile's own score: routes may have decided it.
            let score = e
                .contributions
                .iter()
                .find(|x| x.criterion == c)
                .map_or(catalog.frameworks[e.framework].attributes[c].score, |x| x.score);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let tenths = ((score / 5.0).clamp(0.0, 1.0) * 10.0).round() as usize;
            let _ = write!(
                s,
                "<td class=\"num\">{}<span class=\"meter\" aria-hidden=\"true\"><i class=\"g{tenths}\"></i></span></td>",
                num(score)
            );
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    s
}

fn points_table(catalog: &Catalog, e: &Explained) -> String {
    let rows: Vec<(&str, &Point)> =
        e.reasons.iter().map(|p| ("reason", p)).chain(e.concerns.iter().map(|p| ("concern", p))).collect();
    if rows.is_empty() {
        return String::new();
    }
    let name = escape(&catalog.frameworks[e.framework].name);
    let mut s = format!("<table class=\"evidence stack\"><caption>Reasons and concerns for {name}</caption>");
    head(&mut s, &[("", "Kind"), ("", "Criterion"), ("num", "Score"), ("", "Evidence"), ("", "Source")]);
    s.push_str("<tbody>");
    for (kind, p) in rows {
        let kind_class = format!("inline kind-{kind}");
        row(
            &mut s,
            &[
                (&kind_class, "", kind.to_string()),
                ("inline", "Criterion", escape(&catalog.criteria[p.criterion].name)),
                ("num inline", "Score", format!("{}/5", num(p.score))),
                ("", "Evidence", escape(&p.evidence.text)),
                ("", "Source", escape(&p.evidence.citation)),
            ],
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// What each rated criterion adds to the match, as `--explain` shows in text.
fn contribution_table(catalog: &Catalog, e: &Explained, method: &str) -> String {
    let name = escape(&catalog.frameworks[e.framework].name);
    let caption = if method == "weighted-sum" {
        format!(
            "How each criterion adds to {name}'s match: points are need × weight × score, scaled so they add up to the match"
        )
    } else {
        format!(
            "How each criterion adds to {name}'s match under the weighted sum: points are need × weight × score, scaled so they add up to that sum"
        )
    };
    let mut s = format!(
        "<div class=\"wide\" role=\"region\" aria-label=\"Points of {name}\" tabindex=\"0\"><table class=\"contributions\"><caption>{caption}</caption>"
    );
    head(
        &mut s,
        &[("", "Criterion"), ("num", "Need"), ("num", "Weight"), ("num", "Score"), ("num", "Points"), ("num", "Share")],
    );
    s.push_str("<tbody>");
    for c in &e.contributions {
        row(
            &mut s,
            &[
                ("", "", escape(&catalog.criteria[c.criterion].name)),
                ("num", "", num(c.need)),
                ("num", "", format!("{:.2}", c.weight)),
                ("num", "", num(c.score)),
                ("num", "", format!("{:.1}", c.points)),
                ("num", "", format!("{:.0}%", c.share * 100.0)),
            ],
        );
    }
    s.push_str("</tbody></table></div>");
    s
}

/// One profile's section: verdict, ranking, robustness, exclusions, scores
/// on what the profile rates, and why.
pub fn advice_section(catalog: &Catalog, a: &Advice, options: &Options, heading: &str) -> String {
    let mut s = String::from("<section class=\"profile\">");
    advice_parts(&mut s, catalog, a, options, heading);
    s.push_str("</section>");
    s
}

/// The inside of [`advice_section`], for callers that add to the section.
pub fn advice_parts(s: &mut String, catalog: &Catalog, a: &Advice, options: &Options, heading: &str) {
    let _ = write!(s, "<h2>{}</h2>", escape(heading));
    if let Some(d) = &a.profile.description {
        let _ = write!(s, "<p class=\"description\">{}</p>", escape(d));
    }
    s.push_str("<ul class=\"chips\" aria-label=\"Your needs, 0 (doesn't matter) to 5 (critical)\">");
    for (c, n) in catalog.criteria.iter().zip(&a.profile.needs).filter(|(_, n)| **n > 0.0) {
        let _ = write!(s, "<li>{} {}</li>", escape(&c.name), num(*n));
    }
    let _ = write!(s, "</ul><p class=\"meta\">Method: {}.</p>", escape(a.method));
    if let Some(note) = &a.unasked {
        let _ = write!(s, "<p class=\"meta unasked\">{}</p>", escape(note));
    }
    let shown = &a.ranking[..options.shown(a.ranking.len())];
    let lead = shown.first().map_or_else(
        || a.shortfall.as_deref().unwrap_or("No framework meets every requirement."),
        |first| first.explanation.as_str(),
    );
    let _ = write!(s, "<p class=\"lead\">{}</p>", escape(lead));
    let firm = a.sensitivity.as_ref().filter(|sens| shown.first().is_some_and(|f| f.framework == sens.winner));
    if let Some(sensitivity) = firm {
        let _ = write!(
            s,
            "<p class=\"robust\"><strong>How firm is this?</strong> {}</p>",
            escape(&super::tune::sensitivity_sentence(catalog, sensitivity))
        );
    }
    if !shown.is_empty() {
        s.push_str("<h3>Ranking</h3>");
        s.push_str(&ranking_block(catalog, &a.profile.name, shown, a.method));
        if shown.len() < a.ranking.len() {
            let _ = write!(
                s,
                "<p class=\"meta\">{} more ranked below these (use --top to show them).</p>",
                a.ranking.len() - shown.len()
            );
        }
    }
    if !a.reference.is_empty() {
        let _ = write!(
            s,
            "<h3>Not maintained, for reference: {}'s view</h3><ul class=\"reference\">",
            escape(&catalog.about.cited_as)
        );
        for r in &a.reference {
            let f = &catalog.frameworks[r.framework];
            let _ = write!(
                s,
                "<li><strong>{}</strong> ({:.1}, {}): {}</li>",
                escape(&f.name),
                round1(r.score),
                escape(f.status.as_str()),
                escape(&f.status_note)
            );
        }
        s.push_str("</ul>");
    }
    if !a.excluded.is_empty() {
        s.push_str("<h3>Excluded</h3><ul class=\"excluded\">");
        for e in &a.excluded {
            let _ = write!(
                s,
                "<li><strong>{}</strong>: {}</li>",
                escape(&catalog.frameworks[e.framework].name),
                escape(&exclusion_text(catalog, e))
            );
        }
        s.push_str("</ul>");
    }
    if !shown.is_empty() {
        let _ = write!(
            s,
            "<h3>Scores on what you rate: {}</h3>",
            match shown.len() {
                1 => "the top pick".to_string(),
                n => format!("the {n} ranked"),
            }
        );
        s.push_str(&score_grid(catalog, a, shown));
        s.push_str("<h3>Why</h3>");
        let explained = if options.explain { shown.len() } else { shown.len().min(3) };
        for (i, e) in shown[..explained].iter().enumerate() {
            let f = &catalog.frameworks[e.framework];
            let tied = if e.tied { " (tied)" } else { "" };
            let _ = write!(s, "<article><h4>{}. {} — {}{tied}</h4>", e.rank, escape(&f.name), match_text(e.score));
            // The first one's explanation is the lead above.
            if i > 0 {
                let _ = write!(s, "<p>{}</p>", escape(&e.explanation));
            }
            for w in &e.warnings {
                let _ = write!(s, "<p class=\"warning\">{}</p>", escape(w));
            }
            s.push_str(&points_table(catalog, e));
            if options.explain {
                s.push_str(&contribution_table(catalog, e, a.method));
            }
            s.push_str("</article>");
        }
        if explained < shown.len() {
            s.push_str("<p class=\"meta\">Use --explain for every ranked framework's reasons and points.</p>");
        }
    }
}

impl Report for Html {
    fn name(&self) -> &'static str {
        "html"
    }

    fn teams(&self, catalog: &Catalog, department: &Department, options: &Options) -> Result<String> {
        Ok(super::department::html(catalog, department, options))
    }

    fn advice(&self, catalog: &Catalog, advice: &[Advice], options: &Options) -> Result<String> {
        let title = match advice {
            [one] => format!("dlpick: {}", one.profile.name),
            _ => "dlpick: framework recommendations".to_string(),
        };
        let mut body = String::from(
            "<header><h1>Which deep-learning framework?</h1><p class=\"meta\">Ranked and explained by dlpick.</p></header>",
        );
        for a in advice {
            body.push_str(&advice_section(catalog, a, options, &a.profile.name));
        }
        Ok(Page::report(title, body, footer(catalog, options)).render())
    }

    fn frameworks(&self, catalog: &Catalog, options: &Options) -> Result<String> {
        let mut body = String::from(
            "<header><h1>dlpick knowledge base</h1></header><section><div class=\"wide\" role=\"region\" aria-label=\"Every framework's scores\" tabindex=\"0\"><table><caption>Every framework's score (0–5, 5 best) on each criterion</caption><thead><tr><th scope=\"col\">Criterion</th>",
        );
        for f in &catalog.frameworks {
            let _ = write!(body, "<th scope=\"col\" class=\"num\">{}</th>", escape(&f.name));
        }
        body.push_str("</tr></thead><tbody>");
        for (c, criterion) in catalog.criteria.iter().enumerate() {
            let _ = write!(body, "<tr><th scope=\"row\">{}</th>", escape(&criterion.name));
            for f in &catalog.frameworks {
                let _ = write!(body, "<td class=\"num\">{}</td>", num(f.attributes[c].score));
            }
            body.push_str("</tr>");
        }
        body.push_str("</tbody></table></div></section>");
        for (fi, f) in catalog.frameworks.iter().enumerate() {
            let _ = write!(
                body,
                "<section><h2>{}</h2><p class=\"meta\">{} · {} · {}</p><table class=\"evidence stack\"><caption>{}'s scores with their evidence</caption>",
                escape(&f.name),
                escape(&f.backer),
                escape(f.status.as_str()),
                escape(&f.languages.join(", ")),
                escape(&f.name)
            );
            head(&mut body, &[("", "Criterion"), ("num", "Score"), ("", "Evidence"), ("", "Source")]);
            body.push_str("<tbody>");
            for (ci, (c, a)) in catalog.criteria.iter().zip(&f.attributes).enumerate() {
                row(
                    &mut body,
                    &[
                        ("inline", "Criterion", escape(&c.name)),
                        ("num inline", "Score", format!("{}/5", num(a.score))),
                        ("", "Evidence", escape(&a.evidence)),
                        ("", "Source", escape(&citation(catalog, fi, ci))),
                    ],
                );
            }
            body.push_str("</tbody></table></section>");
        }
        Ok(Page::report("dlpick knowledge base", body, footer(catalog, options)).render())
    }

    fn criteria(&self, catalog: &Catalog, options: &Options) -> Result<String> {
        let mut body = String::from(
            "<header><h1>dlpick criteria</h1></header><table class=\"stack\"><caption>The criteria, with the question each asks and its weight</caption>",
        );
        head(&mut body, &[("", "Id"), ("num", "Weight"), ("", "Question"), ("", "Description")]);
        body.push_str("<tbody>");
        for c in &catalog.criteria {
            let id = format!("<code>{}</code>", escape(&c.id));
            row(
                &mut body,
                &[
                    ("", "Id", id),
                    ("num", "Weight", num(c.weight)),
                    ("", "Question", escape(&c.question)),
                    ("", "Description", escape(&c.description)),
                ],
            );
        }
        body.push_str("</tbody></table>");
        Ok(Page::report("dlpick criteria", body, footer(catalog, options)).render())
    }
}
