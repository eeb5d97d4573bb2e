//! The survey's pages: plain HTML forms that work without JavaScript.
//!
//! The form is built from [`ask::questions`], [`ask::question_text`] and
//! [`ask::answer_format`], the same source `dlpick ask` asks from, so a
//! question added or reworded there appears here unchanged. Every piece of
//! user or knowledge-base text goes through [`escape`], but the value of a
//! text field, which goes through [`crate::sanitize::form_value`] so that the
//! form sends back exactly what it was given. Styles come from one
//! stylesheet route (the report's own style plus the form's), so the
//! Content-Security-Policy needs no inline style or script.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::ask::{self, Question};
use crate::catalog::Catalog;
use crate::profile::NEED_LABELS;
use crate::report::svg::escape;

/// The form's answers as typed, by field name (`name`, `team`, question keys).
pub type Fields = BTreeMap<String, String>;

/// Problems to show: the field they belong to (if any) and the message.
pub type Problems = Vec<(Option<String>, String)>;

/// Styles added to the report's own for the forms.
const FORM_STYLE: &str = include_str!("form.css");

/// The path of the stylesheet.
pub const STYLE_PATH: &str = "/assets/dlpick.css";

/// The whole stylesheet: the report's style and the forms'.
pub fn stylesheet() -> String {
    format!("\n{}\n\n{FORM_STYLE}", crate::report::html::STYLE)
}

/// A page of ours.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>{}</title>\n<link rel=\"stylesheet\" href=\"{STYLE_PATH}\">\n</head>\n<body>\n<a class=\"skip\" href=\"#content\">Skip to the questions</a>\n<main id=\"content\">\n{body}\n</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// The plain page every unknown path or wrong token gets.
pub fn not_found() -> String {
    page("Not found", "<h1>Not found</h1><p>There is nothing at this address.</p>")
}

/// A short page with a heading and one paragraph (already HTML).
pub fn message(title: &str, html: &str) -> String {
    page(title, &format!("<h1>{}</h1><p>{html}</p>", escape(title)))
}

/// What a form needs besides the questions.
pub struct FormContext<'a> {
    pub action: &'a str,
    pub csrf: &'a str,
    pub form_id: &'a str,
    pub heading: &'a str,
    pub intro: &'a str,
    pub button: &'a str,
    /// A page of the adaptive survey; `None` is the whole questionnaire.
    pub page: Option<&'a Page>,
    /// In the whole questionnaire: leave a rating nobody gave unticked
    /// (when revising an answer the adaptive survey stopped early), not 0.
    pub blank_unanswered: bool,
}

/// A page of the adaptive survey: the first (name, team, requirements and
/// the most telling ratings) or a later one (a few more ratings); the
/// answers so far travel as hidden fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub first: bool,
    /// The ratings shown, in the order asked.
    pub needs: Vec<usize>,
    /// How many ratings were answered before this page.
    pub answered: usize,
}

/// The hidden field that marks a page of the adaptive survey (`first` or
/// `more`), and the one that lists the ratings it showed.
pub const MODE: &str = "mode";
pub const SHOWN: &str = "shown";

fn field_id(key: &str) -> String {
    format!("f-{}", key.replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "-"))
}

/// The list items selected in a `;`-separated answer.
fn selected(value: &str) -> Vec<String> {
    value.split([';', ',']).map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect()
}

fn problem_for<'a>(problems: &'a Problems, key: &str) -> Option<&'a str> {
    problems.iter().find(|(k, _)| k.as_deref() == Some(key)).map(|(_, m)| m.as_str())
}

/// The error line under a field, and the attributes that tie it to the field.
fn error_parts(problems: &Problems, key: &str) -> (String, String, &'static str) {
    match problem_for(problems, key) {
        Some(m) => {
            let id = format!("{}-error", field_id(key));
            (
                format!("<p class=\"error\" id=\"{id}\">{}</p>", escape(m)),
                format!(" aria-invalid=\"true\" aria-describedby=\"{id}\""),
                " invalid",
            )
        }
        None => (String::new(), String::new(), ""),
    }
}

fn text_field(out: &mut String, key: &str, label: &str, value: &str, hint: &str, problems: &Problems, extra: &str) {
    let id = field_id(key);
    let (error, attrs, class) = error_parts(problems, key);
    let hint_id = format!("{id}-hint");
    let described = if attrs.is_empty() {
        format!(" aria-describedby=\"{hint_id}\"")
    } else {
        attrs.replace("aria-describedby=\"", &format!("aria-describedby=\"{hint_id} "))
    };
    let _ = write!(
        out,
        "<div class=\"field{class}\"><label for=\"{id}\">{label}</label><p class=\"hint\" id=\"{hint_id}\">{}</p><input type=\"text\" id=\"{id}\" name=\"{}\" value=\"{}\"{described}{extra}>{error}</div>",
        escape(hint),
        escape(key),
        crate::sanitize::form_value(value),
    );
}

/// The questionnaire as a form, filled with `values` and showing `problems`.
pub fn form(catalog: &Catalog, ctx: &FormContext<'_>, values: &Fields, problems: &Problems) -> String {
    let mut out = format!("<header><h1>{}</h1><p class=\"meta\">{}</p></header>", escape(ctx.heading), ctx.intro);
    if !problems.is_empty() {
        out.push_str("<div class=\"errors\" role=\"alert\" tabindex=\"-1\" id=\"errors\"><h2>Nothing was saved: please check your answers</h2><ul>");
        for (key, m) in problems {
            match key {
                Some(k) => {
                    let _ = write!(out, "<li><a href=\"#{}\">{}</a></li>", field_id(k), escape(m));
                }
                None => {
                    let _ = write!(out, "<li>{}</li>", escape(m));
                }
            }
        }
        out.push_str("</ul></div>");
    }
    let _ = write!(
        out,
        "<form class=\"survey\" method=\"post\" action=\"{}\" accept-charset=\"utf-8\" novalidate>\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"form_id\" value=\"{}\">",
        escape(ctx.action),
        escape(ctx.csrf),
        escape(ctx.form_id)
    );
    let value = |key: &str| values.get(key).map_or("", String::as_str);
    if let Some(page) = ctx.page {
        paged(&mut out, catalog, ctx, page, values, problems);
        return out;
    }
    text_field(
        &mut out,
        "name",
        "Your name",
        value("name"),
        "Shown to the survey's organiser with your answers.",
        problems,
        " required maxlength=\"100\" autocomplete=\"name\"",
    );
    text_field(
        &mut out,
        "team",
        "Your team (optional)",
        value("team"),
        "Answers with the same team are combined into one team result.",
        problems,
        " maxlength=\"100\" autocomplete=\"organization\"",
    );
    let all = ask::questions(catalog);
    let total = all.len();
    for (i, q) in all.into_iter().enumerate() {
        let number = format!("<span class=\"qn\">{}/{total}</span>", i + 1);
        question(&mut out, catalog, q, &number, values, problems, !ctx.blank_unanswered);
    }
    let _ = write!(out, "<p><button type=\"submit\">{}</button></p></form>", escape(ctx.button));
    out
}

/// A hidden field: its value sent back exactly as it was sent (see
/// [`crate::sanitize::form_value`]).
fn hidden(out: &mut String, key: &str, value: &str) {
    let _ = write!(
        out,
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(key),
        crate::sanitize::form_value(value)
    );
}

/// A page of the adaptive survey, inside the form.
fn paged(
    out: &mut String,
    catalog: &Catalog,
    ctx: &FormContext<'_>,
    page: &Page,
    values: &Fields,
    problems: &Problems,
) {
    let value = |key: &str| values.get(key).map_or("", String::as_str);
    hidden(out, MODE, if page.first { "first" } else { "more" });
    let shown: Vec<&str> = page.needs.iter().map(|&c| catalog.criteria[c].id.as_str()).collect();
    hidden(out, SHOWN, &shown.join(","));
    let requirements: Vec<Question> =
        ask::questions(catalog).into_iter().filter(|q| !matches!(q, Question::Need(_))).collect();
    if page.first {
        text_field(
            out,
            "name",
            "Your name",
            value("name"),
            "Shown to the survey's organiser with your answers.",
            problems,
            " required maxlength=\"100\" autocomplete=\"name\"",
        );
        text_field(
            out,
            "team",
            "Your team (optional)",
            value("team"),
            "Answers with the same team are combined into one team result.",
            problems,
            " maxlength=\"100\" autocomplete=\"organization\"",
        );
        for q in &requirements {
            question(out, catalog, *q, "", values, problems, true);
        }
    } else {
        for key in ["name", "team"] {
            hidden(out, key, value(key));
        }
        for q in &requirements {
            let key = ask::question_key(catalog, *q);
            hidden(out, &key, value(&key));
        }
    }
    for (c, criterion) in catalog.criteria.iter().enumerate() {
        if !page.needs.contains(&c) && values.contains_key(&criterion.id) {
            hidden(out, &criterion.id, value(&criterion.id));
        }
    }
    for (i, &c) in page.needs.iter().enumerate() {
        let number = format!("<span class=\"qn\">{}</span>", page.answered + i + 1);
        question(out, catalog, Question::Need(c), &number, values, problems, true);
    }
    let _ = write!(out, "<p><button type=\"submit\">{}</button></p></form>", escape(ctx.button));
    if page.first {
        out.push_str("<p class=\"hint\">A few questions at a time: once your answers settle which framework fits you best, the survey stops. <a href=\"?all\">See every question at once</a></p>");
    }
}

/// One question: a 0–5 scale, check boxes, or (for any other kind) a text
/// field answered as `dlpick ask` reads it.
#[allow(clippy::match_wildcard_for_single_variants)] // new kinds of question are typed answers
fn question(
    out: &mut String,
    catalog: &Catalog,
    q: Question,
    number: &str,
    values: &Fields,
    problems: &Problems,
    zero_default: bool,
) {
    let key = ask::question_key(catalog, q);
    let text = ask::question_text(catalog, q);
    let id = field_id(&key);
    let (error, attrs, class) = error_parts(problems, &key);
    let current = values.get(&key).map_or("", String::as_str);
    let group = |out: &mut String, options: &[(String, String)], kind: &str, css: &str| {
        let chosen = selected(current);
        let hint = if kind == "radio" {
            String::new()
        } else {
            "<p class=\"hint\">Tick any that apply, or none.</p>".to_string()
        };
        let _ = write!(
            out,
            "<fieldset class=\"q{class}\" id=\"{id}\"{attrs}><legend>{number}{}</legend>{hint}<div class=\"{css}\">",
            escape(&text),
        );
        for (j, (v, label)) in options.iter().enumerate() {
            let checked = if kind == "radio" {
                let want = if current.trim().is_empty() && zero_default { "0" } else { current.trim() };
                want.parse::<f64>().ok() == v.parse::<f64>().ok()
            } else {
                chosen.contains(&v.to_lowercase())
            };
            let _ = write!(
                out,
                "<label for=\"{id}-{j}\"><input type=\"{kind}\" id=\"{id}-{j}\" name=\"{}\" value=\"{}\"{}>{label}</label>",
                escape(&key),
                escape(v),
                if checked { " checked" } else { "" }
            );
        }
        let _ = write!(out, "</div>{error}</fieldset>");
    };
    match q {
        Question::Need(_) => {
            let options: Vec<(String, String)> = NEED_LABELS
                .iter()
                .enumerate()
                .map(|(n, l)| (n.to_string(), format!("<b>{n}</b> {}", escape(l))))
                .collect();
            group(out, &options, "radio", "scale");
        }
        Question::Routes(kind) => {
            let options: Vec<(String, String)> = ask::choices(catalog, kind)
                .into_iter()
                .map(|id| (id.to_string(), escape(catalog.name_of(kind, id))))
                .collect();
            group(out, &options, "checkbox", "choices");
        }
        Question::Exclude => {
            let options: Vec<(String, String)> =
                catalog.frameworks.iter().map(|f| (f.id.clone(), escape(&f.name))).collect();
            group(out, &options, "checkbox", "choices");
        }
        // Any other question is answered as typed, as in `dlpick ask`.
        _ => {
            let label = format!("{number}{}", escape(&text));
            let hint = format!("Answer: {}. Leave it blank for the default.", ask::answer_format(catalog, q));
            text_field(out, &key, &label, current, &hint, problems, " maxlength=\"200\"");
        }
    }
}
