//! Per-row scoring cost: what `dlpick batch` spends on one respondent once
//! the row is parsed, and the same through the general `recommend` path.
//!
//! Run with `cargo bench --bench scoring`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dlpick::catalog::Catalog;
use dlpick::explain::explain;
use dlpick::profile::{Profile, Require};
use dlpick::score::rows::{RowRequire, Scorer};
use dlpick::score::{Matrix, MethodId, rank};

fn needs(catalog: &Catalog, seed: usize) -> Vec<f64> {
    (0..catalog.criteria.len()).map(|c| f64::from(u8::try_from((c * 7 + seed) % 6).unwrap_or(0))).collect()
}

fn per_row(c: &mut Criterion) {
    let catalog = Catalog::builtin().expect("built-in knowledge base");
    let rows: Vec<Vec<f64>> = (0..64).map(|s| needs(&catalog, s)).collect();
    let require = RowRequire { deep_learning: true, ..RowRequire::default() };

    for method in [MethodId::WeightedSum, MethodId::Topsis] {
        let scorer = Scorer::new(&catalog, method, dlpick::profile::InactivePolicy::Separate).expect("scorer");
        let mut effective = Vec::new();
        let mut picks = Vec::new();
        let mut i = 0;
        c.bench_function(&format!("batch row: rank + main reason ({method:?})"), |b| {
            b.iter(|| {
                let needs = &rows[i % rows.len()];
                i += 1;
                let candidates = scorer.candidates(&require);
                scorer.rank_into(black_box(needs), candidates, None, &mut effective, &mut picks);
                black_box(scorer.main_reason(picks[0].framework, &effective, None))
            });
        });
    }

    let matrix = Matrix::new(&catalog);
    c.bench_function("recommend: rank + full explanation", |b| {
        b.iter(|| {
            let profile = Profile {
                name: "bench".into(),
                description: None,
                needs: rows[3].clone(),
                require: Require::default(),
                chosen: None,
                unasked: Vec::new(),
            };
            let ranking = rank(&catalog, &matrix, &profile, MethodId::WeightedSum.method());
            black_box(explain(&catalog, &matrix, profile, ranking))
        });
    });
}

criterion_group!(benches, per_row);
criterion_main!(benches);
