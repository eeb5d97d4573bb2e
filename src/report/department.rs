//! The department report (`batch --format html|markdown`): method, counts
//! and knowledge base; what matters across respondents; top-pick shares
//! with status flags; the consensus for everyone; a table of teams linking
//! to compact team sections. No per-team charts, so hundreds of teams stay
//! a small page.

use std::fmt::Write as _;

use super::Options;
use super::html::{Page, footer};
use super::numbers::{count as plural, thousands};
use super::svg::escape;
use super::teams::{agreement_sentence, consensus_sentence};
use crate::catalog::Catalog;
use crate::score::{MethodId, round1};
use crate::team::consensus::Rule;
use crate::team::{Department, TeamResult, may_be_adopted, team_label};

/// How a method is named in the department report.
fn method_name(method: MethodId) -> &'static str {
    match method {
        MethodId::WeightedSum => "weighted sum",
        MethodId::WeightedProduct => "weighted product",
        MethodId::Topsis => "TOPSIS closeness",
    }
}

fn method_sentence(o: &Department) -> String {
    format!(
        "Method: each respondent's needs (0–5 per criterion) are scored against the knowledge base with the {} \
         (match 0–100). A team's frameworks are ranked for the mean of its members' needs (Kendall's W says how \
         much the members' own rankings agree), and the consensus ranks the maintained frameworks every member's \
         constraints allow by four rules over each member's own match: mean (highest average), maximin (highest \
         lowest match), Borda (summed over the members' rankings) and approval (share of members within {} points \
         of their own best). The recommended choice is the mean rule's winner; a member's regret is their own best \
         match minus the recommended one's.",
        method_name(o.method),
        crate::explain::num(o.approval_margin)
    )
}

fn status_flag(catalog: &Catalog, f: usize) -> Option<String> {
    let fw = &catalog.frameworks[f];
    (!may_be_adopted(catalog, f)).then(|| format!("{}: {}", fw.status.as_str(), fw.status_note))
}

/// Top picks, most first: (framework, count).
fn top_pick_order(top_picks: &[u64]) -> Vec<(usize, u64)> {
    let mut order: Vec<(usize, u64)> = top_picks.iter().copied().enumerate().filter(|(_, n)| *n > 0).collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    order
}

#[allow(clippy::cast_precision_loss)]
fn share(n: u64, of: u64) -> f64 {
    if of == 0 { 0.0 } else { 100.0 * n as f64 / of as f64 }
}

fn consensus_pick(catalog: &Catalog, t: &TeamResult) -> String {
    t.consensus
        .as_ref()
        .and_then(|c| c.recommended)
        .map_or_else(|| "—".to_string(), |f| catalog.frameworks[f].name.clone())
}

fn largest_regret(t: &TeamResult) -> String {
    t.consensus
        .as_ref()
        .and_then(|c| c.regrets.first())
        .map_or_else(|| "—".to_string(), |r| format!("{:.1} ({})", round1(r.value), r.name))
}

fn agreement_cell(t: &TeamResult) -> String {
    t.kendall_w.map_or_else(|| "—".to_string(), |w| format!("W {w:.2}"))
}

/// Per criterion, the answers 0–5 as one stacked bar each.
fn answers_chart(catalog: &Catalog, answers: &[[u64; 6]]) -> String {
    // Drawn about a phone's width (labels stay at least 12 px there when
    // the chart is scaled down) and kept to 640 px on wider screens.
    let (label_w, bar_w, row_h) = (160.0, 240.0, 24.0);
    #[allow(clippy::cast_precision_loss)]
    let height = row_h * answers.len() as f64 + 4.0;
    let mut svg = format!(
        "<svg class=\"answers\" viewBox=\"0 0 {} {height}\" role=\"img\" aria-label=\"How respondents rated each criterion, 0 (doesn't matter) to 5 (critical)\">",
        label_w + bar_w + 10.0
    );
    for (c, counts) in answers.iter().enumerate() {
        let total: u64 = counts.iter().sum();
        #[allow(clippy::cast_precision_loss)]
        let y = row_h * c as f64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 16.0,
            escape(&catalog.criteria[c].name)
        );
        let mut x = label_w;
        for (a, n) in counts.iter().enumerate() {
            let w = bar_w * share(*n, total) / 100.0;
            if w > 0.0 {
                let _ = write!(
                    svg,
                    "<rect class=\"a{a}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\"><title>{a}: {} ({:.0}%)</title></rect>",
                    y + 3.0,
                    row_h - 6.0,
                    thousands(*n),
                    share(*n, total)
                );
            }
            x += w;
        }
    }
    svg.push_str("</svg><ul class=\"k\">");
    for a in 0..6 {
        let _ = write!(
            svg,
            "<li><i class=\"a{a}\"></i>{a}{}</li>",
            match a {
                0 => " (doesn't matter)",
                5 => " (critical)",
                _ => "",
            }
        );
    }
    svg.push_str("</ul>");
    // The chart's data, for screen readers and for exact figures.
    svg.push_str(
        "<details><summary>The answers as a table</summary><div class=\"wide\" role=\"region\" aria-label=\"Respondents per answer\" tabindex=\"0\"><table>\
         <caption>Respondents per answer, by criterion</caption><thead><tr><th scope=\"col\">Criterion</th>",
    );
    for a in 0..6 {
        let _ = write!(svg, "<th scope=\"col\" class=\"num\">{a}</th>");
    }
    svg.push_str("</tr></thead><tbody>");
    for (c, counts) in answers.iter().enumerate() {
        let _ = write!(svg, "<tr><th scope=\"row\">{}</th>", escape(&catalog.criteria[c].name));
        for n in counts {
            let _ = write!(svg, "<td class=\"num\">{}</td>", thousands(*n));
        }
        svg.push_str("</tr>");
    }
    svg.push_str("</tbody></table></div></details>");
    svg
}

fn rules_rows(catalog: &Catalog, t: &TeamResult) -> Vec<[String; 4]> {
    let Some(c) = &t.consensus else { return Vec::new() };
    c.rules
        .iter()
        .map(|r| {
            let what = match r.rule {
                Rule::Mean => "mean (highest average match)",
                Rule::Maximin => "maximin (highest lowest match)",
                Rule::Borda => "Borda (members' rankings)",
                Rule::Approval => "approval (within the margin of own best)",
            };
            [
                what.to_string(),
                catalog.frameworks[r.framework].name.clone(),
                format!("{:.1}", round1(r.mean)),
                format!("{:.1} ({})", round1(r.min), r.lowest),
            ]
        })
        .collect()
}

fn ranking_line(catalog: &Catalog, t: &TeamResult, top: usize) -> String {
    t.advice.as_ref().map_or_else(String::new, |a| {
        a.ranking
            .iter()
            .take(top)
            .map(|e| format!("{} {:.1}", catalog.frameworks[e.framework].name, round1(e.score)))
            .collect::<Vec<_>>()
            .join(" · ")
    })
}

fn team_heading(t: &TeamResult) -> String {
    let mut s = format!("Team {} ({})", team_label(&t.team), plural(t.members, "member", "members"));
    if t.rejected > 0 {
        let _ = write!(s, ", {} rejected", thousands(t.rejected));
    }
    s
}

/// The department report as one self-contained HTML page.
pub fn html(catalog: &Catalog, department: &Department, options: &Options) -> String {
    page(catalog, department, options).render()
}

/// The department report as a [`Page`], with the report's style, dark mode
/// and footer; the server links the style instead.
pub fn page(catalog: &Catalog, department: &Department, options: &Options) -> Page<'static> {
    let (teams, o) = (&department.teams, department);
    let mut b = String::with_capacity(4096 + teams.len() * 1200);
    let _ = writeln!(
        b,
        "<header><h1>Department survey</h1><p class=\"meta\">{} scored, {} rejected; {}; knowledge base: {}.</p></header>",
        plural(o.scored, "respondent", "respondents"),
        thousands(o.rejected),
        plural(teams.len() as u64, "team", "teams"),
        escape(&super::knowledge_base_files(catalog))
    );
    let _ = writeln!(b, "<p>{}</p>", escape(&method_sentence(o)));
    b.push_str("<nav><ol><li><a href=\"#needs\">What matters</a></li><li><a href=\"#picks\">Top picks</a></li><li><a href=\"#everyone\">Consensus for everyone</a></li><li><a href=\"#teams\">Teams</a></li></ol></nav>\n");

    b.push_str("<section id=\"needs\"><h2>What matters</h2><p class=\"meta\">How respondents rated each criterion, 0 (doesn't matter) to 5 (critical).</p>");
    b.push_str(&answers_chart(catalog, &o.answers));
    b.push_str("</section>\n");

    b.push_str("<section id=\"picks\"><h2>Top picks</h2><table><thead><tr><th>framework</th><th>respondents</th><th>share</th><th>status</th></tr></thead><tbody>");
    for (f, n) in top_pick_order(&o.top_picks) {
        let flag = status_flag(catalog, f).map_or_else(
            || "maintained".to_string(),
            |s| format!("<span class=\"warn\">⚠ {} — not a candidate for adoption</span>", escape(&s)),
        );
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td><td>{flag}</td></tr>",
            escape(&catalog.frameworks[f].name),
            thousands(n),
            share(n, o.scored)
        );
    }
    b.push_str("</tbody></table></section>\n");

    b.push_str("<section id=\"everyone\"><h2>Consensus for everyone</h2>");
    if let Some(c) = &o.all.consensus {
        let _ = write!(b, "<p class=\"lead\">{}</p>", escape(&consensus_sentence(catalog, c)));
    }
    b.push_str(
        "<table><thead><tr><th>rule</th><th>winner</th><th>mean match</th><th>lowest match</th></tr></thead><tbody>",
    );
    for row in rules_rows(catalog, &o.all) {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&row[0]),
            escape(&row[1]),
            row[2],
            escape(&row[3])
        );
    }
    b.push_str("</tbody></table>");
    if o.all.advice.is_some() {
        let _ = write!(
            b,
            "<p>Combined needs: {}. {}</p>",
            escape(&ranking_line(catalog, &o.all, 3)),
            escape(&agreement_sentence(catalog, &o.all))
        );
    }
    b.push_str("</section>\n");

    b.push_str("<section id=\"teams\"><h2>Teams</h2><table><thead><tr><th>team</th><th>members</th><th>consensus pick</th><th>agreement</th><th>largest regret</th></tr></thead><tbody>");
    for (i, t) in teams.iter().enumerate() {
        let _ = write!(
            b,
            "<tr><td><a href=\"#t{i}\">{}</a></td><td class=\"n\">{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(team_label(&t.team)),
            thousands(t.members),
            if t.rejected > 0 { format!(" (+{} rejected)", thousands(t.rejected)) } else { String::new() },
            escape(&consensus_pick(catalog, t)),
            agreement_cell(t),
            escape(&largest_regret(t))
        );
    }
    b.push_str("</tbody></table>\n");
    let top = options.top.unwrap_or(3);
    for (i, t) in teams.iter().enumerate() {
        // Consensus and agreement first: they are what a lead reads a team for.
        let _ = write!(b, "<article class=\"team\" id=\"t{i}\"><h3>{}</h3>", escape(&team_heading(t)));
        if let Some(c) = &t.consensus {
            let _ = write!(b, "<p><strong>Consensus:</strong> {}</p>", escape(&consensus_sentence(catalog, c)));
        }
        let _ = write!(b, "<p>{}</p>", escape(&agreement_sentence(catalog, t)));
        if t.advice.is_some() {
            let _ = write!(b, "<p class=\"meta\">Combined needs: {}.</p>", escape(&ranking_line(catalog, t, top)));
        }
        b.push_str("</article>\n");
    }
    b.push_str("</section>");
    Page::report("dlpick: department survey", b, footer(catalog, options))
}

/// User and knowledge-base text in Markdown ([`crate::sanitize::markdown`]).
fn md(s: &str) -> String {
    crate::sanitize::markdown(s)
}

/// The department report in Markdown.
pub fn markdown(catalog: &Catalog, department: &Department, options: &Options) -> String {
    let (teams, o) = (&department.teams, department);
    let mut b = String::new();
    let _ = writeln!(
        b,
        "# Department survey\n\n{} scored, {} rejected; {}; knowledge base: {}.\n\n{}\n",
        plural(o.scored, "respondent", "respondents"),
        thousands(o.rejected),
        plural(teams.len() as u64, "team", "teams"),
        super::knowledge_base_files(catalog),
        method_sentence(o)
    );
    b.push_str("## What matters\n\nShare of respondents answering 0 (doesn't matter) to 5 (critical):\n\n| criterion | 0 | 1 | 2 | 3 | 4 | 5 |\n|---|--:|--:|--:|--:|--:|--:|\n");
    for (c, counts) in o.answers.iter().enumerate() {
        let total: u64 = counts.iter().sum();
        let cells: Vec<String> = counts.iter().map(|n| format!("{:.0}%", share(*n, total))).collect();
        let _ = writeln!(b, "| {} | {} |", md(&catalog.criteria[c].name), cells.join(" | "));
    }
    b.push_str("\n## Top picks\n\n| framework | respondents | share | status |\n|---|--:|--:|---|\n");
    for (f, n) in top_pick_order(&o.top_picks) {
        let flag = status_flag(catalog, f)
            .map_or_else(|| "maintained".to_string(), |s| format!("⚠ {s} — not a candidate for adoption"));
        let _ = writeln!(
            b,
            "| {} | {} | {:.1}% | {} |",
            md(&catalog.frameworks[f].name),
            thousands(n),
            share(n, o.scored),
            md(&flag)
        );
    }
    b.push_str("\n## Consensus for everyone\n\n");
    if let Some(c) = &o.all.consensus {
        let _ = writeln!(b, "{}\n", consensus_sentence(catalog, c));
    }
    b.push_str("| rule | winner | mean match | lowest match |\n|---|---|--:|--:|\n");
    for row in rules_rows(catalog, &o.all) {
        let _ = writeln!(b, "| {} | {} | {} | {} |", row[0], md(&row[1]), row[2], md(&row[3]));
    }
    b.push_str(
        "\n## Teams\n\n| team | members | consensus pick | agreement | largest regret |\n|---|--:|---|---|---|\n",
    );
    for (i, t) in teams.iter().enumerate() {
        let _ = writeln!(
            b,
            "| [{}](#t{i}) | {} | {} | {} | {} |",
            md(team_label(&t.team)),
            thousands(t.members),
            md(&consensus_pick(catalog, t)),
            agreement_cell(t),
            md(&largest_regret(t))
        );
    }
    let top = options.top.unwrap_or(3);
    for (i, t) in teams.iter().enumerate() {
        let _ = writeln!(b, "\n<a id=\"t{i}\"></a>\n### {}\n", md(&team_heading(t)));
        if let Some(c) = &t.consensus {
            let _ = writeln!(b, "Consensus: {}\n", consensus_sentence(catalog, c));
        }
        let _ = writeln!(b, "{}", agreement_sentence(catalog, t));
        if t.advice.is_some() {
            let _ = writeln!(b, "\nCombined needs: {}.", ranking_line(catalog, t, top));
        }
    }
    b
}
