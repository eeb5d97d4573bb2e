//! `dlpick recommend`: profiles in, explained rankings out.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::catalog::Catalog;
use crate::cli::{Cli, RecommendArgs};
use crate::error::{Diagnostic, Error, Location, Result, unknown_hint};
use crate::explain::advise;
use crate::profile::{Draft, Given};

use super::settings::Settings;
use super::{deliver, file_stem, load_catalog_with, read_profile, report_options};

pub fn run(cli: &Cli, args: &RecommendArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    let overrides = args.needs.iter().map(|flag| parse_need_flag(flag, &catalog)).collect::<Result<Vec<_>>>()?;

    let mut profiles = Vec::new();
    if args.profiles.is_empty() {
        if overrides.is_empty() {
            return Err(Error::Usage(
                "give a profile file, or at least one --need ID=N (see `dlpick criteria` for the ids).".to_string(),
            ));
        }
        let mut draft = Draft { name: Some("command line".to_string()), ..Draft::default() };
        for (id, value) in &overrides {
            draft.set_need(Given::new(id.clone()), Given::new(*value));
        }
        profiles.push(draft.resolve(&catalog, "command line", &|_| Location::file("--need"))?);
    } else {
        if args.profiles.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            return Err(Error::Usage("standard input (`-`) can be read only once.".to_string()));
        }
        for path in &args.profiles {
            let (source, name) = read_profile(path)?;
            let mut draft = Draft::from_toml(&source, &name)?;
            for (id, value) in &overrides {
                draft.set_need(Given::new(id.clone()), Given::new(*value));
            }
            profiles.push(draft.resolve(&catalog, &file_stem(path), &Location::resolver(&name, &source))?);
        }
    }

    let method = settings.method(args.method.map(Into::into));
    let advice = advise(&catalog, profiles, method, args.policy.policy(), settings.inactive.value);
    let inputs: Vec<&std::path::Path> = args.profiles.iter().map(PathBuf::as_path).collect();
    let mut options = report_options(cli, &args.output, &inputs);
    options.top = settings.top(args.top);
    options.explain = args.explain;
    let text = settings.format(args.output.format).report().advice(&catalog, &advice, &options)?;
    deliver(&text, &args.output)?;
    Ok(ExitCode::SUCCESS)
}

/// `ID=N` from `--need`, checked against the knowledge base.
pub fn parse_need_flag(flag: &str, catalog: &Catalog) -> Result<(String, f64)> {
    let location = || Location::file(format!("--need {flag}"));
    let Some((id, value)) = flag.split_once('=') else {
        return Err(Diagnostic::new(location(), "expected ID=N, for example `debuggability=4`.").into());
    };
    let id = id.trim();
    let Some(index) = catalog.find_criterion(id) else {
        return Err(Diagnostic::new(location(), format!("`{id}` is not a criterion."))
            .hint(Some(unknown_hint(id, &catalog.criterion_ids())))
            .into());
    };
    let id = catalog.criteria[index].id.as_str();
    let need: f64 = value.trim().parse().map_err(|_| {
        Diagnostic::new(location(), format!("`{}` is not a number; a need lies between 0 and 5.", value.trim()))
    })?;
    if !need.is_finite() || !(0.0..=5.0).contains(&need) {
        return Err(Diagnostic::new(
            location(),
            format!(
                "need {} is out of range; it must lie between 0 (irrelevant) and 5 (critical).",
                crate::sanitize::number(need)
            ),
        )
        .into());
    }
    Ok((id.to_string(), need))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn need_flags_are_checked() {
        let c = Catalog::builtin().unwrap();
        assert_eq!(parse_need_flag("debuggability=4", &c).unwrap(), ("debuggability".to_string(), 4.0));
        assert!(parse_need_flag("debuggability", &c).is_err());
        assert!(parse_need_flag("debuggability=x", &c).is_err());
        assert!(parse_need_flag("debuggability=NaN", &c).is_err());
        assert!(parse_need_flag("debuggability=9", &c).is_err());
        let Err(Error::Invalid(d)) = parse_need_flag("debugability=3", &c) else { panic!() };
        assert!(d.hint.unwrap().contains("debuggability"));
    }
}
