//! The weighted sum: the share of the best possible score a framework earns,
//! each criterion counting by need × global weight.
//!
//! This is the definition. Its fast forms for many rows
//! ([`super::rows`], [`super::whole_needs`]) use [`scale`] and add the same
//! products in the same order, so they give the same bits; their
//! differential tests hold them to it.

use super::{Detail, Matrix, Method};
use crate::catalog::SCALE_MAX;

/// What turns Σ_c e_c·s_fc into a match: 100 / (Σ_c e_c · 5), for
/// `total` = Σ_c e_c (positive).
pub(super) fn scale(total: f64) -> f64 {
    100.0 / (total * SCALE_MAX)
}

/// match(f) = 100 · Σ_c e_c·s_fc / Σ_c e_c·5, where e_c = need_c · weight_c.
#[derive(Debug, Clone, Copy, Default)]
pub struct WeightedSum;

impl WeightedSum {
    /// Points each criterion adds to framework `f`'s match; they sum to it.
    pub fn contributions(matrix: &Matrix, effective: &[f64], f: usize) -> Vec<f64> {
        let scale = scale(effective.iter().sum::<f64>());
        matrix.row(f).iter().zip(effective).map(|(s, e)| scale * e * s).collect()
    }
}

impl Method for WeightedSum {
    fn id(&self) -> &'static str {
        "weighted-sum"
    }

    fn evaluate(&self, matrix: &Matrix, effective: &[f64], _field: &[usize], targets: &[usize]) -> Vec<(f64, Detail)> {
        let scale = scale(effective.iter().sum::<f64>());
        targets
            .iter()
            .map(|&f| (scale * matrix.row(f).iter().zip(effective).map(|(s, e)| s * e).sum::<f64>(), Detail::None))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix() -> Matrix {
        // Two frameworks, three criteria; weights 1, 2, 0.
        Matrix { frameworks: 2, criteria: 3, scores: vec![5.0, 2.0, 4.0, 3.0, 4.0, 0.0], weights: vec![1.0, 2.0, 0.0] }
    }

    #[test]
    fn matches_a_hand_calculation() {
        let m = matrix();
        let e = m.effective_weights(&[4.0, 3.0, 5.0]); // 4, 6, 0
        // f0: (4·5 + 6·2) / (10·5) = 32/50 = 64 %; f1: (4·3 + 6·4) / 50 = 36/50 = 72 %.
        let got = WeightedSum.matches(&m, &e, &[0, 1]);
        assert!((got[0] - 64.0).abs() < 1e-9 && (got[1] - 72.0).abs() < 1e-9, "{got:?}");
    }

    #[test]
    fn contributions_add_up_to_the_match() {
        let m = matrix();
        let e = m.effective_weights(&[4.0, 3.0, 5.0]);
        let parts = WeightedSum::contributions(&m, &e, 1);
        assert!((parts[0] - 24.0).abs() < 1e-9 && (parts[1] - 48.0).abs() < 1e-9 && parts[2] == 0.0);
    }
}
