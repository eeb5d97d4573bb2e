//! Scoring: from a profile's needs to a ranked list of frameworks.
//!
//! Each aggregation method lives in its own file behind [`Method`], so a new
//! method is one file and one line in [`MethodId`]. This module owns what all
//! methods share: the knowledge base as a dense [`Matrix`], hard constraints,
//! and a deterministic ranking (ties broken by framework id).

pub mod adaptive;
mod routed;
pub mod rows;
pub(crate) mod sensitivity;
mod topsis;
mod weighted_product;
mod weighted_sum;
pub(crate) mod whole_needs;

pub use routed::{RouteUse, Routed, route_use, routed};
pub use topsis::{Topsis, TopsisResult};
pub use weighted_product::WeightedProduct;
pub use weighted_sum::WeightedSum;

use std::cmp::Reverse;

use ordered_float::NotNan;

use crate::catalog::{Catalog, RouteKind, Status};
use crate::profile::{InactivePolicy, Profile, Require};

/// A criterion counts as a strength from this score up: what advice names
/// as a framework's reasons, and what a batch row gives as its main reason.
pub(crate) const STRENGTH_SCORE: f64 = 3.5;

/// The knowledge base as numbers, laid out for fast scoring.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub frameworks: usize,
    pub criteria: usize,
    /// Attribute scores, row-major: `scores[f * criteria + c]`.
    pub scores: Vec<f64>,
    /// Global criterion weights from the knowledge base.
    pub weights: Vec<f64>,
}

impl Matrix {
    pub fn new(catalog: &Catalog) -> Self {
        let scores = catalog.frameworks.iter().flat_map(|f| f.attributes.iter().map(|a| a.score)).collect();
        Self {
            frameworks: catalog.frameworks.len(),
            criteria: catalog.criteria.len(),
            scores,
            weights: catalog.criteria.iter().map(|c| c.weight).collect(),
        }
    }

    /// The attribute scores of framework `f`.
    pub fn row(&self, f: usize) -> &[f64] {
        &self.scores[f * self.criteria..(f + 1) * self.criteria]
    }

    /// need × global weight for each criterion.
    pub fn effective_weights(&self, needs: &[f64]) -> Vec<f64> {
        needs.iter().zip(&self.weights).map(|(n, w)| n * w).collect()
    }
}

/// An aggregation method: how attribute scores and weights become a match.
pub trait Method: Send + Sync {
    /// The name used on the command line and in reports.
    fn id(&self) -> &'static str;

    /// The match (0–100) of each of `targets`, in the same order, with what
    /// the method can say about it. `field` is the set of frameworks that
    /// compete: a relative method (TOPSIS) measures every target against
    /// the ideal of that field, so scoring a framework for reference never
    /// moves the ranking. `effective` is need × weight per criterion; its
    /// sum is positive.
    fn evaluate(&self, matrix: &Matrix, effective: &[f64], field: &[usize], targets: &[usize]) -> Vec<(f64, Detail)>;

    /// Only the matches of `candidates`, each measured within that field.
    fn matches(&self, matrix: &Matrix, effective: &[f64], candidates: &[usize]) -> Vec<f64> {
        self.evaluate(matrix, effective, candidates, candidates).into_iter().map(|(score, _)| score).collect()
    }
}

/// What a method adds to a framework's explanation beyond its match.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Detail {
    /// The weighted sum's contributions say it all.
    #[default]
    None,
    /// TOPSIS: Euclidean distances to the ideal and anti-ideal points, and
    /// the criterion with the largest gap to the ideal.
    Topsis { to_ideal: f64, to_anti_ideal: f64, largest_gap: Option<usize> },
    /// Weighted product: the rated criterion that holds the product down most.
    Product { weakest: Option<usize> },
}

/// Effective weights scaled to sum to 1.
pub(crate) fn normalised(effective: &[f64]) -> Vec<f64> {
    let total: f64 = effective.iter().sum();
    effective.iter().map(|e| e / total).collect()
}

/// The methods dlpick offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MethodId {
    /// 100 · Σ need·weight·score / Σ need·weight·5.
    #[default]
    WeightedSum,
    /// 100 · Π ((score + 1) / 6) ^ normalised weight: weak scores cost more.
    WeightedProduct,
    /// Closeness to the ideal framework (TOPSIS, vector normalisation).
    Topsis,
}

impl MethodId {
    pub const ALL: [Self; 3] = [Self::WeightedSum, Self::WeightedProduct, Self::Topsis];

    pub fn method(self) -> &'static dyn Method {
        match self {
            Self::WeightedSum => &WeightedSum,
            Self::WeightedProduct => &WeightedProduct,
            Self::Topsis => &Topsis,
        }
    }

    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        self.method().id()
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == crate::catalog::normalise_id(text).replace('_', "-"))
    }
}

/// A match, 0–100. It cannot be NaN (ordered-float's [`NotNan`]), so
/// matches are totally ordered, and a ranking's order, ties and top picks
/// follow from [`Standing`] without a float comparison that could go wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Match(NotNan<f64>);

impl Match {
    /// `x` as a match. A NaN would be a bug (validated knowledge bases and
    /// profiles give every method finite inputs with a positive weight
    /// sum): debug builds, and so the tests and the fuzzers, stop on one;
    /// elsewhere it counts as 0, as it always ranked and showed.
    pub fn new(x: f64) -> Self {
        debug_assert!(!x.is_nan(), "a match is NaN");
        Self(NotNan::new(x).unwrap_or_default())
    }

    pub fn get(self) -> f64 {
        self.0.into_inner()
    }

    /// In millionths: matches this close count as equal when ranking.
    pub(crate) fn tie_key(self) -> i64 {
        tie_key(self.get())
    }
}

impl From<Match> for f64 {
    fn from(m: Match) -> Self {
        m.get()
    }
}

/// Where a framework stands in a ranking, ordered best first: the higher
/// match (matches within 10⁻⁶ count as equal), then the framework listed
/// first (frameworks are stored in id order). Sorting by it is the
/// ranking; its minimum is the top pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Standing(Reverse<i64>, usize);

impl Standing {
    pub fn new(score: Match, framework: usize) -> Self {
        Self::of_key(score.tie_key(), framework)
    }

    /// From a match's [`Match::tie_key`], computed once.
    pub fn of_key(tie_key: i64, framework: usize) -> Self {
        Self(Reverse(tie_key), framework)
    }
}

/// A framework that made it into the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub framework: usize,
    /// Unrounded.
    pub score: Match,
    pub detail: Detail,
    /// 1-based; frameworks whose displayed match is equal share a rank
    /// ("1, 1, 3").
    pub rank: usize,
    /// Another ranked framework shows the same match.
    pub tied: bool,
}

/// A framework that is not maintained but meets every other requirement,
/// scored for reference (the article's view) under
/// [`InactivePolicy::Separate`]. It is never ranked.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub framework: usize,
    /// Unrounded, measured against the frameworks that compete.
    pub score: Match,
}

/// Why a hard constraint rules a framework out.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Listed in `require.exclude`.
    ExcludedByProfile,
    /// Not a deep-learning framework, and the profile asks for one.
    NotDeepLearning,
    /// Not maintained, and the policy is [`InactivePolicy::Exclude`].
    NotMaintained(Status),
    /// Reaches none of these required names of one kind: no maintained
    /// route to the language, target or hardware. `from` is set when a
    /// route exists but none that the required languages can call (see
    /// [`Require::callers`]).
    Unreached { kind: RouteKind, names: Vec<String>, from: Vec<String> },
    /// Scores below a required minimum.
    BelowMinimum { criterion: usize, score: f64, floor: f64 },
}

/// A framework a hard constraint ruled out.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub framework: usize,
    /// Every constraint it fails, in a fixed order.
    pub reasons: Vec<Reason>,
}

/// One profile's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub method: &'static str,
    /// The policy applied to frameworks that are not maintained.
    pub policy: InactivePolicy,
    /// need × weight per criterion.
    pub effective: Vec<f64>,
    /// The frameworks that compete, best first.
    pub ranked: Vec<Ranked>,
    /// Not maintained, shown for reference; best first. Empty unless the
    /// policy is `Separate`.
    pub reference: Vec<Reference>,
    /// In framework-id order.
    pub excluded: Vec<Exclusion>,
    /// Scores the profile's required routes decided (see [`routed`]).
    pub routed: Vec<Routed>,
}

/// Who competes, who is shown for reference, who is out.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Field {
    pub competing: Vec<usize>,
    pub reference: Vec<usize>,
    pub excluded: Vec<Exclusion>,
}

/// Sort frameworks into the field for `require` under its policy.
pub(crate) fn field(catalog: &Catalog, require: &Require) -> Field {
    let policy = require.policy();
    let mut out = Field::default();
    for f in 0..catalog.frameworks.len() {
        let mut reasons = reasons(catalog, f, require);
        let maintained = catalog.frameworks[f].status.is_maintained();
        match policy {
            InactivePolicy::Exclude if !maintained => {
                reasons.insert(0, Reason::NotMaintained(catalog.frameworks[f].status));
            }
            _ => {}
        }
        if !reasons.is_empty() {
            out.excluded.push(Exclusion { framework: f, reasons });
        } else if maintained || policy == InactivePolicy::Rank {
            out.competing.push(f);
        } else {
            out.reference.push(f);
        }
    }
    out
}

/// Score `profile` against the knowledge base.
pub fn rank(catalog: &Catalog, matrix: &Matrix, profile: &Profile, method: &dyn Method) -> Ranking {
    let routed = routed(catalog, &profile.require);
    let routed_matrix;
    let matrix = if routed.is_empty() {
        matrix
    } else {
        routed_matrix = matrix.with_routed(&routed);
        &routed_matrix
    };
    let effective = matrix.effective_weights(&profile.needs);
    let Field { competing, reference, excluded } = field(catalog, &profile.require);
    let scores =
        if competing.is_empty() { Vec::new() } else { method.evaluate(matrix, &effective, &competing, &competing) };
    let mut ranked: Vec<Ranked> = competing
        .into_iter()
        .zip(scores)
        .map(|(framework, (score, detail))| Ranked {
            framework,
            score: Match::new(score),
            detail,
            rank: 0,
            tied: false,
        })
        .collect();
    sort_ranking(&mut ranked);
    // Reference frameworks are measured within the competing field (or,
    // when none competes, among themselves).
    let mut reference: Vec<Reference> = if reference.is_empty() {
        Vec::new()
    } else {
        let basis: Vec<usize> =
            if ranked.is_empty() { reference.clone() } else { ranked.iter().map(|r| r.framework).collect() };
        let scores = method.evaluate(matrix, &effective, &basis, &reference);
        reference
            .into_iter()
            .zip(scores)
            .map(|(framework, (score, _))| Reference { framework, score: Match::new(score) })
            .collect()
    };
    reference.sort_by_key(|r| Standing::new(r.score, r.framework));
    Ranking { method: method.id(), policy: profile.require.policy(), effective, ranked, reference, excluded, routed }
}

/// Weighted-sum ranking of `candidates` for effective weights `effective`
/// (whose sum must be positive), best first, ties by id.
pub(crate) fn weighted_sum_ranking(matrix: &Matrix, effective: &[f64], candidates: &[usize]) -> Vec<Ranked> {
    let scores = WeightedSum.matches(matrix, effective, candidates);
    let mut ranked: Vec<Ranked> = candidates
        .iter()
        .zip(scores)
        .map(|(&framework, score)| Ranked {
            framework,
            score: Match::new(score),
            detail: Detail::None,
            rank: 0,
            tied: false,
        })
        .collect();
    sort_ranking(&mut ranked);
    ranked
}

/// Best first (scores equal to within 1e-6 count as equal, then by id:
/// frameworks are stored in id order, so by index), and each given its
/// displayed rank: frameworks whose match shows the same to one decimal
/// share a rank and are marked tied.
pub(crate) fn sort_ranking(ranked: &mut [Ranked]) {
    ranked.sort_by_key(|r| Standing::new(r.score, r.framework));
    let shown: Vec<i64> = ranked.iter().map(|r| display_key(r.score.get())).collect();
    let mut start = 0;
    while start < ranked.len() {
        let end = (start..ranked.len()).find(|&i| shown[i] != shown[start]).unwrap_or(ranked.len());
        for r in &mut ranked[start..end] {
            r.rank = start + 1;
            r.tied = end - start > 1;
        }
        start = end;
    }
}

/// Scores as integers in millionths, so near-equal scores compare as a
/// total order.
pub(crate) fn tie_key(score: f64) -> i64 {
    round_half_away(score * 1e6)
}

/// A match as shown: tenths, rounded half away from zero.
pub(crate) fn display_key(score: f64) -> i64 {
    round_half_away(score * 10.0)
}

/// Round to one decimal, as matches are shown.
#[allow(clippy::cast_precision_loss)]
pub(crate) fn round1(x: impl Into<f64>) -> f64 {
    display_key(x.into()) as f64 / 10.0
}

/// Round half away from zero to an integer. A cast, not `f64::round`, which
/// is a library call on baseline x86-64 and shows in batch profiles. Values
/// here are matches (0–100) scaled by at most 10⁶, far inside `i64`; NaN
/// becomes 0.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn round_half_away(x: f64) -> i64 {
    if x >= 0.0 { (x + 0.5) as i64 } else { (x - 0.5) as i64 }
}

/// The frameworks that compete under `require` (its policy included), in
/// id order.
pub(crate) fn candidates(catalog: &Catalog, require: &Require) -> Vec<usize> {
    field(catalog, require).competing
}

/// Every hard constraint of `require` that framework `f` fails, leaving
/// the policy on maintenance aside.
pub(crate) fn reasons(catalog: &Catalog, f: usize, require: &Require) -> Vec<Reason> {
    let framework = &catalog.frameworks[f];
    let mut reasons = Vec::new();
    if require.exclude.contains(&f) {
        reasons.push(Reason::ExcludedByProfile);
    }
    if require.deep_learning && !framework.deep_learning {
        reasons.push(Reason::NotDeepLearning);
    }
    for kind in RouteKind::ALL {
        let callers = require.callers(kind);
        let names: Vec<String> =
            require.names(kind).iter().filter(|n| framework.reach_from(kind, n, callers).is_none()).cloned().collect();
        if !names.is_empty() {
            let others_call = names.iter().any(|n| framework.reach(kind, n).is_some());
            let from = if others_call { callers.to_vec() } else { Vec::new() };
            reasons.push(Reason::Unreached { kind, names, from });
        }
    }
    for &(c, floor) in &require.min {
        let score = framework.attributes[c].score;
        if score < floor {
            reasons.push(Reason::BelowMinimum { criterion: c, score, floor });
        }
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(scores: &[f64]) -> Vec<Ranked> {
        let mut r: Vec<Ranked> = scores
            .iter()
            .enumerate()
            .map(|(framework, &score)| Ranked {
                framework,
                score: Match::new(score),
                detail: Detail::None,
                rank: 0,
                tied: false,
            })
            .collect();
        sort_ranking(&mut r);
        r
    }

    #[test]
    fn equal_displayed_matches_share_a_rank() {
        // 80.04 and 79.96 both show as 80.0: tied for 2nd; 60 is 4th.
        let r = ranked(&[60.0, 80.04, 90.0, 79.96]);
        let got: Vec<(usize, usize, bool)> = r.iter().map(|x| (x.framework, x.rank, x.tied)).collect();
        assert_eq!(got, [(2, 1, false), (1, 2, true), (3, 2, true), (0, 4, false)]);
    }

    #[test]
    fn exact_ties_are_listed_by_id() {
        let r = ranked(&[50.0, 70.0, 70.0]);
        let got: Vec<(usize, usize, bool)> = r.iter().map(|x| (x.framework, x.rank, x.tied)).collect();
        assert_eq!(got, [(1, 1, true), (2, 1, true), (0, 3, false)]);
    }

    #[test]
    fn standings_put_the_better_match_first_and_near_ties_by_id() {
        let at = |score: f64, framework| Standing::new(Match::new(score), framework);
        assert!(at(80.0, 5) < at(79.0, 0), "the better match first");
        assert!(at(80.000_000_4, 2) < at(80.0, 3), "within 10⁻⁶: by id");
        assert!(at(80.0, 2) < at(80.000_000_4, 3), "within 10⁻⁶: by id, either way");
        assert!(at(80.000_01, 3) < at(80.0, 2), "10⁻⁵ apart: by match");
        let mut standings = [at(50.0, 1), at(70.0, 4), at(70.0, 2), at(90.0, 3)];
        standings.sort();
        assert_eq!(standings.iter().map(|s| s.1).collect::<Vec<_>>(), [3, 2, 4, 1]);
        assert_eq!(Match::new(92.75).get().to_bits(), 92.75f64.to_bits());
    }

    #[test]
    fn methods_parse_by_their_names() {
        assert_eq!(MethodId::parse("weighted-sum"), Some(MethodId::WeightedSum));
        assert_eq!(MethodId::parse("TOPSIS"), Some(MethodId::Topsis));
        assert_eq!(MethodId::parse("weighted_product"), Some(MethodId::WeightedProduct));
        assert_eq!(MethodId::parse("sum"), None);
    }
}
