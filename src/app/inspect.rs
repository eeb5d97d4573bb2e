//! `dlpick frameworks`, `dlpick criteria` and `dlpick check`: look at and
//! validate the inputs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::catalog::Catalog;
use crate::cli::{CheckArgs, Cli, FrameworksArgs, ListArgs};
use crate::error::{Diagnostic, Error, Location, Result, unknown_hint};
use crate::profile::Profile;
use crate::report::numbers::count_of;
use crate::report::setup::{Checked, checked as checked_line};

use super::settings::Settings;
use super::{deliver, file_stem, load_catalog, load_catalog_with, read_input, report_options, toml_files};

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
    let text =
        settings.format(args.output.format).report().frameworks(&catalog, &report_options(cli, &args.output, &[]))?;
    deliver(&text, &args.output)?;
    Ok(ExitCode::SUCCESS)
}

pub fn criteria(cli: &Cli, args: &ListArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    let text =
        settings.format(args.output.format).report().criteria(&catalog, &report_options(cli, &args.output, &[]))?;
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
        match check_file(path, &catalog) {
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

/// What a file's content says it is, whatever its name: a survey in JSON
/// Lines starts with `{`; a CSV survey's first line is a header of
/// comma-separated names with no `=` or `[` of TOML.
enum Kind {
    Toml,
    Csv,
    JsonLines,
}

fn kind_of(source: &str) -> Kind {
    let first = source.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("");
    if first.starts_with('{') {
        Kind::JsonLines
    } else if first.contains(',') && !first.contains('=') && !first.starts_with('[') {
        Kind::Csv
    } else {
        Kind::Toml
    }
}

/// Every row of a survey parsed as `batch` would; the first bad row is the
/// error.
fn check_survey(source: &str, name: &str, kind: &Kind, catalog: &Catalog) -> Result<Checked> {
    let mut respondent = crate::batch::source::Respondent::default();
    let mut rows = 0;
    if matches!(kind, Kind::JsonLines) {
        for (i, line) in source.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            crate::batch::source::parse_json_row(name, line, i as u64 + 1, catalog, &mut respondent)
                .map_err(Error::Invalid)?;
            rows += 1;
        }
    } else {
        let (layout, mut reader) = crate::batch::source::open_csv(source.as_bytes(), name, catalog, false)?;
        let mut record = csv::ByteRecord::new();
        let unreadable = |e| Error::Usage(format!("{name}: cannot read the CSV: {e}"));
        while reader.read_byte_record(&mut record).map_err(unreadable)? {
            let line = record.position().map_or(0, csv::Position::line);
            crate::batch::source::parse_csv_row(&layout, &record, line, catalog, &mut respondent)
                .map_err(Error::Invalid)?;
            rows += 1;
        }
    }
    Ok(Checked::Survey { rows })
}

fn check_file(path: &Path, catalog: &Catalog) -> Result<Checked> {
    let (source, name) = read_input(path)?;
    let kind = kind_of(&source);
    if !matches!(kind, Kind::Toml) {
        return check_survey(&source, &name, &kind, catalog);
    }
    if looks_like_knowledge_base(&source) {
        let c = Catalog::parse(&source, &name)?;
        return Ok(Checked::Weights { criteria: c.criteria.len(), frameworks: c.frameworks.len() });
    }
    let profile = Profile::from_toml(&source, &name, &file_stem(path), catalog)?;
    Ok(Checked::Profile { needs: profile.needs.iter().filter(|n| **n > 0.0).count(), name: profile.name })
}
