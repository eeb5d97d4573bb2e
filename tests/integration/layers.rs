//! Knowledge bases a team owns: layers, a project file, and tuning that
//! sticks. Every test runs the real binary in its own temporary folder.

use crate::common;

use std::path::Path;

use common::{arg, dlpick, json_of, root};
use predicates::prelude::*;
use serde_json::Value;

/// A layer adding a made-up framework, with a route to a language the
/// built-in vocabulary does not have.
const LAYER: &str = "tests/fixtures/layer-adds-a-framework.toml";

fn framework<'a>(kb: &'a Value, id: &str) -> &'a Value {
    kb["frameworks"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap()
}

/// `dlpick` run in `dir` (for project-file discovery).
fn dlpick_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = dlpick();
    cmd.current_dir(dir);
    cmd
}

fn json_in(dir: &Path, args: &[&str]) -> Value {
    let out = dlpick_in(dir).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn weight(kb_criteria: &Value, id: &str) -> f64 {
    kb_criteria.as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["weight"].as_f64().unwrap()
}

#[test]
fn a_layer_adds_a_framework_and_leaves_the_rest_unchanged() {
    let base = json_of(&["frameworks", "--format", "json"]);
    let layered = json_of(&["--layer", LAYER, "frameworks", "--format", "json"]);
    let zeta = framework(&layered, "zeta");
    assert_eq!(zeta["layer"], LAYER);
    assert_eq!(zeta["status"], "active");
    assert_eq!(zeta["languages"], serde_json::json!(["python", "zig"]));
    for (_, a) in zeta["attributes"].as_object().unwrap() {
        assert_eq!(a["layer"], LAYER);
    }
    for f in base["frameworks"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        assert_eq!(f["attributes"], framework(&layered, id)["attributes"].clone(), "{id} unchanged");
    }
    assert_eq!(layered["knowledge_base"].as_array().unwrap().len(), 2);
    assert_eq!(layered["knowledge_base"][1]["path"], LAYER);

    // A Zig team is answered by the framework the layer added, with its route.
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("zig.toml");
    std::fs::write(&profile, "[needs]\ndebuggability = 5\n[require]\nlanguages = [\"zig\"]\n").unwrap();
    let text = common::flat(&common::stdout_of(&["recommend", arg(&profile), "--layer", LAYER]));
    assert!(text.contains("Zeta fits best"), "{text}");
    assert!(text.contains("Zig through zeta-zig, community-maintained"), "{text}");
    assert!(text.contains(&format!("from {LAYER}")), "{text}");
    // Without the layer, nothing here reaches Zig: advice, not an error.
    let out = dlpick().args(["recommend", arg(&profile)]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = common::flat(&String::from_utf8(out.stdout).unwrap());
    assert!(text.contains("No maintained framework in this knowledge base can be used from zig."), "{text}");
    let text = common::stdout_of(&["frameworks", "zeta", "--layer", LAYER]);
    assert!(text.contains(&format!("(from {LAYER})")), "{text}");
}

#[test]
fn a_layer_overrides_one_score_and_explanations_name_it() {
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("ours.toml");
    std::fs::write(
        &layer,
        "[frameworks.keras.attributes.beginner_friendliness]\nscore = 4\nevidence = \"Our bootcamp found it harder since Keras 3.\"\nbasis = \"outside\"\nsource = \"Team evaluation, 2026\"\n",
    )
    .unwrap();
    let base = json_of(&["frameworks", "--format", "json"]);
    let v = json_of(&["--layer", arg(&layer), "frameworks", "--format", "json"]);
    let keras = framework(&v, "keras");
    assert_eq!(keras["attributes"]["beginner_friendliness"]["score"], 4.0);
    assert_eq!(keras["attributes"]["beginner_friendliness"]["layer"], arg(&layer));
    assert_eq!(keras["attributes"]["debuggability"], framework(&base, "keras")["attributes"]["debuggability"]);
    let v = json_of(&["--layer", arg(&layer), "recommend", "profiles/beginner.toml", "--format", "json"]);
    let keras = v["profiles"][0]["ranking"].as_array().unwrap().iter().find(|r| r["framework"] == "keras").unwrap();
    let reason =
        keras["reasons"].as_array().unwrap().iter().find(|r| r["criterion"] == "beginner_friendliness").unwrap();
    assert_eq!(reason["citation"], format!("outside the article: Team evaluation, 2026; from {}", arg(&layer)));
}

#[test]
fn a_bad_layer_is_named_in_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("bad.toml");
    std::fs::write(&layer, "[criteria.api_stability]\nweight = -2\n").unwrap();
    dlpick().args(["--layer", arg(&layer), "criteria"]).assert().code(2).stderr(
        predicate::str::contains(format!("{}:2:", arg(&layer)))
            .and(predicate::str::contains("criteria.api_stability.weight")),
    );
    std::fs::write(&layer, "[frameworks.keras.attributes.debuggability]\nscore = 1\n").unwrap();
    dlpick()
        .args(["--layer", arg(&layer), "criteria"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(arg(&layer)).and(predicate::str::contains("evidence")));
}

#[test]
fn layers_come_from_the_environment_separated_as_in_path() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.toml");
    let two = dir.path().join("two.toml");
    std::fs::write(&one, "[criteria.debuggability]\nweight = 2\n").unwrap();
    std::fs::write(&two, "[criteria.debuggability]\nweight = 3\n").unwrap();
    let joined = std::env::join_paths([&one, &two]).unwrap();
    let out = dlpick().env("DLPICK_LAYERS", &joined).args(["criteria", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((weight(&v, "debuggability") - 3.0).abs() < 1e-12, "the last layer wins");
    // A flag replaces the environment's layers.
    let out = dlpick()
        .env("DLPICK_LAYERS", &joined)
        .args(["--layer", arg(&one), "criteria", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((weight(&v, "debuggability") - 2.0).abs() < 1e-12);
}

#[test]
fn a_project_made_by_init_is_used_from_any_subfolder_and_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("team");
    let deep = project.join("src/models");
    std::fs::create_dir_all(&deep).unwrap();
    dlpick_in(&project).arg("init").assert().success();
    assert!(project.join("dlpick.toml").is_file() && project.join("dlpick-weights.toml").is_file());
    // The empty layer changes nothing.
    let criteria = json_in(&deep, &["criteria", "--format", "json"]);
    assert!((weight(&criteria, "api_stability") - 1.0).abs() < 1e-12);
    // A weight written by hand into the layer is the one criteria and recommend use.
    let layer = project.join("dlpick-weights.toml");
    let mut text = std::fs::read_to_string(&layer).unwrap();
    text.push_str("\n[criteria.api_stability]\nweight = 2.5\n");
    std::fs::write(&layer, text).unwrap();
    let criteria = json_in(&deep, &["criteria", "--format", "json"]);
    assert!((weight(&criteria, "api_stability") - 2.5).abs() < 1e-12);
    let profile = root().join("profiles/enterprise-stable.toml");
    let v = json_in(&deep, &["recommend", arg(&profile), "--format", "json"]);
    let contribution = v["profiles"][0]["ranking"][0]["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "api_stability")
        .unwrap()
        .clone();
    assert_eq!(contribution["weight"], 2.5);
    let config = common::flat(&String::from_utf8(dlpick_in(&deep).arg("config").output().unwrap().stdout).unwrap());
    assert!(config.contains("from project file"), "{config}");
    // Outside the project nothing changes.
    let outside = dir.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    let criteria = json_in(&outside, &["criteria", "--format", "json"]);
    assert!((weight(&criteria, "api_stability") - 1.0).abs() < 1e-12);
    // init never overwrites.
    let before = std::fs::read(project.join("dlpick.toml")).unwrap();
    dlpick_in(&project).arg("init").assert().code(2).stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read(project.join("dlpick.toml")).unwrap(), before);
}

#[test]
fn project_defaults_apply_below_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dlpick.toml"), "[defaults]\nmethod = \"topsis\"\ntop = 2\ninactive = \"rank\"\n")
        .unwrap();
    let profile = root().join("profiles/polyglot-shop.toml");
    let v = json_in(dir.path(), &["recommend", arg(&profile), "--format", "json"]);
    let p = &v["profiles"][0];
    assert_eq!(p["method"], "topsis");
    assert_eq!(p["policy"], "rank");
    assert_eq!(p["ranking"].as_array().unwrap().len(), 2);
    let v = json_in(
        dir.path(),
        &["recommend", arg(&profile), "--method", "weighted-sum", "--inactive", "separate", "--format", "json"],
    );
    assert_eq!(v["profiles"][0]["method"], "weighted-sum");
    assert_eq!(v["profiles"][0]["policy"], "separate");
    std::fs::write(dir.path().join("dlpick.toml"), "[defaults]\nmethod = \"sum\"\n").unwrap();
    dlpick_in(dir.path())
        .args(["recommend", arg(&profile)])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("defaults.method"));
}

#[test]
fn tuning_writes_into_the_project_layer_and_sticks() {
    let dir = tempfile::tempdir().unwrap();
    dlpick_in(dir.path()).arg("init").assert().success();
    let decisions = root().join("profiles/decisions");
    let before = json_in(dir.path(), &["criteria", "--format", "json"]);
    let out =
        dlpick_in(dir.path()).args(["tune", "fit", arg(&decisions), "--write", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fit: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fit["written"], true, "{fit}");
    assert!(fit["file"].as_str().unwrap().ends_with("dlpick-weights.toml"));
    // R is reached by maintained routes today, so r-shop too had a choice.
    assert_eq!(fit["single_candidate"], serde_json::json!([]), "{fit}");
    let after = json_in(dir.path(), &["criteria", "--format", "json"]);
    assert_ne!(before, after, "the next command uses the fitted weights");
    let mean = 1.0;
    for c in after.as_array().unwrap() {
        let w = c["weight"].as_f64().unwrap();
        assert!(w >= 0.1 * mean - 1e-9, "no fitted weight falls to zero: {c}");
    }
    for (c, w) in fit["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["criterion"].as_str().unwrap(), w["after"].as_f64().unwrap()))
    {
        assert!((weight(&after, c) - w).abs() < 1e-9, "{c}");
    }
    // Fitting again from the fitted weights is stable.
    let again =
        dlpick_in(dir.path()).args(["tune", "fit", arg(&decisions), "--write", "--format", "json"]).output().unwrap();
    assert!(again.status.success());
    let third = json_in(dir.path(), &["criteria", "--format", "json"]);
    for c in after.as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        assert!((weight(&third, id) - c["weight"].as_f64().unwrap()).abs() <= 0.001, "{id} moved");
    }
}

#[test]
fn guard_rails_refuse_what_cannot_be_justified() {
    let dir = tempfile::tempdir().unwrap();
    let decisions = root().join("profiles/decisions");
    // Only the built-in knowledge base: nothing to write into.
    dlpick_in(dir.path())
        .args(["tune", "fit", arg(&decisions), "--write"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dlpick init"));
    dlpick_in(dir.path()).arg("init").assert().success();
    let layer = dir.path().join("dlpick-weights.toml");
    let before = std::fs::read(&layer).unwrap();
    dlpick_in(dir.path())
        .args(["tune", "fit", arg(&decisions), "--holdout", "0", "--write"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("held-out evidence"));
    assert_eq!(std::fs::read(&layer).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn writes_keep_links_line_endings_and_byte_order_marks() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real-layer.toml");
    std::fs::write(&real, "\u{feff}# our layer\r\n[criteria.debuggability]\r\nweight = 1.0\r\n").unwrap();
    let link = dir.path().join("layer.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let decisions = root().join("profiles/decisions");
    dlpick_in(dir.path()).args(["--layer", "layer.toml", "tune", "fit", arg(&decisions), "--write"]).assert().success();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.starts_with("\u{feff}# our layer\r\n"), "{text:?}");
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF kept: {text:?}");
    assert!(!text.contains("weight = 1.0\r\n"), "the weights were written: {text:?}");

    // --out through a link replaces the target, keeps the link.
    let report = dir.path().join("report.txt");
    std::fs::write(&report, "old").unwrap();
    let out_link = dir.path().join("latest.txt");
    std::os::unix::fs::symlink(&report, &out_link).unwrap();
    dlpick().args(["recommend", "profiles/beginner.toml", "--out", arg(&out_link), "--force"]).assert().success();
    assert!(std::fs::symlink_metadata(&out_link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&report).unwrap().contains("Keras"));
}

#[cfg(unix)]
#[test]
fn ask_save_through_a_link_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.toml");
    std::fs::write(&real, "name = \"old\"\n").unwrap();
    let link = dir.path().join("mine.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    dlpick().args(["ask", "--save", arg(&link), "--force", "--name", "mine"]).write_stdin("5\n").assert().success();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&real).unwrap().contains("beginner_friendliness = 5"));
}
