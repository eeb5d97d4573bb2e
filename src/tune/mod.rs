//! `dlpick tune`: how stable a recommendation is, and weights calibrated
//! against decisions teams actually made.
//!
//! - [`sensitivity`]: exact breakpoints of each criterion's weight;
//! - [`robustness`]: rank acceptability under sampled weights (SMAA);
//! - [`fit`]: global weights learned from past decisions, written back by
//!   [`write`] without touching anything but the numbers.

pub mod fit;
pub mod robustness;
pub mod sensitivity;
pub mod write;

use std::fmt::Write as _;

use serde_json::json;

use crate::catalog::Catalog;
use crate::explain::{join_and, num};
use crate::report::wrap;
use robustness::{Robustness, Spread};
use sensitivity::{CriterionSensitivity, Sensitivity};

const WIDTH: usize = 88;

/// A share as a percentage, never rounding a near-certainty to 100% or a
/// rare event to 0%.
fn pct(x: f64) -> String {
    let p = x * 100.0;
    if p > 0.0 && p < 0.5 {
        "under 1%".to_string()
    } else if (99.5..100.0).contains(&p) {
        format!("{:.1}%", p.min(99.9))
    } else {
        format!("{p:.0}%")
    }
}

/// A share with one decimal, where only exactly 1 reads "100.0%" and only
/// exactly 0 reads "0.0%": 0.9995 is ">99.9%", 0.0004 is "<0.1%".
pub fn share1(x: f64) -> String {
    let p = x * 100.0;
    if x < 1.0 && p >= 99.95 {
        ">99.9%".to_string()
    } else if x > 0.0 && p < 0.05 {
        "<0.1%".to_string()
    } else {
        format!("{p:.1}%")
    }
}

fn bound(x: f64) -> String {
    if x.is_infinite() { "∞".to_string() } else { format!("{x:.2}") }
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
    format!(
        "{winner} stays first unless the weight of {}, the most fragile criterion, {direction} by {} (from {} to {:.2}), when {} takes over.",
        catalog.criteria[c.criterion].name,
        pct(change),
        num(c.weight),
        new_weight,
        catalog.frameworks[flip.winner].name
    )
}

fn flip_text(catalog: &Catalog, c: &CriterionSensitivity, up: bool) -> String {
    let flip = if up { c.up } else { c.down };
    match flip {
        None => "never".to_string(),
        Some(f) => {
            let change = (f.at - c.effective) / c.need;
            format!("{:+.2} → {}", change, catalog.frameworks[f.winner].id)
        }
    }
}

/// Sensitivity as text.
pub fn sensitivity_text(catalog: &Catalog, profile: &str, s: &Sensitivity) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{profile}: {} is first under the weighted sum.\n", catalog.frameworks[s.winner].name);
    let name_w =
        s.criteria.iter().map(|c| catalog.criteria[c.criterion].name.chars().count()).max().unwrap_or(9).max(9);
    let _ = writeln!(
        out,
        "{:<name_w$}  {:>4}  {:>6}  {:>15}  {:>22}  {:>22}",
        "criterion", "need", "weight", "weight range", "flip if lowered", "flip if raised"
    );
    for c in &s.criteria {
        let (lo, hi) = c.weight_interval();
        let _ = writeln!(
            out,
            "{:<name_w$}  {:>4}  {:>6.2}  {:>15}  {:>22}  {:>22}",
            catalog.criteria[c.criterion].name,
            num(c.need),
            c.weight,
            format!("{} – {}", bound(lo), bound(hi)),
            flip_text(catalog, c, false),
            flip_text(catalog, c, true),
        );
    }
    out.push('\n');
    out.push_str(&wrap(
        "Weight range: the global weight (weights.toml) over which the winner stays first, every other weight held. Flip: the smallest change of that weight that hands first place to another framework.",
        "",
        WIDTH,
    ));
    out.push('\n');
    out.push_str(&wrap(&sensitivity_sentence(catalog, s), "", WIDTH));
    out
}

/// Sensitivity as JSON.
pub fn sensitivity_json(catalog: &Catalog, profile: &str, s: &Sensitivity) -> serde_json::Value {
    let finite = |x: f64| if x.is_finite() { json!(x) } else { serde_json::Value::Null };
    let flip = |f: Option<sensitivity::Flip>, c: &CriterionSensitivity| {
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
        "profile": profile,
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
    let mut s = format!("{name} stays first in {} {scope}", pct(r.first(wi)));
    match others.as_slice() {
        [] => s.push('.'),
        [(f, _)] => {
            let _ = write!(s, "; {} takes the rest.", catalog.frameworks[*f].name);
        }
        many => {
            let listed: Vec<String> =
                many.iter().take(3).map(|(f, p)| format!("{} {}", catalog.frameworks[*f].name, pct(*p))).collect();
            let _ = write!(s, "; {} take the rest.", join_and(&listed));
        }
    }
    s
}

/// Robustness as text.
pub fn robustness_text(catalog: &Catalog, profile: &str, r: &Robustness, winner: usize) -> String {
    let mut out = String::new();
    let spread = match r.spread {
        Spread::Around(s) => format!("each effective weight × U[{:.2}, {:.2}]", 1.0 - s, 1.0 + s),
        Spread::Full => "weights uniform over all weight vectors".to_string(),
    };
    let _ = writeln!(out, "{profile}: {} samples, {spread}\n", r.samples);
    let n = r.candidates.len();
    let shown_ranks = n.min(5);
    let name_w = r.candidates.iter().map(|&f| catalog.frameworks[f].name.chars().count()).max().unwrap_or(9).max(9);
    let _ = write!(out, "{:<name_w$}", "framework");
    for rank in 1..=shown_ranks {
        let _ = write!(out, "  {:>6}", crate::explain::ordinal(rank));
    }
    out.push('\n');
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        r.acceptability[b]
            .iter()
            .zip(&r.acceptability[a])
            .fold(std::cmp::Ordering::Equal, |acc, (x, y)| acc.then(x.total_cmp(y)))
            .then(a.cmp(&b))
    });
    for &i in &order {
        let _ = write!(out, "{:<name_w$}", catalog.frameworks[r.candidates[i]].name);
        for rank in 0..shown_ranks {
            let _ = write!(out, "  {:>6}", share1(r.acceptability[i][rank]));
        }
        out.push('\n');
    }
    out.push_str("\nCentral weights (mean normalised weights of the samples each framework wins):\n");
    let crit_w = r.criteria.iter().map(|&c| catalog.criteria[c].name.chars().count()).max().unwrap_or(9).max(9);
    for &i in &order {
        if let Some(w) = &r.central_weights[i] {
            let parts: Vec<String> =
                r.criteria.iter().zip(w).map(|(&c, x)| format!("{} {:.2}", catalog.criteria[c].name, x)).collect();
            let _ = writeln!(out, "  {:<crit_w$}  {}", catalog.frameworks[r.candidates[i]].name, parts.join(", "));
        }
    }
    out.push('\n');
    out.push_str(&wrap(&robustness_sentence(catalog, r, winner), "", WIDTH));
    out
}

/// Robustness as JSON.
pub fn robustness_json(
    catalog: &Catalog,
    profile: &str,
    r: &Robustness,
    winner: usize,
    seed: u64,
) -> serde_json::Value {
    json!({
        "profile": profile,
        "samples": r.samples,
        "seed": seed,
        "spread": match r.spread { Spread::Around(s) => json!(s), Spread::Full => json!("full") },
        "winner": catalog.frameworks[winner].id,
        "criteria": r.criteria.iter().map(|&c| catalog.criteria[c].id.clone()).collect::<Vec<_>>(),
        "frameworks": r.candidates.iter().enumerate().map(|(i, &f)| json!({
            "framework": catalog.frameworks[f].id,
            "rank_acceptability": r.acceptability[i],
            "central_weights": r.central_weights[i].as_ref().map(|w| {
                r.criteria.iter().zip(w).map(|(&c, x)| (catalog.criteria[c].id.clone(), json!(x))).collect::<serde_json::Map<_, _>>()
            }),
        })).collect::<Vec<_>>(),
        "summary": robustness_sentence(catalog, r, winner),
    })
}
