//! Ending cleanly on SIGINT, SIGTERM and SIGHUP.
//!
//! Why: files are written to a temporary file beside the target and renamed
//! into place only when complete ([`crate::output::AtomicFile`]). A run that
//! is stopped midway must not leave that temporary file behind — a killed
//! `batch --out` would otherwise leave hundreds of megabytes of
//! `.<name>.dlpick-*.tmp` beside the target. One handler serves all three
//! signals: a thread waits for them (signal-hook), removes every temporary
//! file still registered, says so on standard error and exits with the
//! usual code, 128 + the signal's number (130, 143, 129). A commit holds the
//! registry's lock while it renames, so a signal lands before or after a
//! rename, never during it. SIGKILL cannot be caught; the temporary file it
//! leaves is found and removed at the next write to the same target.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// The registry, even if a thread panicked while holding it.
pub(crate) fn temps() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMPS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Start the handler thread (once). `quiet` leaves out the message.
pub fn install(quiet: bool) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    INSTALL.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
        let _ = std::thread::Builder::new().name("signals".into()).spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let removed = {
                    let mut temps = temps();
                    let n = temps.iter().filter(|p| std::fs::remove_file(p).is_ok()).count();
                    temps.clear();
                    n
                };
                if !quiet {
                    let name = match signal {
                        SIGINT => "interrupted",
                        SIGTERM => "terminated",
                        _ => "hung up",
                    };
                    let what = if removed > 0 { "; the unfinished output was removed" } else { "" };
                    eprintln!("dlpick: error: {name}{what}");
                }
                std::process::exit(128 + signal);
            }
        });
    });
}

/// Remember a temporary file to remove if a signal ends the run.
pub fn register(path: &Path) {
    temps().push(path.to_path_buf());
}

/// Forget a temporary file (committed or removed).
pub fn unregister(temps: &mut MutexGuard<'static, Vec<PathBuf>>, path: &Path) {
    temps.retain(|p| p != path);
}
