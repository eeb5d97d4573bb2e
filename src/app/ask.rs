//! `dlpick ask`: run the questionnaire (at a terminal or from piped lines),
//! print the advice, and save the answers as a profile.

use std::io::{BufReader, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use crate::ask::{self, Prefill, interactive, scripted};
use crate::cli::{AskArgs, Cli};
use crate::error::{Error, Result};
use crate::report::Options;

use super::recommend::advise;
use super::settings::Settings;
use super::{file_stem, load_catalog_with, read_input};

pub fn run(cli: &Cli, args: &AskArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    if args.print_questions {
        crate::output::emit(&ask::print_questions(&catalog, args.pairwise), None, false)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = args.save.as_ref().filter(|p| p.exists() && !args.force) {
        return Err(Error::Usage(format!("{} already exists; pass --force to replace it.", path.display())));
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
    let options = Options {
        top: settings.top(args.top),
        color: crate::output::use_color(cli.color, false),
        ..Options::default()
    };
    let report = settings.format(args.format).report().advice(&catalog, &advice, &options);
    crate::output::emit(&report, None, false)?;

    let target = match &args.save {
        Some(path) => Some(path.clone()),
        None if terminal => interactive::offer_save(&format!("{name}.toml"))?,
        None => None,
    };
    if let Some(path) = target {
        crate::output::write_atomic(&path, text.as_bytes(), args.force)?;
        if !cli.quiet {
            eprintln!("dlpick: saved {}; use it with `dlpick recommend {}`", path.display(), shell_path(&path));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn shell_path(path: &Path) -> String {
    let s = path.display().to_string();
    if s.contains(' ') { format!("'{s}'") } else { s }
}
