//! Team results (`dlpick batch --by-team`) in each batch format.

use std::fmt::Write as _;

use serde::Serialize;

use super::rows::BatchFormat;
use super::team::TeamResult;
use crate::catalog::Catalog;
use crate::report::{self, Options, Report};
use crate::sanitize;
use crate::score::round1;

/// How strong a Kendall's W is, in words (after Schmidt's guidelines).
pub fn concordance_words(w: f64) -> &'static str {
    match w {
        w if w >= 0.9 => "very strong agreement",
        w if w >= 0.7 => "strong agreement",
        w if w >= 0.5 => "moderate agreement",
        w if w >= 0.3 => "weak agreement",
        _ => "little agreement",
    }
}

/// The agreement in one or two sentences.
pub fn agreement_sentence(catalog: &Catalog, t: &TeamResult) -> String {
    let Some(winner) = t.advice.ranking.first().map(|e| &catalog.frameworks[e.framework].name) else {
        return "No framework meets every member's requirements together.".to_string();
    };
    let share = t.top_pick_share.unwrap_or(0.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let agreeing = (share * t.members as f64).round() as usize;
    let mut s = format!(
        "Agreement: {agreeing} of {} member{} ({:.0}%) would pick {winner} on their own",
        t.members,
        if t.members == 1 { "" } else { "s" },
        share * 100.0
    );
    match t.kendall_w {
        Some(w) => {
            let _ = write!(s, "; Kendall's W = {w:.2} ({}) over their rankings.", concordance_words(w));
        }
        None => s.push('.'),
    }
    if !t.dissenters.is_empty() {
        let names: Vec<String> = t
            .dissenters
            .iter()
            .map(|d| {
                format!(
                    "{} (prefers {}; {winner} is {:.1} behind by their needs)",
                    d.name,
                    catalog.frameworks[d.pick].name,
                    round1(d.behind)
                )
            })
            .collect();
        let _ = write!(s, " Differs most: {}.", names.join(", "));
    }
    s
}

#[derive(Serialize)]
struct AgreementView<'a> {
    top_pick_share: Option<f64>,
    kendall_w: Option<f64>,
    dissenters: Vec<DissenterView<'a>>,
    summary: String,
}

#[derive(Serialize)]
struct DissenterView<'a> {
    name: &'a str,
    pick: &'a str,
    behind: f64,
}

fn agreement_view<'a>(catalog: &'a Catalog, t: &'a TeamResult) -> AgreementView<'a> {
    AgreementView {
        top_pick_share: t.top_pick_share.map(|s| (s * 1e4).round() / 1e4),
        kendall_w: t.kendall_w.map(|w| (w * 1e4).round() / 1e4),
        dissenters: t
            .dissenters
            .iter()
            .map(|d| DissenterView { name: &d.name, pick: &catalog.frameworks[d.pick].id, behind: round1(d.behind) })
            .collect(),
        summary: agreement_sentence(catalog, t),
    }
}

fn team_value(catalog: &Catalog, t: &TeamResult, options: &Options) -> serde_json::Value {
    let mut value = serde_json::json!({
        "team": t.team,
        "members": t.members,
        "agreement": agreement_view(catalog, t),
    });
    if let (Some(map), serde_json::Value::Object(advice)) =
        (value.as_object_mut(), report::advice_value(catalog, &t.advice, options))
    {
        map.extend(advice);
    }
    value
}

/// Render team results.
pub fn render(
    catalog: &Catalog,
    teams: &[TeamResult],
    top_picks: &[u64],
    format: BatchFormat,
    options: &Options,
) -> String {
    match format {
        BatchFormat::Json => {
            let teams: Vec<serde_json::Value> = teams.iter().map(|t| team_value(catalog, t, options)).collect();
            report::pretty(&serde_json::json!({ "teams": teams }))
        }
        BatchFormat::Jsonl => teams.iter().fold(String::new(), |mut out, t| {
            let _ = writeln!(out, "{}", serde_json::to_string(&team_value(catalog, t, options)).unwrap_or_default());
            out
        }),
        BatchFormat::Csv => {
            let top = options.top.unwrap_or(3);
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut header = vec!["team".to_string(), "members".to_string()];
            for i in 1..=top {
                header.push(format!("top{i}"));
                header.push(format!("match{i}"));
            }
            header.extend(["top_pick_share", "kendall_w", "differs_most", "explanation"].map(String::from));
            let _ = w.write_record(&header);
            for t in teams {
                let mut row = vec![sanitize::csv(&t.team).into_owned(), t.members.to_string()];
                for i in 0..top {
                    match t.advice.ranking.get(i) {
                        Some(e) => {
                            row.push(catalog.frameworks[e.framework].id.clone());
                            row.push(format!("{:.1}", round1(e.score)));
                        }
                        None => row.extend([String::new(), String::new()]),
                    }
                }
                row.push(t.top_pick_share.map_or_else(String::new, |s| format!("{s:.4}")));
                row.push(t.kendall_w.map_or_else(String::new, |w| format!("{w:.4}")));
                let names = t.dissenters.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join("; ");
                row.push(sanitize::csv(&names).into_owned());
                row.push(t.advice.ranking.first().map_or_else(String::new, |e| e.explanation.clone()));
                let _ = w.write_record(&row);
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        BatchFormat::Markdown => {
            let mut out = String::new();
            for t in teams {
                let body = report::Markdown.advice(catalog, std::slice::from_ref(&t.advice), options);
                out.push_str(&body.replacen("## ", "## Team ", 1));
                let _ = writeln!(out, "\n{}\n", sanitize::markdown(&agreement_sentence(catalog, t)));
            }
            out
        }
        BatchFormat::Html => {
            let sections: Vec<(String, usize, crate::explain::Advice, String)> = teams
                .iter()
                .map(|t| (t.team.clone(), t.members, t.advice.clone(), agreement_sentence(catalog, t)))
                .collect();
            report::html::batch_page(
                catalog,
                teams.iter().map(|t| t.members as u64).sum(),
                top_picks,
                &sections,
                options,
            )
        }
        BatchFormat::Text => {
            let mut out = String::new();
            for (i, t) in teams.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str("Team ");
                out.push_str(&report::Text.advice(catalog, std::slice::from_ref(&t.advice), options));
                out.push('\n');
                out.push_str(&crate::report::wrap(&sanitize::text(&agreement_sentence(catalog, t)), "", 88));
            }
            out
        }
    }
}
