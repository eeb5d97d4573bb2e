//! The weighted sum for the common survey row, by table lookup.
//!
//! Why it exists: most rows of a real survey (and every row of the
//! benchmark's) give whole needs 0–5 and no constraints of their own. For
//! them every need × weight, and every attribute score × that, is one of
//! six values per criterion, so [`WholeNeeds`] looks them up instead of
//! multiplying, sums four lanes at once and ranks up to three competing
//! frameworks with a sorting network. `batch`'s short road (CSV rows read
//! without building a respondent) scores through it; at a million rows it
//! is most of the difference between the short road and the general one.
//!
//! It must not change a single byte: the products it stores are the
//! [`Scorer`]'s products, added in the same order, so every match, rank and
//! main reason is bit-for-bit [`Scorer::rank_into`]'s and
//! [`Scorer::main_reason`]'s, which are in turn the weighted sum's
//! ([`super::rows`]). The test `whole_needs_rank_bit_for_bit_as_the_scorer`
//! compares the two on every combination of six criteria and on random
//! rows under every policy.

use super::rows::{Pick, RowRequire, Scorer, rank_key, unrank_key};
use super::{Match, MethodId, STRENGTH_SCORE, weighted_sum};

/// The weighted sum for the common row: needs that are whole numbers 0–5
/// and no constraints beyond the run's defaults, so the same frameworks
/// compete in every such row. Each need × weight and each attribute score
/// × that are looked up, not multiplied; sums, ranking and the main reason
/// are [`Scorer::rank_into`]'s and [`Scorer::main_reason`]'s, operation for
/// operation, so they are bit-for-bit the same.
pub struct WholeNeeds {
    /// The frameworks that compete, in id order.
    frameworks: Vec<usize>,
    /// Where each framework is in `frameworks`, by id; `usize::MAX` when
    /// it does not compete.
    slot: Vec<usize>,
    /// `need × weight` at `c * 6 + need`.
    effective: Vec<f64>,
    /// `score × (need × weight)` of `frameworks[j]` at
    /// `(c * 6 + need) * stride + j`; zero past the last framework, except
    /// that with at most [`FEW`] frameworks the last of [`LANES`] lanes
    /// holds `need × weight`, so one pass of adds also sums the weights.
    products: Vec<f64>,
    /// How [`Scorer::main_reason`] weighs criterion c for `frameworks[j]`,
    /// at the same place, in the high 32 bits: 0 when it passes c over
    /// (need × weight ≤ 0), else above every such 0, strengths above the
    /// rest, then by points (as a rank among all such keys, so that the
    /// criterion fits in the low bits, inverted: see
    /// [`WholeNeeds::main_reason`]).
    reason_keys: Vec<u64>,
    stride: usize,
    /// Every product of a zero `need × weight` is a zero, so adding it
    /// changes no sum (a sum from 0.0 is never -0.0): no need to skip it.
    zero_products_are_zero: bool,
}

/// Lanes of products summed at once on the short path.
const LANES: usize = 4;
/// Frameworks that compete in a row, up to which they are ranked without
/// branches: one lane is left for the sum of the weights.
const FEW: usize = LANES - 1;

impl WholeNeeds {
    /// `None` unless the run scores by weighted sum.
    pub fn new(scorer: &Scorer) -> Option<Self> {
        if scorer.method != MethodId::WeightedSum {
            return None;
        }
        let candidates = scorer.candidates(&RowRequire { deep_learning: true, ..RowRequire::default() });
        let frameworks: Vec<usize> = (0..scorer.matrix.frameworks).filter(|f| candidates & (1u64 << f) != 0).collect();
        let n = scorer.matrix.frameworks;
        let mut slot = vec![usize::MAX; n];
        for (j, &f) in frameworks.iter().enumerate() {
            slot[f] = j;
        }
        let stride = frameworks.len().max(LANES);
        let mut effective = Vec::with_capacity(scorer.criteria() * 6);
        let mut products = Vec::with_capacity(scorer.criteria() * 6 * stride);
        let mut keys = Vec::with_capacity(scorer.criteria() * 6 * stride);
        let mut zero_products_are_zero = true;
        for (c, w) in scorer.matrix.weights.iter().enumerate() {
            for need in 0..6u8 {
                let e = f64::from(need) * w;
                effective.push(e);
                let at = products.len();
                for &f in &frameworks {
                    let s = scorer.columns[c * n + f];
                    // `main_reason`'s points, in the same order of operands.
                    let points = s * e;
                    products.push(points);
                    keys.push(if e <= 0.0 {
                        0
                    } else {
                        // Non-negative floats order as their bits (both
                        // zeros as one: they compare equal).
                        let bits = if points == 0.0 { 0 } else { points.to_bits() };
                        (u64::from(s >= STRENGTH_SCORE) << 63 | bits) + 1
                    });
                }
                products.resize(at + stride, 0.0);
                keys.resize(at + stride, 0);
                zero_products_are_zero &= e != 0.0 || products[at..].iter().all(|p| *p == 0.0);
                if frameworks.len() <= FEW {
                    products[at + LANES - 1] = e;
                }
            }
        }
        let mut distinct = keys.clone();
        distinct.push(0);
        distinct.sort_unstable();
        distinct.dedup();
        // Each key's rank above the criterion, inverted so that the first
        // of equal keys is the largest.
        let reason_keys = keys
            .iter()
            .enumerate()
            .map(|(at, key)| {
                let rank = u64::try_from(distinct.binary_search(key).unwrap_or(0)).unwrap_or(0);
                let c = u32::try_from(at / (6 * stride)).unwrap_or(u32::MAX);
                rank << 32 | u64::from(u32::MAX - c)
            })
            .collect();
        // The keys stand for points only when no score is negative.
        let usable = scorer.columns.iter().all(|s| *s >= 0.0) && effective.iter().all(|e| *e >= 0.0);
        usable.then_some(Self { frameworks, slot, effective, products, reason_keys, stride, zero_products_are_zero })
    }

    /// Score `needs` (each 0–5, one per criterion) into `picks`, best
    /// first; false when the needs carry no weight.
    pub fn rank_into(&self, needs: &[u8], picks: &mut Vec<Pick>) -> bool {
        picks.clear();
        let k = self.frameworks.len();
        if k <= FEW && self.zero_products_are_zero {
            return self.rank_few(needs, picks);
        }
        let total: f64 = needs.iter().enumerate().map(|(c, &n)| self.effective[c * 6 + usize::from(n)]).sum();
        if total <= 0.0 || !total.is_finite() {
            return false;
        }
        if k > 0 {
            self.rank_any(needs, weighted_sum::scale(total), picks);
        }
        true
    }

    /// Up to [`FEW`] frameworks: sums without skipping, the weights' sum
    /// alongside, and a sorting network.
    fn rank_few(&self, needs: &[u8], picks: &mut Vec<Pick>) -> bool {
        let mut dots = [0.0f64; LANES];
        for (c, &n) in needs.iter().enumerate() {
            let at = (c * 6 + usize::from(n)) * LANES;
            if let Some(p) = self.products.get(at..at + LANES).and_then(|p| <&[f64; LANES]>::try_from(p).ok()) {
                for (dot, p) in dots.iter_mut().zip(p) {
                    *dot += p;
                }
            }
        }
        // The same sum as `Iterator::sum` (from -0.0) but for the sign of
        // an all-zero sum, which is refused either way.
        let total = dots[LANES - 1];
        if total <= 0.0 || !total.is_finite() {
            return false;
        }
        let scale = weighted_sum::scale(total);
        // As in `Scorer::rank_into`: tie key above the inverted index;
        // absent frameworks are 0, below every framework.
        let mut order = [0u64; FEW];
        for (j, slot) in order.iter_mut().enumerate().take(self.frameworks.len()) {
            *slot = rank_key(scale * dots[j], j);
        }
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            let (hi, lo) = (order[a].max(order[b]), order[a].min(order[b]));
            order[a] = hi;
            order[b] = lo;
        }
        for &packed in &order[..self.frameworks.len()] {
            let (j, key) = unrank_key(packed);
            picks.push(Pick { framework: self.frameworks[j], score: Match::new(scale * dots[j]), key });
        }
        true
    }

    /// Any number of frameworks, exactly as [`Scorer::rank_into`].
    fn rank_any(&self, needs: &[u8], scale: f64, picks: &mut Vec<Pick>) {
        let k = self.frameworks.len();
        let mut dots = [0.0f64; 64];
        for (c, &n) in needs.iter().enumerate() {
            let at = c * 6 + usize::from(n);
            if self.effective[at] != 0.0 {
                for (dot, p) in dots.iter_mut().zip(&self.products[at * self.stride..at * self.stride + k]) {
                    *dot += p;
                }
            }
        }
        let mut order = [0u64; 64];
        for (j, slot) in order[..k].iter_mut().enumerate() {
            *slot = rank_key(scale * dots[j], j);
        }
        let order = &mut order[..k];
        order.sort_unstable_by(|a, b| b.cmp(a));
        for &packed in order.iter() {
            let (j, key) = unrank_key(packed);
            picks.push(Pick { framework: self.frameworks[j], score: Match::new(scale * dots[j]), key });
        }
    }

    /// [`Scorer::main_reason`] for `framework` (one that competes) and the
    /// row's `needs`: the criterion, `None` when there is none.
    pub fn main_reason(&self, needs: &[u8], framework: usize) -> Option<usize> {
        let j = *self.slot.get(framework)?;
        // The highest key, the first criterion among equals: a maximum
        // without branches.
        let mut best = 0;
        for (c, &n) in needs.iter().enumerate() {
            best = best.max(self.reason_keys.get((c * 6 + usize::from(n)) * self.stride + j).copied().unwrap_or(0));
        }
        if best >> 32 == 0 {
            return None;
        }
        let c = u32::MAX - u32::try_from(best & u64::from(u32::MAX)).unwrap_or(u32::MAX);
        usize::try_from(c).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::profile::InactivePolicy;

    /// The differential test of the lookup tables against the scorer.
    #[test]
    fn whole_needs_rank_bit_for_bit_as_the_scorer() {
        use rand_xoshiro::rand_core::{Rng, SeedableRng};
        let catalog = Catalog::builtin().unwrap();
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let criteria = catalog.criteria.len();
        for policy in [InactivePolicy::Separate, InactivePolicy::Rank, InactivePolicy::Exclude] {
            let scorer = Scorer::new(&catalog, MethodId::WeightedSum, policy).unwrap();
            let whole = WholeNeeds::new(&scorer).unwrap();
            let candidates = scorer.candidates(&RowRequire { deep_learning: true, ..RowRequire::default() });
            let (mut effective, mut p1, mut p2) = (Vec::new(), Vec::new(), Vec::new());
            for i in 0..200_000u32 {
                // Every combination of the first six criteria, then random needs.
                let needs: Vec<u8> = (0..criteria)
                    .map(|c| {
                        let digit =
                            if c < 6 { (i / 6u32.pow(u32::try_from(c).unwrap())) % 6 } else { rng.next_u32() % 6 };
                        u8::try_from(digit).unwrap()
                    })
                    .collect();
                let as_f64: Vec<f64> = needs.iter().map(|&n| f64::from(n)).collect();
                let slow = scorer.rank_into(&as_f64, candidates, None, &mut effective, &mut p1);
                let fast = whole.rank_into(&needs, &mut p2);
                assert_eq!(slow, fast, "{needs:?}");
                let bits =
                    |p: &[Pick]| p.iter().map(|p| (p.framework, p.score.get().to_bits(), p.key)).collect::<Vec<_>>();
                assert_eq!(bits(&p1), bits(&p2), "{needs:?} {policy:?}");
                for p in &p1 {
                    let reason = scorer.main_reason(p.framework, &effective, None);
                    assert_eq!(reason, whole.main_reason(&needs, p.framework), "{needs:?} {p:?}");
                }
            }
        }
    }
}
