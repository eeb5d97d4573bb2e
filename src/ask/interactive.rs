//! The questionnaire at a terminal (prompts on standard error, with
//! inquire). Esc or Ctrl-C at any prompt leaves with nothing written.

use std::path::PathBuf;

use inquire::validator::Validation;
use inquire::{Confirm, InquireError, MultiSelect, Select, Text};

use super::adaptive::{self, Answer};
use super::ahp::{self, SCALE};
use super::scripted::{Pairwise, conclude};
use super::{Answers, Prefill, Question, choices, parse_need, question_text, scale_hint};
use crate::catalog::{Catalog, RouteKind};
use crate::error::{Error, Result};
use crate::explain::num;
use crate::profile::InactivePolicy;
use crate::score::adaptive::{Next, Step};

fn fail(e: InquireError) -> Error {
    match e {
        InquireError::OperationCanceled | InquireError::OperationInterrupted => Error::Cancelled,
        InquireError::IO(e) => Error::io("use", std::path::Path::new("the terminal"), e),
        InquireError::NotTTY => Error::Usage(format!("the questionnaire could not continue: {}", InquireError::NotTTY)),
        other => Error::Internal(format!("the questionnaire could not continue: {other}")),
    }
}

fn ask_needs(catalog: &Catalog, defaults: &[f64]) -> Result<Vec<f64>> {
    let total = catalog.criteria.len();
    let hint = scale_hint();
    let mut needs = defaults.to_vec();
    loop {
        for (i, c) in catalog.criteria.iter().enumerate() {
            let message = format!("({}/{total}) {}", i + 1, c.question);
            let default = num(needs[i]);
            let answer = Text::new(&message)
                .with_help_message(&hint)
                .with_default(&default)
                .with_validator(|s: &str| {
                    Ok(match parse_need(s) {
                        Ok(_) => Validation::Valid,
                        Err(reason) => Validation::Invalid(reason.into()),
                    })
                })
                .prompt()
                .map_err(fail)?;
            if let Ok(Some(v)) = parse_need(&answer) {
                needs[i] = v;
            }
        }
        if needs.iter().any(|n| *n > 0.0) {
            return Ok(needs);
        }
        eprintln!("Rate at least one criterion above 0, so there is something to compare. Once more:");
    }
}

fn ask_routes(catalog: &Catalog, kind: RouteKind, default: Option<&Vec<String>>) -> Result<Vec<String>> {
    let ids: Vec<&str> = choices(catalog, kind);
    let shown: Vec<String> = ids.iter().map(|id| catalog.name_of(kind, id).to_string()).collect();
    let chosen: Vec<usize> = default.into_iter().flatten().filter_map(|l| ids.iter().position(|k| k == l)).collect();
    let picked = MultiSelect::new(&question_text(catalog, Question::Routes(kind)), shown)
        .with_help_message("space selects, enter confirms; select none for no requirement")
        .with_default(&chosen)
        .raw_prompt()
        .map_err(fail)?;
    Ok(picked.into_iter().map(|o| ids[o.index].to_string()).collect())
}

fn ask_policy(catalog: &Catalog, default: Option<InactivePolicy>) -> Result<InactivePolicy> {
    let policies = [
        "separate: rank maintained frameworks; list the others for reference",
        "rank: rank them all together, as the article did, with warnings",
        "exclude: leave frameworks no longer maintained out",
    ];
    let current = InactivePolicy::ALL.iter().position(|p| Some(*p) == default).unwrap_or(0);
    let picked = Select::new(&question_text(catalog, Question::Inactive), policies.to_vec())
        .with_starting_cursor(current)
        .raw_prompt()
        .map_err(fail)?;
    Ok(InactivePolicy::ALL[picked.index])
}

fn ask_exclude(catalog: &Catalog, default: Option<&Vec<String>>) -> Result<Vec<String>> {
    let options: Vec<String> = catalog.frameworks.iter().map(|f| format!("{} ({})", f.name, f.id)).collect();
    let chosen: Vec<usize> = default.into_iter().flatten().filter_map(|id| catalog.framework_index(id)).collect();
    let picked = MultiSelect::new(&question_text(catalog, Question::Exclude), options)
        .with_help_message("space selects, enter confirms; select none to keep them all")
        .with_default(&chosen)
        .raw_prompt()
        .map_err(fail)?;
    Ok(picked.into_iter().map(|o| catalog.frameworks[o.index].id.clone()).collect())
}

fn ask_constraints(catalog: &Catalog, prefill: &Prefill, answers: &mut Answers) -> Result<()> {
    for kind in RouteKind::ALL {
        *answers.names_mut(kind) = ask_routes(catalog, kind, prefill.names(kind))?;
    }
    answers.inactive = ask_policy(catalog, prefill.inactive)?;
    answers.exclude = ask_exclude(catalog, prefill.exclude.as_ref())?;
    Ok(())
}

fn ask_need(catalog: &Catalog, c: usize, label: &str) -> Result<f64> {
    let hint = scale_hint();
    let answer = Text::new(&format!("({label}) {}", catalog.criteria[c].question))
        .with_help_message(&hint)
        .with_default("0")
        .with_validator(|s: &str| {
            Ok(match parse_need(s) {
                Ok(_) => Validation::Valid,
                Err(reason) => Validation::Invalid(reason.into()),
            })
        })
        .prompt()
        .map_err(fail)?;
    Ok(parse_need(&answer).ok().flatten().unwrap_or(0.0))
}

/// The adaptive questionnaire: requirements first, then the ratings that
/// can still change the top pick; once none can, say so in one line and
/// offer to stop. Questions `prefill` answers are not asked.
pub fn adaptive(
    catalog: &Catalog,
    prefill: &Prefill,
    name: &str,
    flag: Option<InactivePolicy>,
    default: InactivePolicy,
) -> Result<Answers> {
    eprintln!("Requirements first, then ratings from 0 (doesn't matter) to 5 (critical); Enter keeps the value shown.");
    eprintln!("Once no answer can change the top pick, you may stop. Esc or Ctrl-C leaves without writing anything.\n");
    let total = catalog.criteria.len();
    let mut known = prefill.clone();
    let mut rated = known.needs.iter().filter(|n| n.is_some()).count();
    loop {
        let verdict = adaptive::next(catalog, &known, flag, default)?;
        match verdict {
            Next::Ask(Step::Routes(kind)) => {
                let v = ask_routes(catalog, kind, None)?;
                adaptive::record(&mut known, Question::Routes(kind), Answer::Names(v));
            }
            Next::Ask(Step::Inactive) => {
                let v = ask_policy(catalog, None)?;
                adaptive::record(&mut known, Question::Inactive, Answer::Policy(v));
            }
            Next::Ask(Step::Exclude) => {
                let v = ask_exclude(catalog, None)?;
                adaptive::record(&mut known, Question::Exclude, Answer::Names(v));
            }
            Next::Ask(Step::Need(c)) => {
                rated += 1;
                let v = ask_need(catalog, c, &format!("{rated} of up to {total}"))?;
                adaptive::record(&mut known, Question::Need(c), Answer::Need(v));
            }
            Next::NoNeeds => {
                eprintln!("Rate at least one criterion above 0, so there is something to compare. Once more:");
                known.needs.clone_from(&prefill.needs);
                rated = known.needs.iter().filter(|n| n.is_some()).count();
            }
            Next::Settled { top, unasked } => {
                let mut answers = adaptive::answers_of(&known, name);
                answers.settled = Some(adaptive::settled_what(catalog, top));
                if unasked.is_empty() {
                    return Ok(answers);
                }
                eprintln!("{}", adaptive::settled_line(catalog, top, unasked.len()));
                let rest = if unasked.len() == 1 {
                    "Answer the remaining question anyway".to_string()
                } else {
                    format!("Answer the {} remaining questions anyway", unasked.len())
                };
                let options = vec!["Stop here and see the recommendation".to_string(), rest];
                let picked = Select::new("Stop here?", options).raw_prompt().map_err(fail)?;
                if picked.index == 0 {
                    return Ok(answers);
                }
                for c in unasked {
                    rated += 1;
                    answers.needs[c] = ask_need(catalog, c, &format!("{rated}/{total}"))?;
                }
                answers.unasked.clear();
                answers.settled = None;
                return Ok(answers);
            }
        }
    }
}

/// The plain questionnaire; `prefill` supplies the defaults shown.
pub fn answers(catalog: &Catalog, prefill: &Prefill, name: &str) -> Result<Answers> {
    eprintln!("Answer each question from 0 (doesn't matter) to 5 (critical); Enter keeps the value shown.");
    eprintln!("Esc or Ctrl-C leaves at any time without writing anything.\n");
    let mut answers = Answers::defaults(prefill, name);
    answers.needs = ask_needs(catalog, &answers.needs)?;
    ask_constraints(catalog, prefill, &mut answers)?;
    Ok(answers)
}

/// The 17 answers to "a or b, and by how much?", strongest for `a` first.
fn pair_options(a: &str, b: &str) -> Vec<String> {
    let mut options: Vec<String> =
        SCALE.iter().rev().filter(|(v, _)| *v > 1).map(|(v, words)| format!("{a} is {words} ({v})")).collect();
    options.push("both are equally important (1)".to_string());
    options.extend(SCALE.iter().filter(|(v, _)| *v > 1).map(|(v, words)| format!("{b} is {words} ({v})")));
    options
}

/// The judgment "a over b" for option `index` of [`pair_options`].
fn judgment(index: usize) -> f64 {
    match index {
        0..=7 => f64::from(9 - u8::try_from(index).unwrap_or(0)),
        8 => 1.0,
        _ => 1.0 / f64::from(u8::try_from(index).unwrap_or(9) - 7),
    }
}

fn ask_pair(catalog: &Catalog, a: usize, b: usize) -> Result<f64> {
    let (an, bn) = (&catalog.criteria[a].name, &catalog.criteria[b].name);
    let message = format!("{an} vs {bn}: which matters more, and how much?");
    let picked = Select::new(&message, pair_options(an, bn)).with_starting_cursor(8).raw_prompt().map_err(fail)?;
    Ok(judgment(picked.index))
}

/// AHP: pick the criteria that matter, compare them in pairs, revise the
/// most contradictory judgment while the set is inconsistent.
pub fn pairwise(catalog: &Catalog, prefill: &Prefill, name: &str) -> Result<Pairwise> {
    eprintln!("Pairwise mode: choose the criteria that matter, then compare them two at a time.");
    eprintln!("Esc or Ctrl-C leaves at any time without writing anything.\n");
    let names: Vec<String> = catalog.criteria.iter().map(|c| c.name.clone()).collect();
    let picked = MultiSelect::new("Which criteria matter to you?", names)
        .with_help_message("space selects, enter confirms; choose at least two")
        .with_validator(|chosen: &[inquire::list_option::ListOption<&String>]| {
            Ok(if chosen.len() >= 2 {
                Validation::Valid
            } else {
                Validation::Invalid("Choose at least two criteria.".into())
            })
        })
        .raw_prompt()
        .map_err(fail)?;
    let criteria: Vec<usize> = picked.into_iter().map(|o| o.index).collect();
    let mut matrix = ahp::Matrix::new(criteria.len());
    for i in 0..criteria.len() {
        for j in i + 1..criteria.len() {
            matrix.set(i, j, ask_pair(catalog, criteria[i], criteria[j])?);
        }
    }
    loop {
        let p = ahp::priorities(&matrix);
        if p.is_consistent() {
            break;
        }
        let Some((i, j)) = ahp::most_inconsistent(&matrix, &p) else { break };
        let (an, bn) = (&catalog.criteria[criteria[i]].name, &catalog.criteria[criteria[j]].name);
        eprintln!(
            "Your judgments contradict each other (consistency ratio {:.2}, above 0.10). The one that disagrees most with the rest is {an} vs {bn}.",
            p.cr
        );
        let revise = Confirm::new(&format!("Revise {an} vs {bn}?")).with_default(true).prompt().map_err(fail)?;
        if !revise {
            break;
        }
        matrix.set(i, j, ask_pair(catalog, criteria[i], criteria[j])?);
    }
    let mut answers = Answers::defaults(prefill, name);
    ask_constraints(catalog, prefill, &mut answers)?;
    Ok(conclude(catalog, answers, criteria, &matrix))
}

/// After the advice: offer to save the answers; returns the chosen path.
pub fn offer_save(default_file: &str) -> Result<Option<PathBuf>> {
    let save = Confirm::new("Save your answers as a profile?").with_default(true).prompt().map_err(fail)?;
    if !save {
        return Ok(None);
    }
    let path = Text::new("File name:")
        .with_default(default_file)
        .with_validator(|s: &str| {
            let p = std::path::Path::new(s.trim());
            Ok(if s.trim().is_empty() {
                Validation::Invalid("Give a file name.".into())
            } else if p.exists() {
                Validation::Invalid(format!("{} already exists; choose another name.", p.display()).into())
            } else {
                Validation::Valid
            })
        })
        .prompt()
        .map_err(fail)?;
    Ok(Some(PathBuf::from(path.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_options_map_to_saaty_judgments() {
        let options = pair_options("a", "b");
        assert_eq!(options.len(), 17);
        assert_eq!(options[0], "a is extremely more important (9)");
        assert_eq!(options[8], "both are equally important (1)");
        assert_eq!(options[16], "b is extremely more important (9)");
        assert!((judgment(0) - 9.0).abs() < 1e-12);
        assert!((judgment(6) - 3.0).abs() < 1e-12);
        assert!((judgment(8) - 1.0).abs() < 1e-12);
        assert!((judgment(10) - 1.0 / 3.0).abs() < 1e-12);
        assert!((judgment(16) - 1.0 / 9.0).abs() < 1e-12);
    }
}
