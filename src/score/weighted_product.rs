//! The weighted product: a weighted geometric mean, so one weak score on an
//! important criterion costs more than a sum would let it.
//!
//! Scores are shifted by one (0–5 becomes 1–6) before multiplying, so a zero
//! does not wipe out every other strength; the match is
//! 100 · Π_c ((s_fc + 1) / 6) ^ w_c with w = need × weight normalised to sum
//! to 1. A framework scoring 5 everywhere gets 100; one scoring 0 everywhere
//! gets 100/6 ≈ 16.7.

use super::{Detail, Matrix, Method, normalised};
use crate::catalog::SCALE_MAX;

/// How far scores are shifted before multiplying.
pub(crate) const SHIFT: f64 = 1.0;

#[derive(Debug, Clone, Copy, Default)]
pub struct WeightedProduct;

impl Method for WeightedProduct {
    fn id(&self) -> &'static str {
        "weighted-product"
    }

    fn evaluate(&self, matrix: &Matrix, effective: &[f64], _field: &[usize], targets: &[usize]) -> Vec<(f64, Detail)> {
        let w = normalised(effective);
        targets
            .iter()
            .map(|&f| {
                let row = matrix.row(f);
                // Sum of logs, for accuracy with many criteria.
                let log: f64 = row.iter().zip(&w).map(|(s, w)| w * ((s + SHIFT) / (SCALE_MAX + SHIFT)).ln()).sum();
                // The criterion that costs the most: largest w·ln(best / shifted score).
                let weakest = row
                    .iter()
                    .zip(&w)
                    .enumerate()
                    .filter(|(_, (_, w))| **w > 0.0)
                    .map(|(c, (s, w))| (c, -w * ((s + SHIFT) / (SCALE_MAX + SHIFT)).ln()))
                    .filter(|(_, cost)| *cost > 1e-12)
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map(|(c, _)| c);
                (100.0 * log.exp(), Detail::Product { weakest })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_hand_calculation() {
        // One framework, two criteria scored 5 and 2, weights 3:1 → w = 0.75, 0.25.
        // 100 · (6/6)^0.75 · (3/6)^0.25 = 100 · 0.5^0.25 = 84.0896…
        let m = Matrix { frameworks: 1, criteria: 2, scores: vec![5.0, 2.0], weights: vec![1.0, 1.0] };
        let got = WeightedProduct.evaluate(&m, &[3.0, 1.0], &[0], &[0]);
        assert!((got[0].0 - 84.089_641_525_371_45).abs() < 1e-9, "{got:?}");
        assert_eq!(got[0].1, Detail::Product { weakest: Some(1) });
    }

    #[test]
    fn perfect_and_empty_scores_bound_the_scale() {
        let m = Matrix { frameworks: 2, criteria: 2, scores: vec![5.0, 5.0, 0.0, 0.0], weights: vec![1.0, 1.0] };
        let got = WeightedProduct.matches(&m, &[1.0, 2.0], &[0, 1]);
        assert!((got[0] - 100.0).abs() < 1e-9);
        assert!((got[1] - 100.0 / 6.0).abs() < 1e-9);
    }
}
