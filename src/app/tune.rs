//! `dlpick tune sensitivity|robustness|fit`: load inputs, run the analysis,
//! print it, and for `fit --write` rewrite the weights file atomically.

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::catalog::{BUILTIN_NAME, Catalog};
use crate::cli::{Cli, FitArgs, RobustnessArgs, SensitivityArgs, TuneCommand};
use crate::error::{Diagnostic, Error, Location, Result};
use crate::profile::{InactivePolicy, Profile};
use crate::report::tune::{RobustnessDoc, SensitivityDoc};
use crate::report::{Format, Options};
use crate::sanitize;
use crate::score::sensitivity;
use crate::score::{Matrix, rank};
use crate::survey::guard;
use crate::survey::source::{Respondent, open_csv, parse_csv_row, parse_json_row};
use crate::tune::fit::{self, Decision, FitOutcome};
use crate::tune::robustness::{self, Settings, Spread};
use crate::tune::write;

use super::settings::Settings as RunSettings;
use super::{file_stem, load_catalog, load_catalog_replacing, load_catalog_with, read_input, toml_files};

pub fn run(cli: &Cli, command: &TuneCommand) -> Result<ExitCode> {
    match command {
        TuneCommand::Sensitivity(args) => sensitivity_cmd(cli, args),
        TuneCommand::Robustness(args) => robustness_cmd(cli, args),
        TuneCommand::Fit(args) => fit_cmd(cli, args),
    }
}

fn load_profile(path: &Path, catalog: &Catalog) -> Result<Profile> {
    let (source, name) = super::read_profile(path)?;
    Profile::from_toml(&source, &name, &file_stem(path), catalog)
}

fn print(text: &str) -> Result<()> {
    crate::output::emit(text, None, false)
}

fn options(cli: &Cli) -> Options {
    super::options_for(cli, None, &[])
}

/// A valid profile that nothing qualifies for is advice, not an error: say
/// why (as `recommend` does) and that there is no winner to analyse; exit 0.
fn no_winner(catalog: &Catalog, profile: &Profile, method: crate::score::MethodId, json: bool) -> Result<ExitCode> {
    let advice = crate::explain::advise(catalog, vec![profile.clone()], method, None, InactivePolicy::default());
    let why = advice.into_iter().next().and_then(|a| a.shortfall).unwrap_or_default();
    let text = if json {
        let value = serde_json::json!({ "profile": profile.name, "winner": null, "shortfall": why });
        format!("{}\n", serde_json::to_string_pretty(&value)?)
    } else {
        let line = format!("{}: {why} So there is no winner to analyse.", sanitize::text(&profile.name));
        crate::report::layout::wrap(&line, "", crate::output::text_width(false))
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn sensitivity_cmd(cli: &Cli, args: &SensitivityArgs) -> Result<ExitCode> {
    let catalog = load_catalog(cli)?;
    let mut profile = load_profile(&args.profile, &catalog)?;
    if let Some(policy) = args.policy.policy() {
        profile.require.inactive = Some(policy);
    }
    let Some(s) = sensitivity::analyse(&catalog, &profile) else {
        let json = Format::from(args.format) == Format::Json;
        return no_winner(&catalog, &profile, crate::score::MethodId::WeightedSum, json);
    };
    let doc = SensitivityDoc { profile: &profile.name, sensitivity: &s };
    let text = Format::from(args.format).report().sensitivity(&catalog, &doc, &options(cli))?;
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn parse_spread(text: &str) -> Result<Spread> {
    if text.eq_ignore_ascii_case("full") {
        return Ok(Spread::Full);
    }
    match text.trim().parse::<f64>() {
        Ok(s) if (0.0..1.0).contains(&s) => Ok(Spread::Around(s)),
        _ => Err(Diagnostic::new(
            Location::file(format!("--spread {text}")),
            "the spread must be a number at least 0 and below 1 (such as 0.3), or `full`.",
        )
        .into()),
    }
}

fn robustness_cmd(cli: &Cli, args: &RobustnessArgs) -> Result<ExitCode> {
    let catalog = load_catalog(cli)?;
    let mut profile = load_profile(&args.profile, &catalog)?;
    if let Some(policy) = args.policy.policy() {
        profile.require.inactive = Some(policy);
    }
    let method = args.method.map_or_else(crate::score::MethodId::default, Into::into);
    let spread = parse_spread(&args.spread)?;
    let matrix = Matrix::new(&catalog);
    let Some(winner) = rank(&catalog, &matrix, &profile, method.method()).ranked.first().map(|r| r.framework) else {
        return no_winner(&catalog, &profile, method, Format::from(args.format) == Format::Json);
    };
    let settings = Settings { method, samples: args.samples, spread, seed: args.seed, threads: args.threads };
    let bar = if args.samples >= 2_000_000 {
        crate::output::progress(
            Some(args.samples),
            cli.quiet,
            "{bar:30} {percent:>3}% · {human_pos}/{human_len} samples · ETA {eta}",
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let done = AtomicU64::new(0);
    let r = robustness::analyse(&catalog, &profile, &settings, &|n| {
        bar.set_position(done.fetch_add(n, Ordering::Relaxed) + n);
    })
    .ok_or_else(|| Error::Usage(format!("{}: no weighting to sample.", args.profile.display())))?;
    bar.finish_and_clear();
    let doc = RobustnessDoc { profile: &profile.name, robustness: &r, winner, seed: args.seed };
    let text = Format::from(args.format).report().robustness(&catalog, &doc, &options(cli))?;
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Decisions from a folder of TOML profiles, a CSV or a JSON Lines file,
/// and the names of those set aside because only one framework met their
/// requirements (they would always agree, and inflate every figure).
fn load_decisions(
    path: &Path,
    catalog: &Catalog,
    quiet: bool,
    follow_links: bool,
) -> Result<(Vec<Decision>, Vec<String>)> {
    let mut profiles: Vec<Profile> = Vec::new();
    let name = path.display().to_string();
    // `decisions` (or `profiles/decisions` outside a clone): the shipped ones.
    let shipped = std::fs::symlink_metadata(path).is_err()
        && ["decisions", "profiles/decisions", "profiles/decisions/"].contains(&name.as_str());
    if shipped {
        for example in super::examples::EXAMPLES.iter().filter(|e| e.path.starts_with("profiles/decisions/")) {
            let shown = format!("{} (built-in example)", example.path);
            profiles.push(Profile::from_toml(example.text, &shown, example.name(), catalog)?);
        }
    } else if path.is_dir() {
        for file in toml_files(path, follow_links, quiet)? {
            profiles.push(load_profile(&file, catalog)?);
        }
    } else {
        let format = crate::survey::Format::by_name(path);
        let mut respondent = Respondent::default();
        let boxed = |d: Box<Diagnostic>| Error::Invalid(d);
        if format == Some(crate::survey::Format::Jsonl) {
            let file = std::fs::File::open(path).map_err(|e| crate::error::read_error(path, e))?;
            let mut reader = std::io::BufReader::new(file);
            let (mut buf, mut number) = (Vec::new(), 0u64);
            loop {
                let (n, too_long) = guard::read_line(&mut reader, &mut buf).map_err(|e| Error::io("read", path, e))?;
                if n == 0 {
                    break;
                }
                number += 1;
                #[allow(clippy::cast_possible_truncation)]
                let at = || Location::line(name.as_str(), number as usize);
                if too_long {
                    return Err(Diagnostic::new(at(), "the line is longer than the 1 MiB limit for one row.").into());
                }
                let line =
                    std::str::from_utf8(&buf).map_err(|_| Diagnostic::new(at(), "the line is not valid UTF-8."))?;
                if line.trim().is_empty() {
                    continue;
                }
                parse_json_row(&name, line, number, catalog, &mut respondent).map_err(boxed)?;
                profiles.push(respondent.to_profile(catalog));
            }
        } else if format == Some(crate::survey::Format::Toml) {
            profiles.push(load_profile(path, catalog)?);
        } else {
            let file = std::fs::File::open(path).map_err(|e| crate::error::read_error(path, e))?;
            let long = guard::LongRecords::default();
            let (layout, mut reader) = open_csv(guard::RecordGuard::new(file, long.clone()), &name, catalog, false)?;
            let mut record = csv::ByteRecord::new();
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(true) => {
                        let line = record.position().map_or(0, csv::Position::line);
                        if long.was_cut(line) {
                            #[allow(clippy::cast_possible_truncation)]
                            let at = Location::line(name.as_str(), line as usize);
                            let why = "the record is longer than the 1 MiB limit for one row.";
                            return Err(Diagnostic::new(at, why).into());
                        }
                        parse_csv_row(&layout, &record, line, catalog, &mut respondent).map_err(boxed)?;
                        profiles.push(respondent.to_profile(catalog));
                    }
                    Ok(false) => break,
                    Err(e) => return Err(crate::error::csv_error(&name, "the CSV", e)),
                }
            }
        }
    }
    let mut decisions = Vec::new();
    for profile in &profiles {
        match Decision::from_profile(catalog, profile) {
            Ok(d) => decisions.push(d),
            Err(why) if !quiet => eprintln!("dlpick: skipped: {}", sanitize::message(&why)),
            Err(_) => {}
        }
    }
    let (decisions, single): (Vec<Decision>, Vec<Decision>) =
        decisions.into_iter().partition(|d| d.candidates.len() > 1);
    let single: Vec<String> = single.into_iter().map(|d| d.name).collect();
    if !single.is_empty() && !quiet {
        let note = format!(
            "dlpick: note: left out {} with a single candidate (nothing to choose between): {}",
            crate::report::numbers::count_of(single.len(), "decision", "decisions"),
            single.join(", ")
        );
        crate::output::eprint_message(&note);
    }
    if decisions.is_empty() {
        let why = "no decisions to learn from: each needs `chosen = \"<framework id>\"` and at least two frameworks that meet its requirements.";
        return Err(Diagnostic::new(Location::file(name), why).into());
    }
    Ok((decisions, single))
}

#[allow(clippy::too_many_lines)]
fn fit_cmd(cli: &Cli, args: &FitArgs) -> Result<ExitCode> {
    if !(0.0..1.0).contains(&args.holdout) {
        return Err(Diagnostic::new(
            Location::file(format!("--holdout {}", args.holdout)),
            "the held-out share must be at least 0 and below 1 (such as 0.25).",
        )
        .into());
    }
    let settings = RunSettings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    // The file --write changes: the topmost layer, else the --weights file.
    let file = settings.writable_top().map(Path::to_path_buf);
    if args.write && file.is_none() {
        return Err(Error::Usage(
            "--write needs a knowledge-base file to write the weights into, and the built-in one cannot be rewritten: run `dlpick init` to start a project with a layer (or pass --layer FILE or --weights FILE)."
                .to_string(),
        ));
    }
    if args.write && args.holdout <= 0.0 {
        return Err(Error::Usage(
            "--write needs held-out evidence: with --holdout 0 no decision checks the fitted weights, so nothing is written. Keep a share held out (the default is 0.25)."
                .to_string(),
        ));
    }
    let (decisions, single) = load_decisions(&args.decisions, &catalog, cli.quiet, args.follow_links)?;
    let decisions = fit::shuffled(decisions, args.seed);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let held = ((decisions.len() as f64) * args.holdout).round() as usize;
    if held >= decisions.len() {
        return Err(Error::Usage(format!(
            "{} decisions leave nothing to train on with --holdout {}.",
            decisions.len(),
            args.holdout
        )));
    }
    let (holdout, train) = decisions.split_at(held);
    let matrix = Matrix::new(&catalog);
    let before_weights: Vec<f64> = catalog.criteria.iter().map(|c| c.weight).collect();
    let (learned, ridge) = fit::fit(&matrix, &fit::prior(&before_weights), train);
    let after_weights: Vec<f64> = learned.iter().map(|w| write::rounded(*w)).collect();
    let train_before = fit::agreement(&matrix, &before_weights, train);
    let train_after = fit::agreement(&matrix, &after_weights, train);
    let hold_before = fit::agreement(&matrix, &before_weights, holdout);
    let hold_after = fit::agreement(&matrix, &after_weights, holdout);
    let file_name = file.as_ref().map_or_else(|| BUILTIN_NAME.to_string(), |p| p.display().to_string());
    let outcome = FitOutcome {
        file: file.as_ref().map(|p| p.display().to_string()),
        single,
        train: (train_before, train_after),
        holdout: (hold_before, hold_after),
        weights: before_weights.iter().zip(&after_weights).enumerate().map(|(c, (b, a))| (c, *b, *a)).collect(),
        ridge,
        write_requested: args.write,
    };
    let text = Format::from(args.format).report().fit(&catalog, &outcome, &options(cli))?;
    print(&text)?;

    if args.write {
        let Some(path) = file else { return Ok(ExitCode::SUCCESS) };
        if !outcome.written() {
            eprintln!("dlpick: {} left unchanged.", path.display());
            return Ok(ExitCode::SUCCESS);
        }
        let pairs: Vec<(String, f64)> =
            outcome.changes().map(|(c, _, a)| (catalog.criteria[c].id.clone(), a)).collect();
        let (source, _) = read_input(&path)?;
        let updated = write::set_weights(&source, &file_name, &pairs)?;
        // Never write a file dlpick itself would reject: check the whole
        // knowledge base with the updated text in that file's place.
        load_catalog_replacing(&settings, Some((&path, &updated)))?;
        crate::output::write_atomic(&path, updated.as_bytes(), true)?;
        if !cli.quiet {
            for (c, b, a) in outcome.changes() {
                eprintln!("dlpick: {}: weight {b:.3} → {a:.3}", catalog.criteria[c].id);
            }
            eprintln!("dlpick: wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
