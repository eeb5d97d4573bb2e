//! Learning the global criterion weights from decisions teams actually made.
//!
//! A decision is a profile plus the framework the team chose. Under the
//! weighted sum the chosen framework c beats a rival f when
//! Σ_k w_k·x_k > 0 with x_k = 20·n_k·(s_ck − s_fk) / Σ n (at w = 1 that is
//! the difference of their matches, in points). We minimise the mean
//! logistic loss log(1 + e^(−w·x / τ)) over every chosen-versus-rival pair,
//! plus a small pull towards the current weights, by projected gradient
//! descent on {w ≥ 0, Σw = Σw₀}: keeping the sum fixed keeps the weights on
//! the familiar scale (the match is unchanged by scaling all weights). The
//! run is deterministic.

use crate::catalog::Catalog;
use crate::profile::{InactivePolicy, Profile, Require};
use crate::score::{Exclusion, Matrix, candidates, reasons, weighted_sum_ranking};

/// Temperature of the logistic loss, in match points.
const TAU: f64 = 0.5;
/// Candidate strengths of the pull towards the starting weights; the one
/// used is chosen by cross-validation on the training decisions.
pub const RIDGES: [f64; 5] = [0.001, 0.01, 0.1, 1.0, 10.0];
/// Folds for that cross-validation.
const FOLDS: usize = 4;
const STEPS: usize = 4000;
const LEARNING_RATE: f64 = 0.05;

/// A past decision ready for fitting.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub name: String,
    pub needs: Vec<f64>,
    pub candidates: Vec<usize>,
    pub chosen: usize,
}

impl Decision {
    /// `None` (with the reason) when the profile has no `chosen` or its own
    /// constraints rule the chosen framework out.
    /// Past decisions were made among the frameworks of their day, so every
    /// framework that meets the profile's constraints counts as a rival,
    /// maintained or not (the `rank` policy).
    pub fn from_profile(catalog: &Catalog, profile: &Profile) -> Result<Self, String> {
        let chosen = profile.chosen.ok_or_else(|| format!("`{}` has no `chosen` framework", profile.name))?;
        let reasons = reasons(catalog, chosen, &profile.require);
        if !reasons.is_empty() {
            let exclusion = Exclusion { framework: chosen, reasons };
            return Err(format!(
                "`{}` chose {}, which its own requirements exclude ({})",
                profile.name,
                catalog.frameworks[chosen].id,
                crate::explain::exclusion_text(catalog, &exclusion)
            ));
        }
        let require = Require { inactive: Some(InactivePolicy::Rank), ..profile.require.clone() };
        let candidates = candidates(catalog, &require);
        Ok(Self { name: profile.name.clone(), needs: profile.needs.clone(), candidates, chosen })
    }
}

/// Agreement between weights and decisions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    pub decisions: usize,
    /// Decisions whose top pick is the chosen framework.
    pub hits: usize,
    /// Sum of the chosen frameworks' ranks.
    pub rank_sum: usize,
    /// Share whose top pick is the chosen framework.
    pub top1: f64,
    /// Mean rank of the chosen framework (1 = first).
    pub mean_rank: f64,
}

/// The rank (1-based) of `d.chosen` under `weights`.
pub fn rank_of_chosen(matrix: &Matrix, weights: &[f64], d: &Decision) -> usize {
    let e: Vec<f64> = d.needs.iter().zip(weights).map(|(n, w)| n * w).collect();
    if e.iter().sum::<f64>() <= 0.0 {
        return d.candidates.len();
    }
    weighted_sum_ranking(matrix, &e, &d.candidates)
        .iter()
        .position(|r| r.framework == d.chosen)
        .map_or(d.candidates.len(), |p| p + 1)
}

/// How well `weights` reproduce `decisions`.
pub fn agreement(matrix: &Matrix, weights: &[f64], decisions: &[Decision]) -> Agreement {
    if decisions.is_empty() {
        return Agreement { decisions: 0, hits: 0, rank_sum: 0, top1: 0.0, mean_rank: 0.0 };
    }
    let ranks: Vec<usize> = decisions.iter().map(|d| rank_of_chosen(matrix, weights, d)).collect();
    #[allow(clippy::cast_precision_loss)]
    let n = decisions.len() as f64;
    #[allow(clippy::cast_precision_loss)]
    let hits = ranks.iter().filter(|&&r| r == 1).count();
    let rank_sum = ranks.iter().sum::<usize>();
    #[allow(clippy::cast_precision_loss)]
    Agreement { decisions: decisions.len(), hits, rank_sum, top1: hits as f64 / n, mean_rank: rank_sum as f64 / n }
}

/// Learn weights from `decisions`, starting at `start`, with the ridge
/// strength that predicts held-back training decisions best (k-fold
/// cross-validation; ties go to the stronger pull, i.e. the smaller change).
/// Returns the weights and the ridge used.
pub fn fit(matrix: &Matrix, start: &[f64], decisions: &[Decision]) -> (Vec<f64>, f64) {
    let ridge = if decisions.len() < FOLDS * 2 {
        RIDGES[RIDGES.len() / 2]
    } else {
        let mut best = (f64::NEG_INFINITY, f64::INFINITY, RIDGES[0]);
        for &ridge in &RIDGES {
            let (mut top1, mut mean_rank) = (0.0, 0.0);
            for k in 0..FOLDS {
                let range = k * decisions.len() / FOLDS..(k + 1) * decisions.len() / FOLDS;
                let train: Vec<Decision> =
                    decisions.iter().enumerate().filter(|(i, _)| !range.contains(i)).map(|(_, d)| d.clone()).collect();
                let w = fit_with(matrix, start, &train, ridge);
                let a = agreement(matrix, &w, &decisions[range]);
                top1 += a.top1;
                mean_rank += a.mean_rank;
            }
            if top1 > best.0 + 1e-12 || ((top1 - best.0).abs() <= 1e-12 && mean_rank <= best.1 + 1e-12) {
                best = (top1, mean_rank, ridge);
            }
        }
        best.2
    };
    (fit_with(matrix, start, decisions, ridge), ridge)
}

/// Projected gradient descent with a fixed ridge strength.
pub fn fit_with(matrix: &Matrix, start: &[f64], decisions: &[Decision], ridge: f64) -> Vec<f64> {
    let c = matrix.criteria;
    // One feature vector per chosen-versus-rival pair.
    let mut pairs: Vec<Vec<f64>> = Vec::new();
    for d in decisions {
        let needs_sum: f64 = d.needs.iter().sum();
        if needs_sum <= 0.0 {
            continue;
        }
        for &f in d.candidates.iter().filter(|&&f| f != d.chosen) {
            pairs.push(
                (0..c).map(|k| 20.0 * d.needs[k] * (matrix.row(d.chosen)[k] - matrix.row(f)[k]) / needs_sum).collect(),
            );
        }
    }
    let budget: f64 = start.iter().sum();
    if pairs.is_empty() || budget <= 0.0 {
        return start.to_vec();
    }
    #[allow(clippy::cast_precision_loss)]
    let m = pairs.len() as f64;
    let mut w = project(start, budget);
    let mut gradient = vec![0.0; c];
    for _ in 0..STEPS {
        gradient.iter_mut().zip(&w).zip(start).for_each(|((g, wk), s)| *g = 2.0 * ridge * (wk - s));
        for x in &pairs {
            let margin: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>() / TAU;
            // d/dw log(1 + e^(−margin)) = −σ(−margin) · x / τ
            let sigma = 1.0 / (1.0 + margin.exp());
            for (g, xk) in gradient.iter_mut().zip(x) {
                *g -= sigma * xk / TAU / m;
            }
        }
        let stepped: Vec<f64> = w.iter().zip(&gradient).map(|(wk, g)| wk - LEARNING_RATE * g).collect();
        w = project(&stepped, budget);
    }
    w
}

/// Euclidean projection onto {w ≥ 0, Σw = budget}.
pub fn project(v: &[f64], budget: f64) -> Vec<f64> {
    let mut sorted = v.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut cumulative = 0.0;
    let mut theta = 0.0;
    for (i, x) in sorted.iter().enumerate() {
        cumulative += x;
        #[allow(clippy::cast_precision_loss)]
        let t = (cumulative - budget) / (i + 1) as f64;
        if x - t > 0.0 {
            theta = t;
        }
    }
    v.iter().map(|x| (x - theta).max(0.0)).collect()
}

/// A deterministic shuffle (Fisher–Yates with SplitMix64) for the holdout split.
pub fn shuffled<T>(mut items: Vec<T>, seed: u64) -> Vec<T> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = usize::try_from(next() % (i as u64 + 1)).unwrap_or(0);
        items.swap(i, j);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_lands_on_the_scaled_simplex() {
        let p = project(&[3.0, -1.0, 0.5], 2.0);
        assert!((p.iter().sum::<f64>() - 2.0).abs() < 1e-12);
        assert!(p.iter().all(|x| *x >= 0.0));
        // Already feasible points stay put.
        assert_eq!(project(&[1.0, 1.0], 2.0), vec![1.0, 1.0]);
    }

    #[test]
    fn shuffling_is_a_seeded_permutation() {
        let a = shuffled((0..20).collect::<Vec<_>>(), 3);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert_eq!(a, shuffled((0..20).collect::<Vec<_>>(), 3));
        assert_ne!(a, shuffled((0..20).collect::<Vec<_>>(), 4));
    }
}
