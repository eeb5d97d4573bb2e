//! End-to-end tests of `dlpick tune`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::common;

use assert_cmd::Command;
use common::{dlpick, root};
use predicates::prelude::*;
use serde_json::Value;

fn json(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sensitivity_says_in_one_sentence_how_safe_the_winner_is() {
    dlpick()
        .args(["tune", "sensitivity", "profiles/beginner.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Keras stays first unless the weight of beginner-friendliness"));
    let v = json(dlpick().args(["tune", "sensitivity", "profiles/beginner.toml", "--format", "json"]));
    assert_eq!(v["winner"], "keras");
    // Keras 3 vs PyTorch 5 on debuggability; hand-computed from the needs
    // beginner 5, rapid 4, debug 2: Keras leads 25 + 20 + 2·3·w = 45 + 6w,
    // PyTorch 20 + 18 + 2·5·w = 38 + 10w, so the lead holds while w < 1.75.
    let debug = v["criteria"].as_array().unwrap().iter().find(|c| c["criterion"] == "debuggability").unwrap();
    assert!((debug["weight_range"][1].as_f64().unwrap() - 1.75).abs() < 1e-9);
    assert_eq!(debug["up"]["new_winner"], "pytorch");
    // On beginner-friendliness (weight b): Keras 25b + 26 against PyTorch
    // 20b + 28, so Keras leads while b > 0.4: a 60% drop, the smallest flip.
    let beginner =
        v["criteria"].as_array().unwrap().iter().find(|c| c["criterion"] == "beginner_friendliness").unwrap();
    assert!((beginner["weight_range"][0].as_f64().unwrap() - 0.4).abs() < 1e-9);
    assert_eq!(v["most_fragile"], "beginner_friendliness");
}

#[test]
fn robustness_is_reproducible_for_a_seed_whatever_the_threads() {
    let run = |threads: &str| {
        common::stdout_ok(
            dlpick()
                .args(["tune", "robustness", "profiles/research-lab.toml", "--samples", "200000", "--seed", "9"])
                .args(["--format", "json", "--threads", threads]),
        )
    };
    let one = run("1");
    assert_eq!(one, run("3"));
    let v: Value = serde_json::from_slice(&one).unwrap();
    let frameworks = v["frameworks"].as_array().unwrap();
    let n = frameworks.len();
    for rank in 0..n {
        let sum: f64 = frameworks.iter().map(|f| f["rank_acceptability"][rank].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9, "rank {rank} sums to {sum}");
    }
    assert!(v["summary"].as_str().unwrap().starts_with("PyTorch stays first in"));
}

#[test]
fn identical_frameworks_each_win_about_half() {
    let v = json(
        dlpick()
            .arg("--weights")
            .arg(root().join("tests/fixtures/twins-weights.toml"))
            .args(["tune", "robustness", "-", "--samples", "100000", "--spread", "full", "--format", "json"])
            .write_stdin("[needs]\nalpha = 3\nbeta = 2\n"),
    );
    let first = |id: &str| {
        v["frameworks"].as_array().unwrap().iter().find(|f| f["framework"] == id).unwrap()["rank_acceptability"][0]
            .as_f64()
            .unwrap()
    };
    assert!((first("left") - 0.5).abs() < 0.01 && (first("right") - 0.5).abs() < 0.01);
    assert!(first("weak") < 1e-9);
}

#[test]
fn bad_tune_arguments_exit_2() {
    dlpick().args(["tune", "robustness", "profiles/beginner.toml", "--spread", "1.5"]).assert().code(2);
    dlpick().args(["tune", "robustness", "profiles/beginner.toml", "--samples", "0"]).assert().code(2);
    dlpick().args(["tune", "fit", "profiles/decisions", "--holdout", "1"]).assert().code(2);
    dlpick()
        .args(["tune", "sensitivity", "missing.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.toml"), "[needs]\ndebuggability = 3\n").unwrap();
    dlpick().args(["tune", "fit"]).arg(dir.path()).assert().code(2).stderr(predicate::str::contains("chosen"));
}

/// A small deterministic generator (SplitMix64).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Synthetic decisions: random needs, each team choosing the framework that
/// wins under hidden weights.
fn synthetic_decisions(hidden: &[f64], count: usize, seed: u64) -> String {
    let v = json(dlpick().args(["frameworks", "--format", "json"]));
    let criteria: Vec<String> =
        v["criteria"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
    let frameworks: Vec<(String, Vec<f64>, bool)> = v["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let scores = criteria.iter().map(|c| f["attributes"][c]["score"].as_f64().unwrap()).collect();
            (f["id"].as_str().unwrap().to_string(), scores, f["deep_learning"].as_bool().unwrap())
        })
        .collect();
    let mut g = Gen(seed);
    let mut csv = format!("name,{},chosen\n", criteria.join(","));
    for i in 0..count {
        let needs: Vec<u64> = criteria.iter().map(|_| if g.below(2) == 0 { 0 } else { 1 + g.below(5) }).collect();
        if needs.iter().all(|n| *n == 0) {
            continue;
        }
        let score = |s: &[f64]| -> f64 {
            needs.iter().zip(s).zip(hidden).map(|((n, s), w)| f64::from(u32::try_from(*n).unwrap()) * w * s).sum()
        };
        let chosen = frameworks
            .iter()
            .filter(|f| f.2)
            .max_by(|a, b| score(&a.1).total_cmp(&score(&b.1)).then(b.0.cmp(&a.0)))
            .unwrap();
        let cells: Vec<String> = needs.iter().map(ToString::to_string).collect();
        writeln!(csv, "d{i},{},{}", cells.join(","), chosen.0).unwrap();
    }
    csv
}

#[test]
fn fit_recovers_hidden_weights_well_enough_to_predict_held_out_decisions() {
    let hidden = [0.4, 2.0, 1.5, 0.2, 0.6, 2.5, 0.3, 1.8, 0.1, 1.2, 0.9];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("decisions.csv");
    std::fs::write(&path, synthetic_decisions(&hidden, 400, 11)).unwrap();
    let v =
        json(dlpick().args(["tune", "fit"]).arg(&path).args(["--holdout", "0.25", "--seed", "3", "--format", "json"]));
    let after = v["holdout"]["after"]["top1"].as_f64().unwrap();
    assert!(after >= 0.95, "held-out agreement {after}");
    assert!(after > v["holdout"]["before"]["top1"].as_f64().unwrap());
}

fn weights_copy(dir: &Path) -> PathBuf {
    let path = dir.join("weights.toml");
    std::fs::copy(root().join("weights.toml"), &path).unwrap();
    path
}

#[test]
fn write_changes_only_the_weight_numbers() {
    let hidden = [0.4, 2.0, 1.5, 0.2, 0.6, 2.5, 0.3, 1.8, 0.1, 1.2, 0.9];
    let dir = tempfile::tempdir().unwrap();
    let decisions = dir.path().join("decisions.csv");
    std::fs::write(&decisions, synthetic_decisions(&hidden, 200, 5)).unwrap();
    let weights = weights_copy(dir.path());
    let before = std::fs::read_to_string(&weights).unwrap();
    dlpick()
        .arg("--weights")
        .arg(&weights)
        .args(["tune", "fit"])
        .arg(&decisions)
        .arg("--write")
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote"));
    let after = std::fs::read_to_string(&weights).unwrap();
    assert_ne!(before, after);
    let (b, a): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    assert_eq!(b.len(), a.len());
    let mut changed = 0;
    for (x, y) in b.iter().zip(&a) {
        if x != y {
            changed += 1;
            assert!(x.starts_with("weight = ") && y.starts_with("weight = "), "{x:?} became {y:?}");
        }
    }
    assert!(changed > 0);
    dlpick().args(["check"]).arg(&weights).assert().success();
    // A dry run writes nothing.
    let again = std::fs::read_to_string(&weights).unwrap();
    dlpick().arg("--weights").arg(&weights).args(["tune", "fit"]).arg(&decisions).assert().success();
    assert_eq!(std::fs::read_to_string(&weights).unwrap(), again);
}

/// Make `dir` refuse new files, as far as this machine allows: permissions
/// for ordinary users, the immutable flag for root.
fn lock(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = dir.join(".probe");
    if std::fs::write(&probe, "x").is_err() {
        return true;
    }
    let _ = std::fs::remove_file(&probe);
    std::process::Command::new("chattr").arg("+i").arg(dir).status().is_ok_and(|s| s.success())
        && std::fs::write(&probe, "x").is_err()
}

fn unlock(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::process::Command::new("chattr").arg("-i").arg(dir).status();
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
}

#[test]
fn a_failed_write_leaves_the_old_file_untouched() {
    let hidden = [0.4, 2.0, 1.5, 0.2, 0.6, 2.5, 0.3, 1.8, 0.1, 1.2, 0.9];
    let dir = tempfile::tempdir().unwrap();
    let decisions = dir.path().join("decisions.csv");
    std::fs::write(&decisions, synthetic_decisions(&hidden, 120, 8)).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    let weights = weights_copy(&locked);
    let before = std::fs::read(&weights).unwrap();
    assert!(
        lock(&locked),
        "this test needs a folder it can make unwritable (chattr +i as root, as CI runs, or permissions otherwise)"
    );
    let out =
        dlpick().arg("--weights").arg(&weights).args(["tune", "fit"]).arg(&decisions).arg("--write").output().unwrap();
    unlock(&locked);
    // A storage failure, not bad input.
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(&weights).unwrap(), before);
    assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn the_shipped_decisions_can_be_fitted() {
    dlpick()
        .args(["tune", "fit", "profiles/decisions"])
        .assert()
        .success()
        .stdout(predicate::str::contains("held out").and(predicate::str::contains("The learned weights")));
}

/// A CRLF decisions file names the right line (the csv reader alone numbers
/// CRLF lines one too low).
#[test]
fn crlf_decisions_name_the_right_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.csv");
    std::fs::write(&file, "name,debuggability,flexibility,chosen\r\na,4,3,pytorch\r\nb,9,3,keras\r\n").unwrap();
    let out = common::dlpick().args(["tune", "fit"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("d.csv:3:"), "{err}");
}

/// A decisions file that ends in a comment with no line ending fits as one
/// without it would (the csv reader alone reads a row of one empty field).
#[test]
fn a_last_comment_without_a_line_ending_is_no_decision() {
    let dir = tempfile::tempdir().unwrap();
    let rows = "name,debuggability,flexibility,chosen\na,4,3,pytorch\nb,2,5,keras\n";
    let plain = dir.path().join("plain.csv");
    let commented = dir.path().join("commented.csv");
    std::fs::write(&plain, rows).unwrap();
    std::fs::write(&commented, format!("{rows}# checked by hand")).unwrap();
    let fit = |file: &Path| common::dlpick().args(["tune", "fit", "--format", "json"]).arg(file).output().unwrap();
    let (a, b) = (fit(&plain), fit(&commented));
    assert_eq!(b.status.code(), a.status.code(), "{}", String::from_utf8_lossy(&b.stderr));
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).replace("commented.csv", "plain.csv");
    assert_eq!(text(&b), text(&a));
}
