//! `dlpick tune`'s three analyses as text and JSON: how far each weight may
//! move before the top pick changes, how often it stays first under sampled
//! weights, and what fitting weights to past decisions did.

use std::fmt::Write as _;

use serde_json::json;

use super::layout::{Table, wrap};
use super::numbers::{bound, count_of, num, percent, percent1};
use crate::catalog::Catalog;
use crate::explain::{join_and, ordinal};
use crate::sanitize;
use crate::score::sensitivity::{CriterionSensitivity, Flip, Sensitivity};
use crate::tune::fit::{Agreement, FitOutcome, FitVerdict};
use crate::tune::robustness::{Robustness, Spread};

/// A profile's sensitivity, ready to render.
pub struct SensitivityDoc<'a> {
    pub profile: &'a str,
    pub sensitivity: &'a Sensitivity,
}

/// A profile's robustness, ready to render.
pub struct RobustnessDoc<'a> {
    pub profile: &'a str,
    pub robustness: &'a Robustness,
    pub winner: usize,
    pub seed: u64,
}

/// The one sentence that says how safe the winner is.
pub fn sensitivity_sentence(catalog: &Catalog, s: &Sensitivity) -> String {
    let winner = &catalog.frameworks[s.winner].name;
    let stays = || format!("{winner} stays first however far any one weight you rate is moved.");
    let Some(c) = s.most_fragile() else {
        return stays();
    };
    let (w_low, w_high) = c.weight_interval();
    let down = c.down.map(|d| ((c.effective - d.at) / c.effective, "drops", d, w_low));
    let up = c.up.map(|u| ((u.at - c.effective) / c.effective, "rises", u, w_high));
    let side = match (down, up) {
        (Some(d), Some(u)) => Some(if u.0 < d.0 { u } else { d }),
        (d, u) => d.or(u),
    };
    let Some((change, direction, flip, new_weight)) = side else {
        return stays();
    };
    // Past doubling a percentage stops reading well: "rises to 25 times".
    let by = if change >= 1.0 {
        format!("to {} times its value", num(crate::score::round1(1.0 + change)))
    } else {
        format!("by {}", percent(change))
    };
    format!(
        "{winner} stays first unless the weight of {}, the most fragile criterion, {direction} {by} (from {} to {:.2}), when {} takes over.",
        catalog.criteria[c.criterion].name,
        num(c.weight),
        new_weight,
        catalog.frameworks[flip.winner].name
    )
}

fn flip_text(catalog: &Catalog, c: &CriterionSensitivity, up: bool) -> String {
    match if up { c.up } else { c.down } {
        None => "never".to_string(),
        Some(f) => format!("{:+.2} → {}", (f.at - c.effective) / c.need, catalog.frameworks[f.winner].name),
    }
}

pub fn sensitivity_text(
    catalog: &Catalog,
    doc: &SensitivityDoc,
    width: usize,
    bold: &dyn Fn(&str) -> String,
) -> String {
    let s = doc.sensitivity;
    let mut out = wrap(
        &format!(
            "{}: {} is first under the weighted sum.",
            sanitize::text(doc.profile),
            catalog.frameworks[s.winner].name
        ),
        "",
        width,
    );
    out.push('\n');
    let mut table = Table::new()
        .left("criterion")
        .right("need")
        .right("weight")
        .right("weight range")
        .left("if lowered")
        .left("if raised");
    for c in &s.criteria {
        let (lo, hi) = c.weight_interval();
        table.row(vec![
            catalog.criteria[c.criterion].name.clone(),
            num(c.need),
            format!("{:.2}", c.weight),
            format!("{} – {}", bound(lo), bound(hi)),
            flip_text(catalog, c, false),
            flip_text(catalog, c, true),
        ]);
    }
    out.push_str(&table.render(width, bold));
    out.push('\n');
    out.push_str(&wrap(
        "Weight range: the global weight (weights.toml) over which the winner stays first, every other weight held. If lowered, if raised: the smallest change of that weight that hands first place to another framework, and to which.",
        "",
        width,
    ));
    out.push('\n');
    out.push_str(&wrap(&sensitivity_sentence(catalog, s), "", width));
    out
}

pub fn sensitivity_json(catalog: &Catalog, doc: &SensitivityDoc) -> serde_json::Value {
    let s = doc.sensitivity;
    let finite = |x: f64| if x.is_finite() { json!(x) } else { serde_json::Value::Null };
    let flip = |f: Option<Flip>, c: &CriterionSensitivity| {
        f.map(|f| {
            json!({
                "effective_weight": f.at,
                "weight": f.at / c.need,
                "change": (f.at - c.effective) / c.need,
                "new_winner": catalog.frameworks[f.winner].id,
            })
        })
    };
    json!({
        "profile": doc.profile,
        "method": "weighted-sum",
        "winner": catalog.frameworks[s.winner].id,
        "criteria": s.criteria.iter().map(|c| {
            let (lo, hi) = c.weight_interval();
            json!({
                "criterion": catalog.criteria[c.criterion].id,
                "need": c.need,
                "weight": c.weight,
                "effective_weight": c.effective,
                "effective_range": [finite(c.low), finite(c.high)],
                "weight_range": [finite(lo), finite(hi)],
                "down": flip(c.down, c),
                "up": flip(c.up, c),
                "fragility": c.fragility(),
            })
        }).collect::<Vec<_>>(),
        "most_fragile": s.most_fragile().map(|c| catalog.criteria[c.criterion].id.clone()),
        "summary": sensitivity_sentence(catalog, s),
    })
}

/// The one sentence about how robust the winner is.
pub fn robustness_sentence(catalog: &Catalog, r: &Robustness, winner: usize) -> String {
    let Some(wi) = r.candidates.iter().position(|&f| f == winner) else {
        return String::new();
    };
    let name = &catalog.frameworks[winner].name;
    let scope = match r.spread {
        Spread::Around(s) => format!("of plausible weightings (each weight ±{:.0}%)", s * 100.0),
        Spread::Full => "of all weightings of the criteria you rate".to_string(),
    };
    let mut others: Vec<(usize, f64)> = (0..r.candidates.len())
        .filter(|&i| i != wi && r.first(i) > 0.0)
        .map(|i| (r.candidates[i], r.first(i)))
        .collect();
    others.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut s = format!("{name} stays first in {} {scope}", percent(r.first(wi)));
    match others.as_slice() {
        [] => s.push('.'),
        [(f, _)] => {
            let _ = write!(s, "; {} takes the rest.", catalog.frameworks[*f].name);
        }
        many => {
            let listed: Vec<String> =
                many.iter().take(3).map(|(f, p)| format!("{} {}", catalog.frameworks[*f].name, percent(*p))).collect();
            let _ = write!(s, "; {} take the rest.", join_and(&listed));
        }
    }
    s
}

/// Candidates by rank acceptability, most often first first.
fn acceptability_order(r: &Robustness) -> Vec<usize> {
    let mut order: Vec<usize> = (0..r.candidates.len()).collect();
    order.sort_by(|&a, &b| {
        r.acceptability[b]
            .iter()
            .zip(&r.acceptability[a])
            .fold(std::cmp::Ordering::Equal, |acc, (x, y)| acc.then(x.total_cmp(y)))
            .then(a.cmp(&b))
    });
    order
}

pub fn robustness_text(catalog: &Catalog, doc: &RobustnessDoc, width: usize, bold: &dyn Fn(&str) -> String) -> String {
    let r = doc.robustness;
    let spread = match r.spread {
        Spread::Around(s) => format!("each effective weight × U[{:.2}, {:.2}]", 1.0 - s, 1.0 + s),
        Spread::Full => "weights uniform over all weight vectors".to_string(),
    };
    let samples = count_of(usize::try_from(r.samples).unwrap_or(usize::MAX), "sample", "samples");
    let mut out = wrap(&format!("{}: {samples}, {spread}", sanitize::text(doc.profile)), "", width);
    out.push('\n');
    let shown_ranks = r.candidates.len().min(5);
    let mut table = Table::new().left("framework");
    for rank in 1..=shown_ranks {
        table = table.right(&ordinal(rank));
    }
    let order = acceptability_order(r);
    for &i in &order {
        let mut row = vec![catalog.frameworks[r.candidates[i]].name.clone()];
        row.extend((0..shown_ranks).map(|rank| percent1(r.acceptability[i][rank])));
        table.row(row);
    }
    out.push_str(&table.render(width, bold));
    out.push('\n');
    out.push_str(&wrap("Central weights (mean normalised weights of the samples each framework wins):", "", width));
    let mut central = Table::new().indent(2).left("framework").text("weights");
    for &i in &order {
        if let Some(w) = &r.central_weights[i] {
            let parts: Vec<String> =
                r.criteria.iter().zip(w).map(|(&c, x)| format!("{} {:.2}", catalog.criteria[c].name, x)).collect();
            central.row(vec![catalog.frameworks[r.candidates[i]].name.clone(), parts.join(", ")]);
        }
    }
    out.push_str(&central.render(width, bold));
    out.push('\n');
    out.push_str(&wrap(&robustness_sentence(catalog, r, doc.winner), "", width));
    out
}

pub fn robustness_json(catalog: &Catalog, doc: &RobustnessDoc) -> serde_json::Value {
    let r = doc.robustness;
    json!({
        "profile": doc.profile,
        "samples": r.samples,
        "seed": doc.seed,
        "spread": match r.spread { Spread::Around(s) => json!(s), Spread::Full => json!("full") },
        "winner": catalog.frameworks[doc.winner].id,
        "criteria": r.criteria.iter().map(|&c| catalog.criteria[c].id.clone()).collect::<Vec<_>>(),
        "frameworks": r.candidates.iter().enumerate().map(|(i, &f)| json!({
            "framework": catalog.frameworks[f].id,
            "rank_acceptability": r.acceptability[i],
            "central_weights": r.central_weights[i].as_ref().map(|w| {
                r.criteria.iter().zip(w).map(|(&c, x)| (catalog.criteria[c].id.clone(), json!(x))).collect::<serde_json::Map<_, _>>()
            }),
        })).collect::<Vec<_>>(),
        "summary": robustness_sentence(catalog, r, doc.winner),
    })
}

/// What the fit did, in one sentence.
pub fn fit_sentence(f: &FitOutcome) -> String {
    let set = if f.held_out() == 0 { "training" } else { "held-out" };
    let (before, after) = f.judged();
    match f.verdict() {
        FitVerdict::Better => format!(
            "The learned weights improve {set} agreement from {:.0}% to {:.0}% (mean rank {:.2} → {:.2}).",
            before.top1 * 100.0,
            after.top1 * 100.0,
            before.mean_rank,
            after.mean_rank
        ),
        FitVerdict::Worse => format!(
            "The learned weights do worse on the {set} decisions ({:.0}% → {:.0}%): the current weights explain them better, so they are kept.",
            before.top1 * 100.0,
            after.top1 * 100.0
        ),
        FitVerdict::TrainingOnly => format!(
            "The learned weights keep held-out agreement at {:.0}% and raise training agreement from {:.0}% to {:.0}%.",
            before.top1 * 100.0,
            f.train.0.top1 * 100.0,
            f.train.1.top1 * 100.0
        ),
        FitVerdict::Same => {
            format!("The learned weights cannot improve {set} agreement ({:.0}% either way).", before.top1 * 100.0)
        }
    }
}

fn agreement_json(a: Agreement) -> serde_json::Value {
    json!({ "decisions": a.decisions, "top1": a.top1, "mean_rank": a.mean_rank })
}

pub fn fit_json(catalog: &Catalog, f: &FitOutcome) -> serde_json::Value {
    json!({
        "knowledge_base": super::knowledge_base_view(catalog),
        "file": f.file,
        "decisions": f.decisions(),
        "single_candidate": f.single,
        "train": { "before": agreement_json(f.train.0), "after": agreement_json(f.train.1) },
        "holdout": { "before": agreement_json(f.holdout.0), "after": agreement_json(f.holdout.1) },
        "weights": f.weights.iter().map(|&(c, b, a)| json!({ "criterion": catalog.criteria[c].id, "before": b, "after": a })).collect::<Vec<_>>(),
        "ridge": f.ridge,
        "improved": f.verdict() == FitVerdict::Better,
        "written": f.written(),
        "summary": fit_sentence(f),
    })
}

pub fn fit_text(catalog: &Catalog, f: &FitOutcome, width: usize, bold: &dyn Fn(&str) -> String) -> String {
    let read_from: Vec<&str> = catalog.files.iter().map(|f| f.path.as_str()).collect();
    let mut out = wrap(
        &format!(
            "Weights from {}, fitted to {} of {} (pull towards equal weights {}, chosen by cross-validation):",
            read_from.join(" + "),
            f.decisions() - f.held_out(),
            count_of(f.decisions(), "decision", "decisions"),
            f.ridge
        ),
        "",
        width,
    );
    out.push('\n');
    let mut weights = Table::new().left("criterion").right("before").right("after").right("change");
    for &(c, b, a) in &f.weights {
        weights.row(vec![
            catalog.criteria[c].name.clone(),
            format!("{b:.3}"),
            format!("{a:.3}"),
            format!("{:+.3}", a - b),
        ]);
    }
    out.push_str(&weights.render(width, bold));
    out.push('\n');
    let mut agreement = Table::new()
        .left("decisions")
        .right("count")
        .right("top-1 before")
        .right("after")
        .right("mean rank before")
        .right("after");
    let mut line = |label: &str, (before, after): (Agreement, Agreement)| {
        agreement.row(vec![
            label.to_string(),
            before.decisions.to_string(),
            format!("{:.0}%", before.top1 * 100.0),
            format!("{:.0}%", after.top1 * 100.0),
            format!("{:.2}", before.mean_rank),
            format!("{:.2}", after.mean_rank),
        ]);
    };
    line("training", f.train);
    if f.held_out() > 0 {
        line("held out", f.holdout);
    }
    out.push_str(&agreement.render(width, bold));
    out.push('\n');
    out.push_str(&wrap(&fit_sentence(f), "", width));
    if f.dry_run() {
        out.push_str(&wrap("This was a dry run; add --write to save these weights.", "", width));
    }
    out
}
