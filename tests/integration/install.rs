//! What installing dlpick brings besides the binary: the version line that
//! identifies a build, shell completions and the manual page. Each is checked
//! through the real binary and, where the shell or `man` is on the machine,
//! by loading or rendering it for real.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};

use clap::CommandFactory;
use sha2::{Digest, Sha256};

use crate::common;

use common::{BIN, dlpick, hermetic};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn stdout_of(args: &[&str]) -> String {
    let out = dlpick().args(args).output().unwrap();
    assert!(out.status.success(), "dlpick {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "dlpick {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `program`, hermetic, in the repository root.
fn tool(program: &str) -> StdCommand {
    let mut cmd = StdCommand::new(program);
    hermetic(&mut cmd, root());
    cmd
}

/// The head commit of the clone the tests run from, when they do.
fn git_head() -> Option<String> {
    let out = StdCommand::new("git").arg("-C").arg(root()).args(["rev-parse", "--short=12", "HEAD"]).output().ok()?;
    out.status.success().then(|| String::from_utf8(out.stdout).unwrap().trim().to_string())
}

// ---- version ----

#[test]
fn long_version_names_the_commit_and_the_knowledge_base() {
    let weights = std::fs::read(root().join("weights.toml")).unwrap();
    let kb = Sha256::digest(&weights).iter().fold(String::new(), |mut s, b| {
        write!(s, "{b:02x}").unwrap();
        s
    });
    let line = stdout_of(&["--version"]);
    let version = env!("CARGO_PKG_VERSION");
    let expected_end = format!("knowledge base {})\n", &kb[..12]);
    assert!(line.starts_with(&format!("dlpick {version} (")), "{line}");
    assert!(line.ends_with(&expected_end), "{line}");
    match git_head() {
        Some(head) => {
            let commit = format!("(commit {head}");
            assert!(line.contains(&format!("{commit}, ")) || line.contains(&format!("{commit}-dirty, ")), "{line}");
        }
        None => assert!(!line.contains("commit"), "{line}"),
    }
}

#[test]
fn short_version_stays_short() {
    assert_eq!(stdout_of(&["-V"]), format!("dlpick {}\n", env!("CARGO_PKG_VERSION")));
}

// ---- completions ----

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        for sub in ["recommend", "frameworks", "completions", "man", "sensitivity"] {
            assert!(script.contains(sub), "{shell} script lacks {sub}");
        }
    }
    dlpick().args(["completions", "tcsh"]).assert().code(2);
}

/// Source the bash script, call its completion function as bash would for
/// `words` (the last one being completed) and return the candidates and
/// every `compopt` the function asked for.
fn bash_complete(script: &str, words: &[&str]) -> (Vec<String>, Vec<String>) {
    let cword = words.len() - 1;
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    // `compopt` only works while bash itself runs a completion; record it instead.
    let program = format!(
        "compopt() {{ echo \"compopt $*\" >&2; }}\n{script}\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\n\
         _dlpick dlpick '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" "),
        cur = words[cword],
    );
    let out = run_with_stdin(tool("bash").args(["--norc", "--noprofile", "-s"]), &program);
    assert!(out.status.success(), "bash: {}", String::from_utf8_lossy(&out.stderr));
    let lines = |b: &[u8]| String::from_utf8_lossy(b).lines().map(str::to_string).collect::<Vec<_>>();
    (lines(&out.stdout), lines(&out.stderr))
}

fn run_with_stdin(cmd: &mut StdCommand, input: &str) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn bash_loads_the_script_and_registers_it() {
    let out = tool("bash")
        .args(["--norc", "--noprofile", "-c", &format!("source <('{BIN}' completions bash) && complete -p dlpick")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("-F _dlpick dlpick"));
}

#[test]
fn bash_completes_subcommands_criterion_and_framework_ids() {
    let script = stdout_of(&["completions", "bash"]);
    assert_eq!(bash_complete(&script, &["dlpick", "rec"]).0, ["recommend"]);
    assert_eq!(bash_complete(&script, &["dlpick", "tune", "rob"]).0, ["robustness"]);
    assert_eq!(bash_complete(&script, &["dlpick", "completions", "z"]).0, ["zsh"]);
    // `debug` becomes `debuggability=` with no space after it: the digit comes next.
    let (need, compopts) = bash_complete(&script, &["dlpick", "recommend", "--need", "debug"]);
    assert_eq!(need, ["debuggability="]);
    assert_eq!(compopts, ["compopt -o nospace"]);
    let all = bash_complete(&script, &["dlpick", "recommend", "profiles/beginner.toml", "--need", ""]).0;
    assert_eq!(all.len(), 12, "one per criterion: {all:?}");
    assert_eq!(bash_complete(&script, &["dlpick", "frameworks", "py"]).0, ["pytorch"]);
    assert_eq!(bash_complete(&script, &["dlpick", "frameworks", "keras", "t"]).0, ["tensorflow", "theano"]);
}

#[test]
fn completion_ids_come_from_the_knowledge_base_in_use() {
    let weights = root().join("tests/fixtures/tiny-weights.toml");
    let script = stdout_of(&["--weights", weights.to_str().unwrap(), "completions", "bash"]);
    let need = bash_complete(&script, &["dlpick", "recommend", "--need", ""]).0;
    assert_eq!(need, ["alpha=", "beta="]);
    let words = bash_complete(&script, &["dlpick", "frameworks", ""]).0;
    let ids: Vec<&String> = words.iter().filter(|w| !w.starts_with('-')).collect();
    assert_eq!(ids, ["xeno", "yak", "zed"]);
    // A broken knowledge base is reported like everywhere else.
    let bad = root().join("tests/fixtures/tiny-profile.toml");
    dlpick().args(["--weights", bad.to_str().unwrap(), "completions", "bash"]).assert().code(2);
}

/// zsh's candidates for `line`, through a real interactive zsh on a
/// pseudo-terminal.
fn zsh_complete(script: &Path, line: &str) -> Vec<String> {
    let harness = root().join("tests/support/zsh-complete.zsh");
    let out = tool("zsh").arg("-f").arg(harness).arg(script).arg(line).output().expect("zsh is installed");
    assert!(out.status.success(), "zsh: {}", String::from_utf8_lossy(&out.stderr));
    let mut seen: Vec<String> = Vec::new();
    for candidate in String::from_utf8(out.stdout).unwrap().lines() {
        if !seen.iter().any(|s| s == candidate) {
            seen.push(candidate.to_string());
        }
    }
    seen
}

fn zsh_script() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("_dlpick");
    std::fs::write(&path, stdout_of(&["completions", "zsh"])).unwrap();
    (dir, path)
}

#[test]
#[ignore = "needs zsh, which the project's machines do not install: run `cargo test -- --ignored zsh` where it is"]
fn zsh_loads_the_script_without_error() {
    let out = tool("zsh")
        .args(["-f", "-c", &format!("autoload -Uz compinit && compinit -u -D && source <('{BIN}' completions zsh)")])
        .output()
        .expect("zsh is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
#[ignore = "needs zsh, which the project's machines do not install: run `cargo test -- --ignored zsh` where it is"]
fn zsh_completes_subcommands_criterion_and_framework_ids() {
    let (_dir, script) = zsh_script();
    let rec = zsh_complete(&script, "dlpick rec");
    assert_eq!(rec, ["recommend"]);
    let need = zsh_complete(&script, "dlpick recommend --need debug");
    let levels: Vec<String> = (0..=5).map(|n| format!("debuggability={n}")).collect();
    assert_eq!(need, levels);
    assert_eq!(zsh_complete(&script, "dlpick frameworks py"), ["pytorch"]);
}

// ---- manual page ----

#[test]
fn the_man_page_covers_every_command_exit_status_and_variable() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH DLPICK 1 "), "a section-1 page");
    for sub in dlpick::cli::Cli::command().get_subcommands() {
        assert!(page.contains(&format!(".SS \"dlpick {}\"", sub.get_name())), "{}", sub.get_name());
        for child in sub.get_subcommands() {
            assert!(page.contains(&format!(".SS \"dlpick {} {}\"", sub.get_name(), child.get_name())));
        }
    }
    for section in [".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH SYNOPSIS", ".SH OPTIONS"] {
        assert!(page.contains(section), "{section}");
    }
    for code in ["0", "1", "2", "130"] {
        assert!(page.contains(&format!(".TP\n\\fB{code}\\fR\n")), "exit status {code}");
    }
    for var in ["DLPICK_WEIGHTS", "NO_COLOR", "COLUMNS"] {
        assert!(page.contains(&format!(".TP\n\\fB{var}\\fR\n")), "{var}");
    }
}

#[test]
fn the_man_page_renders_with_man() {
    let page = stdout_of(&["man"]);
    let out = run_with_stdin(
        tool("man").args(["-l", "-"]).env("MANPAGER", "cat").env("MANWIDTH", "80").env("LC_ALL", "C.UTF-8"),
        &page,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "warnings: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for heading in ["NAME", "SYNOPSIS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT"] {
        assert!(text.lines().any(|l| l == heading), "{heading} in:\n{text}");
    }
    assert!(text.contains("dlpick tune sensitivity"));
    assert!(text.contains("DLPICK_WEIGHTS"));
}
