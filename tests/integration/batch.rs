//! End-to-end tests of `dlpick batch`.
#![allow(clippy::cast_precision_loss, clippy::format_push_string)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn dlpick() -> Command {
    crate::common::command()
}

fn tiny_weights() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-weights.toml")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn template() -> String {
    String::from_utf8(crate::common::stdout_ok(dlpick().args(["batch", "--template"]))).unwrap()
}

#[test]
fn the_template_header_has_every_criterion_in_order() {
    let header = template();
    assert_eq!(
        header.trim(),
        "name,team,beginner_friendliness,debuggability,flexibility,dynamic_graphs,rapid_prototyping,\
         distributed_training,gpu_support,mobile_deployment,multi_language,visualization,api_stability,\
         ecosystem,languages,targets,hardware,inactive,exclude"
    );
    let with_questions =
        String::from_utf8(crate::common::stdout_ok(dlpick().args(["batch", "--template", "--with-questions"])))
            .unwrap();
    let second = with_questions.lines().nth(1).unwrap();
    assert!(second.starts_with('#') && second.contains("How much does easy debugging"), "{second}");
}

#[test]
fn a_filled_template_scores_every_row_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut survey =
        String::from_utf8(crate::common::stdout_ok(dlpick().args(["batch", "--template", "--with-questions"])))
            .unwrap();
    survey.push_str("Ana,lab,1,5,5,4,3,0,3,0,0,0,0,,,,,exclude,\n");
    survey.push_str("Ben,lab,5,0,0,0,5,0,0,0,0,0,2,,python,,,,\n");
    survey.push_str("Cleo,ops,0,0,0,0,0,5,4,0,0,3,2,,,,,exclude,theano;cntk\n");
    let path = write(dir.path(), "survey.csv", &survey);
    let out = dlpick().arg("batch").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let picks: Vec<(&str, &str)> = rows.iter().map(|r| (r[0].as_str(), r[2].as_str())).collect();
    assert_eq!(picks, [("Ana", "pytorch"), ("Ben", "keras"), ("Cleo", "pytorch")]);
    assert_eq!(String::from_utf8(out.stderr).unwrap().trim(), "3 scored, 0 rejected");
}

#[test]
fn rows_score_as_recommend_scores_the_same_profile() {
    let dir = tempfile::tempdir().unwrap();
    let mut survey = template();
    survey.push_str("x,,4,2,0,0,5,0,0,3,0,0,1,,,,,,\n");
    let path = write(dir.path(), "s.csv", &survey);
    let batch = dlpick().args(["batch", "--format", "json"]).arg(&path).output().unwrap();
    let rows: Value = serde_json::from_slice(&batch.stdout).unwrap();
    let rec = dlpick()
        .args([
            "recommend",
            "--need",
            "beginner_friendliness=4",
            "--need",
            "debuggability=2",
            "--need",
            "rapid_prototyping=5",
        ])
        .args(["--need", "mobile_deployment=3", "--need", "api_stability=1", "--format", "json"])
        .output()
        .unwrap();
    let rec: Value = serde_json::from_slice(&rec.stdout).unwrap();
    for i in 0..3 {
        assert_eq!(rows[0]["top"][i]["framework"], rec["profiles"][0]["ranking"][i]["framework"]);
        assert_eq!(rows[0]["top"][i]["match"], rec["profiles"][0]["ranking"][i]["score"]);
    }
}

#[test]
fn bad_rows_are_reported_with_their_line_and_the_rest_scored() {
    let dir = tempfile::tempdir().unwrap();
    let mut survey = template();
    survey.push_str("ok1,,3,,,,,,,,,,,,,,,,\n"); // line 2
    survey.push_str("bad-range,,7,,,,,,,,,,,,,,,,\n"); // line 3
    survey.push_str("ok2,,,4,,,,,,,,,,,,,,,\n"); // line 4
    survey.push_str("bad-lang,,1,,,,,,,,,,,,pyhton,,,,\n"); // line 5
    survey.push_str("bad-fields,,1,2\n"); // line 6
    survey.push_str("no-needs,,0,0,,,,,,,,,,,,,,,\n"); // line 7
    survey.push_str("ok3,,,,,,,,,,,,5,,,,,,\n"); // line 8
    let path = write(dir.path(), "survey.csv", &survey);
    let out = dlpick().arg("batch").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 5, "{stderr}");
    assert!(
        lines[0].contains("survey.csv:3")
            && lines[0].contains("beginner_friendliness")
            && lines[0].contains("out of range")
    );
    assert!(lines[1].contains("survey.csv:5") && lines[1].contains("Did you mean `python`?"), "{}", lines[1]);
    assert!(lines[2].contains("survey.csv:6") && lines[2].contains("4 fields"), "{}", lines[2]);
    assert!(lines[3].contains("survey.csv:7") && lines[3].contains("states no needs"), "{}", lines[3]);
    assert_eq!(lines[4], "3 scored, 4 rejected");
    let names: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(names, ["ok1", "ok2", "ok3"]);
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}name,team,debuggability,flexibility\r\nAna,lab,5,5\r\nBen,lab,4,\r\n";
    let path = write(dir.path(), "excel.csv", text);
    let out = dlpick().arg("batch").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.lines().nth(1).unwrap().starts_with("Ana,lab,pytorch,"), "{stdout}");
    assert!(stdout.lines().nth(2).unwrap().starts_with("Ben,lab,pytorch,"), "{stdout}");
}

#[test]
fn unknown_columns_fail_unless_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "s.csv", "name,debugability,timestamp\nA,3,x\n");
    dlpick()
        .arg("batch")
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("s.csv:1:2").and(predicate::str::contains("Did you mean `debuggability`?")));
    let path = write(dir.path(), "t.csv", "name,debuggability,timestamp\nA,3,x\n");
    dlpick().arg("batch").arg(&path).arg("--ignore-unknown-columns").assert().success();
}

#[test]
fn json_lines_folders_and_stdin_are_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = write(
        dir.path(),
        "s.jsonl",
        "{\"name\":\"a\",\"team\":\"x\",\"needs\":{\"debuggability\":5}}\n\n{\"name\":\"b\",\"needs\":{\"beginner_friendliness\":5}}\n",
    );
    let out = dlpick().args(["batch", "--format", "jsonl"]).arg(&jsonl).output().unwrap();
    assert!(out.status.success());
    let rows: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows[0]["top"][0]["framework"], "pytorch");
    assert_eq!(rows[0]["team"], "x");
    assert_eq!(rows[1]["top"][0]["framework"], "keras");

    let out = dlpick().args(["batch", "profiles", "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    // Every shipped profile is named after its file: rows come in sorted path order.
    let mut paths = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "toml") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let stems: Vec<String> = paths.iter().map(|p| p.file_stem().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, stems);

    dlpick()
        .args(["batch", "-"])
        .write_stdin("name,mobile_deployment\nm,5\n")
        .assert()
        .success()
        // LiteRT and ExecuTorch both score 4.5: tied at 90.0, listed by id.
        .stdout(predicate::str::contains("m,,pytorch,90.0,tensorflow,90.0"));
}

#[test]
fn a_missing_input_writes_nothing_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scored.csv");
    dlpick().arg("batch").arg(dir.path().join("nope.csv")).arg("--out").arg(&out).assert().code(2);
    assert!(!out.exists());
    // An existing output is left alone, even with --force, when the input is bad.
    std::fs::write(&out, "keep").unwrap();
    let bad = write(dir.path(), "bad.csv", "nme,debuggability\n");
    dlpick().arg("batch").arg(&bad).arg("--out").arg(&out).arg("--force").assert().code(2);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left");
}

#[test]
fn out_is_written_atomically_and_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scored.csv");
    dlpick().args(["batch", "profiles", "--out"]).arg(&out).assert().success().stdout("");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("name,team,top1"));
    dlpick()
        .args(["batch", "profiles", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    dlpick().args(["batch", "profiles", "--force", "--out"]).arg(&out).assert().success();
}

#[test]
fn order_is_preserved_under_parallelism() {
    let dir = tempfile::tempdir().unwrap();
    let mut survey = String::from("name,debuggability,mobile_deployment,multi_language\n");
    for i in 0..30_000 {
        writeln!(survey, "r{i},{},{},{}", i % 6, (i / 6) % 6, (i / 36) % 5 + 1).unwrap();
    }
    let path = write(dir.path(), "big.csv", &survey);
    let one = crate::common::stdout_ok(dlpick().arg("batch").arg(&path).args(["--threads", "1"]));
    let many = crate::common::stdout_ok(dlpick().arg("batch").arg(&path).args(["--threads", "4"]));
    assert_eq!(one, many);
    let names: Vec<String> =
        String::from_utf8(many).unwrap().lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect();
    assert_eq!(names.len(), 30_000);
    assert!(names.iter().enumerate().all(|(i, n)| *n == format!("r{i}")));
}

#[test]
fn teams_combine_and_report_agreement() {
    // Knowledge base: alpha (weight 1), beta (weight 2); Xeno 5/2, Yak 3/4, Zed 1/1.
    // A: alpha 5 → Xeno 100, Yak 60, Zed 20.      B: beta 5 → Yak 80, Xeno 40, Zed 20.
    // C: alpha 4, beta 3 → Yak 72, Xeno 64, Zed 20.
    // Team: alpha 3, beta 8/3 → e = (3, 16/3), best 125/3:
    //   Yak (9 + 64/3)/(125/3) = 91/125 = 72.8; Xeno 77/125 = 61.6; Zed 25/125 = 20.0.
    // Own picks: Xeno, Yak, Yak → share 2/3.
    // Ranks (Xeno, Yak, Zed): A 1 2 3, B 2 1 3, C 2 1 3 → totals 5 4 9, mean 6,
    //   S = 1 + 4 + 9 = 14, W = 12·14 / (3²·(3³ − 3)) = 168/216 = 0.7778.
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "t.csv", "name,team,alpha,beta\nA,t,5,0\nB,t,0,5\nC,t,4,3\n");
    let out = dlpick()
        .arg("--weights")
        .arg(tiny_weights())
        .args(["batch", "--by-team", "--inactive", "rank", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let team = &v["teams"][0];
    assert_eq!(team["team"], "t");
    assert_eq!(team["members"], 3);
    let ranking: Vec<(&str, f64)> = team["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["framework"].as_str().unwrap(), r["score"].as_f64().unwrap()))
        .collect();
    assert_eq!(ranking, [("yak", 72.8), ("xeno", 61.6), ("zed", 20.0)]);
    assert_eq!(team["agreement"]["top_pick_share"], 0.6667);
    assert_eq!(team["agreement"]["kendall_w"], 0.7778);
    assert_eq!(team["agreement"]["dissenters"][0]["name"], "A");
    assert_eq!(team["agreement"]["dissenters"][0]["pick"], "xeno");
    assert_eq!(team["agreement"]["dissenters"][0]["behind"], 40.0);

    // The default team report is text, with the explanation and the figure.
    let out = dlpick()
        .arg("--weights")
        .arg(tiny_weights())
        .args(["batch", "--by-team", "--inactive", "rank"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Yak fits best (match 72.8)"), "{text}");
    assert!(text.contains("2 of 3 members (67%)") && text.contains("Kendall's W = 0.78"), "{text}");
}

#[test]
fn folder_profiles_take_their_team_from_the_subfolder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("lab")).unwrap();
    std::fs::create_dir_all(dir.path().join("ops")).unwrap();
    write(&dir.path().join("lab"), "a.toml", "[needs]\ndebuggability = 5\n");
    write(&dir.path().join("lab"), "b.toml", "[needs]\nflexibility = 5\n");
    write(&dir.path().join("ops"), "c.toml", "team = \"platform\"\n[needs]\ndistributed_training = 5\n");
    let out = dlpick().args(["batch", "--by-team", "--format", "csv"]).arg(dir.path()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let teams: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(teams, ["lab", "platform"]);
}

/// Members' own matches computed here from the knowledge base (`dlpick
/// frameworks --format json`), by the weighted-sum formula, independently of
/// the program: 100 · Σ need·weight·score / (5 · Σ need·weight).
struct Kb {
    ids: Vec<String>,
    active: Vec<bool>,
    deep: Vec<bool>,
    weights: Vec<f64>,
    scores: Vec<Vec<f64>>,
    criteria: Vec<String>,
}

fn knowledge_base() -> Kb {
    let v: Value =
        serde_json::from_slice(&dlpick().args(["frameworks", "--format", "json"]).output().unwrap().stdout).unwrap();
    let criteria: Vec<String> =
        v["criteria"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
    let weights = v["criteria"].as_array().unwrap().iter().map(|c| c["weight"].as_f64().unwrap()).collect();
    let fws = v["frameworks"].as_array().unwrap();
    Kb {
        ids: fws.iter().map(|f| f["id"].as_str().unwrap().to_string()).collect(),
        active: fws.iter().map(|f| f["status"] == "active").collect(),
        deep: fws.iter().map(|f| f["deep_learning"].as_bool().unwrap()).collect(),
        scores: fws
            .iter()
            .map(|f| criteria.iter().map(|c| f["attributes"][c]["score"].as_f64().unwrap()).collect())
            .collect(),
        weights,
        criteria,
    }
}

struct Person {
    name: String,
    team: String,
    matches: Vec<f64>,
    /// Frameworks this member's own constraints allow.
    allowed: Vec<bool>,
}

/// The independent consensus over `people`: (rule → (framework, mean, min)),
/// the recommended framework and its largest regret (member, value).
#[allow(clippy::type_complexity)]
fn independent_consensus(kb: &Kb, people: &[&Person], margin: f64) -> (Vec<(String, f64, f64)>, (String, f64)) {
    let n = kb.ids.len();
    let candidates: Vec<usize> = (0..n).filter(|&f| kb.active[f] && people.iter().all(|p| p.allowed[f])).collect();
    let m = people.len() as f64;
    let mean = |f: usize| people.iter().map(|p| p.matches[f]).sum::<f64>() / m;
    let min = |f: usize| people.iter().map(|p| p.matches[f]).fold(f64::INFINITY, f64::min);
    let best = |p: &Person| {
        (0..n).filter(|&f| kb.active[f] && p.allowed[f]).map(|f| p.matches[f]).fold(f64::NEG_INFINITY, f64::max)
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let borda = |f: usize| {
        people
            .iter()
            .map(|p| {
                candidates
                    .iter()
                    .filter(|&&g| g != f)
                    .map(|&g| {
                        if close(p.matches[f], p.matches[g]) {
                            0.5
                        } else if p.matches[f] > p.matches[g] {
                            1.0
                        } else {
                            0.0
                        }
                    })
                    .sum::<f64>()
            })
            .sum::<f64>()
    };
    let approval = |f: usize| people.iter().filter(|p| best(p) - p.matches[f] <= margin + 1e-9).count() as f64 / m;
    let rules: [&dyn Fn(usize) -> f64; 4] = [&mean, &min, &borda, &approval];
    let winners: Vec<(String, f64, f64)> = rules
        .iter()
        .map(|score| {
            let mut w = candidates[0];
            for &f in &candidates[1..] {
                if score(f) > score(w) + 1e-9 || (close(score(f), score(w)) && mean(f) > mean(w) + 1e-9) {
                    w = f;
                }
            }
            (kb.ids[w].clone(), mean(w), min(w))
        })
        .collect();
    let rec = kb.ids.iter().position(|id| *id == winners[0].0).unwrap();
    let mut worst = (String::new(), f64::NEG_INFINITY);
    for p in people {
        let regret = best(p) - p.matches[rec];
        if regret > worst.1 + 1e-9 {
            worst = (p.name.clone(), regret);
        }
    }
    (winners, worst)
}

#[test]
fn consensus_rules_agree_with_an_independent_computation() {
    let kb = knowledge_base();
    let dir = tempfile::tempdir().unwrap();
    let mut survey = format!("name,team,{},active_only,exclude\n", kb.criteria.join(","));
    let mut people = Vec::new();
    let mut seed: u64 = 12345;
    let mut next = |k: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % k
    };
    let teams = ["alpha", "beta", "", "gamma"];
    for i in 0..90 {
        let team = teams[i % 4];
        let needs: Vec<f64> = kb.criteria.iter().map(|_| next(6) as f64).collect();
        let needs = if needs.iter().all(|n| *n == 0.0) { vec![3.0; needs.len()] } else { needs };
        let active_only = next(5) == 0;
        // In beta, a few members rule TensorFlow out: a conflict to report.
        let exclude = if team == "beta" && i % 3 == 0 { "tensorflow" } else { "" };
        let cells: Vec<String> = needs.iter().map(|n| format!("{n}")).collect();
        writeln!(survey, "p{i},{team},{},{},{exclude}", cells.join(","), if active_only { "yes" } else { "" }).unwrap();
        let total: f64 = needs.iter().zip(&kb.weights).map(|(n, w)| n * w).sum();
        let matches = (0..kb.ids.len())
            .map(|f| {
                100.0 * needs.iter().zip(&kb.weights).zip(&kb.scores[f]).map(|((n, w), s)| n * w * s).sum::<f64>()
                    / (5.0 * total)
            })
            .collect();
        let allowed =
            (0..kb.ids.len()).map(|f| kb.deep[f] && (!active_only || kb.active[f]) && kb.ids[f] != exclude).collect();
        people.push(Person { name: format!("p{i}"), team: team.to_string(), matches, allowed });
    }
    // A team whose every row is rejected.
    survey.push_str(&format!("ghost1,ghost,9{}\n", ",".repeat(kb.criteria.len() + 1)));
    survey.push_str(&format!("ghost2,ghost,x{}\n", ",".repeat(kb.criteria.len() + 1)));
    let path = write(dir.path(), "s.csv", &survey);

    // The matches computed here are the ones plain batch prints.
    let rows = dlpick().args(["batch", "--format", "jsonl", "--top", "99"]).arg(&path).output().unwrap();
    for (line, p) in String::from_utf8(rows.stdout).unwrap().lines().zip(&people) {
        let row: Value = serde_json::from_str(line).unwrap();
        for pick in row["top"].as_array().unwrap() {
            let f = kb.ids.iter().position(|id| id == pick["framework"].as_str().unwrap()).unwrap();
            assert!((pick["match"].as_f64().unwrap() - p.matches[f]).abs() <= 0.05 + 1e-9, "{line}");
        }
    }

    let out = dlpick().args(["batch", "--by-team", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reported: Vec<&str> = v["teams"].as_array().unwrap().iter().map(|t| t["team"].as_str().unwrap()).collect();
    assert_eq!(reported, ["", "alpha", "beta", "gamma", "ghost"]);
    let ghost = &v["teams"][4];
    assert_eq!((ghost["members"].as_u64(), ghost["rejected"].as_u64()), (Some(0), Some(2)));

    let check = |value: &Value, members: Vec<&Person>| {
        let (winners, worst) = independent_consensus(&kb, &members, 5.0);
        let c = &value["consensus"];
        for (rule, (id, mean, min)) in ["mean", "maximin", "borda", "approval"].iter().zip(&winners) {
            let r = &c["rules"][rule];
            assert_eq!(r["framework"].as_str().unwrap(), id, "{rule} in {}", value["team"]);
            assert!((r["mean_match"].as_f64().unwrap() - mean).abs() <= 0.05 + 1e-9, "{rule}: {r} vs {mean}");
            assert!((r["min_match"].as_f64().unwrap() - min).abs() <= 0.05 + 1e-9, "{rule}: {r} vs {min}");
        }
        assert_eq!(c["max_regret"]["member"].as_str().unwrap(), worst.0, "{}", value["team"]);
        assert_eq!(c["max_regret"]["framework"].as_str().unwrap(), winners[0].0);
        assert!((c["max_regret"]["regret"].as_f64().unwrap() - worst.1).abs() <= 0.05 + 1e-9);
        assert!(!c["summary"].as_str().unwrap().is_empty());
    };
    for (i, team) in ["", "alpha", "beta", "gamma"].iter().enumerate() {
        check(&v["teams"][i], people.iter().filter(|p| p.team == *team).collect());
    }
    check(&v["all"], people.iter().collect());
    // Beta's conflict: TensorFlow is ruled out, by member and constraint.
    let beta = &v["teams"][2]["consensus"];
    assert!(!beta["candidates"].as_array().unwrap().iter().any(|c| c == "tensorflow"));
    let conflict = beta["conflicts"].as_array().unwrap().iter().find(|c| c["framework"] == "tensorflow").unwrap();
    assert_eq!(conflict["examples"][0]["constraint"], "excludes tensorflow");
    // What every member rules out (not deep learning) is no conflict.
    assert_eq!(beta["conflicts"].as_array().unwrap().len(), 1, "{beta}");
}

#[test]
fn crlf_line_numbers_are_right() {
    let dir = tempfile::tempdir().unwrap();
    let text = "name,debuggability\r\nA,3\r\nB,9\r\n# a comment\r\n\r\nC,x\r\n\"D\r\nE\",7\r\nF,8\r\n";
    let path = write(dir.path(), "crlf.csv", text);
    let out = dlpick().arg("batch").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines[0].contains("crlf.csv:3:"), "{stderr}");
    assert!(lines[1].contains("crlf.csv:6:"), "{stderr}");
    assert!(lines[2].contains("crlf.csv:7:"), "a quoted line break: {stderr}");
    assert!(lines[3].contains("crlf.csv:9:"), "{stderr}");
    assert_eq!(lines[4], "1 scored, 4 rejected");
}

/// A survey whose last line is a comment with no line ending: nothing to
/// reject (the csv reader alone reads it as a row of one empty field), for
/// batch, with one worker or two, and for check.
#[test]
fn a_last_comment_without_a_line_ending_is_no_row() {
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in [
        ("lf.csv", "name,debuggability\nA,3\nB,4\n# the end"),
        ("crlf.csv", "name,debuggability\r\nA,3\r\nB,4\r\n# the end, \"quoted"),
        ("only.csv", "name,debuggability\n# no rows yet"),
    ] {
        let path = write(dir.path(), file, text);
        for threads in ["1", "2"] {
            let out = dlpick().arg("batch").arg(&path).args(["--threads", threads]).output().unwrap();
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_eq!(out.status.code(), Some(0), "{file}: {stderr}");
            let rows = if file == "only.csv" { 0 } else { 2 };
            assert_eq!(stderr.trim_end(), format!("{rows} scored, 0 rejected"), "{file}");
            assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1 + rows, "{file}");
        }
        dlpick().arg("check").arg(&path).assert().code(0);
    }
}

#[test]
fn a_near_miss_column_is_an_error_even_with_ignore_unknown_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "s.csv", "name,debugability,timestamp\nA,3,x\n");
    dlpick().arg("batch").arg(&path).arg("--ignore-unknown-columns").assert().code(2).stdout("").stderr(
        predicate::str::contains("`debugability`").and(predicate::str::contains("Did you mean `debuggability`?")),
    );
    // Without the flag every unknown column is named.
    dlpick()
        .arg("batch")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`debugability`").and(predicate::str::contains("`timestamp`")));
    // A column that is close to nothing is skipped with the flag.
    let path = write(dir.path(), "t.csv", "name,debuggability,timestamp\nA,3,x\n");
    dlpick().arg("batch").arg(&path).arg("--ignore-unknown-columns").assert().success();
}

#[test]
fn a_wrong_input_format_is_one_message_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let mut survey = template();
    for i in 0..9 {
        writeln!(survey, "r{i},,3,,,,,,,,,,,,,").unwrap();
    }
    let csv = write(dir.path(), "s.csv", &survey);
    let out = dlpick().args(["batch", "--input-format", "jsonl"]).arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not JSON Lines") && stderr.contains("--input-format csv"), "{stderr}");
    assert!(out.stdout.is_empty());

    let jsonl = write(dir.path(), "s.jsonl", "{\"name\":\"a\",\"needs\":{\"debuggability\":5}}\n");
    let out = dlpick().args(["batch", "--input-format", "csv"]).arg(&jsonl).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("looks like JSON Lines"), "{stderr}");
}

#[test]
fn json_lines_errors_say_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "in.jsonl",
        "{\"name\":\"a\",\"needs\":{\"debuggability\":5}}\n{\"name\":\"b\",\"needs\":{\"debuggability\":5}}\n{\"name\": tru}\n{\"name\":\"c\",\n",
    );
    let out = dlpick().arg("batch").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines[0].contains("in.jsonl:3") && lines[0].contains("expected `true`, `false` or `null`"), "{stderr}");
    assert!(lines[1].contains("in.jsonl:4") && lines[1].contains("the line ends"), "{stderr}");
}

#[test]
fn counts_have_thousands_separators() {
    let dir = tempfile::tempdir().unwrap();
    let mut survey = String::from("name,debuggability\n");
    for i in 0..1200 {
        writeln!(survey, "r{i},{}", i % 5 + 1).unwrap();
    }
    let path = write(dir.path(), "s.csv", &survey);
    dlpick().arg("batch").arg(&path).assert().success().stderr("1,200 scored, 0 rejected\n");
}

#[test]
fn the_department_report_has_its_parts_and_stays_small_for_200_teams() {
    let dir = tempfile::tempdir().unwrap();
    let mut survey = template();
    for i in 0..2000 {
        let team = if i % 200 == 0 { String::new() } else { format!("team{:03}", i % 200) };
        // Every 14th respondent needs Julia: only MXNet offers it, and it is retired.
        let languages = if i % 14 == 0 { "julia" } else { "" };
        writeln!(
            survey,
            "r{i},{team},{},{},{},{},{},{},{},{},{},{},{},{},{languages},,,,",
            i % 6,
            (i / 6) % 6,
            (i / 36) % 6,
            i % 5,
            (i / 5) % 6,
            (i / 7) % 6,
            (i / 11) % 6,
            i % 4,
            (i / 3) % 6,
            i % 3,
            (i / 13) % 5 + 1,
            (i / 17) % 6
        )
        .unwrap();
    }
    let path = write(dir.path(), "s.csv", &survey);
    let out = dlpick().args(["batch", "--format", "html"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
    for part in [
        "Method:",
        "2,000 respondents scored, 0 rejected",
        "knowledge base",
        "id=\"needs\"",
        "id=\"picks\"",
        "id=\"everyone\"",
        "href=\"#t0\"",
        "id=\"t199\"",
        "Team no team",
    ] {
        assert!(html.contains(part), "missing {part}");
    }
    assert!(!html.contains("Team  ("));
    // By default a retired framework is nobody's top pick; in the article's
    // view (every framework ranked) its share is flagged.
    assert!(!html.contains("<td>MXNet</td>"), "MXNet is not ranked by default");
    let out = dlpick().args(["batch", "--format", "html", "--inactive", "rank"]).arg(&path).output().unwrap();
    let article_view = String::from_utf8(out.stdout).unwrap();
    let mxnet = article_view.find("<td>MXNet</td>").expect("MXNet is a top pick in the article's view");
    assert!(article_view[mxnet..mxnet + 800].contains("not a candidate for adoption"));
    // The teams table comes before the team sections, and links to each.
    assert!(html.find("<th>largest regret</th>").unwrap() < html.find("id=\"t0\"").unwrap());
    assert_eq!(html.matches("<svg").count(), 1, "one chart, not one per team");
    // A team's section opens with its consensus and agreement.
    let section = html.split("id=\"t1\"").nth(1).unwrap().split("</article>").next().unwrap();
    let (consensus, agreement) = (section.find("Consensus:").unwrap(), section.find("Agreement:").unwrap());
    assert!(consensus < agreement && agreement < section.find("Combined needs").unwrap(), "{section}");

    let out = dlpick().args(["batch", "--by-team", "--format", "markdown"]).arg(&path).output().unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Department survey") && md.contains("## Teams") && md.contains("[no team](#t0)"), "{md}");
}

#[test]
fn team_reports_are_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut survey = template();
    // About 1.5 MB: several chunks, merged in input order.
    for i in 0..40_000 {
        writeln!(
            survey,
            "r{i},team{},{},{},{},{},{},{},{},{},{},{},{},{},,,,,",
            i % 7,
            i % 6,
            (i / 6) % 6,
            (i / 36) % 6,
            i % 5,
            (i / 5) % 6,
            (i / 7) % 6,
            (i / 11) % 6,
            i % 4,
            (i / 3) % 6,
            i % 3,
            (i / 13) % 5 + 1,
            (i / 17) % 6
        )
        .unwrap();
    }
    let path = write(dir.path(), "big.csv", &survey);
    let run = |threads: &str| {
        crate::common::stdout_ok(
            dlpick().args(["batch", "--by-team", "--format", "json", "--threads", threads]).arg(&path),
        )
    };
    let one = run("1");
    assert_eq!(one, run("3"));
    let v: Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(v["all"]["members"], 40_000);
}

#[test]
fn an_over_long_csv_record_is_rejected_by_its_line_and_skipped_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let long_name = "N".repeat(3 << 20);
    // 1.2 MB in one quoted field over 600,000 lines.
    let quoted = format!("\"{}\"", "q\n".repeat(600_000));
    let comment = "c".repeat(2 << 20);
    let text = format!(
        "name,team,debuggability\nAna,lab,5\n{long_name},lab,4\nCleo,ops,3\n{quoted},ops,2\nDan,ops,1\n# {comment}\nEve,ops,5\nZed,ops,9\n"
    );
    let survey = write(dir.path(), "long.csv", &text);
    let out = dlpick().arg("batch").arg(&survey).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [3, 5] {
        assert!(err.contains(&format!("long.csv:{line}: the record is longer than the 1 MiB limit")), "{err}");
    }
    // The lines after them are still counted right (a comment is no row).
    assert!(err.contains("long.csv:600009:"), "{err}");
    assert!(err.contains("4 scored, 3 rejected"), "{err}");
    let names: Vec<&str> =
        std::str::from_utf8(&out.stdout).unwrap().lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(names, ["Ana", "Cleo", "Dan", "Eve"]);
    assert!(out.stdout.len() < 1000 && out.stderr.len() < 1000, "the long record is not echoed");

    // An endless record on standard input, under a 128 MiB data limit.
    let mut child = crate::common::hermetic(&mut std::process::Command::new("sh"), &crate::common::root())
        .arg("-c")
        .arg(format!("ulimit -d 131072 && exec {} batch --threads 2 -", crate::common::BIN))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        use std::io::Write as _;
        stdin.write_all(b"name,debuggability\nA,5\n").unwrap();
        let block = vec![b'x'; 1 << 20];
        for _ in 0..160 {
            stdin.write_all(&block).unwrap();
        }
        stdin.write_all(b",4\nB,3\n").unwrap();
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("<stdin>:3: the record is longer than the 1 MiB limit"), "{err}");
    assert!(err.contains("2 scored, 1 rejected"), "{err}");
}

/// Nothing is lost at the end of an input: a last row with no line ending
/// is scored, and a quote never closed is its row's error (not the silent
/// end of the file), whether read from a file or standard input, by one
/// worker or two, for rows or teams, and by check.
#[test]
fn the_last_row_without_a_line_ending_and_an_unclosed_quote_are_never_lost() {
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/team-survey.csv")).unwrap();
    let cut = fixture.strip_suffix('\n').unwrap();
    // (file, content, scored, the line of the rejected row)
    let cases: [(&str, &str, u64, Option<u64>); 5] = [
        ("nonl.csv", "name,team,debuggability\nA,t,3\nB,t,4", 2, None),
        ("crlf.csv", "name,team,debuggability\r\nA,t,3\r\n\r\nB,t,4", 2, None),
        ("fixture.csv", cut, 8, Some(9)),
        ("open.csv", "name,team,debuggability\nA,t,3\n\"H,t,3\nI,t,4\nJ,t,5\n", 1, Some(3)),
        ("mid.csv", "name,team,debuggability\nA,t,3\n\nB,\"t,3\nC,t,4\nD,t,5", 1, Some(4)),
    ];
    for (file, text, scored, bad) in cases {
        let path = write(dir.path(), file, text);
        let rejected = u64::from(bad.is_some());
        let summary = format!("{scored} scored, {rejected} rejected");
        for threads in ["1", "2"] {
            for stdin in [false, true] {
                let mut cmd = dlpick();
                cmd.args(["batch", "--threads", threads]);
                if stdin {
                    cmd.arg("-").write_stdin(text);
                } else {
                    cmd.arg(&path);
                }
                let out = cmd.output().unwrap();
                let err = String::from_utf8(out.stderr).unwrap();
                assert_eq!(out.status.code(), Some(i32::from(bad.is_some())), "{file}: {err}");
                assert_eq!(err.lines().last(), Some(summary.as_str()), "{file}, stdin {stdin}: {err}");
                assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count() as u64, scored + 1, "{file}");
                if let Some(line) = bad {
                    let name = if stdin { "<stdin>" } else { file };
                    let why =
                        if file == "fixture.csv" { "column" } else { "a quote opened in this row is never closed" };
                    assert!(err.contains(&format!("{name}:{line}: {why}")), "{err}");
                }
            }
        }
        let out = dlpick().args(["batch", "--by-team", "--format", "json"]).arg(&path).output().unwrap();
        let teams: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(teams["all"]["members"], scored, "{file}");
        let out = dlpick().arg("check").arg(&path).output().unwrap();
        if bad.is_some() {
            assert_eq!(out.status.code(), Some(2), "{file}");
        } else {
            let said = String::from_utf8(out.stdout).unwrap();
            assert!(said.contains(&format!("(survey: {scored} valid rows)")), "{file}: {said}");
        }
    }
}

/// A file named as a survey is read by check as batch reads it, whatever it
/// holds: the same verdict and the same message.
#[test]
fn check_and_batch_agree_on_files_named_as_surveys() {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8]); 6] = [
        ("profile.csv", b"name = \"x\"\n[needs]\ndebuggability = 3\n"),
        ("empty.csv", b""),
        ("header.csv", b"name,de\xffbug\nA,3\n"),
        ("binary.csv", b"\0\x01binary\n"),
        ("csv.jsonl", b"name,debuggability\nA,3\n"),
        ("good.ndjson", b"{\"name\":\"a\",\"needs\":{\"debuggability\":3}}\n"),
    ];
    for (file, bytes) in files {
        let path = dir.path().join(file);
        std::fs::write(&path, bytes).unwrap();
        let batch = dlpick().arg("batch").arg(&path).output().unwrap();
        let check = dlpick().arg("check").arg(&path).output().unwrap();
        let first = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).lines().next().map(String::from);
        if file == "good.ndjson" {
            assert_eq!((batch.status.code(), check.status.code()), (Some(0), Some(0)), "{file}");
            assert!(String::from_utf8_lossy(&check.stdout).contains("(survey: 1 valid row)"), "{file}");
        } else {
            assert_eq!((batch.status.code(), check.status.code()), (Some(2), Some(2)), "{file}");
            assert_eq!(first(&batch), first(&check), "{file}");
        }
    }
}

/// One record limit for CSV and JSON Lines: 1 MiB (1,048,576 bytes) not
/// counting the line ending is accepted, one byte more is that row's error,
/// whatever the line ending (LF, CRLF, or none at the end); a CSV header
/// follows the same rule.
#[test]
fn the_record_limit_is_the_same_for_csv_and_json_lines() {
    const MIB: usize = 1 << 20;
    let dir = tempfile::tempdir().unwrap();
    let csv_row = |len: usize| format!("{},t,3", "n".repeat(len - ",t,3".len()));
    let json_row = |len: usize| {
        let empty = r#"{"name":"","needs":{"debuggability":3}}"#;
        format!(r#"{{"name":"{}","needs":{{"debuggability":3}}}}"#, "n".repeat(len - empty.len()))
    };
    for (ext, header, other) in
        [("csv", "name,team,debuggability", "Z,t,2"), ("jsonl", "", r#"{"name":"Z","needs":{"debuggability":2}}"#)]
    {
        for len in [MIB, MIB + 1] {
            for ending in ["\n", "\r\n", ""] {
                let row = if ext == "csv" { csv_row(len) } else { json_row(len) };
                assert_eq!(row.len(), len);
                let mut text = if header.is_empty() { String::new() } else { format!("{header}\n") };
                // With no ending, the long row is the last.
                if ending.is_empty() {
                    text.push_str(&format!("{other}\n{row}"));
                } else {
                    text.push_str(&format!("{row}{ending}{other}{ending}"));
                }
                let path = write(dir.path(), &format!("r.{ext}"), &text);
                let out = dlpick().arg("batch").arg(&path).output().unwrap();
                let err = String::from_utf8(out.stderr).unwrap();
                let accepted = len == MIB;
                let said = if accepted { "2 scored, 0 rejected" } else { "1 scored, 1 rejected" };
                assert_eq!(err.lines().last(), Some(said), "{ext}, {len} bytes, {ending:?}: {err}");
                assert_eq!(out.status.code(), Some(i32::from(!accepted)), "{ext} {len} {ending:?}");
            }
        }
    }
    for (len, code) in [(MIB, 0), (MIB + 1, 2)] {
        let header = format!("name,debuggability,{}", "x".repeat(len - "name,debuggability,".len()));
        let path = write(dir.path(), "h.csv", &format!("{header}\r\nA,3,\r\n"));
        let out = dlpick().args(["batch", "--ignore-unknown-columns"]).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{len}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
