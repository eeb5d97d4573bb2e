//! The sizes dlpick refuses to go past, and reading within them.
//!
//! Why: an input can be endless (`/dev/zero`, `/dev/urandom`, a pipe that
//! never closes) or simply huge by mistake. A TOML document is parsed whole,
//! so TOML inputs — profiles, knowledge bases, `--answers` files — are read
//! only up to [`TOML_MAX`] bytes, whatever they are (regular file, device,
//! pipe, standard input); past it the input is refused with a clear error.
//! Batch surveys (CSV, JSON Lines) are streamed and have no limit in total,
//! but one CSV record or JSON line is held in memory whole, so a single one
//! longer than [`RECORD_MAX`] is rejected as that row's error (see
//! [`crate::batch`]) instead of growing memory without end.

use std::io::Read;

/// The most a TOML input may hold: 16 MiB.
pub const TOML_MAX: u64 = 16 * 1024 * 1024;
/// The longest CSV record or JSON Lines line of a batch input: 1 MiB, not
/// counting its line ending.
pub const RECORD_MAX: usize = 1024 * 1024;
/// The most worker threads `--threads` may ask for.
pub const THREADS_MAX: usize = 256;

/// Why a capped read failed.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    TooLarge,
    NotUtf8,
}

/// Read all of `reader` as UTF-8 text, refusing more than [`TOML_MAX`] bytes.
pub fn read_toml(reader: impl Read) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    reader.take(TOML_MAX + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > TOML_MAX {
        return Err(ReadError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)
}

/// Read the TOML file at `path` within [`TOML_MAX`].
pub fn read_toml_file(path: &std::path::Path) -> Result<String, ReadError> {
    read_toml(std::fs::File::open(path).map_err(ReadError::Io)?)
}

/// What is wrong with an input over [`TOML_MAX`].
pub const TOO_LARGE: &str = "larger than the 16 MiB limit for a TOML input.";
