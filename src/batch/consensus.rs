//! Choosing one framework for many people: social-choice rules over each
//! member's own match, computed from per-framework aggregates only.
//!
//! Everything here works on a [`Tally`]: sums, minima, counters and a
//! pairwise matrix per framework, which a team accumulates one member at a
//! time (see [`super::team`]). Nothing needs the members themselves, so
//! memory does not grow with respondents.
//!
//! - mean (utilitarian): the highest average match;
//! - maximin (egalitarian): the highest lowest match;
//! - Borda: each member gives a framework one point per candidate it beats
//!   and half a point per candidate it ties, summed over members;
//! - approval: the share of members for whom it is within the approval
//!   margin of their own best.
//!
//! Kendall's W comes from the same pairwise matrix: a member's (mid-)rank of
//! f among candidates C is 1 + Σ_{g∈C, g≠f} ([g beats f] + ½[tie]), so the
//! rank sums over members are m + ½ Σ_g pair\[g\]\[f\].

/// The four rules, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Mean,
    Maximin,
    Borda,
    Approval,
}

impl Rule {
    pub const ALL: [Rule; 4] = [Rule::Mean, Rule::Maximin, Rule::Borda, Rule::Approval];

    pub fn id(self) -> &'static str {
        match self {
            Rule::Mean => "mean",
            Rule::Maximin => "maximin",
            Rule::Borda => "borda",
            Rule::Approval => "approval",
        }
    }
}

/// Per-framework aggregates of the members' own matches.
#[derive(Debug, Clone, Copy)]
pub struct Tally<'a> {
    /// Frameworks in the knowledge base (the pairwise matrix is n × n).
    pub frameworks: usize,
    /// Members counted.
    pub members: u64,
    /// Σ match per framework.
    pub sum: &'a [f64],
    /// Lowest match per framework.
    pub min: &'a [f64],
    /// Members approving each framework.
    pub approve: &'a [u64],
    /// `pair[f * n + g]`: twice the number of members who rank f above g,
    /// plus the number who tie them.
    pub pair: &'a [u64],
}

impl Tally<'_> {
    #[allow(clippy::cast_precision_loss)]
    pub fn mean(&self, f: usize) -> f64 {
        if self.members == 0 { 0.0 } else { self.sum[f] / self.members as f64 }
    }

    /// Borda points of f among `candidates`.
    #[allow(clippy::cast_precision_loss)]
    pub fn borda(&self, f: usize, candidates: &[usize]) -> f64 {
        let doubled: u64 = candidates.iter().filter(|&&g| g != f).map(|&g| self.pair[f * self.frameworks + g]).sum();
        doubled as f64 / 2.0
    }

    /// Share (0–1) of members approving f.
    #[allow(clippy::cast_precision_loss)]
    pub fn approval(&self, f: usize) -> f64 {
        if self.members == 0 { 0.0 } else { self.approve[f] as f64 / self.members as f64 }
    }

    /// The rule's own score of f (higher is better).
    pub fn score(&self, rule: Rule, f: usize, candidates: &[usize]) -> f64 {
        match rule {
            Rule::Mean => self.mean(f),
            Rule::Maximin => self.min[f],
            Rule::Borda => self.borda(f, candidates),
            Rule::Approval => self.approval(f),
        }
    }

    /// The winner of `rule` among `candidates`: the highest score; ties go to
    /// the higher mean match, then to the first candidate.
    pub fn winner(&self, rule: Rule, candidates: &[usize]) -> Option<usize> {
        let mut best: Option<usize> = None;
        for &f in candidates {
            best = match best {
                None => Some(f),
                Some(b) => {
                    let (sf, sb) = (self.score(rule, f, candidates), self.score(rule, b, candidates));
                    let better = sf > sb + 1e-9 || ((sf - sb).abs() <= 1e-9 && self.mean(f) > self.mean(b) + 1e-9);
                    Some(if better { f } else { b })
                }
            };
        }
        best
    }

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
    use super::*;

    /// Build a tally from members' matches the slow way, as a test oracle
    /// would not: this only packs the inputs.
    type Packed = (Vec<f64>, Vec<f64>, Vec<u64>, Vec<u64>, Vec<(u64, u64)>);

    fn tally_of(matches: &[Vec<f64>], margin: f64) -> Packed {
        let n = matches[0].len();
        let mut sum = vec![0.0; n];
        let mut min = vec![f64::INFINITY; n];
        let mut approve = vec![0; n];
        let mut pair = vec![0; n * n];
        let mut groups = std::collections::BTreeMap::new();
        for m in matches {
            let keys: Vec<i64> = m.iter().map(|x| crate::score::tie_key(*x)).collect();
            let best = m.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for f in 0..n {
                sum[f] += m[f];
                min[f] = min[f].min(m[f]);
                if best - m[f] <= margin {
                    approve[f] += 1;
                }
            }
            add_pairs(&mut pair, &keys);
            tie_groups(&keys, |g| *groups.entry(g).or_insert(0) += 1);
        }
        (sum, min, approve, pair, groups.into_iter().collect())
    }

    #[test]
    fn rules_match_a_hand_calculation() {
        // Three members, frameworks A B C:
        //   m1: 90 80 10   m2: 50 70 60   m3: 40 75 100
        // mean: A 60, B 75, C 56.67 → B.  maximin: A 40, B 70, C 10 → B.
        // Borda (points = candidates beaten): m1 A2 B1 C0; m2 B2 C1 A0; m3 C2 B1 A0
        //   → A 2, B 4, C 3 → B.
        // Approval within 15: m1 {A, B}, m2 {B, C}, m3 {C} → A 1/3, B 2/3, C 2/3;
        //   B and C tie, B has the higher mean → B.
        let matches = vec![vec![90.0, 80.0, 10.0], vec![50.0, 70.0, 60.0], vec![40.0, 75.0, 100.0]];
        let (sum, min, approve, pair, _) = tally_of(&matches, 15.0);
        let t = Tally { frameworks: 3, members: 3, sum: &sum, min: &min, approve: &approve, pair: &pair };
        let all = [0, 1, 2];
        assert!((t.mean(1) - 75.0).abs() < 1e-12);
        for (f, points) in [(0, 2.0), (1, 4.0), (2, 3.0)] {
            assert!((t.borda(f, &all) - points).abs() < 1e-12);
        }
        for rule in Rule::ALL {
            assert_eq!(t.winner(rule, &all), Some(1), "{rule:?}");
        }
        // Without B: mean A 60 vs C 56.67 → A; maximin A 40 vs C 10 → A;
        // Borda over {A, C}: A beats C for m1 only → A 1, C 2 → C.
        let ac = [0, 2];
        assert_eq!(t.winner(Rule::Mean, &ac), Some(0));
        assert_eq!(t.winner(Rule::Maximin, &ac), Some(0));
        assert_eq!(t.winner(Rule::Borda, &ac), Some(2));
        assert_eq!(t.winner(Rule::Approval, &ac), Some(2));
    }

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
