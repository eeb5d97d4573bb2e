//! Where output goes: standard output or a file written atomically, with
//! colour and progress bars only when a person is watching a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::ColorChoice;
use crate::error::{Error, Result};

/// Whether to colour text bound for standard output.
pub fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            !to_file && !no_color && !dumb && std::io::stdout().is_terminal()
        }
    }
}

/// Write `text` to `out`, or to standard output when `out` is `None`.
pub fn emit(text: &str, out: Option<&Path>, force: bool) -> Result<()> {
    if let Some(path) = out {
        return write_atomic(path, text.as_bytes(), force);
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::io("write to", Path::new("standard output"), e))
}

/// A file that replaces its target all at once: everything is written to a
/// temporary file in the same folder, which [`commit`](Self::commit) flushes
/// to disk and renames over the target. A reader sees the old file or the new
/// one, never half of one; dropped without `commit`, it leaves no trace.
pub struct AtomicFile {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
    overwrite: bool,
}

impl AtomicFile {
    /// Refuses a target that exists unless `overwrite`. A target that is a
    /// symbolic link is written through: the file it points to is replaced
    /// and the link stays a link.
    pub fn create(target: &Path, overwrite: bool) -> Result<Self> {
        let resolved = through_links(target);
        let target = resolved.as_path();
        if !overwrite && target.exists() {
            return Err(Error::Usage(format!("{} already exists; pass --force to replace it.", target.display())));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".dlpick-").suffix(".tmp");
        // A new file gets the usual 0666-less-umask, not a temporary file's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir).map_err(|e| Error::io("create a temporary file in", dir, e))?;
        Ok(Self { temp, target: target.to_path_buf(), overwrite })
    }

    /// Sync the data and rename it over the target.
    pub fn commit(self) -> Result<()> {
        let Self { temp, target, overwrite } = self;
        temp.as_file().sync_all().map_err(|e| Error::io("write", temp.path(), e))?;
        // Keep the permissions an existing file had.
        if let Ok(meta) = std::fs::metadata(&target) {
            let _ = std::fs::set_permissions(temp.path(), meta.permissions());
        }
        let persisted = if overwrite { temp.persist(&target) } else { temp.persist_noclobber(&target) };
        persisted.map_err(|e| Error::io("write", &target, e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.temp.as_file_mut().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.temp.as_file_mut().flush()
    }
}

/// The file a path finally names: a symbolic link's target (followed to the
/// end), else the path itself.
pub fn through_links(path: &Path) -> PathBuf {
    if path.is_symlink() {
        if let Ok(real) = std::fs::canonicalize(path) {
            return real;
        }
    }
    path.to_path_buf()
}

/// Replace `path` with `bytes` all at once (see [`AtomicFile`]). Refuses to
/// replace an existing file unless `overwrite`.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    let mut file = AtomicFile::create(path, overwrite)?;
    file.write_all(bytes).map_err(|e| Error::io("write", path, e))?;
    file.commit()
}

/// A progress bar on standard error drawn with `template` (indicatif's
/// syntax), or a hidden one when nobody is watching (not a terminal) or
/// `--quiet` asked for silence.
pub fn progress(len: Option<u64>, quiet: bool, template: &str) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr_with_hz(10)).with_style(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_refuses_to_clobber_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"one", false).unwrap();
        assert!(matches!(write_atomic(&path, b"two", false), Err(Error::Usage(_))));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_permissions_of_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ordinary = dir.path().join("ordinary");
        std::fs::File::create(&ordinary).unwrap();
        let written = dir.path().join("written");
        write_atomic(&written, b"x", false).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&written), mode(&ordinary));
    }

    #[test]
    fn a_failed_rename_leaves_the_target_and_no_temporary_file() {
        // Renaming a file over a non-empty folder fails after the temporary
        // file is written: the folder and its contents must survive.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("inside"), "old").unwrap();
        assert!(write_atomic(&target, b"new", true).is_err());
        assert_eq!(std::fs::read_to_string(target.join("inside")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_folder_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/out.txt");
        assert!(matches!(write_atomic(&path, b"x", false), Err(Error::Io { .. })));
        assert!(!path.exists());
    }
}
