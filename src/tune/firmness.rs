//! How firm a choice is, as a decision record confirms it: the exact range
//! of each weight over which the winner stays first (weighted sum only) and
//! the rank acceptability under sampled weights, with `dlpick tune
//! robustness`'s defaults, so either command gives the same figures.

use super::robustness::{self, Robustness, Settings, Spread};
use crate::catalog::Catalog;
use crate::explain::Advice;
use crate::score::MethodId;
use crate::score::sensitivity::{self, Sensitivity};

/// Weight samples, as `tune robustness --samples` by default.
pub const SAMPLES: u64 = 100_000;
/// The seed, as `tune robustness --seed` by default.
pub const SEED: u64 = 1;
/// Each effective weight varies by this fraction, as `tune robustness
/// --spread` by default.
pub const SPREAD: f64 = 0.3;

/// The two analyses of one advice.
#[derive(Debug, Clone, PartialEq)]
pub struct Firmness {
    /// The exact ranges; `None` under a method without an exact answer or
    /// when nothing is ranked.
    pub sensitivity: Option<Sensitivity>,
    /// `None` when nothing is ranked.
    pub robustness: Option<Robustness>,
    pub seed: u64,
}

/// Analyse `advice` (its profile, with the policy it was ranked under) for
/// `method`. `threads` as `tune robustness --threads`: the figures do not
/// depend on it.
pub fn analyse(catalog: &Catalog, advice: &Advice, method: MethodId, threads: usize) -> Firmness {
    let sensitivity = if method == MethodId::WeightedSum {
        advice.sensitivity.clone().or_else(|| sensitivity::analyse(catalog, &advice.profile))
    } else {
        None
    };
    let settings = Settings { method, samples: SAMPLES, spread: Spread::Around(SPREAD), seed: SEED, threads };
    let robustness = if advice.ranking.is_empty() {
        None
    } else {
        robustness::analyse(catalog, &advice.profile, &settings, &|_| {})
    };
    Firmness { sensitivity: sensitivity.filter(|_| !advice.ranking.is_empty()), robustness, seed: SEED }
}
