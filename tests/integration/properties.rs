//! Invariants of the scoring that must hold for every profile.

use dlpick::catalog::{BUILTIN_WEIGHTS, Catalog};
use dlpick::explain::explain;
use dlpick::profile::{InactivePolicy, Profile, Require};
use dlpick::score::{Matrix, MethodId, rank};
use proptest::prelude::*;

/// The built-in knowledge base's criteria (checked below).
const CRITERIA: usize = 12;

fn catalog() -> Catalog {
    let c = Catalog::builtin().unwrap();
    assert_eq!(c.criteria.len(), CRITERIA);
    c
}

fn profile(needs: Vec<f64>) -> Profile {
    // Rank every framework, scikit-learn and unmaintained ones included, so
    // constraints play no part.
    Profile {
        name: "p".into(),
        description: None,
        needs,
        require: Require { deep_learning: false, inactive: Some(InactivePolicy::Rank), ..Require::default() },
        chosen: None,
        unasked: Vec::new(),
    }
}

fn order(catalog: &Catalog, needs: &[f64], method: MethodId) -> Vec<String> {
    let matrix = Matrix::new(catalog);
    rank(catalog, &matrix, &profile(needs.to_vec()), method.method())
        .ranked
        .iter()
        .map(|r| catalog.frameworks[r.framework].id.clone())
        .collect()
}

/// Needs on the 0–5 scale in half steps, at least one above 0.
fn needs_strategy(n: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0u8..=10, n)
        .prop_filter("at least one need", |v| v.iter().any(|&x| x > 0))
        .prop_map(|v| v.into_iter().map(|x| f64::from(x) / 2.0).collect())
}

fn methods() -> impl Strategy<Value = MethodId> {
    prop::sample::select(MethodId::ALL.to_vec())
}

proptest! {
    #[test]
    fn scaling_all_needs_keeps_the_ranking(needs in needs_strategy(CRITERIA), k in 0.05f64..20.0, method in methods()) {
        let c = catalog();
        let scaled: Vec<f64> = needs.iter().map(|n| n * k).collect();
        prop_assert_eq!(order(&c, &needs, method), order(&c, &scaled, method));
    }

    #[test]
    fn raising_a_need_never_lowers_the_best_framework_on_it(needs in needs_strategy(CRITERIA), criterion in 0usize..CRITERIA, extra in 0.5f64..5.0) {
        let c = catalog();
        let best = c.frameworks.iter().map(|f| f.attributes[criterion].score).fold(f64::MIN, f64::max);
        let before = order(&c, &needs, MethodId::WeightedSum);
        let mut raised = needs.clone();
        raised[criterion] += extra;
        let after = order(&c, &raised, MethodId::WeightedSum);
        for f in c.frameworks.iter().filter(|f| (f.attributes[criterion].score - best).abs() < 1e-12) {
            let pos = |o: &[String]| o.iter().position(|id| *id == f.id).unwrap();
            prop_assert!(pos(&after) <= pos(&before), "{} fell from {} to {}", f.id, pos(&before), pos(&after));
        }
    }

    #[test]
    fn no_nan_anywhere_and_matches_stay_in_range(
        needs in needs_strategy(CRITERIA),
        weights in prop::collection::vec(0.0f64..10.0, CRITERIA),
        method in methods(),
    ) {
        let mut c = catalog();
        for (criterion, w) in c.criteria.iter_mut().zip(&weights) {
            criterion.weight = *w;
        }
        let matrix = Matrix::new(&c);
        prop_assume!(needs.iter().zip(&weights).any(|(n, w)| n * w > 0.0));
        let p = profile(needs);
        let ranking = rank(&c, &matrix, &p, method.method());
        let advice = explain(&c, &matrix, p, ranking);
        for e in &advice.ranking {
            let score = e.score.get();
            prop_assert!(score.is_finite() && (0.0..=100.0 + 1e-9).contains(&score), "{}", score);
            for part in &e.contributions {
                prop_assert!(part.points.is_finite() && part.share.is_finite());
            }
            let bad_word = e.explanation.split(|ch: char| !ch.is_alphanumeric()).any(|w| w == "NaN" || w == "inf");
            prop_assert!(!bad_word, "{}", e.explanation);
        }
        if let Some(v) = &advice.verdict {
            prop_assert!(v.margin.is_none_or(|m| m.is_finite() && m >= 0.0));
        }
    }

    #[test]
    fn weighted_sum_contributions_add_up_to_the_match(needs in needs_strategy(CRITERIA)) {
        let c = catalog();
        let matrix = Matrix::new(&c);
        let p = profile(needs);
        let ranking = rank(&c, &matrix, &p, MethodId::WeightedSum.method());
        let advice = explain(&c, &matrix, p, ranking);
        for e in &advice.ranking {
            let total: f64 = e.contributions.iter().map(|c| c.points).sum();
            prop_assert!((total - e.score.get()).abs() < 1e-9, "{} vs {:?}", total, e.score);
        }
    }

    #[test]
    fn reordering_frameworks_in_the_file_changes_nothing(seed in any::<u64>(), needs in needs_strategy(CRITERIA)) {
        let mut table: toml::Table = toml::from_str(BUILTIN_WEIGHTS).unwrap();
        let frameworks = table.remove("frameworks").unwrap();
        let mut entries: Vec<(String, toml::Value)> = frameworks.as_table().unwrap().clone().into_iter().collect();
        // A seeded Fisher–Yates shuffle.
        let mut state = seed | 1;
        for i in (1..entries.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            let j = usize::try_from(state % (i as u64 + 1)).unwrap();
            entries.swap(i, j);
        }
        table.insert("frameworks".into(), toml::Value::Table(entries.into_iter().collect()));
        let mut shuffled = Catalog::parse(&toml::to_string(&table).unwrap(), "shuffled.toml").unwrap();
        let original = catalog();
        // Only the file's name and hash differ.
        shuffled.files.clone_from(&original.files);
        prop_assert_eq!(&shuffled, &original);
        prop_assert_eq!(order(&shuffled, &needs, MethodId::WeightedSum), order(&original, &needs, MethodId::WeightedSum));
    }
}

#[test]
fn ties_are_broken_by_framework_id() {
    // Caffe2, CNTK and Theano all score 2 on beginner-friendliness: equal
    // matches, in id order, right after TensorFlow's 3.
    let c = catalog();
    let mut needs = vec![0.0; c.criteria.len()];
    needs[c.criterion_index("beginner_friendliness").unwrap()] = 3.0;
    let o = order(&c, &needs, MethodId::WeightedSum);
    let pos = |id: &str| o.iter().position(|x| x == id).unwrap();
    assert!(pos("tensorflow") < pos("caffe2") && pos("caffe2") < pos("cntk") && pos("cntk") < pos("theano"), "{o:?}");
}
