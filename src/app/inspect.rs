//! `dlpick frameworks`, `dlpick criteria` and `dlpick check`: look at and
//! validate the inputs.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::catalog::Catalog;
use crate::cli::{CheckArgs, Cli, FrameworksArgs, ListArgs};
use crate::error::{Diagnostic, Error, Location, Result, unknown_hint};
use crate::profile::Profile;
use crate::report::numbers::count_of;
use crate::report::setup::{Checked, checked as checked_line};
use crate::survey::Format;

use super::settings::Settings;
use super::{deliver, file_stem, load_catalog, load_catalog_with, report_options, toml_files};
use crate::limits;

pub fn frameworks(cli: &Cli, args: &FrameworksArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let mut catalog = load_catalog_with(&settings)?;
    if !args.ids.is_empty() {
        for id in &args.ids {
            if catalog.find_framework(id).is_none() {
                return Err(Diagnostic::new(Location::file("command line"), format!("`{id}` is not a framework."))
                    .hint(Some(unknown_hint(id, &catalog.framework_ids())))
                    .into());
            }
        }
        let wanted: Vec<String> = args
            .ids
            .iter()
            .filter_map(|id| catalog.find_framework(id))
            .map(|f| catalog.frameworks[f].id.clone())
            .collect();
        catalog.frameworks.retain(|f| wanted.contains(&f.id));
    }
    let text = settings
        .format(args.output.format.map(Into::into))
        .report()
        .frameworks(&catalog, &report_options(cli, &args.output, &[]))?;
    deliver(&text, &args.output)?;
    Ok(ExitCode::SUCCESS)
}

pub fn criteria(cli: &Cli, args: &ListArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    let text = settings
        .format(args.output.format.map(Into::into))
        .report()
        .criteria(&catalog, &report_options(cli, &args.output, &[]))?;
    deliver(&text, &args.output)?;
    Ok(ExitCode::SUCCESS)
}

pub fn check(cli: &Cli, args: &CheckArgs) -> Result<ExitCode> {
    let catalog = load_catalog(cli)?;
    let mut files: Vec<PathBuf> = Vec::new();
    for path in &args.files {
        if path.is_dir() {
            files.extend(toml_files(path, args.follow_links, cli.quiet)?);
        } else {
            files.push(path.clone());
        }
    }
    let mut failed = 0;
    let width = crate::output::text_width(false);
    for path in &files {
        match check_file(path, &catalog, cli) {
            Ok(checked) => {
                if !cli.quiet {
                    print!("{}", checked_line(&path.display().to_string(), &checked, width));
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("dlpick: error: {e}");
            }
        }
    }
    if files.is_empty() {
        return Err(Error::Usage("no .toml files found to check.".to_string()));
    }
    if failed > 0 {
        if !cli.quiet {
            eprintln!("{failed} of {} invalid", count_of(files.len(), "file", "files"));
        }
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// A knowledge base has `[criteria…]`, `[frameworks…]` or `[about]`
/// tables; a profile has none. Told by the table headers, before any value
/// is parsed, so a knowledge base with a broken value is still checked as
/// one (and its error is about that value).
fn looks_like_knowledge_base(source: &str) -> bool {
    source.lines().map(str::trim_start).any(|line| {
        let Some(header) = line.strip_prefix('[') else { return false };
        let key = header.trim_start_matches('[').trim_start();
        ["criteria", "frameworks", "about"]
            .iter()
            .any(|t| key.strip_prefix(t).is_some_and(|rest| rest.trim_start().starts_with(['.', ']'])))
    })
}

/// Reports rejected rows as they come, as `batch` does, and counts them.
struct Rejections(std::sync::atomic::AtomicU64);

impl crate::batch::Observer for Rejections {
    fn rejected(&self, message: &str) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        crate::output::eprint_message(&format!("dlpick: error: {}", crate::sanitize::message(message)));
    }
    fn progress(&self, _rows: u64, _bytes: u64) {}
}

/// A survey streamed through `batch`'s own reader and scorer, with its
/// limits (1 MiB a record, no limit in total) and its verdict on each row;
/// every rejected row is reported, and any makes the file invalid.
fn check_survey(source: crate::batch::Source, name: &str, catalog: &Catalog, cli: &Cli) -> Result<Checked> {
    use crate::batch;
    let settings = Settings::resolve(cli)?;
    let options = batch::Options {
        method: settings.method(None),
        inactive: settings.inactive.value,
        threads: 0,
        approval_margin: 0.0,
    };
    let rows =
        crate::report::rows::RowFormatter::new(crate::report::Format::Csv, 1, crate::report::DEFAULT_WIDTH, catalog);
    let output = batch::Output::Rows { sink: &rows, out: &mut std::io::sink() };
    let rejections = Rejections(std::sync::atomic::AtomicU64::new(0));
    let summary = batch::run(catalog, vec![source], &options, output, &rejections, &AtomicBool::new(false))?;
    if summary.rejected > 0 {
        let why = format!(
            "{} rejected, as `dlpick batch` would reject {}.",
            count_of(usize::try_from(summary.rejected).unwrap_or(usize::MAX), "row", "rows"),
            if summary.rejected == 1 { "it" } else { "them" }
        );
        return Err(Diagnostic::new(Location::file(name), why).into());
    }
    Ok(Checked::Survey { rows: usize::try_from(summary.scored).unwrap_or(usize::MAX) })
}

/// How much of a file is read to tell a survey from TOML.
const SNIFF: u64 = 64 * 1024;

fn check_file(path: &Path, catalog: &Catalog, cli: &Cli) -> Result<Checked> {
    let stdin = path == Path::new("-");
    let name = if stdin { "<stdin>".to_string() } else { path.display().to_string() };
    // A file named as a survey is read as `batch` reads it, whatever it holds.
    if let Some(format) = Format::by_name(path).filter(|f| !stdin && *f != Format::Toml) {
        let (source, _) = super::batch::open_survey(path, format, catalog, false)?;
        return check_survey(source, &name, catalog, cli);
    }
    let shown = if stdin { Path::new("standard input") } else { path };
    let mut input: Box<dyn Read + Send> = if stdin {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| crate::error::read_error(path, e))?)
    };
    let mut head = Vec::new();
    (&mut input).take(SNIFF).read_to_end(&mut head).map_err(|e| Error::io("read", shown, e))?;
    let kind = Format::by_content(&head);
    let whole: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(head).chain(input));
    match kind {
        Format::Jsonl => {
            let reader = Box::new(std::io::BufReader::with_capacity(1 << 16, whole));
            return check_survey(
                crate::batch::Source::Jsonl { file: Arc::from(name.as_str()), reader },
                &name,
                catalog,
                cli,
            );
        }
        Format::Csv => {
            let source = crate::batch::Source::from(crate::survey::source::open_csv_raw(whole, &name, catalog, false)?);
            return check_survey(source, &name, catalog, cli);
        }
        Format::Toml | Format::Sqlite => {}
    }
    let source = match limits::read_toml(whole) {
        Ok(text) => text,
        Err(limits::ReadError::TooLarge) => {
            return Err(Diagnostic::new(Location::file(name.as_str()), limits::TOO_LARGE).into());
        }
        Err(limits::ReadError::NotUtf8) => return Err(crate::error::not_text(&name)),
        Err(limits::ReadError::Io(e)) => return Err(Error::io("read", shown, e)),
    };
    if looks_like_knowledge_base(&source) {
        let c = Catalog::parse(&source, &name)?;
        return Ok(Checked::Weights { criteria: c.criteria.len(), frameworks: c.frameworks.len() });
    }
    let profile = Profile::from_toml(&source, &name, &file_stem(path), catalog)?;
    Ok(Checked::Profile { needs: profile.needs.iter().filter(|n| **n > 0.0).count(), name: profile.name })
}
