//! `dlpick tune sensitivity|robustness|fit`: load inputs, run the analysis,
//! print it, and for `fit --write` rewrite the weights file atomically.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::batch::guard;
use crate::batch::source::{Respondent, open_csv, parse_csv_row, parse_json_row};
use crate::catalog::{BUILTIN_NAME, Catalog};
use crate::cli::{Cli, FitArgs, RobustnessArgs, SensitivityArgs, TuneCommand, TuneFormat};
use crate::error::{Diagnostic, Error, Location, Result};
use crate::profile::Profile;
use crate::report::wrap;
use crate::sanitize;
use crate::score::{Matrix, rank};
use crate::tune::fit::{self, Agreement, Decision};
use crate::tune::robustness::{self, Settings, Spread};
use crate::tune::{self as analysis, sensitivity, write};

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
    let (source, name) = read_input(path)?;
    Profile::from_toml(&source, &name, &file_stem(path), catalog)
}

fn print(text: &str) -> Result<()> {
    crate::output::emit(text, None, false)
}

fn nothing_ranked(profile: &Profile) -> Error {
    Error::Usage(format!(
        "no framework meets every requirement of `{}`, so there is no winner to analyse.",
        profile.name
    ))
}

fn sensitivity_cmd(cli: &Cli, args: &SensitivityArgs) -> Result<ExitCode> {
    let catalog = load_catalog(cli)?;
    let mut profile = load_profile(&args.profile, &catalog)?;
    if let Some(policy) = args.policy.policy() {
        profile.require.inactive = Some(policy);
    }
    let s = sensitivity::analyse(&catalog, &profile).ok_or_else(|| nothing_ranked(&profile))?;
    let text = match args.format {
        TuneFormat::Text => analysis::sensitivity_text(&catalog, &sanitize::text(&profile.name), &s),
        TuneFormat::Json => crate::report::pretty(&analysis::sensitivity_json(&catalog, &profile.name, &s))?,
    };
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
    let winner = rank(&catalog, &matrix, &profile, method.method())
        .ranked
        .first()
        .map(|r| r.framework)
        .ok_or_else(|| nothing_ranked(&profile))?;
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
    .ok_or_else(|| nothing_ranked(&profile))?;
    bar.finish_and_clear();
    let text = match args.format {
        TuneFormat::Text => analysis::robustness_text(&catalog, &sanitize::text(&profile.name), &r, winner),
        TuneFormat::Json => {
            crate::report::pretty(&analysis::robustness_json(&catalog, &profile.name, &r, winner, args.seed))?
        }
    };
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
    if path.is_dir() {
        for file in toml_files(path, follow_links, quiet)? {
            profiles.push(load_profile(&file, catalog)?);
        }
    } else {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let mut respondent = Respondent::default();
        let boxed = |d: Box<Diagnostic>| Error::Invalid(d);
        if matches!(extension.as_deref(), Some("jsonl" | "ndjson")) {
            let file = std::fs::File::open(path).map_err(|e| super::read_error(path, e))?;
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
        } else if matches!(extension.as_deref(), Some("toml")) {
            profiles.push(load_profile(path, catalog)?);
        } else {
            let file = std::fs::File::open(path).map_err(|e| super::read_error(path, e))?;
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
                    Err(e) => return Err(Error::Usage(format!("{name}: cannot read the CSV: {e}"))),
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
        eprintln!(
            "dlpick: note: left out {} with a single candidate (nothing to choose between): {}",
            if single.len() == 1 { "1 decision" } else { "some decisions" },
            single.join(", ")
        );
    }
    if decisions.is_empty() {
        return Err(Error::Usage(format!(
            "{name}: no decisions to learn from: each needs `chosen = \"<framework id>\"` and at least two frameworks that meet its requirements."
        )));
    }
    Ok((decisions, single))
}

fn agreement_line(label: &str, before: Agreement, after: Agreement) -> String {
    format!(
        "{label:<9} {:>3} decisions   top-1 agreement {:>4.0}% → {:>4.0}%   mean rank of the chosen {:.2} → {:.2}",
        before.decisions,
        before.top1 * 100.0,
        after.top1 * 100.0,
        before.mean_rank,
        after.mean_rank
    )
}

fn agreement_json(a: Agreement) -> serde_json::Value {
    serde_json::json!({ "decisions": a.decisions, "top1": a.top1, "mean_rank": a.mean_rank })
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
    let (judge_before, judge_after) =
        if holdout.is_empty() { (train_before, train_after) } else { (hold_before, hold_after) };
    // Same decisions before and after: compare counts, not ratios.
    let key = |a: Agreement| (a.hits, std::cmp::Reverse(a.rank_sum));
    let better = key(judge_after) > key(judge_before);
    let worse = key(judge_after) < key(judge_before);
    let set = if holdout.is_empty() { "training" } else { "held-out" };
    let verdict = if better {
        format!(
            "The learned weights improve {set} agreement from {:.0}% to {:.0}% (mean rank {:.2} → {:.2}).",
            judge_before.top1 * 100.0,
            judge_after.top1 * 100.0,
            judge_before.mean_rank,
            judge_after.mean_rank
        )
    } else if worse {
        format!(
            "The learned weights do worse on the {set} decisions ({:.0}% → {:.0}%): the current weights explain them better, so they are kept.",
            judge_before.top1 * 100.0,
            judge_after.top1 * 100.0
        )
    } else if !holdout.is_empty() && train_after.hits > train_before.hits {
        format!(
            "The learned weights keep held-out agreement at {:.0}% and raise training agreement from {:.0}% to {:.0}%.",
            judge_before.top1 * 100.0,
            train_before.top1 * 100.0,
            train_after.top1 * 100.0
        )
    } else {
        format!("The learned weights cannot improve {set} agreement ({:.0}% either way).", judge_before.top1 * 100.0)
    };

    let changes: Vec<(usize, f64, f64)> = before_weights
        .iter()
        .zip(&after_weights)
        .enumerate()
        .filter(|(_, (b, a))| (*b - *a).abs() > 1e-9)
        .map(|(c, (b, a))| (c, *b, *a))
        .collect();
    let read_from = if catalog.files.len() == 1 {
        catalog.files[0].path.clone()
    } else {
        catalog.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>().join(" + ")
    };
    let file_name = file.as_ref().map_or_else(|| BUILTIN_NAME.to_string(), |p| p.display().to_string());
    let will_write = args.write && !worse && !changes.is_empty();

    let text = match args.format {
        TuneFormat::Json => crate::report::pretty(&serde_json::json!({
            "knowledge_base": crate::report::knowledge_base_view(&catalog),
            "file": file.as_ref().map(|p| p.display().to_string()),
            "decisions": decisions.len(),
            "single_candidate": single,
            "train": { "before": agreement_json(train_before), "after": agreement_json(train_after) },
            "holdout": { "before": agreement_json(hold_before), "after": agreement_json(hold_after) },
            "weights": catalog.criteria.iter().zip(before_weights.iter().zip(&after_weights)).map(|(c, (b, a))| {
                serde_json::json!({ "criterion": c.id, "before": b, "after": a })
            }).collect::<Vec<_>>(),
            "ridge": ridge,
            "improved": better,
            "written": will_write,
            "summary": verdict,
        }))?,
        TuneFormat::Text => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "Weights from {read_from}, fitted to {} of {} decisions (pull towards equal weights {ridge}, chosen by cross-validation):\n",
                train.len(),
                decisions.len()
            );
            let name_w = catalog.criteria.iter().map(|c| c.name.chars().count()).max().unwrap_or(9).max(9);
            let _ = writeln!(out, "{:<name_w$}  {:>7}  {:>7}  {:>7}", "criterion", "before", "after", "change");
            for (c, (b, a)) in catalog.criteria.iter().zip(before_weights.iter().zip(&after_weights)) {
                let _ = writeln!(out, "{:<name_w$}  {b:>7.3}  {a:>7.3}  {:>+7.3}", c.name, a - b);
            }
            out.push('\n');
            let _ = writeln!(out, "{}", agreement_line("training", train_before, train_after));
            if !holdout.is_empty() {
                let _ = writeln!(out, "{}", agreement_line("held out", hold_before, hold_after));
            }
            out.push('\n');
            out.push_str(&wrap(&verdict, "", 88));
            if !args.write && !worse && !changes.is_empty() {
                out.push_str("This was a dry run; add --write to save these weights.\n");
            }
            out
        }
    };
    print(&text)?;

    if args.write {
        let Some(path) = file else { return Ok(ExitCode::SUCCESS) };
        if !will_write {
            eprintln!("dlpick: {} left unchanged.", path.display());
            return Ok(ExitCode::SUCCESS);
        }
        let pairs: Vec<(String, f64)> = changes.iter().map(|(c, _, a)| (catalog.criteria[*c].id.clone(), *a)).collect();
        let (source, _) = read_input(&path)?;
        let updated = write::set_weights(&source, &file_name, &pairs)?;
        // Never write a file dlpick itself would reject: check the whole
        // knowledge base with the updated text in that file's place.
        load_catalog_replacing(&settings, Some((&path, &updated)))?;
        crate::output::write_atomic(&path, updated.as_bytes(), true)?;
        if !cli.quiet {
            for (c, b, a) in &changes {
                eprintln!("dlpick: {}: weight {b:.3} → {a:.3}", catalog.criteria[*c].id);
            }
            eprintln!("dlpick: wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
