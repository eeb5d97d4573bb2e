//! Every command × format on the shipped examples, as insta snapshots, so a
//! change of output shows in review. Run `cargo insta review` (or accept with
//! `INSTA_UPDATE=always cargo test --test integration snapshots::`) after a deliberate
//! change. Output is made at 80 columns, without colour, on a fixed date.

use crate::common;

use common::dlpick;

/// Standard output of a successful run, with what changes per commit (the
/// commit hash in version lines) masked.
fn run(args: &[&str]) -> String {
    let out = dlpick()
        .args(args)
        .env("COLUMNS", "80")
        .env("SOURCE_DATE_EPOCH", "1795564800")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn check(name: &str, args: &[&str]) {
    snapshot(name, &run(args));
}

/// The report's stylesheet, which every HTML page carries inline.
const STYLE: &str = include_str!("../../src/report/style.css");

/// Compare with the stored snapshot, the build's version and commit masked
/// (a build outside a git clone has no commit), and the inline stylesheet
/// (a file of its own, `src/report/style.css`) named instead of repeated.
fn snapshot(name: &str, text: &str) {
    let text = &text.replace(&format!("<style>\n{STYLE}</style>"), "<style>[src/report/style.css]</style>");
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\(commit [0-9a-f]{7,40}(-dirty)?, ", "(");
    settings.add_filter(r#""commit": ("[0-9a-f]{7,40}(-dirty)?"|null)"#, r#""commit": "[commit]""#);
    settings.add_filter(r"dlpick \d+\.\d+\.\d+", "dlpick [version]");
    settings.add_filter(r#""version": "\d+\.\d+\.\d+""#, r#""version": "[version]""#);
    settings.set_snapshot_suffix(name.to_string());
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("out", text));
}

const FORMATS: [&str; 5] = ["text", "json", "csv", "markdown", "html"];
const BATCH_FORMATS: [&str; 6] = ["text", "json", "jsonl", "csv", "markdown", "html"];

#[test]
fn recommend_every_profile_in_every_format() {
    for profile in common::tomls("profiles") {
        let stem = profile.file_stem().unwrap().to_str().unwrap().to_string();
        let path = format!("profiles/{stem}.toml");
        for format in FORMATS {
            check(&format!("recommend-{stem}-{format}"), &["recommend", &path, "--format", format]);
        }
        check(&format!("recommend-{stem}-explain"), &["recommend", &path, "--explain"]);
    }
    check(
        "recommend-all-text",
        &["recommend", "profiles/beginner.toml", "profiles/mobile-app.toml", "profiles/research-lab.toml"],
    );
    for method in ["weighted-product", "topsis"] {
        check(
            &format!("recommend-mobile-{method}"),
            &["recommend", "profiles/mobile-app.toml", "--method", method, "--explain"],
        );
    }
    check("recommend-html-explain", &["recommend", "profiles/research-lab.toml", "--format", "html", "--explain"]);
}

#[test]
fn knowledge_base_in_every_format() {
    for format in FORMATS {
        check(&format!("frameworks-{format}"), &["frameworks", "--format", format]);
        check(&format!("criteria-{format}"), &["criteria", "--format", format]);
    }
    check("frameworks-pytorch", &["frameworks", "PyTorch"]);
}

#[test]
fn batch_in_every_format() {
    let survey = "tests/fixtures/team-survey.csv";
    for format in BATCH_FORMATS {
        check(&format!("batch-profiles-{format}"), &["batch", "profiles", "--format", format, "--quiet"]);
    }
    for format in BATCH_FORMATS {
        let out = dlpick()
            .args(["batch", survey, "--by-team", "--format", format, "--quiet"])
            .env("COLUMNS", "80")
            .env("SOURCE_DATE_EPOCH", "1795564800")
            .output()
            .unwrap();
        // One row is out of range: reported, and the exit code says so.
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        snapshot(&format!("batch-teams-{format}"), &String::from_utf8(out.stdout).unwrap());
    }
}

#[test]
fn tune_in_every_format() {
    for format in ["text", "json"] {
        check(
            &format!("tune-sensitivity-{format}"),
            &["tune", "sensitivity", "profiles/research-lab.toml", "--format", format],
        );
        check(
            &format!("tune-robustness-{format}"),
            &[
                "tune",
                "robustness",
                "profiles/research-lab.toml",
                "--samples",
                "2000",
                "--seed",
                "7",
                "--format",
                format,
            ],
        );
        check(&format!("tune-fit-{format}"), &["tune", "fit", "profiles/decisions", "--format", format, "--quiet"]);
    }
}

#[test]
fn questions_and_checks() {
    check("ask-questions", &["ask", "--print-questions"]);
    check("ask-questions-pairwise", &["ask", "--print-questions", "--pairwise"]);
    check("check-profiles", &["check", "profiles"]);
}

/// The text output of every command above fits 80 columns. (Messages on
/// standard error wrap only on a terminal: captured, each is one line.)
#[test]
fn text_fits_eighty_columns() {
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "recommend",
            "profiles/beginner.toml",
            "profiles/distributed-team.toml",
            "profiles/enterprise-stable.toml",
            "--explain",
        ],
        vec![
            "recommend",
            "profiles/mobile-app.toml",
            "profiles/polyglot-shop.toml",
            "profiles/research-lab.toml",
            "profiles/tabular-analyst.toml",
            "--explain",
        ],
        vec!["recommend", "profiles/mobile-app.toml", "--method", "topsis", "--explain"],
        vec!["frameworks"],
        vec!["criteria"],
        vec!["batch", "profiles", "--format", "text", "--quiet"],
        vec!["tune", "sensitivity", "profiles/research-lab.toml"],
        vec!["tune", "robustness", "profiles/research-lab.toml", "--samples", "2000"],
        vec!["tune", "fit", "profiles/decisions", "--quiet"],
        vec!["ask", "--print-questions"],
        vec!["check", "profiles"],
        vec!["config"],
    ];
    let mut all = runs;
    all.push(vec!["batch", "tests/fixtures/team-survey.csv", "--by-team", "--format", "text"]);
    for args in all {
        let out = dlpick().args(&args).env("COLUMNS", "80").output().unwrap();
        // --by-team's fixture has one row out of range (exit 1); the rest succeed.
        let expected = i32::from(args.contains(&"--by-team"));
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!out.stdout.is_empty(), "{args:?}");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            assert!(line.chars().count() <= 80, "{args:?}: {} columns: {line}", line.chars().count());
        }
    }
}
