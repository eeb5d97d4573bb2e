//! Decision records (`--format madr`): MADR's sections, Markdown that
//! parses as CommonMark with YAML front matter, the choice `recommend` and
//! the team consensus make, hand-computed firmness, the command in the
//! record making the same bytes again, `--out`, and the admin page's link.

use crate::common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use common::http::{Browser, Server, request};
use common::{dlpick, fixture, json_of, root};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

/// 2026-11-25, 00:00 UTC.
const EPOCH: &str = "1795564800";
const SURVEY: &str = "tests/fixtures/team-survey.csv";

/// Standard output of a run on the fixed date; `ok` says whether it must
/// exit 0 (a survey with a rejected row exits 1 and still writes).
fn run(args: &[&str], ok: bool) -> String {
    let out = dlpick().args(args).env("SOURCE_DATE_EPOCH", EPOCH).output().unwrap();
    let code = out.status.code();
    assert_eq!(code, Some(i32::from(!ok)), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Compare with the stored snapshot (tests/integration/snapshots/madr@NAME.snap), the
/// build's version and commit masked, and the knowledge base's hash (which
/// any correction to it changes; its own test checks the hash).
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\(commit [0-9a-f]{7,40}(-dirty)?, ", "(");
    settings.add_filter(r"dlpick \d+\.\d+\.\d+", "dlpick [version]");
    settings.add_filter(r"(the knowledge base built into dlpick: sha256\s+)`[0-9a-f]{64}`", "$1`[sha256]`");
    settings.add_filter(r"built-in \(sha256 [0-9a-f]{12}\)", "built-in (sha256 [sha256])");
    settings.add_filter(r"\(knowledge base [0-9a-f]{12}\)", "(knowledge base [sha256])");
    settings.set_snapshot_path(root().join("tests/integration/snapshots"));
    settings.set_snapshot_suffix(name.to_string());
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("madr", text));
}

/// A record, read back: its front matter as YAML and its body as
/// CommonMark, section by section.
struct Record {
    front: Yaml,
    /// (level, title) of every heading, in order.
    headings: Vec<(usize, String)>,
    /// The text of each section's list items (nested ones separately),
    /// paragraphs and code blocks, by the title of the heading above.
    items: Vec<(String, String)>,
    paragraphs: Vec<(String, String)>,
    code: Vec<String>,
    tables: usize,
}

impl Record {
    fn items_of(&self, section: &str) -> Vec<&str> {
        self.items.iter().filter(|(s, _)| s == section).map(|(_, t)| t.as_str()).collect()
    }

    fn text_of(&self, section: &str) -> String {
        self.paragraphs.iter().filter(|(s, _)| s == section).map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n")
    }
}

fn level(l: HeadingLevel) -> usize {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Parse a record; fails on raw HTML, a missing front matter, or YAML
/// that does not parse.
fn parse(record: &str) -> Record {
    let rest = record.strip_prefix("---\n").expect("front matter first");
    let end = rest.find("\n---\n").expect("front matter closed");
    let docs = YamlLoader::load_from_str(&rest[..=end]).expect("front matter is YAML");
    assert_eq!(docs.len(), 1);
    let body = &rest[end + 5..];
    let mut r = Record {
        front: docs[0].clone(),
        headings: Vec::new(),
        items: Vec::new(),
        paragraphs: Vec::new(),
        code: Vec::new(),
        tables: 0,
    };
    let mut section = String::new();
    // Open containers' text: headings, items and paragraphs nest.
    let mut open: Vec<(&'static str, String)> = Vec::new();
    for event in Parser::new_ext(body, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => open.push(("h", String::new())),
            Event::End(TagEnd::Heading(l)) => {
                let (_, text) = open.pop().unwrap();
                section.clone_from(&text);
                r.headings.push((level(l), text));
            }
            Event::Start(Tag::Item) => open.push(("item", String::new())),
            Event::End(TagEnd::Item) => {
                let (_, text) = open.pop().unwrap();
                r.items.push((section.clone(), text.trim().to_string()));
            }
            Event::Start(Tag::Paragraph) => open.push(("p", String::new())),
            Event::End(TagEnd::Paragraph) => {
                let (_, text) = open.pop().unwrap();
                // A paragraph inside an item is the item's text.
                match open.last_mut() {
                    Some((_, outer)) => outer.push_str(&text),
                    None => r.paragraphs.push((section.clone(), text)),
                }
            }
            Event::Start(Tag::CodeBlock(_)) => open.push(("code", String::new())),
            Event::End(TagEnd::CodeBlock) => r.code.push(open.pop().unwrap().1),
            Event::Start(Tag::Table(_)) => r.tables += 1,
            Event::Text(s) | Event::Code(s) => {
                if let Some((_, text)) = open.last_mut() {
                    text.push_str(&s);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, text)) = open.last_mut() {
                    text.push(' ');
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in the record: {h}"),
            _ => {}
        }
    }
    r
}

/// The headings a record has, in MADR's order, with `options` after the
/// pros and cons (and for a choice, its consequences).
fn expected_headings(title: &str, chosen: bool, options: &[String]) -> Vec<(usize, String)> {
    let mut h = vec![
        (1, title.to_string()),
        (2, "Context and Problem Statement".to_string()),
        (2, "Decision Drivers".to_string()),
        (2, "Considered Options".to_string()),
        (2, "Decision Outcome".to_string()),
    ];
    if chosen {
        h.push((3, "Consequences".to_string()));
    }
    h.push((3, "Confirmation".to_string()));
    if !options.is_empty() {
        h.push((2, "Pros and Cons of the Options".to_string()));
        h.extend(options.iter().map(|o| (3, o.clone())));
    }
    h.push((2, "More Information".to_string()));
    h
}

/// (id, name) pairs.
type Names = Vec<(String, String)>;

/// Framework id → name, and criterion id → name, from the knowledge base.
fn names() -> (Names, Names) {
    let kb = json_of(&["frameworks", "--format", "json"]);
    let pair = |v: &Value| (v["id"].as_str().unwrap().to_string(), v["name"].as_str().unwrap().to_string());
    let frameworks = kb["frameworks"].as_array().unwrap().iter().map(pair).collect();
    let criteria = kb["criteria"].as_array().unwrap().iter().map(pair).collect();
    (frameworks, criteria)
}

fn name_of(list: &[(String, String)], id: &str) -> String {
    list.iter().find(|(i, _)| i == id).unwrap_or_else(|| panic!("no {id}")).1.clone()
}

/// The command in a record's Confirmation, run from `dir` (the repository
/// when `None`): its standard output.
fn rerun(record: &Record, dir: &Path) -> Vec<u8> {
    assert_eq!(record.code.len(), 1, "one command");
    let words = shlex::split(record.code[0].trim()).expect("a shell command");
    let (env, rest) = words.split_first().unwrap();
    let epoch = env.strip_prefix("SOURCE_DATE_EPOCH=").expect("the date first");
    assert_eq!(rest[0], "dlpick");
    let out = dlpick().args(&rest[1..]).env("SOURCE_DATE_EPOCH", epoch).current_dir(dir).output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{words:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Every prose line fits 80 characters, unless it is one word too long to
/// break; tables and the command may be longer.
fn assert_wrapped(record: &str) {
    let mut fenced = false;
    for line in record.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if fenced || line.starts_with('|') {
            continue;
        }
        let words = line.trim_start().trim_start_matches("* ").split(' ').count();
        assert!(line.chars().count() <= 80 || words == 1, "too long: {line}");
    }
}

#[test]
fn every_shipped_profile_s_record_has_madr_s_sections_and_recommend_s_choice() {
    let (frameworks, criteria) = names();
    for path in common::tomls("profiles") {
        let path = path.strip_prefix(root()).unwrap().to_str().unwrap().to_string();
        let text = run(&["recommend", &path, "--format", "madr"], true);
        let r = parse(&text);
        assert_wrapped(&text);
        let advice = &json_of(&["recommend", &path, "--format", "json"])["profiles"][0];
        let ranked: Vec<String> =
            advice["ranking"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_string()).collect();
        let top = &ranked[0];

        // Front matter: MADR's keys; a profile has no people yet.
        let front = &r.front;
        assert_eq!(front["status"].as_str(), Some("proposed"), "{path}");
        assert_eq!(front["date"].as_str(), Some("2026-11-25"), "{path}");
        for key in ["decision-makers", "consulted", "informed"] {
            assert_eq!(front[key].as_vec().map(Vec::len), Some(0), "{path}: {key}");
        }

        assert_eq!(r.headings, expected_headings(&format!("Use {top} for deep learning"), true, &ranked), "{path}");
        assert!(r.text_of("Decision Outcome").starts_with(&format!("Chosen option: \"{top}\", because ")), "{path}");

        // Every need rated 3 or more is a driver, most important first.
        let profile: toml::Table = std::fs::read_to_string(root().join(&path)).unwrap().parse().unwrap();
        let mut needs: Vec<(f64, String)> = profile["needs"]
            .as_table()
            .unwrap()
            .iter()
            .map(|(id, v)| {
                (
                    v.as_float().or_else(|| v.as_integer().and_then(|i| i32::try_from(i).ok()).map(f64::from)).unwrap(),
                    id.clone(),
                )
            })
            .filter(|(n, _)| *n >= 3.0)
            .collect();
        let order = |id: &str| criteria.iter().position(|(c, _)| c == id).unwrap();
        needs.sort_by(|a, b| b.0.total_cmp(&a.0).then(order(&a.1).cmp(&order(&b.1))));
        let drivers = r.items_of("Decision Drivers");
        let rated: Vec<&str> = drivers.iter().copied().filter(|d| !d.starts_with("Required")).collect();
        assert_eq!(rated.len(), needs.len(), "{path}: {drivers:?}");
        for ((need, id), driver) in needs.iter().zip(&rated) {
            let name = name_of(&criteria, id);
            assert!(
                driver.to_lowercase().starts_with(&format!("{}: ", name.to_lowercase())),
                "{path}: {driver} for {name}"
            );
            assert!(driver.contains(&format!("({need} of 5)")), "{path}: {driver}");
        }
        let languages = profile.get("require").and_then(|r| r.get("languages")).and_then(|l| l.as_array());
        if languages.is_some_and(|l| !l.is_empty()) {
            assert!(drivers.iter().any(|d| d.starts_with("Required: it can be used from")), "{path}: {drivers:?}");
        }

        // Every framework is considered once: ranked, or left out with a reason.
        let options = r.items_of("Considered Options");
        assert_eq!(options.len(), frameworks.len(), "{path}: {options:?}");
        for (_, name) in &frameworks {
            let of = options.iter().filter(|o| o.starts_with(&format!("{name}: "))).count();
            assert_eq!(of, 1, "{path}: {name} in {options:?}");
        }
        for (option, name) in options.iter().zip(&ranked) {
            assert!(option.starts_with(&format!("{name}: ")), "{path}: ranked first: {option}");
        }

        // Pros and cons: every driver of every option, saying how its score is known.
        for name in &ranked {
            let args = r.items_of(name);
            for arg in &args {
                assert!(
                    ["Good, because ", "Neutral, because ", "Bad, because "].iter().any(|p| arg.starts_with(p)),
                    "{path}: {arg}"
                );
            }
            for (_, id) in &needs {
                let criterion = name_of(&criteria, id);
                let arg = args
                    .iter()
                    .find(|a| a.contains(&format!("because {criterion} scores ")))
                    .unwrap_or_else(|| panic!("{path}: {name} has no argument on {criterion}: {args:?}"));
                assert!(
                    ["(stated in the article, ", "(inferred from ", "(outside the article: "]
                        .iter()
                        .any(|k| arg.contains(k)),
                    "{path}: {arg}"
                );
            }
        }
        for consequence in r.items_of("Consequences") {
            assert!(
                ["Good, because ", "Neutral, because ", "Bad, because "].iter().any(|p| consequence.starts_with(p)),
                "{path}: {consequence}"
            );
        }

        let command = &r.code[0];
        assert!(command.contains(&format!("dlpick recommend {path} ")), "{path}: {command}");
        let kb = json_of(&["frameworks", "--format", "json"]);
        let sha = kb["knowledge_base"][0]["sha256"].as_str().unwrap().to_string();
        assert!(r.items_of("Confirmation").iter().any(|i| i.ends_with(&sha)), "{path}");
        // One analysis each: a table of exact ranges, and the seed named.
        assert_eq!(r.tables, 1, "{path}");
        assert!(r.text_of("Confirmation").contains("SMAA-2 with seed 1"), "{path}");
    }
}

#[test]
fn a_snapshot_fixes_the_shape_of_a_profile_s_and_a_team_s_record() {
    snapshot("recommend-research-lab", &run(&["recommend", "profiles/research-lab.toml", "--format", "madr"], true));
    snapshot("batch-team-vision", &run(&["batch", SURVEY, "--format", "madr", "--team", "vision", "--quiet"], false));
}

#[test]
fn the_record_s_command_makes_the_same_file_and_out_writes_it_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("0001-choose-a-deep-learning-framework.md");
    let out = dlpick()
        .args(["recommend", "profiles/polyglot-shop.toml", "--need", "mobile_deployment=4.5", "--format", "madr"])
        .args(["--need", "debuggability=2", "--need", "mobile_deployment=3.25", "--out"])
        .arg(&target)
        .env("SOURCE_DATE_EPOCH", "1795600000")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    let r = parse(&written);
    // The date is the day of SOURCE_DATE_EPOCH, and the command sets it to that day's midnight.
    assert_eq!(r.front["date"].as_str(), Some("2026-11-25"));
    // Each criterion once, the last value given, in the knowledge base's order.
    assert_eq!(
        r.code[0].trim(),
        "SOURCE_DATE_EPOCH=1795564800 dlpick recommend profiles/polyglot-shop.toml --need 'debuggability=2' \
         --need 'mobile_deployment=3.25' --method weighted-sum --inactive separate --format madr"
    );
    assert_eq!(String::from_utf8(rerun(&r, &root())).unwrap(), written);
    // Only the record in the folder: no temporary file left.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // Not replaced unasked, and replaced with --force.
    let again = |force: bool| {
        let mut cmd = dlpick();
        cmd.args(["recommend", "profiles/beginner.toml", "--format", "madr", "--out"]).arg(&target);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    assert_eq!(again(false).status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
    assert!(again(true).status.success());
    assert!(std::fs::read_to_string(&target).unwrap().contains("# Use Keras for deep learning"));
}

#[test]
fn firmness_is_what_a_hand_calculation_gives() {
    // tiny-weights: alpha weight 1, beta 2; Xeno scores 5 and 2, Yak 3 and 4,
    // Zed is discontinued. tiny-profile: alpha 4, beta 3, so the effective
    // weights are a = 4w_alpha and b = 6w_beta, and Yak leads Xeno while
    // 3a + 4b > 5a + 2b, that is b > a.
    // Along alpha's weight (b = 6): Yak first while 4w < 6, w < 1.50.
    // Along beta's weight (a = 4): Yak first while 6w > 4, w > 1.33.
    // Sampled: a = 4u, b = 6v, u and v uniform in [0.7, 1.3]; Xeno leads
    // when v < 2u/3, which needs u > 1.05: P = ∫ (2u/3 − 0.7)/0.6 du/0.6
    // over [1.05, 1.3] = 1.5 · (1/6)² / 2 / 0.36 = 0.0579, so Yak leads in 94.21%.
    let args = [
        "--weights",
        "tests/fixtures/tiny-weights.toml",
        "recommend",
        "tests/fixtures/tiny-profile.toml",
        "--format",
        "madr",
    ];
    let text = run(&args, true);
    let r = parse(&text);
    assert_eq!(r.headings[0].1, "Use Yak for deep learning");
    assert!(text.contains("| alpha | 4 | 1.00 | 0.00 – 1.50 | never | Xeno |"), "{text}");
    assert!(text.contains("| beta | 3 | 2.00 | 1.33 – ∞ | Xeno | never |"), "{text}");
    let sampled = r.text_of("Confirmation");
    let share: f64 = sampled.split("Yak ranks first in ").nth(1).unwrap().split('%').next().unwrap().parse().unwrap();
    assert!((share - 94.21).abs() < 0.5, "{share}: {sampled}");
    assert!(sampled.contains("Xeno"), "{sampled}");
    // The other knowledge base is named in the command, and read again.
    assert!(r.code[0].contains(" --weights tests/fixtures/tiny-weights.toml --format madr"), "{}", r.code[0]);
    assert_eq!(String::from_utf8(rerun(&r, &root())).unwrap(), text);
}

/// Members of `team` in the survey fixture, read as CSV, in order (the row
/// with a need of 9 is rejected).
fn members(team: Option<&str>) -> Vec<String> {
    let mut reader = csv::Reader::from_path(root().join(SURVEY)).unwrap();
    let mut rows: Vec<(String, String)> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r.iter().skip(2).take(11).all(|n| n.parse::<f64>().is_ok_and(|n| n <= 5.0)))
        .map(|r| (r[1].to_string(), r[0].to_string()))
        .filter(|(t, _)| team.is_none_or(|team| t == team))
        .collect();
    // Everyone is listed team by team, in team-name order.
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows.into_iter().map(|(_, name)| name).collect()
}

#[test]
fn a_survey_s_record_is_the_team_s_consensus_and_is_made_again_the_same() {
    let (frameworks, _) = names();
    let department = {
        let out = dlpick()
            .args(["batch", SURVEY, "--by-team", "--format", "json", "--quiet", "--top", "99"])
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let teams = department["teams"].as_array().unwrap();
    for team in [Some("vision"), None] {
        let mut args = vec!["batch", SURVEY, "--format", "madr", "--quiet"];
        args.extend(team.map(|t| ["--team", t]).into_iter().flatten());
        let text = run(&args, false);
        let r = parse(&text);
        assert_wrapped(&text);
        let result = match team {
            Some(t) => teams.iter().find(|x| x["team"] == t).unwrap(),
            None => &department["all"],
        };
        let pick = name_of(&frameworks, result["consensus"]["recommended"].as_str().unwrap());
        let ranked: Vec<String> =
            result["ranking"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_string()).collect();
        let whom = team.map_or_else(|| " across the survey".to_string(), |t| format!(" in team {t}"));
        assert_eq!(r.headings, expected_headings(&format!("Use {pick} for deep learning{whom}"), true, &ranked));
        let outcome = r.text_of("Decision Outcome");
        assert!(outcome.starts_with(&format!("Chosen option: \"{pick}\", because the consensus")), "{outcome}");
        assert!(outcome.contains("Kendall's W"), "{outcome}");
        assert_eq!(r.tables, 2, "the rules and the exact ranges");
        let makers: Vec<&str> =
            r.front["decision-makers"].as_vec().unwrap().iter().map(|y| y.as_str().unwrap()).collect();
        assert_eq!(makers, members(team), "{team:?}");
        assert_eq!(r.front["consulted"].as_vec().map(Vec::len), Some(0));
        assert_eq!(String::from_utf8(rerun(&r, &root())).unwrap(), text, "{team:?}");
        if team.is_none() {
            let each = r.items_of("More Information");
            for t in teams {
                let label = t["team"].as_str().filter(|s| !s.is_empty()).unwrap_or("no team");
                let pick = name_of(&frameworks, t["consensus"]["recommended"].as_str().unwrap());
                assert!(each.iter().any(|i| i.starts_with(&format!("{label} (")) && i.ends_with(&pick)), "{each:?}");
            }
        }
    }
    // The same bytes whatever the number of threads.
    let one = run(&["batch", SURVEY, "--format", "madr", "--quiet", "--threads", "1"], false);
    let two = run(&["batch", SURVEY, "--format", "madr", "--quiet", "--threads", "2"], false);
    assert_eq!(one, two);
}

#[test]
fn names_and_evidence_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let kb = std::fs::read_to_string(fixture("tiny-weights.toml"))
        .unwrap()
        .replace("name = \"Yak\"", "name = \"Yak *1* <b>x</b> | y\"")
        .replace("Yak handles beta well.", "Yak `handles` [beta](http://e.test) _well_ ~so~ \\\\ # - 1. too");
    std::fs::write(dir.path().join("kb.toml"), kb).unwrap();
    std::fs::write(
        dir.path().join("p.toml"),
        "name = \"*team* #1\"\ndescription = \"<script>x</script> [a](b) *c* 1. d\"\n[needs]\nalpha = 4\nbeta = 3\n",
    )
    .unwrap();
    let out = dlpick()
        .args(["--weights", "kb.toml", "recommend", "p.toml", "--format", "madr"])
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let r = parse(&text);
    // The names and the evidence read as written: no emphasis, link or HTML.
    assert_eq!(r.headings[0].1, "Use Yak *1* <b>x</b> | y for deep learning");
    assert!(r.text_of("Context and Problem Statement").starts_with("<script>x</script> [a](b) *c* 1. d."));
    let args = r.items_of("Yak *1* <b>x</b> | y");
    assert!(
        args.iter().any(|a| a.contains("Yak `handles` [beta](http://e.test) _well_ ~so~ \\ # - 1. too")),
        "{args:?}"
    );
    assert!(!text.contains("<b>") && !text.contains("<script>"));
    assert_eq!(String::from_utf8(rerun(&r, dir.path())).unwrap(), text);

    // A member's name in YAML reads back exactly.
    let survey = "name,team,alpha,beta\n\"ana: \"\"x\"\" # - [y]\",a team,4,3\n";
    std::fs::write(dir.path().join("s.csv"), survey).unwrap();
    let out = dlpick()
        .args(["--weights", "kb.toml", "batch", "s.csv", "--format", "madr", "--team", "a team"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = parse(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(r.front["decision-makers"][0].as_str(), Some("ana: \"x\" # - [y]"));
    assert!(r.code[0].contains(" --team 'a team' "), "{}", r.code[0]);
}

#[test]
fn what_a_record_cannot_be_made_from_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("record.md");
    let cases: [(&[&str], &str); 4] = [
        (&["recommend", "profiles/beginner.toml", "profiles/mobile-app.toml", "--format", "madr"], "one profile"),
        (&["batch", SURVEY, "--team", "vision"], "--format madr"),
        (&["batch", SURVEY, "--format", "madr", "--team", "visoin"], "`vision`"),
        (&["frameworks", "--format", "madr"], "invalid value 'madr'"),
    ];
    for (args, words) in cases {
        let out = dlpick().args(args).arg("--out").arg(&target).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{args:?}: {err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{args:?}");
    }
}

#[test]
fn the_admin_page_offers_the_record_and_a_browser_downloads_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("survey.db"), &[("SOURCE_DATE_EPOCH", "1795600000")]);
    let mut browser = Browser::new(&server);
    // Nothing to record before the first answer.
    assert!(!browser.get(&server.admin).body.contains("decision.md"));
    assert_eq!(browser.get(&format!("{}/decision.md", server.admin)).status, 404);

    let answers: [&[(&str, &str)]; 3] = [
        &[("name", "Ana"), ("team", "lab"), ("debuggability", "5"), ("dynamic_graphs", "4")],
        &[("name", "Ben"), ("team", "lab"), ("beginner_friendliness", "5"), ("rapid_prototyping", "4")],
        &[("name", "Cy <i>"), ("team", "ops"), ("distributed_training", "5"), ("api_stability", "4")],
    ];
    for a in answers {
        assert_eq!(browser.answer(&server.survey, a).status, 303);
    }
    let admin = browser.get(&server.admin);
    let href = admin
        .body
        .split("<a href=\"")
        .skip(1)
        .find(|s| s.contains(">Download the decision record</a>"))
        .map(|s| s.split('"').next().unwrap().to_string())
        .expect("the link");
    let record = browser.get(&href);
    assert_eq!(record.status, 200);
    assert_eq!(record.header("content-type"), Some("text/markdown; charset=utf-8"));
    assert!(record.header("content-disposition").unwrap().starts_with("attachment; filename="));
    let r = parse(&record.body);
    assert_eq!(r.front["date"].as_str(), Some("2026-11-25"));
    let makers: BTreeSet<&str> =
        r.front["decision-makers"].as_vec().unwrap().iter().map(|y| y.as_str().unwrap()).collect();
    assert_eq!(makers, BTreeSet::from(["Ana", "Ben", "Cy <i>"]));

    // The command in it, run on the export downloaded beside it, makes the same file.
    let export = request(&server.addr, "GET", &format!("{}/results.jsonl", server.admin), &[], b"");
    std::fs::write(dir.path().join("results.jsonl"), &export.body).unwrap();
    assert!(r.code[0].contains("dlpick batch results.jsonl --by-team"), "{}", r.code[0]);
    assert_eq!(String::from_utf8(rerun(&r, dir.path())).unwrap(), record.body);
}

#[test]
fn a_request_nothing_meets_is_a_record_too_and_a_large_team_names_its_first_fifty() {
    use sha2::{Digest, Sha256};
    let profile = "name = \"x\"\n[needs]\ndebuggability = 4\n[require]\nlanguages = [\"cobol\"]\n";
    let out = dlpick()
        .args(["recommend", "-", "--format", "madr"])
        .write_stdin(profile)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let r = parse(&text);
    assert_eq!(r.headings, expected_headings("Choose a deep-learning framework: none fits yet", false, &[]));
    assert!(r.text_of("Decision Outcome").starts_with("No option is chosen. "));
    let (frameworks, _) = names();
    let left = r.items_of("Considered Options");
    assert_eq!(left.len(), frameworks.len());
    assert!(left.iter().all(|o| o.ends_with("cannot be used from cobol")), "{left:?}");
    let hash = Sha256::digest(profile.as_bytes()).iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    assert_eq!(r.items_of("Confirmation")[0], format!("standard input: sha256 {hash}"));
    // The command reads the profile from standard input again.
    let words = shlex::split(r.code[0].trim()).unwrap();
    assert_eq!(words[3], "-");
    let again = dlpick().args(&words[2..]).write_stdin(profile).env("SOURCE_DATE_EPOCH", EPOCH).output().unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);

    let dir = tempfile::tempdir().unwrap();
    let mut survey = String::from("name,team,alpha,beta\n");
    for i in 0..60 {
        let _ = writeln!(survey, "m{i:02},big,{},3", i % 6);
    }
    std::fs::write(dir.path().join("s.csv"), survey).unwrap();
    let weights = fixture("tiny-weights.toml");
    let out = dlpick()
        .args(["--weights", common::arg(&weights), "batch", "s.csv", "--format", "madr", "--team", "big"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let r = parse(&text);
    let makers: Vec<String> =
        r.front["decision-makers"].as_vec().unwrap().iter().map(|y| y.as_str().unwrap().to_string()).collect();
    assert_eq!(makers, (0..50).map(|i| format!("m{i:02}")).collect::<Vec<_>>());
    assert!(text.contains("\n  # and 10 more\n"), "{text}");
}
