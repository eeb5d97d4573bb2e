//! Reading respondents: survey CSV, JSON Lines, and folders of TOML profiles.
//!
//! A CSV header is checked once, up front, and turned into a [`Layout`] so
//! that each row is parsed by column position with no lookups. A bad header
//! stops the run before anything is written; a bad row is only that row's
//! problem.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;

use crate::catalog::{Catalog, RouteKind, SCALE_MAX};
use crate::error::{Diagnostic, Location, Result, csv_error, did_you_mean, unknown_hint};
use crate::profile::{Draft, Given, InactivePolicy, Profile, states_no_needs};
use crate::score::rows::RowRequire;

/// What a CSV column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Team,
    Description,
    Need(usize),
    /// Required languages, targets or hardware.
    Routes(RouteKind),
    ActiveOnly,
    Inactive,
    Exclude,
    DeepLearning,
    Chosen,
    Ignored,
}

/// The optional columns after the needs, in template order.
pub const EXTRA_COLUMNS: [&str; 5] = ["languages", "targets", "hardware", "inactive", "exclude"];
/// Columns a survey may also carry (`active_only` for older surveys).
const OTHER_COLUMNS: [&str; 5] = ["team", "description", "deep_learning", "chosen", "active_only"];

/// A checked CSV header.
#[derive(Debug, Clone)]
pub struct Layout {
    pub file: String,
    pub columns: Vec<Column>,
    pub names: Vec<String>,
}

impl Layout {
    /// Check a header row against the knowledge base.
    pub fn new(file: &str, header: &csv::StringRecord, catalog: &Catalog, ignore_unknown: bool) -> Result<Self> {
        let mut columns = Vec::with_capacity(header.len());
        let mut unknown: Vec<(usize, String, Option<String>)> = Vec::new();
        let mut known: Vec<&str> = vec!["name"];
        known.extend(OTHER_COLUMNS);
        known.extend(EXTRA_COLUMNS);
        known.extend(catalog.criterion_ids());
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim();
            let column = match name {
                "name" => Column::Name,
                "team" => Column::Team,
                "description" => Column::Description,
                "languages" => Column::Routes(RouteKind::Language),
                "targets" => Column::Routes(RouteKind::Target),
                "hardware" => Column::Routes(RouteKind::Hardware),
                "active_only" => Column::ActiveOnly,
                "inactive" => Column::Inactive,
                "exclude" => Column::Exclude,
                "deep_learning" => Column::DeepLearning,
                "chosen" => Column::Chosen,
                _ => {
                    if let Some(c) = catalog.find_criterion(name) {
                        Column::Need(c)
                    } else {
                        let near = did_you_mean(name, known.iter().copied());
                        if near.is_some() || !ignore_unknown {
                            unknown.push((i, name.to_string(), near));
                        }
                        Column::Ignored
                    }
                }
            };
            if column != Column::Ignored && columns.contains(&column) {
                return Err(Diagnostic::new(
                    Location { file: file.to_string(), line: Some(1), column: Some(i + 1) },
                    format!("column `{name}` appears twice."),
                )
                .into());
            }
            columns.push(column);
        }
        if let Some((i, name, near)) = unknown.first() {
            let others: Vec<String> = unknown[1..].iter().map(|(_, n, _)| format!("`{n}`")).collect();
            let mut message = format!("unknown column `{name}`");
            if !others.is_empty() {
                let _ = write!(message, " (also unknown: {})", others.join(", "));
            }
            message.push('.');
            let hint = match near {
                Some(guess) if ignore_unknown => {
                    format!("{guess} A near miss of a known column is an error even with --ignore-unknown-columns.")
                }
                Some(guess) => guess.clone(),
                None => "Pass --ignore-unknown-columns to skip columns that are not criteria; `dlpick batch --template` prints the expected header."
                    .to_string(),
            };
            return Err(Diagnostic::new(
                Location { file: file.to_string(), line: Some(1), column: Some(i + 1) },
                message,
            )
            .field(format!("header column {}", i + 1))
            .hint(Some(hint))
            .into());
        }
        if !columns.contains(&Column::Name) {
            return Err(Diagnostic::new(Location::line(file, 1), "the header has no `name` column.")
                .hint(Some("`dlpick batch --template` prints the expected header.".to_string()))
                .into());
        }
        if !columns.iter().any(|c| matches!(c, Column::Need(_))) {
            return Err(Diagnostic::new(Location::line(file, 1), "the header has no criterion columns.")
                .hint(Some(format!("Expected some of: {}.", catalog.criterion_ids().join(", "))))
                .into());
        }
        Ok(Self { file: file.to_string(), columns, names: header.iter().map(|h| h.trim().to_string()).collect() })
    }
}

/// Reads `R` with every CRLF line ending as LF. The csv reader numbers the
/// lines of a CRLF file one too low (rust-csv issue 395); without the
/// carriage returns its line numbers are right, and nothing a survey holds
/// changes meaning.
pub struct CrlfAsLf<R> {
    inner: R,
    /// A CR ended the last read: whether it is kept depends on what follows.
    held_cr: bool,
}

impl<R> CrlfAsLf<R> {
    pub fn new(inner: R) -> Self {
        Self { inner, held_cr: false }
    }
}

impl<R: std::io::Read> std::io::Read for CrlfAsLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            // A held CR goes first, so it meets the byte after it.
            let start = usize::from(self.held_cr);
            let n = if buf.len() > start {
                if self.held_cr {
                    buf[0] = b'\r';
                }
                self.inner.read(&mut buf[start..])?
            } else {
                // One byte of room and a CR held: let it through as it is
                // (the csv reader never reads a byte at a time).
                self.held_cr = false;
                buf[0] = b'\r';
                return Ok(1);
            };
            if n == 0 {
                self.held_cr = false;
                return Ok(start);
            }
            let end = start + n;
            self.held_cr = false;
            let (mut read, mut written) = (0, 0);
            while read < end {
                let b = buf[read];
                read += 1;
                if b == b'\r' {
                    if read == end {
                        self.held_cr = true;
                        continue;
                    }
                    if buf[read] == b'\n' {
                        continue;
                    }
                }
                buf[written] = b;
                written += 1;
            }
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

/// Where a byte falls in a CSV record, by the CSV reader's quoting and
/// comment rules (a quote inside an unquoted field is a literal).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Place {
    RecordStart,
    Comment,
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl Place {
    /// Where the byte after `b` falls, `b` falling here.
    #[must_use]
    pub fn after(self, b: u8) -> Self {
        match (self, b) {
            (Self::Quoted, b'"') => Self::QuoteInQuoted,
            (Self::Quoted, _) | (Self::RecordStart | Self::FieldStart | Self::QuoteInQuoted, b'"') => Self::Quoted,
            (_, b'\n') => Self::RecordStart,
            // Only a line feed ends a comment.
            (Self::Comment, _) | (Self::RecordStart, b'#') => Self::Comment,
            (_, b'\r') => Self::RecordStart,
            (_, b',') => Self::FieldStart,
            _ => Self::Unquoted,
        }
    }
}

/// Ends a last comment line that has no line ending: the CSV reader would
/// read it as a record of one empty field, a row to reject.
pub struct EndComment<R> {
    inner: R,
    place: Place,
}

impl<R> EndComment<R> {
    pub fn new(inner: R) -> Self {
        Self { inner, place: Place::RecordStart }
    }
}

impl<R: std::io::Read> std::io::Read for EndComment<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 && self.place == Place::Comment {
            self.place = Place::RecordStart;
            buf[0] = b'\n';
            return Ok(1);
        }
        let read = &buf[..n];
        // Outside quotes, a line feed starts a record whatever came before
        // it: without quotes, only the bytes after the last one matter.
        let rest = match memchr::memrchr(b'\n', read) {
            Some(at) if self.place != Place::Quoted && memchr::memchr(b'"', read).is_none() => {
                self.place = Place::RecordStart;
                &read[at + 1..]
            }
            _ => read,
        };
        self.place = rest.iter().fold(self.place, |place, &b| place.after(b));
        Ok(n)
    }
}

/// A survey CSV as [`open_csv`] reads it.
pub type SurveyReader<R> = csv::Reader<CrlfAsLf<EndComment<R>>>;

/// A survey CSV reader, positioned after its header, and the checked header.
/// Comment rows (`#`) are skipped, the last one too when no line ending
/// follows it ([`EndComment`]); rows may have the wrong number of fields
/// (each such row is rejected on its own). Line numbers are right for CRLF
/// files too ([`CrlfAsLf`]).
pub fn open_csv<R: std::io::Read>(
    reader: R,
    name: &str,
    catalog: &Catalog,
    ignore_unknown: bool,
) -> Result<(Layout, SurveyReader<R>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .comment(Some(b'#'))
        .buffer_capacity(1 << 16)
        .from_reader(CrlfAsLf::new(EndComment::new(reader)));
    let header = reader.headers().map_err(|e| csv_error(name, "the CSV header", e))?.clone();
    if header.is_empty() {
        return Err(invalid(name, "the file is empty; it needs a header row (see `dlpick batch --template`)."));
    }
    Ok((Layout::new(name, &header, catalog, ignore_unknown)?, reader))
}

/// A survey CSV read as raw bytes: the checked header, the bytes already
/// read after it, and the line the first of them is on.
pub struct RawCsv<R> {
    pub layout: Layout,
    pub input: R,
    pub pending: Vec<u8>,
    pub line: u64,
}

/// Read and check a survey CSV's header, leaving the rest of the input as
/// raw bytes to cut into chunks at record boundaries ([`super::chunks`]).
pub fn open_csv_raw<R: std::io::Read>(
    mut input: R,
    name: &str,
    catalog: &Catalog,
    ignore_unknown: bool,
) -> Result<RawCsv<R>> {
    let mut buf = Vec::with_capacity(1 << 16);
    let mut eof = false;
    loop {
        if !eof {
            let mut block = vec![0u8; 1 << 16];
            let n = input.read(&mut block).map_err(|e| crate::Error::io("read", std::path::Path::new(name), e))?;
            buf.extend_from_slice(&block[..n]);
            eof = n == 0;
            // The header can only end at a line ending: parse again only
            // when one arrives, not for every block of a huge first line.
            if !eof && !block[..n].iter().any(|&b| matches!(b, b'\n' | b'\r')) {
                if buf.len() > crate::limits::RECORD_MAX {
                    return Err(header_too_long(name));
                }
                continue;
            }
        }
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).comment(Some(b'#')).from_reader(&buf[..]);
        let mut header = csv::ByteRecord::new();
        let found = reader.read_byte_record(&mut header).map_err(|e| csv_error(name, "the CSV header", e))?;
        let consumed = usize::try_from(reader.position().byte()).unwrap_or(buf.len()).min(buf.len());
        let complete = found && consumed > 0 && matches!(buf[consumed - 1], b'\n' | b'\r');
        // The limit counts a record's bytes without its line ending.
        let record = buf[..consumed].strip_suffix(b"\n").unwrap_or(&buf[..consumed]);
        let record = record.strip_suffix(b"\r").unwrap_or(record);
        let max = crate::limits::RECORD_MAX;
        if record.len() > max || (!complete && buf.len() > max) {
            return Err(header_too_long(name));
        }
        if !(complete || eof) {
            continue;
        }
        if !found || header.iter().all(<[u8]>::is_empty) {
            return Err(invalid(name, "the file is empty; it needs a header row (see `dlpick batch --template`)."));
        }
        if header.get(0).is_some_and(|h| h.trim_ascii_start().starts_with(b"{")) {
            return Err(invalid(
                name,
                "this looks like JSON Lines, not CSV; name it .jsonl or pass --input-format jsonl.",
            ));
        }
        let header = csv::StringRecord::from_byte_record(header)
            .map_err(|_| invalid(name, "the CSV header is not valid UTF-8."))?;
        let layout = Layout::new(name, &header, catalog, ignore_unknown)?;
        let newlines = buf[..consumed].iter().map(|&b| u64::from(b == b'\n')).sum::<u64>();
        let pending = buf.split_off(consumed);
        return Ok(RawCsv { layout, input, pending, line: 1 + newlines });
    }
}

fn header_too_long(name: &str) -> crate::Error {
    invalid(name, "the CSV header is longer than the 1 MiB limit for one record.")
}

/// A whole input that is wrong, as a diagnostic naming the file.
fn invalid(name: &str, why: &str) -> crate::Error {
    Diagnostic::new(Location::file(name), why).into()
}

/// A respondent parsed from any source, in reusable buffers.
#[derive(Debug, Clone, Default)]
pub struct Respondent {
    pub name: String,
    pub team: String,
    pub needs: Vec<f64>,
    pub require: RowRequire,
    pub chosen: Option<usize>,
    /// Criteria the respondent was not asked (a need cell `?`, or the
    /// profile's `unasked`): unknown to a team, 0 for their own ranking.
    pub unasked: Vec<usize>,
}

impl Respondent {
    fn reset(&mut self, criteria: usize) {
        self.name.clear();
        self.team.clear();
        self.needs.clear();
        self.needs.resize(criteria, 0.0);
        self.require = RowRequire { deep_learning: true, ..RowRequire::default() };
        self.chosen = None;
        self.unasked.clear();
    }

    /// The respondent as a core [`Profile`].
    pub fn to_profile(&self, catalog: &Catalog) -> Profile {
        Profile {
            name: self.name.clone(),
            description: None,
            needs: self.needs.clone(),
            require: self.require.to_require(catalog),
            chosen: self.chosen,
            unasked: self.unasked.clone(),
        }
    }

    /// Fill from a validated core profile.
    pub fn set_from_profile(&mut self, profile: &Profile, team: &str) {
        self.name.clear();
        self.name.push_str(&profile.name);
        self.team.clear();
        self.team.push_str(team);
        self.needs.clear();
        self.needs.extend_from_slice(&profile.needs);
        self.require = RowRequire {
            routes: profile.require.routes().map(|(kind, name)| (kind, name.to_string())).collect(),
            exclude: profile.require.exclude.iter().fold(0, |m, f| m | (1 << f)),
            inactive: profile.require.inactive,
            deep_learning: profile.require.deep_learning,
            min: profile.require.min.clone(),
        };
        self.chosen = profile.chosen;
        self.unasked.clone_from(&profile.unasked);
    }
}

/// Parse a yes/no cell.
fn parse_bool(cell: &str) -> Option<bool> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Parse a need cell: empty is 0; the common single digits skip the float parser.
fn parse_need(cell: &[u8]) -> Option<f64> {
    match cell {
        [] => Some(0.0),
        [d @ b'0'..=b'5'] => Some(f64::from(d - b'0')),
        _ => {
            let text = std::str::from_utf8(cell).ok()?.trim();
            if text.is_empty() {
                return Some(0.0);
            }
            text.parse::<f64>().ok()
        }
    }
}

/// A row's result: errors are boxed to keep the hot path's `Ok` small.
pub type RowResult = std::result::Result<(), Box<Diagnostic>>;

fn fail<T>(d: Diagnostic) -> std::result::Result<T, Box<Diagnostic>> {
    Err(Box::new(d))
}

/// Parse one CSV record into `out`. Errors name the file, line and column.
#[allow(clippy::too_many_lines)] // one arm per column kind, read top to bottom
pub fn parse_csv_row(
    layout: &Layout,
    record: &csv::ByteRecord,
    line: u64,
    catalog: &Catalog,
    out: &mut Respondent,
) -> RowResult {
    let criteria = catalog.criteria.len();
    out.reset(criteria);
    #[allow(clippy::cast_possible_truncation)]
    let at = || Location::line(layout.file.clone(), line as usize);
    if record.len() != layout.columns.len() {
        return fail(Diagnostic::new(
            at(),
            format!("the row has {} fields but the header has {}.", record.len(), layout.columns.len()),
        ));
    }
    let problem =
        |i: usize, message: String| Diagnostic::new(at(), message).field(format!("column `{}`", layout.names[i]));
    let utf8 = |i: usize| move || problem(i, "the cell is not valid UTF-8.".to_string());
    for (i, (column, cell)) in layout.columns.iter().zip(record.iter()).enumerate() {
        // Empty cells keep the defaults set by `reset` (need 0, no constraint).
        if cell.is_empty() {
            continue;
        }
        match column {
            // `?`: not asked (the adaptive survey's export).
            Column::Need(c) if cell.trim_ascii() == b"?" => out.unasked.push(*c),
            Column::Need(c) => {
                let value = parse_need(cell).ok_or_else(|| {
                    problem(
                        i,
                        format!(
                            "`{}` is not a number; needs lie between 0 and 5.",
                            String::from_utf8_lossy(cell).trim()
                        ),
                    )
                })?;
                if !value.is_finite() || !(0.0..=SCALE_MAX).contains(&value) {
                    let what = if value.is_nan() {
                        "need is not a number".to_string()
                    } else {
                        format!("need {} is out of range", crate::sanitize::number(value))
                    };
                    return fail(problem(i, format!("{what}; it must lie between 0 (irrelevant) and 5 (critical).")));
                }
                out.needs[*c] = value;
            }
            // A `'` that neutralised a formula (`dlpick serve`'s export) is taken off.
            Column::Name => out.name.push_str(crate::sanitize::csv_unformula(text(cell, utf8(i))?.trim())),
            Column::Team => out.team.push_str(crate::sanitize::csv_unformula(text(cell, utf8(i))?.trim())),
            Column::Routes(kind) => {
                // As a profile reads them: aliases and groups are found, a
                // near miss is an error, an unknown name is a requirement.
                let cell = text(cell, utf8(i))?;
                match crate::profile::parse_names(catalog, *kind, cell) {
                    Ok(names) => {
                        for name in names.unwrap_or_default() {
                            out.require.add_route(*kind, name);
                        }
                    }
                    Err(message) => return fail(problem(i, message)),
                }
            }
            Column::Exclude => {
                for item in list_items(text(cell, utf8(i))?) {
                    let Some(f) = catalog.find_framework(item) else {
                        return fail(
                            problem(i, format!("`{item}` is not a framework."))
                                .hint(Some(unknown_hint(item, &catalog.framework_ids()))),
                        );
                    };
                    out.require.exclude |= 1 << f;
                }
            }
            Column::ActiveOnly => {
                let only = parse_bool(text(cell, utf8(i))?)
                    .ok_or_else(|| problem(i, format!("`{}` is not yes or no.", String::from_utf8_lossy(cell))))?;
                if only {
                    out.require.inactive = Some(InactivePolicy::Exclude);
                }
            }
            Column::Inactive => {
                let cell = text(cell, utf8(i))?.trim();
                if !cell.is_empty() {
                    out.require.inactive = Some(InactivePolicy::parse(cell).ok_or_else(|| {
                        problem(i, format!("`{cell}` is not an inactive policy."))
                            .hint(Some("Use separate, rank or exclude.".to_string()))
                    })?);
                }
            }
            Column::DeepLearning => {
                let cell = text(cell, utf8(i))?;
                out.require.deep_learning = if cell.trim().is_empty() {
                    true
                } else {
                    parse_bool(cell).ok_or_else(|| problem(i, format!("`{cell}` is not yes or no.")))?
                };
            }
            Column::Chosen => {
                let id = text(cell, utf8(i))?.trim();
                if !id.is_empty() {
                    out.chosen = Some(catalog.find_framework(id).ok_or_else(|| {
                        problem(i, format!("`{id}` is not a framework."))
                            .hint(Some(unknown_hint(id, &catalog.framework_ids())))
                    })?);
                }
            }
            Column::Description | Column::Ignored => {}
        }
    }
    if out.name.is_empty() {
        out.name = format!("line {line}");
    }
    check_states_needs(out, &at)
}

/// The team cell of a CSV record, trimmed ("" when there is none).
pub fn csv_team(layout: &Layout, record: &csv::ByteRecord) -> String {
    layout
        .columns
        .iter()
        .position(|c| *c == Column::Team)
        .and_then(|i| record.get(i))
        .map(|cell| crate::sanitize::csv_unformula(String::from_utf8_lossy(cell).trim()).to_string())
        .unwrap_or_default()
}

/// The `team` of a JSON Lines line that failed to parse, when it can be read.
pub fn json_team(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("team").and_then(|t| t.as_str()).map(|t| t.trim().to_string()))
        .unwrap_or_default()
}

fn text(cell: &[u8], problem: impl Fn() -> Diagnostic) -> std::result::Result<&str, Box<Diagnostic>> {
    std::str::from_utf8(cell).map_err(|_| Box::new(problem()))
}

/// `python;r` (also `,` or `|` separated) into trimmed, non-empty items.
fn list_items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', ',', '|']).map(str::trim).filter(|s| !s.is_empty())
}

fn check_states_needs(out: &Respondent, at: &dyn Fn() -> Location) -> RowResult {
    if states_no_needs(&out.needs) {
        return fail(Diagnostic::new(at(), format!("`{}` states no needs: every criterion is 0 or empty.", out.name)));
    }
    Ok(())
}

/// Splits a chunk of CSV (whole records, see [`super::chunks`]) into records
/// the way the `csv` crate does with this module's settings (`#` comments,
/// `"` quotes with doubled quotes inside, CR, LF or CRLF ends, blank lines
/// skipped), and tells the line each record starts on. Fields without
/// quotes are ranges of the chunk itself; a record with a quoted field is
/// copied, unquoted, into a scratch buffer.
pub struct Records<'a> {
    chunk: &'a [u8],
    at: usize,
    /// The line `at` is on.
    line: u64,
    /// The line reported for the next record, when it is not `line` (the
    /// `csv` reader places a chunk's first record on the chunk's first line
    /// when the chunk starts with a byte order mark, which it drops).
    first_line: Option<u64>,
    ranges: Vec<(usize, usize)>,
    scratch: Vec<u8>,
    copied: bool,
    /// The record is already split (see [`Records::next_start`]).
    split: bool,
}

/// One record of [`Records`]: its fields.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    base: &'a [u8],
    ranges: &'a [(usize, usize)],
}

impl Fields<'_> {
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.ranges.iter().map(|&(start, end)| &self.base[start..end])
    }

    /// Copy into `record` (cleared first).
    pub fn copy_into(self, record: &mut csv::ByteRecord) {
        record.clear();
        for field in self.iter() {
            record.push_field(field);
        }
    }
}

impl<'a> Records<'a> {
    pub fn new(chunk: &'a [u8], first_line: u64) -> Self {
        let bom = chunk.starts_with(b"\xef\xbb\xbf");
        Self {
            chunk,
            at: if bom { 3 } else { 0 },
            line: first_line,
            first_line: bom.then_some(first_line),
            ranges: Vec::new(),
            scratch: Vec::new(),
            copied: false,
            split: false,
        }
    }

    /// The fields of the record [`Records::split`] last cut.
    pub fn fields(&self) -> Fields<'_> {
        Fields { base: if self.copied { &self.scratch } else { self.chunk }, ranges: &self.ranges }
    }

    /// Move to the next record and split it; returns the line it starts
    /// on, or `None` at the end of the chunk (as the tests walk a chunk).
    #[cfg(test)]
    pub fn next_record(&mut self) -> Option<u64> {
        let line = self.next_start()?;
        self.split();
        Some(line)
    }

    /// The rest of the chunk from where a record starts (after
    /// [`Records::next_start`]), and where that is in the chunk.
    pub fn rest(&self) -> (&'a [u8], usize) {
        (&self.chunk[self.at..], self.at)
    }

    /// Step over a record of `len` bytes, its end of line included, read
    /// by the caller from [`Records::rest`]; `line_feed` says whether that
    /// end is a line feed.
    pub fn skip(&mut self, len: usize, line_feed: bool) {
        self.split = false;
        self.at += len;
        self.line += u64::from(line_feed);
    }

    /// Step over blank and comment lines to where the next record starts;
    /// returns its line, or `None` at the end of the chunk. Then either
    /// [`Records::split`] or [`Records::skip`] it.
    pub fn next_start(&mut self) -> Option<u64> {
        let chunk = self.chunk;
        // Blank lines and comment lines between records.
        loop {
            match *chunk.get(self.at)? {
                b'\n' => {
                    self.line += 1;
                    self.at += 1;
                }
                b'\r' => self.at += 1,
                b'#' => {
                    let Some(n) = memchr::memchr(b'\n', &chunk[self.at..]) else {
                        // A comment the input ends in, with no line ending
                        // (which the CSV reader would make a record of one
                        // empty field: see `EndComment`).
                        self.at = chunk.len();
                        return None;
                    };
                    self.at += n + 1;
                    self.line += 1;
                }
                _ => break,
            }
        }
        Some(self.first_line.take().unwrap_or(self.line))
    }

    /// Cut the record at the current position into fields.
    pub fn split(&mut self) {
        if std::mem::take(&mut self.split) {
            return;
        }
        let chunk = self.chunk;
        self.ranges.clear();
        self.copied = false;
        let start = self.at;
        let mut field = start;
        for (i, &b) in chunk.iter().enumerate().skip(start) {
            match b {
                b',' => {
                    self.ranges.push((field, i));
                    field = i + 1;
                }
                b'\n' | b'\r' => {
                    self.ranges.push((field, i));
                    // A CR's LF, if any, is a blank line to the next call.
                    self.at = i + 1;
                    self.line += u64::from(b == b'\n');
                    return;
                }
                b'"' if i == field => {
                    self.quoted(start);
                    return;
                }
                _ => {}
            }
        }
        self.ranges.push((field, chunk.len()));
        self.at = chunk.len();
    }

    /// Read the record at `start`, which has a quoted field, into `scratch`.
    fn quoted(&mut self, start: usize) {
        #[derive(Clone, Copy)]
        enum State {
            FieldStart,
            Unquoted,
            Quoted,
            QuoteInQuoted,
        }
        self.copied = true;
        self.ranges.clear();
        self.scratch.clear();
        let (mut state, mut field) = (State::FieldStart, 0);
        for (i, &b) in self.chunk.iter().enumerate().skip(start) {
            state = match (state, b) {
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) | (State::QuoteInQuoted, b'"') => {
                    self.line += u64::from(b == b'\n');
                    self.scratch.push(b);
                    State::Quoted
                }
                (State::FieldStart, b'"') => State::Quoted,
                (_, b',') => {
                    self.ranges.push((field, self.scratch.len()));
                    field = self.scratch.len();
                    State::FieldStart
                }
                (_, b'\n' | b'\r') => {
                    self.ranges.push((field, self.scratch.len()));
                    self.at = i + 1;
                    self.line += u64::from(b == b'\n');
                    return;
                }
                _ => {
                    self.scratch.push(b);
                    State::Unquoted
                }
            };
        }
        self.ranges.push((field, self.scratch.len()));
        self.at = self.chunk.len();
    }
}

/// One JSON Lines object: the TOML profile's fields, plus `team`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonProfile {
    name: Option<String>,
    team: Option<String>,
    description: Option<String>,
    #[serde(default)]
    needs: BTreeMap<String, f64>,
    #[serde(default)]
    require: JsonRequire,
    chosen: Option<String>,
    #[serde(default)]
    unasked: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct JsonRequire {
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    targets: Vec<String>,
    #[serde(default)]
    hardware: Vec<String>,
    active_only: Option<bool>,
    inactive: Option<InactivePolicy>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    min: BTreeMap<String, f64>,
    deep_learning: Option<bool>,
}

/// serde_json's terse syntax messages in words.
fn json_words(message: &str, category: serde_json::error::Category) -> String {
    use serde_json::error::Category;
    if category != Category::Syntax && category != Category::Eof {
        return message.to_string();
    }
    let words = match message {
        "expected ident" => "expected `true`, `false` or `null` (text values need double quotes)",
        "expected value" => "expected a value: a \"quoted string\", a number, true, false, null, an object or a list",
        "key must be a string" => "expected a field name in double quotes",
        "trailing characters" => "unexpected text after the end of the object",
        "trailing comma" => "a comma before a closing bracket or brace",
        "EOF while parsing an object" => "the line ends before the object is closed with `}`",
        "EOF while parsing a list" => "the line ends before the list is closed with `]`",
        "EOF while parsing a string" => "the line ends inside a string (a missing closing quote?)",
        "EOF while parsing a value" => "the line ends where a value was expected",
        "expected `:`" => "expected `:` between a field name and its value",
        "expected `,` or `}`" => "expected `,` before the next field or `}` to close the object",
        "expected `,` or `]`" => "expected `,` before the next item or `]` to close the list",
        other => other,
    };
    format!("not valid JSON: {words}")
}

/// Parse one JSON Lines line into `out`.
pub fn parse_json_row(file: &str, text: &str, line: u64, catalog: &Catalog, out: &mut Respondent) -> RowResult {
    #[allow(clippy::cast_possible_truncation)]
    let line = line as usize;
    let raw: JsonProfile = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = json_words(message.split(" at line ").next().unwrap_or(&message), e.classify());
        let hint = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split_once('`'))
            .and_then(|(unknown, expected)| did_you_mean(unknown, expected.split('`').skip(1).step_by(2)));
        Diagnostic::new(
            Location { file: file.to_string(), line: Some(line), column: Some(e.column()) },
            format!("{message}."),
        )
        .hint(hint)
    })?;
    let draft = Draft {
        name: raw.name,
        team: None,
        description: raw.description,
        needs: raw.needs.into_iter().map(|(k, v)| (Given::new(k), Given::new(v))).collect(),
        languages: raw.require.languages.into_iter().map(Given::new).collect(),
        targets: raw.require.targets.into_iter().map(Given::new).collect(),
        hardware: raw.require.hardware.into_iter().map(Given::new).collect(),
        inactive: match (raw.require.inactive, raw.require.active_only) {
            (Some(p), _) => Some(Given::new(p)),
            (None, Some(true)) => Some(Given::new(InactivePolicy::Exclude)),
            _ => None,
        },
        exclude: raw.require.exclude.into_iter().map(Given::new).collect(),
        min: raw.require.min.into_iter().map(|(k, v)| (Given::new(k), Given::new(v))).collect(),
        deep_learning: raw.require.deep_learning,
        chosen: raw.chosen.map(Given::new),
        unasked: raw.unasked.into_iter().map(Given::new).collect(),
    };
    let profile =
        draft.resolve(catalog, &format!("line {line}"), &|_| Location::line(file, line)).map_err(into_diagnostic)?;
    out.set_from_profile(&profile, raw.team.as_deref().unwrap_or("").trim());
    Ok(())
}

/// Parse a TOML profile file into `out`; `team` is used when the file names none.
pub fn parse_toml_file(
    file: &str,
    text: &str,
    default_name: &str,
    team: &str,
    catalog: &Catalog,
    out: &mut Respondent,
) -> RowResult {
    let mut draft = Draft::from_toml(text, file).map_err(into_diagnostic)?;
    let team = draft.team.take().unwrap_or_else(|| team.to_string());
    let profile = draft.resolve(catalog, default_name, &Location::resolver(file, text)).map_err(into_diagnostic)?;
    out.set_from_profile(&profile, team.trim());
    Ok(())
}

fn into_diagnostic(e: crate::Error) -> Diagnostic {
    match e {
        crate::Error::Invalid(d) => *d,
        other => Diagnostic::new(Location::file("input"), other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    /// Gives its bytes two at a time, so a CR can end one read and its LF
    /// start the next.
    struct Dribble<'a>(&'a [u8]);

    impl std::io::Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(2);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn crlf_reads_as_lf_and_a_lone_cr_stays() {
        for input in [&b"a,b\r\nc\r\n"[..], b"x\ry\r\n\r", b"\r\n\r\n", b"q\"\r\n\"z"] {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut CrlfAsLf::new(Dribble(input)), &mut out).unwrap();
            let want = String::from_utf8_lossy(input).replace("\r\n", "\n");
            assert_eq!(String::from_utf8_lossy(&out), want, "{input:?}");
        }
    }

    #[test]
    fn only_a_last_comment_without_a_line_ending_gets_one() {
        let cases: [(&[u8], bool); 7] = [
            (b"a,b\n# end", true),
            (b"a,\"x\ny\"\n# end, \"quoted", true),
            (b"a,b\n# end\n", false),
            (b"a,b\nc#d", false),
            (b"a,\"x\n# inside quotes", false),
            (b"# only", true),
            (b"", false),
        ];
        for (input, ended) in cases {
            // Whole, and two bytes per read (the cut can fall anywhere).
            for dribble in [false, true] {
                let mut out = Vec::new();
                if dribble {
                    std::io::Read::read_to_end(&mut EndComment::new(Dribble(input)), &mut out).unwrap();
                } else {
                    std::io::Read::read_to_end(&mut EndComment::new(input), &mut out).unwrap();
                }
                let mut want = input.to_vec();
                if ended {
                    want.push(b'\n');
                }
                assert_eq!(out, want, "{:?} dribbled: {dribble}", String::from_utf8_lossy(input));
            }
        }
    }

    use super::*;

    fn layout(header: &[&str]) -> Result<Layout> {
        Layout::new("s.csv", &csv::StringRecord::from(header.to_vec()), &Catalog::builtin().unwrap(), false)
    }

    #[test]
    fn a_header_with_a_typo_gets_a_hint() {
        let Err(crate::Error::Invalid(d)) = layout(&["name", "debugability"]) else { panic!() };
        assert_eq!(d.location.column, Some(2));
        assert_eq!(d.hint.as_deref(), Some("Did you mean `debuggability`?"));
        assert!(layout(&["debuggability"]).is_err(), "name is required");
        assert!(layout(&["name", "debuggability", "debuggability"]).is_err());
    }

    #[test]
    fn rows_parse_into_needs_and_masks() {
        let catalog = Catalog::builtin().unwrap();
        let l = layout(&["name", "team", "Debuggability", "languages", "active_only", "exclude"]).unwrap();
        let mut r = Respondent::default();
        let record = csv::ByteRecord::from(vec!["Ana", "lab", "4.5", "python; R", "yes", "Theano"]);
        parse_csv_row(&l, &record, 2, &catalog, &mut r).unwrap();
        assert_eq!((r.name.as_str(), r.team.as_str()), ("Ana", "lab"));
        assert!((r.needs[catalog.criterion_index("debuggability").unwrap()] - 4.5).abs() < f64::EPSILON);
        assert_eq!(r.require.inactive, Some(InactivePolicy::Exclude));
        assert_eq!(r.require.exclude, 1 << catalog.framework_index("theano").unwrap());
        assert_eq!(
            r.require.routes,
            [(RouteKind::Language, "python".to_string()), (RouteKind::Language, "r".to_string())]
        );
    }

    #[test]
    fn bad_cells_name_line_and_column() {
        let catalog = Catalog::builtin().unwrap();
        let l = layout(&["name", "debuggability", "active_only"]).unwrap();
        let mut r = Respondent::default();
        for (cells, expected) in [
            (vec!["a", "9", "no"], "out of range"),
            (vec!["a", "NaN", "no"], "not a number"),
            (vec!["a", "x", "no"], "not a number"),
            (vec!["a", "3", "maybe"], "not yes or no"),
            (vec!["a", "0", "no"], "states no needs"),
            (vec!["a", "3"], "2 fields"),
        ] {
            let d = parse_csv_row(&l, &csv::ByteRecord::from(cells), 7, &catalog, &mut r).unwrap_err();
            assert_eq!(d.location.line, Some(7));
            assert!(d.to_string().contains(expected), "{d}");
        }
    }

    #[test]
    fn json_lines_use_the_profile_fields() {
        let catalog = Catalog::builtin().unwrap();
        let mut r = Respondent::default();
        let line = r#"{"name":"Bo","team":"ops","needs":{"distributed_training":5},"require":{"active_only":true}}"#;
        parse_json_row("s.jsonl", line, 3, &catalog, &mut r).unwrap();
        assert_eq!((r.name.as_str(), r.team.as_str()), ("Bo", "ops"));
        assert_eq!(r.require.inactive, Some(InactivePolicy::Exclude));
        let d = parse_json_row("s.jsonl", r#"{"nmae":"x"}"#, 4, &catalog, &mut r).unwrap_err();
        assert_eq!(d.hint.as_deref(), Some("Did you mean `name`?"));
        let d = parse_json_row("s.jsonl", r#"{"needs":{"debuggability":7}}"#, 5, &catalog, &mut r).unwrap_err();
        assert!(d.to_string().contains("s.jsonl:5"), "{d}");
    }
}
