//! The one folder walk of the program: every `*.toml` file under a folder,
//! for `check`, `batch` and `tune fit`.
//!
//! A folder given on the command line is a promise about *what* is read: the
//! files inside it. Symbolic links break that promise in two ways — `ln -s .
//! x` makes a folder contain itself (one profile would be scored over and
//! over, or the walk would never end), and a link to `/home` or `..` leads
//! out of the folder. So by default no link is followed: each one is skipped
//! and counted, and the caller prints one note naming how many were skipped.
//! With `--follow-links` they are followed, with loops detected (a link back
//! to one of its own ancestors is skipped) and each real file read once,
//! however many paths lead to it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// What a walk found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Walk {
    /// The `*.toml` files, each real file once, in sorted path order.
    pub files: Vec<PathBuf>,
    /// Symbolic links not followed (all of them without `follow_links`).
    pub skipped_links: usize,
    /// Links not followed because they lead back to a folder being walked.
    pub loops: usize,
}

impl Walk {
    /// The note for standard error when links were skipped, if any were.
    pub fn note(&self, root: &Path) -> Option<String> {
        let root = crate::sanitize::text(&root.display().to_string()).into_owned();
        if self.skipped_links > 0 {
            let s = if self.skipped_links == 1 { "" } else { "s" };
            return Some(format!(
                "dlpick: note: skipped {} symbolic link{s} in {root} (pass --follow-links to follow them)",
                self.skipped_links
            ));
        }
        if self.loops > 0 {
            let s = if self.loops == 1 { "" } else { "s" };
            return Some(format!(
                "dlpick: note: skipped {} symbolic link{s} in {root} that loop back to a folder above them",
                self.loops
            ));
        }
        None
    }
}

/// Every `*.toml` file under `dir`, recursively, in sorted path order.
///
/// `dir` itself may be a link (the user named it); links inside it are
/// followed only with `follow_links`.
pub fn toml_files(dir: &Path, follow_links: bool) -> Result<Walk> {
    let mut walk = Walk::default();
    let mut seen = HashSet::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(follow_links).follow_root_links(true).sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) if e.loop_ancestor().is_some() => {
                walk.loops += 1;
                continue;
            }
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("cannot walk the folder"));
                // A link that leads nowhere is not a profile: skip it like any link.
                if follow_links && io.kind() == std::io::ErrorKind::NotFound && path.is_symlink() {
                    walk.skipped_links += 1;
                    continue;
                }
                return Err(Error::io("read folder", &path, io));
            }
        };
        if entry.path_is_symlink() && !follow_links && entry.depth() > 0 {
            walk.skipped_links += 1;
            continue;
        }
        let file_type = entry.file_type();
        if file_type.is_dir() || entry.path().extension().is_none_or(|x| x != "toml") {
            continue;
        }
        if !follow_links || identity(entry.path()).is_none_or(|id| seen.insert(id)) {
            walk.files.push(entry.into_path());
        }
    }
    walk.files.sort();
    Ok(walk)
}

/// What makes a file the same file whatever the path to it.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_are_skipped_and_counted_unless_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), "").unwrap();
        symlink(".", dir.path().join("x")).unwrap();
        symlink(".", dir.path().join("y")).unwrap();
        let w = toml_files(dir.path(), false).unwrap();
        assert_eq!((w.files.len(), w.skipped_links), (1, 2));
        let w = toml_files(dir.path(), true).unwrap();
        assert_eq!(w.files.len(), 1, "each real file once: {w:?}");
        assert_eq!(w.loops, 2);
    }
}
