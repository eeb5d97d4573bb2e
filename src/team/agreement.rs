//! How much a team agrees: Kendall's coefficient of concordance W over the
//! members' own rankings, from the pairwise matrix of a [`Tally`].
//!
//! A member's (mid-)rank of f among candidates C is
//! 1 + Σ_{g∈C, g≠f} ([g beats f] + ½[tie]), so the rank sums over members
//! are m + ½ Σ_g pair\[g\]\[f\]: W needs no member's ranking, only the
//! tally and, for the tie correction, how often each group of frameworks
//! tied.

use super::consensus::Tally;

impl Tally<'_> {
    /// Kendall's W over the members' rankings of `candidates`, with the tie
    /// correction `ties` = Σ over members and tie groups of t³ − t.
    #[allow(clippy::cast_precision_loss, clippy::many_single_char_names)]
    pub fn kendall_w(&self, candidates: &[usize], ties: f64) -> Option<f64> {
        let (m, n) = (self.members as f64, candidates.len() as f64);
        if self.members < 2 || candidates.len() < 2 {
            return None;
        }
        let mean = m * (n + 1.0) / 2.0;
        let s: f64 = candidates
            .iter()
            .map(|&f| {
                let beaten: u64 =
                    candidates.iter().filter(|&&g| g != f).map(|&g| self.pair[g * self.frameworks + f]).sum();
                let total = m + beaten as f64 / 2.0;
                (total - mean).powi(2)
            })
            .sum();
        let denominator = m * m * (n.powi(3) - n) - m * ties;
        (denominator > 1e-9).then(|| 12.0 * s / denominator)
    }
}

/// Kendall's W for `rankings` (one vector of ranks per rater, same objects),
/// with the correction for tied ranks, computed directly from the ranks.
/// The reference the streaming computation is tested against.
#[cfg(test)]
#[allow(clippy::many_single_char_names)] // m, n, S, T as in the textbook formula
pub fn kendall_w(rankings: &[Vec<f64>]) -> Option<f64> {
    let m = rankings.len();
    let n = rankings.first()?.len();
    if m < 2 || n < 2 || rankings.iter().any(|r| r.len() != n) {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let (mf, nf) = (m as f64, n as f64);
    let totals: Vec<f64> = (0..n).map(|j| rankings.iter().map(|r| r[j]).sum()).collect();
    let mean = mf * (nf + 1.0) / 2.0;
    let s: f64 = totals.iter().map(|t| (t - mean).powi(2)).sum();
    let ties: f64 = rankings
        .iter()
        .map(|r| {
            let mut sorted = r.clone();
            sorted.sort_by(f64::total_cmp);
            let mut t = 0.0;
            let mut i = 0;
            while i < sorted.len() {
                let mut j = i;
                while j + 1 < sorted.len() && (sorted[j + 1] - sorted[i]).abs() < 1e-12 {
                    j += 1;
                }
                #[allow(clippy::cast_precision_loss)]
                let g = (j - i + 1) as f64;
                t += g.powi(3) - g;
                i = j + 1;
            }
            t
        })
        .sum();
    let denominator = mf * mf * (nf.powi(3) - nf) - mf * ties;
    (denominator > 0.0).then(|| 12.0 * s / denominator)
}

/// Add one member's comparison of every pair of frameworks to `pair` (n × n),
/// from their tie keys (higher is better).
pub fn add_pairs(pair: &mut [u64], keys: &[i64]) {
    let n = keys.len();
    for f in 0..n {
        for g in 0..n {
            if f != g {
                pair[f * n + g] += match keys[f].cmp(&keys[g]) {
                    std::cmp::Ordering::Greater => 2,
                    std::cmp::Ordering::Equal => 1,
                    std::cmp::Ordering::Less => 0,
                };
            }
        }
    }
}

/// One member's groups of tied frameworks (two or more), as bit masks.
pub fn tie_groups(keys: &[i64], mut each: impl FnMut(u64)) {
    let mut seen = 0u64;
    for f in 0..keys.len() {
        if seen & (1 << f) != 0 {
            continue;
        }
        let group = (f..keys.len()).filter(|&g| keys[g] == keys[f]).fold(0u64, |m, g| m | (1 << g));
        seen |= group;
        if group.count_ones() > 1 {
            each(group);
        }
    }
}

/// Σ (t³ − t) over tie groups restricted to `candidates` (a mask), each
/// group counted `count` times.
#[allow(clippy::cast_precision_loss)]
pub fn tie_correction<'a>(groups: impl IntoIterator<Item = (&'a u64, &'a u64)>, candidates: u64) -> f64 {
    groups
        .into_iter()
        .map(|(mask, count)| {
            let t = f64::from((mask & candidates).count_ones());
            (t.powi(3) - t) * *count as f64
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::super::consensus::tally_of;
    use super::*;

    #[test]
    fn streaming_kendall_w_equals_the_direct_formula() {
        // The hand calculation of Kendall's W (3 raters, 4 objects, W = 420/540),
        // as matches: higher match = better rank.
        let matches = vec![vec![4.0, 3.0, 2.0, 1.0], vec![3.0, 4.0, 2.0, 1.0], vec![4.0, 2.0, 3.0, 1.0]];
        let (sum, min, approve, pair, groups) = tally_of(&matches, 5.0);
        let t = Tally { frameworks: 4, members: 3, sum: &sum, min: &min, approve: &approve, pair: &pair };
        let ties = tie_correction(groups.iter().map(|(a, b)| (a, b)), 0b1111);
        assert!((t.kendall_w(&[0, 1, 2, 3], ties).unwrap() - 420.0 / 540.0).abs() < 1e-12);

        // With ties, and restricted to a subset: compare with the direct formula.
        let matches = vec![
            vec![10.0, 20.0, 20.0, 5.0, 20.0],
            vec![30.0, 30.0, 10.0, 10.0, 1.0],
            vec![1.0, 2.0, 3.0, 4.0, 5.0],
            vec![7.0, 7.0, 7.0, 7.0, 7.0],
        ];
        let (sum, min, approve, pair, groups) = tally_of(&matches, 5.0);
        let t = Tally { frameworks: 5, members: 4, sum: &sum, min: &min, approve: &approve, pair: &pair };
        for subset in [vec![0, 1, 2, 3, 4], vec![0, 2, 4], vec![1, 2], vec![0, 1, 3]] {
            let mask = subset.iter().fold(0u64, |m, f| m | (1 << f));
            let rankings: Vec<Vec<f64>> = matches
                .iter()
                .map(|row| {
                    subset
                        .iter()
                        .map(|&f| {
                            let above = subset.iter().filter(|&&g| row[g] > row[f]).count();
                            let level = subset.iter().filter(|&&g| (row[g] - row[f]).abs() < 1e-12).count();
                            #[allow(clippy::cast_precision_loss)]
                            let mid_rank = above as f64 + f64::midpoint(level as f64, 1.0);
                            mid_rank
                        })
                        .collect()
                })
                .collect();
            let direct = kendall_w(&rankings);
            let streamed = t.kendall_w(&subset, tie_correction(groups.iter().map(|(a, b)| (a, b)), mask));
            match (direct, streamed) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "{subset:?}: {a} vs {b}"),
                (a, b) => assert!(a.is_none() && b.is_none(), "{subset:?}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn perfect_agreement_is_one_and_reversal_of_two_is_zero() {
        let same = vec![vec![1.0, 2.0, 3.0]; 4];
        assert!((kendall_w(&same).unwrap() - 1.0).abs() < 1e-12);
        let opposed = vec![vec![1.0, 2.0, 3.0], vec![3.0, 2.0, 1.0]];
        assert!(kendall_w(&opposed).unwrap().abs() < 1e-12);
    }

    #[test]
    fn ties_are_corrected() {
        // Two raters, three objects; B ties the last two (ranks 2.5, 2.5).
        // totals 2, 4.5, 5.5; mean 4; S = 4 + 0.25 + 2.25 = 6.5
        // T_B = 2³ − 2 = 6; W = 12·6.5 / (4·24 − 2·6) = 78 / 84
        let r = vec![vec![1.0, 2.0, 3.0], vec![1.0, 2.5, 2.5]];
        assert!((kendall_w(&r).unwrap() - 78.0 / 84.0).abs() < 1e-12);
        assert_eq!(kendall_w(&[vec![1.0, 2.0]]), None);
        assert_eq!(kendall_w(&[vec![1.0], vec![1.0]]), None);
    }
}
