//! What this binary is: its version, the git commit it was built from and
//! the hash of the knowledge base compiled into it. `dlpick --version`
//! prints them; reports that should say which build and which knowledge base
//! produced them carry [`info`].
//!
//! `build.rs` fills the values in at compile time.

use std::sync::LazyLock;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The crate version, e.g. `0.1.0`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit the binary was built from, as 12 hex digits, with
/// `-dirty` when the sources it was built from differed from that commit;
/// `None` when it was not built from a git clone.
pub const COMMIT: Option<&str> = non_empty(env!("DLPICK_GIT_COMMIT"));

/// SHA-256 (64 lower-case hex digits) of the exact bytes of the built-in
/// knowledge base, [`crate::catalog::BUILTIN_WEIGHTS`].
pub const KB_SHA256: &str = env!("DLPICK_KB_SHA256");

/// The short form of [`KB_SHA256`] people see: its first 12 hex digits.
pub(crate) fn kb_hash() -> &'static str {
    &KB_SHA256[..12]
}

/// What `dlpick --version` prints after the program name:
/// `0.1.0 (commit 1a2b3c4d5e6f, knowledge base 9f8e7d6c5b4a)`, without the
/// commit part when there is none.
pub(crate) fn long_version() -> &'static str {
    static LONG: LazyLock<String> = LazyLock::new(|| match COMMIT {
        Some(commit) => format!("{VERSION} (commit {commit}, knowledge base {})", kb_hash()),
        None => format!("{VERSION} (knowledge base {})", kb_hash()),
    });
    &LONG
}

/// The whole line `dlpick --version` prints.
pub(crate) fn version_line() -> String {
    format!("dlpick {}", long_version())
}

/// The build identity, for machine-readable reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildInfo {
    pub version: &'static str,
    /// `null` when not built from a git clone.
    pub commit: Option<&'static str>,
    /// Of the built-in knowledge base; see [`BuildInfo::with_knowledge_base`]
    /// for a report made with `--weights FILE`.
    pub knowledge_base_sha256: String,
}

impl BuildInfo {
    /// The same build, describing another knowledge base by the SHA-256 of
    /// its text (as read from `--weights FILE`).
    #[must_use]
    pub fn with_knowledge_base(self, text: &str) -> Self {
        Self { knowledge_base_sha256: sha256_hex(text.as_bytes()), ..self }
    }
}

/// This build, with the built-in knowledge base.
pub fn info() -> BuildInfo {
    BuildInfo { version: VERSION, commit: COMMIT, knowledge_base_sha256: KB_SHA256.to_string() }
}

/// SHA-256 of `bytes` as 64 lower-case hex digits.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The day a report is dated: that of `SOURCE_DATE_EPOCH` when it is set
/// (so reproducible builds and records get the same bytes), else today,
/// in UTC. Returned as the Unix time of that day's midnight and as
/// `YYYY-MM-DD`.
pub(crate) fn report_day() -> (i64, String) {
    let seconds =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        });
    let midnight = seconds.div_euclid(86_400) * 86_400;
    (midnight, civil_date(midnight))
}

/// `YYYY-MM-DD` (UTC) of a Unix time, by the days-to-civil algorithm of
/// the proleptic Gregorian calendar.
pub(crate) fn civil_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

const fn non_empty(s: &'static str) -> Option<&'static str> {
    if s.is_empty() { None } else { Some(s) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_the_calendar() {
        assert_eq!(civil_date(0), "1970-01-01");
        // 2000-02-29 12:00 UTC: a leap day in a century leap year.
        assert_eq!(civil_date(951_825_600), "2000-02-29");
        // 2026-11-25 00:00 UTC and one second before it.
        assert_eq!(civil_date(1_795_564_800), "2026-11-25");
        assert_eq!(civil_date(1_795_564_799), "2026-11-24");
        assert_eq!(civil_date(-1), "1969-12-31");
    }

    #[test]
    fn the_short_hash_is_twelve_hex_digits() {
        assert_eq!(kb_hash().len(), 12);
        assert!(kb_hash().bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn sha256_of_a_known_input() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn the_version_line_names_version_and_knowledge_base() {
        let line = version_line();
        assert!(line.starts_with(&format!("dlpick {VERSION} (")), "{line}");
        assert!(line.ends_with(&format!("knowledge base {})", kb_hash())), "{line}");
        assert_eq!(COMMIT.is_some(), line.contains("commit "), "{line}");
    }

    #[test]
    fn info_serialises_to_three_fields() {
        let json = serde_json::to_value(info()).unwrap();
        assert_eq!(json["version"], VERSION);
        assert_eq!(json["knowledge_base_sha256"], KB_SHA256);
        assert_eq!(json.as_object().unwrap().len(), 3);
        let other = info().with_knowledge_base("x");
        assert_eq!(other.knowledge_base_sha256, sha256_hex(b"x"));
    }
}
