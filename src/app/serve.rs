//! `dlpick serve`: the team survey server.

use std::process::ExitCode;

use crate::cli::{Cli, ServeArgs};
use crate::error::Result;

pub fn run(cli: &Cli, args: &ServeArgs) -> Result<ExitCode> {
    let catalog = super::load_catalog(cli)?;
    let config = crate::serve::Config { db: args.db.clone(), bind: args.bind.clone(), quiet: cli.quiet };
    crate::serve::run(catalog, &config)?;
    Ok(ExitCode::SUCCESS)
}
