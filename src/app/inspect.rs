//! `dlpick frameworks`, `dlpick criteria` and `dlpick check`: look at and
//! validate the inputs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::catalog::Catalog;
use crate::cli::{CheckArgs, Cli, FrameworksArgs, ListArgs};
use crate::error::{Diagnostic, Error, Location, Result, unknown_hint};
use crate::profile::Profile;
use crate::report::layout::hang;
use crate::report::numbers::count_of;
use crate::sanitize;

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
    let text = settings.format(args.output.format).report().frameworks(&catalog, &report_options(cli, &args.output, &[]))?;
    deliver(&text, &args.output)?;
    Ok(ExitCode::SUCCESS)
}

pub fn criteria(cli: &Cli, args: &ListArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    let text = settings.format(args.output.format).report().criteria(&catalog, &report_options(cli, &args.output, &[]))?;
    deliver(&text, &args.output)?;
    Ok(ExitCode::SUCCESS)
}

/// What a checked file turned out to be.
enum Checked {
    Weights { criteria: usize, frameworks: usize },
    Profile { name: String, needs: usize },
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
                    match checked {
                        Checked::Weights { criteria, frameworks } => {
                            let what = format!("(knowledge base: {criteria} criteria, {frameworks} frameworks)");
                            print!("{}", hang(&format!("ok  {}  ", sanitize::text(&path.display().to_string())), &what, width));
                        }
                        Checked::Profile { name, needs } => {
                            let what = format!("(profile `{}`, {})", sanitize::quote(&name), count_of(needs, "need", "needs"));
                            print!("{}", hang(&format!("ok  {}  ", sanitize::text(&path.display().to_string())), &what, width));
                        }
                    }
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

fn check_file(path: &Path, catalog: &Catalog) -> Result<Checked> {
    let (source, name) = read_input(path)?;
    if looks_like_knowledge_base(&source) {
        let c = Catalog::parse(&source, &name)?;
        return Ok(Checked::Weights { criteria: c.criteria.len(), frameworks: c.frameworks.len() });
    }
    let profile = Profile::from_toml(&source, &name, &file_stem(path), catalog)?;
    Ok(Checked::Profile { needs: profile.needs.iter().filter(|n| **n > 0.0).count(), name: profile.name })
}
