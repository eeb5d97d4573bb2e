//! Build identity for `dlpick --version` and the JSON reports (see
//! `src/build_info.rs`): the SHA-256 of the knowledge base compiled into the
//! binary, and the git commit the build comes from.
//!
//! Nothing here may fail the build: outside a git clone, or without git, the
//! commit is simply left out.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The files whose state a `-dirty` commit refers to: what the binary is
/// built from. An edited README does not make a different binary.
const BUILD_INPUTS: &[&str] = &["src", "build.rs", "Cargo.toml", "Cargo.lock", "weights.toml"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));

    // The same file `catalog.rs` compiles in with `include_str!`.
    let weights = root.join("weights.toml");
    println!("cargo::rerun-if-changed={}", weights.display());
    let bytes = std::fs::read(&weights).expect("weights.toml is part of the crate");
    println!("cargo::rustc-env=DLPICK_KB_SHA256={}", hex::encode(Sha256::digest(&bytes)));

    let commit = git_commit(&root).unwrap_or_default();
    println!("cargo::rustc-env=DLPICK_GIT_COMMIT={commit}");
}

/// `1a2b3c4d5e6f`, or `1a2b3c4d5e6f-dirty` when a build input differs from
/// that commit; `None` when the crate is not the top of a git work tree (a
/// crate package, an unpacked source archive, a copy inside another
/// project's repository) or git is missing.
fn git_commit(root: &Path) -> Option<String> {
    let top = git(root, &["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(top).ok()? != std::fs::canonicalize(root).ok()? {
        return None;
    }
    watch_head(root);
    for input in BUILD_INPUTS {
        let path = root.join(input);
        if path.exists() {
            println!("cargo::rerun-if-changed={}", path.display());
        }
    }
    let commit = git(root, &["rev-parse", "--short=12", "HEAD"])?;
    // `--no-optional-locks`: a build must not rewrite the index under a
    // person's running git command.
    let mut args = vec!["--no-optional-locks", "status", "--porcelain", "--"];
    args.extend(BUILD_INPUTS);
    let dirty = !git(root, &args)?.is_empty();
    Some(if dirty { format!("{commit}-dirty") } else { commit })
}

/// Re-run when HEAD moves: a commit, a checkout, a reset. In a linked work
/// tree HEAD and the branch's ref live in different folders; `--git-path`
/// finds each.
fn watch_head(root: &Path) {
    let mut paths = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(root, &["symbolic-ref", "-q", "HEAD"]) {
        paths.push(branch);
    }
    for name in paths {
        if let Some(path) = git(root, &["rev-parse", "--git-path", &name]) {
            let path = root.join(path);
            // A missing path would make cargo re-run this script on every build.
            if path.exists() {
                println!("cargo::rerun-if-changed={}", path.display());
            }
        }
    }
}

/// The trimmed standard output of a successful git command.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}
