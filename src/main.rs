//! The `dlpick` binary: parse the command line, run, map errors to exit codes.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = dlpick::cli::Cli::parse_with_env();
    match dlpick::app::run(&cli) {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            if !matches!(e, dlpick::Error::Cancelled) || !cli.quiet {
                dlpick::output::eprint_message(&format!("dlpick: error: {e}"));
            }
            ExitCode::from(e.exit_code())
        }
    }
}
