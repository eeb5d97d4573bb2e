//! One output row per respondent, in each batch format.
//!
//! Rows are formatted by the worker threads into byte buffers; the writer
//! only concatenates them in input order, adding a header and footer.

use std::fmt::Write as _;

use serde::Serialize;

use super::scorer::Pick;
use crate::catalog::Catalog;
use crate::sanitize;
use crate::score::round1;

/// Output formats of `dlpick batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BatchFormat {
    /// Comma-separated values (the default): easy to open in a spreadsheet.
    #[default]
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
    /// A Markdown table.
    Markdown,
    /// An aligned text table.
    Text,
    /// A self-contained HTML report: the distribution of top picks, and
    /// with --by-team one section per team.
    Html,
}

/// Formats rows for one run.
pub struct RowFormatter {
    pub format: BatchFormat,
    pub top: usize,
    ids: Vec<String>,
    /// CSV: each id as a field between commas (",pytorch,"), padded to a
    /// fixed size when it fits (copied whole, then cut to length).
    csv_ids: Vec<(Vec<u8>, Option<[u8; ID_PAD]>)>,
    /// CSV: the text of each match from 0.0 to 100.0, by tenths, with its
    /// length in the last byte.
    csv_tenths: Vec<[u8; 8]>,
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

/// Append the first `len` bytes of `block`: a fixed-size copy (no call to
/// `memcpy` for a few bytes), then a cut.
fn push_block<const N: usize>(buf: &mut Vec<u8>, block: &[u8; N], len: usize) {
    let keep = buf.len() + len;
    buf.extend_from_slice(block);
    buf.truncate(keep);
}

const NAME_WIDTH: usize = 22;
const TEAM_WIDTH: usize = 12;
const PICK_WIDTH: usize = 18;

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
    tenths_text(crate::score::round_half_away(x * 10.0), buf)
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
        Some(&b) if sanitize::is_formula_start(b) => push_csv_field(buf, &sanitize::csv(field)),
        _ => push_csv_field(buf, field),
    }
}

impl RowFormatter {
    pub fn new(format: BatchFormat, top: usize, catalog: &Catalog) -> Self {
        let ids: Vec<String> = catalog.frameworks.iter().map(|f| f.id.clone()).collect();
        let csv_ids = ids
            .iter()
            .map(|id| {
                let mut field = vec![b','];
                push_csv_field(&mut field, id);
                field.push(b',');
                let mut block = [0u8; ID_PAD];
                let fits = field.len() <= ID_PAD;
                if fits {
                    block[..field.len()].copy_from_slice(&field);
                }
                (field, fits.then_some(block))
            })
            .collect();
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
        Self { format, top, ids, csv_ids, csv_tenths }
    }

    /// Append a match as CSV text: [`one_decimal`], from a table for 0–100.
    fn push_csv_match(&self, buf: &mut Vec<u8>, score: f64) {
        let tenths = crate::score::round_half_away(score * 10.0);
        match usize::try_from(tenths).ok().and_then(|t| self.csv_tenths.get(t)) {
            Some(entry) => push_block(buf, entry, usize::from(entry[7])),
            None => buf.extend_from_slice(tenths_text(tenths, &mut [0u8; 24])),
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

    /// Written once before the rows.
    pub fn header(&self) -> Vec<u8> {
        match self.format {
            BatchFormat::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                let _ = w.write_record(self.column_names());
                w.into_inner().unwrap_or_default()
            }
            BatchFormat::Json => b"[".to_vec(),
            BatchFormat::Jsonl | BatchFormat::Html => Vec::new(),
            BatchFormat::Markdown => {
                let names = self.column_names();
                let mut s = format!("| {} |\n|", names.join(" | "));
                for n in &names {
                    s.push_str(if n.starts_with("match") { "--:|" } else { "---|" });
                }
                s.push('\n');
                s.into_bytes()
            }
            BatchFormat::Text => {
                let mut s = format!("{}  {}", fit("name", NAME_WIDTH), fit("team", TEAM_WIDTH));
                for i in 1..=self.top {
                    s.push_str("  ");
                    s.push_str(&fit(&format!("top {i}"), PICK_WIDTH));
                }
                s.push_str("  reason\n");
                s.into_bytes()
            }
        }
    }

    /// Written once after the rows; `any` says whether any row was written.
    pub fn footer(&self, any: bool) -> Vec<u8> {
        match self.format {
            BatchFormat::Json if any => b"\n]\n".to_vec(),
            BatchFormat::Json => b"]\n".to_vec(),
            _ => Vec::new(),
        }
    }

    /// Append one respondent's row to `buf`. JSON rows start with ",\n";
    /// the writer drops the comma before the first row.
    pub fn row(&self, buf: &mut Vec<u8>, name: &str, team: &str, picks: &[Pick], reason: &str) {
        let shown = &picks[..picks.len().min(self.top)];
        let reason = if picks.is_empty() { NO_MATCH } else { reason };
        match self.format {
            BatchFormat::Html => {}
            BatchFormat::Csv => {
                // The hot path: straight into the buffer, no allocation.
                push_user_csv_field(buf, name);
                buf.push(b',');
                push_user_csv_field(buf, team);
                for i in 0..self.top {
                    if let Some(p) = shown.get(i) {
                        match &self.csv_ids[p.framework] {
                            (field, Some(block)) => push_block(buf, block, field.len()),
                            (field, None) => buf.extend_from_slice(field),
                        }
                        self.push_csv_match(buf, p.score);
                    } else {
                        buf.extend_from_slice(b",,");
                    }
                }
                buf.push(b',');
                push_csv_field(buf, reason);
                buf.push(b'\n');
            }
            BatchFormat::Jsonl | BatchFormat::Json => {
                if self.format == BatchFormat::Json {
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
                let _ = serde_json::to_writer(&mut *buf, &row);
                if self.format == BatchFormat::Jsonl {
                    buf.push(b'\n');
                }
            }
            BatchFormat::Markdown => {
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
            BatchFormat::Text => {
                let (name, team) = (sanitize::text(name), sanitize::text(team));
                let mut s = format!("{}  {}", fit(&name, NAME_WIDTH), fit(&team, TEAM_WIDTH));
                for i in 0..self.top {
                    s.push_str("  ");
                    let cell = shown
                        .get(i)
                        .map_or_else(String::new, |p| format!("{} {:.1}", self.ids[p.framework], round1(p.score)));
                    s.push_str(&fit(&cell, PICK_WIDTH));
                }
                s.push_str("  ");
                s.push_str(reason);
                s.push('\n');
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
        let formatter = RowFormatter::new(BatchFormat::Csv, 3, &catalog);
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
    fn one_decimal_matches_the_formatter() {
        let mut buf = [0u8; 24];
        for x in [0.0, 0.04, 0.05, 9.95, 33.333, 66.666_666, 72.0, 99.96, 100.0, 12.25, 87.35] {
            let want = format!("{:.1}", round1(x));
            assert_eq!(std::str::from_utf8(one_decimal(x, &mut buf)).unwrap(), want, "{x}");
        }
    }
}
