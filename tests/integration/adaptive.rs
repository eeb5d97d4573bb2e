//! The adaptive questionnaire: `ask --next` driven to a verdict on every
//! shipped profile and on generated ones, the verdict held to `recommend`
//! on the full profile; a property test that no answer to a question not
//! asked changes the top pick; `ask --adaptive` scripted; a terminal
//! session that stops early.

use crate::common;

use std::fmt::Write as _;
use std::path::Path;

use common::{arg, dlpick, json_of, tomls};
use dlpick::catalog::Catalog;
use dlpick::profile::{InactivePolicy, Require};
use dlpick::score::adaptive::{Bounds, Next, REQUIREMENTS, Step, next, verdict};
use dlpick::score::{Matrix, MethodId, rank};
use proptest::prelude::*;
use rexpect::process::WaitStatus;
use rexpect::session::spawn_command;
use serde_json::Value;
use toml::{Table, Value as TomlValue};

/// How a key is written in a profile: names and ids alike.
fn norm(key: &str) -> String {
    key.trim().to_lowercase().replace(['-', ' '], "_")
}

/// The top pick `recommend` gives for a profile file (`None`: nothing ranked).
fn recommended_top(path: &Path) -> Option<String> {
    let out = json_of(&["recommend", arg(path), "--format", "json"]);
    out["profiles"][0]["ranking"][0]["framework"].as_str().map(str::to_string)
}

/// Answer `ask --next`'s questions from `full` until it settles; returns
/// the verdict, the partial profile written last, and the needs asked.
fn drive(full: &Table, dir: &Path) -> (Value, std::path::PathBuf, usize) {
    let require = full.get("require").and_then(TomlValue::as_table).cloned().unwrap_or_default();
    let needs = full.get("needs").and_then(TomlValue::as_table).cloned().unwrap_or_default();
    // What no question asks is carried from the start.
    let mut partial = Table::new();
    for key in ["name", "description", "chosen"] {
        if let Some(v) = full.get(key) {
            partial.insert(key.to_string(), v.clone());
        }
    }
    let mut carried = Table::new();
    for key in ["min", "deep_learning"] {
        if let Some(v) = require.get(key) {
            carried.insert(key.to_string(), v.clone());
        }
    }
    partial.insert("require".to_string(), TomlValue::Table(carried));
    partial.insert("needs".to_string(), TomlValue::Table(Table::new()));
    let path = dir.join("partial.toml");
    let mut asked = 0;
    for step in 0..40 {
        std::fs::write(&path, toml::to_string(&partial).unwrap()).unwrap();
        let v = json_of(&["ask", "--next", "--answers", arg(&path), "--format", "json"]);
        if v["settled"] == true {
            return (v, path, asked);
        }
        assert_eq!(v["settled"], false, "{v}");
        let id = v["next"]["id"].as_str().unwrap().to_string();
        let kind = v["next"]["kind"].as_str().unwrap();
        assert!(v["remaining"].as_array().unwrap().iter().any(|r| r == id.as_str()), "step {step}: {v}");
        if kind == "need" {
            asked += 1;
            let value = needs.iter().find(|(k, _)| norm(k) == id).map_or(TomlValue::Integer(0), |(_, v)| v.clone());
            partial["needs"].as_table_mut().unwrap().insert(id, value);
            continue;
        }
        let answer = match kind {
            "inactive" => require.get("inactive").cloned().unwrap_or_else(|| {
                let old = require.get("active_only").and_then(TomlValue::as_bool) == Some(true);
                TomlValue::String(if old { "exclude" } else { "separate" }.to_string())
            }),
            "languages" | "targets" | "hardware" | "exclude" => {
                require.get(kind).cloned().unwrap_or_else(|| TomlValue::Array(Vec::new()))
            }
            other => panic!("unexpected kind {other}: {v}"),
        };
        assert_eq!(kind, id);
        partial["require"].as_table_mut().unwrap().insert(id, answer);
    }
    panic!("no verdict after 40 steps");
}

/// Drive `file` and hold the verdict to `recommend` on it and on the answers.
fn check_profile(file: &Path) -> (usize, usize) {
    let full: Table = std::fs::read_to_string(file).unwrap().parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (verdict, partial, asked) = drive(&full, dir.path());
    let top = verdict["top"].as_str().map(str::to_string);
    assert_eq!(top, recommended_top(file), "{}: {verdict}", file.display());
    // The answers alone, the needs not asked left out, give the same pick.
    assert_eq!(top, recommended_top(&partial), "{}: the answers alone", file.display());
    let unasked = verdict["unasked"].as_array().unwrap().len();
    assert_eq!(asked + unasked, 12, "{}: every need asked or named as not asked", file.display());
    (asked, unasked)
}

#[test]
fn ask_next_drives_every_shipped_profile_to_the_pick_recommend_gives() {
    let mut files = tomls("profiles");
    files.extend(tomls("profiles/decisions"));
    files.extend(tomls("tests/fixtures/personas").into_iter().filter(|p| !p.ends_with("expected.toml")));
    assert!(files.len() >= 70, "{}", files.len());
    let mut asked = 0;
    for file in &files {
        asked += check_profile(file).0;
    }
    // Some questions were saved, or this tests nothing adaptive.
    assert!(asked < files.len() * 12, "{asked} needs asked for {} profiles", files.len());
}

/// A small deterministic generator (SplitMix64), so the profiles are the
/// same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn ask_next_drives_generated_profiles_to_the_pick_recommend_gives() {
    let catalog = Catalog::builtin().unwrap();
    let mut rng = Rng(24);
    let dir = tempfile::tempdir().unwrap();
    for i in 0..16 {
        let mut text = format!("name = \"generated-{i}\"\n[needs]\n");
        let mut states_needs = false;
        for c in &catalog.criteria {
            // Whole steps, half steps and decimals, zeros often.
            let need = match rng.below(4) {
                0 => 0.0,
                1 => f64::from(u8::try_from(rng.below(6)).unwrap()),
                2 => f64::from(u8::try_from(rng.below(11)).unwrap()) / 2.0,
                _ => f64::from(u32::try_from(rng.below(5001)).unwrap()) / 1000.0,
            };
            states_needs |= need > 0.0;
            let _ = writeln!(text, "{} = {need}", c.id);
        }
        text.push_str("[require]\n");
        let pick = |rng: &mut Rng, names: &[&str]| -> Vec<String> {
            names.iter().filter(|_| rng.below(5) == 0).map(|n| format!("\"{n}\"")).collect()
        };
        let _ = writeln!(text, "languages = [{}]", pick(&mut rng, &["python", "r", "c++", "javascript"]).join(", "));
        let _ = writeln!(text, "targets = [{}]", pick(&mut rng, &["browser", "android", "server"]).join(", "));
        let _ = writeln!(text, "hardware = [{}]", pick(&mut rng, &["apple", "amd"]).join(", "));
        let _ = writeln!(
            text,
            "inactive = \"{}\"",
            ["separate", "rank", "exclude"][usize::try_from(rng.below(3)).unwrap()]
        );
        let _ = writeln!(text, "exclude = [{}]", pick(&mut rng, &["pytorch", "tensorflow", "keras"]).join(", "));
        let file = dir.path().join(format!("generated-{i}.toml"));
        std::fs::write(&file, &text).unwrap();
        if !states_needs {
            continue; // not a profile
        }
        check_profile(&file);
    }
}

#[test]
fn ask_next_starts_with_the_requirements_and_refuses_other_methods() {
    let v = json_of(&["ask", "--next", "--format", "json"]);
    assert_eq!(v["settled"], false);
    assert_eq!(v["next"]["id"], "languages");
    assert_eq!(v["next"]["kind"], "languages");
    assert_eq!(v["answered"].as_array().unwrap().len(), 0);
    assert_eq!(v["remaining"].as_array().unwrap().len(), 17);
    let out = dlpick().args(["ask", "--next", "--method", "topsis"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such exact bound"));
    // Everything answered and nothing above 0: not a recommendation.
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.toml");
    let mut text = String::from("[needs]\n");
    for c in &Catalog::builtin().unwrap().criteria {
        let _ = writeln!(text, "{} = 0", c.id);
    }
    text.push_str("[require]\nlanguages = []\ntargets = []\nhardware = []\ninactive = \"separate\"\nexclude = []\n");
    std::fs::write(&zero, text).unwrap();
    let out = dlpick().args(["ask", "--next", "--answers", arg(&zero)]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no need is above 0"));
}

#[test]
fn scripted_adaptive_answers_stop_once_settled_and_save_what_was_not_asked() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("a.toml");
    // Python, no target, hardware or exclusion, the default policy; then
    // beginner-friendliness 5 and debuggability 4 (the first two needs asked
    // for this field), and lines that must never be read.
    let out = dlpick()
        .args(["ask", "--adaptive", "--top", "1", "--save", arg(&saved)])
        .write_stdin("python\n\n\n\n\n5\n4\n9\n9\n9\n9\n9\n9\n9\n9\n9\n9\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("? 1. [languages]") && stderr.contains("? 6. [beginner_friendliness]"), "{stderr}");
    assert!(stderr.contains("PyTorch stays first whatever you answer to the 10 remaining questions."), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(common::flat(&stdout).contains("Whatever the answers to them, PyTorch stays first"), "{stdout}");
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(
        text.contains("# Not asked: whatever the answers to these, the top pick is the same (PyTorch stays first).")
    );
    assert!(text.contains("unasked = [\"flexibility\", "), "{text}");
    assert!(!text.contains("\nflexibility ="), "{text}");
    dlpick().args(["check", arg(&saved)]).assert().success();
    assert_eq!(recommended_top(&saved).as_deref(), Some("pytorch"));
    // The JSON report names them too.
    let v = json_of(&["recommend", arg(&saved), "--format", "json"]);
    assert_eq!(v["profiles"][0]["unasked"].as_array().unwrap().len(), 10);
    // Without --adaptive the order is the fixed one: the first line answers
    // beginner-friendliness.
    let out = dlpick().args(["ask", "--top", "1"]).write_stdin("5\n").output().unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("beginner-friendliness 5"));
    // And the weighted sum alone has the exact bound.
    let out = dlpick().args(["ask", "--adaptive", "--method", "weighted-product"]).write_stdin("").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_need_both_answered_and_unasked_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(&p, "unasked = [\"debuggability\"]\n[needs]\ndebuggability = 3\nflexibility = 2\n").unwrap();
    let out = dlpick().args(["recommend", arg(&p)]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("p.toml:3") && err.contains("listed as not asked"), "{err}");
    // An edited profile whose unasked needs could change the pick says so.
    std::fs::write(&p, "unasked = [\"debuggability\", \"beginner_friendliness\"]\n[needs]\nmobile_deployment = 1\n")
        .unwrap();
    let text = common::flat(&common::stdout_of(&["recommend", arg(&p)]));
    assert!(text.contains("answers to them could change the top pick"), "{text}");
}

// ---- the property: no answer to a question not asked changes the pick ----

fn require_of(catalog: &Catalog, languages: u8, targets: u8, policy: u8, exclude: u8) -> Require {
    let bits = |mask: u8, names: &[&str]| -> Vec<String> {
        let mut v: Vec<String> =
            names.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| (*n).to_string()).collect();
        v.sort();
        v
    };
    let mut exclude_ids: Vec<usize> = ["pytorch", "tensorflow", "keras", "jax"]
        .iter()
        .enumerate()
        .filter(|(i, _)| exclude & (1 << i) != 0)
        .filter_map(|(_, id)| catalog.framework_index(id))
        .collect();
    exclude_ids.sort_unstable();
    Require {
        languages: bits(languages, &["python", "r", "c++"]),
        targets: bits(targets, &["browser", "android"]),
        inactive: Some(InactivePolicy::ALL[usize::from(policy % 3)]),
        exclude: exclude_ids,
        ..Require::default()
    }
}

fn answer() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(5.0), (0..=10u8).prop_map(|h| f64::from(h) / 2.0), 0.0..=5.0f64]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Drive the questionnaire with `full` as the respondent's answers; once
    /// settled, answer every question not asked at random: the weighted
    /// sum's top pick is the verdict's, every time.
    #[test]
    fn answers_to_questions_not_asked_never_change_the_top_pick(
        full in proptest::collection::vec(answer(), 12),
        others in proptest::collection::vec(proptest::collection::vec(answer(), 12), 8),
        languages in 0..8u8, targets in 0..4u8, policy in 0..3u8, exclude in 0..16u8,
    ) {
        let catalog = Catalog::builtin().unwrap();
        prop_assume!(catalog.criteria.len() == 12);
        let require = require_of(&catalog, languages, targets, policy, exclude);
        let mut known: Vec<Option<f64>> = vec![None; 12];
        let (top, unasked) = loop {
            match next(&catalog, &require, &[], &known) {
                Next::Ask(Step::Need(k)) => known[k] = Some(full[k]),
                Next::Settled { top, unasked } => break (top, unasked),
                Next::NoNeeds => return Ok(()),
                Next::Ask(other) => panic!("{other:?} was answered"),
            }
        };
        let matrix = Matrix::new(&catalog);
        for other in others.iter().chain([&vec![0.0; 12], &vec![5.0; 12]]) {
            let mut needs: Vec<f64> = known.iter().map(|n| n.unwrap_or(0.0)).collect();
            for &k in &unasked {
                needs[k] = other[k];
            }
            let profile = dlpick::profile::Profile {
                name: "p".into(), description: None, needs, require: require.clone(), chosen: None, unasked: Vec::new(),
            };
            let ranking = rank(&catalog, &matrix, &profile, MethodId::WeightedSum.method());
            prop_assert_eq!(ranking.ranked.first().map(|r| r.framework), top, "unasked {:?} answered {:?}", unasked, other);
        }
        // Requirements are always asked first.
        prop_assert_eq!(next(&catalog, &require, &REQUIREMENTS, &known), Next::Ask(REQUIREMENTS[0]));
    }

    /// The core's verdict on the same box agrees with itself from any
    /// starting point: a settled box stays settled when a need is answered.
    #[test]
    fn answering_more_never_unsettles(
        full in proptest::collection::vec(answer(), 12),
        order in Just((0..12).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let catalog = Catalog::builtin().unwrap();
        let require = Require::default();
        let matrix = Matrix::for_require(&catalog, &require);
        let competing: Vec<usize> = (0..catalog.frameworks.len()).filter(|&f| catalog.frameworks[f].status.is_maintained() && catalog.frameworks[f].deep_learning).collect();
        let mut known: Vec<Option<f64>> = vec![None; 12];
        let mut settled_on = None;
        for k in order {
            known[k] = Some(full[k]);
            let v = verdict(&matrix, &competing, &Bounds::from_answers(&known));
            if let Some(top) = settled_on {
                prop_assert_eq!(v, dlpick::score::adaptive::Verdict::Settled { top: Some(top) });
            } else if let dlpick::score::adaptive::Verdict::Settled { top: Some(top) } = v {
                settled_on = Some(top);
            }
        }
    }
}

// ---- a real terminal ----------------------------------------------------

#[test]
fn a_terminal_session_stops_early_with_the_one_line_verdict_or_goes_on() {
    for go_on in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut command = common::command_in(dir.path());
        command.args(["ask", "--top", "1", "--save", "typed.toml"]).env("TERM", "xterm");
        let mut s = spawn_command(command, Some(20_000)).unwrap();
        let line = |s: &mut rexpect::session::PtySession, text: &str| {
            s.send(text).unwrap();
            s.send("\r").unwrap();
            s.flush().unwrap();
        };
        s.exp_string("Which programming languages").unwrap();
        s.send("python").unwrap();
        s.send(" ").unwrap();
        line(&mut s, "");
        for prompt in
            ["Where must your trained models run", "Which hardware", "no longer maintained", "never be recommended"]
        {
            s.exp_string(prompt).unwrap();
            line(&mut s, "");
        }
        s.exp_string("(1 of up to 12) How much does an easy start for newcomers matter?").unwrap();
        line(&mut s, "5");
        s.exp_string("(2 of up to 12) How much does easy debugging").unwrap();
        line(&mut s, "4");
        s.exp_string("PyTorch stays first whatever you answer to the 10 remaining questions.").unwrap();
        s.exp_string("Stop here?").unwrap();
        if go_on {
            s.send("\x1b[B").unwrap();
            line(&mut s, "");
            for q in 3..=12 {
                s.exp_string(&format!("({q}/12)")).unwrap();
                line(&mut s, "1");
            }
        } else {
            line(&mut s, "");
        }
        s.exp_string("fits best (match").unwrap();
        s.exp_string("saved typed.toml").unwrap();
        s.exp_eof().unwrap();
        assert!(matches!(s.process().wait().unwrap(), WaitStatus::Exited(_, 0)));
        let text = std::fs::read_to_string(dir.path().join("typed.toml")).unwrap();
        if go_on {
            assert!(!text.contains("unasked") && text.contains("\nflexibility = 1\n"), "{text}");
        } else {
            assert!(text.contains("unasked = [") && !text.contains("\nflexibility ="), "{text}");
        }
        assert_eq!(recommended_top(&dir.path().join("typed.toml")).as_deref(), Some("pytorch"));
    }
}

// ---- the survey server ----------------------------------------------------

/// Fill in a page of the survey as a respondent with `needs` (by criterion
/// id; 1 when not listed) who uses Python: hidden fields as they are, the
/// name, Python ticked, each rating shown answered.
fn fill(html: &str, needs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (name, value, kind, _) in common::http::inputs(html) {
        let value = common::http::unescape(&value);
        match kind.as_str() {
            "hidden" => fields.push((name, value)),
            "text" if name == "name" => fields.push((name, "Ana".to_string())),
            "text" if name == "team" => fields.push((name, "lab".to_string())),
            "checkbox" if name == "languages" && value == "python" => fields.push((name, value)),
            "radio" => {
                let want = needs.iter().find(|(k, _)| *k == name).map_or("1", |(_, v)| v);
                if value == want {
                    fields.push((name, value));
                }
            }
            _ => {}
        }
    }
    fields
}

fn send(browser: &common::http::Browser<'_>, path: &str, fields: &[(String, String)]) -> common::http::Reply {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    browser.post(path, &fields)
}

#[test]
fn the_survey_asks_a_few_questions_at_a_time_and_lets_the_respondent_stop() {
    use common::http::{Browser, Server, action, inputs};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("survey.db"), &[]);
    let mut browser = Browser::new(&server);
    let needs = [("beginner_friendliness", "5"), ("debuggability", "4"), ("flexibility", "0")];

    let mut page = browser.get(&server.survey);
    assert_eq!(page.status, 200);
    let radios = |html: &str| {
        let mut names: Vec<String> =
            inputs(html).into_iter().filter(|i| i.2 == "radio").map(|i| i.0).collect::<Vec<_>>();
        names.dedup();
        names
    };
    // The first page: name, team, the requirements and three ratings.
    let first = radios(&page.body);
    assert_eq!(first.len(), 3, "{first:?}");
    assert!(page.body.contains("name=\"languages\"") && page.body.contains("name=\"exclude\""));
    assert!(page.body.contains("See every question at once"));
    let mut asked: Vec<String> = first.clone();
    let mut pages = 1;
    let reply = loop {
        let reply = send(&browser, &action(&page.body), &fill(&page.body, &needs));
        if reply.status != 200 {
            break reply;
        }
        assert!(reply.body.contains("A few more questions"), "{}", reply.body);
        let shown = radios(&reply.body);
        assert!(!shown.is_empty() && shown.len() <= 3 && shown.iter().all(|s| !asked.contains(s)), "{shown:?}");
        asked.extend(shown);
        pages += 1;
        page = reply;
    };
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert!(asked.len() < 12, "asked every rating: {asked:?}");
    let private = reply.header("location").unwrap().to_string();
    let mine = browser.get(&private);
    let flat_page = common::http::text_of(&mine.body);
    let remaining = 12 - asked.len();
    assert!(
        flat_page.contains(&format!(
            "You can stop here. PyTorch stays first whatever you answer to the {remaining} remaining questions."
        )),
        "{flat_page}"
    );
    assert!(flat_page.contains("Answer the rest anyway") && flat_page.contains("PyTorch fits best"));

    // The recommendation is the one `recommend` gives with every answer.
    let full = dir.path().join("full.toml");
    let mut text = String::from("[needs]\n");
    for c in &Catalog::builtin().unwrap().criteria {
        let v = needs.iter().find(|(k, _)| *k == c.id).map_or("1", |(_, v)| v);
        let _ = writeln!(text, "{} = {v}", c.id);
    }
    text.push_str("[require]\nlanguages = [\"python\"]\n");
    std::fs::write(&full, text).unwrap();
    assert_eq!(recommended_top(&full).as_deref(), Some("pytorch"));

    // The admin page and the exports know what was not asked.
    let csv = browser.get(&format!("{}/results.csv", server.admin)).body;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    for (column, cell) in header.iter().zip(&row) {
        if asked.iter().any(|a| a == column) {
            assert_ne!(*cell, "?", "{column}");
        } else if Catalog::builtin().unwrap().criterion_index(column).is_some() {
            assert_eq!(*cell, "?", "{column} was not asked");
        }
    }
    let jsonl = browser.get(&format!("{}/results.jsonl", server.admin)).body;
    let v: Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(v["unasked"].as_array().unwrap().len(), remaining);
    let admin = common::http::text_of(&browser.get(&server.admin).body);
    assert!(admin.contains("1 member was not asked every question"), "{admin}");
    assert!(admin.contains("PyTorch stays first whatever they would have answered"), "{admin}");
    let exported = dir.path().join("results.csv");
    std::fs::write(&exported, &csv).unwrap();
    let batch = common::flat(&common::stdout_of(&["batch", arg(&exported), "--by-team", "--format", "text"]));
    assert!(batch.contains("1 member was not asked every question"), "{batch}");

    // "Answer the rest anyway": the ratings not asked start unticked, and
    // answering them stores a complete response.
    let edit = browser.get(&format!("{private}/edit"));
    for (name, _, kind, checked) in inputs(&edit.body) {
        if kind == "radio" && checked {
            assert!(asked.contains(&name), "{name} was not asked, yet ticked");
        }
    }
    let mut fields = fill(&edit.body, &needs);
    let ticked: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
    for c in &Catalog::builtin().unwrap().criteria {
        if !ticked.contains(&c.id) {
            fields.push((c.id.clone(), "1".to_string()));
        }
    }
    // `fill` ticks the edit form's stored answers again only where its
    // radios match; the stored ones are ticked, so keep one value each.
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    fields.dedup_by(|a, b| a.0 == b.0 && a.0 != "languages" && a.0 != "exclude");
    let done = send(&browser, &action(&edit.body), &fields);
    assert_eq!(done.status, 303, "{}", done.body);
    let mine = browser.get(&private).body;
    assert!(!mine.contains("You can stop here") && mine.contains("PyTorch fits best"));
    let v: Value =
        serde_json::from_str(browser.get(&format!("{}/results.jsonl", server.admin)).body.lines().next().unwrap())
            .unwrap();
    assert!(v.get("unasked").is_none(), "{v}");
    assert!(pages >= 1);
}
