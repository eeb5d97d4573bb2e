//! Errors a user can act on.
//!
//! Every problem with an input file becomes a [`Diagnostic`]: one paragraph
//! naming the file, the line and column, the field, what is wrong and, where
//! a near miss is likely, a "did you mean". Each [`Error`] says what kind it
//! is, and the binary exits with that kind's code ([`Error::exit_code`]), so
//! a script can tell bad input (2) from a failing disk or database (3) and
//! from a bug (4).

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a problem sits in an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it (or `<stdin>`, `<built-in weights>`, `--need`).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
}

impl Location {
    /// A whole file, with no position inside it.
    pub fn file(file: impl Into<String>) -> Self {
        Self { file: file.into(), line: None, column: None }
    }

    /// The position of byte `offset` within `source`.
    pub fn at(file: impl Into<String>, source: &str, offset: usize) -> Self {
        let (line, column) = line_column(source, offset);
        Self { file: file.into(), line: Some(line), column: Some(column) }
    }

    /// Turns an optional byte offset in `source` into a location: the
    /// position when known, else the whole file. Profile resolution takes it.
    pub fn resolver<'a>(file: &'a str, source: &'a str) -> impl Fn(Option<usize>) -> Location + 'a {
        move |offset| match offset {
            Some(o) => Self::at(file, source, o),
            None => Self::file(file),
        }
    }

    /// A line of a line-oriented input (CSV, JSON Lines, scripted answers).
    pub fn line(file: impl Into<String>, line: usize) -> Self {
        Self { file: file.into(), line: Some(line), column: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// One problem in one input, ready to show to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: Location,
    /// The dotted path of the field at fault, e.g. `needs.debuggability`.
    pub field: Option<String>,
    pub message: String,
    /// A suggestion, usually "did you mean …".
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Self { location, field: None, message: message.into(), hint: None }
    }

    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    #[must_use]
    pub fn hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

impl Diagnostic {
    /// The paragraph as written, before [`crate::sanitize::message`].
    fn raw(&self) -> String {
        let mut s = format!("{}: ", self.location);
        if let Some(field) = &self.field {
            s.push_str(field);
            s.push_str(": ");
        }
        s.push_str(&self.message);
        if let Some(hint) = &self.hint {
            s.push(' ');
            s.push_str(hint);
        }
        s
    }
}

/// Shown through [`crate::sanitize::message`]: control characters escaped,
/// long quoted input cut, the whole bounded.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::sanitize::message(&self.raw()))
    }
}

/// Everything that can go wrong in dlpick. Its `Display` goes through
/// [`crate::sanitize::message`], so no error prints raw control characters
/// or unbounded user input.
#[derive(Debug)]
pub enum Error {
    /// An input file, flag or answer is invalid, or a named input does not
    /// exist (exit 2).
    Invalid(Box<Diagnostic>),
    /// The command line asks for something that cannot be done (exit 2).
    Usage(String),
    /// A file, folder, stream, socket or terminal could not be read or
    /// written: permissions, a full disk, a failing device (exit 3).
    Io { action: &'static str, path: PathBuf, source: std::io::Error },
    /// The survey database failed or cannot be used where it is (exit 3).
    Storage(String),
    /// The person left an interactive session before it finished (exit 130).
    Cancelled,
    /// Something that should not happen did: a bug, never the input's
    /// fault (exit 4).
    Internal(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let raw = match self {
            Self::Invalid(d) => return d.fmt(f),
            Self::Io { action, path, source } => format!("cannot {action} {}: {source}", path.display()),
            Self::Usage(message) | Self::Storage(message) => message.clone(),
            Self::Cancelled => "cancelled; nothing was written".to_string(),
            Self::Internal(why) => format!("cannot produce the report: {why}"),
        };
        f.write_str(&crate::sanitize::message(&raw))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Self::Io { action, path: path.to_path_buf(), source }
    }

    /// The process exit code for this error: 2 for invalid input or usage,
    /// 3 for a storage failure, 4 for a bug, 130 when the person cancelled.
    /// `cli::EXIT_CODES` documents them.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Invalid(_) | Self::Usage(_) => 2,
            Self::Io { .. } | Self::Storage(_) => 3,
            Self::Internal(_) => 4,
            Self::Cancelled => 130,
        }
    }

    /// The same kind of error with `note` after its message.
    #[must_use]
    pub fn with_note(&self, note: &str) -> Self {
        let text = format!("{self} {note}");
        match self.exit_code() {
            3 => Self::Storage(text),
            4 => Self::Internal(text),
            _ => Self::Usage(text),
        }
    }

    /// True when the error is a closed output pipe (`dlpick … | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<std::fmt::Error> for Error {
    fn from(_: std::fmt::Error) -> Self {
        Self::Internal("a formatting error".to_string())
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        Self::Internal(format!("CSV: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(format!("JSON: {e}"))
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Self::Invalid(Box::new(d))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error for an input that cannot be read. A path that names no file
/// is the input's fault (exit 2), with a "did you mean" when a near-named
/// file stands beside it (the one look at the file system here, made only
/// once reading has failed); anything else is the storage's (exit 3).
pub fn read_error(path: &Path, e: std::io::Error) -> Error {
    if e.kind() != std::io::ErrorKind::NotFound {
        return Error::io("read", path, e);
    }
    Diagnostic::new(Location::file(path.display().to_string()), format!("cannot read it: {e}."))
        .hint(similar_file(path).map(|guess| format!("Did you mean `{}`?", guess.display())))
        .into()
}

/// The error for an input that is not UTF-8 text.
pub fn not_text(name: &str) -> Error {
    Diagnostic::new(Location::file(name), "cannot read it: it is not UTF-8 text.").into()
}

/// The error for a CSV `what` (such as "the CSV header") that cannot be
/// read: the storage's when reading failed, else the input's.
pub fn csv_error(name: &str, what: &str, e: csv::Error) -> Error {
    if e.is_io_error() {
        if let csv::ErrorKind::Io(io) = e.into_kind() {
            return Error::io("read", Path::new(name), io);
        }
        unreachable!("an I/O error is of the I/O kind");
    }
    Diagnostic::new(Location::file(name), format!("cannot read {what}: {e}")).into()
}

/// A file beside a missing `path` whose name is close to its name.
fn similar_file(path: &Path) -> Option<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let wanted = path.file_name()?.to_str()?;
    let names: Vec<String> =
        std::fs::read_dir(dir).ok()?.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    // Keep the path as the user wrote it: `survey.csv`, not `./survey.csv`.
    closest(wanted, names.iter().map(String::as_str)).map(|name| path.with_file_name(name))
}

/// The candidate closest to `input`, when one is close enough to be a typo.
/// Inputs longer than [`crate::sanitize::SIMILARITY_MAX`] bytes get none: the
/// similarity is quadratic in the length, and nobody mistypes a name that long.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if input.len() > crate::sanitize::SIMILARITY_MAX {
        return None;
    }
    let input_lower = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&input_lower, &c.to_lowercase()), c))
        .filter(|(similarity, _)| *similarity > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The closest of `candidates` to `input`, as a "did you mean" hint.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(input, candidates).map(|c| format!("Did you mean `{c}`?"))
}

/// A hint listing what is allowed, with a "did you mean" first when one is close.
pub fn unknown_hint(input: &str, candidates: &[&str]) -> String {
    let known = candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    match did_you_mean(input, candidates.iter().copied()) {
        Some(guess) => format!("{guess} Known: {known}."),
        None => format!("Known: {known}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        // 'é' is two bytes: the '=' at byte 10 is the 4th character of "bé = 2".
        assert_eq!(line_column(src, 10), (2, 4));
        assert_eq!(line_column(src, 999), (3, 1));
    }

    #[test]
    fn suggests_the_closest_known_name() {
        let known = ["debuggability", "distributed_training", "flexibility"];
        assert_eq!(did_you_mean("debugability", known).as_deref(), Some("Did you mean `debuggability`?"));
        assert_eq!(did_you_mean("zzz", known), None);
    }

    #[test]
    fn diagnostic_reads_as_one_line() {
        let d =
            Diagnostic::new(Location { file: "p.toml".into(), line: Some(3), column: Some(1) }, "unknown criterion")
                .field("needs.x")
                .hint(Some("Did you mean `y`?".into()));
        assert_eq!(d.to_string(), "p.toml:3:1: needs.x: unknown criterion Did you mean `y`?");
    }
}
