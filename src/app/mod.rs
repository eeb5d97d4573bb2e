//! The command-line application: reads files, runs the pure core, writes
//! reports. This is the only layer that knows about paths, standard input
//! and terminals.

mod ask;
mod batch;
mod examples;
mod inspect;
mod install;
mod project;
mod recommend;
mod serve;
mod settings;
mod tune;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::catalog::{Catalog, Input};
use crate::cli::{Cli, Command, OutputArgs};
use crate::error::{Diagnostic, Error, Location, Result};
use crate::report::{Options, Provenance};
use crate::{limits, output};

/// Run the parsed command line.
pub fn run(cli: &Cli) -> Result<ExitCode> {
    output::QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    // The server stops gracefully on its own signals.
    if !matches!(cli.command, Command::Serve(_)) {
        crate::signals::install(cli.quiet);
    }
    match &cli.command {
        Command::Ask(args) => ask::run(cli, args),
        Command::Recommend(args) => recommend::run(cli, args),
        Command::Frameworks(args) => inspect::frameworks(cli, args),
        Command::Criteria(args) => inspect::criteria(cli, args),
        Command::Check(args) => inspect::check(cli, args),
        Command::Config => project::config(cli),
        Command::Init(args) => project::init(cli, args),
        Command::Batch(args) => batch::run(cli, args),
        Command::Tune(command) => tune::run(cli, command),
        Command::Completions(args) => install::completions(cli, args),
        Command::Man => install::man(),
        Command::Examples(args) => examples_cmd(args),
        Command::Serve(args) => serve::run(cli, args),
    }
}

/// The knowledge base of this run: the base (`--weights`, `DLPICK_WEIGHTS`,
/// the project's `weights`, else built in) with its layers on top.
pub(crate) fn load_catalog(cli: &Cli) -> Result<Catalog> {
    load_catalog_with(&settings::Settings::resolve(cli)?)
}

/// The knowledge base the given settings name.
pub(crate) fn load_catalog_with(settings: &settings::Settings) -> Result<Catalog> {
    load_catalog_replacing(settings, None)
}

/// The knowledge base the given settings name, with the text of one of its
/// files replaced (to check an edit before it is written).
pub(crate) fn load_catalog_replacing(settings: &settings::Settings, replace: Option<(&Path, &str)>) -> Result<Catalog> {
    let read = |path: &PathBuf| -> Result<(String, String)> {
        match replace {
            Some((target, text)) if target == path.as_path() => Ok((text.to_string(), path.display().to_string())),
            _ => read_input(path),
        }
    };
    let base = match &settings.weights.value {
        Some(path) => Some(read(path)?),
        None => None,
    };
    let layers = settings.layers.value.iter().map(read).collect::<Result<Vec<_>>>()?;
    let base_input = match &base {
        Some((text, name)) => Input::new(text, name),
        None => Input::builtin(),
    };
    let layer_inputs: Vec<Input<'_>> = layers.iter().map(|(text, name)| Input::new(text, name)).collect();
    let catalog = Catalog::load(&base_input, &layer_inputs)?;
    Ok(if settings.article_only.value { catalog.article_only() } else { catalog })
}

/// Read a UTF-8 TOML file (or standard input for `-`), returning its text
/// and the name to use for it in messages. At most [`limits::TOML_MAX`]
/// bytes are read, whatever the file is, so `/dev/zero` is refused, not read
/// forever.
pub(crate) fn read_input(path: &Path) -> Result<(String, String)> {
    let stdin = path == Path::new("-");
    let name = if stdin { "<stdin>".to_string() } else { path.display().to_string() };
    let shown = if stdin { Path::new("standard input") } else { path };
    let text = if stdin { limits::read_toml(std::io::stdin().lock()) } else { limits::read_toml_file(path) };
    match text {
        Ok(text) => Ok((text, name)),
        Err(limits::ReadError::TooLarge) => {
            Err(Diagnostic::new(Location::file(name.as_str()), limits::TOO_LARGE).into())
        }
        Err(limits::ReadError::NotUtf8) => Err(crate::error::not_text(&name)),
        Err(limits::ReadError::Io(e)) if stdin => Err(Error::io("read", shown, e)),
        Err(limits::ReadError::Io(e)) => Err(crate::error::read_error(path, e)),
    }
}

/// A profile's text: the file, or the shipped example of that name when no
/// such file exists (`dlpick recommend beginner` works from any folder).
pub(crate) fn read_profile(path: &Path) -> Result<(String, String)> {
    if path != Path::new("-") && std::fs::symlink_metadata(path).is_err() {
        if let Some(example) = path.to_str().and_then(examples::find) {
            return Ok((example.text.to_string(), format!("{} (built-in example)", example.path)));
        }
    }
    read_input(path)
}

/// `dlpick examples [NAME]`.
fn examples_cmd(args: &crate::cli::ExamplesArgs) -> Result<ExitCode> {
    let text = if let Some(name) = &args.name {
        let Some(example) = examples::find(name) else {
            let names: Vec<&str> = examples::EXAMPLES.iter().map(examples::Example::name).collect();
            return Err(crate::error::Diagnostic::new(
                crate::error::Location::file(name.as_str()),
                "there is no example of that name.",
            )
            .hint(Some(crate::error::unknown_hint(name, &names)))
            .into());
        };
        example.text.to_string()
    } else {
        let rows: Vec<[String; 3]> = examples::EXAMPLES
            .iter()
            .map(|e| [e.name().to_string(), examples::kind(e).to_string(), examples::summary(e)])
            .collect();
        crate::report::setup::examples(&rows, output::text_width(false))
    };
    output::emit(&text, None, false)?;
    Ok(ExitCode::SUCCESS)
}

/// The name a profile gets when it has none: its file stem.
pub(crate) fn file_stem(path: &Path) -> String {
    if path == Path::new("-") {
        return "stdin".to_string();
    }
    path.file_stem().map_or_else(|| "profile".to_string(), |s| s.to_string_lossy().into_owned())
}

/// Every `*.toml` under `dir` (see [`crate::walk`]); links skipped are
/// reported in one note on standard error unless `quiet`.
pub(crate) fn toml_files(dir: &Path, follow_links: bool, quiet: bool) -> Result<Vec<PathBuf>> {
    let walk = crate::walk::toml_files(dir, follow_links)?;
    if let (Some(note), false) = (walk.note(dir), quiet) {
        eprintln!("{note}");
    }
    Ok(walk.files)
}

/// Render options and destination shared by every reporting command.
pub(crate) fn report_options(cli: &Cli, output: &OutputArgs, inputs: &[&Path]) -> Options {
    options_for(cli, output.out.as_deref(), inputs)
}

/// Render options for output to `out` (`None` or `-`: standard output):
/// colour and the terminal's width only there, and the provenance of
/// `inputs`.
pub(crate) fn options_for(cli: &Cli, out: Option<&Path>, inputs: &[&Path]) -> Options {
    let to_file = !output::is_stdout(out);
    Options {
        color: output::use_color(cli.color, to_file),
        width: output::text_width(to_file),
        provenance: provenance(inputs),
        ..Options::default()
    }
}

/// What a report says about where it came from: this build, today's date
/// (or `SOURCE_DATE_EPOCH`'s, for reproducible output) and the inputs.
pub(crate) fn provenance(inputs: &[&Path]) -> Provenance {
    let (day, date) = crate::build_info::report_day();
    Provenance {
        version: crate::build_info::version_line(),
        date,
        day,
        inputs: inputs
            .iter()
            .map(|p| if *p == Path::new("-") { "standard input".to_string() } else { p.display().to_string() })
            .collect(),
    }
}

/// A decision record of `advice`: how firm the choice is (the analyses
/// run here, on every core), then the record.
pub(crate) fn decision_record(
    catalog: &Catalog,
    advice: &crate::explain::Advice,
    survey: Option<crate::report::madr::Survey<'_>>,
    method: crate::score::MethodId,
    reproduce: &crate::report::madr::Reproduce,
    options: &Options,
) -> Result<String> {
    let firmness = crate::tune::firmness::analyse(catalog, advice, method, 0);
    let doc = crate::report::DecisionDoc { advice, survey, firmness: &firmness, method, reproduce };
    crate::report::Format::Madr.report().decision(catalog, &doc, options)
}

/// Write a finished report where the user asked.
pub(crate) fn deliver(text: &str, output: &OutputArgs) -> Result<()> {
    output::emit(text, output.out.as_deref(), output.force)
}
