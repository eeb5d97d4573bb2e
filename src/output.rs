//! Where output goes: standard output or a file written atomically, with
//! colour and progress bars only when a person is watching a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::ColorChoice;
use crate::error::{Error, Result};

/// Whether to colour text bound for standard output.
pub(crate) fn use_color(choice: ColorChoice, to_file: bool) -> bool {
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

/// The columns text output may fill: the terminal's width when standard
/// output is one (and no file was asked for), else `COLUMNS` when it holds a
/// number, else [`crate::report::DEFAULT_WIDTH`]. Never below 40, where no
/// table could be read anyway.
pub(crate) fn text_width(to_file: bool) -> usize {
    let terminal = (!to_file && std::io::stdout().is_terminal())
        .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .flatten();
    let columns = || std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&c| c > 0);
    terminal.or_else(columns).unwrap_or(crate::report::DEFAULT_WIDTH).max(40)
}

/// Print a message (an error, a rejected row, a note) on standard error:
/// wrapped to the terminal's width when a person reads it there, one line
/// per message when it goes to a log or another program, which can then
/// search whole messages.
pub fn eprint_message(text: &str) {
    let width = std::io::stderr()
        .is_terminal()
        .then(|| terminal_size::terminal_size_of(std::io::stderr()).map(|(w, _)| usize::from(w.0)))
        .flatten();
    match width {
        Some(w) => eprint!("{}", crate::report::wrap(text, "", w.max(40))),
        None => eprintln!("{text}"),
    }
}

/// Set by `--quiet`: notes (such as a stale temporary file removed) stay unsaid.
pub(crate) static QUIET: AtomicBool = AtomicBool::new(false);

/// `--out -` means standard output, as `-` does for inputs.
pub(crate) fn is_stdout(out: Option<&Path>) -> bool {
    out.is_none_or(|p| p == Path::new("-"))
}

/// Write `text` to `out`, or to standard output when `out` is `None` or `-`.
pub(crate) fn emit(text: &str, out: Option<&Path>, force: bool) -> Result<()> {
    if let Some(path) = out.filter(|_| !is_stdout(out)) {
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
/// one, never half of one; dropped without `commit`, or ended by SIGINT,
/// SIGTERM or SIGHUP ([`crate::signals`]), it leaves no trace.
///
/// The temporary file is named `.<target name>.dlpick-<pid>-<random>.tmp`,
/// so it is recognisable beside its target. One left by a run that could not
/// clean up (SIGKILL, a power cut) is removed at the next write to the same
/// target, once the process that made it is gone.
pub(crate) struct AtomicFile {
    /// Always `Some` until `commit` takes it.
    temp: Option<tempfile::NamedTempFile>,
    /// A device, pipe or socket, written straight through instead (a
    /// temporary file renamed over it would replace the device itself).
    direct: Option<std::fs::File>,
    target: PathBuf,
    overwrite: bool,
}

/// The start of the names of `target_name`'s temporary files.
fn temp_prefix(target_name: &str) -> String {
    format!(".{target_name}.dlpick-")
}

/// Whether `target` (links followed) exists and is not a regular file or a
/// folder: a device, pipe or socket, which is written straight through.
pub(crate) fn is_special(target: &Path) -> bool {
    std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Why `target` cannot be written, checked before any work is done: it is a
/// folder, or it exists (a dangling link included) and `overwrite` is off.
/// A device, pipe or socket is written straight through, never replaced.
pub(crate) fn check_target(target: &Path, overwrite: bool) -> Result<()> {
    let shown = target.display();
    if target.is_dir() {
        return Err(Error::Usage(format!("{shown} is a folder; give the path of a file to write.")));
    }
    if is_special(target) {
        return Ok(());
    }
    match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() && !target.exists() && !overwrite => Err(Error::Usage(format!(
            "{shown} is a symbolic link to a file that does not exist; pass --force to replace the link."
        ))),
        Ok(_) if !overwrite => Err(Error::Usage(format!("{shown} already exists; pass --force to replace it."))),
        _ => Ok(()),
    }
}

/// The folder a target is written in.
pub(crate) fn target_dir(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

impl AtomicFile {
    /// Refuses a target that exists unless `overwrite`, and a folder. A
    /// target that is a symbolic link is written through: the file it
    /// points to is replaced and the link stays a link.
    pub fn create(target: &Path, overwrite: bool) -> Result<Self> {
        let resolved = through_links(target);
        let target = resolved.as_path();
        check_target(target, overwrite)?;
        if is_special(target) {
            let file =
                std::fs::OpenOptions::new().write(true).open(target).map_err(|e| Error::io("write", target, e))?;
            return Ok(Self { temp: None, direct: Some(file), target: target.to_path_buf(), overwrite });
        }
        let dir = target_dir(target);
        let name = target.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        remove_stale(dir, &name);
        let mut builder = tempfile::Builder::new();
        let prefix = format!("{}{}-", temp_prefix(&name), std::process::id());
        builder.prefix(&prefix).suffix(".tmp");
        // A new file gets the usual 0666-less-umask, not a temporary file's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir).map_err(|e| {
            if dir.is_dir() {
                Error::io("write", target, e)
            } else {
                Error::Usage(format!("cannot write {}: the folder does not exist.", target.display()))
            }
        })?;
        crate::signals::register(temp.path());
        Ok(Self { temp: Some(temp), direct: None, target: target.to_path_buf(), overwrite })
    }

    /// Sync the data and rename it over the target.
    pub fn commit(mut self) -> Result<()> {
        if let Some(mut direct) = self.direct.take() {
            return direct.flush().map_err(|e| Error::io("write", &self.target, e));
        }
        let Some(temp) = self.temp.take() else { return Ok(()) };
        let (target, overwrite) = (std::mem::take(&mut self.target), self.overwrite);
        temp.as_file().sync_all().map_err(|e| Error::io("write", &target, e))?;
        // Keep the permissions an existing file had.
        if let Ok(meta) = std::fs::metadata(&target) {
            let _ = std::fs::set_permissions(temp.path(), meta.permissions());
        }
        // No signal handler removes the file while it is being renamed.
        let mut temps = crate::signals::temps();
        let path = temp.path().to_path_buf();
        let persisted = if overwrite { temp.persist(&target) } else { temp.persist_noclobber(&target) };
        crate::signals::unregister(&mut temps, &path);
        persisted.map_err(|e| Error::io("write", &target, e.error))?;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(temp) = &self.temp {
            crate::signals::unregister(&mut crate::signals::temps(), temp.path());
        }
    }
}

impl AtomicFile {
    fn file(&mut self) -> std::io::Result<&mut std::fs::File> {
        if let Some(direct) = self.direct.as_mut() {
            return Ok(direct);
        }
        self.temp.as_mut().map(tempfile::NamedTempFile::as_file_mut).ok_or_else(|| std::io::Error::other("committed"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file()?.flush()
    }
}

/// The file a path finally names: a symbolic link's target (followed to the
/// end), else the path itself.
pub(crate) fn through_links(path: &Path) -> PathBuf {
    if path.is_symlink() {
        if let Ok(real) = std::fs::canonicalize(path) {
            return real;
        }
    }
    path.to_path_buf()
}

/// Remove temporary files of `target_name` in `dir` left by runs that are
/// gone (their process id is no longer running); note each on stderr.
fn remove_stale(dir: &Path, target_name: &str) {
    let prefix = temp_prefix(target_name);
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)?.strip_suffix(".tmp")) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let path = entry.path();
        let shown = crate::sanitize::text(&path.display().to_string()).into_owned();
        let quiet = QUIET.load(Ordering::Relaxed);
        match pid.map(process_is_gone) {
            Some(Some(true)) if std::fs::remove_file(&path).is_ok() && !quiet => {
                eprintln!("dlpick: note: removed {shown}, left by an interrupted run");
            }
            Some(Some(_)) => {}
            _ if !quiet => eprintln!(
                "dlpick: note: {shown} looks like a temporary file left by an interrupted run; remove it if no dlpick is writing there"
            ),
            _ => {}
        }
    }
}

/// Whether process `pid` has ended: `None` when this system cannot tell.
fn process_is_gone(pid: u32) -> Option<bool> {
    if pid == std::process::id() {
        return Some(false);
    }
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(!proc.join(pid.to_string()).exists())
}

/// Replace `path` with `bytes` all at once (see [`AtomicFile`]). Refuses to
/// replace an existing file unless `overwrite`.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    let mut file = AtomicFile::create(path, overwrite)?;
    file.write_all(bytes).map_err(|e| Error::io("write", path, e))?;
    file.commit()
}

/// A progress bar on standard error drawn with `template` (indicatif's
/// syntax), or a hidden one when nobody is watching (not a terminal) or
/// `--quiet` asked for silence.
pub(crate) fn progress(len: Option<u64>, quiet: bool, template: &str) -> indicatif::ProgressBar {
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
        assert!(matches!(write_atomic(&path, b"x", false), Err(Error::Usage(_))));
        assert!(!path.exists());
    }
}
