//! `dlpick recommend`: profiles in, explained rankings out.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::build_info::sha256_hex;
use crate::catalog::Catalog;
use crate::cli::{Cli, RecommendArgs};
use crate::error::{Diagnostic, Error, Location, Result, unknown_hint};
use crate::explain::advise;
use crate::profile::{Draft, Given};
use crate::report::Format;
use crate::report::madr::{Input, Reproduce};

use super::settings::Settings;
use super::{deliver, file_stem, load_catalog_with, read_profile, report_options};

pub fn run(cli: &Cli, args: &RecommendArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    let overrides = args.needs.iter().map(|flag| parse_need_flag(flag, &catalog)).collect::<Result<Vec<_>>>()?;
    let format = settings.format(args.output.format.map(Into::into));
    if format == Format::Madr && args.profiles.len() > 1 {
        return Err(Error::Usage(format!(
            "a decision record (--format madr) is for one profile; {} were given.",
            args.profiles.len()
        )));
    }

    let mut profiles = Vec::new();
    let mut read = Vec::new();
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
            let stdin = path.as_os_str() == "-";
            read.push(Input {
                name: if stdin { "standard input".to_string() } else { path.display().to_string() },
                sha256: Some(sha256_hex(source.as_bytes())),
                note: None,
            });
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
    let destination = args.output.destination();
    let mut options = report_options(cli, &destination, &inputs);
    options.top = settings.top(args.top);
    options.explain = args.explain;
    let text = match advice.as_slice() {
        [one] if format == Format::Madr => {
            let reproduce = Reproduce { words: record_words(args, &catalog, &overrides, one, method), inputs: read };
            super::decision_record(&catalog, one, None, method, &reproduce, &options)?
        }
        _ => format.report().advice(&catalog, &advice, &options)?,
    };
    deliver(&text, &destination)?;
    Ok(ExitCode::SUCCESS)
}

/// The `recommend` command that makes this record again, after `dlpick`:
/// the profile, the needs set by flags (each criterion once, in the
/// knowledge base's order), and the method and policy in force written
/// out, so a project's defaults cannot change the result.
fn record_words(
    args: &RecommendArgs,
    catalog: &Catalog,
    overrides: &[(String, f64)],
    advice: &crate::explain::Advice,
    method: crate::score::MethodId,
) -> Vec<String> {
    let mut words = vec!["recommend".to_string()];
    words.extend(args.profiles.iter().map(|p| p.display().to_string()));
    // The last flag for a criterion wins, as it does for the profile.
    let mut needs: Vec<(usize, &str, f64)> = Vec::new();
    for (id, value) in overrides {
        let c = catalog.criterion_index(id).unwrap_or(usize::MAX);
        needs.retain(|(k, _, _)| *k != c);
        needs.push((c, id, *value));
    }
    needs.sort_by_key(|n| n.0);
    for (_, id, value) in needs {
        words.extend(["--need".to_string(), format!("{id}={value}")]);
    }
    words.extend(["--method".to_string(), method.as_str().to_string()]);
    words.extend(["--inactive".to_string(), advice.profile.require.policy().as_str().to_string()]);
    words
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
