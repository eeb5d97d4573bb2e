//! End-to-end tests of the `dlpick` binary: real processes, real files.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common;

use common::{dlpick, fixture, json_of};
use predicates::prelude::*;
use serde_json::Value;

fn shipped_profiles() -> Vec<PathBuf> {
    common::tomls("profiles")
}

#[test]
fn every_shipped_profile_gets_an_explained_recommendation() {
    let profiles = shipped_profiles();
    assert!(profiles.len() >= 6, "ship at least six example profiles");
    for p in profiles {
        dlpick()
            .arg("recommend")
            .arg(&p)
            .assert()
            .success()
            .stdout(predicate::str::contains("fits best (match"))
            .stderr(predicate::str::is_empty());
    }
}

#[test]
fn personas_get_the_answer_the_article_makes_plain() {
    let winner = |file: &str| {
        let v = json_of(&["recommend", &format!("profiles/{file}"), "--format", "json"]);
        v["profiles"][0]["ranking"][0]["framework"].as_str().unwrap().to_string()
    };
    assert_eq!(winner("beginner.toml"), "keras");
    assert_eq!(winner("research-lab.toml"), "pytorch");
    // Since the article, PyTorch's distributed stack (DDP, FSDP) leads for
    // large-scale training, and ExecuTorch took it to phones.
    assert_eq!(winner("distributed-team.toml"), "pytorch");
    assert_eq!(winner("mobile-app.toml"), "pytorch");
    // MXNet is retired: the best maintained multi-language framework wins.
    assert_eq!(winner("polyglot-shop.toml"), "tensorflow");
    assert_eq!(winner("tabular-analyst.toml"), "scikit_learn");
}

#[test]
fn the_tiny_knowledge_base_gives_hand_computed_matches_and_text() {
    // needs alpha 4, beta 3; weights alpha 1, beta 2 → effective 4, 6 (sum 10, best 50).
    // Yak: 4·3 + 6·4 = 36 → 72.0; Xeno: 4·5 + 6·2 = 32 → 64.0; Zed: 4 + 6 = 10 → 20.0.
    // Alpha is the top need and Yak's 3 is 2 below Xeno's 5: a concern.
    let weights = fixture("tiny-weights.toml");
    let profile = fixture("tiny-profile.toml");
    let (w, p) = (weights.to_str().unwrap(), profile.to_str().unwrap());
    // By default the discontinued Zed does not compete; it is listed for reference.
    let v = json_of(&["--weights", w, "recommend", p, "--format", "json"]);
    assert_eq!(v["profiles"][0]["ranking"].as_array().unwrap().len(), 2);
    assert_eq!(v["profiles"][0]["inactive"][0]["framework"], "zed");
    assert_eq!(v["profiles"][0]["inactive"][0]["score"], 20.0);
    // The article's view ranks all three.
    let v = json_of(&["--weights", w, "recommend", p, "--inactive", "rank", "--format", "json"]);
    let ranking = v["profiles"][0]["ranking"].as_array().unwrap();
    let got: Vec<(&str, f64)> =
        ranking.iter().map(|r| (r["framework"].as_str().unwrap(), r["score"].as_f64().unwrap())).collect();
    assert_eq!(got, [("yak", 72.0), ("xeno", 64.0), ("zed", 20.0)]);
    // Yak's points: alpha 100·4·3/50 = 24, beta 100·6·4/50 = 48.
    let contributions = &ranking[0]["contributions"];
    assert_eq!(contributions[0]["criterion"], "beta");
    assert_eq!(contributions[0]["points"], 48.0);
    assert_eq!(contributions[1]["points"], 24.0);
    assert_eq!(v["profiles"][0]["verdict"]["margin"], 8.0);
    assert_eq!(v["profiles"][0]["verdict"]["decided_by"], "beta");
    assert_eq!(
        ranking[0]["explanation"],
        "Yak fits best (match 72.0). Beta 4/5: Yak handles beta well [2 Test]. \
         Watch out: Alpha 3/5: Yak does alpha well enough [1 Test]. Xeno is 8.0 behind, mainly on beta."
    );
    assert_eq!(
        ranking[1]["explanation"],
        "Xeno ranks 2nd (match 64.0), 8.0 behind Yak. Strong on alpha 5/5. \
         Watch out: Beta 2/5: Xeno struggles with beta [2 Test]."
    );
    assert_eq!(
        ranking[2]["explanation"],
        "Zed ranks 3rd (match 20.0), 52.0 behind Yak. Nothing you rate is a clear strength here. \
         Watch out: Beta 1/5: Zed barely does beta [2 Test]; Alpha 1/5: Zed barely does alpha [1 Test]. \
         Zed is discontinued. Abandoned in 2001."
    );
    assert_eq!(ranking[2]["warnings"][0], "Zed is discontinued. Abandoned in 2001.");
}

#[test]
fn constraints_exclude_with_reasons() {
    let weights = fixture("tiny-weights.toml");
    let w = weights.to_str().unwrap();
    let v = json_of(&["--weights", w, "recommend", "--need", "alpha=3", "--active-only", "--format", "json"]);
    let excluded = &v["profiles"][0]["excluded"];
    assert_eq!(excluded[0]["framework"], "zed");
    assert!(excluded[0]["reason"].as_str().unwrap().contains("not maintained (discontinued)"));

    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(
        &p,
        "[needs]\nalpha = 3\n[require]\nlanguages = [\"r\"]\nmin = { beta = 3 }\nexclude = [\"xeno\"]\n",
    )
    .unwrap();
    let v = json_of(&["--weights", w, "recommend", p.to_str().unwrap(), "--format", "json"]);
    let ranked: Vec<&str> =
        v["profiles"][0]["ranking"].as_array().unwrap().iter().map(|r| r["framework"].as_str().unwrap()).collect();
    assert_eq!(ranked, ["yak"]);
    let reasons: Vec<&str> =
        v["profiles"][0]["excluded"].as_array().unwrap().iter().map(|e| e["reason"].as_str().unwrap()).collect();
    assert!(reasons[0].contains("excluded by the profile"), "{reasons:?}");
    assert!(
        reasons[1].contains("cannot be used from r") && reasons[1].contains("below your minimum of 3"),
        "{reasons:?}"
    );
}

#[test]
fn scikit_learn_is_excluded_unless_asked_for() {
    let v = json_of(&["recommend", "--need", "beginner_friendliness=5", "--format", "json"]);
    let excluded = v["profiles"][0]["excluded"].as_array().unwrap();
    assert!(excluded.iter().any(|e| e["framework"] == "scikit_learn"));
}

#[test]
fn need_flags_override_a_profile() {
    let v = json_of(&[
        "recommend",
        "profiles/beginner.toml",
        "--need",
        "beginner_friendliness=0",
        "--need",
        "distributed_training=5",
        "--format",
        "json",
    ]);
    let needs = &v["profiles"][0]["needs"];
    assert!(needs.get("beginner_friendliness").is_none());
    assert_eq!(needs["distributed_training"], 5.0);
}

#[test]
fn top_limits_the_ranking() {
    let v = json_of(&["recommend", "profiles/beginner.toml", "--top", "2", "--format", "json"]);
    assert_eq!(v["profiles"][0]["ranking"].as_array().unwrap().len(), 2);
}

#[test]
fn output_is_deterministic_in_every_format() {
    for format in ["text", "json", "csv", "markdown"] {
        let run = || {
            common::stdout_ok(dlpick().args([
                "recommend",
                "profiles/research-lab.toml",
                "profiles/beginner.toml",
                "--format",
                format,
            ]))
        };
        let first = run();
        assert!(!first.is_empty(), "{format}");
        assert_eq!(first, run(), "{format}");
    }
}

#[test]
fn csv_and_markdown_have_one_row_per_framework() {
    let out = dlpick().args(["recommend", "profiles/beginner.toml", "--format", "csv"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["profile", "standing", "rank", "tied", "framework", "name", "match", "status", "excluded", "explanation"]
    );
    // One row per framework: the article's eight and JAX.
    assert_eq!(reader.records().count(), 9);
    dlpick()
        .args(["recommend", "profiles/beginner.toml", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains("| 1 | Keras |"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = common::stdout_ok(dlpick().args(["recommend", "profiles/beginner.toml"]));
    assert!(!plain.is_empty());
    assert!(!plain.contains(&0x1b), "no escape codes when stdout is not a terminal");
    let coloured = common::stdout_ok(dlpick().args(["recommend", "profiles/beginner.toml", "--color", "always"]));
    assert!(coloured.contains(&0x1b));
    let never = common::stdout_ok(
        dlpick().args(["recommend", "profiles/beginner.toml", "--color", "never"]).env("NO_COLOR", "1"),
    );
    assert_eq!(never, plain);
}

#[test]
fn out_is_written_atomically_and_never_clobbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("advice.json");
    dlpick()
        .args(["recommend", "profiles/beginner.toml", "--format", "json", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(serde_json::from_str::<Value>(&first).is_ok());

    std::fs::write(&out, "mine").unwrap();
    dlpick()
        .args(["recommend", "profiles/beginner.toml", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists").and(predicate::str::contains("--force")));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");

    dlpick().args(["recommend", "profiles/beginner.toml", "--force", "--out"]).arg(&out).assert().success();
    assert!(std::fs::read_to_string(&out).unwrap().contains("Keras fits best"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary files left");
}

#[test]
fn a_failed_run_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("advice.txt");
    dlpick().arg("recommend").arg(fixture("bad/nan.toml")).arg("--out").arg(&out).assert().code(2);
    assert!(!out.exists());
}

#[test]
fn bad_profiles_exit_2_naming_the_file() {
    let cases = [
        ("empty.toml", "states no needs"),
        ("not-toml.toml", "not-toml.toml:2"),
        ("wrong-type.toml", "needs.debuggability"),
        ("unknown-criterion.toml", "Did you mean `debuggability`?"),
        ("unknown-key.toml", "Did you mean `active_only`?"),
        ("out-of-range.toml", "out of range"),
        ("nan.toml", "not a number"),
        ("inf.toml", "out of range"),
        ("no-needs.toml", "states no needs"),
        ("unknown-framework.toml", "Did you mean `pytorch`?"),
        ("not-utf8.toml", "not-utf8.toml"),
        ("missing.toml", "missing.toml"),
    ];
    for (file, expected) in cases {
        let out = dlpick().arg("recommend").arg(fixture(&format!("bad/{file}"))).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert!(stderr.contains(file), "{file}: error should name the file: {stderr}");
        assert!(stderr.contains(expected), "{file}: expected {expected:?} in {stderr}");
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{file}: one paragraph: {stderr}");
        assert!(out.stdout.is_empty(), "{file}");
    }
}

#[test]
fn bad_flags_and_bad_weights_exit_2() {
    dlpick().args(["recommend"]).assert().code(2).stderr(predicate::str::contains("--need"));
    dlpick()
        .args(["recommend", "--need", "debugability=3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("debuggability"));
    dlpick().args(["recommend", "--need", "debuggability=high"]).assert().code(2);
    dlpick().args(["recommend", "--need", "debuggability=-1"]).assert().code(2);
    dlpick().args(["recommend", "--top", "0", "--need", "debuggability=1"]).assert().code(2);
    dlpick().args(["recommend", "--format", "yaml", "--need", "debuggability=1"]).assert().code(2);

    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("w.toml");
    let good = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("weights.toml")).unwrap();
    std::fs::write(&weights, good.replacen("score = 5", "score = 5.5", 1)).unwrap();
    dlpick()
        .args(["recommend", "--need", "debuggability=1", "--weights"])
        .arg(&weights)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("w.toml:").and(predicate::str::contains("out of range")));
    // The environment variable works the same way.
    dlpick()
        .env("DLPICK_WEIGHTS", &weights)
        .args(["recommend", "--need", "debuggability=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("w.toml:"));
}

#[test]
fn weights_from_the_environment_replace_the_builtin_ones() {
    dlpick()
        .env("DLPICK_WEIGHTS", fixture("tiny-weights.toml"))
        .args(["recommend", "--need", "alpha=1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Xeno fits best"));
}

#[test]
fn profiles_can_come_from_standard_input() {
    dlpick()
        .args(["recommend", "-"])
        .write_stdin("[needs]\ndebuggability = 5\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("PyTorch fits best"));
}

#[test]
fn check_validates_folders_and_files() {
    dlpick()
        .args(["check", "profiles", "weights.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok  weights.toml"));
    dlpick()
        .arg("check")
        .arg(fixture("bad/nan.toml"))
        .arg("profiles/beginner.toml")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nan.toml"));
}

#[test]
fn frameworks_and_criteria_list_the_knowledge_base() {
    let v = json_of(&["frameworks", "--format", "json"]);
    assert_eq!(v["frameworks"].as_array().unwrap().len(), 9);
    assert!(v["frameworks"][0]["attributes"]["debuggability"]["source"].is_string());
    dlpick().args(["frameworks", "pytorch"]).assert().success().stdout(predicate::str::contains("PyTorch (pytorch)"));
    dlpick().args(["frameworks", "pytroch"]).assert().code(2).stderr(predicate::str::contains("`pytorch`"));
    dlpick().args(["criteria"]).assert().success().stdout(predicate::str::contains("mobile_deployment"));
}

#[test]
fn help_has_examples() {
    dlpick().arg("--help").assert().success().stdout(predicate::str::contains("Examples:"));
    dlpick().args(["recommend", "--help"]).assert().success().stdout(predicate::str::contains("Examples:"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let many: Vec<String> = std::iter::repeat_n("profiles/polyglot-shop.toml".to_string(), 200).collect();
    let mut child = common::command_in(&common::root())
        .arg("recommend")
        .args(&many)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_misspelt_file_name_gets_a_suggestion() {
    dlpick()
        .args(["recommend", "profiles/beginer.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Did you mean `profiles/beginner.toml`?"));
}

#[test]
fn argument_errors_share_the_prefix_of_every_other_error() {
    for args in [
        vec!["recommend", "--bogus"],
        vec!["recommend", "profiles/beginner.toml", "--method", "nope"],
        vec!["nonsense"],
    ] {
        let out = dlpick().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("dlpick: error: "), "{args:?}: {err}");
        assert!(!err.contains("dlpick: error: error:"), "{err}");
    }
    // Help still goes to standard output, with success.
    dlpick().args(["recommend", "--help"]).assert().success().stdout(predicate::str::contains("Usage:"));
}

#[test]
fn ids_are_accepted_as_users_write_them() {
    // Criterion and framework names as printed, any case, `-` or `_`.
    let by_id =
        json_of(&["recommend", "--need", "beginner_friendliness=5", "--need", "gpu_support=3", "--format", "json"]);
    for spelling in [["beginner-friendliness=5", "GPU support=3"], ["Beginner-Friendliness=5", "gpu-support=3"]] {
        let got = json_of(&["recommend", "--need", spelling[0], "--need", spelling[1], "--format", "json"]);
        assert_eq!(got["profiles"], by_id["profiles"], "{spelling:?}");
    }
    for name in ["PyTorch", "pytorch", "scikit-learn", "Scikit_Learn"] {
        let out = dlpick().args(["frameworks", name, "--format", "json"]).output().unwrap();
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn check_tells_a_survey_from_toml_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    // Named .toml, yet a CSV: checked as a survey, row by row.
    let survey = dir.path().join("survey.toml");
    std::fs::write(&survey, "name,team,debuggability\r\nana,x,4\r\nben,x,7\r\n").unwrap();
    let out = dlpick().arg("check").arg(&survey).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // Line 3 holds the bad need, CRLF or not.
    assert!(err.contains("survey.toml:3"), "{err}");
    assert!(err.contains("debuggability"), "{err}");
    assert!(!err.contains("expected `=`"), "{err}");

    let good = dir.path().join("good.csv");
    std::fs::write(&good, "name,debuggability\nana,4\nben,5\n").unwrap();
    dlpick().arg("check").arg(&good).assert().success().stdout(predicate::str::contains("2 valid rows"));
    let lines = dir.path().join("good.jsonl");
    std::fs::write(&lines, "{\"name\": \"ana\", \"needs\": {\"debuggability\": 4}}\n").unwrap();
    dlpick().arg("check").arg(&lines).assert().success().stdout(predicate::str::contains("1 valid row)"));
}

/// The `file:line: …` rejections a run printed, after its prefix.
fn rejections(stderr: &[u8], prefix: &str) -> Vec<String> {
    String::from_utf8_lossy(stderr).lines().filter_map(|l| l.strip_prefix(prefix)).map(str::to_string).collect()
}

#[test]
fn check_applies_batchs_streaming_rules_to_surveys() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: Vec<u8>| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    // Over the 16 MiB TOML cap in comments, with two rows: fine for both.
    let comments = format!("# {}\n", "c".repeat(1000)).repeat(17 * 1024);
    let big = write("big.csv", format!("name,debuggability\n{comments}ana,4\nben,5\n").into_bytes());
    // A 2 MiB JSON line: rejected by both, at its line.
    let long_line = format!("{{\"name\":\"{}\",\"needs\":{{\"debuggability\":3}}}}", "n".repeat(2 << 20));
    let jsonl = write(
        "long.jsonl",
        format!("{{\"name\":\"ana\",\"needs\":{{\"flexibility\":2}}}}\n{long_line}\n").into_bytes(),
    );
    // Bytes that are not UTF-8 in a comment: no row, so fine for both.
    let latin1 = write("latin1.csv", b"name,debuggability\n# caf\xe9\nana,4\n".to_vec());
    // An over-long CSV record and a bad cell: both rejected by both.
    let long_csv =
        write("long.csv", format!("name,debuggability\n{},4\nana,9\nben,3\n", "x".repeat(3 << 20)).into_bytes());
    for (path, valid) in [(&big, true), (&jsonl, false), (&latin1, true), (&long_csv, false)] {
        let batch = dlpick().arg("batch").arg(path).output().unwrap();
        let check = dlpick().arg("check").arg(path).output().unwrap();
        let shown = path.display();
        assert_eq!(batch.status.code(), Some(i32::from(!valid)), "{shown}: {}", String::from_utf8_lossy(&batch.stderr));
        assert_eq!(
            check.status.code(),
            Some(if valid { 0 } else { 2 }),
            "{shown}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let by_batch = rejections(&batch.stderr, "dlpick: rejected: ");
        let by_check: Vec<String> = rejections(&check.stderr, "dlpick: error: ")
            .into_iter()
            .filter(|m| !m.contains("rejected, as `dlpick batch`"))
            .collect();
        assert_eq!(by_check, by_batch, "{shown}");
        assert_eq!(by_batch.is_empty(), valid, "{shown}: {by_batch:?}");
    }
    let check = dlpick().arg("check").arg(&long_csv).output().unwrap();
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(err.contains("long.csv:2: the record is longer than the 1 MiB limit"), "{err}");
    assert!(err.contains("long.csv:3: column `debuggability`"), "{err}");
    let check = dlpick().arg("check").arg(&big).output().unwrap();
    assert!(String::from_utf8_lossy(&check.stdout).contains("2 valid rows"));
}

/// `--out` onto something that is not a regular file writes through it:
/// `/dev/null` stays a device and a named pipe stays a pipe (its reader gets
/// the report), with or without `--force`.
#[test]
fn out_writes_through_devices_and_pipes() {
    use std::os::unix::fs::FileTypeExt;
    for force in [false, true] {
        let mut cmd = dlpick();
        cmd.args(["recommend", "profiles/beginner.toml", "--out", "/dev/null"]);
        if force {
            cmd.arg("--force");
        }
        cmd.assert().success();
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    dlpick().args(["recommend", "profiles/beginner.toml", "--format", "json", "--out"]).arg(&fifo).assert().success();
    let text = reader.join().unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "the reader got the whole report: {text}");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a pipe");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
}

/// The examples travel with the binary: listed, printed, and usable by
/// name from any folder, as `--help`'s examples use them.
#[test]
fn examples_work_by_name_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = dlpick().current_dir(dir.path()).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let list = run(&["examples"]);
    for name in ["beginner", "research-lab", "survey", "r-shop"] {
        assert!(list.lines().any(|l| l.starts_with(name)), "{name} listed: {list}");
    }
    // Printed byte for byte as shipped.
    assert_eq!(
        run(&["examples", "beginner"]),
        std::fs::read_to_string(common::root().join("profiles/beginner.toml")).unwrap()
    );
    // A name works where a path does, and gives the same advice.
    let by_name = run(&["recommend", "beginner", "--format", "json"]);
    let by_path = common::stdout_of(&["recommend", "profiles/beginner.toml", "--format", "json"]);
    let ranking =
        |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap()["profiles"][0]["ranking"].clone();
    assert_eq!(ranking(&by_name), ranking(&by_path));
    // A file of that name wins over the example.
    std::fs::write(dir.path().join("beginner"), "[needs]\nmobile_deployment = 5\n").unwrap();
    assert!(run(&["recommend", "beginner"]).contains("needs: mobile deployment 5"));
    // The top-level help's examples run from here (all but the interactive ones).
    std::fs::write(dir.path().join("mine.toml"), run(&["examples", "research-lab"])).unwrap();
    let help = run(&["--help"]);
    let examples: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .skip(1)
        .take_while(|l| l.starts_with("  dlpick"))
        .map(|l| l.trim().split("  #").next().unwrap().trim())
        .filter(|l| !l.starts_with("dlpick ask") && !l.starts_with("dlpick serve"))
        .collect();
    assert!(examples.len() >= 8, "{help}");
    let binary = assert_cmd::cargo::cargo_bin("dlpick");
    for line in examples {
        let shell = line.replacen("dlpick", &binary.display().to_string(), 1);
        let mut sh = std::process::Command::new("sh");
        common::hermetic(&mut sh, dir.path());
        let out = sh.arg("-c").arg(&shell).output().unwrap();
        assert!(out.status.success(), "{line}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = dlpick().current_dir(dir.path()).args(["examples", "nonesuch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_exit_code_says_what_kind_of_error() {
    use common::Test;
    // A path that names no file is the input's fault: 2.
    let run = Test::new().write("survey.csv", "name\n").args(["recommend", "survy.csv"]).status(2);
    assert!(run.stderr.contains("survy.csv: cannot read it:"), "{}", run.stderr);
    assert!(run.stderr.contains("Did you mean `survey.csv`?"), "{}", run.stderr);
    // A device that cannot take the output is the storage's: 3. A device is
    // written straight through (no --force needed), never replaced.
    let run = Test::new().args(["frameworks", "--out", "/dev/full"]).status(3);
    assert!(run.stderr.contains("cannot write /dev/full"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(&std::fs::metadata("/dev/full").unwrap().file_type()));
    let run = Test::new().args(["batch", "--template", "--out", "/dev/null"]).success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // A regular file is written in the working folder, the test's own.
    let run = Test::new().arg("criteria").args(["--out", "criteria.txt"]).env("COLUMNS", "60").success();
    assert!(std::fs::read_to_string(run.path("criteria.txt")).unwrap().lines().all(|l| l.chars().count() <= 60));
    // Neither is a usage error, which stays 2.
    let run = Test::new().args(["recommend", "-", "-"]).stdin("").status(2);
    assert!(run.stderr.contains("can be read only once"), "{}", run.stderr);
}
