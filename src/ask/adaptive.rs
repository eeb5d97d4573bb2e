//! The adaptive questionnaire's state: what has been answered (a
//! [`Prefill`]: a key present is answered, an absent one is not) and what to
//! ask next, by the core's rule ([`crate::score::adaptive`]): requirements
//! first, then the need that can still move the top pick most, until no
//! answer can change it. For the weighted sum only.

use super::{Answers, Prefill, Question, question_key};
use crate::catalog::{Catalog, RouteKind};
use crate::error::{Location, Result};
use crate::profile::{Draft, InactivePolicy, Require};
use crate::score::adaptive::{self, Next, Step};

impl From<Step> for Question {
    fn from(step: Step) -> Self {
        match step {
            Step::Routes(kind) => Question::Routes(kind),
            Step::Inactive => Question::Inactive,
            Step::Exclude => Question::Exclude,
            Step::Need(c) => Question::Need(c),
        }
    }
}

/// The requirement questions `prefill` does not answer.
pub fn open_requirements(prefill: &Prefill) -> Vec<Step> {
    adaptive::REQUIREMENTS
        .into_iter()
        .filter(|s| match s {
            Step::Routes(kind) => prefill.names(*kind).is_none(),
            Step::Inactive => prefill.inactive.is_none(),
            Step::Exclude => prefill.exclude.is_none(),
            Step::Need(_) => false,
        })
        .collect()
}

/// The answers so far as a questionnaire's [`Answers`]: unanswered needs
/// are 0 and listed in `unasked`.
pub fn answers_of(prefill: &Prefill, name: &str) -> Answers {
    let mut answers = Answers::defaults(prefill, name);
    answers.unasked = (0..prefill.needs.len()).filter(|&c| prefill.needs[c].is_none()).collect();
    answers
}

/// The hard requirements the answers so far state, resolved as a profile's
/// are; the policy is `flag`, else the answer, else `default`.
pub fn require_of(
    catalog: &Catalog,
    prefill: &Prefill,
    flag: Option<InactivePolicy>,
    default: InactivePolicy,
) -> Result<Require> {
    let text = super::profile_toml(catalog, &answers_of(prefill, "partial"));
    let draft = Draft::from_toml(&text, "<answers>")?;
    let mut require = draft.check(catalog, "partial", &|_| Location::file("<answers>"))?.require;
    require.inactive = flag.or(prefill.inactive).or(Some(default));
    Ok(require)
}

/// Where the answers so far stand: the next question, or the verdict.
pub fn next(
    catalog: &Catalog,
    prefill: &Prefill,
    flag: Option<InactivePolicy>,
    default: InactivePolicy,
) -> Result<Next> {
    let require = require_of(catalog, prefill, flag, default)?;
    Ok(adaptive::next(catalog, &require, &open_requirements(prefill), &prefill.needs))
}

/// Record an answer to `q` (already parsed) in `prefill`.
pub fn record(prefill: &mut Prefill, q: Question, answer: Answer) {
    match (q, answer) {
        (Question::Need(c), Answer::Need(v)) => prefill.needs[c] = Some(v),
        (Question::Routes(kind), Answer::Names(v)) => match kind {
            RouteKind::Language => prefill.languages = Some(v),
            RouteKind::Target => prefill.targets = Some(v),
            RouteKind::Hardware => prefill.hardware = Some(v),
        },
        (Question::Inactive, Answer::Policy(p)) => prefill.inactive = Some(p),
        (Question::Exclude, Answer::Names(v)) => prefill.exclude = Some(v),
        _ => {}
    }
}

/// The one-line verdict: "PyTorch stays first whatever you answer to the
/// 7 remaining questions."
pub fn settled_line(catalog: &Catalog, top: Option<usize>, remaining: usize) -> String {
    if remaining == 0 {
        return match top {
            Some(f) => format!("{} is first; every question is answered.", catalog.frameworks[f].name),
            None => "No framework meets your requirements.".to_string(),
        };
    }
    let rest = if remaining == 1 {
        "the remaining question".to_string()
    } else {
        format!("the {remaining} remaining questions")
    };
    match top {
        Some(f) => format!("{} stays first whatever you answer to {rest}.", catalog.frameworks[f].name),
        None => format!("No framework meets your requirements, whatever you answer to {rest}."),
    }
}

/// What a settled verdict settled on, for the saved profile's comment.
pub fn settled_what(catalog: &Catalog, top: Option<usize>) -> String {
    top.map_or_else(
        || "no framework meets the requirements".to_string(),
        |f| format!("{} stays first", catalog.frameworks[f].name),
    )
}

/// A partial profile from answers: every requirement answered, the needs
/// in `answered` answered, the others open.
pub fn prefill_of(answers: &Answers, answered: &[bool]) -> Prefill {
    Prefill {
        name: Some(answers.name.clone()),
        description: answers.description.clone(),
        needs: answers.needs.iter().zip(answered).map(|(n, a)| a.then_some(*n)).collect(),
        languages: Some(answers.languages.clone()),
        targets: Some(answers.targets.clone()),
        hardware: Some(answers.hardware.clone()),
        inactive: Some(answers.inactive),
        exclude: Some(answers.exclude.clone()),
        min: answers.min.clone(),
        deep_learning: Some(answers.deep_learning),
        team: answers.team.clone(),
        chosen: answers.chosen.clone(),
    }
}

/// Mark the needs not in `answered` as unasked, and say what they settle
/// when no answer to them can change the top pick.
pub fn mark_unanswered(catalog: &Catalog, answers: &mut Answers, answered: &[bool]) -> Result<Next> {
    let prefill = prefill_of(answers, answered);
    answers.unasked = (0..answered.len()).filter(|&c| !answered[c]).collect();
    let next = next(catalog, &prefill, None, InactivePolicy::default())?;
    answers.settled = match &next {
        Next::Settled { top, .. } if !answers.unasked.is_empty() => Some(settled_what(catalog, *top)),
        _ => None,
    };
    Ok(next)
}

/// One answer, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Need(f64),
    Names(Vec<String>),
    Policy(InactivePolicy),
}

/// The ids of the questions answered and not answered, in question order.
pub fn progress(catalog: &Catalog, prefill: &Prefill) -> (Vec<String>, Vec<String>) {
    let open = open_requirements(prefill);
    let mut answered = Vec::new();
    let mut remaining = Vec::new();
    let steps = adaptive::REQUIREMENTS.into_iter().chain((0..catalog.criteria.len()).map(Step::Need));
    for step in steps {
        let is_open = match step {
            Step::Need(c) => prefill.needs[c].is_none(),
            other => open.contains(&other),
        };
        let key = question_key(catalog, step.into());
        if is_open { remaining.push(key) } else { answered.push(key) }
    }
    (answered, remaining)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_profile_is_asked_its_requirements_first_then_needs_until_settled() {
        let c = Catalog::builtin().unwrap();
        let mut p = Prefill::empty(&c);
        let step = |p: &Prefill| next(&c, p, None, InactivePolicy::Separate).unwrap();
        assert_eq!(step(&p), Next::Ask(Step::Routes(RouteKind::Language)));
        record(&mut p, Question::Routes(RouteKind::Language), Answer::Names(vec!["python".into()]));
        record(&mut p, Question::Routes(RouteKind::Target), Answer::Names(vec![]));
        record(&mut p, Question::Routes(RouteKind::Hardware), Answer::Names(vec![]));
        assert_eq!(step(&p), Next::Ask(Step::Inactive));
        record(&mut p, Question::Inactive, Answer::Policy(InactivePolicy::Separate));
        record(&mut p, Question::Exclude, Answer::Names(vec![]));
        let mut asked = 0;
        loop {
            match step(&p) {
                Next::Ask(Step::Need(k)) => {
                    // Someone who cares about debugging above all.
                    let v = if c.criteria[k].id == "debuggability" { 5.0 } else { 1.0 };
                    record(&mut p, Question::Need(k), Answer::Need(v));
                    asked += 1;
                }
                Next::Settled { top, unasked } => {
                    assert_eq!(asked + unasked.len(), c.criteria.len());
                    assert!(top.is_some());
                    break;
                }
                other => panic!("{other:?}"),
            }
        }
        let (answered, remaining) = progress(&c, &p);
        assert_eq!(answered.len(), 5 + asked);
        assert_eq!(remaining.len(), c.criteria.len() - asked);
    }
}
