//! From a ranking to advice: contributions, reasons, concerns, warnings and
//! the sentences a person reads.
//!
//! A recommendation is only as good as the reasons a reader can check, so
//! every reason and concern carries the knowledge base's evidence and the
//! article section it comes from.

use crate::catalog::{Catalog, Status};
use crate::profile::Profile;
use crate::score::{Detail, Matrix};
use crate::score::{Ranking, WeightedSum, round1};

/// A criterion the profile rates ≥ this …
pub const CONCERN_NEED: f64 = 3.0;
/// … where the framework scores ≤ this is a concern.
pub const CONCERN_SCORE: f64 = 2.0;
/// A criterion counts as a strength from this score up.
pub const STRENGTH_SCORE: f64 = 3.5;
/// At most this many reasons per framework.
pub const MAX_REASONS: usize = 3;

/// What one criterion adds to a framework's match.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub criterion: usize,
    pub need: f64,
    pub weight: f64,
    pub score: f64,
    /// Points of the match (they add up to the weighted-sum match).
    pub points: f64,
    /// Share of the match, 0–1.
    pub share: f64,
}

/// A reason or a concern: a criterion, the score and the evidence behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub criterion: usize,
    pub need: f64,
    pub score: f64,
    pub points: f64,
}

/// One ranked framework, explained.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    pub rank: usize,
    pub framework: usize,
    /// 0–100, unrounded.
    pub score: f64,
    /// What the scoring method says beyond the match.
    pub detail: Detail,
    /// Criteria the profile rates above 0, largest first.
    pub contributions: Vec<Contribution>,
    pub reasons: Vec<Point>,
    pub concerns: Vec<Point>,
    pub warnings: Vec<String>,
    pub explanation: String,
}

/// How the winner beat the runner-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub winner: usize,
    pub runner_up: Option<usize>,
    /// Displayed match of the winner minus the runner-up's (one decimal).
    pub margin: f64,
    /// The criterion on which the winner gains most over the runner-up.
    pub decided_by: Option<usize>,
    /// When the winner is not actively developed: the best-ranked framework
    /// that is.
    pub active_alternative: Option<usize>,
}

/// A profile's whole result, ready for a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub profile: Profile,
    pub method: &'static str,
    pub ranking: Vec<Explained>,
    /// (framework, reason), in framework-id order.
    pub excluded: Vec<(usize, String)>,
    pub verdict: Option<Verdict>,
}

/// Explain `ranking` for `profile`.
pub fn explain(catalog: &Catalog, matrix: &Matrix, profile: Profile, ranking: Ranking) -> Advice {
    let effective = &ranking.effective;
    let contributions: Vec<Vec<Contribution>> =
        ranking.ranked.iter().map(|r| contributions(catalog, matrix, &profile, effective, r.framework)).collect();

    let verdict = ranking.ranked.first().map(|first| {
        let second = ranking.ranked.get(1);
        let decided_by = second.and_then(|_| {
            let gains = contributions[0].iter().map(|c| {
                let theirs = contributions[1].iter().find(|d| d.criterion == c.criterion).map_or(0.0, |d| d.points);
                (c.criterion, c.points - theirs)
            });
            gains.filter(|(_, g)| *g > 1e-9).max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0))).map(|(c, _)| c)
        });
        Verdict {
            winner: first.framework,
            runner_up: second.map(|s| s.framework),
            margin: second.map_or(0.0, |s| round1(round1(first.score) - round1(s.score))),
            decided_by,
            active_alternative: if catalog.frameworks[first.framework].status == Status::Active {
                None
            } else {
                ranking.ranked.iter().map(|r| r.framework).find(|&f| catalog.frameworks[f].status == Status::Active)
            },
        }
    });

    let mut ranking_explained: Vec<Explained> = ranking
        .ranked
        .iter()
        .zip(contributions)
        .enumerate()
        .map(|(i, (r, contributions))| {
            let framework = &catalog.frameworks[r.framework];
            let reasons: Vec<Point> =
                contributions.iter().filter(|c| c.score >= STRENGTH_SCORE).take(MAX_REASONS).map(point).collect();
            let concerns: Vec<Point> = contributions
                .iter()
                .filter(|c| c.need >= CONCERN_NEED && c.score <= CONCERN_SCORE)
                .map(point)
                .collect();
            let mut warnings = Vec::new();
            if framework.status != Status::Active {
                warnings.push(format!(
                    "{} is {}. {}",
                    framework.name,
                    framework.status.phrase(),
                    framework.status_note
                ));
            }
            if !framework.deep_learning {
                warnings.push(format!(
                    "{} is not a deep-learning framework (article section 3.8); it suits classic machine learning.",
                    framework.name
                ));
            }
            Explained {
                rank: i + 1,
                framework: r.framework,
                score: r.score,
                detail: r.detail,
                contributions,
                reasons,
                concerns,
                warnings,
                explanation: String::new(),
            }
        })
        .collect();
    let texts: Vec<String> =
        ranking_explained.iter().map(|e| sentences(catalog, e, &ranking_explained, verdict.as_ref())).collect();
    for (e, text) in ranking_explained.iter_mut().zip(texts) {
        e.explanation = text;
    }

    Advice {
        method: ranking.method,
        ranking: ranking_explained,
        excluded: ranking.excluded.into_iter().map(|e| (e.framework, e.reason)).collect(),
        verdict,
        profile,
    }
}

fn contributions(
    catalog: &Catalog,
    matrix: &Matrix,
    profile: &Profile,
    effective: &[f64],
    f: usize,
) -> Vec<Contribution> {
    let points = WeightedSum::contributions(matrix, effective, f);
    let total: f64 = points.iter().sum();
    let mut out: Vec<Contribution> = (0..matrix.criteria)
        .filter(|&c| profile.needs[c] > 0.0)
        .map(|c| Contribution {
            criterion: c,
            need: profile.needs[c],
            weight: catalog.criteria[c].weight,
            score: matrix.row(f)[c],
            points: points[c],
            share: if total > 0.0 { points[c] / total } else { 0.0 },
        })
        .collect();
    out.sort_by(|a, b| b.points.total_cmp(&a.points).then(a.criterion.cmp(&b.criterion)));
    out
}

fn point(c: &Contribution) -> Point {
    Point { criterion: c.criterion, need: c.need, score: c.score, points: c.points }
}

/// "1st", "2nd", "3rd", "4th" …
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A number as people write it: "4", "4.5".
pub fn num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r}") }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// Lower the first letter of evidence so it reads on after a colon, unless
/// the first word is a name (one of `names`, or a few common ones).
fn lower_first(s: &str, names: &[&str]) -> String {
    const NAMES: [&str; 8] = ["Python", "Facebook", "Keras", "Gluon", "Torch", "Google", "Microsoft", "Amazon"];
    let first_word = s.split([' ', ',', ';', '\'']).next().unwrap_or("");
    let plain = first_word.chars().skip(1).all(|c| c.is_ascii_lowercase() || c == '-');
    if plain && !NAMES.contains(&first_word) && !names.contains(&first_word) {
        let mut chars = s.chars();
        chars.next().map_or_else(String::new, |first| first.to_lowercase().chain(chars).collect())
    } else {
        s.to_string()
    }
}

/// The first word of every framework's name: names, not sentence starts.
fn first_words(catalog: &Catalog) -> Vec<&str> {
    catalog.frameworks.iter().filter_map(|f| f.name.split_whitespace().next()).collect()
}

/// "beginner-friendliness 5/5: built for … [4 Comparison: Keras]"
pub fn evidence_phrase(catalog: &Catalog, framework: usize, p: &Point) -> String {
    let attribute = &catalog.frameworks[framework].attributes[p.criterion];
    format!(
        "{} {}/5: {} [{}]",
        catalog.criteria[p.criterion].name,
        num(p.score),
        lower_first(attribute.evidence.trim_end_matches('.'), &first_words(catalog)),
        attribute.source
    )
}

fn sentences(catalog: &Catalog, e: &Explained, all: &[Explained], verdict: Option<&Verdict>) -> String {
    let framework = &catalog.frameworks[e.framework];
    let winner = all.first().map(|w| (w.framework, w.score));
    let mut out = Vec::new();
    let is_winner = e.rank == 1;
    if is_winner {
        out.push(format!("{} fits best (match {:.1}).", framework.name, round1(e.score)));
    } else if let Some((w, ws)) = winner {
        let gap = round1(round1(ws) - round1(e.score));
        out.push(format!(
            "{} ranks {} (match {:.1}), {:.1} behind {}.",
            framework.name,
            ordinal(e.rank),
            round1(e.score),
            gap,
            catalog.frameworks[w].name
        ));
    }
    if let Some(s) = method_sentence(catalog, e, is_winner) {
        out.push(s);
    }
    if e.reasons.is_empty() {
        out.push("None of the criteria you rate is a clear strength of it.".to_string());
    } else if is_winner {
        for r in &e.reasons {
            out.push(format!("{}.", capitalise(&evidence_phrase(catalog, e.framework, r))));
        }
    } else {
        let strengths: Vec<String> =
            e.reasons.iter().map(|r| format!("{} {}/5", catalog.criteria[r.criterion].name, num(r.score))).collect();
        out.push(format!("Strong on {}.", join_and(&strengths)));
    }
    if !e.concerns.is_empty() {
        let concerns: Vec<String> = e.concerns.iter().map(|c| evidence_phrase(catalog, e.framework, c)).collect();
        out.push(format!("Watch out: {}.", concerns.join("; ")));
    }
    for w in &e.warnings {
        out.push(format!("Note: {}.", w.trim_end_matches('.')));
    }
    if is_winner {
        match verdict {
            Some(Verdict { runner_up: Some(r), margin, decided_by, .. }) => {
                let runner = &catalog.frameworks[*r].name;
                if *margin == 0.0 {
                    out.push(format!("{runner} has the same match; ties are listed by id."));
                } else if let Some(c) = decided_by {
                    out.push(format!("{runner} is {margin:.1} behind, mainly on {}.", catalog.criteria[*c].name));
                } else {
                    out.push(format!("{runner} is {margin:.1} behind."));
                }
            }
            _ => out.push("It is the only framework that meets your requirements.".to_string()),
        }
    }
    if let (true, Some(Verdict { active_alternative: Some(alt), runner_up, .. })) = (is_winner, verdict) {
        if *runner_up == Some(*alt) {
            out.push(format!("{} is the best actively developed choice.", catalog.frameworks[*alt].name));
        } else {
            let score = all.iter().find(|x| x.framework == *alt).map_or(0.0, |x| x.score);
            out.push(format!(
                "The best actively developed choice is {} (match {:.1}).",
                catalog.frameworks[*alt].name,
                round1(score)
            ));
        }
    }
    out.join(" ")
}

/// What drives the result under methods other than the weighted sum.
fn method_sentence(catalog: &Catalog, e: &Explained, is_winner: bool) -> Option<String> {
    let name = |c: usize| catalog.criteria[c].name.as_str();
    let score = |c: usize| num(catalog.frameworks[e.framework].attributes[c].score);
    match e.detail {
        Detail::None => None,
        Detail::Topsis { to_ideal, to_anti_ideal, largest_gap } => {
            let gap = largest_gap.map_or_else(String::new, |c| format!(" Its largest gap to the ideal is {} ({}/5).", name(c), score(c)));
            Some(if is_winner {
                format!(
                    "Under TOPSIS it comes closest to an ideal framework that has the best score on everything you rate: distance {to_ideal:.3} from the ideal and {to_anti_ideal:.3} from the worst.{gap}"
                )
            } else {
                format!("TOPSIS distance {to_ideal:.3} from the ideal and {to_anti_ideal:.3} from the worst.{gap}")
            })
        }
        Detail::Product { weakest } => weakest.map(|c| {
            if is_winner {
                format!(
                    "Under the weighted product a weak score on something you rate costs more than in a sum; what holds it back most is {} ({}/5).",
                    name(c),
                    score(c)
                )
            } else {
                format!("Held back most by {} ({}/5) under the weighted product.", name(c), score(c))
            }
        }),
    }
}

/// "a", "a and b", "a, b and c".
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22].iter().map(|&n| ordinal(n)).collect();
        assert_eq!(got, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"]);
    }

    #[test]
    fn numbers_drop_needless_decimals() {
        assert_eq!(num(4.0), "4");
        assert_eq!(num(4.5), "4.5");
        assert_eq!(num(0.25), "0.25");
    }

    #[test]
    fn evidence_reads_on_after_a_colon() {
        assert_eq!(lower_first("Heavy encapsulation hides", &[]), "heavy encapsulation hides");
        assert_eq!(lower_first("TensorBoard monitors", &[]), "TensorBoard monitors");
        assert_eq!(lower_first("Python only", &[]), "Python only");
        assert_eq!(lower_first("APIs in R", &[]), "APIs in R");
        assert_eq!(lower_first("Yak is good", &["Yak"]), "Yak is good");
    }

    #[test]
    fn lists_join_with_and() {
        let items = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(join_and(&items(&["a"])), "a");
        assert_eq!(join_and(&items(&["a", "b", "c"])), "a, b and c");
    }
}
