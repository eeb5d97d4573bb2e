//! Scoring: from a profile's needs to a ranked list of frameworks.
//!
//! Each aggregation method lives in its own file behind [`Method`], so a new
//! method is one file and one line in [`MethodId`]. This module owns what all
//! methods share: the knowledge base as a dense [`Matrix`], hard constraints,
//! and a deterministic ranking (ties broken by framework id).

mod topsis;
mod weighted_product;
mod weighted_sum;

pub use topsis::{Topsis, TopsisResult};
pub use weighted_product::WeightedProduct;
pub use weighted_sum::WeightedSum;

use crate::catalog::{Catalog, Status};
use crate::profile::{Profile, Require};

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

    /// The match (0–100) of each of `candidates`, in the same order, with
    /// what the method can say about it. `effective` is need × weight per
    /// criterion; its sum is positive.
    fn evaluate(&self, matrix: &Matrix, effective: &[f64], candidates: &[usize]) -> Vec<(f64, Detail)>;

    /// Only the matches.
    fn matches(&self, matrix: &Matrix, effective: &[f64], candidates: &[usize]) -> Vec<f64> {
        self.evaluate(matrix, effective, candidates).into_iter().map(|(score, _)| score).collect()
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
pub fn normalised(effective: &[f64]) -> Vec<f64> {
    let total: f64 = effective.iter().sum();
    effective.iter().map(|e| e / total).collect()
}

/// The methods dlpick offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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
    pub fn method(self) -> &'static dyn Method {
        match self {
            Self::WeightedSum => &WeightedSum,
            Self::WeightedProduct => &WeightedProduct,
            Self::Topsis => &Topsis,
        }
    }
}

/// A framework that made it into the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub framework: usize,
    /// 0–100, unrounded.
    pub score: f64,
    pub detail: Detail,
}

/// A framework a hard constraint ruled out.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub framework: usize,
    /// Why, in words.
    pub reason: String,
}

/// One profile's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub method: &'static str,
    /// need × weight per criterion.
    pub effective: Vec<f64>,
    /// Best first.
    pub ranked: Vec<Ranked>,
    /// In framework-id order.
    pub excluded: Vec<Exclusion>,
}

/// Score `profile` against the knowledge base.
pub fn rank(catalog: &Catalog, matrix: &Matrix, profile: &Profile, method: &dyn Method) -> Ranking {
    let effective = matrix.effective_weights(&profile.needs);
    let mut candidates = Vec::with_capacity(matrix.frameworks);
    let mut excluded = Vec::new();
    for f in 0..matrix.frameworks {
        match exclusion_reason(catalog, f, &profile.require) {
            Some(reason) => excluded.push(Exclusion { framework: f, reason }),
            None => candidates.push(f),
        }
    }
    let scores = if candidates.is_empty() { Vec::new() } else { method.evaluate(matrix, &effective, &candidates) };
    let mut ranked: Vec<Ranked> = candidates
        .into_iter()
        .zip(scores)
        .map(|(framework, (score, detail))| Ranked { framework, score, detail })
        .collect();
    sort_ranking(&mut ranked);
    Ranking { method: method.id(), effective, ranked, excluded }
}

/// Weighted-sum ranking of `candidates` for effective weights `effective`
/// (whose sum must be positive), best first, ties by id.
pub fn weighted_sum_ranking(matrix: &Matrix, effective: &[f64], candidates: &[usize]) -> Vec<Ranked> {
    let scores = WeightedSum.matches(matrix, effective, candidates);
    let mut ranked: Vec<Ranked> = candidates
        .iter()
        .zip(scores)
        .map(|(&framework, score)| Ranked { framework, score, detail: Detail::None })
        .collect();
    sort_ranking(&mut ranked);
    ranked
}

/// Best first; scores equal to within 1e-6 count as a tie, broken by id
/// (frameworks are stored in id order, so by index).
pub fn sort_ranking(ranked: &mut [Ranked]) {
    ranked.sort_by_key(|r| (std::cmp::Reverse(tie_key(r.score)), r.framework));
}

/// Scores as integers in millionths, so ties compare as a total order.
pub fn tie_key(score: f64) -> i64 {
    round_half_away(score * 1e6)
}

/// Round to one decimal, as matches are shown.
#[allow(clippy::cast_precision_loss)]
pub fn round1(x: f64) -> f64 {
    round_half_away(x * 10.0) as f64 / 10.0
}

/// Round half away from zero to an integer. A cast, not `f64::round`, which
/// is a library call on baseline x86-64 and shows in batch profiles. Values
/// here are matches (0–100) scaled by at most 10⁶, far inside `i64`; NaN
/// becomes 0.
#[allow(clippy::cast_possible_truncation)]
pub fn round_half_away(x: f64) -> i64 {
    if x >= 0.0 { (x + 0.5) as i64 } else { (x - 0.5) as i64 }
}

/// The frameworks that pass `require`, in id order.
pub fn candidates(catalog: &Catalog, require: &Require) -> Vec<usize> {
    (0..catalog.frameworks.len()).filter(|&f| exclusion_reason(catalog, f, require).is_none()).collect()
}

/// Why `require` rules out framework `f`, or `None` when it passes.
pub fn exclusion_reason(catalog: &Catalog, f: usize, require: &Require) -> Option<String> {
    let framework = &catalog.frameworks[f];
    let mut reasons = Vec::new();
    if require.exclude.contains(&f) {
        reasons.push("excluded by the profile (require.exclude)".to_string());
    }
    if require.deep_learning && !framework.deep_learning {
        reasons.push(
            "not a deep-learning framework, as the article itself says; set require.deep_learning = false to rank it"
                .to_string(),
        );
    }
    if require.active_only && framework.status != Status::Active {
        reasons.push(format!(
            "not actively developed ({}). {}",
            framework.status.phrase(),
            framework.status_note.trim_end_matches('.')
        ));
    }
    let missing: Vec<&str> =
        require.languages.iter().filter(|l| !framework.languages.contains(l)).map(String::as_str).collect();
    if !missing.is_empty() {
        reasons.push(format!("offers no API in {} (it has {})", missing.join(", "), framework.languages.join(", ")));
    }
    for &(c, floor) in &require.min {
        let score = framework.attributes[c].score;
        if score < floor {
            reasons.push(format!("{} {score}/5 is below the required minimum of {floor}", catalog.criteria[c].name));
        }
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}
