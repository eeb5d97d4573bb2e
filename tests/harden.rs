//! Issue 10, "Nothing lost, nothing injected": the findings of a fuzzing and
//! fault campaign, each pinned by a test of the real binary.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

fn dlpick() -> Command {
    let mut cmd = Command::cargo_bin("dlpick").unwrap();
    cmd.env_remove("DLPICK_WEIGHTS").env_remove("NO_COLOR").timeout(Duration::from_secs(60));
    cmd
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

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
