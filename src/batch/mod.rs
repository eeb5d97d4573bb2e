//! `dlpick batch`: score many respondents at once, streaming.
//!
//! A reader (the calling thread) cuts the input into batches of rows; worker
//! threads (one per core) parse, score and format each batch; a writer
//! thread puts the formatted batches back in input order. Channels are
//! bounded, so memory stays flat however long the input is. Bad rows are
//! reported with file and line and skipped; they never stop the run.

pub mod consensus;
pub mod guard;
pub mod scorer;
pub mod source;
pub mod team;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::bounded;

use crate::report::Format;
use crate::report::rows::CsvReasons;
pub use crate::report::rows::{NO_MATCH, RowFormatter};
use scorer::{Pick, Scorer, WholeNeeds};
use source::{Column, Layout, Place, Records, Respondent, parse_csv_row, parse_json_row, parse_toml_file};
pub use team::{TeamAcc, TeamResult};

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::profile::InactivePolicy;
use crate::score::MethodId;

/// Rows per batch handed to a worker (JSON Lines).
const BATCH_ROWS: usize = 4096;
/// Bytes of CSV per chunk handed to a worker.
const CHUNK_BYTES: usize = 1 << 19;

/// One input, opened and (for CSV) with its header checked.
pub enum Source {
    /// A CSV input after its header: raw bytes, cut into chunks at record
    /// boundaries and parsed by the workers in parallel.
    Csv {
        layout: Arc<Layout>,
        input: Box<dyn Read + Send>,
        pending: Vec<u8>,
        line: u64,
    },
    Jsonl {
        file: Arc<str>,
        reader: Box<dyn BufRead + Send>,
    },
    Toml {
        files: Vec<TomlFile>,
    },
}

impl<R: Read + Send + 'static> From<source::RawCsv<R>> for Source {
    /// A CSV input whose header [`source::open_csv_raw`] has checked.
    fn from(raw: source::RawCsv<R>) -> Self {
        Self::Csv { layout: Arc::new(raw.layout), input: Box::new(raw.input), pending: raw.pending, line: raw.line }
    }
}

/// A profile file found in a folder.
pub struct TomlFile {
    pub path: PathBuf,
    /// Name used when the profile has none (the file stem).
    pub default_name: String,
    /// Team used when the profile names none (its folder below the input).
    pub team: String,
}

/// How to run a batch.
pub struct Options {
    pub method: MethodId,
    /// The policy for rows that state none.
    pub inactive: InactivePolicy,
    pub format: Format,
    pub top: usize,
    /// Columns of text, for the text format.
    pub width: usize,
    pub by_team: bool,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Approval: within this many points of a member's own best.
    pub approval_margin: f64,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub scored: u64,
    pub rejected: u64,
    /// How many respondents each framework fits best.
    pub top_picks: Vec<u64>,
    /// Per criterion, answers 0–5 (rounded), when `by_team`.
    pub answers: Vec<[u64; 6]>,
    /// Each team's running aggregates, when `by_team`.
    pub teams: BTreeMap<String, TeamAcc>,
}

/// Callbacks the caller uses to watch a run.
pub trait Observer: Sync {
    /// A rejected row, in input order.
    fn rejected(&self, message: &str);
    /// `rows` more rows handled, from `bytes` more bytes of input.
    fn progress(&self, rows: u64, bytes: u64);
}

/// Raw CSV bytes: whole records only.
type CsvBatch = Vec<u8>;

enum Rows {
    /// Whole CSV records, and the line the chunk starts on.
    Csv(Arc<Layout>, CsvBatch, u64),
    /// Lines, or why a line cannot be a row (too long, not UTF-8).
    Json(Arc<str>, Vec<(std::result::Result<String, &'static str>, u64)>),
    Toml(Vec<(TomlFile, std::result::Result<String, String>)>),
    /// A CSV record longer than the limit, by the line it starts on.
    TooLong(Arc<str>, u64),
}

struct Work {
    seq: u64,
    rows: Rows,
    bytes: u64,
}

struct Done {
    seq: u64,
    output: Vec<u8>,
    errors: Vec<String>,
    scored: u64,
    rejected: u64,
    bytes: u64,
    top_picks: Vec<u64>,
    teams: HashMap<String, TeamAcc>,
    answers: Vec<[u64; 6]>,
}

/// Score every respondent of `sources`, writing rows to `out` (or, with
/// `by_team`, accumulating each team in a [`TeamAcc`]).
pub fn run(
    catalog: &Catalog,
    sources: Vec<Source>,
    options: &Options,
    out: &mut (dyn Write + Send),
    observer: &dyn Observer,
    stop: &AtomicBool,
) -> Result<Summary> {
    run_roads(catalog, sources, options, out, observer, stop, true)
}

/// [`run`], optionally without the short road (to test it against the
/// general one).
fn run_roads(
    catalog: &Catalog,
    sources: Vec<Source>,
    options: &Options,
    out: &mut (dyn Write + Send),
    observer: &dyn Observer,
    stop: &AtomicBool,
    short_road: bool,
) -> Result<Summary> {
    let scorer = Scorer::new(catalog, options.method, options.inactive)?;
    let formatter = RowFormatter::new(options.format, options.top, options.width, catalog);
    let context = team::Context::new(catalog, &scorer, options.approval_margin);
    // Plain CSV out: the common rows take a shorter road (see `Plain`).
    let plain = if !short_road || options.by_team || options.format != Format::Csv {
        None
    } else {
        WholeNeeds::new(&scorer).map(|whole| Plain {
            scorer: &scorer,
            formatter: &formatter,
            whole,
            reasons: CsvReasons::new(scorer.reason_phrases()),
        })
    };
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        options.threads
    };
    let (work_tx, work_rx) = bounded::<Work>(threads * 2);
    let (done_tx, done_rx) = bounded::<Done>(threads * 2);
    // Spent CSV batches go back to the reader, and written output buffers
    // to the workers, so buffers are reused rather than mapped afresh.
    let (recycle_tx, recycle_rx) = bounded::<CsvBatch>(threads * 4);
    let (written_tx, written_rx) = bounded::<Vec<u8>>(threads * 4);

    std::thread::scope(|scope| {
        for _ in 0..threads {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let recycle_tx = recycle_tx.clone();
            let written_rx = written_rx.clone();
            let (scorer, formatter, context, plain) = (&scorer, &formatter, &context, plain.as_ref());
            scope.spawn(move || {
                for work in work_rx {
                    let by_team = options.by_team.then_some(context);
                    let output = written_rx.try_recv().unwrap_or_default();
                    let (done, spent) = process(catalog, scorer, formatter, by_team, plain, work, output);
                    if let Some(batch) = spent {
                        let _ = recycle_tx.try_send(batch);
                    }
                    if done_tx.send(done).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        drop(work_rx);

        drop(written_rx);
        let writer = scope.spawn(|| write_in_order(done_rx, &written_tx, &formatter, options.by_team, out, observer));
        drop(recycle_tx);
        let read = read_all(sources, &work_tx, &recycle_rx, stop);
        drop(work_tx);
        let written = writer.join().unwrap_or_else(|_| Err(Error::Usage("the writer thread failed".to_string())));
        read?;
        if stop.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        written
    })
}

fn read_all(
    sources: Vec<Source>,
    work: &crossbeam_channel::Sender<Work>,
    recycled: &crossbeam_channel::Receiver<CsvBatch>,
    stop: &AtomicBool,
) -> Result<()> {
    let mut seq = 0;
    let mut send = |rows: Rows, bytes: u64| -> bool {
        let ok = work.send(Work { seq, rows, bytes }).is_ok();
        seq += 1;
        ok && !stop.load(Ordering::Relaxed)
    };
    for source in sources {
        match source {
            Source::Csv { layout, mut input, pending, mut line } => {
                let io = |e| Error::io("read", std::path::Path::new(&layout.file), e);
                let mut carry = pending;
                let mut eof = false;
                while !eof {
                    let mut chunk = recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK_BYTES + (1 << 16)));
                    chunk.clear();
                    chunk.append(&mut carry);
                    let cut;
                    (cut, eof) = fill_records(&mut *input, &mut chunk).map_err(io)?;
                    let Some(cut) = cut else {
                        // The record the chunk starts with is too long: report it
                        // (a comment is no row) and skip the rest of it.
                        let comment = chunk.iter().find(|&&b| b != b'\r') == Some(&b'#');
                        let start = line;
                        line += skip_record(&mut *input, &mut chunk, &mut carry).map_err(io)?;
                        eof = false;
                        if !comment && !send(Rows::TooLong(Arc::from(layout.file.as_str()), start), 0) {
                            return Ok(());
                        }
                        continue;
                    };
                    carry.extend_from_slice(&chunk[cut..]);
                    chunk.truncate(cut);
                    if chunk.is_empty() {
                        continue;
                    }
                    let newlines = count_newlines(&chunk);
                    let bytes = chunk.len() as u64;
                    if !send(Rows::Csv(Arc::clone(&layout), chunk, line), bytes) {
                        return Ok(());
                    }
                    line += newlines;
                }
            }
            Source::Jsonl { file, mut reader } => {
                let mut line_no = 0u64;
                let mut bytes = 0u64;
                let mut line = Vec::new();
                loop {
                    let mut batch = Vec::with_capacity(BATCH_ROWS);
                    let mut eof = false;
                    let start = bytes;
                    while batch.len() < BATCH_ROWS {
                        let (n, too_long) = guard::read_line(&mut *reader, &mut line)
                            .map_err(|e| Error::io("read", std::path::Path::new(&*file), e))?;
                        if n == 0 {
                            eof = true;
                            break;
                        }
                        line_no += 1;
                        bytes += n;
                        if too_long {
                            batch.push((Err("the line is longer than the 1 MiB limit for one row."), line_no));
                        } else if !line.trim_ascii().is_empty() {
                            let text = String::from_utf8(std::mem::take(&mut line))
                                .map_err(|_| "the line is not valid UTF-8.");
                            batch.push((text, line_no));
                        }
                    }
                    if !batch.is_empty() && !send(Rows::Json(Arc::clone(&file), batch), bytes - start) {
                        return Ok(());
                    }
                    if eof {
                        break;
                    }
                }
            }
            Source::Toml { files } => {
                let mut batch = Vec::new();
                for file in files {
                    let text = crate::limits::read_toml_file(&file.path).map_err(|e| match e {
                        crate::limits::ReadError::Io(e) => format!("cannot read the file: {e}."),
                        crate::limits::ReadError::NotUtf8 => "cannot read the file: it is not UTF-8 text.".to_string(),
                        crate::limits::ReadError::TooLarge => {
                            "larger than the 16 MiB limit for a TOML input.".to_string()
                        }
                    });
                    batch.push((file, text));
                    if batch.len() == 256 && !send(Rows::Toml(std::mem::take(&mut batch)), 0) {
                        return Ok(());
                    }
                }
                if !batch.is_empty() && !send(Rows::Toml(batch), 0) {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// Read until `buf` holds at least `want` bytes; true at the end of input.
/// (`read_to_end` does not zero a recycled buffer's spare capacity again.)
fn fill(input: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    while buf.len() < want {
        let missing = (want - buf.len()) as u64;
        if input.take(missing).read_to_end(buf)? == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Read into `chunk` (which starts where a record does) until it holds
/// whole records: where the last ends, `None` when the first record is past
/// [`guard::RECORD_MAX`], and whether the input ended.
fn fill_records(input: &mut dyn Read, chunk: &mut Vec<u8>) -> std::io::Result<(Option<usize>, bool)> {
    let mut want = CHUNK_BYTES;
    loop {
        let eof = fill(input, chunk, want)?;
        if let Some(cut) = last_record_end(chunk) {
            return Ok((Some(cut), eof));
        }
        if chunk.len() > guard::RECORD_MAX {
            // Lines ended by CR alone, or one record past the limit.
            return Ok((last_record_end_any(chunk), eof));
        }
        if eof {
            return Ok((Some(chunk.len()), eof));
        }
        // One record longer than a chunk: read on, up to the limit.
        want = (chunk.len() * 2).min(guard::RECORD_MAX + 1);
    }
}

/// Skip the record `chunk` starts with, reading on from `input` (in
/// `chunk`, a block at a time) to its end; what follows it goes to `carry`.
/// Returns the line feeds skipped, its own included.
fn skip_record(input: &mut dyn Read, chunk: &mut Vec<u8>, carry: &mut Vec<u8>) -> std::io::Result<u64> {
    let mut place = Place::RecordStart;
    let mut newlines = 0;
    loop {
        for (i, &b) in chunk.iter().enumerate() {
            place = place.after(b);
            newlines += u64::from(b == b'\n');
            if matches!(b, b'\n' | b'\r') && place == Place::RecordStart {
                carry.extend_from_slice(&chunk[i + 1..]);
                return Ok(newlines);
            }
        }
        chunk.clear();
        if fill(input, chunk, 1 << 16)? && chunk.is_empty() {
            return Ok(newlines);
        }
    }
}

/// Where the last complete record of `chunk` ends after a line feed or a
/// carriage return, for inputs whose lines end with CR alone.
fn last_record_end_any(chunk: &[u8]) -> Option<usize> {
    let mut place = Place::RecordStart;
    let mut last = None;
    for (i, &b) in chunk.iter().enumerate() {
        place = place.after(b);
        if matches!(b, b'\n' | b'\r') && place == Place::RecordStart {
            last = Some(i + 1);
        }
    }
    last
}

fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Where the last complete record of `chunk` ends (just after a line feed
/// outside quotes), given that `chunk` starts at the start of a record.
/// Without quotes every line feed ends a record; with them, [`Place`]
/// follows the CSV reader's quoting and comment rules.
fn last_record_end(chunk: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', chunk).is_none() {
        return memchr::memrchr(b'\n', chunk).map(|i| i + 1);
    }
    let mut place = Place::RecordStart;
    let mut last = None;
    for (i, &b) in chunk.iter().enumerate() {
        place = place.after(b);
        if b == b'\n' && place == Place::RecordStart {
            last = Some(i + 1);
        }
    }
    last
}

/// The records of a CSV chunk with the line each starts on, through the
/// `csv` crate: the reference [`Records`] is tested against.
#[cfg(test)]
fn csv_records(chunk: &[u8], first_line: u64, mut each: impl FnMut(&csv::ByteRecord, u64)) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).comment(Some(b'#')).from_reader(chunk);
    let mut record = csv::ByteRecord::new();
    let (mut at, mut line) = (0usize, first_line);
    while reader.read_byte_record(&mut record).map_err(|e| Error::Usage(format!("cannot read the CSV: {e}")))? {
        let start = record.position().map_or(at, |p| usize::try_from(p.byte()).unwrap_or(at)).max(at);
        line += count_newlines(&chunk[at..start]);
        at = start;
        // The reader's position can be before blank or comment lines that
        // precede the record: step over them.
        while at < chunk.len() {
            match chunk[at] {
                b'\n' => {
                    line += 1;
                    at += 1;
                }
                b'\r' => at += 1,
                b'#' => match chunk[at..].iter().position(|&b| b == b'\n') {
                    Some(n) => {
                        at += n + 1;
                        line += 1;
                    }
                    None => at = chunk.len(),
                },
                _ => break,
            }
        }
        if at == chunk.len() && record.len() == 1 && record[0].is_empty() {
            break; // a comment the chunk ends in, with no line ending
        }
        each(&record, line);
    }
    Ok(())
}

/// The short road for plain CSV output under the weighted sum: a row whose
/// needs are single digits 0–5 or empty, whose name (and team) need no
/// trimming, and whose constraint columns are empty is parsed, scored and
/// written here without building a [`Respondent`]. Every other row takes
/// the general road, which also reports it when it is bad; both give the
/// same bytes for a row either can take.
struct Plain<'a> {
    scorer: &'a Scorer,
    formatter: &'a RowFormatter,
    whole: WholeNeeds,
    reasons: CsvReasons,
}

/// What the short road needs of a column.
#[derive(Clone, Copy)]
enum Cell {
    Need(usize),
    Name,
    Team,
    /// Read by no one: anything goes.
    Skip,
    /// A constraint: the short road takes only rows that leave it empty.
    Empty,
}

/// Per chunk scratch space of the short road.
struct PlainRow {
    cells: Vec<Cell>,
    /// For each cell but the last: how many need cells run from it, not
    /// counting the last cell (whose field ends the record, not a comma).
    needs_ahead: Vec<usize>,
    needs: Vec<u8>,
    picks: Vec<Pick>,
}

impl PlainRow {
    fn new(plain: &Plain, layout: &Layout) -> Self {
        let cells = layout
            .columns
            .iter()
            .map(|c| match c {
                Column::Need(c) => Cell::Need(*c),
                Column::Name => Cell::Name,
                Column::Team => Cell::Team,
                Column::Description | Column::Ignored => Cell::Skip,
                Column::Languages
                | Column::ActiveOnly
                | Column::Inactive
                | Column::Exclude
                | Column::DeepLearning
                | Column::Chosen => Cell::Empty,
            })
            .collect::<Vec<_>>();
        let mut needs_ahead = vec![0; cells.len().saturating_sub(1)];
        for k in (0..needs_ahead.len()).rev() {
            if matches!(cells[k], Cell::Need(_)) {
                needs_ahead[k] = 1 + needs_ahead.get(k + 1).copied().unwrap_or(0);
            }
        }
        let criteria = plain.scorer.criteria();
        Self { cells, needs_ahead, needs: vec![0; criteria], picks: Vec::with_capacity(plain.scorer.matrix.frameworks) }
    }
}

/// Four needs written the common way, a digit 0–5 and a comma each
/// ("5,0,3,1,"): their values, when the eight bytes at `at` are that.
/// Eight bytes at once, as 16-bit lanes that no carry or borrow crosses.
fn four_needs(rest: &[u8], at: usize) -> Option<[u8; 4]> {
    const ODD: u64 = 0xff00_ff00_ff00_ff00;
    const COMMAS: u64 = 0x2c00_2c00_2c00_2c00;
    const ZEROS: u64 = 0x0030_0030_0030_0030;
    const TOP: u64 = 0x8000_8000_8000_8000;
    let word = u64::from_le_bytes(rest.get(at..at + 8)?.try_into().ok()?);
    if word & ODD != COMMAS {
        return None;
    }
    let digits = word & !ODD;
    // Lane x: the top bit of `not_below` is set iff x ≥ '0', and that of
    // `above` iff x > '5'.
    let not_below = (digits | TOP) - ZEROS;
    let above = digits + (0x8000 - u64::from(b'6')) * 0x0001_0001_0001_0001;
    if not_below & !above & TOP != TOP {
        return None;
    }
    let d = (digits - ZEROS).to_le_bytes();
    Some([d[0], d[2], d[4], d[6]])
}

/// The longest prefix of `bytes` that is UTF-8.
fn valid_utf8(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// A name or team the general road would keep as it is: UTF-8 that starts
/// and ends with a visible ASCII character (so trimming is a no-op) and does
/// not start with a `'` (which may neutralise a formula, to be taken off).
/// `text` is the checked UTF-8 prefix of `rest`.
fn as_is<'a>(rest: &'a [u8], text: &'a str, start: usize, end: usize) -> Option<&'a str> {
    let visible = |b: u8| b > b' ' && b < 0x80;
    if end == start || !visible(rest[start]) || !visible(rest[end - 1]) || rest[start] == b'\'' {
        return None;
    }
    text.get(start..end).or_else(|| std::str::from_utf8(&rest[start..end]).ok())
}

impl Plain<'_> {
    /// Parse, score and write the record at the start of `rest` if the
    /// short road can take it: returns its length, end of line included,
    /// and whether that end is a line feed. `text` is the checked UTF-8
    /// prefix of `rest`.
    ///
    /// A field here runs to the next comma or end of line; that is what the
    /// CSV reader makes of it unless it starts with a quote, which sends
    /// the row the general way.
    // A function of its own: inlined into `process` under fat LTO (the
    // `dist` profile) it ran 12% slower (`scripts/bench-batch.sh`).
    #[inline(never)]
    fn row(&self, row: &mut PlainRow, rest: &[u8], text: &str, done: &mut Done) -> Option<(usize, bool)> {
        row.needs.fill(0);
        let (mut name, mut team) = (None, "");
        let (last, cells) = row.cells.split_last()?;
        let mut i = 0;
        let mut k = 0;
        // Every field but the last ends with a comma. Need cells, most of
        // them, are a digit and a comma, or a comma alone: runs of them are
        // read four at a time where they can be.
        while let Some(cell) = cells.get(k) {
            let four = if row.needs_ahead[k] >= 4 { four_needs(rest, i) } else { None };
            if let Some(digits) = four {
                for (cell, d) in cells[k..k + 4].iter().zip(digits) {
                    if let Cell::Need(c) = *cell {
                        row.needs[c] = d;
                    }
                }
                i += 8;
                k += 4;
                continue;
            }
            k += 1;
            match *cell {
                Cell::Need(c) => match rest.get(i..i + 2)? {
                    &[d @ b'0'..=b'5', b','] => {
                        row.needs[c] = d - b'0';
                        i += 2;
                        continue;
                    }
                    [b',', _] => {
                        i += 1;
                        continue;
                    }
                    _ => return None,
                },
                Cell::Empty => {}
                Cell::Name | Cell::Team | Cell::Skip => i = Self::text(rest, text, i, *cell, &mut name, &mut team)?,
            }
            if rest.get(i) != Some(&b',') {
                return None;
            }
            i += 1;
        }
        match *last {
            Cell::Need(c) => {
                if let Some(&d @ b'0'..=b'5') = rest.get(i) {
                    row.needs[c] = d - b'0';
                    i += 1;
                }
            }
            Cell::Empty => {}
            Cell::Name | Cell::Team | Cell::Skip => i = Self::text(rest, text, i, *last, &mut name, &mut team)?,
        }
        // The last field ends the record.
        let (len, line_feed) = match rest.get(i) {
            Some(&end @ (b'\n' | b'\r')) => (i + 1, end == b'\n'),
            None => (i, false),
            _ => return None,
        };
        self.score(row, name?, team, done)?;
        Some((len, line_feed))
    }

    /// Read a text field at `start` of `rest` (a name, team or ignored
    /// column) up to the next comma or end of line; where it ends. A name
    /// or team with a quote in it goes the general way, so that the ones
    /// kept here can be written without quoting.
    fn text<'a>(
        rest: &'a [u8],
        text: &'a str,
        start: usize,
        cell: Cell,
        name: &mut Option<&'a str>,
        team: &mut &'a str,
    ) -> Option<usize> {
        if rest.get(start) == Some(&b'"') {
            return None;
        }
        // Only a name or team ends at a quote, which sends the row away.
        let kept = matches!(cell, Cell::Name | Cell::Team);
        let end = rest[start.min(rest.len())..]
            .iter()
            .position(|&b| matches!(b, b',' | b'\n' | b'\r') || (kept && b == b'"'))
            .map_or(rest.len(), |n| start + n);
        if rest.get(end) == Some(&b'"') {
            return None;
        }
        match cell {
            Cell::Name => *name = Some(as_is(rest, text, start, end)?),
            Cell::Team if end > start => *team = as_is(rest, text, start, end)?,
            _ => {}
        }
        Some(end)
    }

    /// Score the row parsed into `row` and write it; `None` when its needs
    /// carry no weight.
    fn score(&self, row: &mut PlainRow, name: &str, team: &str, done: &mut Done) -> Option<()> {
        if !self.whole.rank_into(&row.needs, &mut row.picks) {
            return None;
        }
        done.scored += 1;
        let phrase = row.picks.first().and_then(|p| {
            done.top_picks[p.framework] += 1;
            self.whole.reason_phrase(self.scorer, &row.needs, p.framework)
        });
        self.formatter.csv_row_checked(&mut done.output, name, team, &row.picks, phrase, &self.reasons);
        Some(())
    }
}

/// Count each need, rounded to 0–5, per criterion.
fn count_answers(answers: &mut [[u64; 6]], needs: &[f64]) {
    for (counts, need) in answers.iter_mut().zip(needs) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let a = (need.round() as usize).min(5);
        counts[a] += 1;
    }
}

/// Parse, score and format one batch into `output` (an empty buffer,
/// perhaps one already written).
#[allow(clippy::too_many_lines)] // one arm per input kind, read top to bottom
fn process(
    catalog: &Catalog,
    scorer: &Scorer,
    formatter: &RowFormatter,
    by_team: Option<&team::Context>,
    plain: Option<&Plain>,
    work: Work,
    mut output: Vec<u8>,
) -> (Done, Option<CsvBatch>) {
    output.clear();
    // A CSV output row is at most about twice its input row: one allocation.
    match &work.rows {
        Rows::Csv(_, chunk, _) if by_team.is_none() => output.reserve(chunk.len() * 2),
        _ => {}
    }
    let mut done = Done {
        seq: work.seq,
        output,
        errors: Vec::new(),
        scored: 0,
        rejected: 0,
        bytes: work.bytes,
        top_picks: vec![0; scorer.matrix.frameworks],
        teams: HashMap::new(),
        answers: if by_team.is_some() { vec![[0; 6]; scorer.criteria()] } else { Vec::new() },
    };
    let mut respondent = Respondent::default();
    let mut effective = Vec::with_capacity(scorer.criteria());
    let mut picks: Vec<Pick> = Vec::with_capacity(scorer.matrix.frameworks);
    let mut scratch = team::Scratch::default();
    let (criteria, frameworks) = (scorer.criteria(), scorer.matrix.frameworks);
    let team_of = |done: &mut Done, name: &str| {
        if !done.teams.contains_key(name) {
            done.teams.insert(name.to_string(), TeamAcc::new(criteria, frameworks));
        }
    };

    // `rejected_team` names the team of a rejected row, when it can be told.
    let mut handle =
        |parsed: source::RowResult, r: &Respondent, done: &mut Done, rejected_team: &dyn Fn() -> String| {
            let reject = |done: &mut Done, message: String, team: &dyn Fn() -> String| {
                done.rejected += 1;
                done.errors.push(message);
                if by_team.is_some() {
                    let team = team();
                    team_of(done, &team);
                    if let Some(acc) = done.teams.get_mut(&team) {
                        acc.rejected += 1;
                    }
                }
            };
            if let Err(d) = parsed {
                reject(done, d.to_string(), rejected_team);
                return;
            }
            let candidates = scorer.candidates(&r.require);
            // Teams need every framework's match: under the weighted sum a
            // match does not depend on the candidates, so rank them all once.
            let rank_all = by_team.is_some() && scorer.method == MethodId::WeightedSum;
            let mask = if rank_all { u64::MAX >> (64 - frameworks) } else { candidates };
            if !scorer.rank_into(&r.needs, mask, &mut effective, &mut picks) {
                reject(done, format!("`{}` states no needs that count.", r.name), &|| r.team.clone());
                return;
            }
            done.scored += 1;
            let top = picks.iter().map(|p| p.framework).find(|f| candidates & (1 << f) != 0);
            if let Some(first) = top {
                done.top_picks[first] += 1;
            }
            if let Some(context) = by_team {
                count_answers(&mut done.answers, &r.needs);
                team_of(done, &r.team);
                if let Some(acc) = done.teams.get_mut(&r.team) {
                    acc.add(context, r, top, rank_all.then_some(&picks[..]), &mut scratch);
                }
            } else {
                let reason = picks.first().map_or("", |p| scorer.main_reason(p.framework, &effective));
                formatter.row(&mut done.output, &r.name, &r.team, &picks, reason);
            }
        };

    let mut spent = None;
    match work.rows {
        Rows::Csv(layout, chunk, first_line) => {
            let mut records = Records::new(&chunk, first_line);
            let mut record = csv::ByteRecord::new();
            let mut plain = plain.map(|p| (p, PlainRow::new(p, &layout)));
            // UTF-8 is checked once for the chunk, up to its first bad byte.
            let valid = if plain.is_some() { valid_utf8(&chunk) } else { "" };
            while let Some(line) = records.next_start() {
                if let Some((plain, row)) = &mut plain {
                    let (rest, at) = records.rest();
                    if let Some((len, line_feed)) = plain.row(row, rest, valid.get(at..).unwrap_or(""), &mut done) {
                        records.skip(len, line_feed);
                        continue;
                    }
                }
                records.split();
                let fields = records.fields();
                fields.to_byte_record(&mut record);
                let parsed = parse_csv_row(&layout, &record, line, catalog, &mut respondent);
                handle(parsed, &respondent, &mut done, &|| source::csv_team(&layout, &record));
            }
            spent = Some(chunk);
        }
        Rows::Json(file, lines) => {
            for (text, line) in &lines {
                let parsed = match text {
                    Ok(text) => parse_json_row(&file, text, *line, catalog, &mut respondent),
                    #[allow(clippy::cast_possible_truncation)]
                    Err(why) => Err(Box::new(crate::error::Diagnostic::new(
                        crate::error::Location::line(&*file, *line as usize),
                        *why,
                    ))),
                };
                let text = text.as_deref().unwrap_or("");
                handle(parsed, &respondent, &mut done, &|| source::json_team(text));
            }
        }
        Rows::TooLong(file, line) => {
            #[allow(clippy::cast_possible_truncation)]
            let at = crate::error::Location::line(&*file, line as usize);
            let why = "the record is longer than the 1 MiB limit for one row; the rest of it was skipped.";
            handle(Err(Box::new(crate::error::Diagnostic::new(at, why))), &respondent, &mut done, &String::new);
        }
        Rows::Toml(files) => {
            for (file, text) in files {
                let name = file.path.display().to_string();
                let parsed = match text {
                    Ok(text) => parse_toml_file(&name, &text, &file.default_name, &file.team, catalog, &mut respondent),
                    Err(why) => {
                        Err(Box::new(crate::error::Diagnostic::new(crate::error::Location::file(name.clone()), why)))
                    }
                };
                handle(parsed, &respondent, &mut done, &|| file.team.clone());
            }
        }
    }
    (done, spent)
}

/// Write batches in input order as they arrive.
fn write_in_order(
    done: crossbeam_channel::Receiver<Done>,
    written: &crossbeam_channel::Sender<Vec<u8>>,
    formatter: &RowFormatter,
    by_team: bool,
    out: &mut (dyn Write + Send),
    observer: &dyn Observer,
) -> Result<Summary> {
    let io = |e| Error::io("write", std::path::Path::new("the output"), e);
    let mut summary = Summary::default();
    let mut pending = BTreeMap::new();
    let mut next = 0;
    let mut any_row = false;
    if !by_team {
        out.write_all(&formatter.header()).map_err(io)?;
    }
    for d in done {
        pending.insert(d.seq, d);
        while let Some(d) = pending.remove(&next) {
            next += 1;
            for e in &d.errors {
                observer.rejected(e);
            }
            summary.scored += d.scored;
            summary.rejected += d.rejected;
            if summary.top_picks.len() < d.top_picks.len() {
                summary.top_picks.resize(d.top_picks.len(), 0);
            }
            for (sum, n) in summary.top_picks.iter_mut().zip(&d.top_picks) {
                *sum += n;
            }
            observer.progress(d.scored + d.rejected, d.bytes);
            if summary.answers.len() < d.answers.len() {
                summary.answers.resize(d.answers.len(), [0; 6]);
            }
            for (sum, counts) in summary.answers.iter_mut().zip(&d.answers) {
                for (a, b) in sum.iter_mut().zip(counts) {
                    *a += b;
                }
            }
            for (team, acc) in d.teams {
                match summary.teams.get_mut(&team) {
                    Some(total) => total.merge(acc),
                    None => {
                        summary.teams.insert(team, acc);
                    }
                }
            }
            let mut bytes: &[u8] = &d.output;
            if formatter.format == Format::Json && !any_row && !bytes.is_empty() {
                bytes = &bytes[1..]; // the first row has no comma before it
            }
            any_row |= !bytes.is_empty();
            out.write_all(bytes).map_err(io)?;
            let _ = written.try_send(d.output);
        }
    }
    if !by_team {
        out.write_all(&formatter.footer(any_row)).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn records_end_at_line_feeds_outside_quotes_and_comments() {
        assert_eq!(last_record_end(b"a,1\nb,2\nc,"), Some(8));
        assert_eq!(last_record_end(b"a,1\n\"b\n,2\",3\nc"), Some(13));
        assert_eq!(last_record_end(b"a,1\n\"b\n"), Some(4), "inside quotes");
        assert_eq!(last_record_end(b"a,\"x\"\"\ny\"\n"), Some(10), "an escaped quote");
        assert_eq!(last_record_end(b"# say \"hi\n\"a\",1\r\n"), Some(17), "a quote in a comment");
        assert_eq!(last_record_end(b"ab\"c\nd"), Some(5), "a quote inside an unquoted field is literal");
        assert_eq!(last_record_end(b"abc"), None);
    }

    #[test]
    fn four_needs_at_once_read_as_one_at_a_time() {
        // One at a time: a digit 0–5 and a comma, four times.
        let naive = |bytes: &[u8]| -> Option<[u8; 4]> {
            let mut out = [0; 4];
            for (n, pair) in out.iter_mut().zip(bytes.chunks(2)) {
                match pair {
                    &[d @ b'0'..=b'5', b','] => *n = d - b'0',
                    _ => return None,
                }
            }
            Some(out)
        };
        // Every byte in every place, around a valid "0,1,2,3," and a "5,5,5,5,".
        for base in [*b"0,1,2,3,", *b"5,5,5,5,"] {
            for at in 0..8 {
                for b in 0..=255u8 {
                    let mut bytes = base;
                    bytes[at] = b;
                    assert_eq!(four_needs(&bytes, 0), naive(&bytes), "{bytes:?}");
                }
            }
        }
        assert_eq!(four_needs(b"x1,2,3,4,", 1), Some([1, 2, 3, 4]));
        assert_eq!(four_needs(b"1,2,3,4", 0), None, "seven bytes");
    }

    #[test]
    fn line_feeds_are_counted_in_inputs_of_any_length() {
        let bytes: Vec<u8> = (0..40_000u32).map(|i| if i % 7 == 0 || i % 13 == 0 { b'\n' } else { b'a' }).collect();
        for len in [0, 1, 31, 32, 33, 8159, 8160, 8161, 40_000] {
            let naive = bytes[..len].iter().map(|&b| u64::from(b == b'\n')).sum::<u64>();
            assert_eq!(count_newlines(&bytes[..len]), naive, "{len}");
        }
        assert_eq!(count_newlines(&vec![b'\n'; 20_000]), 20_000);
    }

    #[test]
    fn record_lines_count_crlf_blank_lines_comments_and_quoted_breaks() {
        let chunk = b"A,1\r\n\r\n# note\r\nB,2\r\n\"C\r\nc\",3\r\nD,4\r\n";
        let mut seen = Vec::new();
        csv_records(chunk, 10, |record, line| seen.push((String::from_utf8_lossy(&record[0]).into_owned(), line)))
            .unwrap();
        let expected: Vec<(String, u64)> =
            [("A", 10), ("B", 13), ("C\r\nc", 14), ("D", 16)].iter().map(|(n, l)| ((*n).to_string(), *l)).collect();
        assert_eq!(seen, expected);
    }

    /// Each record's fields and line, through [`Records`].
    fn split_all(chunk: &[u8], first_line: u64) -> Vec<(Vec<Vec<u8>>, u64)> {
        let mut records = Records::new(chunk, first_line);
        let mut seen = Vec::new();
        while let Some(line) = records.next_record() {
            seen.push((records.fields().iter().map(<[u8]>::to_vec).collect(), line));
        }
        seen
    }

    /// The same through the `csv` crate.
    fn split_all_by_csv(chunk: &[u8], first_line: u64) -> Vec<(Vec<Vec<u8>>, u64)> {
        let mut seen = Vec::new();
        csv_records(chunk, first_line, |record, line| seen.push((record.iter().map(<[u8]>::to_vec).collect(), line)))
            .unwrap();
        seen
    }

    #[test]
    fn records_split_as_the_csv_reader_does() {
        for chunk in [
            &b"a,1\r\n\r\n# note\r\nB,2\r\n\"C\r\nc\",3\r\nD,4\r\n"[..],
            b"a,\"x\"\"y\"z,\"\"\n\"open,\n\n",
            b"a\rb\r\n\r#c\rd\n#e",
            b"\xef\xbb\xbf\n\na,b\n\nc",
            b"x,\"q\"\r\"r\",",
            b"",
            b",",
            b"\"",
            b"#",
        ] {
            assert_eq!(split_all(chunk, 7), split_all_by_csv(chunk, 7), "{:?}", String::from_utf8_lossy(chunk));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn records_split_as_the_csv_reader_does_on_any_bytes(
            chunk in proptest::collection::vec(proptest::sample::select(
                &b"ab ,,\"\"\n\n\r#\xef\xbb\xbf"[..]), 0..80),
        ) {
            proptest::prop_assert_eq!(split_all(&chunk, 3), split_all_by_csv(&chunk, 3));
        }
    }

    /// Keeps rejection messages, in order.
    struct Rejections(std::sync::Mutex<Vec<String>>);

    impl Observer for Rejections {
        fn rejected(&self, message: &str) {
            self.0.lock().unwrap().push(message.to_string());
        }
        fn progress(&self, _: u64, _: u64) {}
    }

    /// A seeded survey of `rows` rows with quoted fields, CRLF and LF ends,
    /// blank and comment lines, bad cells and short rows mixed in.
    fn rough_survey(rows: usize, seed: u64) -> Vec<u8> {
        use rand_xoshiro::rand_core::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut pick = |n: u32| rng.next_u32() % n;
        let criteria = Catalog::builtin().unwrap().criterion_ids().join(",");
        let mut text = format!("name,team,{criteria},languages,inactive,exclude\r\n");
        let names = ["\"Smith, Jo\"", "\"say \"\"hi\"\"\"", "\"two\r\nlines\"", " pad ", "=sum", "", "Zoë", "a\"b"];
        let cells = ["", "2.5", "x", "7", " 3", "\"4\"", "1e0"];
        let extras = [",,", "python,,", ",rank,", ",,theano", "cobol,,", ",bogus,", ",,\"keras;pytorch\""];
        for i in 0..rows {
            match pick(100) {
                0 => text.push_str("\r\n"),
                1 => text.push_str("# a comment, \"quoted\r\n"),
                2 => text.push_str("short,row\n"),
                _ => {
                    let name = if pick(4) == 0 { names[pick(8) as usize].to_string() } else { format!("r{i}") };
                    let teams = ["t\"q", "-x", "", " sp", "\"a,b\""];
                    let team =
                        if pick(20) == 0 { teams[pick(5) as usize].to_string() } else { format!("team{}", pick(5)) };
                    let _ = write!(text, "{name},{team}");
                    for _ in 0..Catalog::builtin().unwrap().criteria.len() {
                        let cell =
                            if pick(30) == 0 { cells[pick(7) as usize].to_string() } else { pick(6).to_string() };
                        let _ = write!(text, ",{cell}");
                    }
                    let extra = if pick(10) == 0 { extras[pick(7) as usize] } else { ",," };
                    let _ = write!(text, ",{extra}{}", if pick(2) == 0 { "\r\n" } else { "\n" });
                }
            }
        }
        text.push_str("last,t,3");
        text.into_bytes()
    }

    #[test]
    fn the_short_road_writes_what_the_general_road_writes() {
        let catalog = Catalog::builtin().unwrap();
        let survey = rough_survey(20_000, 11);
        let mut results = Vec::new();
        for (short_road, threads, top) in [(false, 1, 3), (true, 1, 3), (true, 2, 3), (false, 2, 1), (true, 2, 1)] {
            let raw = source::open_csv_raw(std::io::Cursor::new(survey.clone()), "s.csv", &catalog, false).unwrap();
            let sources = vec![Source::from(raw)];
            let options = Options {
                method: MethodId::WeightedSum,
                inactive: InactivePolicy::Separate,
                format: Format::Csv,
                top,
                width: crate::report::DEFAULT_WIDTH,
                by_team: false,
                threads,
                approval_margin: 5.0,
            };
            let rejections = Rejections(std::sync::Mutex::new(Vec::new()));
            let mut out = Vec::new();
            let summary =
                run_roads(&catalog, sources, &options, &mut out, &rejections, &AtomicBool::new(false), short_road)
                    .unwrap();
            let rejected = rejections.0.into_inner().unwrap();
            assert!(summary.scored > 15_000 && summary.rejected > 500, "{summary:?}");
            results.push((top, out, rejected, summary.scored, summary.top_picks));
        }
        for result in &results[1..3] {
            assert!(*result == results[0], "top 3");
        }
        assert!(results[4] == results[3], "top 1");
    }

    struct Recorder(std::sync::Mutex<(u64, u64)>);

    impl Observer for Recorder {
        fn rejected(&self, _: &str) {}
        fn progress(&self, rows: u64, bytes: u64) {
            let mut total = self.0.lock().unwrap();
            total.0 += rows;
            total.1 += bytes;
        }
    }

    #[test]
    fn progress_adds_up_across_inputs() {
        let catalog = Catalog::builtin().unwrap();
        let mut sources = Vec::new();
        let mut body_bytes = 0;
        for rows in [3000usize, 5000] {
            let mut text = String::from("name,debuggability\n");
            let header = text.len();
            for i in 0..rows {
                let _ = writeln!(text, "r{i},{}", i % 5 + 1);
            }
            body_bytes += text.len() - header;
            let raw = source::open_csv_raw(std::io::Cursor::new(text.into_bytes()), "s.csv", &catalog, false).unwrap();
            sources.push(Source::from(raw));
        }
        let options = Options {
            method: MethodId::WeightedSum,
            inactive: InactivePolicy::Separate,
            format: Format::Csv,
            width: crate::report::DEFAULT_WIDTH,
            top: 1,
            by_team: false,
            threads: 2,
            approval_margin: 5.0,
        };
        let recorder = Recorder(std::sync::Mutex::new((0, 0)));
        let mut out = Vec::new();
        let summary = run(&catalog, sources, &options, &mut out, &recorder, &AtomicBool::new(false)).unwrap();
        assert_eq!(summary.scored, 8000);
        assert_eq!(*recorder.0.lock().unwrap(), (8000, body_bytes as u64));
    }
}
