//! `dlpick ask`: scripted answers end to end, and a real terminal session
//! driven through a pseudo-terminal.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

fn dlpick() -> Command {
    crate::common::command()
}

/// Answers for the twelve criteria in order, then languages, targets,
/// hardware, the policy for unmaintained frameworks (`yes`, the older
/// answer, means exclude), exclude.
const SCRIPT: &str = "5\n4\n\n\n5\n\n\n\n\n\n\n\npython\n\n\nyes\n\n";

#[test]
fn print_questions_lists_every_question_in_order() {
    let out = dlpick().args(["ask", "--print-questions"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("1. [beginner_friendliness] How much does an easy start for newcomers matter?"), "{text}");
    assert!(text.contains("12. [ecosystem]") && text.contains("13. [languages]"), "{text}");
    assert!(text.contains("14. [targets]") && text.contains("15. [hardware]"), "{text}");
    assert!(text.contains("16. [inactive]") && text.contains("17. [exclude]"), "{text}");
}

#[test]
fn scripted_answers_give_a_profile_and_a_recommendation() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("mine.toml");
    dlpick()
        .args(["ask", "--save"])
        .arg(&saved)
        .write_stdin(SCRIPT)
        .assert()
        .success()
        .stdout(predicate::str::contains("fits best (match"));
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(
        text.contains("# How much does easy debugging of models and training code matter?\ndebuggability = 4\n"),
        "{text}"
    );
    assert!(
        text.contains("name = \"mine\"")
            && text.contains("languages = [\"python\"]")
            && text.contains("inactive = \"exclude\"")
    );
    dlpick().arg("check").arg(&saved).assert().success();

    // The saved profile gives the same recommendation as the session did.
    let asked = crate::common::stdout_ok(dlpick().args(["ask", "--format", "json"]).write_stdin(SCRIPT));
    let recommended = crate::common::stdout_ok(dlpick().arg("recommend").arg(&saved).args(["--format", "json"]));
    let ranking =
        |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).unwrap()["profiles"][0]["ranking"].clone();
    assert_eq!(ranking(&asked), ranking(&recommended));
}

#[test]
fn a_wrong_scripted_answer_names_the_question_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("p.toml");
    dlpick()
        .args(["ask", "--save"])
        .arg(&saved)
        .write_stdin("5\n2\n9\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<stdin>:3").and(predicate::str::contains("question 3 (flexibility)")));
    assert!(!saved.exists());
    dlpick().args(["ask"]).write_stdin("\n\n\n").assert().code(2).stderr(predicate::str::contains("states no needs"));
}

#[test]
fn save_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("p.toml");
    std::fs::write(&saved, "keep").unwrap();
    dlpick().args(["ask", "--save"]).arg(&saved).write_stdin(SCRIPT).assert().code(2);
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), "keep");
    dlpick().args(["ask", "--force", "--save"]).arg(&saved).write_stdin(SCRIPT).assert().success();
    assert!(std::fs::read_to_string(&saved).unwrap().contains("[needs]"));
}

#[test]
fn answers_prefill_so_only_missing_questions_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let partial = dir.path().join("partial.toml");
    std::fs::write(&partial, "name = \"lab\"\n[needs]\nbeginner_friendliness = 1\ndebuggability = 5\nflexibility = 5\ndynamic_graphs = 4\nrapid_prototyping = 3\ndistributed_training = 0\ngpu_support = 3\nmobile_deployment = 0\nmulti_language = 0\nvisualization = 0\n[require]\nactive_only = true\n").unwrap();
    let saved = dir.path().join("full.toml");
    // Missing: api_stability, ecosystem, languages, targets, hardware, exclude.
    dlpick()
        .args(["ask", "--answers"])
        .arg(&partial)
        .arg("--save")
        .arg(&saved)
        .write_stdin("2\n3\n\nbrowser\n\ntheano\n")
        .assert()
        .success();
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(
        text.contains("name = \"lab\"")
            && text.contains("api_stability = 2")
            && text.contains("ecosystem = 3")
            && text.contains("targets = [\"browser\"]")
            && text.contains("exclude = [\"theano\"]"),
        "{text}"
    );
    assert!(text.contains("debuggability = 5") && text.contains("inactive = \"exclude\""));
}

#[test]
fn pairwise_scripts_become_needs_keeping_their_ratios() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("ahp.toml");
    let script =
        "debuggability mobile_deployment 3\ndebuggability flexibility 1\nflexibility mobile_deployment 3\n\n\n\n\n\n";
    dlpick().args(["ask", "--pairwise", "--save"]).arg(&saved).write_stdin(script).assert().success();
    let text = std::fs::read_to_string(&saved).unwrap();
    // Consistent judgments: priorities 3:3:1, so needs 5, 5, 5/3.
    assert!(
        text.contains("debuggability = 5\n")
            && text.contains("flexibility = 5\n")
            && text.contains("mobile_deployment = 1.667\n"),
        "{text}"
    );
    assert!(text.contains("consistency ratio 0.000"));
    // An inconsistent set is flagged, naming the judgment that disagrees most.
    dlpick()
        .args(["ask", "--pairwise"])
        .write_stdin(
            "debuggability flexibility 9\nflexibility mobile_deployment 9\nmobile_deployment debuggability 9\n",
        )
        .assert()
        .success()
        .stderr(predicate::str::contains("contradict"));
}

// ---- a real terminal -------------------------------------------------------

fn session(dir: &Path, args: &[&str]) -> PtySession {
    let mut command = crate::common::command_in(dir);
    command.arg("ask").args(args).env("TERM", "xterm");
    spawn_command(command, Some(20_000)).unwrap()
}

fn type_line(s: &mut PtySession, text: &str) {
    s.send(text).unwrap();
    s.send("\r").unwrap();
    s.flush().unwrap();
}

#[test]
fn a_terminal_session_re_asks_walks_every_question_and_saves_what_a_pipe_would() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), &["--all-questions", "--name", "typed"]);
    s.exp_string("(1/12) How much does an easy start for newcomers matter?").unwrap();
    type_line(&mut s, "7");
    s.exp_string("is out of range").unwrap();
    // Clear the 7 and answer again.
    s.send("\x7f").unwrap();
    type_line(&mut s, "5");
    s.exp_string("(2/12)").unwrap();
    type_line(&mut s, "4");
    for q in 3..=12 {
        s.exp_string(&format!("({q}/12)")).unwrap();
        type_line(&mut s, if q == 5 { "5" } else { "" });
    }
    s.exp_string("Which programming languages").unwrap();
    s.send("python").unwrap();
    s.send(" ").unwrap();
    type_line(&mut s, "");
    s.exp_string("Where must your trained models run").unwrap();
    type_line(&mut s, "");
    s.exp_string("Which hardware must it run on").unwrap();
    type_line(&mut s, "");
    s.exp_string("no longer maintained").unwrap();
    // The third choice, exclude: what the piped `yes` means.
    s.send("\x1b[B").unwrap();
    s.send("\x1b[B").unwrap();
    type_line(&mut s, "");
    s.exp_string("never be recommended").unwrap();
    type_line(&mut s, "");
    s.exp_string("fits best (match").unwrap();
    s.exp_string("Save your answers as a profile?").unwrap();
    type_line(&mut s, "y");
    s.exp_string("File name").unwrap();
    type_line(&mut s, "");
    s.exp_string("saved typed.toml").unwrap();
    s.exp_eof().unwrap();
    assert!(matches!(s.process().wait().unwrap(), WaitStatus::Exited(_, 0)));

    let typed = std::fs::read(dir.path().join("typed.toml")).unwrap();
    let piped = dir.path().join("piped.toml");
    dlpick().args(["ask", "--name", "typed", "--save"]).arg(&piped).write_stdin(SCRIPT).assert().success();
    assert_eq!(typed, std::fs::read(&piped).unwrap(), "typed and piped answers save the same bytes");
    dlpick().arg("recommend").arg(dir.path().join("typed.toml")).assert().success();
}

#[test]
fn escape_leaves_with_nothing_written_and_exit_130() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), &["--all-questions", "--save", "never.toml"]);
    s.exp_string("(1/12)").unwrap();
    type_line(&mut s, "3");
    s.exp_string("(2/12)").unwrap();
    s.send("\x1b").unwrap();
    s.flush().unwrap();
    s.exp_string("nothing was written").unwrap();
    s.exp_eof().unwrap();
    assert!(matches!(s.process().wait().unwrap(), WaitStatus::Exited(_, 130)));
    assert!(!dir.path().join("never.toml").exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_terminal_pairwise_session_flags_contradictions_and_offers_a_revision() {
    const DOWN: &str = "\x1b[B";
    const UP: &str = "\x1b[A";
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), &["--pairwise", "--save", "ahp.toml"]);
    s.exp_string("Which criteria matter to you?").unwrap();
    // beginner-friendliness, debuggability, flexibility.
    s.send(" ").unwrap();
    s.send(DOWN).unwrap();
    s.send(" ").unwrap();
    s.send(DOWN).unwrap();
    s.send(" ").unwrap();
    type_line(&mut s, "");
    // A cycle: beginner > debugging, debugging > flexibility, flexibility > beginner,
    // each "extremely" (the first option for the left-hand criterion, the last for the right).
    s.exp_string("beginner-friendliness vs debuggability").unwrap();
    s.send(&UP.repeat(8)).unwrap();
    type_line(&mut s, "");
    s.exp_string("beginner-friendliness vs flexibility").unwrap();
    s.send(&DOWN.repeat(8)).unwrap();
    type_line(&mut s, "");
    s.exp_string("debuggability vs flexibility").unwrap();
    s.send(&UP.repeat(8)).unwrap();
    type_line(&mut s, "");
    s.exp_string("contradict each other").unwrap();
    s.exp_string("Revise").unwrap();
    type_line(&mut s, "y");
    // Make the revised judgment "equal": consistent enough or asked again; decline further revisions.
    s.exp_string("which matters more").unwrap();
    type_line(&mut s, "");
    loop {
        match s.exp_regex("Revise|Which programming languages") {
            Ok((_, m)) if m == "Revise" => type_line(&mut s, "n"),
            Ok(_) => break,
            Err(e) => panic!("{e}"),
        }
    }
    type_line(&mut s, "");
    s.exp_string("Where must your trained models run").unwrap();
    type_line(&mut s, "");
    s.exp_string("Which hardware must it run on").unwrap();
    type_line(&mut s, "");
    s.exp_string("no longer maintained").unwrap();
    type_line(&mut s, "");
    s.exp_string("never be recommended").unwrap();
    type_line(&mut s, "");
    s.exp_string("saved ahp.toml").unwrap();
    s.exp_eof().unwrap();
    let text = std::fs::read_to_string(dir.path().join("ahp.toml")).unwrap();
    assert!(text.contains("consistency ratio"), "{text}");
    dlpick().arg("check").arg(dir.path().join("ahp.toml")).assert().success();
}
