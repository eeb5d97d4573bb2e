//! Team results (`dlpick batch --by-team`): agreement and consensus in
//! words, and the text, JSON, JSON Lines and CSV renderings. The department
//! report (HTML and Markdown) is [`super::department`].

use std::fmt::Write as _;

use serde::Serialize;

use super::Options;
use super::layout::wrap;
use super::numbers::{count, round_to, thousands};
use crate::catalog::Catalog;
use crate::error::Result;
use crate::score::round1;
use crate::team::consensus::Rule;
use crate::team::{Consensus, Department, TeamResult, team_label};

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
    let Some(advice) = &t.advice else {
        return format!("No member was scored ({} rejected).", t.rejected);
    };
    let Some(winner) = advice.ranking.first().map(|e| &catalog.frameworks[e.framework].name) else {
        return "No framework meets every member's requirements together.".to_string();
    };
    let share = t.top_pick_share.unwrap_or(0.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let agreeing = (share * t.members as f64).round() as u64;
    let mut s = format!(
        "Agreement: {} of {} ({:.0}%) would pick {winner} on their own",
        thousands(agreeing),
        count(t.members, "member", "members"),
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
                    round1(d.value)
                )
            })
            .collect();
        let _ = write!(s, " Differs most: {}.", names.join(", "));
    }
    if let Some(u) = t.unknown {
        let _ = write!(
            s,
            " {} not asked every question (the survey stops once a member's own pick is settled): the combined needs average the answers given, and the rules count each member with the lowest match a framework could have for them.",
            if u.members == 1 { "1 member was".to_string() } else { format!("{} members were", thousands(u.members)) }
        );
        let _ = match u.settled {
            Some(true) => write!(s, " {winner} stays first whatever they would have answered."),
            Some(false) => write!(s, " Their missing answers could still change the combined pick."),
            None => write!(
                s,
                " Only the weighted sum can tell whether their missing answers would change the combined pick."
            ),
        };
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
        top_pick_share: t.top_pick_share.map(|s| round_to(s, 4)),
        kendall_w: t.kendall_w.map(|w| round_to(w, 4)),
        dissenters: t
            .dissenters
            .iter()
            .map(|d| DissenterView { name: &d.name, pick: &catalog.frameworks[d.pick].id, behind: round1(d.value) })
            .collect(),
        summary: agreement_sentence(catalog, t),
    }
}

fn rule_words(rule: Rule) -> &'static str {
    match rule {
        Rule::Mean => "the best average match",
        Rule::Maximin => "the highest lowest match",
        Rule::Borda => "the most Borda points",
        Rule::Approval => "the most approval",
    }
}

/// The consensus in a few sentences: whether the rules agree or what the
/// trade-off is, who gives up most under the recommended choice, and any
/// conflict between members' constraints.
pub fn consensus_sentence(catalog: &Catalog, c: &Consensus) -> String {
    let name = |f: usize| catalog.frameworks[f].name.as_str();
    let mut s = String::new();
    if c.rules.is_empty() {
        s.push_str("No maintained framework is allowed by every member's constraints.");
    } else {
        let first = &c.rules[0];
        if c.rules.iter().all(|r| r.framework == first.framework) {
            let _ = write!(
                s,
                "All four rules pick {}: average match {:.1}, nobody below {:.1}.",
                name(first.framework),
                round1(first.mean),
                round1(first.min)
            );
        } else {
            let mut parts: Vec<String> = Vec::new();
            let mut seen: Vec<usize> = Vec::new();
            for r in &c.rules {
                if seen.contains(&r.framework) {
                    continue;
                }
                seen.push(r.framework);
                let rules: Vec<&str> =
                    c.rules.iter().filter(|q| q.framework == r.framework).map(|q| rule_words(q.rule)).collect();
                parts.push(format!(
                    "{} has {} (average {:.1}, lowest {:.1})",
                    name(r.framework),
                    match rules.split_last() {
                        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                        _ => rules.join(""),
                    },
                    round1(r.mean),
                    round1(r.min)
                ));
            }
            s.push_str(&parts.join("; "));
            s.push('.');
        }
        if let (Some(f), Some(worst)) = (c.recommended, c.regrets.first()) {
            if worst.value > 0.05 {
                let _ = write!(
                    s,
                    " Under {}, {} gives up most: {:.1} points behind their own best ({}).",
                    name(f),
                    worst.name,
                    round1(worst.value),
                    name(worst.pick)
                );
            } else {
                let _ = write!(s, " Under {}, every member gets their own best.", name(f));
            }
        }
    }
    for conflict in &c.conflicts {
        let examples: Vec<String> = conflict.examples.iter().map(|(m, why)| format!("{m}: {why}")).collect();
        let _ = write!(
            s,
            " {} is ruled out by {} ({}{}).",
            name(conflict.framework),
            count(conflict.members, "member", "members"),
            examples.join("; "),
            if conflict.members > examples.len() as u64 { "; …" } else { "" }
        );
    }
    s
}

fn consensus_value(catalog: &Catalog, c: &Consensus) -> serde_json::Value {
    let id = |f: usize| catalog.frameworks[f].id.clone();
    let mut rules = serde_json::Map::new();
    for r in &c.rules {
        let mut v = serde_json::json!({
            "framework": id(r.framework),
            "mean_match": round1(r.mean),
            "min_match": round1(r.min),
            "lowest_member": r.lowest,
        });
        match r.rule {
            Rule::Borda => v["points"] = serde_json::json!(r.score),
            Rule::Approval => v["share"] = serde_json::json!(round_to(r.score, 4)),
            Rule::Mean | Rule::Maximin => {}
        }
        rules.insert(r.rule.id().to_string(), v);
    }
    let max_regret = match (c.recommended, c.regrets.first()) {
        (Some(f), Some(worst)) => serde_json::json!({
            "member": worst.name,
            "framework": id(f),
            "regret": round1(worst.value),
            "own_best": id(worst.pick),
        }),
        _ => serde_json::Value::Null,
    };
    serde_json::json!({
        "candidates": c.candidates.iter().map(|&f| id(f)).collect::<Vec<_>>(),
        "rules": rules,
        "recommended": c.recommended.map(id),
        "max_regret": max_regret,
        "largest_regrets": c.regrets.iter().map(|r| serde_json::json!({
            "member": r.name, "regret": round1(r.value), "own_best": id(r.pick),
        })).collect::<Vec<_>>(),
        "mean_regret": c.mean_regret.map(round1),
        "conflicts": c.conflicts.iter().map(|k| serde_json::json!({
            "framework": id(k.framework),
            "members": k.members,
            "examples": k.examples.iter().map(|(m, why)| serde_json::json!({"member": m, "constraint": why})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "summary": consensus_sentence(catalog, c),
    })
}

fn team_value(catalog: &Catalog, t: &TeamResult, options: &Options) -> Result<serde_json::Value> {
    let mut value = serde_json::json!({
        "team": t.team,
        "members": t.members,
        "rejected": t.rejected,
    });
    let Some(map) = value.as_object_mut() else { return Ok(value) };
    if let Some(advice) = &t.advice {
        map.insert("agreement".to_string(), serde_json::json!(agreement_view(catalog, t)));
        if let serde_json::Value::Object(advice) = super::advice_value(catalog, advice, options)? {
            map.extend(advice);
        }
    }
    if let Some(c) = &t.consensus {
        map.insert("consensus".to_string(), consensus_value(catalog, c));
    }
    Ok(value)
}

/// Team results as one JSON document: everyone together, then each team.
pub fn json(catalog: &Catalog, department: &Department, options: &Options) -> Result<String> {
    let teams: Vec<serde_json::Value> =
        department.teams.iter().map(|t| team_value(catalog, t, options)).collect::<Result<_>>()?;
    super::pretty(&serde_json::json!({ "all": team_value(catalog, &department.all, options)?, "teams": teams }))
}

/// Team results as JSON Lines: one team per line.
pub fn jsonl(catalog: &Catalog, teams: &[TeamResult], options: &Options) -> Result<String> {
    let mut out = String::new();
    for t in teams {
        writeln!(out, "{}", crate::sanitize::json(&serde_json::to_string(&team_value(catalog, t, options)?)?))?;
    }
    Ok(out)
}

/// Team results as text: each team's advice, agreement and consensus,
/// then everyone together. Exclusions the same as an earlier team's are
/// named, not listed again.
pub fn text(catalog: &Catalog, department: &Department, options: &Options) -> Result<String> {
    let width = options.width;
    let mut out = String::new();
    let all = department.teams.iter().chain(std::iter::once(&department.all));
    let mut earlier: Vec<&crate::explain::Advice> = Vec::new();
    for (i, t) in all.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let is_all = i == department.teams.len();
        if let Some(advice) = &t.advice {
            let prefix = if is_all {
                "Everyone: "
            } else if t.team.trim().is_empty() {
                "Respondents with "
            } else {
                "Team "
            };
            let same = earlier.iter().find(|b| b.excluded == advice.excluded).map(|b| b.profile.name.as_str());
            super::text::one_advice(&mut out, catalog, advice, options, same, prefix)?;
            earlier.push(advice);
            out.push('\n');
            out.push_str(&wrap(&agreement_sentence(catalog, t), "", width));
        } else {
            let text = format!(
                "Team {}: no member scored ({} rejected).",
                team_label(&t.team),
                count(t.rejected, "row", "rows")
            );
            out.push_str(&wrap(&text, "", width));
        }
        if let Some(c) = &t.consensus {
            out.push('\n');
            out.push_str(&wrap(&format!("Consensus: {}", consensus_sentence(catalog, c)), "", width));
        }
    }
    Ok(out)
}

/// Team results as CSV: one row per team.
pub fn csv(catalog: &Catalog, teams: &[TeamResult], options: &Options) -> Result<String> {
    let top = options.top.unwrap_or(3);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["team".to_string(), "members".to_string(), "rejected".to_string()];
    for i in 1..=top {
        header.push(format!("top{i}"));
        header.push(format!("match{i}"));
    }
    header.extend(
        ["top_pick_share", "kendall_w", "differs_most", "consensus", "max_regret_member", "max_regret", "explanation"]
            .map(String::from),
    );
    w.write_record(&header)?;
    for t in teams {
        // Names and teams are user text (see `sanitize::csv`).
        let user = |s: &str| crate::sanitize::csv(s).into_owned();
        let mut row = vec![user(&t.team), t.members.to_string(), t.rejected.to_string()];
        let ranking = t.advice.as_ref().map_or(&[][..], |a| &a.ranking[..]);
        for i in 0..top {
            match ranking.get(i) {
                Some(e) => {
                    row.push(catalog.frameworks[e.framework].id.clone());
                    row.push(format!("{:.1}", round1(e.score)));
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        row.push(t.top_pick_share.map_or_else(String::new, |s| format!("{s:.4}")));
        row.push(t.kendall_w.map_or_else(String::new, |w| format!("{w:.4}")));
        row.push(user(&t.dissenters.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join("; ")));
        let c = t.consensus.as_ref();
        row.push(c.and_then(|c| c.recommended).map_or_else(String::new, |f| catalog.frameworks[f].id.clone()));
        let worst = c.and_then(|c| c.regrets.first());
        row.push(worst.map_or_else(String::new, |r| user(&r.name)));
        row.push(worst.map_or_else(String::new, |r| format!("{:.1}", round1(r.value))));
        row.push(ranking.first().map_or_else(String::new, |e| e.explanation.clone()));
        w.write_record(&row)?;
    }
    crate::report::csv::finish(w)
}
