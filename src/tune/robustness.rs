//! Stochastic multicriteria acceptability analysis (SMAA-2): how often each
//! framework lands at each rank when the weights are uncertain.
//!
//! Samples are drawn in fixed chunks, each from its own generator seeded by
//! (seed, chunk number), and chunk results are added up in chunk order. So a
//! seed gives the same figures, to the bit, whatever the number of threads.
//! Frameworks that tie exactly in a sample share the tied ranks equally, so
//! two identical frameworks each win half the time.

use std::sync::atomic::{AtomicUsize, Ordering};

use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use crate::catalog::Catalog;
use crate::profile::Profile;
use crate::score::{Matrix, MethodId};

/// Samples per chunk: the unit of work and of reproducibility.
pub const CHUNK: u64 = 1 << 14;

/// How weights are sampled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spread {
    /// Each effective weight times a factor uniform in [1 − s, 1 + s].
    Around(f64),
    /// Uniform over all weight vectors on the criteria the profile rates
    /// (classic SMAA without preference information).
    Full,
}

/// The result of a robustness run.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    pub samples: u64,
    pub spread: Spread,
    /// The frameworks that pass the profile's constraints, in id order.
    pub candidates: Vec<usize>,
    /// The criteria sampled (those the profile rates).
    pub criteria: Vec<usize>,
    /// `acceptability[i][r]`: share of samples in which `candidates[i]` has rank r + 1.
    pub acceptability: Vec<Vec<f64>>,
    /// Mean normalised weights (over `criteria`) of the samples `candidates[i]` wins.
    pub central_weights: Vec<Option<Vec<f64>>>,
}

impl Robustness {
    /// First-rank acceptability of candidate `i`.
    pub fn first(&self, i: usize) -> f64 {
        self.acceptability[i].first().copied().unwrap_or(0.0)
    }
}

/// Per-chunk sums, added up in chunk order.
struct Tally {
    ranks: Vec<Vec<f64>>,
    central: Vec<Vec<f64>>,
}

/// What to sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub method: MethodId,
    pub samples: u64,
    pub spread: Spread,
    pub seed: u64,
    /// Worker threads; 0 means one per core. Results do not depend on it.
    pub threads: usize,
}

/// Sample weights around `profile`; `progress` hears of each finished chunk.
/// `None` when no framework passes the profile's constraints.
pub fn analyse(
    catalog: &Catalog,
    profile: &Profile,
    settings: &Settings,
    progress: &(dyn Fn(u64) + Sync),
) -> Option<Robustness> {
    let Settings { method, samples, spread, seed, threads } = *settings;
    if samples == 0 {
        return None;
    }
    let matrix = Matrix::for_require(catalog, &profile.require);
    let candidates = crate::score::candidates(catalog, &profile.require);
    if candidates.is_empty() {
        return None;
    }
    let effective = matrix.effective_weights(&profile.needs);
    let criteria: Vec<usize> = (0..matrix.criteria).filter(|&c| effective[c] > 0.0).collect();
    if criteria.is_empty() {
        return None;
    }
    let chunks = samples.div_ceil(CHUNK);
    let threads =
        if threads == 0 { std::thread::available_parallelism().map_or(1, std::num::NonZero::get) } else { threads };
    let threads = threads.min(usize::try_from(chunks).unwrap_or(usize::MAX)).max(1);
    let next = AtomicUsize::new(0);
    let chunk_count = usize::try_from(chunks).unwrap_or(usize::MAX);
    let mut results: Vec<Option<Tally>> = (0..chunk_count).map(|_| None).collect();

    let sampler = Sampler {
        matrix: &matrix,
        method,
        candidates: &candidates,
        criteria: &criteria,
        effective: &effective,
        spread,
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (next, sampler) = (&next, &sampler);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let chunk = next.fetch_add(1, Ordering::Relaxed);
                        if chunk >= chunk_count {
                            break;
                        }
                        let start = chunk as u64 * CHUNK;
                        let n = CHUNK.min(samples - start);
                        done.push((chunk, sampler.run(seed, chunk as u64, n)));
                        progress(n);
                    }
                    done
                })
            })
            .collect();
        for handle in handles {
            for (chunk, tally) in handle.join().unwrap_or_default() {
                results[chunk] = Some(tally);
            }
        }
    });

    let n = candidates.len();
    let mut ranks = vec![vec![0.0; n]; n];
    let mut central = vec![vec![0.0; criteria.len() + 1]; n];
    for tally in results.into_iter().flatten() {
        for i in 0..n {
            for (sum, x) in ranks[i].iter_mut().zip(&tally.ranks[i]) {
                *sum += x;
            }
            for (sum, x) in central[i].iter_mut().zip(&tally.central[i]) {
                *sum += x;
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let total = samples as f64;
    let acceptability = ranks.iter().map(|row| row.iter().map(|x| x / total).collect()).collect();
    let central_weights = central
        .iter()
        .map(|sums| {
            let wins = sums[criteria.len()];
            (wins > 0.0).then(|| sums[..criteria.len()].iter().map(|s| s / wins).collect())
        })
        .collect();
    Some(Robustness { samples, spread, candidates, criteria, acceptability, central_weights })
}

struct Sampler<'a> {
    matrix: &'a Matrix,
    method: MethodId,
    candidates: &'a [usize],
    criteria: &'a [usize],
    effective: &'a [f64],
    spread: Spread,
}

/// A uniform float in [0, 1) from 53 random bits.
#[allow(clippy::cast_precision_loss)]
fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

impl Sampler<'_> {
    fn run(&self, seed: u64, chunk: u64, samples: u64) -> Tally {
        let n = self.candidates.len();
        let k = self.criteria.len();
        let mut rng =
            Xoshiro256PlusPlus::seed_from_u64(seed ^ chunk.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut tally = Tally { ranks: vec![vec![0.0; n]; n], central: vec![vec![0.0; k + 1]; n] };
        // Attribute scores of the candidates on the sampled criteria, row by row.
        let table: Vec<f64> =
            self.candidates.iter().flat_map(|&f| self.criteria.iter().map(move |&c| self.matrix.row(f)[c])).collect();
        let mut weights = vec![0.0; k];
        let mut full = vec![0.0; self.matrix.criteria];
        let mut scores = vec![0.0; n];
        let mut order: Vec<usize> = (0..n).collect();
        for _ in 0..samples {
            // With spread < 1 and exponential draws a zero total is all but
            // impossible; draw again rather than lose the sample.
            loop {
                match self.spread {
                    Spread::Around(s) => {
                        for (w, &c) in weights.iter_mut().zip(self.criteria) {
                            *w = self.effective[c] * (1.0 - s + 2.0 * s * unit(&mut rng));
                        }
                    }
                    Spread::Full => {
                        for w in &mut weights {
                            // Exponential draws, normalised below: uniform on the simplex.
                            *w = -(1.0 - unit(&mut rng)).ln();
                        }
                    }
                }
                if weights.iter().sum::<f64>() > 0.0 {
                    break;
                }
            }
            let sum: f64 = weights.iter().sum();
            if self.method == MethodId::WeightedSum {
                // The common denominator does not change the order: compare dot products.
                for (i, score) in scores.iter_mut().enumerate() {
                    *score = table[i * k..(i + 1) * k].iter().zip(&weights).map(|(a, w)| a * w).sum();
                }
            } else {
                full.fill(0.0);
                for (w, &c) in weights.iter().zip(self.criteria) {
                    full[c] = *w;
                }
                scores.copy_from_slice(&self.method.method().matches(self.matrix, &full, self.candidates));
            }
            order.sort_unstable_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
            // Exact ties share their ranks.
            let mut r = 0;
            while r < n {
                let mut end = r + 1;
                while end < n && scores[order[end]].total_cmp(&scores[order[r]]).is_eq() {
                    end += 1;
                }
                #[allow(clippy::cast_precision_loss)]
                let share = 1.0 / (end - r) as f64;
                for &i in &order[r..end] {
                    for rank in r..end {
                        tally.ranks[i][rank] += share;
                    }
                    if r == 0 {
                        let central = &mut tally.central[i];
                        for (c, w) in central.iter_mut().zip(&weights) {
                            *c += share * w / sum;
                        }
                        central[k] += share;
                    }
                }
                r = end;
            }
        }
        tally
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Require;

    fn research(catalog: &Catalog) -> Profile {
        let mut needs = vec![0.0; catalog.criteria.len()];
        for (id, v) in [("debuggability", 5.0), ("flexibility", 4.0), ("beginner_friendliness", 3.0)] {
            needs[catalog.criterion_index(id).unwrap()] = v;
        }
        Profile {
            name: "p".into(),
            description: None,
            needs,
            require: Require::default(),
            chosen: None,
            unasked: Vec::new(),
        }
    }

    #[test]
    fn reproducible_for_a_seed_across_thread_counts() {
        let c = Catalog::builtin().unwrap();
        let p = research(&c);
        let settings = |seed, threads| Settings {
            method: MethodId::WeightedSum,
            samples: 100_000,
            spread: Spread::Around(0.5),
            seed,
            threads,
        };
        let run = |threads| analyse(&c, &p, &settings(7, threads), &|_| {});
        let one = run(1).unwrap();
        assert_eq!(one, run(4).unwrap());
        assert_eq!(one, run(2).unwrap());
        assert_ne!(one, analyse(&c, &p, &settings(8, 1), &|_| {}).unwrap());
    }

    #[test]
    fn acceptabilities_sum_to_one_per_rank_and_per_framework() {
        let c = Catalog::builtin().unwrap();
        let settings =
            Settings { method: MethodId::WeightedSum, samples: 50_000, spread: Spread::Full, seed: 1, threads: 0 };
        let r = analyse(&c, &research(&c), &settings, &|_| {}).unwrap();
        let n = r.candidates.len();
        for rank in 0..n {
            let sum: f64 = (0..n).map(|i| r.acceptability[i][rank]).sum();
            assert!((sum - 1.0).abs() < 1e-9, "rank {rank}: {sum}");
        }
        for row in &r.acceptability {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        for w in r.central_weights.iter().flatten() {
            assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }
}
