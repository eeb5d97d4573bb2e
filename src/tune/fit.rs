//! Learning the global criterion weights from decisions teams actually made.
//!
//! A decision is a profile plus the framework the team chose. Under the
//! weighted sum the chosen framework c beats a rival f when
//! Σ_k w_k·x_k > 0 with x_k = 20·n_k·(s_ck − s_fk) / Σ n (at w = 1 that is
//! the difference of their matches, in points). We minimise the mean
//! logistic loss log(1 + e^(−w·x / τ)) over every chosen-versus-rival pair,
//! plus a small pull towards the current weights, by projected gradient
//! descent on {w ≥ floor, Σw = Σw₀}: keeping the sum fixed keeps the weights
//! on the familiar scale (the match is unchanged by scaling all weights),
//! and the floor ([`FLOOR_SHARE`] of the mean weight) keeps every criterion
//! counting. The pull is towards equal weights and the descent starts there,
//! so the result depends only on the decisions and the weights' sum: fitting
//! again from fitted weights gives the same weights. The run is
//! deterministic.

use crate::catalog::Catalog;
use crate::profile::{InactivePolicy, Profile, Require};
use crate::score::{Exclusion, Matrix, candidates, reasons, weighted_sum_ranking};

/// No fitted weight falls below this share of the mean weight.
pub const FLOOR_SHARE: f64 = 0.1;

/// Temperature of the logistic loss, in match points.
const TAU: f64 = 0.5;
/// Candidate strengths of the pull towards the starting weights; the one
/// used is chosen by cross-validation on the training decisions.
pub const RIDGES: [f64; 5] = [0.001, 0.01, 0.1, 1.0, 10.0];
/// Folds for that cross-validation; with many decisions two folds choose as
/// well as four, at less than half the cost.
const FOLDS: usize = 4;
const FOLDS_WHEN_MANY: usize = 2;
/// From this many decisions on, [`FOLDS_WHEN_MANY`] folds are used.
const MANY: usize = 2000;

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

/// How the learned weights compare with the current ones on the decisions
/// that judge them (held out, or training when none are held out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitVerdict {
    /// More decisions agree, or as many with a better mean rank.
    Better,
    /// Fewer agree: the current weights are kept.
    Worse,
    /// Held-out agreement is unchanged and training agreement rose.
    TrainingOnly,
    /// Nothing changed.
    Same,
}

/// Everything `tune fit` found, for a report.
#[derive(Debug, Clone)]
pub struct FitOutcome {
    /// The file `--write` writes into, when there is one.
    pub file: Option<String>,
    /// Decisions left out because a single framework met their requirements.
    pub single: Vec<String>,
    /// Agreement before and after, on the training and held-out decisions.
    pub train: (Agreement, Agreement),
    pub holdout: (Agreement, Agreement),
    /// Every criterion's weight before and after (rounded as written).
    pub weights: Vec<(usize, f64, f64)>,
    pub ridge: f64,
    pub write_requested: bool,
}

impl FitOutcome {
    /// How many decisions were fitted and judged, held out ones included.
    pub fn decisions(&self) -> usize {
        self.train.0.decisions + self.holdout.0.decisions
    }

    /// How many of the decisions were held out to judge the fit.
    pub fn held_out(&self) -> usize {
        self.holdout.0.decisions
    }

    /// Agreement before and after on the decisions that judge the fit.
    pub fn judged(&self) -> (Agreement, Agreement) {
        if self.held_out() == 0 { self.train } else { self.holdout }
    }

    /// How the learned weights compare with the current ones.
    pub fn verdict(&self) -> FitVerdict {
        verdict(self.judged(), self.train, self.held_out())
    }

    /// The weights that changed: (criterion, before, after).
    pub fn changes(&self) -> impl Iterator<Item = (usize, f64, f64)> + '_ {
        self.weights.iter().copied().filter(|(_, b, a)| (b - a).abs() > 1e-9)
    }

    /// Whether the fit is worth writing: not worse, and some weight changed.
    pub fn worth_writing(&self) -> bool {
        self.verdict() != FitVerdict::Worse && self.changes().next().is_some()
    }

    /// Whether `--write` writes the weights.
    pub fn written(&self) -> bool {
        self.write_requested && self.worth_writing()
    }

    /// True when the fit would be worth writing but `--write` was not given.
    pub fn dry_run(&self) -> bool {
        !self.write_requested && self.worth_writing()
    }
}

/// The verdict from agreement counts on the same decisions before and after
/// (counts, not ratios, so nothing is lost to rounding).
fn verdict(judged: (Agreement, Agreement), train: (Agreement, Agreement), held_out: usize) -> FitVerdict {
    let key = |a: Agreement| (a.hits, std::cmp::Reverse(a.rank_sum));
    if key(judged.1) > key(judged.0) {
        FitVerdict::Better
    } else if key(judged.1) < key(judged.0) {
        FitVerdict::Worse
    } else if held_out > 0 && train.1.hits > train.0.hits {
        FitVerdict::TrainingOnly
    } else {
        FitVerdict::Same
    }
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

/// Equal weights with the same sum as `current`: the prior of every fit.
pub fn prior(current: &[f64]) -> Vec<f64> {
    #[allow(clippy::cast_precision_loss)]
    let mean = current.iter().sum::<f64>() / current.len().max(1) as f64;
    vec![mean; current.len()]
}

/// Learn weights from `decisions`, starting at and pulled towards `start`
/// (use [`prior`]), with the ridge strength that predicts held-back training
/// decisions best (k-fold cross-validation; ties go to the stronger pull,
/// i.e. the smaller change). Returns the weights and the ridge used.
pub fn fit(matrix: &Matrix, start: &[f64], decisions: &[Decision]) -> (Vec<f64>, f64) {
    let ridge = if decisions.len() < FOLDS * 2 {
        RIDGES[RIDGES.len() / 2]
    } else {
        // Each ridge strength is scored on its own thread; the scores are
        // compared in a fixed order, so the choice does not depend on timing.
        let folds = if decisions.len() >= MANY { FOLDS_WHEN_MANY } else { FOLDS };
        let score = |ridge: f64| {
            let (mut top1, mut mean_rank) = (0.0, 0.0);
            for k in 0..folds {
                let range = k * decisions.len() / folds..(k + 1) * decisions.len() / folds;
                let train: Vec<Decision> =
                    decisions.iter().enumerate().filter(|(i, _)| !range.contains(i)).map(|(_, d)| d.clone()).collect();
                let w = fit_with(matrix, start, &train, ridge);
                let a = agreement(matrix, &w, &decisions[range]);
                top1 += a.top1;
                mean_rank += a.mean_rank;
            }
            (top1, mean_rank)
        };
        let scores: Vec<(f64, f64)> = std::thread::scope(|scope| {
            let handles: Vec<_> = RIDGES.iter().map(|&ridge| scope.spawn(move || score(ridge))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or((f64::NEG_INFINITY, f64::INFINITY))).collect()
        });
        let mut best = (f64::NEG_INFINITY, f64::INFINITY, RIDGES[0]);
        for (&ridge, &(top1, mean_rank)) in RIDGES.iter().zip(&scores) {
            if top1 > best.0 + 1e-12 || ((top1 - best.0).abs() <= 1e-12 && mean_rank <= best.1 + 1e-12) {
                best = (top1, mean_rank, ridge);
            }
        }
        best.2
    };
    (fit_with(matrix, start, decisions, ridge), ridge)
}

/// Newton's method on {w ≥ floor, Σw = Σstart} with a fixed ridge strength.
pub fn fit_with(matrix: &Matrix, start: &[f64], decisions: &[Decision], ridge: f64) -> Vec<f64> {
    let c = matrix.criteria;
    // One feature vector per chosen-versus-rival pair, flattened.
    let mut pairs: Vec<f64> = Vec::new();
    for d in decisions {
        let needs_sum: f64 = d.needs.iter().sum();
        if needs_sum <= 0.0 {
            continue;
        }
        for &f in d.candidates.iter().filter(|&&f| f != d.chosen) {
            pairs.extend((0..c).map(|k| 20.0 * d.needs[k] * (matrix.row(d.chosen)[k] - matrix.row(f)[k]) / needs_sum));
        }
    }
    let budget: f64 = start.iter().sum();
    if pairs.is_empty() || budget <= 0.0 {
        return start.to_vec();
    }
    #[allow(clippy::cast_precision_loss)]
    let floor = FLOOR_SHARE * budget / c as f64;
    let loss = Loss { pairs: &pairs, dims: c, prior: start, ridge };
    let mut w = project_with_floor(start, budget, floor);
    let mut current = loss.value(&w);
    for _ in 0..MAX_NEWTON_STEPS {
        let (gradient, hessian) = loss.gradient_and_hessian(&w);
        // Newton's direction within Σw = budget: d = −H⁻¹(g − ν·1), with ν
        // chosen so that Σd = 0.
        let (Some(hg), Some(h1)) = (solve(&hessian, &gradient, c), solve(&hessian, &vec![1.0; c], c)) else {
            break;
        };
        let nu = hg.iter().sum::<f64>() / h1.iter().sum::<f64>();
        let direction: Vec<f64> = hg.iter().zip(&h1).map(|(a, b)| -(a - nu * b)).collect();
        // Backtracking: halve the step until the loss falls; the floor is
        // kept by projecting each trial point.
        let mut step = 1.0;
        let mut moved = false;
        for _ in 0..40 {
            let trial: Vec<f64> = w.iter().zip(&direction).map(|(x, d)| x + step * d).collect();
            let trial = project_with_floor(&trial, budget, floor);
            let value = loss.value(&trial);
            if value < current - 1e-15 {
                let change = trial.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
                w = trial;
                current = value;
                moved = change > 1e-12;
                break;
            }
            step /= 2.0;
        }
        if !moved {
            break;
        }
    }
    w
}

/// Newton steps at most; each halves the distance to the optimum many times
/// over, so a few dozen reach machine precision.
const MAX_NEWTON_STEPS: usize = 100;

/// The mean logistic loss over chosen-versus-rival pairs, plus the pull
/// towards the prior.
struct Loss<'a> {
    /// Row-major, `dims` per pair.
    pairs: &'a [f64],
    dims: usize,
    prior: &'a [f64],
    ridge: f64,
}

impl Loss<'_> {
    #[allow(clippy::cast_precision_loss)]
    fn count(&self) -> f64 {
        (self.pairs.len() / self.dims) as f64
    }

    fn value(&self, w: &[f64]) -> f64 {
        let data: f64 = self
            .pairs
            .chunks_exact(self.dims)
            .map(|x| {
                let z = x.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / TAU;
                // log(1 + e^(−z)), stable for large |z|.
                if z > 0.0 { (-z).exp().ln_1p() } else { -z + z.exp().ln_1p() }
            })
            .sum();
        let pull: f64 = w.iter().zip(self.prior).map(|(a, p)| (a - p).powi(2)).sum();
        data / self.count() + self.ridge * pull
    }

    #[allow(clippy::many_single_char_names)] // w, g, h, x, z as in the formulas
    fn gradient_and_hessian(&self, w: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let c = self.dims;
        let mut g = vec![0.0; c];
        let mut h = vec![0.0; c * c];
        for x in self.pairs.chunks_exact(c) {
            let z = x.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / TAU;
            let sigma = 1.0 / (1.0 + z.exp()); // σ(−z)
            let curve = sigma * (1.0 - sigma) / (TAU * TAU);
            for i in 0..c {
                g[i] -= sigma * x[i] / TAU;
                let row = curve * x[i];
                if row != 0.0 {
                    for j in 0..=i {
                        h[i * c + j] += row * x[j];
                    }
                }
            }
        }
        let m = self.count();
        for i in 0..c {
            g[i] = g[i] / m + 2.0 * self.ridge * (w[i] - self.prior[i]);
            for j in 0..=i {
                let v = h[i * c + j] / m + if i == j { 2.0 * self.ridge } else { 0.0 };
                h[i * c + j] = v;
                h[j * c + i] = v;
            }
        }
        (g, h)
    }
}

/// Solve `a·x = b` for a symmetric positive definite `a` (n×n, row-major) by
/// Cholesky factorisation; `None` when `a` is not positive definite.
#[allow(clippy::many_single_char_names)] // a, b, x, l, y as in the textbook
fn solve(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - sum;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - sum) / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let sum: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - sum) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let sum: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - sum) / l[i * n + i];
    }
    Some(x)
}

/// Euclidean projection onto {w ≥ floor, Σw = budget}.
pub fn project_with_floor(v: &[f64], budget: f64, floor: f64) -> Vec<f64> {
    #[allow(clippy::cast_precision_loss)]
    let spare = budget - floor * v.len() as f64;
    let shifted: Vec<f64> = v.iter().map(|x| x - floor).collect();
    project(&shifted, spare.max(0.0)).into_iter().map(|x| x + floor).collect()
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
    fn cholesky_solves_a_small_system() {
        // [[4, 2], [2, 3]] x = [2, 1] → x = [0.5, 0].
        let x = solve(&[4.0, 2.0, 2.0, 3.0], &[2.0, 1.0], 2).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12, "{x:?}");
        assert!(solve(&[0.0, 0.0, 0.0, 0.0], &[1.0, 1.0], 2).is_none());
    }

    #[test]
    fn the_floor_holds_and_the_sum_is_kept() {
        let p = project_with_floor(&[5.0, -3.0, 0.0, 0.0], 4.0, 0.1);
        assert!((p.iter().sum::<f64>() - 4.0).abs() < 1e-12);
        assert!(p.iter().all(|x| *x >= 0.1 - 1e-12), "{p:?}");
        assert_eq!(prior(&[1.0, 2.0, 3.0]), vec![2.0; 3]);
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
