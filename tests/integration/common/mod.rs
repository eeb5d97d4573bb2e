//! Shared helpers for the integration tests: the one way a test starts a
//! process ([`hermetic`], through [`command_in`], [`dlpick`] or [`Test`]),
//! the repo's files, and JSON output parsed.

pub mod http;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;
use serde_json::Value;

/// The binary cargo built for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_dlpick");

/// Make `cmd` hermetic: nothing dlpick reads from the environment is
/// inherited from the developer's shell (every `DLPICK_*` variable,
/// `NO_COLOR`, `COLUMNS`, `SOURCE_DATE_EPOCH`), and it runs in `dir`. Every
/// process a test starts, dlpick or a shell that runs it, goes through here;
/// a test sets what it needs on top.
pub fn hermetic<'a>(cmd: &'a mut std::process::Command, dir: &Path) -> &'a mut std::process::Command {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DLPICK_") {
            cmd.env_remove(key);
        }
    }
    cmd.env_remove("NO_COLOR").env_remove("COLUMNS").env_remove("SOURCE_DATE_EPOCH").current_dir(dir)
}

/// `dlpick`, hermetic, run in `dir`.
pub fn command_in(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(BIN);
    hermetic(&mut cmd, dir);
    cmd
}

/// `dlpick`, hermetic, run in the repository root (so the shipped files can
/// be named as `profiles/beginner.toml`), for `assert_cmd`'s assertions.
pub fn command() -> Command {
    Command::from_std(command_in(&root()))
}

/// [`command`] at a fixed width of 88 columns.
pub fn dlpick() -> Command {
    let mut cmd = command();
    cmd.env("COLUMNS", "88");
    cmd
}

/// Standard output of `cmd`, which must succeed: a comparison of outputs
/// made through here cannot pass on two empty failures.
#[track_caller]
pub fn stdout_ok(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A run of dlpick in its own temporary folder, built step by step and
/// checked at the end, in the manner of `just`'s test builder:
///
/// ```ignore
/// let run = Test::new().write("survey.csv", "name,debuggability\nAna,5\n").args(["batch", "survey.csv"]).success();
/// ```
#[must_use]
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<OsString>,
    env: Vec<(String, String)>,
    stdin: Vec<u8>,
}

/// What a [`Test`] run did; the folder lives as long as this does.
pub struct Run {
    dir: tempfile::TempDir,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// `name` in the run's temporary folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Test {
    /// A run in a new, empty temporary folder.
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap(), args: Vec::new(), env: Vec::new(), stdin: Vec::new() }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: Into<OsString>>(mut self, args: impl IntoIterator<Item = I>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    /// Write `contents` to `name` in the temporary folder.
    pub fn write(self, name: &str, contents: impl AsRef<[u8]>) -> Self {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// `name` in the temporary folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run and return what happened, whatever the exit status.
    pub fn run(self) -> Run {
        use std::io::Write as _;
        let mut cmd = command_in(self.dir.path());
        cmd.args(&self.args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = self.stdin;
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().unwrap();
        // dlpick may exit without reading all of its input.
        let _ = writer.join().unwrap();
        Run {
            dir: self.dir,
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    /// Run; the exit status must be `code`.
    #[track_caller]
    pub fn status(self, code: i32) -> Run {
        let args = self.args.clone();
        let run = self.run();
        assert_eq!(run.code, Some(code), "dlpick {args:?}\nstdout: {}\nstderr: {}", run.stdout, run.stderr);
        run
    }

    /// Run; it must succeed.
    #[track_caller]
    pub fn success(self) -> Run {
        self.status(0)
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// Every `*.toml` in a folder of the repository, sorted.
pub fn tomls(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Run with `args` (must succeed) and parse standard output as JSON.
pub fn json_of(args: &[&str]) -> Value {
    let out = dlpick().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Run with `args` (must succeed) and return standard output.
pub fn stdout_of(args: &[&str]) -> String {
    let out = dlpick().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A path as a `&str` argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Text with every run of whitespace as one space, so a check does not
/// depend on where lines wrap.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
