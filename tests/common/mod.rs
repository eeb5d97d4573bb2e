//! Shared helpers for the integration tests: the real binary, the repo's
//! files, and JSON output parsed.
#![allow(dead_code)] // each test binary uses its own subset

pub mod http;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The `dlpick` binary with no knowledge-base or colour settings inherited.
pub fn dlpick() -> Command {
    let mut cmd = Command::cargo_bin("dlpick").unwrap();
    cmd.env_remove("DLPICK_WEIGHTS").env_remove("DLPICK_LAYERS").env_remove("NO_COLOR").env("COLUMNS", "88");
    cmd.current_dir(root());
    cmd
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
