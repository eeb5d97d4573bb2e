//! From a ranking to advice: contributions, reasons, concerns, warnings and
//! the sentences a person reads.
//!
//! A recommendation is only as good as the reasons a reader can check, so
//! every reason and concern carries the knowledge base's evidence and says
//! how it is known (the article, an inference from it, or a dated outside
//! source). Advice is for a decision made today: a framework that is no
//! longer maintained is never called the best fit or the only one that
//! meets the requirements, and when no maintained framework qualifies the
//! advice says so plainly.

mod routes;

use std::fmt::Write as _;

pub use routes::{
    Evidence, PointerUse, citation as route_citation, evidence, meets_phrase, pointers_for, pointers_sentence,
    qualifiers, route_of, route_phrase, unreached_text, use_phrase, uses,
};

use crate::catalog::{Catalog, RouteKind};
use crate::profile::{InactivePolicy, Profile};
use crate::score::adaptive::{Bounds, settled_for};
use crate::score::sensitivity::{self, Sensitivity};
use crate::score::{
    Detail, Exclusion, Match, Matrix, MethodId, Ranking, Reason, Reference, RouteUse, Routed, STRENGTH_SCORE,
    WeightedSum, rank, round1,
};

/// A criterion the profile rates ≥ this …
pub(crate) const CONCERN_NEED: f64 = 3.0;
/// … where the framework scores ≤ this is a concern.
pub(crate) const CONCERN_SCORE: f64 = 2.0;
/// On one of the profile's two most important needs, a framework this far
/// below the best competitor is a concern too, whatever its score: 2.5 on
/// beginner-friendliness is weak for a student when a rival has 5.
pub(crate) const CONCERN_GAP: f64 = 1.5;
/// At most this many reasons per framework.
pub(crate) const MAX_REASONS: usize = 3;

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
    pub evidence: Evidence,
}

/// One ranked framework, explained.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    /// 1-based; tied frameworks share it.
    pub rank: usize,
    pub tied: bool,
    pub framework: usize,
    /// Unrounded.
    pub score: Match,
    /// What the scoring method says beyond the match.
    pub detail: Detail,
    /// Criteria the profile rates above 0, largest first.
    pub contributions: Vec<Contribution>,
    pub reasons: Vec<Point>,
    pub concerns: Vec<Point>,
    pub warnings: Vec<String>,
    /// How it meets each language, target and hardware the profile requires.
    pub routes: Vec<RouteUse>,
    pub explanation: String,
}

/// How the winner beat the runner-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub winner: usize,
    /// Frameworks sharing first place with the winner.
    pub tied_with: Vec<usize>,
    pub runner_up: Option<usize>,
    /// Displayed match of the winner minus the runner-up's (one decimal);
    /// none when nothing else competes.
    pub margin: Option<f64>,
    /// The criterion on which the winner gains most over the runner-up.
    pub decided_by: Option<usize>,
    /// When the winner is not maintained (only possible with
    /// `inactive = "rank"`): the best-ranked framework that is.
    pub active_alternative: Option<usize>,
}

/// A profile's whole result, ready for a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub profile: Profile,
    pub method: &'static str,
    pub policy: InactivePolicy,
    pub ranking: Vec<Explained>,
    /// Not maintained but meeting every other requirement: shown for
    /// reference, never ranked.
    pub reference: Vec<Reference>,
    /// In framework-id order.
    pub excluded: Vec<Exclusion>,
    pub verdict: Option<Verdict>,
    /// When nothing is ranked: why, in plain words.
    pub shortfall: Option<String>,
    /// How far each weight may move before the top pick changes, when the
    /// method allows an exact answer (the weighted sum).
    pub sensitivity: Option<Sensitivity>,
    /// Scores the profile's required routes decided.
    pub routed: Vec<Routed>,
    /// Options beyond the knowledge base for required names that nothing
    /// here reaches, or reaches only through the community.
    pub pointers: Vec<PointerUse>,
    /// When the profile lists needs it was not asked: which, and whether
    /// any answer to them could change the top pick.
    pub unasked: Option<String>,
}

/// A requirement that rules out every framework of some group.
#[derive(Debug, Clone, PartialEq)]
enum Binding {
    /// Names of one kind, reached from the given languages (for targets of
    /// a team that does not use Python; see `Require::callers`).
    Names(RouteKind, Vec<String>, Vec<String>),
    Minimum(usize, f64),
    DeepLearning,
    ExcludedByProfile,
}

/// Explain `ranking` for `profile`.
pub fn explain(catalog: &Catalog, matrix: &Matrix, profile: Profile, ranking: Ranking) -> Advice {
    let matrix = &matrix.with_routed(&ranking.routed);
    let effective = &ranking.effective;
    let contributions: Vec<Vec<Contribution>> =
        ranking.ranked.iter().map(|r| contributions(catalog, matrix, &profile, effective, r.framework)).collect();

    let verdict = verdict(catalog, &ranking, &contributions);

    let top_needs = top_needs(&profile.needs);
    let best_of = |c: usize| ranking.ranked.iter().map(|r| matrix.row(r.framework)[c]).fold(0.0, f64::max);
    let mut explained: Vec<Explained> = ranking
        .ranked
        .iter()
        .zip(contributions)
        .map(|(r, contributions)| {
            let point = |c: &Contribution| Point {
                criterion: c.criterion,
                need: c.need,
                score: c.score,
                points: c.points,
                evidence: evidence(catalog, &ranking.routed, r.framework, c.criterion),
            };
            // The criterion a method names as holding the framework back is
            // never also given as its strength.
            let held_back = match r.detail {
                Detail::Product { weakest } => weakest,
                Detail::Topsis { largest_gap, .. } => largest_gap,
                Detail::None => None,
            };
            let reasons: Vec<Point> = contributions
                .iter()
                .filter(|c| c.score >= STRENGTH_SCORE && Some(c.criterion) != held_back)
                .take(MAX_REASONS)
                .map(point)
                .collect();
            let concerns: Vec<Point> = contributions
                .iter()
                .filter(|c| {
                    (c.need >= CONCERN_NEED && c.score <= CONCERN_SCORE)
                        || (top_needs.contains(&c.criterion) && best_of(c.criterion) - c.score >= CONCERN_GAP)
                })
                .map(point)
                .collect();
            let routes = uses(catalog, r.framework, &profile.require);
            let warnings = warnings(catalog, r.framework, &routes);
            Explained {
                rank: r.rank,
                tied: r.tied,
                framework: r.framework,
                score: r.score,
                detail: r.detail,
                contributions,
                reasons,
                concerns,
                warnings,
                routes,
                explanation: String::new(),
            }
        })
        .collect();

    let only = (explained.len() == 1).then(|| only_sentence(catalog, &profile, &ranking));
    let texts: Vec<String> = explained
        .iter()
        .enumerate()
        .map(|(i, e)| sentences(catalog, e, i, &explained, verdict.as_ref(), only.as_deref()))
        .collect();
    for (e, text) in explained.iter_mut().zip(texts) {
        e.explanation = text;
    }
    let pointers = pointers(catalog, &profile, &ranking, &explained);
    let mut shortfall = explained.is_empty().then(|| shortfall(catalog, &profile, &ranking));
    let beyond = pointers_sentence(catalog, &pointers, POINTERS_LEAD);
    if !beyond.is_empty() {
        match (&mut shortfall, explained.first_mut()) {
            (Some(text), _) => {
                text.push(' ');
                text.push_str(&beyond);
            }
            (None, Some(winner)) => {
                winner.explanation.push(' ');
                winner.explanation.push_str(&beyond);
            }
            (None, None) => {}
        }
    }

    let unasked = unasked_sentence(catalog, matrix, &profile, &ranking);
    Advice {
        unasked,
        method: ranking.method,
        policy: ranking.policy,
        ranking: explained,
        reference: ranking.reference,
        excluded: ranking.excluded,
        verdict,
        shortfall,
        sensitivity: None,
        routed: ranking.routed,
        pointers,
        profile,
    }
}

/// The needs the questionnaire did not ask, and why it did not need them:
/// checked here, not taken on trust, since a profile can be edited.
fn unasked_sentence(catalog: &Catalog, matrix: &Matrix, profile: &Profile, ranking: &Ranking) -> Option<String> {
    if profile.unasked.is_empty() {
        return None;
    }
    let names: Vec<String> = profile.unasked.iter().map(|&c| catalog.criteria[c].name.clone()).collect();
    let listed = format!("Not asked: {}.", join_and(&names));
    let top = ranking.ranked.first().map(|r| r.framework);
    let why = if ranking.method == MethodId::WeightedSum.as_str() {
        let mut bounds = Bounds { lo: profile.needs.clone(), hi: profile.needs.clone() };
        for &c in &profile.unasked {
            bounds.hi[c] = crate::catalog::SCALE_MAX;
        }
        let competing: Vec<usize> = ranking.ranked.iter().map(|r| r.framework).collect();
        match top {
            Some(f) if settled_for(matrix, &competing, &bounds, f) => format!(
                "Whatever the answers to them, {} stays first, so they were not needed; they count as 0 in this ranking.",
                catalog.frameworks[f].name
            ),
            Some(_) => "They count as 0 here, and answers to them could change the top pick: answer them to be sure."
                .to_string(),
            None => "Whatever the answers to them, no framework meets the requirements.".to_string(),
        }
    } else {
        format!(
            "They count as 0 here; only the weighted sum can tell exactly whether answers to them would change the top pick, and the {} cannot.",
            ranking.method
        )
    };
    Some(format!("{listed} {why}"))
}

/// How the winner beat the runner-up, when anything is ranked.
fn verdict(catalog: &Catalog, ranking: &Ranking, contributions: &[Vec<Contribution>]) -> Option<Verdict> {
    ranking.ranked.first().map(|first| {
        let tied_with: Vec<usize> =
            ranking.ranked.iter().skip(1).filter(|r| r.rank == 1).map(|r| r.framework).collect();
        let second = ranking.ranked.get(1);
        let decided_by = second.filter(|s| s.rank > 1).and_then(|_| {
            let gains = contributions[0].iter().map(|c| {
                let theirs = contributions[1].iter().find(|d| d.criterion == c.criterion).map_or(0.0, |d| d.points);
                (c.criterion, c.points - theirs)
            });
            gains.filter(|(_, g)| *g > 1e-9).max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0))).map(|(c, _)| c)
        });
        Verdict {
            winner: first.framework,
            tied_with,
            runner_up: second.map(|s| s.framework),
            margin: second.map(|s| round1(round1(first.score) - round1(s.score))),
            decided_by,
            active_alternative: if catalog.frameworks[first.framework].status.is_maintained() {
                None
            } else {
                ranking.ranked.iter().map(|r| r.framework).find(|&f| catalog.frameworks[f].status.is_maintained())
            },
        }
    })
}

/// What a reader must know before adopting framework `f`: a required name
/// reached only through a route in maintenance, a framework no longer
/// maintained, one that is not for deep learning.
fn warnings(catalog: &Catalog, f: usize, routes: &[RouteUse]) -> Vec<String> {
    let framework = &catalog.frameworks[f];
    let mut out = Vec::new();
    for u in routes {
        if let Some(route) = route_of(catalog, f, u) {
            if route.status != crate::catalog::Status::Active && framework.status.is_maintained() {
                out.push(format!(
                    "{} reaches {} only through {}, which is in maintenance only.",
                    framework.name,
                    catalog.name_of(u.kind, &u.name),
                    route.via
                ));
            }
        }
    }
    if !framework.status.is_maintained() {
        out.push(status_sentence(catalog, f));
    }
    if !framework.deep_learning {
        out.push(format!("{} is not a deep-learning framework; it suits classic machine learning.", framework.name));
    }
    out
}

/// How the pointers are introduced.
const POINTERS_LEAD: &str = "Not scored by dlpick, but maintained and worth a look";

/// The criteria rated highest (the top two needs, all of them on a tie),
/// among those rated at least [`CONCERN_NEED`].
fn top_needs(needs: &[f64]) -> Vec<usize> {
    let mut rated: Vec<f64> = needs.iter().copied().filter(|&n| n >= CONCERN_NEED).collect();
    rated.sort_by(|a, b| b.total_cmp(a));
    let Some(&second) = rated.get(1).or(rated.first()) else { return Vec::new() };
    (0..needs.len()).filter(|&c| needs[c] >= second).collect()
}

/// Pointers for the required names that no competing framework reaches,
/// or that the top pick reaches only through a community route.
fn pointers(catalog: &Catalog, profile: &Profile, ranking: &Ranking, explained: &[Explained]) -> Vec<PointerUse> {
    let mut out = Vec::new();
    for (kind, name) in profile.require.routes() {
        let wanted = match explained.first() {
            None => ranking.excluded.iter().all(|e| {
                !catalog.frameworks[e.framework].status.is_maintained()
                    || e.reasons.iter().any(|r| matches!(r, Reason::Unreached { kind: k, names, .. } if *k == kind && names.iter().any(|n| n == name)))
            }),
            Some(winner) => winner
                .routes
                .iter()
                .find(|u| u.kind == kind && u.name == name)
                .and_then(|u| route_of(catalog, winner.framework, u))
                .is_some_and(|route| !route.official),
        };
        if wanted {
            out.extend(pointers_for(catalog, kind, name, profile.require.callers(kind)));
        }
    }
    out
}

/// Advice for each profile: ranked, explained and, under the weighted sum
/// (the method with an exact answer), with the winner's sensitivity. What
/// `recommend`, `ask` and the survey server show. The policy for
/// unmaintained frameworks is `policy` when given (a flag), else the
/// profile's own, else `default`.
pub(crate) fn advise(
    catalog: &Catalog,
    profiles: Vec<Profile>,
    method: MethodId,
    policy: Option<InactivePolicy>,
    default: InactivePolicy,
) -> Vec<Advice> {
    let matrix = Matrix::new(catalog);
    let exact = method == MethodId::WeightedSum;
    let method = method.method();
    profiles
        .into_iter()
        .map(|mut profile| {
            profile.require.inactive = policy.or(profile.require.inactive).or(Some(default));
            let ranking = rank(catalog, &matrix, &profile, method);
            let sensitivity = if exact { sensitivity::analyse(catalog, &profile) } else { None };
            Advice { sensitivity, ..explain(catalog, &matrix, profile, ranking) }
        })
        .collect()
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

/// "discontinued since 2023": the status and, when known, its year.
pub fn status_brief(catalog: &Catalog, f: usize) -> String {
    let framework = &catalog.frameworks[f];
    match framework.since {
        Some(year) => format!("{} since {year}", framework.status.as_str()),
        None => framework.status.as_str().to_string(),
    }
}

/// "MXNet is discontinued. Retired to the Apache Attic in 2023 …"
pub(crate) fn status_sentence(catalog: &Catalog, f: usize) -> String {
    let framework = &catalog.frameworks[f];
    format!("{} is {}. {}", framework.name, framework.status.phrase(), framework.status_note.trim())
}

/// One exclusion's reasons in words, joined with "; ".
pub(crate) fn exclusion_text(catalog: &Catalog, e: &Exclusion) -> String {
    e.reasons.iter().map(|r| reason_text(catalog, e.framework, r)).collect::<Vec<_>>().join("; ")
}

/// One reason a framework is ruled out, in words.
pub(crate) fn reason_text(catalog: &Catalog, f: usize, reason: &Reason) -> String {
    match reason {
        Reason::ExcludedByProfile => "excluded by the profile (require.exclude)".to_string(),
        Reason::NotDeepLearning => {
            "not a deep-learning framework; set require.deep_learning = false to rank it".to_string()
        }
        Reason::NotMaintained(_) => format!("not maintained ({})", status_brief(catalog, f)),
        Reason::Unreached { kind, names, from } => unreached_text(catalog, f, *kind, names, from),
        Reason::BelowMinimum { criterion, score, floor } => {
            format!("{} {}/5 is below your minimum of {}", catalog.criteria[*criterion].name, num(*score), num(*floor))
        }
    }
}

/// The constraint of a team member that rules framework `f` out, in the
/// few words of a team's conflicts ("excludes keras", "needs R",
/// "gpu_support at least 4"): the first of `reasons` in the order
/// exclusion, kind, maintenance, routes, minimums.
pub(crate) fn constraint_words(catalog: &Catalog, f: usize, reasons: &[Reason]) -> String {
    let first = |wanted: fn(&Reason) -> bool| reasons.iter().find(|r| wanted(r));
    let reason = first(|r| matches!(r, Reason::ExcludedByProfile))
        .or_else(|| first(|r| matches!(r, Reason::NotDeepLearning)))
        .or_else(|| first(|r| matches!(r, Reason::NotMaintained(_))))
        .or_else(|| first(|r| matches!(r, Reason::Unreached { .. })))
        .or_else(|| first(|r| matches!(r, Reason::BelowMinimum { .. })));
    match reason {
        Some(Reason::ExcludedByProfile) => format!("excludes {}", catalog.frameworks[f].id),
        Some(Reason::NotDeepLearning) => "deep learning only".to_string(),
        Some(Reason::NotMaintained(_)) => "maintained frameworks only".to_string(),
        Some(Reason::Unreached { kind, names, .. }) if !names.is_empty() => {
            format!("needs {}", catalog.name_of(*kind, &names[0]))
        }
        Some(Reason::BelowMinimum { criterion, floor, .. }) => {
            format!("{} at least {}", catalog.criteria[*criterion].id, num(*floor))
        }
        _ => "its constraints".to_string(),
    }
}

/// The requirement that every one of `exclusions` fails, if one does.
fn binding(exclusions: &[&Exclusion], profile: &Profile) -> Option<Binding> {
    if exclusions.is_empty() {
        return None;
    }
    let all = |test: &dyn Fn(&Reason) -> bool| exclusions.iter().all(|e| e.reasons.iter().any(test));
    for kind in RouteKind::ALL {
        let names: Vec<String> = profile
            .require
            .names(kind)
            .iter()
            .filter(|n| {
                all(&|r| matches!(r, Reason::Unreached { kind: k, names, .. } if *k == kind && names.contains(n)))
            })
            .cloned()
            .collect();
        if !names.is_empty() {
            return Some(Binding::Names(kind, names, profile.require.callers(kind).to_vec()));
        }
    }
    for &(c, floor) in &profile.require.min {
        if all(&|r| matches!(r, Reason::BelowMinimum { criterion, .. } if *criterion == c)) {
            return Some(Binding::Minimum(c, floor));
        }
    }
    if all(&|r| *r == Reason::NotDeepLearning) {
        return Some(Binding::DeepLearning);
    }
    if all(&|r| *r == Reason::ExcludedByProfile) {
        return Some(Binding::ExcludedByProfile);
    }
    None
}

/// What a framework does to meet `b`: "offers the R API you require".
fn meets(catalog: &Catalog, b: &Binding) -> String {
    match b {
        Binding::Names(kind, names, from) => format!("{}, as you require", meets_phrase(catalog, *kind, names, from)),
        Binding::Minimum(c, floor) => {
            format!("scores at least {} on {}, as you require", num(*floor), catalog.criteria[*c].name)
        }
        Binding::DeepLearning => "is a deep-learning framework".to_string(),
        Binding::ExcludedByProfile => "you have not ruled out".to_string(),
    }
}

/// What no framework of a group does: "offers an API in R".
fn fails(catalog: &Catalog, b: &Binding) -> String {
    match b {
        Binding::Names(kind, names, from) => meets_phrase(catalog, *kind, names, from),
        Binding::Minimum(c, floor) => format!("scores at least {} on {}", num(*floor), catalog.criteria[*c].name),
        Binding::DeepLearning => "is a deep-learning framework".to_string(),
        Binding::ExcludedByProfile => "is left once your exclusions are applied".to_string(),
    }
}

/// The exclusions of the frameworks that could have competed: the
/// maintained ones, or every one when the policy ranks them all.
fn rivals<'a>(catalog: &Catalog, ranking: &'a Ranking) -> Vec<&'a Exclusion> {
    ranking
        .excluded
        .iter()
        .filter(|e| ranking.policy == InactivePolicy::Rank || catalog.frameworks[e.framework].status.is_maintained())
        .collect()
}

/// For a single competitor: "It is the only maintained framework here that …".
fn only_sentence(catalog: &Catalog, profile: &Profile, ranking: &Ranking) -> String {
    let what = binding(&rivals(catalog, ranking), profile)
        .map_or_else(|| "meets all your requirements".to_string(), |b| meets(catalog, &b));
    let Some(only) = ranking.ranked.first() else { return String::new() };
    if ranking.policy == InactivePolicy::Rank {
        if catalog.frameworks[only.framework].status.is_maintained() {
            format!("It is the only framework here that {what}.")
        } else {
            format!("It is the only framework here that {what}, and no maintained framework here does.")
        }
    } else {
        format!("It is the only maintained framework here that {what}.")
    }
}

/// Why nothing is ranked, and what the reference list offers instead.
fn shortfall(catalog: &Catalog, profile: &Profile, ranking: &Ranking) -> String {
    let group = if ranking.policy == InactivePolicy::Rank { "framework" } else { "maintained framework" };
    let mut out = match binding(&rivals(catalog, ranking), profile) {
        Some(b) => format!("No {group} in this knowledge base {}.", fails(catalog, &b)),
        None => format!("No {group} in this knowledge base meets all your requirements together."),
    };
    for r in &ranking.reference {
        let f = &catalog.frameworks[r.framework];
        let _ = write!(out, " {} does, but it is {}.", f.name, status_brief(catalog, r.framework));
    }
    if ranking.policy == InactivePolicy::Exclude {
        let passing: Vec<&str> = ranking
            .excluded
            .iter()
            .filter(|e| e.reasons.iter().all(|r| matches!(r, Reason::NotMaintained(_))))
            .map(|e| catalog.frameworks[e.framework].name.as_str())
            .collect();
        if !passing.is_empty() {
            let names: Vec<String> = passing.iter().map(ToString::to_string).collect();
            let _ = write!(
                out,
                " {} would, but {} no longer maintained; `--inactive separate` shows {} for reference.",
                join_with(&names, "and"),
                if passing.len() == 1 { "it is" } else { "they are" },
                if passing.len() == 1 { "it" } else { "them" },
            );
        }
    }
    out
}

/// "1st", "2nd", "3rd", "4th" …
pub(crate) fn ordinal(n: usize) -> String {
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
pub(crate) fn num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r}") }
}

/// `1234567` as "1,234,567".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The first letter in upper case: "discontinued" → "Discontinued".
pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// Where a framework's score on criterion `c` comes from, as the text in
/// brackets: the citation, plus the layer when it is not the base.
pub(crate) fn citation(catalog: &Catalog, framework: usize, c: usize) -> String {
    let attribute = &catalog.frameworks[framework].attributes[c];
    let citation = catalog.citation(attribute);
    match catalog.layer_of(attribute.origin) {
        Some(layer) => format!("{citation}; from {layer}"),
        None => citation,
    }
}

/// "Beginner-friendliness 5/5: built for … [4 Comparison: Keras]"
pub(crate) fn evidence_phrase(catalog: &Catalog, p: &Point) -> String {
    format!(
        "{} {}/5: {} [{}]",
        capitalise(&catalog.criteria[p.criterion].name),
        num(p.score),
        p.evidence.text,
        p.evidence.citation
    )
}

/// A framework's score on one criterion in a few words: "beginner
/// friendliness 5/5". How advice lists strengths and how a batch row gives
/// its main reason.
pub(crate) fn rated(catalog: &Catalog, framework: usize, c: usize) -> String {
    format!("{} {}/5", catalog.criteria[c].name, num(catalog.frameworks[framework].attributes[c].score))
}

/// Names of the frameworks in `ids`, joined: "Keras and PyTorch".
fn names(catalog: &Catalog, ids: &[usize]) -> String {
    let names: Vec<String> = ids.iter().map(|&f| catalog.frameworks[f].name.clone()).collect();
    join_with(&names, "and")
}

/// Said when a framework has no clear strength; varied so a list of
/// frameworks does not repeat one sentence.
const NO_STRENGTH: [&str; 3] = [
    "None of the criteria you rate is a clear strength of it.",
    "It has no clear strength on what you rate.",
    "Nothing you rate is a clear strength here.",
];

fn sentences(
    catalog: &Catalog,
    e: &Explained,
    index: usize,
    all: &[Explained],
    verdict: Option<&Verdict>,
    only: Option<&str>,
) -> String {
    let framework = &catalog.frameworks[e.framework];
    let mut out = Vec::new();
    let is_winner = index == 0;
    let tied_with: Vec<usize> =
        all.iter().filter(|o| o.rank == e.rank && o.framework != e.framework).map(|o| o.framework).collect();
    let score = round1(e.score);
    if e.rank == 1 {
        if !framework.status.is_maintained() {
            // Only the `rank` policy ranks it: say whose view that is.
            let view = &catalog.about.cited_as;
            if tied_with.is_empty() {
                out.push(format!("{} fits best in {view}'s view (match {score:.1}).", framework.name));
            } else {
                let others = names(catalog, &tied_with);
                out.push(format!(
                    "{} ties for first with {others} in {view}'s view (match {score:.1}).",
                    framework.name
                ));
            }
        } else if tied_with.is_empty() {
            out.push(format!("{} fits best (match {score:.1}).", framework.name));
        } else {
            out.push(format!(
                "{} ties for first with {} (match {score:.1}).",
                framework.name,
                names(catalog, &tied_with)
            ));
        }
    } else if let Some(w) = all.first() {
        let gap = round1(round1(w.score) - score);
        let tie =
            if tied_with.is_empty() { String::new() } else { format!(", tied with {}", names(catalog, &tied_with)) };
        out.push(format!(
            "{} ranks {}{tie} (match {score:.1}), {gap:.1} behind {}.",
            framework.name,
            ordinal(e.rank),
            catalog.frameworks[w.framework].name
        ));
    }
    if let Some(s) = method_sentence(catalog, e, is_winner) {
        out.push(s);
    }
    if e.reasons.is_empty() {
        out.push(NO_STRENGTH[index % NO_STRENGTH.len()].to_string());
    } else if is_winner {
        for r in &e.reasons {
            out.push(format!("{}.", evidence_phrase(catalog, r)));
        }
    } else {
        let strengths: Vec<String> = e.reasons.iter().map(|r| rated(catalog, e.framework, r.criterion)).collect();
        out.push(format!("Strong on {}.", join_and(&strengths)));
    }
    if !e.concerns.is_empty() {
        let concerns: Vec<String> = e.concerns.iter().map(|c| evidence_phrase(catalog, c)).collect();
        out.push(format!("Watch out: {}.", concerns.join("; ")));
    }
    if let Some(s) = routes_sentence(catalog, e, is_winner) {
        out.push(s);
    }
    for w in &e.warnings {
        out.push(w.clone());
    }
    if is_winner {
        if let Some(Verdict { runner_up: Some(r), margin: Some(margin), decided_by, tied_with, .. }) = verdict {
            // A runner-up sharing first place was named above.
            if !tied_with.contains(r) && *margin > 0.0 {
                let runner = &catalog.frameworks[*r].name;
                match decided_by {
                    Some(c) => {
                        out.push(format!("{runner} is {margin:.1} behind, mainly on {}.", catalog.criteria[*c].name));
                    }
                    None => out.push(format!("{runner} is {margin:.1} behind.")),
                }
            }
        }
        if let Some(only) = only {
            out.push(only.to_string());
        }
        if let Some(Verdict { active_alternative: Some(alt), .. }) = verdict {
            let score = all.iter().find(|x| x.framework == *alt).map_or(0.0, |x| x.score.get());
            out.push(format!(
                "For a decision made today, the best maintained choice is {} (match {:.1}).",
                catalog.frameworks[*alt].name,
                round1(score)
            ));
        }
    }
    out.retain(|s| !s.is_empty());
    out.join(" ")
}

/// How a ranked framework meets the profile's required languages, targets
/// and hardware: with citations for the top pick, briefly for the others.
/// A route already named in the top pick's evidence is not named again.
fn routes_sentence(catalog: &Catalog, e: &Explained, is_winner: bool) -> Option<String> {
    let shown: Vec<&str> = e.reasons.iter().chain(&e.concerns).map(|p| p.evidence.text.as_str()).collect();
    let mut phrases = Vec::new();
    let mut citations: Vec<String> = Vec::new();
    for u in &e.routes {
        let phrase = use_phrase(catalog, e.framework, u);
        if is_winner && shown.iter().any(|t| t.contains(&phrase)) {
            continue;
        }
        if let Some(route) = route_of(catalog, e.framework, u) {
            let cited = route_citation(catalog, route);
            if !citations.contains(&cited) {
                citations.push(cited);
            }
        }
        phrases.push(phrase);
    }
    if phrases.is_empty() {
        return None;
    }
    Some(if is_winner && !citations.is_empty() {
        format!("You reach it: {} [{}].", phrases.join("; "), citations.join("; "))
    } else if is_winner {
        format!("You reach it: {}.", phrases.join("; "))
    } else {
        format!("Reaches {}.", phrases.join("; "))
    })
}

/// What drives the result under methods other than the weighted sum.
fn method_sentence(catalog: &Catalog, e: &Explained, is_winner: bool) -> Option<String> {
    let name = |c: usize| catalog.criteria[c].name.as_str();
    let score = |c: usize| {
        num(e
            .contributions
            .iter()
            .find(|x| x.criterion == c)
            .map_or(catalog.frameworks[e.framework].attributes[c].score, |x| x.score))
    };
    match e.detail {
        Detail::None => None,
        Detail::Topsis { to_ideal, to_anti_ideal, largest_gap } => {
            let gap = largest_gap
                .map_or_else(String::new, |c| format!(" Its largest gap to the ideal is {} ({}/5).", name(c), score(c)));
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
pub(crate) fn join_and(items: &[String]) -> String {
    join_with(items, "and")
}

/// "a", "a or b", "a, b or c".
pub(crate) fn join_with(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Require;
    use crate::score::rows::{RowRequire, Scorer};

    #[test]
    fn a_row_s_main_reason_is_the_winner_s_first_reason() {
        let catalog = Catalog::builtin().unwrap();
        let scorer = Scorer::new(&catalog, MethodId::WeightedSum, InactivePolicy::Rank).unwrap();
        let needs: Vec<f64> = (0..catalog.criteria.len()).map(|c| f64::from(u8::try_from(c % 6).unwrap())).collect();
        let profile = Profile {
            name: "p".into(),
            description: None,
            needs: needs.clone(),
            require: Require { inactive: Some(InactivePolicy::Rank), ..Require::default() },
            chosen: None,
            unasked: Vec::new(),
        };
        let matrix = Matrix::new(&catalog);
        let ranking = rank(&catalog, &matrix, &profile, MethodId::WeightedSum.method());
        let advice = explain(&catalog, &matrix, profile, ranking.clone());

        let mut effective = Vec::new();
        let mut picks = Vec::new();
        let require = RowRequire { deep_learning: true, ..RowRequire::default() };
        assert!(scorer.rank_into(&needs, scorer.candidates(&require), None, &mut effective, &mut picks));
        let fast: Vec<(usize, u64)> = picks.iter().map(|p| (p.framework, p.score.get().to_bits())).collect();
        let slow: Vec<(usize, u64)> = ranking.ranked.iter().map(|r| (r.framework, r.score.get().to_bits())).collect();
        assert_eq!(fast, slow);

        let first_reason = &advice.ranking[0].reasons[0];
        let winner = picks[0].framework;
        assert_eq!(scorer.main_reason(winner, &effective, None), Some(first_reason.criterion));
        assert_eq!(
            rated(&catalog, winner, first_reason.criterion),
            format!("{} {}/5", catalog.criteria[first_reason.criterion].name, num(first_reason.score))
        );
    }

    #[test]
    fn a_member_s_constraint_reads_in_a_few_words() {
        let catalog = Catalog::builtin().unwrap();
        let keras = catalog.framework_index("keras").unwrap();
        let gpu = catalog.criterion_index("gpu_support").unwrap();
        let below = Reason::BelowMinimum { criterion: gpu, score: 2.0, floor: 4.5 };
        let languages = Reason::Unreached {
            kind: crate::catalog::RouteKind::Language,
            names: vec!["r".to_string(), "julia".to_string()],
            from: Vec::new(),
        };
        let cases = [
            (vec![below.clone(), Reason::ExcludedByProfile], "excludes keras"),
            (vec![languages.clone(), Reason::NotDeepLearning], "deep learning only"),
            (
                vec![languages.clone(), Reason::NotMaintained(crate::catalog::Status::Discontinued)],
                "maintained frameworks only",
            ),
            (vec![below.clone(), languages], "needs R"),
            (vec![below], "gpu_support at least 4.5"),
            (vec![], "its constraints"),
        ];
        for (reasons, words) in cases {
            assert_eq!(constraint_words(&catalog, keras, &reasons), words, "{reasons:?}");
        }
    }

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
    fn lists_join_with_and_or() {
        let items = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(join_and(&items(&["a"])), "a");
        assert_eq!(join_and(&items(&["a", "b", "c"])), "a, b and c");
        assert_eq!(join_with(&items(&["R", "Scala"]), "or"), "R or Scala");
    }
}
