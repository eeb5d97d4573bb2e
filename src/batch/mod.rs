//! `dlpick batch`: score many respondents at once, streaming.
//!
//! A reader (the calling thread) cuts the input into batches of rows; worker
//! threads (one per core) parse, score and format each batch; a writer
//! thread puts the formatted batches back in input order. Channels are
//! bounded, so memory stays flat however long the input is. Bad rows are
//! reported with file and line and skipped; they never stop the run.

mod plain;
pub mod sink;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::bounded;

use crate::score::rows::{Pick, Scorer};
use crate::score::whole_needs::WholeNeeds;
use crate::survey::chunks::{CHUNK_BYTES, count_newlines, fill_records, skip_record, unclosed_record};
use crate::survey::guard;
use crate::survey::source::{self, Layout, Records, Respondent, parse_csv_row, parse_json_row, parse_toml_file};
use plain::{Plain, PlainRow, valid_utf8};
use sink::{Row, RowSink};

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::profile::InactivePolicy;
use crate::score::MethodId;
use crate::team::{self, Department, Member, TeamAcc};

/// Rows per batch handed to a worker (JSON Lines).
const BATCH_ROWS: usize = 4096;

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

/// What a run makes of its respondents.
pub enum Output<'a> {
    /// A row per respondent, laid out by `sink` and written to `out` in
    /// input order.
    Rows { sink: &'a dyn RowSink, out: &'a mut (dyn Write + Send) },
    /// Each team's aggregates, in the [`Summary`]; nothing is written.
    Teams,
}

impl Summary {
    /// The teams of a finished [`Output::Teams`] run, everyone together and
    /// the run's counts: what `dlpick batch --by-team` reports and the
    /// survey server's admin page shows.
    pub fn department(&self, catalog: &Catalog, options: &Options) -> Result<Department> {
        let scorer = Scorer::new(catalog, options.method, options.inactive)?;
        let context = team::Context::new(catalog, &scorer, options.approval_margin);
        let (teams, all) = team::finish(&context, &self.teams);
        Ok(Department {
            teams,
            all,
            scored: self.scored,
            rejected: self.rejected,
            top_picks: self.top_picks.clone(),
            answers: self.answers.clone(),
            method: options.method,
            approval_margin: options.approval_margin,
        })
    }
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
    /// A CSV record that cannot be a row, by the line it starts on, and why.
    Broken(Arc<str>, u64, &'static str),
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

/// Score every respondent of `sources`, writing a row each (or
/// accumulating each team in a [`TeamAcc`]).
pub fn run(
    catalog: &Catalog,
    sources: Vec<Source>,
    options: &Options,
    output: Output<'_>,
    observer: &dyn Observer,
    stop: &AtomicBool,
) -> Result<Summary> {
    run_roads(catalog, sources, options, output, observer, stop, true)
}

/// [`run`], optionally without the short road (to test it against the
/// general one).
fn run_roads(
    catalog: &Catalog,
    sources: Vec<Source>,
    options: &Options,
    output: Output<'_>,
    observer: &dyn Observer,
    stop: &AtomicBool,
    short_road: bool,
) -> Result<Summary> {
    let scorer = Scorer::new(catalog, options.method, options.inactive)?;
    let context = team::Context::new(catalog, &scorer, options.approval_margin);
    let (sink, out) = match output {
        Output::Rows { sink, out } => (Some(sink), Some(out)),
        Output::Teams => (None, None),
    };
    // Rows out: the common CSV rows take a shorter road (see `plain`).
    let plain =
        sink.filter(|_| short_road).and_then(|sink| WholeNeeds::new(&scorer).map(|whole| Plain { sink, whole }));
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
            let (scorer, context, plain) = (&scorer, &context, plain.as_ref());
            scope.spawn(move || {
                for work in work_rx {
                    let to = match sink {
                        Some(sink) => To::Rows(sink, plain),
                        None => To::Teams(context),
                    };
                    let output = written_rx.try_recv().unwrap_or_default();
                    let (done, spent) = process(catalog, scorer, to, work, output);
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
        let rows = sink.zip(out);
        let writer = scope.spawn(|| write_in_order(done_rx, &written_tx, rows, observer));
        drop(recycle_tx);
        let read = read_all(sources, &work_tx, &recycle_rx, stop);
        drop(work_tx);
        let written = writer.join().unwrap_or_else(|_| Err(Error::Internal("the writer thread failed".to_string())));
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
            Source::Csv { layout, mut input, pending, line } => {
                if !read_csv(&layout, &mut *input, pending, line, recycled, &mut send)? {
                    return Ok(());
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

/// Cut one CSV input into chunks of whole records and send them; false
/// when the run is to stop.
fn read_csv(
    layout: &Arc<Layout>,
    input: &mut dyn Read,
    pending: Vec<u8>,
    mut line: u64,
    recycled: &crossbeam_channel::Receiver<CsvBatch>,
    send: &mut dyn FnMut(Rows, u64) -> bool,
) -> Result<bool> {
    let io = |e| Error::io("read", std::path::Path::new(&layout.file), e);
    let mut carry = pending;
    let mut eof = false;
    // At the end of the input, what is left after the last line ending is
    // the last record: it goes round once more.
    while !eof || !carry.is_empty() {
        let mut chunk = recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK_BYTES + (1 << 16)));
        chunk.clear();
        chunk.append(&mut carry);
        let cut;
        (cut, eof) = fill_records(input, &mut chunk).map_err(io)?;
        let Some(cut) = cut else {
            // The record the chunk starts with is too long: report it (a
            // comment is no row) and skip the rest of it.
            let comment = chunk.iter().find(|&&b| b != b'\r') == Some(&b'#');
            let start = line;
            line += skip_record(input, &mut chunk, &mut carry).map_err(io)?;
            eof = false;
            if !comment && !send(Rows::Broken(Arc::from(layout.file.as_str()), start, TOO_LONG), 0) {
                return Ok(false);
            }
            continue;
        };
        carry.extend_from_slice(&chunk[cut..]);
        chunk.truncate(cut);
        // A quote still open at the end has taken in every line after it:
        // that record is rejected by its first line.
        let unclosed = if eof && carry.is_empty() { unclosed_record(&chunk) } else { None };
        let broken = unclosed.map(|start| {
            let at = line + count_newlines(&chunk[..start]);
            chunk.truncate(start);
            at
        });
        if !chunk.is_empty() {
            let newlines = count_newlines(&chunk);
            let bytes = chunk.len() as u64;
            if !send(Rows::Csv(Arc::clone(layout), chunk, line), bytes) {
                return Ok(false);
            }
            line += newlines;
        }
        if let Some(at) = broken {
            if !send(Rows::Broken(Arc::from(layout.file.as_str()), at, UNCLOSED), 0) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Why a CSV record longer than [`guard::RECORD_MAX`] is no row.
const TOO_LONG: &str = "the record is longer than the 1 MiB limit for one row; the rest of it was skipped.";
/// Why a CSV record whose quote is never closed is no row.
const UNCLOSED: &str = "a quote opened in this row is never closed, so the rest of the input was read into it; \
     close the quote (a quote inside a quoted field is written twice: \"\").";

/// The records of a CSV chunk with the line each starts on, through the
/// `csv` crate: the reference [`Records`] is tested against.
#[cfg(test)]
fn csv_records(chunk: &[u8], first_line: u64, mut each: impl FnMut(&csv::ByteRecord, u64)) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).comment(Some(b'#')).from_reader(chunk);
    let mut record = csv::ByteRecord::new();
    let (mut at, mut line) = (0usize, first_line);
    while reader.read_byte_record(&mut record).map_err(|e| Error::Internal(format!("cannot read the CSV: {e}")))? {
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

/// Count each need, rounded to 0–5, per criterion.
fn count_answers(answers: &mut [[u64; 6]], needs: &[f64], unasked: &[usize]) {
    for (c, (counts, need)) in answers.iter_mut().zip(needs).enumerate() {
        if unasked.contains(&c) {
            continue;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let a = (need.round() as usize).min(5);
        counts[a] += 1;
    }
}

/// Where a worker's scored rows go.
#[derive(Clone, Copy)]
enum To<'a> {
    /// Laid out by the sink, some perhaps by the short road.
    Rows(&'a dyn RowSink, Option<&'a Plain<'a>>),
    /// Into each team's aggregates.
    Teams(&'a team::Context<'a>),
}

/// Parse, score and format one batch into `output` (an empty buffer,
/// perhaps one already written).
#[allow(clippy::too_many_lines)] // one arm per input kind, read top to bottom
fn process(catalog: &Catalog, scorer: &Scorer, to: To, work: Work, mut output: Vec<u8>) -> (Done, Option<CsvBatch>) {
    let (by_team, plain) = match to {
        To::Rows(_, plain) => (None, plain),
        To::Teams(context) => (Some(context), None),
    };
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
    let mut handle = |parsed: source::RowResult,
                      r: &Respondent,
                      done: &mut Done,
                      rejected_team: &dyn Fn() -> String| {
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
        // A row whose routes decide a criterion scores on its own matrix.
        let routed = scorer.routed_matrix(&r.require);
        if !scorer.rank_into(&r.needs, mask, routed.as_ref(), &mut effective, &mut picks) {
            reject(done, format!("`{}` states no needs that count.", r.name), &|| r.team.clone());
            return;
        }
        done.scored += 1;
        let top = picks.iter().map(|p| p.framework).find(|f| candidates & (1 << f) != 0);
        if let Some(first) = top {
            done.top_picks[first] += 1;
        }
        if let Some(context) = by_team {
            count_answers(&mut done.answers, &r.needs, &r.unasked);
            team_of(done, &r.team);
            if let Some(acc) = done.teams.get_mut(&r.team) {
                let member = Member { name: &r.name, needs: &r.needs, require: &r.require, unasked: &r.unasked };
                acc.add(context, &member, top, rank_all.then_some(&picks[..]), &mut scratch);
            }
        } else if let To::Rows(sink, _) = to {
            let reason = picks.first().and_then(|p| scorer.main_reason(p.framework, &effective, routed.as_ref()));
            // Nothing competes: say why as `recommend` says it (rare, so
            // the whole advice is worked out for the row).
            let shortfall = picks.is_empty().then(|| {
                let advice =
                    crate::explain::advise(catalog, vec![r.to_profile(catalog)], scorer.method, None, scorer.inactive);
                advice.into_iter().next().and_then(|a| a.shortfall).unwrap_or_default()
            });
            let row = Row {
                name: &r.name,
                team: &r.team,
                picks: &picks,
                reason,
                shortfall: shortfall.as_deref(),
                plain: false,
            };
            sink.row(&mut done.output, &row);
        }
    };

    let mut spent = None;
    match work.rows {
        Rows::Csv(layout, chunk, first_line) => {
            let mut records = Records::new(&chunk, first_line);
            let mut record = csv::ByteRecord::new();
            let mut plain = plain.map(|p| (p, PlainRow::new(scorer, &layout)));
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
                fields.copy_into(&mut record);
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
        Rows::Broken(file, line, why) => {
            #[allow(clippy::cast_possible_truncation)]
            let at = crate::error::Location::line(&*file, line as usize);
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

/// Write batches in input order as they arrive (to `rows`, when rows are
/// wanted).
fn write_in_order(
    done: crossbeam_channel::Receiver<Done>,
    written: &crossbeam_channel::Sender<Vec<u8>>,
    mut rows: Option<(&dyn RowSink, &mut (dyn Write + Send))>,
    observer: &dyn Observer,
) -> Result<Summary> {
    let io = |e| Error::io("write", std::path::Path::new("the output"), e);
    let mut summary = Summary::default();
    let mut pending = BTreeMap::new();
    let mut next = 0;
    let mut any_row = false;
    if let Some((sink, out)) = &mut rows {
        out.write_all(&sink.header()).map_err(io)?;
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
            if let Some((sink, out)) = &mut rows {
                let mut bytes: &[u8] = &d.output;
                if !any_row && !bytes.is_empty() {
                    bytes = &bytes[sink.separator()..]; // nothing before the first row
                }
                any_row |= !bytes.is_empty();
                out.write_all(bytes).map_err(io)?;
            }
            let _ = written.try_send(d.output);
        }
    }
    if let Some((sink, out)) = &mut rows {
        out.write_all(&sink.footer(any_row)).map_err(io)?;
        out.flush().map_err(io)?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::survey::chunks::last_record_end;

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

    /// Writes all that a row carries, matches to the bit, but whether it
    /// is plain (which only says which road it took).
    struct Everything;

    impl RowSink for Everything {
        fn header(&self) -> Vec<u8> {
            b"rows\n".to_vec()
        }
        fn row(&self, buf: &mut Vec<u8>, row: &Row<'_>) {
            let picks: Vec<(usize, u64, i64)> =
                row.picks.iter().map(|p| (p.framework, p.score.get().to_bits(), p.key)).collect();
            let _ = writeln!(buf, "{:?} {:?} {picks:?} {:?}", row.name, row.team, row.reason);
        }
        fn footer(&self, any: bool) -> Vec<u8> {
            format!("end {any}\n").into_bytes()
        }
    }

    /// The differential test of the short road: a rough survey read both
    /// ways, with one thread and two, gives the same rows, rejections and
    /// counts.
    #[test]
    fn the_short_road_writes_what_the_general_road_writes() {
        let catalog = Catalog::builtin().unwrap();
        let survey = rough_survey(20_000, 11);
        let mut results = Vec::new();
        for (short_road, threads) in [(false, 1), (true, 1), (true, 2), (false, 2)] {
            let raw = source::open_csv_raw(std::io::Cursor::new(survey.clone()), "s.csv", &catalog, false).unwrap();
            let sources = vec![Source::from(raw)];
            let options = Options {
                method: MethodId::WeightedSum,
                inactive: InactivePolicy::Separate,
                threads,
                approval_margin: 5.0,
            };
            let rejections = Rejections(std::sync::Mutex::new(Vec::new()));
            let mut out = Vec::new();
            let output = Output::Rows { sink: &Everything, out: &mut out };
            let summary =
                run_roads(&catalog, sources, &options, output, &rejections, &AtomicBool::new(false), short_road)
                    .unwrap();
            let rejected = rejections.0.into_inner().unwrap();
            assert!(summary.scored > 15_000 && summary.rejected > 500, "{summary:?}");
            assert_eq!(String::from_utf8_lossy(&out).lines().count() as u64, summary.scored + 2);
            results.push((out, rejected, summary.scored, summary.top_picks));
        }
        for result in &results[1..] {
            assert!(*result == results[0]);
        }
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
            threads: 2,
            approval_margin: 5.0,
        };
        let recorder = Recorder(std::sync::Mutex::new((0, 0)));
        let mut out = Vec::new();
        let output = Output::Rows { sink: &Everything, out: &mut out };
        let summary = run(&catalog, sources, &options, output, &recorder, &AtomicBool::new(false)).unwrap();
        assert_eq!(summary.scored, 8000);
        assert_eq!(*recorder.0.lock().unwrap(), (8000, body_bytes as u64));
    }
}
