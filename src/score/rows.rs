//! Scoring one respondent after another, fast.
//!
//! Everything that depends only on the knowledge base is computed once:
//! the attribute matrix, bit masks for languages, status and kind, and the
//! short "main reason" phrase for every framework and criterion. Scoring a
//! row is then a few dozen multiply-adds with no allocation. The weighted
//! sum is computed with exactly the arithmetic of
//! [`WeightedSum`](crate::score::WeightedSum), so a row scores the same here
//! as through `dlpick recommend`.

use super::{Matrix, MethodId, tie_key};
use crate::catalog::{Catalog, SCALE_MAX};
use crate::error::{Error, Result};
use crate::explain::{STRENGTH_SCORE, num};
use crate::profile::InactivePolicy;

/// Hard constraints of one respondent, as bit masks over frameworks and
/// languages.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowRequire {
    /// Bit per language (catalog language order) that must be offered.
    pub languages: u64,
    /// Bit per framework never to recommend.
    pub exclude: u64,
    /// The row's own policy for frameworks that are not maintained, if it
    /// states one; else the run's default.
    pub inactive: Option<InactivePolicy>,
    pub deep_learning: bool,
    /// (criterion, floor).
    pub min: Vec<(usize, f64)>,
}

/// One scored framework of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pick {
    pub framework: usize,
    pub score: f64,
    /// [`tie_key`] of the score, computed once.
    pub key: i64,
}

/// The knowledge base, precomputed for row-by-row scoring.
pub struct Scorer {
    pub method: MethodId,
    /// The policy for rows that state none.
    pub inactive: InactivePolicy,
    pub matrix: Matrix,
    /// The attribute scores criterion-major: `columns[c * frameworks + f]`.
    columns: Vec<f64>,
    /// Frameworks offering each catalog language.
    language_masks: Vec<u64>,
    all: u64,
    active: u64,
    deep: u64,
    /// "beginner-friendliness 5/5" for framework f, criterion c at f·C + c.
    reason_phrases: Vec<String>,
}

impl Scorer {
    pub fn new(catalog: &Catalog, method: MethodId, inactive: InactivePolicy) -> Result<Self> {
        let languages = catalog.languages();
        if catalog.frameworks.len() > 64 || languages.len() > 64 {
            return Err(Error::Usage(
                "batch scoring supports at most 64 frameworks and 64 API languages in the knowledge base.".to_string(),
            ));
        }
        let bit = |i: usize| 1u64 << i;
        let framework_languages: Vec<u64> = catalog
            .frameworks
            .iter()
            .map(|f| {
                f.languages.iter().filter_map(|l| languages.iter().position(|k| k == l)).fold(0, |m, i| m | bit(i))
            })
            .collect();
        let language_masks = (0..languages.len())
            .map(|l| {
                framework_languages.iter().enumerate().filter(|(_, m)| *m & bit(l) != 0).fold(0, |m, (f, _)| m | bit(f))
            })
            .collect();
        let mask = |keep: &dyn Fn(usize) -> bool| {
            (0..catalog.frameworks.len()).filter(|&f| keep(f)).fold(0, |m, f| m | bit(f))
        };
        let reason_phrases = catalog
            .frameworks
            .iter()
            .flat_map(|f| {
                catalog.criteria.iter().zip(&f.attributes).map(|(c, a)| format!("{} {}/5", c.name, num(a.score)))
            })
            .collect();
        Ok(Self {
            method,
            inactive,
            columns: {
                let m = Matrix::new(catalog);
                (0..m.criteria).flat_map(|c| (0..m.frameworks).map(move |f| (c, f))).map(|(c, f)| m.row(f)[c]).collect()
            },
            matrix: Matrix::new(catalog),
            language_masks,
            all: mask(&|_| true),
            active: mask(&|f| catalog.frameworks[f].status.is_maintained()),
            deep: mask(&|f| catalog.frameworks[f].deep_learning),
            reason_phrases,
        })
    }

    pub fn criteria(&self) -> usize {
        self.matrix.criteria
    }

    /// Bit of catalog language `index`.
    pub fn language_bit(index: usize) -> u64 {
        1u64 << index
    }

    /// The policy in force for `require`.
    pub fn policy(&self, require: &RowRequire) -> InactivePolicy {
        require.inactive.unwrap_or(self.inactive)
    }

    /// The frameworks that compete under `require` and its policy: only
    /// maintained ones unless the policy ranks them all.
    pub fn candidates(&self, require: &RowRequire) -> u64 {
        let mut m = self.all & !require.exclude;
        if self.policy(require) != InactivePolicy::Rank {
            m &= self.active;
        }
        if require.deep_learning {
            m &= self.deep;
        }
        if require.languages != 0 {
            m &= self.offering(require.languages);
        }
        for &(c, floor) in &require.min {
            for f in 0..self.matrix.frameworks {
                if self.matrix.row(f)[c] < floor {
                    m &= !(1u64 << f);
                }
            }
        }
        m
    }

    /// Frameworks offering every language in the `languages` mask.
    pub fn offering(&self, languages: u64) -> u64 {
        self.language_masks
            .iter()
            .enumerate()
            .filter(|(l, _)| languages & (1u64 << l) != 0)
            .fold(self.all, |m, (_, fm)| m & fm)
    }

    /// Score `needs` over the frameworks in `candidates`, best first, into
    /// `picks` (cleared first). `effective` is scratch space. Returns false
    /// when the needs carry no weight at all.
    pub fn rank_into(&self, needs: &[f64], candidates: u64, effective: &mut Vec<f64>, picks: &mut Vec<Pick>) -> bool {
        picks.clear();
        effective.clear();
        effective.extend(needs.iter().zip(&self.matrix.weights).map(|(n, w)| n * w));
        let total: f64 = effective.iter().sum();
        if total <= 0.0 || !total.is_finite() {
            return false;
        }
        if candidates == 0 {
            return true;
        }
        match self.method {
            MethodId::WeightedSum => {
                // Small knowledge bases (the usual case) use small stack
                // arrays: zeroing 64-wide ones costs more than the sums.
                if self.matrix.frameworks <= 16 {
                    self.weighted_sum::<16>(effective, total, candidates, picks);
                } else {
                    self.weighted_sum::<64>(effective, total, candidates, picks);
                }
                return true;
            }
            other => {
                let list: Vec<usize> = (0..self.matrix.frameworks).filter(|f| candidates & (1u64 << f) != 0).collect();
                let scores = other.method().matches(&self.matrix, effective, &list);
                picks.extend(list.into_iter().zip(scores).map(|(framework, score)| Pick {
                    framework,
                    score,
                    key: tie_key(score),
                }));
            }
        }
        picks.sort_unstable_by_key(|p| (std::cmp::Reverse(p.key), p.framework));
        true
    }

    /// The weighted sum of `effective` for every candidate, best first, into
    /// `picks`; N ≥ the number of frameworks.
    fn weighted_sum<const N: usize>(&self, effective: &[f64], total: f64, candidates: u64, picks: &mut Vec<Pick>) {
        // Criterion by criterion over all frameworks at once (this
        // vectorises). Each framework's sum still adds its terms in
        // criterion order from 0.0, and skipped zero terms add
        // nothing, so every score is bit-for-bit the weighted sum's.
        let n = self.matrix.frameworks;
        let mut dots = [0.0f64; N];
        for (c, e) in effective.iter().enumerate() {
            if *e != 0.0 {
                let column = &self.columns[c * n..(c + 1) * n];
                for (dot, s) in dots[..n].iter_mut().zip(column) {
                    *dot += s * e;
                }
            }
        }
        let scale = 100.0 / (total * SCALE_MAX);
        // Best first, ties by id: one u64 per framework (tie key
        // above the inverted index) sorted by insertion, as there
        // are only a handful.
        let mut order = [0u64; N];
        let mut len = 0;
        let mut m = candidates;
        while m != 0 {
            let f = m.trailing_zeros();
            m &= m - 1;
            order[len] = rank_key(scale * dots[f as usize], f as usize);
            len += 1;
        }
        let order = &mut order[..len];
        for i in 1..len {
            let mut j = i;
            while j > 0 && order[j] > order[j - 1] {
                order.swap(j, j - 1);
                j -= 1;
            }
        }
        for &packed in order.iter() {
            let (framework, key) = unrank_key(packed);
            picks.push(Pick { framework, score: scale * dots[framework], key });
        }
    }

    /// Every reason a row can give, at `framework * criteria + criterion`.
    pub fn reason_phrases(&self) -> &[String] {
        &self.reason_phrases
    }

    /// The winner's main reason in a few words: its largest contribution
    /// among its strengths (or its largest contribution when it has none).
    pub fn main_reason(&self, framework: usize, effective: &[f64]) -> &str {
        let row = self.matrix.row(framework);
        // One pass: the best strength, and the best of all as a fallback.
        let (mut strong, mut any) = ((usize::MAX, f64::NEG_INFINITY), (usize::MAX, f64::NEG_INFINITY));
        for (c, (s, e)) in row.iter().zip(effective).enumerate() {
            if *e <= 0.0 {
                continue;
            }
            let points = s * e;
            if points > any.1 {
                any = (c, points);
            }
            if *s >= STRENGTH_SCORE && points > strong.1 {
                strong = (c, points);
            }
        }
        let c = if strong.0 == usize::MAX { any.0 } else { strong.0 };
        self.reason_phrases.get(framework * self.matrix.criteria + c).map_or("", String::as_str)
    }
}

/// A score and a framework's place (below 256) packed so that sorting
/// descending puts the best first and, among equal tie keys, the lower
/// place first: the tie key above the inverted place. A negative score
/// packs as 0, below every framework.
#[inline]
fn rank_key(score: f64, place: usize) -> u64 {
    let key = u64::try_from(tie_key(score)).unwrap_or(0);
    (key << 8) | (255 - (place as u64 & 0xff))
}

/// The place and tie key [`rank_key`] packed.
#[inline]
fn unrank_key(packed: u64) -> (usize, i64) {
    #[allow(clippy::cast_possible_truncation)]
    let place = 255 - (packed & 0xff) as usize;
    #[allow(clippy::cast_possible_wrap)]
    let key = (packed >> 8) as i64;
    (place, key)
}

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
    /// [`WholeNeeds::reason_phrase`]).
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
            self.rank_any(needs, 100.0 / (total * SCALE_MAX), picks);
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
        let scale = 100.0 / (total * SCALE_MAX);
        // As in `Scorer::weighted_sum`: tie key above the inverted index;
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
            picks.push(Pick { framework: self.frameworks[j], score: scale * dots[j], key });
        }
        true
    }

    /// Any number of frameworks, exactly as [`Scorer::weighted_sum`].
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
            picks.push(Pick { framework: self.frameworks[j], score: scale * dots[j], key });
        }
    }

    /// [`Scorer::main_reason`] for `framework` (one that competes) and the
    /// row's `needs` (the tests' view of [`WholeNeeds::reason_phrase`]).
    #[cfg(test)]
    pub fn main_reason<'a>(&self, scorer: &'a Scorer, needs: &[u8], framework: usize) -> &'a str {
        self.reason_phrase(scorer, needs, framework)
            .and_then(|at| scorer.reason_phrases.get(at))
            .map_or("", String::as_str)
    }

    /// Where [`WholeNeeds::main_reason`]'s phrase is in
    /// [`Scorer::reason_phrases`]; `None` when there is none.
    pub fn reason_phrase(&self, scorer: &Scorer, needs: &[u8], framework: usize) -> Option<usize> {
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
        let c = usize::try_from(c).unwrap_or(0);
        Some(framework * scorer.matrix.criteria + c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::explain;
    use crate::profile::{Profile, Require};
    use crate::score::rank;

    #[test]
    fn rows_score_exactly_as_recommend_does() {
        let catalog = Catalog::builtin().unwrap();
        let scorer = Scorer::new(&catalog, MethodId::WeightedSum, InactivePolicy::Rank).unwrap();
        let needs: Vec<f64> = (0..catalog.criteria.len()).map(|c| f64::from(u8::try_from(c % 6).unwrap())).collect();
        let profile = Profile {
            name: "p".into(),
            description: None,
            needs: needs.clone(),
            require: Require { inactive: Some(InactivePolicy::Rank), ..Require::default() },
            chosen: None,
        };
        let matrix = Matrix::new(&catalog);
        let ranking = rank(&catalog, &matrix, &profile, MethodId::WeightedSum.method());
        let advice = explain(&catalog, &matrix, profile, ranking.clone());

        let mut effective = Vec::new();
        let mut picks = Vec::new();
        let require = RowRequire { deep_learning: true, ..RowRequire::default() };
        assert!(scorer.rank_into(&needs, scorer.candidates(&require), &mut effective, &mut picks));
        let fast: Vec<(usize, u64)> = picks.iter().map(|p| (p.framework, p.score.to_bits())).collect();
        let slow: Vec<(usize, u64)> = ranking.ranked.iter().map(|r| (r.framework, r.score.to_bits())).collect();
        assert_eq!(fast, slow);

        let first_reason = &advice.ranking[0].reasons[0];
        let expected = format!("{} {}/5", catalog.criteria[first_reason.criterion].name, num(first_reason.score));
        assert_eq!(scorer.main_reason(picks[0].framework, &effective), expected);
    }

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
                let slow = scorer.rank_into(&as_f64, candidates, &mut effective, &mut p1);
                let fast = whole.rank_into(&needs, &mut p2);
                assert_eq!(slow, fast, "{needs:?}");
                let bits = |p: &[Pick]| p.iter().map(|p| (p.framework, p.score.to_bits(), p.key)).collect::<Vec<_>>();
                assert_eq!(bits(&p1), bits(&p2), "{needs:?} {policy:?}");
                for p in &p1 {
                    let reason = scorer.main_reason(p.framework, &effective);
                    assert_eq!(reason, whole.main_reason(&scorer, &needs, p.framework), "{needs:?} {p:?}");
                }
            }
        }
    }

    #[test]
    fn constraints_become_masks() {
        let catalog = Catalog::builtin().unwrap();
        let scorer = Scorer::new(&catalog, MethodId::WeightedSum, InactivePolicy::Rank).unwrap();
        let r = catalog.languages().iter().position(|l| *l == "r").unwrap();
        let only_r = scorer.candidates(&RowRequire { languages: Scorer::language_bit(r), ..RowRequire::default() });
        // R is reached through keras3, mlverse's torch and Posit's tensorflow
        // package, and, judged as they stood under the run's `rank` policy, by
        // the retired MXNet and CNTK.
        let with_r = ["cntk", "keras", "mxnet", "pytorch", "tensorflow"]
            .iter()
            .fold(0u64, |m, id| m | 1 << catalog.framework_index(id).unwrap());
        assert_eq!(only_r, with_r);
        assert_eq!(scorer.offering(Scorer::language_bit(r)), only_r);
        let active = scorer.candidates(&RowRequire {
            inactive: Some(InactivePolicy::Exclude),
            deep_learning: true,
            ..RowRequire::default()
        });
        let ids: Vec<&str> = (0..catalog.frameworks.len())
            .filter(|f| active & (1 << f) != 0)
            .map(|f| catalog.frameworks[f].id.as_str())
            .collect();
        assert_eq!(ids, ["jax", "keras", "pytorch", "tensorflow"]);
    }
}
