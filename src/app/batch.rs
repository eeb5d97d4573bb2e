//! `dlpick batch`: open the inputs, check their headers, run the streaming
//! scorer, and deliver the output atomically.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::batch::guard::{LongRecords, RecordGuard};
use crate::batch::source::{EXTRA_COLUMNS, open_csv};
use crate::batch::{self, BatchFormat, Observer, Source, TomlFile, team};
use crate::catalog::Catalog;
use crate::cli::{BatchArgs, Cli, InputFormat};
use crate::error::{Error, Result};
use crate::output::AtomicFile;
use crate::report::Options;

use super::{load_catalog, toml_files};

/// Never set: signals are handled by [`crate::signals`], which removes the
/// unfinished output and exits at once. The batch core still takes a flag.
static STOP: AtomicBool = AtomicBool::new(false);

pub fn run(cli: &Cli, args: &BatchArgs) -> Result<ExitCode> {
    let catalog = load_catalog(cli)?;
    if args.template {
        let text = template(&catalog, args.with_questions);
        super::deliver(
            &text,
            &crate::cli::OutputArgs { format: crate::report::Format::Text, out: args.out.clone(), force: args.force },
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    // Refuse to replace --out unless forced, then open every input and check
    // every header, all before a byte is written.
    let mut sink = Sink::open(args.out.as_deref(), args.force)?;
    let mut sources = Vec::new();
    let mut total_bytes = Some(0u64);
    if args.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Error::Usage("standard input (`-`) can be read only once.".to_string()));
    }
    for input in &args.inputs {
        let (source, size) = open(input, args, &catalog, cli.quiet)?;
        total_bytes = total_bytes.zip(size).map(|(a, b)| a + b);
        sources.push(source);
    }

    let progress = Progress::new(total_bytes, cli.quiet);
    let format = args.format.unwrap_or(if args.by_team { BatchFormat::Text } else { BatchFormat::Csv });
    let options = batch::Options {
        method: args.method,
        format,
        top: usize::from(args.top),
        by_team: args.by_team,
        threads: args.threads,
    };

    let summary = batch::run(&catalog, sources, &options, sink.writer(), &progress, &STOP)?;
    progress.bar.finish_and_clear();

    if format == BatchFormat::Html && !args.by_team {
        let page =
            crate::report::html::batch_page(&catalog, summary.scored, &summary.top_picks, &[], &Options::default());
        sink.writer().write_all(page.as_bytes()).map_err(|e| Error::io("write", Path::new("the output"), e))?;
    }
    if args.by_team {
        let scorer = batch::scorer::Scorer::new(&catalog, args.method)?;
        let teams: Vec<team::TeamResult> =
            summary.teams.iter().map(|(name, members)| team::combine(&catalog, &scorer, name, members)).collect();
        let report_options = Options {
            top: Some(usize::from(args.top)),
            color: crate::output::use_color(cli.color, args.out.is_some()),
            ..Options::default()
        };
        let text = batch::report::render(&catalog, &teams, &summary.top_picks, format, &report_options);
        sink.writer().write_all(text.as_bytes()).map_err(|e| Error::io("write", Path::new("the output"), e))?;
    }
    sink.finish()?;

    if !cli.quiet {
        eprintln!("{} scored, {} rejected", summary.scored, summary.rejected);
    }
    Ok(if summary.rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Open one input; returns the source and its size in bytes when known.
fn open(input: &Path, args: &BatchArgs, catalog: &Catalog, quiet: bool) -> Result<(Source, Option<u64>)> {
    let stdin = input.as_os_str() == "-";
    let format = args.input_format.unwrap_or_else(|| {
        if stdin {
            InputFormat::Csv
        } else if input.is_dir() {
            InputFormat::Toml
        } else {
            match input.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
                Some("jsonl" | "ndjson") => InputFormat::Jsonl,
                Some("toml") => InputFormat::Toml,
                _ => InputFormat::Csv,
            }
        }
    });
    let name = if stdin { "<stdin>".to_string() } else { input.display().to_string() };
    if format == InputFormat::Toml {
        let files =
            if input.is_dir() { toml_files(input, args.follow_links, quiet)? } else { vec![input.to_path_buf()] };
        let root = if input.is_dir() { input.to_path_buf() } else { PathBuf::new() };
        let files = files
            .into_iter()
            .map(|path| {
                let team = path
                    .strip_prefix(&root)
                    .ok()
                    .and_then(|rel| rel.parent())
                    .and_then(|p| p.components().next())
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .unwrap_or_default();
                TomlFile { default_name: super::file_stem(&path), team, path }
            })
            .collect();
        return Ok((Source::Toml { files }, None));
    }
    let (reader, size): (Box<dyn Read + Send>, Option<u64>) = if stdin {
        (Box::new(std::io::stdin()), None)
    } else {
        let file = std::fs::File::open(input).map_err(|e| super::read_error(input, e))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    if format == InputFormat::Jsonl {
        return Ok((
            Source::Jsonl {
                file: Arc::from(name.as_str()),
                reader: Box::new(BufReader::with_capacity(1 << 16, reader)),
            },
            size,
        ));
    }
    // One record may not grow past the limit (see batch::guard).
    let long = LongRecords::default();
    let reader: Box<dyn Read + Send> = Box::new(RecordGuard::new(reader, long.clone()));
    let (layout, reader) = open_csv(reader, &name, catalog, args.ignore_unknown_columns)?;
    if long.was_cut(1) {
        return Err(Error::Usage(format!("{name}:1: the header is longer than the 1 MiB limit for one row.")));
    }
    Ok((Source::Csv { layout: Arc::new(layout), reader, long }, size))
}

/// The survey header, and optionally each column's question as a comment row.
pub fn template(catalog: &Catalog, with_questions: bool) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["name", "team"];
    header.extend(catalog.criterion_ids());
    header.extend(EXTRA_COLUMNS);
    let _ = w.write_record(&header);
    if with_questions {
        let mut questions = vec!["# respondent's name".to_string(), "team (optional)".to_string()];
        questions
            .extend(catalog.criteria.iter().map(|c| format!("{} (0 = doesn't matter … 5 = critical)", c.question)));
        questions.push("API languages you need, e.g. python;r".to_string());
        questions.push("Only actively maintained frameworks? yes/no".to_string());
        questions.push("Frameworks to rule out, e.g. theano;cntk".to_string());
        let _ = w.write_record(&questions);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Where rows go: standard output, or an [`AtomicFile`] committed only when
/// the run succeeds.
enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    File(BufWriter<AtomicFile>),
}

impl Sink {
    fn open(out: Option<&Path>, force: bool) -> Result<Self> {
        Ok(match out {
            Some(path) if path != Path::new("-") => {
                Self::File(BufWriter::with_capacity(1 << 16, AtomicFile::create(path, force)?))
            }
            Some(_) | None => Self::Stdout(BufWriter::with_capacity(1 << 16, std::io::stdout())),
        })
    }

    fn writer(&mut self) -> &mut (dyn Write + Send) {
        match self {
            Self::Stdout(w) => w,
            Self::File(w) => w,
        }
    }

    fn finish(self) -> Result<()> {
        let io = |e| Error::io("write", Path::new("the output"), e);
        match self {
            Self::Stdout(mut w) => w.flush().map_err(io),
            Self::File(w) => w.into_inner().map_err(|e| io(e.into_error()))?.commit(),
        }
    }
}

/// Progress on standard error, hidden off a terminal and with --quiet.
struct Progress {
    bar: indicatif::ProgressBar,
    rows: AtomicU64,
    by_bytes: bool,
}

impl Progress {
    fn new(total_bytes: Option<u64>, quiet: bool) -> Self {
        let by_bytes = total_bytes.is_some_and(|b| b > 0);
        let template = if by_bytes {
            "{bar:30} {percent:>3}% · {msg} · {binary_bytes_per_sec} · ETA {eta}"
        } else {
            "{spinner} {human_pos} rows ({per_sec})"
        };
        let bar = crate::output::progress(total_bytes.filter(|b| *b > 0), quiet, template);
        Self { bar, rows: AtomicU64::new(0), by_bytes }
    }
}

impl Observer for Progress {
    fn rejected(&self, message: &str) {
        let message = crate::sanitize::message(message);
        self.bar.suspend(|| eprintln!("dlpick: rejected: {message}"));
    }

    fn progress(&self, rows: u64, bytes: u64) {
        let done = self.rows.fetch_add(rows, Ordering::Relaxed) + rows;
        if self.by_bytes {
            self.bar.set_position(bytes);
            self.bar.set_message(format!("{done} rows"));
        } else {
            self.bar.set_position(done);
        }
    }
}
