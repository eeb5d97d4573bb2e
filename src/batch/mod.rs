//! `dlpick batch`: score many respondents at once, streaming.
//!
//! A reader (the calling thread) cuts the input into batches of rows; worker
//! threads (one per core) parse, score and format each batch; a writer
//! thread puts the formatted batches back in input order. Channels are
//! bounded, so memory stays flat however long the input is. Bad rows are
//! reported with file and line and skipped; they never stop the run.

pub mod guard;
pub mod report;
mod rows;
pub mod scorer;
pub mod source;
pub mod team;

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::bounded;

pub use rows::{BatchFormat, NO_MATCH, RowFormatter};
use scorer::{Pick, Scorer};
use source::{Layout, Respondent, parse_csv_row, parse_json_row, parse_toml_file};
pub use team::{Member, TeamResult};

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::score::MethodId;

/// Rows per batch handed to a worker.
const BATCH_ROWS: usize = 4096;

/// One input, opened and (for CSV) with its header checked.
pub enum Source {
    /// `long` notes the records the [`guard::RecordGuard`] under `reader` cut.
    Csv {
        layout: Arc<Layout>,
        reader: csv::Reader<Box<dyn Read + Send>>,
        long: guard::LongRecords,
    },
    Jsonl {
        file: Arc<str>,
        reader: Box<dyn BufRead + Send>,
    },
    Toml {
        files: Vec<TomlFile>,
    },
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
    pub format: BatchFormat,
    pub top: usize,
    pub by_team: bool,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub scored: u64,
    pub rejected: u64,
    /// How many respondents each framework fits best.
    pub top_picks: Vec<u64>,
    /// Members by team, when `by_team`.
    pub teams: BTreeMap<String, Vec<Member>>,
}

/// Callbacks the caller uses to watch a run.
pub trait Observer: Sync {
    /// A rejected row, in input order.
    fn rejected(&self, message: &str);
    /// `rows` more rows handled; `bytes` of input consumed so far.
    fn progress(&self, rows: u64, bytes: u64);
}

/// CSV records with the line each starts on, and whether it was cut for
/// being longer than [`guard::RECORD_MAX`].
type CsvBatch = Vec<(csv::ByteRecord, u64, bool)>;

enum Rows {
    Csv(Arc<Layout>, CsvBatch),
    /// Lines, or why a line cannot be a row (too long, not UTF-8).
    Json(Arc<str>, Vec<(std::result::Result<String, &'static str>, u64)>),
    Toml(Vec<(TomlFile, std::result::Result<String, String>)>),
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
    members: Vec<(String, Member)>,
}

/// Score every respondent of `sources`, writing rows to `out` (or, with
/// `by_team`, collecting members for [`team::combine`]).
pub fn run(
    catalog: &Catalog,
    sources: Vec<Source>,
    options: &Options,
    out: &mut (dyn Write + Send),
    observer: &dyn Observer,
    stop: &AtomicBool,
) -> Result<Summary> {
    let scorer = Scorer::new(catalog, options.method)?;
    let formatter = RowFormatter::new(options.format, options.top, catalog);
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        options.threads
    };
    let (work_tx, work_rx) = bounded::<Work>(threads * 2);
    let (done_tx, done_rx) = bounded::<Done>(threads * 2);
    // Spent CSV batches go back to the reader, so records keep their buffers.
    let (recycle_tx, recycle_rx) = bounded::<CsvBatch>(threads * 4);

    std::thread::scope(|scope| {
        for _ in 0..threads {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let recycle_tx = recycle_tx.clone();
            let (scorer, formatter) = (&scorer, &formatter);
            scope.spawn(move || {
                for work in work_rx {
                    let (done, spent) = process(catalog, scorer, formatter, options.by_team, work);
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

        let writer = scope.spawn(|| write_in_order(done_rx, &formatter, options.by_team, out, observer));
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
            Source::Csv { layout, mut reader, long } => loop {
                let mut batch = recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH_ROWS));
                let mut n = 0;
                while n < BATCH_ROWS {
                    if n == batch.len() {
                        batch.push((csv::ByteRecord::new(), 0, false));
                    }
                    let (record, line, cut) = &mut batch[n];
                    match reader.read_byte_record(record) {
                        Ok(true) => {
                            *line = record.position().map_or(0, csv::Position::line);
                            *cut = long.was_cut(*line);
                            n += 1;
                        }
                        Ok(false) => break,
                        Err(e) => return Err(csv_error(&layout.file, &e)),
                    }
                }
                batch.truncate(n);
                let full = n == BATCH_ROWS;
                let bytes = reader.position().byte();
                if !batch.is_empty() && !send(Rows::Csv(Arc::clone(&layout), batch), bytes) {
                    return Ok(());
                }
                if !full {
                    break;
                }
            },
            Source::Jsonl { file, mut reader } => {
                let mut line_no = 0u64;
                let mut bytes = 0u64;
                let mut line = Vec::new();
                loop {
                    let mut batch = Vec::with_capacity(BATCH_ROWS);
                    let mut eof = false;
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
                    if !batch.is_empty() && !send(Rows::Json(Arc::clone(&file), batch), bytes) {
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

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map(|p| format!(":{}", p.line())).unwrap_or_default();
    Error::Usage(format!("{file}{line}: cannot read the CSV: {e}"))
}

/// Parse, score and format one batch.
fn process(
    catalog: &Catalog,
    scorer: &Scorer,
    formatter: &RowFormatter,
    by_team: bool,
    work: Work,
) -> (Done, Option<CsvBatch>) {
    let mut done = Done {
        seq: work.seq,
        output: Vec::new(),
        errors: Vec::new(),
        scored: 0,
        rejected: 0,
        bytes: work.bytes,
        top_picks: vec![0; scorer.matrix.frameworks],
        members: Vec::new(),
    };
    let mut respondent = Respondent::default();
    let mut effective = Vec::with_capacity(scorer.criteria());
    let mut picks: Vec<Pick> = Vec::with_capacity(scorer.matrix.frameworks);

    let mut handle = |parsed: source::RowResult, r: &Respondent, done: &mut Done| {
        if let Err(d) = parsed {
            done.rejected += 1;
            done.errors.push(d.to_string());
            return;
        }
        let candidates = scorer.candidates(&r.require);
        if !scorer.rank_into(&r.needs, candidates, &mut effective, &mut picks) {
            done.rejected += 1;
            done.errors.push(format!("`{}` states no needs that count.", r.name));
            return;
        }
        done.scored += 1;
        if let Some(first) = picks.first() {
            done.top_picks[first.framework] += 1;
        }
        if by_team {
            done.members.push((
                r.team.clone(),
                Member {
                    name: r.name.clone(),
                    needs: r.needs.clone(),
                    require: r.require.clone(),
                    top: picks.first().map(|p| p.framework),
                },
            ));
        } else {
            let reason = picks.first().map_or("", |p| scorer.main_reason(p.framework, &effective));
            formatter.row(&mut done.output, &r.name, &r.team, &picks, reason);
        }
    };

    let mut spent = None;
    match work.rows {
        Rows::Csv(layout, records) => {
            for (record, line, cut) in &records {
                let parsed = if *cut {
                    #[allow(clippy::cast_possible_truncation)]
                    let at = crate::error::Location::line(layout.file.clone(), *line as usize);
                    Err(Box::new(crate::error::Diagnostic::new(
                        at,
                        "the record is longer than the 1 MiB limit for one row.",
                    )))
                } else {
                    parse_csv_row(&layout, record, *line, catalog, &mut respondent)
                };
                handle(parsed, &respondent, &mut done);
            }
            spent = Some(records);
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
                handle(parsed, &respondent, &mut done);
            }
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
                handle(parsed, &respondent, &mut done);
            }
        }
    }
    (done, spent)
}

/// Write batches in input order as they arrive.
fn write_in_order(
    done: crossbeam_channel::Receiver<Done>,
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
            for (team, member) in d.members {
                summary.teams.entry(team).or_default().push(member);
            }
            let mut bytes: &[u8] = &d.output;
            if formatter.format == BatchFormat::Json && !any_row && !bytes.is_empty() {
                bytes = &bytes[1..]; // the first row has no comma before it
            }
            any_row |= !bytes.is_empty();
            out.write_all(bytes).map_err(io)?;
        }
    }
    if !by_team {
        out.write_all(&formatter.footer(any_row)).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(summary)
}
