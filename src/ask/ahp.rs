//! The analytic hierarchy process (Saaty): priorities from pairwise
//! comparisons, for people who find absolute ratings hard.
//!
//! Judgments use Saaty's 1–9 scale; the matrix is reciprocal (a_ji = 1/a_ij).
//! Priorities are its principal eigenvector, found by power iteration to
//! 10⁻⁹; consistency is CR = CI / RI with CI = (λmax − n)/(n − 1) and
//! Saaty's random index RI.

/// Saaty's random consistency index for n = 1 … 15.
pub const RANDOM_INDEX: [f64; 15] =
    [0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59];

/// Above this consistency ratio judgments should be revised.
pub const CR_LIMIT: f64 = 0.10;

/// The words for each step of the scale.
pub const SCALE: [(u8, &str); 9] = [
    (1, "equally important"),
    (2, "equally to moderately more important"),
    (3, "moderately more important"),
    (4, "moderately to strongly more important"),
    (5, "strongly more important"),
    (6, "strongly to very strongly more important"),
    (7, "very strongly more important"),
    (8, "very strongly to extremely more important"),
    (9, "extremely more important"),
];

/// A reciprocal comparison matrix over `n` items.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    n: usize,
    a: Vec<f64>,
}

impl Matrix {
    /// All judgments "equal".
    pub fn new(n: usize) -> Self {
        Self { n, a: vec![1.0; n * n] }
    }

    /// From full rows (must be square, positive and reciprocal).
    #[cfg(test)]
    pub fn from_rows(rows: &[Vec<f64>]) -> Option<Self> {
        let n = rows.len();
        let mut m = Self::new(n);
        for (i, row) in rows.iter().enumerate() {
            if row.len() != n {
                return None;
            }
            for (j, &x) in row.iter().enumerate() {
                if !(x.is_finite() && x > 0.0) || (x * rows[j][i] - 1.0).abs() > 1e-9 {
                    return None;
                }
                m.a[i * n + j] = x;
            }
        }
        Some(m)
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.a[i * self.n + j]
    }

    /// Item i is `value` times as important as item j (and j is 1/value of i).
    pub fn set(&mut self, i: usize, j: usize, value: f64) {
        self.a[i * self.n + j] = value;
        self.a[j * self.n + i] = 1.0 / value;
    }

    fn times(&self, w: &[f64]) -> Vec<f64> {
        (0..self.n).map(|i| (0..self.n).map(|j| self.get(i, j) * w[j]).sum()).collect()
    }
}

/// The outcome of a set of judgments.
#[derive(Debug, Clone, PartialEq)]
pub struct Priorities {
    /// Sum to 1.
    pub weights: Vec<f64>,
    pub lambda_max: f64,
    /// Consistency index (λmax − n)/(n − 1).
    pub ci: f64,
    /// Consistency ratio CI/RI; 0 for n ≤ 2.
    pub cr: f64,
}

impl Priorities {
    pub fn is_consistent(&self) -> bool {
        self.cr <= CR_LIMIT
    }
}

/// Principal eigenvector by power iteration (to 10⁻⁹), λmax and consistency.
pub fn priorities(m: &Matrix) -> Priorities {
    let n = m.len();
    if n == 0 {
        return Priorities { weights: Vec::new(), lambda_max: 0.0, ci: 0.0, cr: 0.0 };
    }
    #[allow(clippy::cast_precision_loss)]
    let nf = n as f64;
    let mut w = vec![1.0 / nf; n];
    for _ in 0..100_000 {
        let v = m.times(&w);
        let sum: f64 = v.iter().sum();
        let next: Vec<f64> = v.iter().map(|x| x / sum).collect();
        let change = next.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        w = next;
        if change < 1e-9 {
            break;
        }
    }
    let aw = m.times(&w);
    let lambda_max = aw.iter().zip(&w).map(|(a, b)| a / b).sum::<f64>() / nf;
    let (ci, cr) = if n <= 2 {
        (0.0, 0.0)
    } else {
        let ci = ((lambda_max - nf) / (nf - 1.0)).max(0.0);
        let ri = RANDOM_INDEX.get(n - 1).copied().unwrap_or(1.59);
        (ci, ci / ri)
    };
    Priorities { weights: w, lambda_max, ci, cr }
}

/// The judgment (i, j), i < j, that disagrees most with the priorities the
/// whole matrix implies: the largest |ln a_ij − ln(w_i/w_j)|.
pub fn most_inconsistent(m: &Matrix, p: &Priorities) -> Option<(usize, usize)> {
    let mut worst: Option<((usize, usize), f64)> = None;
    for i in 0..m.len() {
        for j in i + 1..m.len() {
            let gap = (m.get(i, j).ln() - (p.weights[i] / p.weights[j]).ln()).abs();
            if worst.is_none_or(|(_, g)| gap > g + 1e-12) {
                worst = Some(((i, j), gap));
            }
        }
    }
    worst.map(|(pair, _)| pair)
}

/// Needs on dlpick's 0–5 scale that keep the priorities' ratios: the top
/// priority becomes 5. Rounded to three decimals.
pub fn needs_from(p: &Priorities) -> Vec<f64> {
    let top = p.weights.iter().copied().fold(0.0, f64::max);
    if top <= 0.0 {
        return vec![0.0; p.weights.len()];
    }
    p.weights.iter().map(|w| (5.0 * w / top * 1000.0).round() / 1000.0).collect()
}

/// Parse a judgment: "3", "1/3", "0.25" … on the 1/9 … 9 range.
pub fn parse_judgment(text: &str) -> Option<f64> {
    let text = text.trim();
    let value = match text.split_once('/') {
        Some((a, b)) => a.trim().parse::<f64>().ok()? / b.trim().parse::<f64>().ok()?,
        None => text.parse::<f64>().ok()?,
    };
    (value.is_finite() && (1.0 / 9.0 - 1e-9..=9.0 + 1e-9).contains(&value)).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn three_criteria_textbook_example() {
        // The widely reproduced 3×3 example: priorities 0.637, 0.258, 0.105;
        // λmax 3.0385, CI 0.0193, CR 0.033.
        let m =
            Matrix::from_rows(&[vec![1.0, 3.0, 5.0], vec![1.0 / 3.0, 1.0, 3.0], vec![0.2, 1.0 / 3.0, 1.0]]).unwrap();
        let p = priorities(&m);
        for (got, want) in p.weights.iter().zip([0.637, 0.258, 0.105]) {
            assert!(close(*got, want, 1e-3), "{got} vs {want}");
        }
        assert!(close(p.lambda_max, 3.0385, 1e-3));
        assert!(close(p.cr, 0.033, 1e-3), "{}", p.cr);
        assert!(p.is_consistent());
    }

    #[test]
    fn four_criteria_textbook_example_is_inconsistent() {
        // Saaty's 4×4 example: priorities 0.619, 0.235, 0.101, 0.045;
        // λmax 4.391, CR 0.145 — above 0.10.
        let m = Matrix::from_rows(&[
            vec![1.0, 5.0, 6.0, 7.0],
            vec![0.2, 1.0, 4.0, 6.0],
            vec![1.0 / 6.0, 0.25, 1.0, 4.0],
            vec![1.0 / 7.0, 1.0 / 6.0, 0.25, 1.0],
        ])
        .unwrap();
        let p = priorities(&m);
        for (got, want) in p.weights.iter().zip([0.619, 0.235, 0.101, 0.045]) {
            assert!(close(*got, want, 1e-3), "{got} vs {want}");
        }
        assert!(close(p.lambda_max, 4.391, 1e-3));
        assert!(close(p.cr, 0.145, 1e-3), "{}", p.cr);
        assert!(!p.is_consistent());
        assert!(most_inconsistent(&m, &p).is_some());
    }

    #[test]
    fn a_perfectly_consistent_matrix_has_cr_zero() {
        // a_ij = w_i / w_j for w = (4, 2, 1, 1).
        let w = [4.0, 2.0, 1.0, 1.0];
        let rows: Vec<Vec<f64>> = w.iter().map(|wi| w.iter().map(|wj| wi / wj).collect()).collect();
        let p = priorities(&Matrix::from_rows(&rows).unwrap());
        assert!(p.cr.abs() < 1e-9 && close(p.lambda_max, 4.0, 1e-9));
        for (got, want) in p.weights.iter().zip([0.5, 0.25, 0.125, 0.125]) {
            assert!(close(*got, want, 1e-9));
        }
        assert_eq!(needs_from(&p), vec![5.0, 2.5, 1.25, 1.25]);
    }

    #[test]
    fn the_outlier_judgment_is_named() {
        // Consistent with w = (8, 4, 2, 1) except a_14, reversed to 1/8.
        let w = [8.0, 4.0, 2.0, 1.0];
        let mut m = Matrix::new(4);
        for i in 0..4 {
            for j in i + 1..4 {
                m.set(i, j, w[i] / w[j]);
            }
        }
        m.set(0, 3, 1.0 / 8.0);
        let p = priorities(&m);
        assert!(!p.is_consistent());
        assert_eq!(most_inconsistent(&m, &p), Some((0, 3)));
    }

    #[test]
    fn judgments_parse_as_numbers_or_fractions() {
        assert_eq!(parse_judgment("3"), Some(3.0));
        assert!((parse_judgment(" 1/3 ").unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(parse_judgment("10"), None);
        assert_eq!(parse_judgment("1/0"), None);
        assert_eq!(parse_judgment("x"), None);
    }
}
