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
        if args.pairwise {
            interactive::pairwise(&catalog, &prefill, &name)?.answers
        } else {
            interactive::answers(&catalog, &prefill, &name)?
        }
    } else {
        let mut input = BufReader::new(std::io::stdin().lock());
        if args.pairwise {
            let outcome = scripted::pairwise(&catalog, &prefill, &mut input, "<stdin>", &name)?;
            if let (Some((a, b)), false) = (outcome.worst, cli.quiet) {
                eprintln!(
                    "dlpick: note: the judgments contradict each other (consistency ratio {:.2}, above 0.10); {} vs {} disagrees most with the rest.",
                    outcome.priorities.cr, catalog.criteria[a].id, catalog.criteria[b].id
                );
            }
            outcome.answers
        } else {
            scripted::answers(&catalog, &prefill, &mut input, "<stdin>", &name)?
        }
    };

    // Validate before anything is written.
    let profile = ask::to_profile(&catalog, &answers)?;
    let text = ask::profile_toml(&catalog, &answers);
    let method = settings.method(args.method.map(Into::into));
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
