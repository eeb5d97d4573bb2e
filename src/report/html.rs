//! A self-contained HTML page: inline CSS and SVG, no scripts, no network.
//! It reads on a phone, prints on paper and can be mailed as one file.

use std::fmt::Write as _;

use super::svg::{Bar, Series, bar_chart, escape, radar_chart};
use super::teams::Overview;
use super::{Options, Report};
use crate::batch::team::TeamResult;
use crate::catalog::{Catalog, Status};
use crate::error::Result;
use crate::explain::{Advice, Explained, Point, citation, exclusion_text, num};
use crate::score::round1;

pub struct Html;

pub const STYLE: &str = r"
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #2563eb; --warn: #b45309; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #f8fafc; }
main { max-width: 960px; margin: 0 auto; padding: 24px 20px 48px; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.35rem; margin: 32px 0 4px; padding-top: 16px; border-top: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
h4 { margin: 16px 0 4px; font-size: 1.05rem; }
p { margin: 6px 0; }
.meta, .description { color: var(--muted); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; padding: 0; margin: 8px 0; list-style: none; }
.chips li { background: #eef2ff; border-radius: 999px; padding: 2px 10px; font-size: .9rem; }
.lead { font-size: 1.08rem; background: #f0f7ff; border-left: 4px solid var(--accent); padding: 12px 16px; border-radius: 4px; }
.chart { width: 100%; height: auto; display: block; }
.chart text { font-family: inherit; font-size: 14px; fill: var(--ink); }
.chart .value { font-weight: 600; }
.chart .note { fill: var(--warn); font-size: 12px; }
.chart .track { fill: #f1f5f9; }
.chart .bar { fill: #93b4f5; }
.chart .bar.top { fill: var(--accent); }
.radar { max-width: 620px; margin: 0 auto; }
.radar .grid { fill: none; stroke: var(--line); }
.radar .axis { stroke: var(--line); }
.radar .axis-label { font-size: 13px; }
.radar .tick { font-size: 10px; fill: var(--muted); }
.radar .series { stroke-width: 2.5; fill-opacity: .12; }
.radar .needs { stroke: #111; stroke-dasharray: 6 4; fill: none; stroke-width: 2; }
.s0 { stroke: #2563eb; fill: #2563eb; color: #2563eb; }
.s1 { stroke: #d97706; fill: #d97706; color: #d97706; }
.s2 { stroke: #059669; fill: #059669; color: #059669; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 16px; margin: 4px 0 0; }
.legend li::before { content: ''; display: inline-block; width: 14px; height: 14px; border-radius: 3px; margin-right: 6px; vertical-align: -2px; border: 2px solid currentColor; }
.legend .needs-key { color: #111; }
.legend .needs-key::before { border-style: dashed; }
.legend span { color: var(--ink); }
table { width: 100%; border-collapse: collapse; margin: 8px 0 16px; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
.kind-concern { color: var(--warn); font-weight: 600; }
.kind-reason { color: #047857; font-weight: 600; }
.warning { color: var(--warn); }
.excluded li, .reference li { margin: 4px 0; }
footer { margin-top: 40px; color: var(--muted); font-size: .85rem; }
@media (max-width: 600px) {
  main { padding: 16px 12px; }
  th:nth-child(5), td:nth-child(5) { display: none; }
  .chart.bars text { font-size: 17px; }
  .chart.bars .note { font-size: 13px; }
  .radar .axis-label { font-size: 21px; }
}
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid-page; }
  svg.chart, .legend, article, tr, .lead { break-inside: avoid-page; }
  .radar { max-width: 440px; }
  .lead { background: none; }
}
";

/// The footer: where the scores come from, and the exact files used.
fn footer(catalog: &Catalog) -> String {
    let about = &catalog.about;
    let mut s = String::from("Made by dlpick. Scores and evidence come from its knowledge base");
    if let Some(title) = &about.title {
        let _ = write!(s, ", which paraphrases “{title}”");
        if let Some(date) = &about.date {
            let _ = write!(s, " ({date})");
        }
    }
    let _ = write!(
        s,
        " and marks every score as stated by {}, inferred from it, or a dated fact from outside it",
        about.cited_as
    );
    if let Some(checked) = &about.checked {
        let _ = write!(s, " (outside facts checked {checked})");
    }
    s.push_str(". ");
    s.push_str(&super::knowledge_base_line(catalog));
    escape(&s)
}

fn page(catalog: &Catalog, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n<footer>{}</footer>\n</main>\n</body>\n</html>\n",
        escape(title),
        footer(catalog)
    )
}

/// A table row of (class, already escaped HTML) cells.
fn row(out: &mut String, cells: &[(&str, String)]) {
    out.push_str("<tr>");
    for (class, html) in cells {
        if class.is_empty() {
            let _ = write!(out, "<td>{html}</td>");
        } else {
            let _ = write!(out, "<td class=\"{class}\">{html}</td>");
        }
    }
    out.push_str("</tr>");
}

/// The ranking as a bar chart, one `rect.bar` per ranked framework.
pub fn ranking_chart(catalog: &Catalog, ranking: &[Explained]) -> String {
    let bars: Vec<Bar> = ranking
        .iter()
        .map(|e| {
            let f = &catalog.frameworks[e.framework];
            Bar {
                label: f.name.clone(),
                value: e.score,
                note: match f.status {
                    Status::Active if f.deep_learning => String::new(),
                    Status::Active => "not deep learning".to_string(),
                    other => other.as_str().to_string(),
                },
                highlight: e.rank == 1,
            }
        })
        .collect();
    bar_chart("Match of each framework (0–100)", &bars, 100.0, &|v| format!("{:.1}", round1(v)))
}

fn radar(catalog: &Catalog, a: &Advice) -> String {
    let rated: Vec<usize> = (0..catalog.criteria.len()).filter(|&c| a.profile.needs[c] > 0.0).collect();
    // A radar needs three axes; with fewer rated criteria show them all.
    let axes: Vec<usize> = if rated.len() >= 3 { rated } else { (0..catalog.criteria.len()).collect() };
    let labels: Vec<String> = axes.iter().map(|&c| catalog.criteria[c].name.clone()).collect();
    let mut series = vec![Series {
        name: "Your needs".to_string(),
        values: axes.iter().map(|&c| a.profile.needs[c]).collect(),
        class: "needs".to_string(),
    }];
    for (i, e) in a.ranking.iter().take(3).enumerate() {
        let f = &catalog.frameworks[e.framework];
        series.push(Series {
            name: f.name.clone(),
            values: axes.iter().map(|&c| f.attributes[c].score).collect(),
            class: format!("s{i}"),
        });
    }
    let mut s = radar_chart("Your needs against the top three frameworks (0–5)", &labels, &series, 5.0);
    s.push_str("<ul class=\"legend\"><li class=\"needs-key\"><span>Your needs</span></li>");
    for (i, e) in a.ranking.iter().take(3).enumerate() {
        let _ = write!(s, "<li class=\"s{i}\"><span>{}</span></li>", escape(&catalog.frameworks[e.framework].name));
    }
    s.push_str("</ul>");
    s
}

fn points_table(catalog: &Catalog, e: &Explained) -> String {
    let rows: Vec<(&str, &Point)> =
        e.reasons.iter().map(|p| ("reason", p)).chain(e.concerns.iter().map(|p| ("concern", p))).collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        "<table><thead><tr><th></th><th>Criterion</th><th>Score</th><th>Evidence</th><th>Source</th></tr></thead><tbody>",
    );
    for (kind, p) in rows {
        let a = &catalog.frameworks[e.framework].attributes[p.criterion];
        let kind_class = format!("kind-{kind}");
        row(
            &mut s,
            &[
                (&kind_class, kind.to_string()),
                ("", escape(&catalog.criteria[p.criterion].name)),
                ("num", format!("{}/5", num(p.score))),
                ("", escape(&a.evidence)),
                ("", escape(&citation(catalog, e.framework, p.criterion))),
            ],
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// One profile's section: verdict, ranking chart, exclusions, radar, reasons.
pub fn advice_section(catalog: &Catalog, a: &Advice, options: &Options, heading: &str) -> String {
    let mut s = String::from("<section class=\"profile\">");
    let _ = write!(s, "<h2>{}</h2>", escape(heading));
    if let Some(d) = &a.profile.description {
        let _ = write!(s, "<p class=\"description\">{}</p>", escape(d));
    }
    s.push_str("<ul class=\"chips\">");
    for (c, n) in catalog.criteria.iter().zip(&a.profile.needs).filter(|(_, n)| **n > 0.0) {
        let _ = write!(s, "<li>{} {}</li>", escape(&c.name), num(*n));
    }
    let _ = write!(s, "</ul><p class=\"meta\">Method: {}.</p>", escape(a.method));
    let shown = &a.ranking[..options.shown(a.ranking.len())];
    let lead = shown.first().map_or_else(
        || a.shortfall.as_deref().unwrap_or("No framework meets every requirement."),
        |first| first.explanation.as_str(),
    );
    let _ = write!(s, "<p class=\"lead\">{}</p>", escape(lead));
    if !shown.is_empty() {
        s.push_str("<h3>Ranking</h3>");
        s.push_str(&ranking_chart(catalog, shown));
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
        s.push_str("<h3>Your needs against the top three</h3>");
        s.push_str(&radar(catalog, a));
        s.push_str("<h3>Why</h3>");
        for e in shown.iter().take(3) {
            let f = &catalog.frameworks[e.framework];
            let tied = if e.tied { " (tied)" } else { "" };
            let _ = write!(s, "<article><h4>{}. {} — {:.1}{tied}</h4>", e.rank, escape(&f.name), round1(e.score));
            if e.rank > 1 {
                let _ = write!(s, "<p>{}</p>", escape(&e.explanation));
            }
            for w in &e.warnings {
                let _ = write!(s, "<p class=\"warning\">{}</p>", escape(w));
            }
            s.push_str(&points_table(catalog, e));
            s.push_str("</article>");
        }
    }
    s.push_str("</section>");
    s
}

impl Report for Html {
    fn name(&self) -> &'static str {
        "html"
    }

    fn teams(&self, catalog: &Catalog, teams: &[TeamResult], overview: &Overview, options: &Options) -> Result<String> {
        Ok(super::department::html(catalog, teams, overview, options))
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
        Ok(page(catalog, &title, &body))
    }

    fn frameworks(&self, catalog: &Catalog, _options: &Options) -> Result<String> {
        let mut body = String::from(
            "<header><h1>dlpick knowledge base</h1></header><section><table><thead><tr><th>Criterion</th>",
        );
        for f in &catalog.frameworks {
            let _ = write!(body, "<th>{}</th>", escape(&f.name));
        }
        body.push_str("</tr></thead><tbody>");
        for (c, criterion) in catalog.criteria.iter().enumerate() {
            let _ = write!(body, "<tr><td>{}</td>", escape(&criterion.name));
            for f in &catalog.frameworks {
                let _ = write!(body, "<td class=\"num\">{}</td>", num(f.attributes[c].score));
            }
            body.push_str("</tr>");
        }
        body.push_str("</tbody></table></section>");
        for (fi, f) in catalog.frameworks.iter().enumerate() {
            let _ = write!(
                body,
                "<section><h2>{}</h2><p class=\"meta\">{} · {} · {}</p><table><thead><tr><th>Criterion</th><th>Score</th><th>Evidence</th><th>Source</th></tr></thead><tbody>",
                escape(&f.name),
                escape(&f.backer),
                escape(f.status.as_str()),
                escape(&f.languages.join(", "))
            );
            for (ci, (c, a)) in catalog.criteria.iter().zip(&f.attributes).enumerate() {
                row(
                    &mut body,
                    &[
                        ("", escape(&c.name)),
                        ("num", num(a.score)),
                        ("", escape(&a.evidence)),
                        ("", escape(&citation(catalog, fi, ci))),
                    ],
                );
            }
            body.push_str("</tbody></table></section>");
        }
        Ok(page(catalog, "dlpick knowledge base", &body))
    }

    fn criteria(&self, catalog: &Catalog, _options: &Options) -> Result<String> {
        let mut body = String::from(
            "<header><h1>dlpick criteria</h1></header><table><thead><tr><th>Id</th><th>Weight</th><th>Question</th><th>Description</th></tr></thead><tbody>",
        );
        for c in &catalog.criteria {
            let id = format!("<code>{}</code>", escape(&c.id));
            row(
                &mut body,
                &[("", id), ("num", num(c.weight)), ("", escape(&c.question)), ("", escape(&c.description))],
            );
        }
        body.push_str("</tbody></table>");
        Ok(page(catalog, "dlpick criteria", &body))
    }
}

/// A whole HTML page for `dlpick batch`: the distribution of top picks and,
/// when given, one section per team.
pub fn batch_page(
    catalog: &Catalog,
    respondents: u64,
    top_picks: &[u64],
    teams: &[(String, usize, Advice, String)],
    options: &Options,
) -> String {
    let mut body = format!(
        "<header><h1>Survey results</h1><p class=\"meta\">{respondents} respondent{} scored by dlpick.</p></header>",
        if respondents == 1 { "" } else { "s" }
    );
    body.push_str(
        "<section><h2>Top picks</h2><p class=\"description\">How many respondents each framework fits best.</p>",
    );
    let mut order: Vec<usize> = (0..top_picks.len()).filter(|&f| top_picks[f] > 0).collect();
    order.sort_by(|&a, &b| top_picks[b].cmp(&top_picks[a]).then(a.cmp(&b)));
    #[allow(clippy::cast_precision_loss)]
    let bars: Vec<Bar> = order
        .iter()
        .map(|&f| Bar {
            label: catalog.frameworks[f].name.clone(),
            value: top_picks[f] as f64,
            note: String::new(),
            highlight: f == order[0],
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let total = respondents.max(1) as f64;
    #[allow(clippy::cast_precision_loss)]
    let max = order.first().map_or(1.0, |&f| top_picks[f] as f64);
    body.push_str(&bar_chart("Respondents per top pick", &bars, max, &|v| {
        format!("{v:.0} ({:.0}%)", 100.0 * v / total)
    }));
    body.push_str("</section>");
    for (team, members, advice, agreement) in teams {
        let heading = format!("Team {team} ({members} member{})", if *members == 1 { "" } else { "s" });
        let mut section = advice_section(catalog, advice, options, &heading);
        let agreement = format!("<p class=\"lead\">{}</p></section>", escape(agreement));
        section.truncate(section.len() - "</section>".len());
        section.push_str(&agreement);
        body.push_str(&section);
    }
    page(catalog, "dlpick: survey results", &body)
}
