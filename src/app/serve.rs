//! `dlpick serve`: the team survey server.

use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{Cli, ServeArgs};
use crate::error::Result;

pub fn run(cli: &Cli, args: &ServeArgs) -> Result<ExitCode> {
    let catalog = super::load_catalog(cli)?;
    let config = crate::serve::Config {
        db: args.db.clone(),
        bind: args.bind.clone(),
        quiet: cli.quiet,
        limits: crate::serve::Limits {
            header_timeout: Duration::from_secs(args.header_timeout),
            request_timeout: Duration::from_secs(args.request_timeout),
            max_connections: args.max_connections,
            grace: Duration::from_secs(args.grace),
        },
    };
    crate::serve::run(catalog, &config)?;
    Ok(ExitCode::SUCCESS)
}
