//! `dlpick ask`: run the questionnaire (at a terminal or from piped lines),
//! print the advice, and save the answers as a profile.

use std::io::{BufReader, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use crate::ask::{self, Prefill, interactive, scripted};
use crate::cli::{AskArgs, Cli};
use crate::error::{Error, Result};
use crate::explain::advise;
use crate::report::Options;

use super::settings::Settings;
use super::{file_stem, load_catalog_with, read_input};

pub fn run(cli: &Cli, args: &AskArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    if args.print_questions {
        crate::output::emit(
            &crate::report::setup::questions(
                &catalog,
                args.pairwise,
                &ask::question_lines(&catalog, args.pairwise),
                crate::output::text_width(false),
            ),
            None,
            false,
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let method = settings.method(args.method.map(Into::into));
    let weighted_sum = method == crate::score::MethodId::WeightedSum;
    if (args.next || args.adaptive) && !weighted_sum {
        return Err(Error::Usage(format!(
            "{} asks only what can change the weighted sum's top pick, and {} has no such exact bound: use --method weighted-sum, or answer every question.",
            if args.next { "--next" } else { "--adaptive" },
            method.as_str()
        )));
    }
    if args.next {
        return next(args, &settings, &catalog);
    }
    // Check the --save target before the first question, not after the last.
    if let Some(path) = &args.save {
        check_save_target(path, args.force)?;
    }
    let prefill = match &args.answers {
        Some(path) => {
            let (source, name) = read_input(path)?;
            Prefill::from_toml(&source, &name, &catalog)?
        }
        None => Prefill::empty(&catalog),
    };
    let name = args
        .name
        .clone()
        .or_else(|| prefill.name.clone())
        .or_else(|| args.save.as_deref().map(file_stem))
        .unwrap_or_else(|| "my-profile".to_string());

    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let answers = if terminal {
        at_terminal(args, &settings, &catalog, &prefill, &name)?
    } else {
        piped(cli, args, &settings, &catalog, &prefill, &name)?
    };

    // Validate before anything is written.
    let profile = ask::to_profile(&catalog, &answers)?;
    let text = ask::profile_toml(&catalog, &answers);
    let advice = advise(&catalog, vec![profile], method, args.policy.policy(), settings.inactive.value);
    let options = Options { top: settings.top(args.top), ..super::options_for(cli, None, &[]) };
    let report = settings.format(args.format.map(Into::into)).report().advice(&catalog, &advice, &options)?;
    crate::output::emit(&report, None, false)?;

    let target = match &args.save {
        Some(path) => Some(path.clone()),
        None if terminal => interactive::offer_save(&format!("{name}.toml"))?,
        None => None,
    };
    if let Some(path) = target {
        if let Err(e) = crate::output::write_atomic(&path, text.as_bytes(), args.force) {
            return Err(recover(&e, &text));
        }
        if !cli.quiet {
            eprintln!("dlpick: saved {}; use it with `dlpick recommend {}`", path.display(), shell_path(&path));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The answers typed at a terminal: adaptive by default (weighted sum).
fn at_terminal(
    args: &AskArgs,
    settings: &Settings,
    catalog: &crate::catalog::Catalog,
    prefill: &Prefill,
    name: &str,
) -> Result<ask::Answers> {
    let method = settings.method(args.method.map(Into::into));
    Ok(if args.pairwise {
        interactive::pairwise(catalog, prefill, name)?.answers
    } else if args.all_questions {
        interactive::answers(catalog, prefill, name)?
    } else if method != crate::score::MethodId::WeightedSum {
        eprintln!(
            "The {} has no exact bound on what an answer can change, so every question is asked.",
            method.as_str()
        );
        interactive::answers(catalog, prefill, name)?
    } else {
        interactive::adaptive(catalog, prefill, name, args.policy.policy(), settings.inactive.value)?
    })
}

/// The answers read from standard input: in the fixed order, pairwise, or
/// adaptively with `--adaptive`.
fn piped(
    cli: &Cli,
    args: &AskArgs,
    settings: &Settings,
    catalog: &crate::catalog::Catalog,
    prefill: &Prefill,
    name: &str,
) -> Result<ask::Answers> {
    let mut input = BufReader::new(std::io::stdin().lock());
    if args.adaptive {
        let quiet = cli.quiet;
        let mut asking = |number: usize, q: ask::Question| {
            if !quiet {
                eprintln!("? {number}. [{}] {}", ask::question_key(catalog, q), ask::question_text(catalog, q));
            }
        };
        let (flag, default) = (args.policy.policy(), settings.inactive.value);
        let (answers, verdict) =
            scripted::adaptive(catalog, prefill, &mut input, "<stdin>", name, flag, default, &mut asking)?;
        if let (crate::score::adaptive::Next::Settled { top, unasked }, false) = (&verdict, cli.quiet) {
            if !unasked.is_empty() {
                eprintln!("dlpick: {}", ask::adaptive::settled_line(catalog, *top, unasked.len()));
            }
        }
        return Ok(answers);
    }
    if args.pairwise {
        let outcome = scripted::pairwise(catalog, prefill, &mut input, "<stdin>", name)?;
        if let (Some((a, b)), false) = (outcome.worst, cli.quiet) {
            eprintln!(
                "dlpick: note: the judgments contradict each other (consistency ratio {:.2}, above 0.10); {} vs {} disagrees most with the rest.",
                outcome.priorities.cr, catalog.criteria[a].id, catalog.criteria[b].id
            );
        }
        return Ok(outcome.answers);
    }
    scripted::answers(catalog, prefill, &mut input, "<stdin>", name)
}

/// `dlpick ask --next`: the next question for the --answers profile, or
/// the verdict.
fn next(args: &AskArgs, settings: &Settings, catalog: &crate::catalog::Catalog) -> Result<ExitCode> {
    let prefill = match &args.answers {
        Some(path) => {
            let (source, name) = read_input(path)?;
            Prefill::from_toml(&source, &name, catalog)?
        }
        None => Prefill::empty(catalog),
    };
    let step = ask::adaptive::next(catalog, &prefill, args.policy.policy(), settings.inactive.value)?;
    if step == crate::score::adaptive::Next::NoNeeds {
        let file = args.answers.as_ref().map_or_else(|| "<no answers>".to_string(), |p| p.display().to_string());
        return Err(Error::Usage(format!(
            "{file}: every question is answered and no need is above 0: rate at least one criterion above 0 under [needs]."
        )));
    }
    let (answered, remaining) = ask::adaptive::progress(catalog, &prefill);
    let json = match settings.format(args.format.map(Into::into)) {
        crate::report::Format::Json => true,
        crate::report::Format::Text => false,
        other => {
            return Err(Error::Usage(format!(
                "--next prints text or JSON, not {}.",
                format!("{other:?}").to_lowercase()
            )));
        }
    };
    let width = crate::output::text_width(false);
    let text = crate::report::setup::next_step(catalog, &step, &answered, &remaining, json, width);
    crate::output::emit(&text, None, false)?;
    Ok(ExitCode::SUCCESS)
}

/// Whether `path` can take the saved profile: not a folder, absent unless
/// `force`, in a folder that exists and can be written (tried by creating
/// and removing a temporary file there).
fn check_save_target(path: &Path, force: bool) -> Result<()> {
    crate::output::check_target(path, force)?;
    let dir = crate::output::target_dir(path);
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "cannot save to {}: the folder {} does not exist.",
            path.display(),
            dir.display()
        )));
    }
    tempfile::Builder::new().prefix(".dlpick-check-").tempfile_in(dir).map(drop).map_err(|e| {
        Error::Storage(format!(
            "cannot save to {}: the folder {} cannot be written ({e}).",
            path.display(),
            dir.display()
        ))
    })
}

/// The save failed after every question was answered: keep the answers in
/// a recovery file (named in the error), or print them when even that fails.
fn recover(e: &Error, text: &str) -> Error {
    let kept = tempfile::Builder::new().prefix("dlpick-answers-").suffix(".toml").tempfile().and_then(|mut f| {
        use std::io::Write as _;
        f.write_all(text.as_bytes())?;
        f.keep().map_err(|k| k.error)
    });
    if let Ok((_, path)) = kept {
        e.with_note(&format!("Your answers were saved to {} instead.", path.display()))
    } else {
        print!("{text}");
        e.with_note("Your answers were printed above instead.")
    }
}

fn shell_path(path: &Path) -> String {
    let s = path.display().to_string();
    if s.contains(' ') { format!("'{s}'") } else { s }
}
