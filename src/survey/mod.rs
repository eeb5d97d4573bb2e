//! Reading respondents: every way dlpick reads a survey goes through here.
//!
//! - [`Format`] tells a survey's format from its name, or from its first
//!   bytes when the name says nothing (standard input, `check`).
//! - [`source`] holds the column list and a checked header ([`source::Layout`]),
//!   the one CSV state machine ([`source::Place`]), the in-place record
//!   splitter ([`source::Records`]), and the parsing of one CSV row, one JSON
//!   line or one TOML profile into a [`source::Respondent`].
//! - [`chunks`] cuts a CSV stream into chunks of whole records, and
//!   [`guard`] bounds one record or line to [`guard::RECORD_MAX`]; both follow
//!   [`source::Place`].
//! - [`template`] is the survey's header as `dlpick batch --template` prints it.
//!
//! `batch` (and through it `check` and the survey server's team report),
//! `tune fit` and the fuzz targets read surveys through this module; a survey
//! database is read by `serve::store` into the JSON Lines it exports, which
//! this module then reads.

pub mod chunks;
pub mod guard;
pub mod source;
pub mod template;

use std::path::Path;

/// The format of a survey input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A CSV export: a header of column names, one row per respondent.
    Csv,
    /// One JSON object per line, a profile's fields plus `team`.
    Jsonl,
    /// A TOML profile (or a folder of them).
    Toml,
    /// A survey database made by `dlpick serve`.
    Sqlite,
}

impl Format {
    /// The format a file's extension names, if any: `.csv`; `.jsonl` or
    /// `.ndjson`; `.toml`; `.db`, `.sqlite` or `.sqlite3`.
    pub fn by_name(path: &Path) -> Option<Self> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Some(Self::Csv),
            Some("jsonl" | "ndjson") => Some(Self::Jsonl),
            Some("toml") => Some(Self::Toml),
            Some("db" | "sqlite" | "sqlite3") => Some(Self::Sqlite),
            _ => None,
        }
    }

    /// What a file's first bytes say it is, when its name does not say: a
    /// survey in JSON Lines starts with `{`; a CSV survey's first line is a
    /// header of comma-separated names with no `=` or `[` of TOML; anything
    /// else (a first line that is not text included) is read as TOML, which
    /// says so within its limit.
    pub fn by_content(head: &[u8]) -> Self {
        let first = head
            .split(|&b| b == b'\n')
            .map(<[u8]>::trim_ascii)
            .find(|l| !l.is_empty() && !l.starts_with(b"#"))
            .unwrap_or_default();
        let Ok(first) = std::str::from_utf8(first) else { return Self::Toml };
        if first.starts_with('{') {
            Self::Jsonl
        } else if first.contains(',') && !first.contains('=') && !first.starts_with('[') {
            Self::Csv
        } else {
            Self::Toml
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_contents_tell_the_format() {
        assert_eq!(Format::by_name(Path::new("a/S.CSV")), Some(Format::Csv));
        assert_eq!(Format::by_name(Path::new("s.ndjson")), Some(Format::Jsonl));
        assert_eq!(Format::by_name(Path::new("s.sqlite3")), Some(Format::Sqlite));
        assert_eq!(Format::by_name(Path::new("survey")), None);
        assert_eq!(Format::by_content(b"\n# c\nname,debuggability\n"), Format::Csv);
        assert_eq!(Format::by_content(b"  {\"needs\": {}}\n"), Format::Jsonl);
        assert_eq!(Format::by_content(b"[needs]\ndebuggability = 5\n"), Format::Toml);
        assert_eq!(Format::by_content(b"\xff\xfe,"), Format::Toml);
    }
}
