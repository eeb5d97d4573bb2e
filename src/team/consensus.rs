//! Choosing one framework for many people: social-choice rules over each
//! member's own match, computed from per-framework aggregates only.
//!
//! Everything here works on a [`Tally`]: sums, minima, counters and a
//! pairwise matrix per framework, which a team accumulates one member at a
//! time (see [`super::acc`]). Nothing needs the members themselves, so
//! memory does not grow with respondents.
//!
//! - mean (utilitarian): the highest average match;
//! - maximin (egalitarian): the highest lowest match;
//! - Borda: each member gives a framework one point per candidate it beats
//!   and half a point per candidate it ties, summed over members;
//! - approval: the share of members for whom it is within the approval
//!   margin of their own best.
//!
//! How much the members agree (Kendall's W) comes from the same tally:
//! [`super::agreement`].

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
}

/// The inputs of a tally, packed from members' matches (for tests).
#[cfg(test)]
pub(super) type Packed = (Vec<f64>, Vec<f64>, Vec<u64>, Vec<u64>, Vec<(u64, u64)>);

/// Build a tally from members' matches the slow way, as a test oracle
/// would not: this only packs the inputs.
#[cfg(test)]
pub(super) fn tally_of(matches: &[Vec<f64>], margin: f64) -> Packed {
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
        super::agreement::add_pairs(&mut pair, &keys);
        super::agreement::tie_groups(&keys, |g| *groups.entry(g).or_insert(0) += 1);
    }
    (sum, min, approve, pair, groups.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
