//! TOPSIS: rank by closeness to an ideal framework and distance from the
//! worst one (Hwang and Yoon, 1981).
//!
//! Every criterion is a benefit. Columns are vector-normalised over the
//! candidates (x / √Σx²), weighted by need × weight normalised to sum to 1;
//! the ideal takes each column's best value, the anti-ideal its worst, and a
//! framework's closeness is d⁻ / (d⁺ + d⁻) with Euclidean distances d⁺ to the
//! ideal and d⁻ to the anti-ideal. The match is closeness × 100. When every
//! candidate is identical on what counts, each is the ideal: closeness 1.
//! TOPSIS is relative: the result depends on which frameworks compete.

use super::{Detail, Matrix, Method, normalised};

#[derive(Debug, Clone, Copy, Default)]
pub struct Topsis;

/// One alternative's TOPSIS figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TopsisResult {
    /// d⁻ / (d⁺ + d⁻), 0–1.
    pub closeness: f64,
    /// d⁺: distance to the ideal.
    pub to_ideal: f64,
    /// d⁻: distance to the anti-ideal.
    pub to_anti_ideal: f64,
    /// The criterion contributing most to d⁺, if any.
    pub largest_gap: Option<usize>,
}

impl Topsis {
    /// TOPSIS over `candidates` (rows of `matrix`) with weights `effective`
    /// (normalised here to sum to 1).
    pub fn analyse(matrix: &Matrix, effective: &[f64], candidates: &[usize]) -> Vec<TopsisResult> {
        Self::analyse_within(matrix, effective, candidates, candidates)
    }

    /// TOPSIS figures of `targets` measured within `field`: the column norms,
    /// the ideal and the anti-ideal come from `field` alone.
    pub fn analyse_within(matrix: &Matrix, effective: &[f64], field: &[usize], targets: &[usize]) -> Vec<TopsisResult> {
        let w = normalised(effective);
        let n = matrix.criteria;
        let norms: Vec<f64> =
            (0..n).map(|c| field.iter().map(|&f| matrix.row(f)[c].powi(2)).sum::<f64>().sqrt()).collect();
        let weigh = |f: usize| -> Vec<f64> {
            (0..n).map(|c| if norms[c] > 0.0 { w[c] * matrix.row(f)[c] / norms[c] } else { 0.0 }).collect()
        };
        let in_field: Vec<Vec<f64>> = field.iter().map(|&f| weigh(f)).collect();
        let ideal: Vec<f64> = (0..n).map(|c| in_field.iter().map(|v| v[c]).fold(f64::NEG_INFINITY, f64::max)).collect();
        let anti: Vec<f64> = (0..n).map(|c| in_field.iter().map(|v| v[c]).fold(f64::INFINITY, f64::min)).collect();
        targets
            .iter()
            .map(|&f| weigh(f))
            .map(|v| {
                // A target better than the field's best on a criterion has
                // no gap there.
                let gaps: Vec<f64> = v.iter().zip(&ideal).map(|(x, best)| (best - x).max(0.0).powi(2)).collect();
                let to_ideal = gaps.iter().sum::<f64>().sqrt();
                let to_anti_ideal =
                    v.iter().zip(&anti).map(|(x, worst)| (x - worst).max(0.0).powi(2)).sum::<f64>().sqrt();
                let total = to_ideal + to_anti_ideal;
                let largest_gap = gaps
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| **g > 1e-18)
                    .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
                    .map(|(c, _)| c);
                TopsisResult {
                    closeness: if total > 0.0 { to_anti_ideal / total } else { 1.0 },
                    to_ideal,
                    to_anti_ideal,
                    largest_gap,
                }
            })
            .collect()
    }
}

impl Method for Topsis {
    fn id(&self) -> &'static str {
        "topsis"
    }

    fn evaluate(&self, matrix: &Matrix, effective: &[f64], field: &[usize], targets: &[usize]) -> Vec<(f64, Detail)> {
        Self::analyse_within(matrix, effective, field, targets)
            .into_iter()
            .map(|r| {
                (
                    100.0 * r.closeness,
                    Detail::Topsis { to_ideal: r.to_ideal, to_anti_ideal: r.to_anti_ideal, largest_gap: r.largest_gap },
                )
            })
            .collect()
    }
}
