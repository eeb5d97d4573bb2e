//! Scoring one respondent after another, fast: the form of scoring that
//! `batch` (and so the survey server's team report) runs for every row.
//!
//! Everything that depends only on the knowledge base is computed once:
//! the attribute matrix, criterion by criterion, and bit masks for status
//! and kind. Scoring a row is then a few dozen multiply-adds with no
//! allocation. A row that requires languages, targets or hardware is
//! checked against the routes, and scored on its own matrix when its
//! routes decide a criterion (see [`super::routed`]), as `recommend` does.
//!
//! Why a second form of the weighted sum: [`WeightedSum`](super::WeightedSum)
//! scores one profile at a time, from a list of candidates into a new
//! vector, and that is all `recommend` needs. A survey of a million rows
//! spends most of its time here, so [`Scorer::rank_into`] sums criterion by
//! criterion over every framework at once (the loop vectorises), skips
//! criteria that carry no weight and ranks into reused buffers. It adds
//! each framework's terms in the same order with the same operations, so
//! every match is bit-for-bit the weighted sum's; the test
//! `rows_score_bit_for_bit_as_recommend_does` holds it to that on random
//! rows with random constraints under every policy. The other methods have
//! no fast form: rows go through [`super::Method`].

use super::{Match, Matrix, MethodId, STRENGTH_SCORE, Standing, tie_key, weighted_sum};
use crate::catalog::{Catalog, RouteKind};
use crate::error::{Error, Result};
use crate::profile::{InactivePolicy, Require};

/// Hard constraints of one respondent, as bit masks over frameworks, and
/// the languages, targets and hardware required.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowRequire {
    /// Required names, sorted by kind and id, without repeats.
    pub routes: Vec<(RouteKind, String)>,
    /// Bit per framework never to recommend.
    pub exclude: u64,
    /// The row's own policy for frameworks that are not maintained, if it
    /// states one; else the run's default.
    pub inactive: Option<InactivePolicy>,
    pub deep_learning: bool,
    /// (criterion, floor).
    pub min: Vec<(usize, f64)>,
}

impl RowRequire {
    /// The same constraints as a profile's [`Require`]: languages in the
    /// knowledge base's order, excluded frameworks in id order.
    pub(crate) fn to_require(&self, catalog: &Catalog) -> Require {
        let names = |kind: RouteKind| -> Vec<String> {
            self.routes.iter().filter(|(k, _)| *k == kind).map(|(_, n)| n.clone()).collect()
        };
        Require {
            languages: names(RouteKind::Language),
            targets: names(RouteKind::Target),
            hardware: names(RouteKind::Hardware),
            inactive: self.inactive,
            exclude: (0..catalog.frameworks.len()).filter(|f| self.exclude & (1 << f) != 0).collect(),
            min: self.min.clone(),
            deep_learning: self.deep_learning,
        }
    }

    /// Require `kind` `name` too.
    pub(crate) fn add_route(&mut self, kind: RouteKind, name: String) {
        let entry = (kind, name);
        if let Err(at) = self.routes.binary_search(&entry) {
            self.routes.insert(at, entry);
        }
    }

    /// Require what `other` requires of routes too.
    pub(crate) fn add_routes(&mut self, other: &[(RouteKind, String)]) {
        for (kind, name) in other {
            self.add_route(*kind, name.clone());
        }
    }
}

/// One scored framework of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub framework: usize,
    pub score: Match,
    /// [`Match::tie_key`] of the score, computed once.
    pub key: i64,
}

/// The knowledge base, precomputed for row-by-row scoring.
pub struct Scorer {
    pub method: MethodId,
    /// The policy for rows that state none.
    pub inactive: InactivePolicy,
    pub matrix: Matrix,
    /// The attribute scores criterion-major: `columns[c * frameworks + f]`.
    pub(super) columns: Vec<f64>,
    /// For rows that require languages, targets or hardware: the routes.
    catalog: Catalog,
    all: u64,
    active: u64,
    deep: u64,
}

impl Scorer {
    pub fn new(catalog: &Catalog, method: MethodId, inactive: InactivePolicy) -> Result<Self> {
        if catalog.frameworks.len() > 64 {
            return Err(Error::Usage(
                "batch scoring supports at most 64 frameworks in the knowledge base.".to_string(),
            ));
        }
        let bit = |i: usize| 1u64 << i;
        let mask = |keep: &dyn Fn(usize) -> bool| {
            (0..catalog.frameworks.len()).filter(|&f| keep(f)).fold(0, |m, f| m | bit(f))
        };
        Ok(Self {
            method,
            inactive,
            columns: {
                let m = Matrix::new(catalog);
                (0..m.criteria).flat_map(|c| (0..m.frameworks).map(move |f| (c, f))).map(|(c, f)| m.row(f)[c]).collect()
            },
            matrix: Matrix::new(catalog),
            catalog: catalog.clone(),
            all: mask(&|_| true),
            active: mask(&|f| catalog.frameworks[f].status.is_maintained()),
            deep: mask(&|f| catalog.frameworks[f].deep_learning),
        })
    }

    pub(crate) fn criteria(&self) -> usize {
        self.matrix.criteria
    }

    /// The policy in force for `require`.
    pub(crate) fn policy(&self, require: &RowRequire) -> InactivePolicy {
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
        if !require.routes.is_empty() {
            m &= self.reaching(require);
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

    /// Frameworks that reach every name `require` asks for, from the
    /// languages that must call them (see [`Require::callers`]).
    pub(crate) fn reaching(&self, require: &RowRequire) -> u64 {
        let core = require.to_require(&self.catalog);
        (0..self.matrix.frameworks)
            .filter(|&f| {
                let framework = &self.catalog.frameworks[f];
                core.routes().all(|(kind, name)| framework.reach_from(kind, name, core.callers(kind)).is_some())
            })
            .fold(0, |m, f| m | (1u64 << f))
    }

    /// The matrix `require` scores on, when its routes decide a criterion
    /// (`None`: the knowledge base's own).
    pub fn routed_matrix(&self, require: &RowRequire) -> Option<Matrix> {
        if require.routes.is_empty() {
            return None;
        }
        let routed = super::routed(&self.catalog, &require.to_require(&self.catalog));
        (!routed.is_empty()).then(|| self.matrix.with_routed(&routed))
    }

    /// Score `needs` over the frameworks in `candidates`, best first, into
    /// `picks` (cleared first), on `routed` when the row's routes decide a
    /// criterion (see [`Self::routed_matrix`]). `effective` is scratch
    /// space. Returns false when the needs carry no weight at all.
    pub fn rank_into(
        &self,
        needs: &[f64],
        candidates: u64,
        routed: Option<&Matrix>,
        effective: &mut Vec<f64>,
        picks: &mut Vec<Pick>,
    ) -> bool {
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
            MethodId::WeightedSum if routed.is_none() => {
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
                let scores = other.method().matches(routed.unwrap_or(&self.matrix), effective, &list);
                picks.extend(list.into_iter().zip(scores).map(|(framework, score)| {
                    let score = Match::new(score);
                    Pick { framework, score, key: score.tie_key() }
                }));
            }
        }
        picks.sort_unstable_by_key(|p| Standing::of_key(p.key, p.framework));
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
        let scale = weighted_sum::scale(total);
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
            picks.push(Pick { framework, score: Match::new(scale * dots[framework]), key });
        }
    }

    /// The criterion that is a framework's main reason: its largest
    /// contribution among its strengths (or its largest contribution when
    /// it has none); `None` when no criterion carries weight. A row says it
    /// in words through [`crate::explain::rated`].
    pub fn main_reason(&self, framework: usize, effective: &[f64], routed: Option<&Matrix>) -> Option<usize> {
        let row = routed.unwrap_or(&self.matrix).row(framework);
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
        (c != usize::MAX).then_some(c)
    }
}

/// A score and a framework's place (below 256) packed into one integer
/// that orders as their [`Standing`] does, descending: the tie key above
/// the inverted place, so the best comes first and, among equal tie keys,
/// the lower place. A negative score packs as 0, below every framework.
#[inline]
pub(super) fn rank_key(score: f64, place: usize) -> u64 {
    let key = u64::try_from(tie_key(score)).unwrap_or(0);
    (key << 8) | (255 - (place as u64 & 0xff))
}

/// The place and tie key [`rank_key`] packed.
#[inline]
pub(super) fn unrank_key(packed: u64) -> (usize, i64) {
    #[allow(clippy::cast_possible_truncation)]
    let place = 255 - (packed & 0xff) as usize;
    #[allow(clippy::cast_possible_wrap)]
    let key = (packed >> 8) as i64;
    (place, key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use crate::score::rank;

    /// The differential test of the fast weighted sum: random rows (whole
    /// and fractional needs, every kind of constraint, every policy) rank
    /// exactly as [`rank`] ranks the same profile, match for match, bit for
    /// bit.
    #[test]
    fn rows_score_bit_for_bit_as_recommend_does() {
        use rand_xoshiro::rand_core::{Rng, SeedableRng};
        let catalog = Catalog::builtin().unwrap();
        let matrix = Matrix::new(&catalog);
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(21);
        let (criteria, frameworks) = (catalog.criteria.len(), catalog.frameworks.len());
        // Every name of the vocabulary, and one nothing reaches.
        let mut names: Vec<(RouteKind, String)> = catalog.names.iter().map(|n| (n.kind, n.id.clone())).collect();
        names.push((RouteKind::Language, "cobol".to_string()));
        let policies =
            [None, Some(InactivePolicy::Separate), Some(InactivePolicy::Rank), Some(InactivePolicy::Exclude)];
        let (mut effective, mut picks) = (Vec::new(), Vec::new());
        let mut compared = 0;
        for default in [InactivePolicy::Separate, InactivePolicy::Rank, InactivePolicy::Exclude] {
            let scorer = Scorer::new(&catalog, MethodId::WeightedSum, default).unwrap();
            for _ in 0..4000 {
                let mut pick = |n: u32| rng.next_u32() % n;
                let needs: Vec<f64> = (0..criteria)
                    .map(|_| match pick(8) {
                        6 => f64::from(pick(50)) / 10.0,
                        7 => 0.0,
                        n => f64::from(n.min(5)),
                    })
                    .collect();
                let mut require = RowRequire {
                    exclude: if pick(3) == 0 { u64::from(pick(1 << frameworks)) } else { 0 },
                    inactive: policies[pick(4) as usize],
                    deep_learning: pick(4) != 0,
                    min: if pick(4) == 0 { vec![(pick(11) as usize % criteria, f64::from(pick(5)))] } else { vec![] },
                    ..RowRequire::default()
                };
                // Languages, targets and hardware, one or two, in a third of the rows.
                for _ in 0..[0, 0, 0, 0, 1, 2][pick(6) as usize] {
                    let (kind, name) = names[pick(u32::try_from(names.len()).unwrap()) as usize].clone();
                    require.add_route(kind, name);
                }
                let mut profile = Profile {
                    name: "row".into(),
                    description: None,
                    needs: needs.clone(),
                    require: require.to_require(&catalog),
                    chosen: None,
                    unasked: Vec::new(),
                };
                profile.require.inactive = Some(scorer.policy(&require));
                let routed = scorer.routed_matrix(&require);
                let ranked =
                    scorer.rank_into(&needs, scorer.candidates(&require), routed.as_ref(), &mut effective, &mut picks);
                assert_eq!(ranked, needs.iter().any(|n| *n > 0.0), "{needs:?}");
                if !ranked {
                    continue;
                }
                let ranking = rank(&catalog, &matrix, &profile, MethodId::WeightedSum.method());
                let fast: Vec<(usize, u64)> = picks.iter().map(|p| (p.framework, p.score.get().to_bits())).collect();
                let slow: Vec<(usize, u64)> =
                    ranking.ranked.iter().map(|r| (r.framework, r.score.get().to_bits())).collect();
                assert_eq!(fast, slow, "{needs:?} {require:?}");
                compared += usize::from(!fast.is_empty());
            }
        }
        assert!(compared > 6000, "{compared}");
    }

    #[test]
    fn constraints_become_masks() {
        let catalog = Catalog::builtin().unwrap();
        let scorer = Scorer::new(&catalog, MethodId::WeightedSum, InactivePolicy::Rank).unwrap();
        let mut r = RowRequire::default();
        r.add_route(RouteKind::Language, "r".to_string());
        let only_r = scorer.candidates(&r);
        // R is reached through keras3, mlverse's torch and Posit's tensorflow
        // package, and, judged as they stood under the run's `rank` policy, by
        // the retired MXNet and CNTK.
        let with_r = ["cntk", "keras", "mxnet", "pytorch", "tensorflow"]
            .iter()
            .fold(0u64, |m, id| m | 1 << catalog.framework_index(id).unwrap());
        assert_eq!(only_r, with_r);
        assert_eq!(scorer.reaching(&r), only_r);
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
