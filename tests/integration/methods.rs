//! Aggregation methods against published worked examples.

use dlpick::score::{Matrix, Method, MethodId, Topsis, WeightedProduct, WeightedSum};
use serde_json::Value;

/// Hwang and Yoon's textbook example: four alternatives, three benefit criteria.
fn textbook() -> Matrix {
    Matrix {
        frameworks: 4,
        criteria: 3,
        scores: vec![5.0, 8.0, 4.0, 7.0, 6.0, 8.0, 8.0, 8.0, 6.0, 7.0, 4.0, 6.0],
        weights: vec![1.0, 1.0, 1.0],
    }
}

#[test]
fn topsis_reproduces_the_published_closeness() {
    let got = Topsis::analyse(&textbook(), &[0.3, 0.4, 0.3], &[0, 1, 2, 3]);
    let closeness: Vec<f64> = got.iter().map(|r| (r.closeness * 1e4).round() / 1e4).collect();
    assert_eq!(closeness, [0.5037, 0.6581, 0.7482, 0.3340]);
    // Distances from the same worked example: A3 is nearest the ideal.
    assert!((got[2].to_ideal - 0.048_666).abs() < 1e-6);
    assert!((got[2].to_anti_ideal - 0.144_645).abs() < 1e-6);
}

#[test]
fn topsis_weights_are_normalised_and_scale_free() {
    // Weights 3, 4, 3 are the same preference as 0.3, 0.4, 0.3.
    let a = Topsis.matches(&textbook(), &[0.3, 0.4, 0.3], &[0, 1, 2, 3]);
    let b = Topsis.matches(&textbook(), &[3.0, 4.0, 3.0], &[0, 1, 2, 3]);
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-9);
    }
}

#[test]
fn topsis_with_one_candidate_is_the_ideal() {
    let got = Topsis::analyse(&textbook(), &[1.0, 1.0, 1.0], &[1]);
    assert!((got[0].closeness - 1.0).abs() < f64::EPSILON);
}

#[test]
fn weighted_product_is_a_geometric_mean_of_shifted_scores() {
    // Scores 4 and 1 with weights 1:1 → 100 · √((5/6)·(2/6)) = 100 · √(10/36) = 52.7046…
    let m = Matrix { frameworks: 1, criteria: 2, scores: vec![4.0, 1.0], weights: vec![1.0, 1.0] };
    let got = WeightedProduct.matches(&m, &[2.0, 2.0], &[0]);
    assert!((got[0] - 100.0 * (10.0f64 / 36.0).sqrt()).abs() < 1e-9);
}

#[test]
fn weighted_sum_and_product_punish_weakness_differently() {
    // A balanced framework (3, 3) and a lopsided one (5, 1), equal weights:
    // the sum ties them at 60; the product prefers the balanced one.
    let m = Matrix { frameworks: 2, criteria: 2, scores: vec![3.0, 3.0, 5.0, 1.0], weights: vec![1.0, 1.0] };
    let sum = WeightedSum.matches(&m, &[1.0, 1.0], &[0, 1]);
    assert!((sum[0] - 60.0).abs() < 1e-9 && (sum[1] - 60.0).abs() < 1e-9);
    let product = WeightedProduct.matches(&m, &[1.0, 1.0], &[0, 1]);
    assert!(product[0] > product[1]);
}

#[test]
fn every_method_is_reachable_from_the_command_line() {
    for method in MethodId::ALL {
        let name = method.as_str().to_string();
        let out = crate::common::command()
            .args(["recommend", "profiles/research-lab.toml", "--format", "json", "--method", &name])
            .output()
            .unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["profiles"][0]["method"], name);
        assert_eq!(v["profiles"][0]["ranking"][0]["framework"], "pytorch", "{name}");
    }
}

#[test]
fn the_shipped_textbook_example_gives_the_published_numbers() {
    let out = crate::common::command()
        .args(["--weights", "docs/examples/topsis/weights.toml", "recommend", "docs/examples/topsis/profile.toml"])
        .args(["--method", "topsis", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, f64)> = v["profiles"][0]["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["framework"].as_str().unwrap().to_string(), r["topsis"]["closeness"].as_f64().unwrap()))
        .collect();
    let want = [("a3", 0.7482), ("a2", 0.6581), ("a1", 0.5037), ("a4", 0.3340)];
    assert_eq!(got, want.map(|(f, c)| (f.to_string(), c)));
}
