//! `dlpick completions SHELL` and `dlpick man`: both generated from the clap
//! definitions in `cli.rs`, so they can never drift from the real options.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Command, CommandFactory, ValueHint};
use clap_complete::Shell;
use clap_mangen::Man;
use roff::{Roff, bold, roman};

use crate::catalog::Catalog;
use crate::cli::{Cli, CompletionsArgs, ENVIRONMENT, EXIT_CODES};
use crate::error::Result;
use crate::output;

/// The program name completions are registered for.
const BIN: &str = "dlpick";

pub fn completions(cli: &Cli, args: &CompletionsArgs) -> Result<ExitCode> {
    let catalog = super::load_catalog(cli)?;
    output::emit(&completion_script(args.shell, &catalog), None, false)?;
    Ok(ExitCode::SUCCESS)
}

pub fn man() -> Result<ExitCode> {
    output::emit(&man_page(), None, false)?;
    Ok(ExitCode::SUCCESS)
}

/// The completion script for `shell`, with the knowledge base's criterion and
/// framework ids as the values of `--need` and `frameworks ID`.
pub fn completion_script(shell: Shell, catalog: &Catalog) -> String {
    let mut cmd = with_knowledge_base(Cli::command(), catalog, shell);
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut script);
    String::from_utf8(script).expect("clap_complete writes UTF-8 when its input is UTF-8")
}

/// The command line as completion should see it: the same definitions, with
/// the knowledge base's ids as possible values. Parsing never uses this, so
/// a `--weights` file with other ids is still accepted.
fn with_knowledge_base(cmd: Command, catalog: &Catalog, shell: Shell) -> Command {
    let needs: Vec<PossibleValue> = if shell == Shell::Bash {
        // Bash splits words at `=`, so it can complete `debug` to
        // `debuggability=` but not the digit after it; offer the id with `=`
        // and no trailing space (the `Other` hint), and the person types the digit.
        catalog.criteria.iter().map(|c| PossibleValue::new(format!("{}=", c.id)).help(c.description.clone())).collect()
    } else {
        // The other shells complete whole words: every `id=N`, each with its
        // criterion's description (zsh shows the six of a criterion on one line).
        catalog
            .criteria
            .iter()
            .flat_map(|c| (0..=5).map(|n| PossibleValue::new(format!("{}={n}", c.id)).help(c.description.clone())))
            .collect()
    };
    let frameworks: Vec<PossibleValue> =
        catalog.frameworks.iter().map(|f| PossibleValue::new(f.id.clone()).help(f.name.clone())).collect();
    cmd.mut_subcommand("recommend", |sub| {
        sub.mut_arg("needs", |arg| arg.value_parser(PossibleValuesParser::new(needs)).value_hint(ValueHint::Other))
    })
    .mut_subcommand("frameworks", |sub| {
        sub.mut_arg("ids", |arg| arg.value_parser(PossibleValuesParser::new(frameworks)))
    })
}

/// One roff document: the top-level page as clap_mangen renders it, then a
/// COMMANDS section with every subcommand (synopsis, description, options,
/// examples), then EXAMPLES, EXIT STATUS, ENVIRONMENT and VERSION.
pub fn man_page() -> String {
    let cmd = Cli::command();
    let top = Man::new(cmd.clone().disable_help_subcommand(true));
    // The title line is written here: clap_mangen drops an empty date
    // instead of quoting it, which shifts the fields after it.
    let mut page = keep_lines(&render(|w| top.render_title(w)), |l| !l.starts_with(".TH"));
    let _ = writeln!(page, ".TH DLPICK 1 \"\" \"dlpick {}\" \"User Commands\"", crate::build_info::VERSION);
    for section in [Man::render_name_section, Man::render_synopsis_section, Man::render_description_section] {
        page.push_str(&without_preamble(&render(|w| section(&top, w))));
    }
    page.push_str(&without_preamble(&render(|w| top.render_options_section(w))));

    let mut commands = Roff::new();
    commands.control("SH", ["COMMANDS"]);
    page.push_str(&without_preamble(&commands.render()));
    for sub in cmd.get_subcommands() {
        command_section(&mut page, sub, BIN);
    }

    let mut rest = Roff::new();
    if let Some(examples) = cmd.get_after_help() {
        rest.control("SH", ["EXAMPLES"]);
        literal(&mut rest, &examples.to_string());
    }
    rest.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_CODES {
        rest.control("TP", []).text([bold(code.to_string())]).text([roman(*meaning)]);
    }
    rest.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in environment(&cmd) {
        rest.control("TP", []).text([bold(name)]).text([roman(meaning)]);
    }
    page.push_str(&without_preamble(&rest.render()));
    page.push_str(&without_preamble(&render(|w| top.render_version_section(w))));
    page
}

/// A subcommand's part of the COMMANDS section; nested subcommands follow
/// their parent.
fn command_section(page: &mut String, sub: &Command, parent: &str) {
    let path = format!("{parent} {}", sub.get_name());
    let sub = sub.clone().bin_name(&path).disable_help_flag(true).disable_help_subcommand(true);
    let man = Man::new(sub.clone());

    let mut heading = Roff::new();
    heading.control("SS", [path.as_str()]);
    page.push_str(&without_preamble(&heading.render()));
    if sub.has_subcommands() {
        page.push_str(&body(&render(|w| man.render_description_section(w))));
    } else {
        page.push_str(&body(&render(|w| man.render_synopsis_section(w))));
        let mut para = Roff::new();
        para.control("PP", []);
        page.push_str(&without_preamble(&para.render()));
        page.push_str(&body(&render(|w| man.render_description_section(w))));
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            page.push_str(&body(&render(|w| man.render_options_section(w))));
        }
    }
    if let Some(examples) = sub.get_after_help() {
        let mut extra = Roff::new();
        literal(&mut extra, &examples.to_string());
        page.push_str(&without_preamble(&extra.render()));
    }
    for child in sub.get_subcommands() {
        command_section(page, child, &path);
    }
}

/// Every environment variable dlpick reads: those behind options (from the
/// clap definitions) and the others listed in `cli::ENVIRONMENT`.
pub fn environment(cmd: &Command) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = cmd
        .get_arguments()
        .filter_map(|arg| {
            let name = arg.get_env()?.to_string_lossy().into_owned();
            let long = arg.get_long().map_or_else(String::new, |l| format!("--{l}"));
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            Some((name, format!("{help}; used when {long} is not given.")))
        })
        .collect();
    vars.extend(ENVIRONMENT.iter().map(|(name, meaning)| ((*name).to_string(), (*meaning).to_string())));
    vars
}

/// Text kept line for line, as in `--help` (examples, aligned comments).
fn literal(roff: &mut Roff, text: &str) {
    roff.control("PP", []).control("nf", []);
    for line in text.lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
}

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    f(&mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("roff output is UTF-8 when its input is")
}

/// Every rendered piece starts with the same two lines defining the
/// apostrophe string; the page needs them once, at the top.
fn without_preamble(roff: &str) -> String {
    keep_lines(roff, |l| !l.starts_with(".ie \\n(.g .ds Aq") && !l.starts_with(".el .ds Aq"))
}

/// A section's content without its `.SH` heading, to sit under a subcommand's `.SS`.
fn body(roff: &str) -> String {
    keep_lines(&without_preamble(roff), |l| !l.starts_with(".SH"))
}

fn keep_lines(text: &str, keep: impl Fn(&str) -> bool) -> String {
    let mut kept = String::with_capacity(text.len());
    for line in text.lines().filter(|l| keep(l)) {
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_has_a_heading_in_the_man_page() {
        let page = man_page();
        for sub in Cli::command().get_subcommands() {
            assert!(page.contains(&format!(".SS \"dlpick {}\"", sub.get_name())), "{}", sub.get_name());
            for child in sub.get_subcommands() {
                let heading = format!(".SS \"dlpick {} {}\"", sub.get_name(), child.get_name());
                assert!(page.contains(&heading), "{heading}");
            }
        }
        assert_eq!(page.matches(".ie \\n(.g .ds Aq").count(), 1);
        assert!(page.starts_with(".ie \\n(.g .ds Aq"));
    }

    #[test]
    fn the_environment_names_the_option_variable_and_the_others() {
        let names: Vec<String> = environment(&Cli::command()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["DLPICK_WEIGHTS", "DLPICK_LAYERS", "NO_COLOR", "TERM", "COLUMNS"]);
    }

    #[test]
    fn completion_values_come_from_the_knowledge_base() {
        let catalog = Catalog::builtin().unwrap();
        let bash = completion_script(Shell::Bash, &catalog);
        assert!(bash.contains("debuggability= "), "bash offers `id=`");
        let zsh = completion_script(Shell::Zsh, &catalog);
        assert!(zsh.contains("debuggability=5"));
        for f in &catalog.frameworks {
            assert!(bash.contains(&f.id) && zsh.contains(&f.id), "{}", f.id);
        }
    }
}
