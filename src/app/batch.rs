//! `dlpick batch`: open the inputs, check their headers, run the streaming
//! scorer, and deliver the output atomically.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::batch::{self, Observer, Output, Source, TomlFile};
use crate::catalog::Catalog;
use crate::cli::{BatchArgs, Cli, InputFormat};
use crate::error::{Diagnostic, Error, Location, Result};
use crate::output::AtomicFile;
use crate::report::Format;
use crate::report::Options;
use crate::report::madr::{Input, Reproduce, Survey};
use crate::report::numbers::thousands;
use crate::report::rows::RowFormatter;
use crate::survey::Format as SurveyFormat;
use crate::survey::source::open_csv_raw;

use super::settings::Settings;
use super::{load_catalog_with, toml_files};

/// Never set: signals are handled by [`crate::signals`], which removes the
/// unfinished output and exits at once. The batch core still takes a flag.
static STOP: AtomicBool = AtomicBool::new(false);

pub fn run(cli: &Cli, args: &BatchArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    let method = settings.method(args.method.map(Into::into));
    let inactive = args.policy.policy().unwrap_or(settings.inactive.value);
    if args.template {
        let text = crate::survey::template::template(&catalog, args.with_questions);
        super::deliver(&text, &crate::cli::OutputArgs { format: None, out: args.out.clone(), force: args.force })?;
        return Ok(ExitCode::SUCCESS);
    }
    // Refuse to replace --out unless forced, then open every input and check
    // every header, all before a byte is written.
    let mut out = Out::open(args.out.as_deref(), args.force)?;
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
    let format = args.format.map_or(if args.by_team { Format::Text } else { Format::Csv }, Format::from);
    let record = format == Format::Madr;
    if args.team.is_some() && !record {
        return Err(Error::Usage(
            "--team chooses the team of a decision record: use it with --format madr.".to_string(),
        ));
    }
    // The HTML page is the department report and a record is a team's
    // decision: both need the teams.
    let by_team = args.by_team || format == Format::Html || record;
    let hashed = if record { hash_inputs(&args.inputs)? } else { Vec::new() };
    if !(args.approval_margin.is_finite() && args.approval_margin >= 0.0) {
        return Err(Error::Usage("--approval-margin must be a number of points, 0 or more.".to_string()));
    }
    let inputs: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    let report_options =
        Options { top: Some(usize::from(args.top)), ..super::options_for(cli, args.out.as_deref(), &inputs) };
    let options = batch::Options { method, inactive, threads: args.threads, approval_margin: args.approval_margin };

    let rows = RowFormatter::new(format, usize::from(args.top), report_options.width, &catalog);
    let output = if by_team { Output::Teams } else { Output::Rows { sink: &rows, out: out.writer() } };
    let summary = batch::run(&catalog, sources, &options, output, &progress, &STOP)?;
    progress.bar.finish_and_clear();

    if by_team {
        let department = summary.department(&catalog, &options)?;
        let text = if record {
            decision_record(&catalog, &department, args, &options, hashed, &report_options)?
        } else {
            format.report().teams(&catalog, &department, &report_options)?
        };
        out.writer().write_all(text.as_bytes()).map_err(|e| Error::io("write", Path::new("the output"), e))?;
    }
    out.finish()?;

    if !cli.quiet {
        eprintln!("{} scored, {} rejected", thousands(summary.scored), thousands(summary.rejected));
    }
    Ok(if summary.rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The record of the whole survey, or of `--team`'s team.
fn decision_record(
    catalog: &Catalog,
    department: &crate::team::Department,
    args: &BatchArgs,
    options: &batch::Options,
    inputs: Vec<Input>,
    report_options: &Options,
) -> Result<String> {
    let (team, teams) = match &args.team {
        None => (&department.all, department.teams.as_slice()),
        Some(name) => {
            let found = department.teams.iter().find(|t| t.team == *name);
            let Some(team) = found else {
                let known: Vec<&str> = department.teams.iter().map(|t| t.team.as_str()).collect();
                return Err(Error::Usage(format!(
                    "--team {}: the survey has no such team. {}",
                    crate::sanitize::quote(name),
                    crate::error::unknown_hint(name, &known)
                )));
            };
            (team, &[][..])
        }
    };
    let Some(advice) = &team.advice else {
        return Err(Error::Usage(format!(
            "no member of {} was scored, so there is no decision to record.",
            if args.team.is_some() {
                format!("team {}", crate::sanitize::quote(&team.team))
            } else {
                "the survey".to_string()
            }
        )));
    };
    let mut words = vec!["batch".to_string()];
    words.extend(args.inputs.iter().map(|p| p.display().to_string()));
    words.push("--by-team".to_string());
    if let Some(name) = &args.team {
        words.extend(["--team".to_string(), name.clone()]);
    }
    words.extend(["--method".to_string(), options.method.as_str().to_string()]);
    words.extend(["--inactive".to_string(), options.inactive.as_str().to_string()]);
    words.extend(["--approval-margin".to_string(), options.approval_margin.to_string()]);
    if let Some(f) = args.input_format.and_then(|f| clap::ValueEnum::to_possible_value(&f)) {
        words.extend(["--input-format".to_string(), f.get_name().to_string()]);
    }
    if args.ignore_unknown_columns {
        words.push("--ignore-unknown-columns".to_string());
    }
    if args.follow_links {
        words.push("--follow-links".to_string());
    }
    let survey = Survey { team, teams, approval_margin: options.approval_margin };
    let reproduce = Reproduce { words, inputs };
    super::decision_record(catalog, advice, Some(survey), options.method, &reproduce, report_options)
}

/// Each input's SHA-256, to check it unchanged: files only (a folder and
/// standard input are named, not hashed).
fn hash_inputs(inputs: &[PathBuf]) -> Result<Vec<Input>> {
    use sha2::{Digest, Sha256};
    inputs
        .iter()
        .map(|path| {
            let name = path.display().to_string();
            if path.as_os_str() == "-" {
                return Ok(Input { name: "standard input".to_string(), sha256: None, note: None });
            }
            if path.is_dir() {
                return Ok(Input { name, sha256: None, note: Some("a folder of profiles".to_string()) });
            }
            let mut file = std::fs::File::open(path).map_err(|e| crate::error::read_error(path, e))?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = file.read(&mut buf).map_err(|e| Error::io("read", path, e))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
            }
            let sha256 = hasher.finalize().iter().fold(String::with_capacity(64), |mut s, b| {
                use std::fmt::Write as _;
                let _ = write!(s, "{b:02x}");
                s
            });
            Ok(Input { name, sha256: Some(sha256), note: None })
        })
        .collect()
}

/// The survey format a command-line value names.
pub(super) fn format_of(arg: InputFormat) -> SurveyFormat {
    match arg {
        InputFormat::Csv => SurveyFormat::Csv,
        InputFormat::Jsonl => SurveyFormat::Jsonl,
        InputFormat::Toml => SurveyFormat::Toml,
        InputFormat::Sqlite => SurveyFormat::Sqlite,
    }
}

/// Open one input; returns the source and its size in bytes when known.
fn open(input: &Path, args: &BatchArgs, catalog: &Catalog, quiet: bool) -> Result<(Source, Option<u64>)> {
    let stdin = input.as_os_str() == "-";
    let format = args.input_format.map_or_else(
        || {
            if stdin {
                SurveyFormat::Csv
            } else if input.is_dir() {
                SurveyFormat::Toml
            } else {
                SurveyFormat::by_name(input).unwrap_or(SurveyFormat::Csv)
            }
        },
        format_of,
    );
    if format == SurveyFormat::Toml {
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
    open_survey(input, format, catalog, args.ignore_unknown_columns)
}

/// Open a survey (CSV, JSON Lines or a survey database) as `batch` reads it,
/// its header or first line checked; `check` reads surveys so too.
pub(super) fn open_survey(
    input: &Path,
    format: SurveyFormat,
    catalog: &Catalog,
    ignore_unknown: bool,
) -> Result<(Source, Option<u64>)> {
    let stdin = input.as_os_str() == "-";
    let name = if stdin { "<stdin>".to_string() } else { input.display().to_string() };
    if format == SurveyFormat::Sqlite {
        // Each respondent's latest answers, as the JSON Lines the server exports.
        let text = crate::serve::export::jsonl(&crate::serve::store::read_current(input)?);
        let size = text.len() as u64;
        return Ok((
            Source::Jsonl { file: Arc::from(name.as_str()), reader: Box::new(std::io::Cursor::new(text.into_bytes())) },
            Some(size),
        ));
    }
    let (reader, size): (Box<dyn Read + Send>, Option<u64>) = if stdin {
        (Box::new(std::io::stdin()), None)
    } else {
        let file = std::fs::File::open(input).map_err(|e| crate::error::read_error(input, e))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    if format == SurveyFormat::Jsonl {
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        check_json_lines(&mut reader, &name)?;
        return Ok((Source::Jsonl { file: Arc::from(name.as_str()), reader: Box::new(reader) }, size));
    }
    Ok((Source::from(open_csv_raw(reader, &name, catalog, ignore_unknown)?), size))
}

/// A JSON Lines input must start (after blank lines) with an object: a
/// CSV or TOML file read as JSON Lines is one error, not one per line.
fn check_json_lines(reader: &mut dyn std::io::BufRead, name: &str) -> Result<()> {
    let first = loop {
        let buf = reader.fill_buf().map_err(|e| Error::io("read", Path::new(name), e))?;
        if buf.is_empty() {
            return Ok(());
        }
        let skip = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if skip < buf.len() {
            break buf[skip];
        }
        let n = buf.len();
        reader.consume(n);
    };
    if first == b'{' {
        return Ok(());
    }
    let why = "this is not JSON Lines: each line must be a JSON object starting with `{`. \
               If it is CSV, name it .csv or pass --input-format csv.";
    Err(Diagnostic::new(Location::file(name), why).into())
}

/// Where the output goes: standard output, or an [`AtomicFile`] committed
/// only when the run succeeds.
enum Out {
    Stdout(BufWriter<std::io::Stdout>),
    File(BufWriter<AtomicFile>),
}

impl Out {
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
    bytes: AtomicU64,
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
        Self { bar, rows: AtomicU64::new(0), bytes: AtomicU64::new(0), by_bytes }
    }
}

impl Observer for Progress {
    fn rejected(&self, message: &str) {
        let message = crate::sanitize::message(message);
        self.bar.suspend(|| crate::output::eprint_message(&format!("dlpick: rejected: {message}")));
    }

    fn progress(&self, rows: u64, bytes: u64) {
        // One bar across every input: rows and bytes add up from input to input.
        let done = self.rows.fetch_add(rows, Ordering::Relaxed) + rows;
        let read = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if self.by_bytes {
            self.bar.set_position(read);
            self.bar.set_message(format!("{} rows", thousands(done)));
        } else {
            self.bar.set_position(done);
        }
    }
}
