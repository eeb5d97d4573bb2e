//! How far one criterion's weight can move before the winner changes.
//!
//! Under the weighted sum every match shares the denominator 5·Σe, so the
//! winner W beats framework f exactly when Σ_c e_c·(s_Wc − s_fc) > 0. Holding
//! every other effective weight fixed, that difference is linear in e_k:
//! d0 + e_k·d1. Each rival therefore gives one breakpoint, a bound above or
//! below; the winner's interval is the tightest pair. No sampling.

use super::{Matrix, weighted_sum_ranking};
use crate::catalog::Catalog;
use crate::profile::Profile;

/// What happens at one end of the interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flip {
    /// The effective weight at which the winner changes.
    pub at: f64,
    /// Who wins beyond it.
    pub winner: usize,
}

/// The stability of the winner along one criterion's weight.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionSensitivity {
    pub criterion: usize,
    pub need: f64,
    /// Global weight from the knowledge base.
    pub weight: f64,
    /// need × weight.
    pub effective: f64,
    /// The winner stays first for effective weights in [low, high].
    pub low: f64,
    pub high: f64,
    /// Lowering the weight below `low` hands the lead to …
    pub down: Option<Flip>,
    /// Raising it above `high` hands the lead to …
    pub up: Option<Flip>,
}

impl CriterionSensitivity {
    /// The smallest relative change (fraction of the current effective
    /// weight) that flips the winner, if any.
    pub fn fragility(&self) -> Option<f64> {
        if self.effective <= 0.0 {
            return None;
        }
        let down = self.down.map(|f| (self.effective - f.at) / self.effective);
        let up = self.up.map(|f| (f.at - self.effective) / self.effective);
        match (down, up) {
            (Some(d), Some(u)) => Some(d.min(u)),
            (d, u) => d.or(u),
        }
    }

    /// The same interval in units of the global `weight`.
    pub fn weight_interval(&self) -> (f64, f64) {
        (self.low / self.need, self.high / self.need)
    }
}

/// Sensitivity of a profile's winner to each criterion it rates.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub winner: usize,
    pub candidates: Vec<usize>,
    pub criteria: Vec<CriterionSensitivity>,
}

impl Sensitivity {
    /// The criterion whose smallest flipping change is smallest.
    pub fn most_fragile(&self) -> Option<&CriterionSensitivity> {
        self.criteria
            .iter()
            .filter_map(|c| c.fragility().map(|f| (c, f)))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.criterion.cmp(&b.0.criterion)))
            .map(|(c, _)| c)
    }
}

/// The weighted-sum winner for effective weights `e` among `candidates`,
/// with ranking's tie rule (matches within 10⁻⁶, then id).
pub fn winner(matrix: &Matrix, e: &[f64], candidates: &[usize]) -> Option<usize> {
    if e.iter().sum::<f64>() <= 0.0 {
        return None;
    }
    weighted_sum_ranking(matrix, e, candidates).first().map(|r| r.framework)
}

/// Analyse `profile`; `None` when no framework passes its constraints.
pub fn analyse(catalog: &Catalog, profile: &Profile) -> Option<Sensitivity> {
    let matrix = Matrix::for_require(catalog, &profile.require);
    let candidates = super::candidates(catalog, &profile.require);
    let e = matrix.effective_weights(&profile.needs);
    let w = winner(&matrix, &e, &candidates)?;
    let criteria = (0..matrix.criteria)
        .filter(|&k| profile.needs[k] > 0.0)
        .map(|k| along(&matrix, &e, &candidates, w, k, profile.needs[k], catalog.criteria[k].weight))
        .collect();
    Some(Sensitivity { winner: w, candidates, criteria })
}

fn along(
    matrix: &Matrix,
    e: &[f64],
    candidates: &[usize],
    w: usize,
    k: usize,
    need: f64,
    weight: f64,
) -> CriterionSensitivity {
    let others = |f: usize| -> f64 {
        matrix.row(f).iter().zip(e).enumerate().filter(|(c, _)| *c != k).map(|(_, (s, x))| s * x).sum()
    };
    let a_w = others(w);
    let s_wk = matrix.row(w)[k];
    let (mut low, mut high) = (0.0f64, f64::INFINITY);
    for &f in candidates.iter().filter(|&&f| f != w) {
        let d0 = a_w - others(f);
        let d1 = s_wk - matrix.row(f)[k];
        if d1 > 0.0 {
            low = low.max(-d0 / d1);
        } else if d1 < 0.0 {
            high = high.min(-d0 / d1);
        }
    }
    let at = |t: f64| {
        let mut moved = e.to_vec();
        moved[k] = t;
        winner(matrix, &moved, candidates)
    };
    // Step just past each end to see who leads there: far enough that the
    // matches differ by more than the ranking's tie tolerance (10⁻⁶).
    let nudge = |t: f64| (t.abs() * 1e-4).max(1e-6);
    let down = (low > 0.0)
        .then(|| at((low - nudge(low)).max(0.0)))
        .flatten()
        .filter(|&f| f != w)
        .map(|winner| Flip { at: low, winner });
    let up = high
        .is_finite()
        .then(|| at(high + nudge(high)))
        .flatten()
        .filter(|&f| f != w)
        .map(|winner| Flip { at: high, winner });
    CriterionSensitivity { criterion: k, need, weight, effective: e[k], low, high, down, up }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Require;

    fn profile(catalog: &Catalog, needs: &[(&str, f64)]) -> Profile {
        let mut n = vec![0.0; catalog.criteria.len()];
        for (id, v) in needs {
            n[catalog.criterion_index(id).unwrap()] = *v;
        }
        Profile {
            name: "p".into(),
            description: None,
            needs: n,
            require: Require::default(),
            chosen: None,
            unasked: Vec::new(),
        }
    }

    #[test]
    fn breakpoints_agree_with_a_brute_force_scan() {
        let catalog = Catalog::builtin().unwrap();
        let matrix = Matrix::new(&catalog);
        for needs in [
            vec![("beginner_friendliness", 5.0), ("rapid_prototyping", 4.0), ("debuggability", 2.0)],
            vec![("mobile_deployment", 5.0), ("gpu_support", 2.0), ("rapid_prototyping", 1.0)],
            vec![("distributed_training", 5.0), ("gpu_support", 4.0), ("visualization", 3.0), ("api_stability", 2.0)],
            vec![("multi_language", 5.0), ("debuggability", 3.0)],
        ] {
            let p = profile(&catalog, &needs);
            let s = analyse(&catalog, &p).unwrap();
            let e = matrix.effective_weights(&p.needs);
            for c in &s.criteria {
                // Scan the effective weight from 0 to 50 in small steps.
                for i in 0..=5000 {
                    let t = f64::from(i) * 0.01;
                    let near = |b: f64| (t - b).abs() < 1e-3;
                    if near(c.low) || near(c.high) {
                        continue;
                    }
                    let mut moved = e.clone();
                    moved[c.criterion] = t;
                    let Some(got) = winner(&matrix, &moved, &s.candidates) else { continue };
                    let inside = t >= c.low && t <= c.high;
                    assert_eq!(
                        got == s.winner,
                        inside,
                        "criterion {} at {t}: winner {got}, interval [{}, {}]",
                        c.criterion,
                        c.low,
                        c.high
                    );
                    if !inside && t < c.low && t > c.low - 0.05 {
                        assert_eq!(Some(got), c.down.map(|f| f.winner));
                    }
                    if !inside && t > c.high && t < c.high + 0.05 {
                        assert_eq!(Some(got), c.up.map(|f| f.winner));
                    }
                }
            }
        }
    }

    #[test]
    fn a_hand_computed_breakpoint() {
        // Keras vs PyTorch on beginner-friendliness (5 vs 4) and debuggability (3 vs 5):
        // with debuggability at effective weight 2, Keras wins while
        // 5b + 6 > 4b + 10, i.e. b > 4, and PyTorch takes over below 4.
        let catalog = Catalog::builtin().unwrap();
        let mut p = profile(&catalog, &[("beginner_friendliness", 5.0), ("debuggability", 2.0)]);
        p.require.exclude = (0..catalog.frameworks.len())
            .filter(|&f| !["keras", "pytorch"].contains(&catalog.frameworks[f].id.as_str()))
            .collect();
        let s = analyse(&catalog, &p).unwrap();
        assert_eq!(catalog.frameworks[s.winner].id, "keras");
        let b = s.criteria.iter().find(|c| catalog.criteria[c.criterion].id == "beginner_friendliness").unwrap();
        assert!((b.low - 4.0).abs() < 1e-12 && b.high.is_infinite());
        assert_eq!(catalog.frameworks[b.down.unwrap().winner].id, "pytorch");
        assert!((b.fragility().unwrap() - 0.2).abs() < 1e-12);
    }
}
