//! Issue 10, "Nothing lost, nothing injected": the findings of a fuzzing and
//! fault campaign, each pinned by a test of the real binary.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

fn dlpick() -> Command {
    let mut cmd = crate::common::command();
    cmd.timeout(Duration::from_secs(60));
    cmd
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[allow(dead_code)]
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// 1. Folder inputs and symbolic links.

#[cfg(unix)]
#[test]
fn folder_links_are_skipped_with_one_note_and_loops_end() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir(&profiles).unwrap();
    std::fs::copy(root().join("profiles/beginner.toml"), profiles.join("beginner.toml")).unwrap();
    symlink(".", profiles.join("x")).unwrap();
    symlink(".", profiles.join("y")).unwrap();
    // A link out of the folder, to a folder of other profiles.
    symlink(root().join("profiles/decisions"), profiles.join("elsewhere")).unwrap();

    let out = dlpick().arg("batch").arg(&profiles).timeout(Duration::from_secs(20)).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 2, "the header and the one profile, once: {stdout}");
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("dlpick: note: skipped 3 symbolic links in") && stderr.contains("pass --follow-links"),
        "{stderr}"
    );
    assert!(stderr.contains("1 scored, 0 rejected"), "{stderr}");

    // --quiet: no note.
    dlpick().arg("--quiet").arg("check").arg(&profiles).assert().success().stderr(predicate::str::is_empty());
    // check and tune fit walk the same way.
    dlpick()
        .arg("check")
        .arg(&profiles)
        .assert()
        .success()
        .stdout(predicate::str::contains("beginner.toml").count(1))
        .stderr(predicate::str::contains("skipped 3 symbolic links"));

    // --follow-links follows them: loops are detected, each file read once.
    let out =
        dlpick().args(["batch", "--follow-links"]).arg(&profiles).timeout(Duration::from_secs(20)).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(stdout.matches("\nbeginner,").count(), 1, "{stdout}");
    assert!(stdout.contains("genomics"), "the link out was followed: {stdout}");
    let decisions = std::fs::read_dir(root().join("profiles/decisions")).unwrap().count();
    assert_eq!(stdout.lines().count(), 2 + decisions, "{stdout}");
    dlpick().args(["tune", "fit", "--follow-links"]).arg(&profiles).timeout(Duration::from_secs(60)).assert().success();
}

// 3. Control bytes are shown as visible escapes, never raw.

#[test]
fn control_bytes_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "p.toml",
        "name = \"evil\\u001b]0;pwned\\u0007\\u0000\"\ndescription = \"two\\nlines\"\n[needs]\ndebuggability = 5\n",
    );
    let out = dlpick().arg("recommend").arg(&profile).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains(['\u{1b}', '\u{7}', '\0']), "{stdout:?}");
    assert!(stdout.starts_with("evil\\u{1b}]0;pwned\\u{7}\\u{0} — two\\u{a}lines\n"), "{stdout}");

    // TOML escapes in a key reach the error message.
    let bad = write(dir.path(), "bad.toml", "[needs]\n\"debug\\u001b[2Jgability\" = 5\n");
    let out = dlpick().arg("recommend").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(!stderr.contains('\u{1b}') && stderr.contains("debug\\u{1b}[2Jgability"), "{stderr}");

    // CSV cells, in a rejected row.
    let csv = write(dir.path(), "s.csv", "name,debuggability,exclude\nAna,4,\"the\u{1b}[2Jano\u{7}\"\n");
    let out = dlpick().arg("batch").arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(!stderr.contains(['\u{1b}', '\u{7}']) && stderr.contains("the\\u{1b}[2Jano\\u{7}"), "{stderr}");

    // Questionnaire answers.
    let out = dlpick().arg("ask").write_stdin("5\n\u{1b}]0;x\u{7}\0\n").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(!stderr.contains(['\u{1b}', '\u{7}', '\0']) && stderr.contains("\\u{1b}]0;x\\u{7}\\u{0}"), "{stderr}");

    // Names in batch text tables, newline included.
    let csv = write(dir.path(), "n.csv", "name,debuggability\n\"two\nlines\u{1b}\",4\n");
    let out = dlpick().args(["batch", "--format", "text"]).arg(&csv).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("two\\u{a}lines\\u{1b}"), "{stdout}");
    // The header, the row with its picks, and the reason below it: the
    // name's line break adds no line.
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.lines().nth(1).is_some_and(|l| l.starts_with("two\\u{a}lines")), "{stdout}");
}

// 6. Error messages are bounded, and fast.

#[test]
fn huge_inputs_give_short_errors_quickly() {
    let dir = tempfile::tempdir().unwrap();
    // A 20 MB answer.
    let answer = "7".repeat(20_000_000);
    let out = dlpick().arg("ask").write_stdin(format!("{answer}\n")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(stderr.len() < 1000, "{} bytes of stderr", stderr.len());
    assert!(stderr.contains("`7777") && stderr.contains("…`"), "{stderr}");

    // A 20 MB unknown CSV header column: no similarity search, no echo
    // (and no 20 MB in memory: a header is one record, within the limit).
    let csv = write(dir.path(), "wide.csv", &format!("name,debuggability,{}\nAna,4,1\n", "q".repeat(20_000_000)));
    let out = dlpick().arg("batch").arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(stderr.len() < 1000 && stderr.contains("header is longer than the 1 MiB limit"), "{stderr}");
    // Under the limit, the unknown column is named, cut short.
    let csv = write(dir.path(), "wide.csv", &format!("name,debuggability,{}\nAna,4,1\n", "q".repeat(1_000_000)));
    let out = dlpick().arg("batch").arg(&csv).output().unwrap();
    let stderr = stderr_of(&out);
    assert!(stderr.len() < 1000 && stderr.contains("unknown column `qqq"), "{stderr}");
}

// 7. Endless inputs.

#[cfg(unix)]
#[test]
fn endless_toml_inputs_are_refused_at_the_limit() {
    for args in [
        &["recommend", "/dev/zero"][..],
        &["check", "/dev/urandom"],
        &["--weights", "/dev/zero", "criteria"],
        &["ask", "--answers", "/dev/zero"],
    ] {
        let out = dlpick().args(args).timeout(Duration::from_secs(20)).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr_of(&out).contains("larger than the 16 MiB limit for a TOML input"), "{args:?}");
    }
    // Standard input too.
    let out = dlpick().args(["recommend", "-"]).write_stdin(vec![b' '; 17 * 1024 * 1024]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("<stdin>: larger than the 16 MiB limit for a TOML input."), "{}", stderr_of(&out));
}

#[test]
fn one_overlong_json_line_is_that_rows_error() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(2 * 1024 * 1024);
    let jsonl = write(
        dir.path(),
        "s.jsonl",
        &format!(
            "{{\"name\":\"a\",\"needs\":{{\"debuggability\":5}}}}\n{{\"name\":\"{long}\"}}\n{{\"name\":\"b\",\"needs\":{{\"debuggability\":5}}}}\n"
        ),
    );
    let out = dlpick().arg("batch").arg(&jsonl).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("s.jsonl:2: the line is longer than the 1 MiB limit for one row."), "{stderr}");
    assert!(stderr.contains("2 scored, 1 rejected"), "{stderr}");
}

// 8. Markdown and CSV escaping.

#[test]
fn markdown_escapes_html_and_tables_and_csv_neutralises_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "p.toml",
        "name = \"=cmd|' /C calc'!A0 <script>alert(1)</script>\\nrow\"\ndescription = \"<b>x</b> | y\"\n[needs]\ndebuggability = 5\n",
    );
    let md = dlpick().arg("recommend").arg(&profile).args(["--format", "markdown"]).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(!md.contains("<script>") && !md.contains("<b>"), "{md}");
    assert!(md.starts_with("## =cmd\\|' /C calc'!A0 &lt;script&gt;alert(1)&lt;/script&gt; row\n"), "{md}");
    assert!(md.contains("&lt;b&gt;x&lt;/b&gt; \\| y"), "{md}");

    let csv = dlpick().arg("recommend").arg(&profile).args(["--format", "csv"]).output().unwrap();
    let mut reader = csv::Reader::from_reader(&csv.stdout[..]);
    for row in reader.records() {
        let row = row.unwrap();
        assert!(row[0].starts_with("'=cmd"), "{row:?}");
    }

    let survey = write(
        dir.path(),
        "s.csv",
        "name,team,debuggability\n\"=HYPERLINK(\"\"x\"\")\",@ops,4\n\"<i>a|b\nc</i>\",-x,3\n",
    );
    let out = dlpick().arg("batch").arg(&survey).output().unwrap();
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!((&rows[0][0], &rows[0][1]), ("'=HYPERLINK(\"x\")", "'@ops"));
    assert_eq!(&rows[1][1], "'-x");
    assert!(!rows[0][3].starts_with('\''), "numbers dlpick computes stay numbers: {:?}", rows[0]);

    let out = dlpick().args(["batch", "--format", "markdown"]).arg(&survey).output().unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("| &lt;i&gt;a\\|b c&lt;/i&gt; | -x |"), "{md}");
    assert_eq!(md.lines().count(), 4, "{md}");
}

// 5. --threads is bounded.

#[test]
fn too_many_threads_is_a_clear_usage_error() {
    for args in [
        &["batch", "profiles", "--threads", "100000"][..],
        &["tune", "robustness", "profiles/beginner.toml", "--threads", "100000", "--samples", "10"],
    ] {
        dlpick()
            .current_dir(root())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--threads").and(predicate::str::contains("at most 256 threads")));
    }
    dlpick().current_dir(root()).args(["batch", "profiles", "--threads", "256"]).assert().success();
}

// 4. Signals and temporary files.

/// Temporary files dlpick left in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".dlpick-") && std::path::Path::new(n).extension().is_some_and(|x| x == "tmp"))
        .collect()
}

/// Start `batch - --out out.csv` reading a pipe that stays open, wait until
/// its temporary file exists, and send it `signal`.
#[cfg(unix)]
fn batch_killed_by(dir: &Path, signal: &str) -> std::process::ExitStatus {
    use std::io::Write as _;
    let mut child = crate::common::command_in(dir)
        .args(["batch", "-", "--out", "out.csv"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"name,debuggability\nAna,5\n").unwrap();
    let started = std::time::Instant::now();
    while temporaries(dir).is_empty() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(temporaries(dir).len(), 1, "the output goes to a temporary file first");
    assert!(temporaries(dir)[0].starts_with(".out.csv.dlpick-"), "{:?}", temporaries(dir));
    std::thread::sleep(Duration::from_millis(100));
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args([signal, &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    drop(stdin);
    status
}

#[cfg(unix)]
#[test]
fn sigterm_sighup_and_sigint_leave_no_temporary_file() {
    for (signal, code) in [("-TERM", 143), ("-HUP", 129), ("-INT", 130)] {
        let dir = tempfile::tempdir().unwrap();
        let status = batch_killed_by(dir.path(), signal);
        assert_eq!(status.code(), Some(code), "{signal}");
        assert!(temporaries(dir.path()).is_empty(), "{signal}: {:?}", temporaries(dir.path()));
        assert!(!dir.path().join("out.csv").exists());
    }
}

#[cfg(unix)]
#[test]
fn a_temporary_file_left_by_sigkill_is_removed_at_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let status = batch_killed_by(dir.path(), "-KILL");
    assert_eq!(status.code(), None);
    let left = temporaries(dir.path());
    assert_eq!(left.len(), 1, "SIGKILL cannot be caught");
    let survey = write(dir.path(), "s.csv", "name,debuggability\nAna,5\n");
    dlpick()
        .current_dir(dir.path())
        .arg("batch")
        .arg(&survey)
        .args(["--out", "out.csv"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("removed ./{}, left by an interrupted run", left[0])));
    assert!(temporaries(dir.path()).is_empty());
    assert!(dir.path().join("out.csv").exists());
}

// 11. Small ones.

#[test]
fn out_dash_is_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    dlpick()
        .current_dir(dir.path())
        .arg("recommend")
        .arg(root().join("profiles/beginner.toml"))
        .args(["--out", "-"])
        .assert()
        .success()
        .stdout(predicate::str::contains("fits best"));
    let survey = write(dir.path(), "s.csv", "name,debuggability\nAna,5\n");
    dlpick()
        .current_dir(dir.path())
        .arg("batch")
        .arg(&survey)
        .args(["--out", "-"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Ana,"));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn out_to_a_folder_or_a_dangling_link_is_one_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let profile = root().join("profiles/beginner.toml");
    for force in [false, true] {
        let mut cmd = dlpick();
        cmd.arg("recommend").arg(&profile).arg("--out").arg(dir.path());
        if force {
            cmd.arg("--force");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = stderr_of(&out);
        assert!(stderr.contains("is a folder; give the path of a file to write."), "{stderr}");
        assert!(!stderr.contains("already exists") && !stderr.contains("os error"), "{stderr}");
    }
    #[cfg(unix)]
    {
        let link = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
        let out = dlpick().arg("recommend").arg(&profile).arg("--out").arg(&link).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = stderr_of(&out);
        assert!(stderr.contains("is a symbolic link to a file that does not exist"), "{stderr}");
        assert!(!stderr.contains("os error"), "{stderr}");
    }
}

// 9. ask --answers keeps every field.

#[test]
fn ask_with_answers_keeps_every_field_of_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let winner = |out: &std::process::Output| {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["profiles"][0]["ranking"][0]["framework"].as_str().unwrap().to_string()
    };
    let saved = dir.path().join("tabular.toml");
    let out = dlpick()
        .args(["ask", "--format", "json", "--answers"])
        .arg(root().join("profiles/tabular-analyst.toml"))
        .arg("--save")
        .arg(&saved)
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(winner(&out), "scikit_learn");
    let again = dlpick().args(["recommend", "--format", "json"]).arg(&saved).output().unwrap();
    assert_eq!(winner(&again), "scikit_learn");

    let profile = write(
        dir.path(),
        "p.toml",
        "name = \"x\"\nteam = \"lab\"\nchosen = \"keras\"\n[needs]\ndebuggability = 4\n[require]\nmin = { mobile_deployment = 4 }\n",
    );
    let saved = dir.path().join("saved.toml");
    dlpick().args(["ask", "--answers"]).arg(&profile).arg("--save").arg(&saved).write_stdin("").assert().success();
    let text = std::fs::read_to_string(&saved).unwrap();
    let value: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(value["team"].as_str(), Some("lab"), "{text}");
    assert_eq!(value["chosen"].as_str(), Some("keras"), "{text}");
    assert_eq!(value["require"]["min"]["mobile_deployment"].as_integer(), Some(4), "{text}");
    let a = dlpick().args(["recommend", "--format", "json"]).arg(&profile).output().unwrap();
    let b = dlpick().args(["recommend", "--format", "json"]).arg(&saved).output().unwrap();
    let ranking = |o: &std::process::Output| {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["profiles"][0]["ranking"].clone()
    };
    assert_eq!(ranking(&a), ranking(&b));
}

// 10. ask --save fails early, and never loses the answers.

#[test]
fn ask_save_into_a_missing_folder_fails_before_the_first_question() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("missing/p.toml");
    let out = dlpick().args(["ask", "--save"]).arg(&target).write_stdin("5\n4\n").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no questions answered, no advice given");
    let stderr = stderr_of(&out);
    assert!(stderr.contains("cannot save to") && stderr.contains("does not exist"), "{stderr}");
    assert!(!stderr.contains(".dlpick-") && !stderr.contains("os error"), "{stderr}");
    // An existing file, without --force: also before the questions.
    let existing = write(dir.path(), "e.toml", "");
    let out = dlpick().args(["ask", "--save"]).arg(&existing).write_stdin("5\n").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty() && stderr_of(&out).contains("already exists"));
}

#[cfg(unix)]
#[test]
fn a_save_that_fails_at_the_end_keeps_the_answers_in_a_recovery_file() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("gone");
    std::fs::create_dir(&folder).unwrap();
    let mut child = crate::common::command_in(&crate::common::root())
        .args(["ask", "--save"])
        .arg(folder.join("p.toml"))
        .env("TMPDIR", dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The target is checked at the start; the folder goes away mid-questionnaire.
    std::thread::sleep(Duration::from_millis(1500));
    std::fs::remove_dir(&folder).unwrap();
    child.stdin.take().unwrap().write_all(b"5\n4\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("Your answers were saved to"), "{stderr}");
    assert!(!stderr.contains(".dlpick-"), "no temporary file's path: {stderr}");
    let recovered: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("dlpick-answers-"))
        .collect();
    assert_eq!(recovered.len(), 1, "{stderr}");
    assert!(stderr.contains(&recovered[0].display().to_string()), "{stderr}");
    let text = std::fs::read_to_string(&recovered[0]).unwrap();
    assert!(text.contains("beginner_friendliness = 5\n") && text.contains("debuggability = 4\n"), "{text}");
}

#[test]
fn a_malformed_comparison_is_an_error_on_its_line() {
    for (script, expected) in [
        (
            "debuggability flexibility 3\ndebuggability flexibility x\n",
            "<stdin>:2: comparison: `x` is not on Saaty's scale",
        ),
        (
            "debuggability flexibility 3\nflexibility debuggability\n",
            "<stdin>:2: comparison: expected `<criterion> <criterion> <judgment>`",
        ),
    ] {
        dlpick()
            .args(["ask", "--pairwise"])
            .write_stdin(script)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn an_empty_dlpick_weights_counts_as_unset() {
    dlpick()
        .env("DLPICK_WEIGHTS", "")
        .arg("criteria")
        .assert()
        .success()
        .stdout(predicate::str::contains("debuggability"));
}

#[test]
fn a_share_below_one_never_prints_as_100_percent() {
    let out = dlpick()
        .current_dir(root())
        .args(["tune", "robustness", "profiles/decisions/ads-ranking.toml", "--spread", "0.5", "--samples", "20000"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    // JAX is third in all but a handful of the 20,000 samples.
    let jax = text.lines().find(|l| l.starts_with("JAX")).unwrap();
    assert!(jax.contains(">99.9%") && jax.contains("<0.1%") && !jax.contains("100.0%"), "{text}");
}

#[test]
fn tune_fit_bounds_one_record_too() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(2 * 1024 * 1024);
    let jsonl = write(dir.path(), "d.jsonl", &format!("{{\"name\":\"{long}\"}}\n"));
    dlpick()
        .args(["tune", "fit"])
        .arg(&jsonl)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("d.jsonl:1: the line is longer than the 1 MiB limit for one row."));
    let csv = write(dir.path(), "d.csv", &format!("name,debuggability,chosen\n{long},3,keras\n"));
    dlpick()
        .args(["tune", "fit"])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("d.csv:2: the record is longer than the 1 MiB limit for one row."));
}

#[test]
fn bidirectional_and_zero_width_characters_show_escaped_and_marks_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let zalgo = format!("Z{}", "\u{301}".repeat(60));
    let survey = write(
        dir.path(),
        "s.csv",
        &format!("name,team,debuggability\nabc\u{202e}gnp.exe,l\u{2066}ab\u{2069},4\nB\u{200b}en,{zalgo},3\n"),
    );
    for format in ["text", "csv", "jsonl", "markdown", "html"] {
        let out = dlpick().args(["batch", "--by-team", "--format", format]).arg(&survey).output().unwrap();
        assert!(out.status.success(), "{format}: {}", stderr_of(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        for hidden in ['\u{202e}', '\u{2066}', '\u{2069}', '\u{200b}'] {
            assert!(!text.contains(hidden), "{format}: a raw {hidden:?}");
        }
        assert!(!text.contains(&"\u{301}".repeat(8)), "{format}: stacked marks");
        if format != "jsonl" {
            assert!(text.contains("l\\u{2066}ab\\u{2069}"), "{format}: {text}");
        }
    }
    // Rows: the override shows where it is, in every format.
    for (format, shown) in
        [("text", "abc\\u{202e}gnp.exe"), ("csv", "abc\\u{202e}gnp.exe"), ("jsonl", "abc\\u202egnp.exe")]
    {
        let out = dlpick().args(["batch", "--format", format]).arg(&survey).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(shown) && !text.contains('\u{202e}'), "{format}: {text}");
        if format == "jsonl" {
            // JSON escapes read back as the name itself.
            let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
            assert_eq!(first["name"], "abc\u{202e}gnp.exe");
        }
    }
    // Terminal messages and a profile's name too.
    let profile = write(dir.path(), "p.toml", "name = \"x\u{202e}y\"\n[needs]\ndebuggability = 4\n");
    let out = dlpick().arg("recommend").arg(&profile).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("x\\u{202e}y") && !text.contains('\u{202e}'), "{text}");
    let bad = write(dir.path(), "bad.toml", "name = \"x\"\n[needs]\n\"de\u{202e}bug\" = 4\n");
    let out = dlpick().arg("check").arg(&bad).output().unwrap();
    assert!(stderr_of(&out).contains("de\\u{202e}bug") && !stderr_of(&out).contains('\u{202e}'), "{}", stderr_of(&out));
}

#[test]
fn quoted_numbers_are_short_in_every_error() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "n.csv", "name,debuggability\nana,1e308\n");
    let jsonl = write(dir.path(), "n.jsonl", "{\"name\":\"a\",\"needs\":{\"debuggability\":1e308}}\n");
    let toml = write(dir.path(), "p.toml", "name = \"x\"\n[needs]\ndebuggability = 1e308\n");
    let runs: [Vec<std::ffi::OsString>; 4] = [
        vec!["batch".into(), csv.into()],
        vec!["batch".into(), jsonl.into()],
        vec!["recommend".into(), toml.into()],
        vec!["recommend".into(), "--need".into(), "debuggability=1e308".into()],
    ];
    for args in runs {
        let out = dlpick().args(&args).output().unwrap();
        let err = stderr_of(&out);
        assert!(err.contains("need 1e308 is out of range"), "{args:?}: {err}");
        assert!(!err.contains("0000000000"), "{args:?}: {err}");
    }
    // A valid profile that nothing qualifies for is advice in tune too, as in
    // recommend: only the retired MXNet reaches Julia, so there is no winner.
    let julia = write(dir.path(), "julia.toml", "[needs]\nflexibility = 3\n[require]\nlanguages = [\"julia\"]\n");
    for command in ["sensitivity", "robustness"] {
        let out = dlpick().args(["tune", command]).arg(&julia).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr_of(&out));
        let text = String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("No maintained framework in this knowledge base can be used from Julia."), "{text}");
        assert!(text.contains("So there is no winner to analyse."), "{text}");
        let out = dlpick().args(["tune", command, "--format", "json"]).arg(&julia).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["winner"], serde_json::Value::Null);
        assert!(v["shortfall"].as_str().unwrap().starts_with("No maintained framework"));
    }
    // batch says the same for such a row, not a reason of its own.
    let rows = write(dir.path(), "j.csv", "name,flexibility,languages\nj,3,julia\n");
    let out = dlpick().arg("batch").arg(&rows).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("No maintained framework in this knowledge base can be used from Julia.")
    );
}

/// Input is cut at 80 characters in every message, whatever quotes it (or
/// none): a TOML key path, serde's `string "…"` in TOML and JSON Lines, a
/// `--need` flag, clap's `'…'`; and clap's messages escape hidden
/// characters too.
#[test]
fn input_quoted_in_any_message_is_cut_at_80_characters() {
    let dir = tempfile::tempdir().unwrap();
    let k = "k".repeat(300);
    let spaced = "ab ".repeat(100);
    let key = write(dir.path(), "key.toml", &format!("name = \"x\"\nneeds.{k} = 3\n"));
    let string = write(dir.path(), "string.toml", &format!("name = \"x\"\n[needs]\ndebuggability = \"{spaced}\"\n"));
    let layer = write(dir.path(), "layer.toml", &format!("[frameworks.keras]\n{k} = 1\n"));
    let jsonl = write(dir.path(), "s.jsonl", &format!("{{\"name\":\"a\",\"needs\":{{\"debuggability\":\"{k}\"}}}}\n"));
    let nines = "9".repeat(400);
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["check".into(), key.into()],
        vec!["check".into(), string.into()],
        vec!["batch".into(), jsonl.into()],
        vec!["recommend".into(), "--layer".into(), layer.into(), "--need".into(), "debuggability=3".into()],
        vec!["recommend".into(), "--need".into(), format!("{k}=3").into()],
        vec!["recommend".into(), "--need".into(), format!("debuggability={nines}").into()],
        vec!["recommend".into(), "--method".into(), k.clone().into()],
        vec!["recommend".into(), "--method".into(), spaced.clone().into()],
    ];
    for args in runs {
        let out = dlpick().args(&args).output().unwrap();
        let err = stderr_of(&out);
        assert!(!out.status.success(), "{args:?}");
        for long in ["k".repeat(81), "9".repeat(81), spaced[..83].to_string()] {
            assert!(!err.contains(&long), "{args:?}: {err}");
        }
        assert!(err.contains('…'), "{args:?}: {err}");
    }
    let out = dlpick().args(["recommend", "--method", "\u{202e}x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("'\\u{202e}x'") && !err.contains('\u{202e}'), "{err}");
}
