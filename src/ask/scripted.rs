//! Scripted answers: one per line on standard input, in question order.
//!
//! A blank line (or the end of input) keeps the default. A wrong answer
//! stops everything with the question and line named; nothing is written.

use std::io::BufRead;

use super::adaptive::{self, Answer};
use super::ahp::{self, Priorities};
use super::{Answers, Prefill, Question, parse_list, parse_need, parse_policy, question_key, questions};
use crate::catalog::{Catalog, RouteKind};
use crate::error::{Diagnostic, Error, Location, Result, unknown_hint};
use crate::profile::InactivePolicy;
use crate::profile::parse_names;
use crate::score::adaptive::Next;

/// Lines with their numbers; the end of input reads as blank lines.
struct Lines<'a> {
    input: &'a mut dyn BufRead,
    source: String,
    number: usize,
}

impl Lines<'_> {
    fn next(&mut self) -> Result<(String, usize)> {
        let mut line = String::new();
        let n =
            self.input.read_line(&mut line).map_err(|e| Error::io("read", std::path::Path::new(&self.source), e))?;
        if n > 0 {
            self.number += 1;
        }
        Ok((line.trim_end_matches(['\n', '\r']).to_string(), self.number.max(1)))
    }

    fn fail(&self, line: usize, question: usize, key: &str, message: String) -> Error {
        Diagnostic::new(Location::line(self.source.clone(), line), message)
            .field(format!("question {question} ({key})"))
            .into()
    }
}

/// Answer the constraint questions from `lines`, skipping those `prefill` knows.
fn constraints(
    catalog: &Catalog,
    prefill: &Prefill,
    lines: &mut Lines<'_>,
    answers: &mut Answers,
    first_number: usize,
) -> Result<()> {
    let frameworks = catalog.framework_ids();
    let asked = RouteKind::ALL.map(Question::Routes).into_iter().chain([Question::Inactive, Question::Exclude]);
    for (offset, q) in asked.enumerate() {
        let number = first_number + offset;
        let key = question_key(catalog, q);
        let known = match q {
            Question::Routes(kind) => prefill.names(kind).is_some(),
            Question::Inactive => prefill.inactive.is_some(),
            Question::Exclude => prefill.exclude.is_some(),
            Question::Need(_) => true,
        };
        if known {
            continue;
        }
        let (text, line) = lines.next()?;
        let parsed = match q {
            Question::Routes(kind) => parse_names(catalog, kind, &text).map(|v| {
                if let Some(v) = v {
                    *answers.names_mut(kind) = v;
                }
            }),
            Question::Inactive => parse_policy(&text).map(|v| {
                if let Some(v) = v {
                    answers.inactive = v;
                }
            }),
            Question::Exclude => parse_list(&text, &frameworks, "a framework id").map(|v| {
                if let Some(v) = v {
                    answers.exclude = v;
                }
            }),
            Question::Need(_) => Ok(()),
        };
        parsed.map_err(|m| lines.fail(line, number, &key, m))?;
    }
    Ok(())
}

/// Read the plain questionnaire from `input` (`source` names it in errors).
pub fn answers(
    catalog: &Catalog,
    prefill: &Prefill,
    input: &mut dyn BufRead,
    source: &str,
    name: &str,
) -> Result<Answers> {
    let mut lines = Lines { input, source: source.to_string(), number: 0 };
    let mut answers = Answers::defaults(prefill, name);
    for (i, q) in questions(catalog).into_iter().enumerate() {
        let Question::Need(c) = q else { continue };
        if prefill.needs[c].is_some() {
            continue;
        }
        let (text, line) = lines.next()?;
        let value = parse_need(&text).map_err(|m| lines.fail(line, i + 1, &question_key(catalog, q), m))?;
        if let Some(v) = value {
            answers.needs[c] = v;
        }
    }
    constraints(catalog, prefill, &mut lines, &mut answers, catalog.criteria.len() + 1)?;
    Ok(answers)
}

/// Parse one line as the answer to `q`; blank is the default (0, none,
/// `separate`).
pub fn parse_answer(catalog: &Catalog, q: Question, text: &str) -> std::result::Result<Answer, String> {
    Ok(match q {
        Question::Need(_) => Answer::Need(parse_need(text)?.unwrap_or(0.0)),
        Question::Routes(kind) => Answer::Names(parse_names(catalog, kind, text)?.unwrap_or_default()),
        Question::Inactive => Answer::Policy(parse_policy(text)?.unwrap_or_default()),
        Question::Exclude => {
            Answer::Names(parse_list(text, &catalog.framework_ids(), "a framework id")?.unwrap_or_default())
        }
    })
}

/// Read answers in the adaptive order ([`super::adaptive`]): each question
/// is handed to `asking` (with its number) before its line is read, and
/// reading stops once no answer can change the top pick. Questions
/// `prefill` answers are not asked. Returns the answers (the needs not
/// asked listed as such) and where they ended.
#[allow(clippy::too_many_arguments)]
pub fn adaptive(
    catalog: &Catalog,
    prefill: &Prefill,
    input: &mut dyn BufRead,
    source: &str,
    name: &str,
    flag: Option<InactivePolicy>,
    default: InactivePolicy,
    asking: &mut dyn FnMut(usize, Question),
) -> Result<(Answers, Next)> {
    let mut lines = Lines { input, source: source.to_string(), number: 0 };
    let mut known = prefill.clone();
    let mut number = 0;
    loop {
        let next = adaptive::next(catalog, &known, flag, default)?;
        let Next::Ask(step) = next else {
            let mut answers = adaptive::answers_of(&known, name);
            if let Next::Settled { top, .. } = &next {
                answers.settled = Some(adaptive::settled_what(catalog, *top));
            }
            return Ok((answers, next));
        };
        let q = Question::from(step);
        number += 1;
        asking(number, q);
        let (text, line) = lines.next()?;
        let answer =
            parse_answer(catalog, q, &text).map_err(|m| lines.fail(line, number, &question_key(catalog, q), m))?;
        adaptive::record(&mut known, q, answer);
    }
}

/// The result of pairwise answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Pairwise {
    pub answers: Answers,
    /// The criteria compared, in catalog order.
    pub criteria: Vec<usize>,
    pub priorities: Priorities,
    /// When inconsistent: the judgment (two criteria) that disagrees most.
    pub worst: Option<(usize, usize)>,
}

/// Needs and note from judgments over `criteria`.
pub fn conclude(catalog: &Catalog, mut answers: Answers, criteria: Vec<usize>, matrix: &ahp::Matrix) -> Pairwise {
    let priorities = ahp::priorities(matrix);
    let needs = ahp::needs_from(&priorities);
    answers.needs = vec![0.0; catalog.criteria.len()];
    for (&c, need) in criteria.iter().zip(needs) {
        answers.needs[c] = need;
    }
    let worst = (!priorities.is_consistent())
        .then(|| ahp::most_inconsistent(matrix, &priorities))
        .flatten()
        .map(|(i, j)| (criteria[i], criteria[j]));
    answers.note = Some(format!(
        "Needs from pairwise comparisons (AHP): priorities scaled so the top one is 5; consistency ratio {:.3}{}.",
        priorities.cr,
        if priorities.is_consistent() { "" } else { " (above 0.10: some judgments contradict each other)" }
    ));
    Pairwise { answers, criteria, priorities, worst }
}

/// Read pairwise judgments (`a b 3`, `a b 1/3`), then the constraint answers.
pub fn pairwise(
    catalog: &Catalog,
    prefill: &Prefill,
    input: &mut dyn BufRead,
    source: &str,
    name: &str,
) -> Result<Pairwise> {
    let mut lines = Lines { input, source: source.to_string(), number: 0 };
    let ids = catalog.criterion_ids();
    let mut judgments: Vec<(usize, usize, f64, usize)> = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    loop {
        let before = lines.number;
        let (text, line) = lines.next()?;
        let at_end = lines.number == before;
        if at_end {
            break;
        }
        let tokens: Vec<&str> = text.split_whitespace().collect();
        if tokens.is_empty() && judgments.is_empty() {
            continue;
        }
        // A line that starts with a criterion, or has three words ending in a
        // number, is a comparison and must be a valid one; anything else
        // ends the comparisons and answers the first constraint question.
        let looks_like_judgment = (tokens.len() >= 2 && catalog.criterion_index(tokens[0]).is_some())
            || (tokens.len() == 3 && tokens[2].chars().all(|ch| ch.is_ascii_digit() || ch == '.' || ch == '/'));
        if !looks_like_judgment {
            pending = Some((text, line));
            break;
        }
        let fail = |m: String| -> Error { Diagnostic::new(Location::line(source, line), m).field("comparison").into() };
        if tokens.len() != 3 {
            return Err(fail(
                "expected `<criterion> <criterion> <judgment>`, such as `debuggability mobile_deployment 3`."
                    .to_string(),
            ));
        }
        let index = |t: &str| {
            catalog
                .criterion_index(t)
                .ok_or_else(|| fail(format!("`{t}` is not a criterion. {}", unknown_hint(t, &ids))))
        };
        let (a, b) = (index(tokens[0])?, index(tokens[1])?);
        if a == b {
            return Err(fail(format!("`{}` is compared with itself.", tokens[0])));
        }
        let value = ahp::parse_judgment(tokens[2])
            .ok_or_else(|| fail(format!("`{}` is not on Saaty's scale: use 1 to 9 or 1/2 to 1/9.", tokens[2])))?;
        if judgments.iter().any(|(x, y, _, _)| (*x, *y) == (a, b) || (*x, *y) == (b, a)) {
            return Err(fail(format!("`{}` and `{}` are compared twice.", tokens[0], tokens[1])));
        }
        judgments.push((a, b, value, line));
    }
    let mut criteria: Vec<usize> = judgments.iter().flat_map(|(a, b, _, _)| [*a, *b]).collect();
    criteria.sort_unstable();
    criteria.dedup();
    if criteria.len() < 2 {
        return Err(Diagnostic::new(
            Location::file(source),
            "no comparisons given: write lines such as `debuggability mobile_deployment 3`.",
        )
        .into());
    }
    let mut matrix = ahp::Matrix::new(criteria.len());
    for &(a, b, value, _) in &judgments {
        let (i, j) =
            (criteria.iter().position(|c| *c == a).unwrap_or(0), criteria.iter().position(|c| *c == b).unwrap_or(0));
        matrix.set(i, j, value);
    }
    for (x, &a) in criteria.iter().enumerate() {
        for &b in &criteria[x + 1..] {
            if !judgments.iter().any(|(p, q, _, _)| (*p, *q) == (a, b) || (*p, *q) == (b, a)) {
                return Err(Diagnostic::new(
                    Location::file(source),
                    format!(
                        "`{}` and `{}` are never compared; every pair of the criteria you mention needs a judgment.",
                        ids[a], ids[b]
                    ),
                )
                .into());
            }
        }
    }

    let mut answers = Answers::defaults(prefill, name);
    // The line that ended the comparisons is the first constraint answer.
    let mut replay = pending.map(|(t, _)| format!("{t}\n")).unwrap_or_default();
    let mut rest = String::new();
    let _ = lines.input.read_to_string(&mut rest);
    replay.push_str(&rest);
    let mut cursor = std::io::Cursor::new(replay.into_bytes());
    let mut constraint_lines =
        Lines { input: &mut cursor, source: source.to_string(), number: lines.number.saturating_sub(1) };
    constraints(catalog, prefill, &mut constraint_lines, &mut answers, 1)?;
    Ok(conclude(catalog, answers, criteria, &matrix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str) -> Result<Answers> {
        let c = Catalog::builtin().unwrap();
        answers(&c, &Prefill::empty(&c), &mut input.as_bytes(), "<stdin>", "p")
    }

    #[test]
    fn lines_answer_questions_in_order_and_blanks_keep_defaults() {
        let c = Catalog::builtin().unwrap();
        let a = run("5\n\n3\n").unwrap();
        assert_eq!(&a.needs[..3], &[5.0, 0.0, 3.0]);
        assert!(a.languages.is_empty() && a.inactive == InactivePolicy::Separate);
        let n = c.criteria.len();
        let mut script = "0\n".repeat(n - 1);
        script.push_str("4\npython;r\nmobile\nmps\nyes\ntheano\n");
        let a = run(&script).unwrap();
        assert!((a.needs[n - 1] - 4.0).abs() < 1e-12);
        assert_eq!(a.languages, ["python", "r"]);
        assert_eq!(a.targets, ["android", "ios"], "a group stands for its members");
        assert_eq!(a.hardware, ["apple"], "an alias is read as its name");
        assert_eq!(a.inactive, InactivePolicy::Exclude);
        assert_eq!(a.exclude, ["theano"]);
    }

    #[test]
    fn route_answers_keep_unknown_names_and_refuse_typos() {
        let c = Catalog::builtin().unwrap();
        let n = c.criteria.len();
        let mut script = "1\n".repeat(n);
        script.push_str("cobol\n");
        let a = run(&script).unwrap();
        assert_eq!(a.languages, ["cobol"], "a requirement nothing here meets is advice, not an error");
        let mut script = "1\n".repeat(n);
        script.push_str("pyhton\n");
        let Err(Error::Invalid(d)) = run(&script) else { panic!() };
        assert_eq!(d.field.as_deref(), Some(format!("question {} (languages)", n + 1).as_str()));
        assert!(d.message.contains("Did you mean `python`?"), "{d}");
    }

    #[test]
    fn a_wrong_answer_names_the_question_and_line() {
        let Err(Error::Invalid(d)) = run("5\n2\n9\n") else { panic!() };
        assert_eq!(d.location.line, Some(3));
        assert_eq!(d.field.as_deref(), Some("question 3 (flexibility)"));
        assert!(d.message.contains("out of range"));
    }

    #[test]
    fn prefilled_answers_are_not_asked() {
        let c = Catalog::builtin().unwrap();
        let mut pre = Prefill::empty(&c);
        pre.needs = vec![Some(1.0); c.criteria.len()];
        pre.needs[2] = None;
        pre.inactive = Some(InactivePolicy::Exclude);
        // Only flexibility, languages, targets, hardware and exclude are read.
        let a = answers(&c, &pre, &mut "4\npython\n\n\ncntk\n".as_bytes(), "<stdin>", "p").unwrap();
        assert!((a.needs[2] - 4.0).abs() < 1e-12 && (a.needs[0] - 1.0).abs() < 1e-12);
        assert_eq!(a.languages, ["python"]);
        assert_eq!(a.inactive, InactivePolicy::Exclude);
        assert_eq!(a.exclude, ["cntk"]);
    }

    #[test]
    fn pairwise_lines_become_needs() {
        let c = Catalog::builtin().unwrap();
        let script = "debuggability flexibility 2\ndebuggability mobile_deployment 4\nflexibility mobile_deployment 2\n\n\n\nyes\n";
        let p = pairwise(&c, &Prefill::empty(&c), &mut script.as_bytes(), "<stdin>", "p").unwrap();
        assert!(p.priorities.cr < 1e-9, "a consistent set");
        let need = |id: &str| p.answers.needs[c.criterion_index(id).unwrap()];
        assert!((need("debuggability") - 5.0).abs() < 1e-9);
        assert!((need("flexibility") - 2.5).abs() < 1e-9);
        assert!((need("mobile_deployment") - 1.25).abs() < 1e-9);
        assert_eq!(p.answers.inactive, InactivePolicy::Exclude);
    }

    #[test]
    fn pairwise_errors_are_precise() {
        let c = Catalog::builtin().unwrap();
        let go = |s: &str| pairwise(&c, &Prefill::empty(&c), &mut s.as_bytes(), "<stdin>", "p");
        assert!(
            go("debuggability flexibility 2\ndebuggability mobile_deployment 4\n")
                .unwrap_err()
                .to_string()
                .contains("never compared")
        );
        assert!(go("debuggability flexibilty 2\n").unwrap_err().to_string().contains("Did you mean `flexibility`?"));
        assert!(go("debuggability flexibility 12\n").unwrap_err().to_string().contains("Saaty"));
        assert!(go("").is_err());
    }
}
