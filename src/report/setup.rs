//! What `config`, `check` and `ask --print-questions` print: a project's
//! settings with where each comes from, one line per checked file, and the
//! questionnaire for scripts. Text only; the commands hand over plain data.

use super::layout::{Table, hang, wrap};
use super::numbers::count_of;
use crate::ask::QuestionLine;
use crate::ask::adaptive::settled_line;
use crate::catalog::Catalog;
use crate::sanitize;
use crate::score::adaptive::Next;

/// One effective setting and where it came from.
pub struct Setting {
    pub name: &'static str,
    pub value: String,
    pub origin: String,
}

/// `dlpick config`: each setting, its value and its origin, then a note.
pub fn config(project: &str, settings: &[Setting], catalog: &Catalog, width: usize) -> String {
    let mut out = hang(&format!("{:<15} ", "project file"), project, width);
    for s in settings {
        out.push_str(&hang(&format!("{:<15} ", s.name), &s.value, width));
        out.push_str(&hang(&format!("{:<15} ", ""), &format!("from {}", s.origin), width));
    }
    let note = format!(
        "The knowledge base has {} and {}. Precedence: flags, then environment, then the project file, then built in.",
        count_of(catalog.criteria.len(), "criterion", "criteria"),
        count_of(catalog.frameworks.len(), "framework", "frameworks")
    );
    out.push('\n');
    out.push_str(&wrap(&note, "", width));
    out
}

/// `dlpick examples`: each example's name, kind and what it is, and how to use one.
pub fn examples(rows: &[[String; 3]], width: usize) -> String {
    let mut table = Table::new().left("name").left("kind").text("what it is");
    for row in rows {
        table.row(row.to_vec());
    }
    let mut out = table.render(width, &|s: &str| s.to_string());
    out.push('\n');
    out.push_str(&wrap(
        "A name works wherever a profile's path does (`dlpick recommend beginner`); \
         `dlpick examples NAME` prints one, to save and edit.",
        "",
        width,
    ));
    out
}

/// What a checked file turned out to be.
pub enum Checked {
    Weights {
        criteria: usize,
        frameworks: usize,
    },
    Profile {
        name: String,
        needs: usize,
    },
    /// A survey (CSV or JSON Lines) whose every row is valid.
    Survey {
        rows: usize,
    },
}

/// `dlpick check`: one line per valid file.
pub fn checked(path: &str, what: &Checked, width: usize) -> String {
    let what = match what {
        Checked::Weights { criteria, frameworks } => format!(
            "(knowledge base: {}, {})",
            count_of(*criteria, "criterion", "criteria"),
            count_of(*frameworks, "framework", "frameworks")
        ),
        Checked::Profile { name, needs } => {
            format!("(profile `{}`, {})", sanitize::quote(name), count_of(*needs, "need", "needs"))
        }
        Checked::Survey { rows } => format!("(survey: {})", count_of(*rows, "valid row", "valid rows")),
    };
    hang(&format!("ok  {}  ", sanitize::text(path)), &what, width)
}

/// `dlpick ask --print-questions`; with `pairwise`, the comparison format
/// and the criteria come first.
pub fn questions(catalog: &Catalog, pairwise: bool, lines: &[QuestionLine], width: usize) -> String {
    let mut out = String::new();
    if pairwise {
        out.push_str(&wrap(
            "Pairwise mode reads one comparison per line, `<criterion> <criterion> <judgment>`, \
             where the judgment is how many times more the first matters than the second on \
             Saaty's scale 1-9 (1 equal, 3 moderately, 5 strongly, 7 very strongly, \
             9 extremely), or its reciprocal such as 1/3 when the second matters more. Every \
             pair of the criteria you mention must be compared once. The constraint answers \
             (questions L, A and X below) follow on the next lines.",
            "",
            width,
        ));
        out.push_str("\nCriteria:\n");
        let mut table = Table::new().indent(2).left("id").text("question");
        for c in &catalog.criteria {
            table.row(vec![c.id.clone(), c.question.clone()]);
        }
        out.push_str(&table.render(width, &|s: &str| s.to_string()));
        out.push('\n');
    }
    for q in lines {
        let head = format!("{}. ", q.label);
        let indent = " ".repeat(head.len());
        out.push_str(&hang(&head, &format!("[{}] {}", q.key, q.text), width));
        out.push_str(&wrap(&format!("answer: {}; a blank line keeps the default", q.answer), &indent, width));
    }
    out
}

/// `dlpick ask --next`: the next question, or the verdict, with the ids
/// answered and remaining; as text or as one JSON object.
pub fn next_step(
    catalog: &Catalog,
    next: &Next,
    answered: &[String],
    remaining: &[String],
    json: bool,
    width: usize,
) -> String {
    use crate::ask::{Question, answer_format, question_key, question_text};
    match next {
        Next::Ask(step) => {
            let q = Question::from(*step);
            let kind = if let Question::Need(_) = q { "need".to_string() } else { question_key(catalog, q) };
            if json {
                let value = serde_json::json!({
                    "settled": false,
                    "next": {
                        "id": question_key(catalog, q),
                        "kind": kind,
                        "question": question_text(catalog, q),
                        "answer": answer_format(catalog, q),
                    },
                    "answered": answered,
                    "remaining": remaining,
                });
                return format!("{}\n", sanitize::json(&value.to_string()));
            }
            let mut out =
                hang("next: ", &format!("[{}] {}", question_key(catalog, q), question_text(catalog, q)), width);
            out.push_str(&wrap(&format!("answer: {}", answer_format(catalog, q)), "      ", width));
            out.push_str(&wrap(
                &format!("{} answered, {} remaining.", answered.len(), remaining.len()),
                "      ",
                width,
            ));
            out
        }
        Next::Settled { top, unasked } => {
            let unasked: Vec<&str> = unasked.iter().map(|&c| catalog.criteria[c].id.as_str()).collect();
            if json {
                let value = serde_json::json!({
                    "settled": true,
                    "top": top.map(|f| catalog.frameworks[f].id.as_str()),
                    "unasked": unasked,
                    "answered": answered,
                });
                return format!("{}\n", sanitize::json(&value.to_string()));
            }
            let mut out = hang("settled: ", &settled_line(catalog, *top, unasked.len()), width);
            if !unasked.is_empty() {
                out.push_str(&hang("not asked: ", &unasked.join(", "), width));
            }
            out
        }
        Next::NoNeeds => String::new(),
    }
}
