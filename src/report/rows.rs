//! One output row per respondent (`dlpick batch`), in each format: the
//! [`RowSink`] that `batch` streams its rows into.
//!
//! Rows stream: the worker threads format them into byte buffers and the
//! writer only concatenates those in input order, adding a header and a
//! footer. So a row is laid out on its own, never against the widths of
//! other rows. CSV is the hot path and writes straight into the buffer,
//! with every piece that repeats from row to row (ids, matches, reasons)
//! made once, up front.

use std::fmt::Write as _;

use serde::Serialize;

use super::Format;
use super::layout::{hang, wrap};
use crate::batch::sink::{Row, RowSink};
use crate::catalog::Catalog;
use crate::explain::rated;
use crate::sanitize;
use crate::score::round1;
use crate::score::rows::Pick;

/// Formats rows for one run.
pub struct RowFormatter {
    pub format: Format,
    /// Ranked frameworks per row: never more than the knowledge base has,
    /// so no column is always empty.
    pub top: usize,
    ids: Vec<String>,
    names: Vec<String>,
    /// Each main reason a row can give, in words, at
    /// `framework * criteria + criterion`.
    reasons: Vec<String>,
    criteria: usize,
    /// Columns of text (text format only).
    width: usize,
    /// CSV: each id as a field between commas (",pytorch,").
    csv_ids: Vec<Block<ID_PAD>>,
    /// CSV: the text of each match from 0.0 to 100.0, by tenths, with its
    /// length in the last byte.
    csv_tenths: Vec<[u8; 8]>,
    /// CSV: the end of a row for each reason.
    csv_reasons: CsvReasons,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    name: &'a str,
    team: &'a str,
    top: Vec<JsonPick<'a>>,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonPick<'a> {
    framework: &'a str,
    #[serde(rename = "match")]
    score: f64,
}

/// Matches up to this many tenths are formatted from a table.
const CSV_TENTHS: i64 = 1000;
/// Ids as CSV fields up to this long are copied as fixed-size blocks.
const ID_PAD: usize = 24;
/// Reasons as CSV text up to this long are copied as fixed-size blocks.
const REASON_PAD: usize = 64;

/// Append the first `len` bytes of `block`: a fixed-size copy (no call to
/// `memcpy` for a few bytes), then a cut.
fn push_block<const N: usize>(buf: &mut Vec<u8>, block: &[u8; N], len: usize) {
    let keep = buf.len() + len;
    buf.extend_from_slice(block);
    buf.truncate(keep);
}

/// Bytes written into many rows, padded to a fixed size when they fit so
/// that they are appended by [`push_block`].
struct Block<const N: usize> {
    bytes: Vec<u8>,
    padded: Option<[u8; N]>,
}

impl<const N: usize> Block<N> {
    /// `text` as a CSV field after a comma, followed by `end`.
    fn field(text: &str, end: u8) -> Self {
        let mut bytes = vec![b','];
        push_csv_field(&mut bytes, text);
        bytes.push(end);
        let padded = (bytes.len() <= N).then(|| {
            let mut block = [0u8; N];
            block[..bytes.len()].copy_from_slice(&bytes);
            block
        });
        Self { bytes, padded }
    }

    fn push(&self, buf: &mut Vec<u8>) {
        match &self.padded {
            Some(block) => push_block(buf, block, self.bytes.len()),
            None => buf.extend_from_slice(&self.bytes),
        }
    }
}

/// The end of a CSV row for each reason a row can give, written ahead:
/// the comma, the reason as a field, the line feed.
struct CsvReasons {
    /// At a phrase's index, then one for no reason, then [`NO_MATCH`].
    ends: Vec<Block<REASON_PAD>>,
}

impl CsvReasons {
    /// The row ends for `phrases` (every reason a row can give).
    fn new(phrases: &[String]) -> Self {
        let ends = phrases
            .iter()
            .map(String::as_str)
            .chain(["", NO_MATCH])
            .map(|reason| Block::field(reason, b'\n'))
            .collect();
        Self { ends }
    }

    fn end(&self, picks: &[Pick], phrase: Option<usize>) -> &Block<REASON_PAD> {
        let n = self.ends.len();
        let at = if picks.is_empty() { n - 1 } else { phrase.filter(|&p| p < n - 2).unwrap_or(n - 2) };
        &self.ends[at]
    }
}

/// The name and team columns of text rows, at most.
const NAME_WIDTH: usize = 20;
const TEAM_WIDTH: usize = 12;

/// What a row says when constraints rule out every framework.
pub const NO_MATCH: &str = "no framework meets every requirement";

fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n > width {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// Whether a CSV field holds a comma, a quote or a line break: eight bytes
/// at a time, then byte by byte.
fn needs_quotes(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Some byte of `v` is `b` iff some byte of `v ^ b…b` is zero.
    let has = |v: u64, b: u8| {
        let x = v ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGH != 0
    };
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let v = u64::from_le_bytes(word.try_into().unwrap_or_default());
        if has(v, b',') | has(v, b'"') | has(v, b'\n') | has(v, b'\r') {
            return true;
        }
    }
    words.remainder().iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Write one CSV field (RFC 4180): quoted, with quotes doubled, when it
/// holds a comma, a quote or a line break; as is otherwise.
fn push_csv_field(buf: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if needs_quotes(bytes) {
        buf.push(b'"');
        for &b in bytes {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(bytes);
    }
}

/// `x` rounded to one decimal, as ASCII digits in `buf` ("92.7"); the same
/// text as `format!("{:.1}", round1(x))` for matches (0–100), without the
/// general float formatter. Rows use a table of its results
/// ([`RowFormatter::push_csv_match`]); this is the reference.
#[cfg(test)]
pub fn one_decimal(x: f64, buf: &mut [u8; 24]) -> &[u8] {
    tenths_text(crate::score::display_key(x), buf)
}

/// `tenths` / 10 with one decimal ("927" → "92.7").
fn tenths_text(tenths: i64, buf: &mut [u8; 24]) -> &[u8] {
    let negative = tenths < 0;
    let mut t = tenths.unsigned_abs();
    let mut i = buf.len();
    i -= 1;
    buf[i] = b'0' + u8::try_from(t % 10).unwrap_or(0);
    t /= 10;
    i -= 1;
    buf[i] = b'.';
    loop {
        i -= 1;
        buf[i] = b'0' + u8::try_from(t % 10).unwrap_or(0);
        t /= 10;
        if t == 0 {
            break;
        }
    }
    if negative {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

fn md_cell(s: &str) -> String {
    sanitize::markdown(s)
}

/// A CSV field holding user text (a name, a team): one that a spreadsheet
/// would read as a formula gets a leading `'` (see [`sanitize::csv`]).
/// Checking the first byte keeps the hot path as fast as before.
fn push_user_csv_field(buf: &mut Vec<u8>, field: &str) {
    match field.as_bytes().first() {
        Some(&b) if sanitize::may_need_quote_mark(b) || !field.is_ascii() => {
            push_csv_field(buf, &sanitize::csv(field));
        }
        _ => push_csv_field(buf, field),
    }
}

/// [`push_user_csv_field`] for a field known to hold no comma, quote or
/// line break.
fn push_checked_user_field(buf: &mut Vec<u8>, field: &str) {
    match field.as_bytes().first() {
        Some(&b) if sanitize::may_need_quote_mark(b) || !field.is_ascii() => push_user_csv_field(buf, field),
        _ => buf.extend_from_slice(field.as_bytes()),
    }
}

impl RowFormatter {
    pub fn new(format: Format, top: usize, width: usize, catalog: &Catalog) -> Self {
        let ids: Vec<String> = catalog.frameworks.iter().map(|f| f.id.clone()).collect();
        let criteria = catalog.criteria.len();
        let reasons: Vec<String> = (0..catalog.frameworks.len())
            .flat_map(|f| (0..criteria).map(move |c| (f, c)))
            .map(|(f, c)| rated(catalog, f, c))
            .collect();
        let csv_ids = ids.iter().map(|id| Block::field(id, b',')).collect();
        let csv_tenths = (0..=CSV_TENTHS)
            .map(|t| {
                let mut digits = [0u8; 24];
                let text = tenths_text(t, &mut digits);
                let mut entry = [0u8; 8];
                entry[..text.len()].copy_from_slice(text);
                entry[7] = u8::try_from(text.len()).unwrap_or(0);
                entry
            })
            .collect();
        Self {
            format,
            top: top.min(catalog.frameworks.len()),
            names: catalog.frameworks.iter().map(|f| f.name.clone()).collect(),
            ids,
            csv_reasons: CsvReasons::new(&reasons),
            reasons,
            criteria,
            width,
            csv_ids,
            csv_tenths,
        }
    }

    /// Where the row's reason is in `reasons`.
    fn reason_at(&self, row: &Row<'_>) -> Option<usize> {
        Some(row.picks.first()?.framework * self.criteria + row.reason?)
    }

    /// Text rows: the name and team columns, narrower on a narrow screen.
    fn text_columns(&self) -> (usize, usize) {
        (NAME_WIDTH.min(self.width / 4), TEAM_WIDTH.min(self.width / 6))
    }

    /// Append a match as CSV text: [`one_decimal`], from a table for 0–100.
    fn push_csv_match(&self, buf: &mut Vec<u8>, score: f64) {
        let tenths = crate::score::display_key(score);
        match usize::try_from(tenths).ok().and_then(|t| self.csv_tenths.get(t)) {
            Some(entry) => push_block(buf, entry, usize::from(entry[7])),
            None => buf.extend_from_slice(tenths_text(tenths, &mut [0u8; 24])),
        }
    }

    /// The ranked frameworks of a CSV row, each id and match after a comma.
    fn push_csv_picks(&self, buf: &mut Vec<u8>, shown: &[Pick]) {
        for i in 0..self.top {
            if let Some(p) = shown.get(i) {
                self.csv_ids[p.framework].push(buf);
                self.push_csv_match(buf, p.score.get());
            } else {
                buf.extend_from_slice(b",,");
            }
        }
    }

    fn column_names(&self) -> Vec<String> {
        let mut h = vec!["name".to_string(), "team".to_string()];
        for i in 1..=self.top {
            h.push(format!("top{i}"));
            h.push(format!("match{i}"));
        }
        h.push("reason".to_string());
        h
    }
}

impl RowSink for RowFormatter {
    fn header(&self) -> Vec<u8> {
        match self.format {
            Format::Csv => {
                let mut buf = Vec::new();
                for (i, name) in self.column_names().iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    push_csv_field(&mut buf, name);
                }
                buf.push(b'\n');
                buf
            }
            Format::Json => b"[".to_vec(),
            // A decision record is made from teams, never from rows.
            Format::Jsonl | Format::Html | Format::Madr => Vec::new(),
            Format::Markdown => {
                let names = self.column_names();
                let mut s = format!("| {} |\n|", names.join(" | "));
                for n in &names {
                    s.push_str(if n.starts_with("match") { "--:|" } else { "---|" });
                }
                s.push('\n');
                s.into_bytes()
            }
            Format::Text => {
                let (nw, tw) = self.text_columns();
                let picks = if self.top == 1 { "top pick" } else { "top picks" };
                format!("{}  {}  {picks}, then the reason\n", fit("name", nw), fit("team", tw)).into_bytes()
            }
        }
    }

    fn footer(&self, any: bool) -> Vec<u8> {
        match self.format {
            Format::Json if any => b"\n]\n".to_vec(),
            Format::Json => b"]\n".to_vec(),
            _ => Vec::new(),
        }
    }

    fn separator(&self) -> usize {
        usize::from(self.format == Format::Json)
    }

    /// JSON rows start with ",\n"; the writer drops the comma before the
    /// first row.
    fn row(&self, buf: &mut Vec<u8>, row: &Row<'_>) {
        let Row { name, team, picks, .. } = *row;
        let shown = &picks[..picks.len().min(self.top)];
        let at = self.reason_at(row);
        if self.format == Format::Csv {
            // The hot path: straight into the buffer, no allocation.
            if row.plain {
                push_checked_user_field(buf, name);
                buf.push(b',');
                push_checked_user_field(buf, team);
            } else {
                push_user_csv_field(buf, name);
                buf.push(b',');
                push_user_csv_field(buf, team);
            }
            self.push_csv_picks(buf, shown);
            match row.shortfall.filter(|_| picks.is_empty()) {
                Some(why) => {
                    buf.push(b',');
                    push_user_csv_field(buf, why);
                    buf.push(b'\n');
                }
                None => self.csv_reasons.end(picks, at).push(buf),
            }
            return;
        }
        let reason = match at {
            _ if picks.is_empty() => row.shortfall.unwrap_or(NO_MATCH),
            Some(at) => &self.reasons[at],
            None => "",
        };
        match self.format {
            Format::Html | Format::Csv | Format::Madr => {}
            Format::Jsonl | Format::Json => {
                if self.format == Format::Json {
                    buf.extend_from_slice(b",\n  ");
                }
                let row = JsonRow {
                    name,
                    team,
                    top: shown
                        .iter()
                        .map(|p| JsonPick { framework: &self.ids[p.framework], score: round1(p.score) })
                        .collect(),
                    reason,
                };
                let start = buf.len();
                let _ = serde_json::to_writer(&mut *buf, &row);
                // Hidden characters in names show escaped (see `sanitize::json`).
                if !buf[start..].is_ascii() {
                    let text = String::from_utf8_lossy(&buf[start..]).into_owned();
                    if let std::borrow::Cow::Owned(shown) = sanitize::json(&text) {
                        buf.truncate(start);
                        buf.extend_from_slice(shown.as_bytes());
                    }
                }
                if self.format == Format::Jsonl {
                    buf.push(b'\n');
                }
            }
            Format::Markdown => {
                let mut s = format!("| {} | {} |", md_cell(name), md_cell(team));
                for i in 0..self.top {
                    match shown.get(i) {
                        Some(p) => {
                            let _ = write!(s, " {} | {:.1} |", self.ids[p.framework], round1(p.score));
                        }
                        None => s.push_str("  |  |"),
                    }
                }
                let _ = writeln!(s, " {} |", md_cell(reason));
                buf.extend_from_slice(s.as_bytes());
            }
            Format::Text => {
                // "ana     vision  PyTorch 98.5 · Keras 62.5", the reason
                // wrapped below under the picks.
                let (nw, tw) = self.text_columns();
                let head = format!("{}  {}  ", fit(&sanitize::text(name), nw), fit(&sanitize::text(team), tw));
                let picks: Vec<String> =
                    shown.iter().map(|p| format!("{} {:.1}", self.names[p.framework], round1(p.score))).collect();
                let picks = if picks.is_empty() { "none".to_string() } else { picks.join(" · ") };
                let mut s = hang(&head, &picks, self.width);
                s.push_str(&wrap(reason, &" ".repeat(nw + tw + 4), self.width));
                buf.extend_from_slice(s.as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut buf = Vec::new();
        for f in ["plain", "a,b", "say \"hi\"", "two\nlines", ""] {
            push_csv_field(&mut buf, f);
            buf.push(b'|');
        }
        assert_eq!(String::from_utf8(buf).unwrap(), "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"||");
    }

    #[test]
    fn the_quote_test_finds_every_special_byte_anywhere() {
        for len in 0..20 {
            for at in 0..len {
                for special in [b',', b'"', b'\n', b'\r'] {
                    let mut field = vec![b'a'; len];
                    field[at] = special;
                    assert!(needs_quotes(&field), "{field:?}");
                }
            }
            // Bytes one off a special byte, and bytes with the high bit.
            let near: Vec<u8> = (0..len).map(|i| [b'+', b'-', b'!', b'#', 0x0b, 0x0e, 0xac, 0xa2][i % 8]).collect();
            assert!(!needs_quotes(&near), "{near:?}");
        }
    }

    #[test]
    fn the_match_table_has_the_formatter_s_text() {
        let catalog = Catalog::builtin().unwrap();
        let formatter = RowFormatter::new(Format::Csv, 3, crate::report::DEFAULT_WIDTH, &catalog);
        let mut digits = [0u8; 24];
        // Every tenth from -1 to 101, and values near each rounding edge.
        for t in -10..=1010 {
            for x in [f64::from(t) / 10.0, (f64::from(t) + 0.5) / 10.0, (f64::from(t) + 0.499_999) / 10.0] {
                for x in [x, f64::from_bits(x.to_bits() + 1), f64::from_bits(x.to_bits().saturating_sub(1))] {
                    let mut buf = Vec::new();
                    formatter.push_csv_match(&mut buf, x);
                    assert_eq!(buf, one_decimal(x, &mut digits), "{x}");
                    assert_eq!(buf, format!("{:.1}", round1(x)).as_bytes(), "{x}");
                }
            }
        }
    }

    #[test]
    fn rows_say_the_reason_and_plain_rows_read_as_any_other() {
        let catalog = Catalog::builtin().unwrap();
        let (pytorch, keras) = (catalog.framework_index("pytorch").unwrap(), catalog.framework_index("keras").unwrap());
        let debuggability = catalog.criterion_index("debuggability").unwrap();
        let pick = |framework, score| {
            let score = crate::score::Match::new(score);
            Pick { framework, score, key: score.tie_key() }
        };
        let picks = [pick(pytorch, 92.75), pick(keras, 60.0)];
        let csv = RowFormatter::new(Format::Csv, 2, 80, &catalog);
        let mut buf = Vec::new();
        let row = Row {
            name: "ana",
            team: "vision",
            picks: &picks,
            reason: Some(debuggability),
            shortfall: None,
            plain: true,
        };
        csv.row(&mut buf, &row);
        assert_eq!(String::from_utf8(buf).unwrap(), "ana,vision,pytorch,92.8,keras,60.0,debuggability 5/5\n");
        for format in Format::ALL {
            let formatter = RowFormatter::new(format, 2, 80, &catalog);
            for (name, team) in [("ana", "vision"), ("=sum", "t"), ("r1", "")] {
                for picks in [&picks[..], &[]] {
                    for reason in [None, Some(debuggability)] {
                        let row = Row { name, team, picks, reason, shortfall: None, plain: false };
                        let (mut general, mut plain) = (Vec::new(), Vec::new());
                        formatter.row(&mut general, &row);
                        formatter.row(&mut plain, &Row { plain: true, ..row });
                        assert_eq!(general, plain, "{format:?} {name} {reason:?}");
                        let text = String::from_utf8(general).unwrap();
                        let said = if picks.is_empty() {
                            NO_MATCH
                        } else if reason.is_some() {
                            "debuggability 5/5"
                        } else {
                            ""
                        };
                        let no_rows = matches!(format, Format::Html | Format::Madr);
                        assert!(no_rows || text.contains(said), "{format:?}: {text}");
                    }
                }
            }
        }
    }

    #[test]
    fn one_decimal_matches_the_formatter() {
        let mut buf = [0u8; 24];
        for x in [0.0, 0.04, 0.05, 9.95, 33.333, 66.666_666, 72.0, 99.96, 100.0, 12.25, 87.35] {
            let want = format!("{:.1}", round1(x));
            assert_eq!(std::str::from_utf8(one_decimal(x, &mut buf)).unwrap(), want, "{x}");
        }
    }
}
