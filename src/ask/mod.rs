//! `dlpick ask`: the questionnaire.
//!
//! The questions come from the knowledge base (each criterion's `question`)
//! followed by three about constraints. Answers arrive interactively
//! ([`interactive`]) or as lines on standard input ([`scripted`]); both end
//! as [`Answers`], written out by [`profile_toml`] so that a piped session
//! and a typed one with the same answers save the same bytes.

pub mod adaptive;
pub mod ahp;
pub mod interactive;
pub mod scripted;

use std::fmt::Write as _;

use crate::catalog::{Catalog, RouteKind};
use crate::error::Result;
use crate::profile::{Draft, InactivePolicy, NEED_LABELS, Profile};

/// The scale in one line, for prompts and printed questions.
pub fn scale_hint() -> String {
    NEED_LABELS.iter().enumerate().map(|(i, l)| format!("{i} {l}")).collect::<Vec<_>>().join(" · ")
}

/// The questionnaire's answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    pub name: String,
    pub description: Option<String>,
    /// One per criterion, 0–5.
    pub needs: Vec<f64>,
    pub languages: Vec<String>,
    pub targets: Vec<String>,
    pub hardware: Vec<String>,
    /// What to do with frameworks that are no longer maintained.
    pub inactive: InactivePolicy,
    pub exclude: Vec<String>,
    /// Carried from `--answers` (no question sets them), so that an
    /// unedited file keeps its meaning: attribute floors (criterion id,
    /// minimum), whether only deep-learning frameworks count, the team and
    /// a past decision.
    pub min: Vec<(String, f64)>,
    pub deep_learning: bool,
    pub team: Option<String>,
    pub chosen: Option<String>,
    /// A note on how the needs were found (the AHP consistency), written as
    /// a comment in the saved profile.
    pub note: Option<String>,
    /// Criteria not asked or not answered (their need is 0 in `needs`),
    /// and, when no answer to them can change the top pick, what it is
    /// ("PyTorch stays first"; see [`adaptive::settled_what`]).
    pub unasked: Vec<usize>,
    pub settled: Option<String>,
}

impl Answers {
    /// What the questionnaire starts from: `prefill`'s answers, else no
    /// needs and no constraints.
    pub fn defaults(prefill: &Prefill, name: &str) -> Self {
        Self {
            name: name.to_string(),
            description: prefill.description.clone(),
            needs: prefill.needs.iter().map(|n| n.unwrap_or(0.0)).collect(),
            languages: prefill.languages.clone().unwrap_or_default(),
            targets: prefill.targets.clone().unwrap_or_default(),
            hardware: prefill.hardware.clone().unwrap_or_default(),
            inactive: prefill.inactive.unwrap_or_default(),
            exclude: prefill.exclude.clone().unwrap_or_default(),
            min: prefill.min.clone(),
            deep_learning: prefill.deep_learning.unwrap_or(true),
            team: prefill.team.clone(),
            chosen: prefill.chosen.clone(),
            note: None,
            unasked: Vec::new(),
            settled: None,
        }
    }

    /// The required names of `kind`.
    pub fn names_mut(&mut self, kind: RouteKind) -> &mut Vec<String> {
        match kind {
            RouteKind::Language => &mut self.languages,
            RouteKind::Target => &mut self.targets,
            RouteKind::Hardware => &mut self.hardware,
        }
    }

    pub fn names(&self, kind: RouteKind) -> &[String] {
        match kind {
            RouteKind::Language => &self.languages,
            RouteKind::Target => &self.targets,
            RouteKind::Hardware => &self.hardware,
        }
    }
}

/// Answers known before asking, from `--answers FILE`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prefill {
    pub name: Option<String>,
    pub description: Option<String>,
    pub needs: Vec<Option<f64>>,
    pub languages: Option<Vec<String>>,
    pub targets: Option<Vec<String>>,
    pub hardware: Option<Vec<String>>,
    pub inactive: Option<InactivePolicy>,
    pub exclude: Option<Vec<String>>,
    pub min: Vec<(String, f64)>,
    pub deep_learning: Option<bool>,
    pub team: Option<String>,
    pub chosen: Option<String>,
}

impl Prefill {
    /// Nothing known.
    pub fn empty(catalog: &Catalog) -> Self {
        Self { needs: vec![None; catalog.criteria.len()], ..Self::default() }
    }

    /// The required names of `kind`, when the file gives them.
    pub fn names(&self, kind: RouteKind) -> Option<&Vec<String>> {
        match kind {
            RouteKind::Language => self.languages.as_ref(),
            RouteKind::Target => self.targets.as_ref(),
            RouteKind::Hardware => self.hardware.as_ref(),
        }
    }

    /// From a profile's TOML, checked against the knowledge base; only keys
    /// the file actually has count as answered.
    pub fn from_toml(source: &str, file: &str, catalog: &Catalog) -> Result<Self> {
        let draft = Draft::from_toml(source, file)?;
        // Ids and ranges must be right; stating no needs yet is fine.
        draft.clone().check(catalog, "answers", &crate::error::Location::resolver(file, source))?;
        let mut needs = vec![None; catalog.criteria.len()];
        for (id, value) in &draft.needs {
            if let Some(c) = catalog.criterion_index(&id.value) {
                needs[c] = Some(value.value);
            }
        }
        // A key present is answered, even with an empty list.
        let table: toml::Table = source.parse().unwrap_or_default();
        let require = table.get("require").and_then(toml::Value::as_table);
        let present = |key: &str| require.is_some_and(|r| r.contains_key(key));
        let list = |items: &[crate::profile::Given<String>], key: &str| {
            (!items.is_empty() || present(key)).then(|| items.iter().map(|g| g.value.trim().to_lowercase()).collect())
        };
        Ok(Self {
            name: draft.name.clone(),
            description: draft.description.clone(),
            needs,
            languages: list(&draft.languages, "languages"),
            targets: list(&draft.targets, "targets"),
            hardware: list(&draft.hardware, "hardware"),
            inactive: draft
                .inactive
                .as_ref()
                .map(|g| g.value)
                .or_else(|| present("active_only").then_some(InactivePolicy::Separate)),
            exclude: list(&draft.exclude, "exclude"),
            min: draft.min.iter().map(|(id, v)| (id.value.trim().to_string(), v.value)).collect(),
            deep_learning: draft.deep_learning,
            team: draft.team.clone(),
            chosen: draft.chosen.as_ref().map(|c| c.value.trim().to_string()),
        })
    }
}

/// One question of the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    Need(usize),
    /// The languages, targets or hardware the framework must reach.
    Routes(RouteKind),
    /// The policy for frameworks that are no longer maintained.
    Inactive,
    Exclude,
}

/// Every question, in the order they are asked.
pub fn questions(catalog: &Catalog) -> Vec<Question> {
    let mut q: Vec<Question> = (0..catalog.criteria.len()).map(Question::Need).collect();
    q.extend(RouteKind::ALL.map(Question::Routes));
    q.extend([Question::Inactive, Question::Exclude]);
    q
}

/// The text of a question.
pub fn question_text(catalog: &Catalog, q: Question) -> String {
    match q {
        Question::Need(c) => catalog.criteria[c].question.clone(),
        Question::Routes(RouteKind::Language) => "Which programming languages must you use it from?".to_string(),
        Question::Routes(RouteKind::Target) => {
            "Where must your trained models run (servers, browsers, Android, iOS, Linux boards, microcontrollers, desktop apps)?".to_string()
        }
        Question::Routes(RouteKind::Hardware) => {
            "Which hardware must it run on (NVIDIA, AMD, Apple silicon, TPUs, Intel)?".to_string()
        }
        Question::Inactive => "Frameworks no longer maintained: compare only maintained ones and list the rest for reference, rank them all as the article did, or leave them out?".to_string(),
        Question::Exclude => "Which frameworks should never be recommended?".to_string(),
    }
}

/// The short id of what a question sets, for messages ("question 3 (flexibility)").
pub fn question_key(catalog: &Catalog, q: Question) -> String {
    match q {
        Question::Need(c) => catalog.criteria[c].id.clone(),
        Question::Routes(kind) => kind.table().to_string(),
        Question::Inactive => "inactive".to_string(),
        Question::Exclude => "exclude".to_string(),
    }
}

/// How a question is answered on a line.
pub fn answer_format(catalog: &Catalog, q: Question) -> String {
    match q {
        Question::Need(_) => format!("a number from 0 to 5 ({})", scale_hint()),
        Question::Routes(kind) => format!(
            "names separated by `;`, such as: {} (another name is a requirement nothing here meets)",
            choices(catalog, kind).join(", ")
        ),
        Question::Inactive => "separate (the default), rank or exclude".to_string(),
        Question::Exclude => format!("framework ids separated by `;`, from: {}", catalog.framework_ids().join(", ")),
    }
}

/// One question as `ask --print-questions` lists it.
pub struct QuestionLine {
    /// "1", or a letter for the constraint questions in pairwise mode.
    pub label: String,
    /// What the answer sets ("debuggability", "languages").
    pub key: String,
    pub text: String,
    /// How to answer on one line.
    pub answer: String,
}

/// `dlpick ask --print-questions`: the questions in order, for the report
/// to print. In pairwise mode the needs are compared instead, so only the
/// constraint questions are listed, lettered.
pub fn question_lines(catalog: &Catalog, pairwise: bool) -> Vec<QuestionLine> {
    questions(catalog)
        .into_iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let label = match (pairwise, q) {
                (true, Question::Need(_)) => return None,
                (true, Question::Routes(RouteKind::Language)) => "L".to_string(),
                (true, Question::Routes(RouteKind::Target)) => "T".to_string(),
                (true, Question::Routes(RouteKind::Hardware)) => "H".to_string(),
                (true, Question::Inactive) => "A".to_string(),
                (true, Question::Exclude) => "X".to_string(),
                _ => (i + 1).to_string(),
            };
            Some(QuestionLine {
                label,
                key: question_key(catalog, q),
                text: question_text(catalog, q),
                answer: answer_format(catalog, q),
            })
        })
        .collect()
}

/// Parse a need: blank keeps the default (`None`).
pub fn parse_need(text: &str) -> std::result::Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=5.0).contains(&v) => Ok(Some(v)),
        Ok(_) => Err(format!("`{t}` is out of range: answer from 0 (doesn't matter) to 5 (critical).")),
        Err(_) => Err(format!("`{t}` is not a number: answer from 0 (doesn't matter) to 5 (critical).")),
    }
}

/// Parse the policy for unmaintained frameworks: blank keeps the default.
/// `yes` and `no` answer the older question "Only actively maintained
/// frameworks?" (`exclude` and `rank`).
pub fn parse_policy(text: &str) -> std::result::Result<Option<InactivePolicy>, String> {
    let t = text.trim().to_ascii_lowercase();
    Ok(Some(match t.as_str() {
        "" => return Ok(None),
        "s" | "separate" => InactivePolicy::Separate,
        "r" | "rank" | "n" | "no" => InactivePolicy::Rank,
        "e" | "exclude" | "y" | "yes" => InactivePolicy::Exclude,
        _ => return Err(format!("`{}` is not separate, rank or exclude.", text.trim())),
    }))
}

/// Parse a `;`-separated list of allowed names (lower case): blank keeps the
/// default, `-` or `none` empties it.
pub fn parse_list(text: &str, allowed: &[&str], what: &str) -> std::result::Result<Option<Vec<String>>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t == "-" || t.eq_ignore_ascii_case("none") {
        return Ok(Some(Vec::new()));
    }
    let mut items = Vec::new();
    for item in t.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()) {
        let lower = item.to_lowercase();
        if !allowed.contains(&lower.as_str()) {
            return Err(format!("`{item}` is not {what}. {}", crate::error::unknown_hint(&lower, allowed)));
        }
        if !items.contains(&lower) {
            items.push(lower);
        }
    }
    Ok(Some(items))
}

/// The names offered for a route question: the vocabulary of `kind`
/// without its groups (their members are offered).
pub fn choices(catalog: &Catalog, kind: RouteKind) -> Vec<&str> {
    catalog.names.iter().filter(|n| n.kind == kind && n.means.is_empty()).map(|n| n.id.as_str()).collect()
}

/// A TOML string literal.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(id: &str) -> String {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        id.to_string()
    } else {
        quote(id)
    }
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|i| quote(i)).collect::<Vec<_>>().join(", "))
}

/// The answers as a profile file, with each question as a comment.
pub fn profile_toml(catalog: &Catalog, a: &Answers) -> String {
    let mut out =
        String::from("# Answers to `dlpick ask`. Check with `dlpick check FILE`; use with `dlpick recommend FILE`.\n");
    if let Some(note) = &a.note {
        let _ = writeln!(out, "# {note}");
    }
    let _ = writeln!(out, "name = {}", quote(&a.name));
    if let Some(d) = &a.description {
        let _ = writeln!(out, "description = {}", quote(d));
    }
    if let Some(team) = &a.team {
        let _ = writeln!(out, "team = {}", quote(team));
    }
    if let Some(chosen) = &a.chosen {
        let _ = writeln!(
            out,
            "# The framework chosen in the end (a past decision, for `dlpick tune fit`)\nchosen = {}",
            quote(chosen)
        );
    }
    if !a.unasked.is_empty() {
        let _ = match &a.settled {
            Some(what) => {
                writeln!(out, "# Not asked: whatever the answers to these, the top pick is the same ({what}).")
            }
            None => writeln!(out, "# Not answered: answers to these could still change the top pick."),
        };
        let _ = writeln!(out, "# They count as 0 here, and as unknown in a team's results.");
        for &c in &a.unasked {
            let _ = writeln!(out, "#   {} ({})", catalog.criteria[c].question, catalog.criteria[c].id);
        }
        let ids: Vec<String> = a.unasked.iter().map(|&c| catalog.criteria[c].id.clone()).collect();
        let _ = writeln!(out, "unasked = {}", list(&ids));
    }
    let _ = writeln!(out, "\n[needs]\n# 0 {} … 5 {}", NEED_LABELS[0], NEED_LABELS[5]);
    for (k, (c, need)) in catalog.criteria.iter().zip(&a.needs).enumerate() {
        if a.unasked.contains(&k) {
            continue;
        }
        let _ = writeln!(out, "# {}\n{} = {}", c.question, c.id, num_toml(*need));
    }
    let _ = writeln!(out, "\n[require]");
    for kind in RouteKind::ALL {
        let _ = writeln!(
            out,
            "# {}\n{} = {}",
            question_text(catalog, Question::Routes(kind)),
            kind.table(),
            list(a.names(kind))
        );
    }
    let _ =
        writeln!(out, "# {}\ninactive = {}", question_text(catalog, Question::Inactive), quote(a.inactive.as_str()));
    let _ = writeln!(out, "# {}\nexclude = {}", question_text(catalog, Question::Exclude), list(&a.exclude));
    if !a.min.is_empty() {
        let floors: Vec<String> = a.min.iter().map(|(id, v)| format!("{} = {}", key(id), num_toml(*v))).collect();
        let _ =
            writeln!(out, "# Lowest score a framework may have on each of these\nmin = {{ {} }}", floors.join(", "));
    }
    if !a.deep_learning {
        let _ = writeln!(out, "# Rank classic machine learning (scikit-learn) too\ndeep_learning = false");
    }
    out
}

/// Needs as TOML numbers: "5", "2.5", "3.217".
fn num_toml(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r}") }
}

/// The profile the answers describe (validated as any profile file is).
pub fn to_profile(catalog: &Catalog, a: &Answers) -> Result<Profile> {
    Profile::from_toml(&profile_toml(catalog, a), "<answers>", &a.name, catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(catalog: &Catalog) -> Answers {
        let mut needs = vec![0.0; catalog.criteria.len()];
        needs[0] = 5.0;
        needs[1] = 2.5;
        needs[2] = 3.2174;
        Answers {
            name: "team \"a\"".into(),
            description: None,
            needs,
            languages: vec!["python".into()],
            targets: vec!["android".into(), "ios".into()],
            hardware: Vec::new(),
            inactive: InactivePolicy::Exclude,
            exclude: vec!["theano".into()],
            min: Vec::new(),
            deep_learning: true,
            team: None,
            chosen: None,
            note: None,
            unasked: Vec::new(),
            settled: None,
        }
    }

    #[test]
    fn the_saved_profile_round_trips() {
        let c = Catalog::builtin().unwrap();
        let a = answers(&c);
        let text = profile_toml(&c, &a);
        assert!(
            text.contains("# How much does an easy start for newcomers matter?\nbeginner_friendliness = 5\n"),
            "{text}"
        );
        assert!(text.contains("flexibility = 3.217\n"), "{text}");
        let p = to_profile(&c, &a).unwrap();
        assert_eq!(p.name, "team \"a\"");
        assert!((p.needs[1] - 2.5).abs() < 1e-12);
        assert_eq!(p.require.inactive, Some(InactivePolicy::Exclude));
        // Prefilling from the saved file gives back every answer.
        let pre = Prefill::from_toml(&text, "saved.toml", &c).unwrap();
        assert_eq!(pre.needs[0], Some(5.0));
        assert_eq!(pre.languages, Some(vec!["python".to_string()]));
        assert_eq!(pre.exclude, Some(vec!["theano".to_string()]));
    }

    #[test]
    fn answers_parse_with_reasons() {
        assert_eq!(parse_need(" 4 "), Ok(Some(4.0)));
        assert_eq!(parse_need(""), Ok(None));
        assert!(parse_need("7").unwrap_err().contains("out of range"));
        assert!(parse_need("lots").unwrap_err().contains("not a number"));
        assert_eq!(
            parse_list("Python; r", &["python", "r"], "a language"),
            Ok(Some(vec!["python".into(), "r".into()]))
        );
        assert_eq!(parse_list("none", &["python"], "a language"), Ok(Some(vec![])));
        assert!(parse_list("pyhton", &["python"], "a language").unwrap_err().contains("Did you mean `python`?"));
    }
}
