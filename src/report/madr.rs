//! A decision record in the shape of MADR 4.0 (Markdown Architectural
//! Decision Records): YAML front matter, then the context, the drivers, the
//! options, the outcome with its consequences and confirmation, the pros
//! and cons of each option, and more information.
//!
//! The record is meant to be committed and reviewed: lines are wrapped at
//! [`WIDTH`] (tables and the command excepted), the order is fixed, the
//! only time in it is the date, and the same input gives the same bytes.
//! Knowledge-base and user text is escaped ([`sanitize::markdown_text`]),
//! and no wrapped line starts with a character that would begin a list,
//! heading or quote, so the Markdown parses as it reads.

use std::fmt::Write as _;

use super::layout::width_of;
use super::numbers::{bound, count, count_of, num, percent1, thousands};
use super::teams::{agreement_sentence, consensus_sentence};
use super::{Options, Provenance, Report};
use crate::catalog::{Basis, Catalog, RouteKind, Status};
use crate::error::Result;
use crate::explain::{
    Advice, Evidence, Explained, capitalise, evidence, exclusion_text, join_and, meets_phrase, ordinal,
    pointers_sentence, route_citation, route_of, route_phrase, status_brief,
};
use crate::profile::{InactivePolicy, NEED_LABELS, Require};
use crate::sanitize;
use crate::score::{MethodId, STRENGTH_SCORE, round1};
use crate::team::consensus::Rule;
use crate::team::{TeamResult, team_label};
use crate::tune::firmness::{Firmness, SAMPLES, SPREAD};

/// Prose is wrapped at this many characters.
pub const WIDTH: usize = 80;

/// A need from this rating up drives the decision (as it makes a concern).
const DRIVER_NEED: f64 = crate::explain::CONCERN_NEED;
/// A score at or below this on a driver is a weakness.
const WEAK_SCORE: f64 = crate::explain::CONCERN_SCORE;

pub struct Madr;

/// A file a record was made from, named so it can be checked unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// As the command that makes the record names it.
    pub name: String,
    /// SHA-256 of its bytes, lower-case hex; `None` when it cannot be
    /// hashed (a folder, standard input).
    pub sha256: Option<String>,
    /// What it is, when its name does not say ("the admin page's export").
    pub note: Option<String>,
}

/// How to make the record again: the command and what it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reproduce {
    /// The command's words after `dlpick`, without the knowledge base's
    /// flags and `--format madr`, which the record adds.
    pub words: Vec<String>,
    pub inputs: Vec<Input>,
}

/// A survey's side of a record: whose consensus chooses.
#[derive(Debug, Clone, Copy)]
pub struct Survey<'a> {
    /// The team the record decides for (everyone, for the whole survey).
    pub team: &'a TeamResult,
    /// Every team, for a whole-survey record; empty for one team's.
    pub teams: &'a [TeamResult],
    pub approval_margin: f64,
}

/// Everything a decision record says, computed.
#[derive(Debug, Clone, Copy)]
pub struct DecisionDoc<'a> {
    /// The ranking: a profile's, or a team's combined needs.
    pub advice: &'a Advice,
    pub survey: Option<Survey<'a>>,
    pub firmness: &'a Firmness,
    pub method: MethodId,
    pub reproduce: &'a Reproduce,
}

impl Report for Madr {
    fn name(&self) -> &'static str {
        "madr"
    }

    fn decision(&self, catalog: &Catalog, doc: &DecisionDoc, options: &Options) -> Result<String> {
        Ok(render(catalog, doc, &options.provenance))
    }
}

/// Knowledge-base and user text as Markdown prose.
fn t(s: &str) -> String {
    sanitize::markdown_text(s)
}

/// A word that would start a block at the start of a line that continues
/// a paragraph: a list item (`-`, `+`, `*`, or `1.` since only a list
/// starting at 1 interrupts a paragraph), a heading, a quote, a code fence,
/// a setext underline or thematic break, or (cautiously) HTML or a table row.
fn starts_block(word: &str) -> bool {
    let only = |c: char| word.chars().all(|x| x == c);
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let first_item = digits > 0
        && word.len() == digits + 1
        && word.ends_with(['.', ')'])
        && word[..digits].trim_start_matches('0') == "1";
    first_item
        || matches!(word, "-" | "+" | "*")
        || (only('#') && word.len() <= 6)
        || only('-')
        || only('=')
        || word.starts_with(['>', '<', '|'])
        || word.starts_with("```")
        || word.starts_with("~~~")
}

/// `text` (Markdown already escaped) wrapped at [`WIDTH`]: the first line
/// after `first`, the others after `rest`. A word that would start a block
/// stays on the line before, however long it gets.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    wrap_at(text, first, rest, WIDTH)
}

fn wrap_at(text: &str, first: &str, rest: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if empty {
            // The first word starts a line too: escape what would make it a block.
            if starts_block(word) {
                let at = if word.starts_with(|c: char| c.is_ascii_digit()) { word.len() - 1 } else { 0 };
                line.push_str(&word[..at]);
                line.push('\\');
                line.push_str(&word[at..]);
            } else {
                line.push_str(word);
            }
            empty = false;
        } else if width_of(&line) + 1 + width_of(word) <= width || starts_block(word) {
            line.push(' ');
            line.push_str(word);
        } else {
            out.push_str(&line);
            out.push('\n');
            line = format!("{rest}{word}");
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// The document as it is written.
struct Md(String);

impl Md {
    fn heading(&mut self, level: usize, text: &str) {
        // A `#` in a name could end the heading early; escaped, it cannot.
        let _ = writeln!(self.0, "{} {}\n", "#".repeat(level), t(text).replace('#', "\\#"));
    }

    fn para(&mut self, text: &str) {
        self.0.push_str(&wrap(text, "", ""));
        self.0.push('\n');
    }

    fn item(&mut self, text: &str) {
        self.0.push_str(&wrap(text, "* ", "  "));
    }

    fn sub_item(&mut self, text: &str) {
        self.0.push_str(&wrap(text, "  * ", "    "));
    }

    fn end_list(&mut self) {
        self.0.push('\n');
    }

    fn table(&mut self, header: &[&str], right: &[bool], rows: &[Vec<String>]) {
        let _ = writeln!(self.0, "| {} |", header.join(" | "));
        let rules: Vec<&str> = right.iter().map(|r| if *r { "--:" } else { "---" }).collect();
        let _ = writeln!(self.0, "|{}|", rules.join("|"));
        for row in rows {
            let _ = writeln!(self.0, "| {} |", row.join(" | "));
        }
        self.0.push('\n');
    }
}

/// The option the record chooses: the top pick, or for a team the
/// recommended consensus pick.
fn chosen(doc: &DecisionDoc) -> Option<usize> {
    match doc.survey {
        Some(s) => s.team.consensus.as_ref().and_then(|c| c.recommended),
        None => doc.advice.ranking.first().map(|e| e.framework),
    }
}

/// The criteria rated at least [`DRIVER_NEED`], most important first.
fn drivers(advice: &Advice) -> Vec<usize> {
    let needs = &advice.profile.needs;
    let mut out: Vec<usize> = (0..needs.len()).filter(|&c| needs[c] >= DRIVER_NEED).collect();
    out.sort_by(|&a, &b| needs[b].total_cmp(&needs[a]).then(a.cmp(&b)));
    out
}

fn render(catalog: &Catalog, doc: &DecisionDoc, provenance: &Provenance) -> String {
    let mut md = Md(String::with_capacity(16 * 1024));
    front_matter(&mut md, doc, provenance);
    let choice = chosen(doc);
    let name = |f: usize| catalog.frameworks[f].name.as_str();
    let whom = match doc.survey {
        Some(s) if s.teams.is_empty() => format!(" in team {}", team_label(&s.team.team)),
        Some(_) => " across the survey".to_string(),
        None => String::new(),
    };
    match choice {
        Some(f) => md.heading(1, &format!("Use {} for deep learning{whom}", name(f))),
        None => md.heading(1, &format!("Choose a deep-learning framework{whom}: none fits yet")),
    }
    context(&mut md, catalog, doc);
    decision_drivers(&mut md, catalog, doc.advice, doc.survey.is_some());
    considered_options(&mut md, catalog, doc.advice);
    outcome(&mut md, catalog, doc, choice);
    if let Some(f) = choice {
        consequences(&mut md, catalog, doc.advice, f);
    }
    confirmation(&mut md, catalog, doc, choice, provenance);
    pros_and_cons(&mut md, catalog, doc.advice);
    more_information(&mut md, catalog, doc, provenance);
    let mut out = md.0;
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// A YAML scalar: JSON's quoted string, which YAML reads as the same text,
/// with hidden characters as `\u` escapes.
fn yaml_string(s: &str) -> String {
    sanitize::json(&serde_json::Value::String(s.to_string()).to_string()).into_owned()
}

fn front_matter(md: &mut Md, doc: &DecisionDoc, provenance: &Provenance) {
    let out = &mut md.0;
    out.push_str("---\n");
    let _ = writeln!(out, "status: {}", yaml_string("proposed"));
    let _ = writeln!(out, "date: {}", provenance.date);
    match doc.survey {
        Some(s) if !s.team.names.is_empty() => {
            let _ = writeln!(out, "decision-makers:  # the members whose answers decided");
            for n in &s.team.names {
                let _ = writeln!(out, "  - {}", yaml_string(n));
            }
            let more = s.team.members.saturating_sub(s.team.names.len() as u64);
            if more > 0 {
                let _ = writeln!(out, "  # and {} more", thousands(more));
            }
        }
        _ => out.push_str("decision-makers: []  # who takes the decision; fill in\n"),
    }
    out.push_str("consulted: []  # whose opinion was sought; fill in\n");
    out.push_str("informed: []  # who is told of the decision; fill in\n");
    out.push_str("---\n\n");
}

fn context(md: &mut Md, catalog: &Catalog, doc: &DecisionDoc) {
    md.heading(2, "Context and Problem Statement");
    let advice = doc.advice;
    let mut s = if let Some(sv) = doc.survey {
        survey_context(sv)
    } else {
        let about = match &advice.profile.description {
            Some(d) => format!("{}.", t(d.trim().trim_end_matches('.'))),
            None => format!("The needs of the profile “{}”.", t(&advice.profile.name)),
        };
        format!("{about} Which deep-learning framework should we adopt, given the drivers below? ")
    };
    let source = catalog
        .about
        .title
        .as_ref()
        .map_or_else(String::new, |title| format!(" (drawn from {} “{}”)", t(&catalog.about.cited_as), t(title)));
    let _ = write!(
        s,
        "dlpick ranked the {} of its knowledge base{source} by {} of their scores, each weighed by how much it \
         matters here.",
        count_of(catalog.frameworks.len(), "framework", "frameworks"),
        method_words(doc.method)
    );
    md.para(&s);
}

/// Who answered, and the question, for a survey's record.
fn survey_context(sv: Survey) -> String {
    let rejected = if sv.team.rejected > 0 {
        format!(" ({} rejected)", count(sv.team.rejected, "answer", "answers"))
    } else {
        String::new()
    };
    if sv.teams.is_empty() {
        format!(
            "The {} of team {} answered dlpick's survey{rejected}. Which deep-learning framework should the team \
             adopt, given the drivers below? ",
            count(sv.team.members, "member", "members"),
            t(team_label(&sv.team.team))
        )
    } else {
        format!(
            "{} in {} answered dlpick's survey{rejected}. Which deep-learning framework should they adopt \
             together, given the drivers below? ",
            capitalise(&count(sv.team.members, "member", "members")),
            count_of(sv.teams.len(), "team", "teams")
        )
    }
}

fn method_words(method: MethodId) -> &'static str {
    match method {
        MethodId::WeightedSum => "the weighted sum",
        MethodId::WeightedProduct => "the weighted product",
        MethodId::Topsis => "TOPSIS (closeness to an ideal framework)",
    }
}

/// "critical (5 of 5)" or, for a team's mean, "very important (4.3 of 5 on average)".
fn need_words(need: f64, team: bool) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let label = NEED_LABELS[(need.round().clamp(0.0, 5.0)) as usize];
    if team { format!("{label} ({} of 5 on average)", num(need)) } else { format!("{label} ({} of 5)", num(need)) }
}

fn decision_drivers(md: &mut Md, catalog: &Catalog, advice: &Advice, team: bool) {
    md.heading(2, "Decision Drivers");
    let require = &advice.profile.require;
    let mut any = false;
    for text in requirements(catalog, require, team) {
        md.item(&text);
        any = true;
    }
    for c in drivers(advice) {
        let criterion = &catalog.criteria[c];
        md.item(&format!(
            "{}: {}. {}",
            t(&capitalise(&criterion.name)),
            need_words(advice.profile.needs[c], team),
            t(criterion.description.trim())
        ));
        any = true;
    }
    if !any {
        md.item("Nothing is rated 3 or more and nothing is required: any option would do.");
    }
    md.end_list();
}

/// The hard requirements in words, knock-out first.
fn requirements(catalog: &Catalog, require: &Require, team: bool) -> Vec<String> {
    let mut out = Vec::new();
    for kind in RouteKind::ALL {
        let names = require.names(kind);
        if !names.is_empty() {
            out.push(format!("Required: it {}.", t(&meets_phrase(catalog, kind, names, require.callers(kind)))));
        }
    }
    for &(c, floor) in &require.min {
        out.push(format!("Required: it scores at least {} of 5 on {}.", num(floor), t(&catalog.criteria[c].name)));
    }
    if require.deep_learning {
        out.push("Required: it is a deep-learning framework.".to_string());
    }
    match require.policy() {
        InactivePolicy::Separate => out.push(
            "Required: it is maintained today; frameworks that are not are shown for reference only.".to_string(),
        ),
        InactivePolicy::Exclude => {
            out.push("Required: it is maintained today; frameworks that are not are left out.".to_string());
        }
        InactivePolicy::Rank => out.push(format!(
            "Frameworks no longer maintained compete too, as in {}'s view, each with a warning.",
            t(&catalog.about.cited_as)
        )),
    }
    if !require.exclude.is_empty() {
        let names: Vec<String> = require.exclude.iter().map(|&f| t(&catalog.frameworks[f].name)).collect();
        out.push(format!("Ruled out by {}: {}.", if team { "a member" } else { "the profile" }, join_and(&names)));
    }
    out
}

/// "1st, match 88.1", "2nd, tied, match 85.0".
fn standing(e: &Explained) -> String {
    format!("{}{}, match {:.1}", ordinal(e.rank), if e.tied { ", tied" } else { "" }, round1(e.score))
}

fn considered_options(md: &mut Md, catalog: &Catalog, advice: &Advice) {
    md.heading(2, "Considered Options");
    if advice.ranking.is_empty() {
        md.para("No framework of the knowledge base meets every requirement; those left out are below.");
    } else {
        for e in &advice.ranking {
            let f = &catalog.frameworks[e.framework];
            let status = if f.status.is_maintained() {
                String::new()
            } else {
                format!(", {}", status_brief(catalog, e.framework))
            };
            md.item(&format!("{}: {}{status}", t(&f.name), standing(e)));
        }
        md.end_list();
    }
    if advice.excluded.is_empty() && advice.reference.is_empty() {
        return;
    }
    md.para("Left out, each for the reason given:");
    let mut left: Vec<(usize, String)> = advice
        .excluded
        .iter()
        .map(|e| (e.framework, t(&exclusion_text(catalog, e))))
        .chain(advice.reference.iter().map(|r| {
            (
                r.framework,
                format!(
                    "not maintained ({}); shown under More Information in {}'s view",
                    status_brief(catalog, r.framework),
                    t(&catalog.about.cited_as)
                ),
            )
        }))
        .collect();
    left.sort_by_key(|(f, _)| *f);
    for (f, why) in left {
        md.item(&format!("{}: {why}", t(&catalog.frameworks[f].name)));
    }
    md.end_list();
}

fn outcome(md: &mut Md, catalog: &Catalog, doc: &DecisionDoc, choice: Option<usize>) {
    md.heading(2, "Decision Outcome");
    let advice = doc.advice;
    let name = |f: usize| t(&catalog.frameworks[f].name);
    let consensus = doc.survey.and_then(|s| s.team.consensus.as_ref());
    let Some(f) = choice else {
        let mut why: Vec<String> = advice.shortfall.iter().map(|s| t(s)).collect();
        why.extend(consensus.map(|c| t(&consensus_sentence(catalog, c))));
        if why.is_empty() {
            why.push("No framework meets every requirement.".to_string());
        }
        md.para(&format!("No option is chosen. {}", why.join(" ")));
        return;
    };
    match doc.survey {
        None => md.para(&format!("Chosen option: \"{}\", because {}.", name(f), because(catalog, advice))),
        Some(s) => team_outcome(md, catalog, s, advice, f),
    }
}

/// Why the top pick of `advice` is chosen, from its verdict.
fn because(catalog: &Catalog, advice: &Advice) -> String {
    let name = |f: usize| t(&catalog.frameworks[f].name);
    let (Some(v), Some(first)) = (&advice.verdict, advice.ranking.first()) else { return String::new() };
    let score = round1(first.score);
    let mut s = if advice.ranking.len() == 1 {
        format!("it is the only option here that meets every requirement (match {score:.1} of 100)")
    } else if !v.tied_with.is_empty() {
        let others: Vec<String> = v.tied_with.iter().map(|&f| name(f)).collect();
        format!(
            "it ties for first with {} (match {score:.1} of 100) and is listed first; the pros and cons below tell them apart",
            join_and(&others)
        )
    } else {
        let mut s = format!("it fits the drivers best (match {score:.1} of 100)");
        if let (Some(r), Some(m)) = (v.runner_up, v.margin) {
            let _ = write!(s, ", {m:.1} ahead of {}", name(r));
            if let Some(c) = v.decided_by {
                let _ = write!(s, ", mainly on {}", t(&catalog.criteria[c].name));
            }
        }
        s
    };
    let strengths: Vec<String> = first
        .reasons
        .iter()
        .map(|p| format!("{} {} of 5", t(&catalog.criteria[p.criterion].name), num(p.score)))
        .collect();
    if !strengths.is_empty() {
        let _ = write!(s, "; its main strengths are {}", join_and(&strengths));
    }
    if let Some(alt) = v.active_alternative {
        let _ = write!(
            s,
            ". It is first in {}'s view only: it is not maintained, and the best maintained choice is {}",
            t(&catalog.about.cited_as),
            name(alt)
        );
    }
    s
}

fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::Mean => "mean (highest average match)",
        Rule::Maximin => "maximin (highest lowest match)",
        Rule::Borda => "Borda (members' rankings)",
        Rule::Approval => "approval (near each member's own best)",
    }
}

fn team_outcome(md: &mut Md, catalog: &Catalog, s: Survey, advice: &Advice, f: usize) {
    let name = |f: usize| t(&catalog.frameworks[f].name);
    let team = s.team;
    let Some(c) = &team.consensus else { return };
    let mut text = format!("Chosen option: \"{}\", because the consensus recommends the mean rule's pick", name(f));
    if let Some(r) = c.rules.iter().find(|r| r.rule == Rule::Mean) {
        let _ = write!(
            text,
            ": each member's own match to it averages {:.1}, and the lowest is {:.1} ({})",
            round1(r.mean),
            round1(r.min),
            t(&r.lowest)
        );
    }
    if c.rules.iter().all(|r| r.framework == f) {
        text.push_str("; all four rules agree");
    }
    text.push('.');
    md.para(&text);
    md.para(&format!(
        "The four consensus rules over the members' own matches (a member approves every framework within {} points of their own best):",
        num(s.approval_margin)
    ));
    let rows: Vec<Vec<String>> = c
        .rules
        .iter()
        .map(|r| {
            vec![
                rule_name(r.rule).to_string(),
                name(r.framework),
                format!("{:.1}", round1(r.mean)),
                format!("{:.1} ({})", round1(r.min), t(&r.lowest)),
            ]
        })
        .collect();
    md.table(&["Rule", "Pick", "Average match", "Lowest match"], &[false, false, true, true], &rows);
    md.para(&t(&consensus_sentence(catalog, c)));
    if let Some(r) = c.mean_regret.filter(|r| *r >= 0.05) {
        md.para(&format!(
            "On average a member gives up {:.1} points of match under {} against their own best.",
            round1(r),
            name(f)
        ));
    }
    md.para(&t(&agreement_sentence(catalog, team)));
    if let Some(first) = advice.ranking.first().filter(|e| e.framework != f) {
        md.para(&format!(
            "On the members' combined needs {} ranks first (match {:.1}); the consensus weighs each member's own match instead.",
            name(first.framework),
            round1(first.score)
        ));
    }
}

/// How a score is known, as the text in brackets reads: "stated in the
/// article, 3.4 PyTorch", "inferred from …", "outside the article: …".
fn known(catalog: &Catalog, e: &Evidence) -> String {
    match e.basis {
        Basis::Article => format!("stated in {}, {}", t(&catalog.about.cited_as), t(&e.citation)),
        Basis::Inferred | Basis::Outside => t(&e.citation),
    }
}

/// "debuggability scores 5 of 5: … (stated in the article, 3.4 PyTorch)".
fn scored(catalog: &Catalog, advice: &Advice, f: usize, c: usize, score: f64) -> String {
    let e = evidence(catalog, &advice.routed, f, c);
    format!("{} scores {} of 5: {} ({})", t(&catalog.criteria[c].name), num(score), t(&e.text), known(catalog, &e))
}

/// A ranked option's arguments on the drivers, its routes and its
/// warnings, each "Good", "Neutral" or "Bad".
fn arguments(catalog: &Catalog, advice: &Advice, e: &Explained) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for c in drivers(advice) {
        let score = e.contributions.iter().find(|x| x.criterion == c).map_or(0.0, |x| x.score);
        let verdict = if e.concerns.iter().any(|p| p.criterion == c) || score <= WEAK_SCORE {
            "Bad"
        } else if score >= STRENGTH_SCORE {
            "Good"
        } else {
            "Neutral"
        };
        out.push((verdict, scored(catalog, advice, e.framework, c, score)));
    }
    for u in &e.routes {
        if let Some(route) = route_of(catalog, e.framework, u) {
            let first_party = route.official && route.status == Status::Active && !route.inference_only;
            let verdict = if first_party { "Good" } else { "Neutral" };
            out.push((
                verdict,
                format!(
                    "it reaches what you require: {} ({})",
                    t(&route_phrase(catalog, route)),
                    t(&route_citation(catalog, route))
                ),
            ));
        }
    }
    for w in &e.warnings {
        out.push(("Bad", t(w.trim_end_matches('.'))));
    }
    out
}

fn consequences(md: &mut Md, catalog: &Catalog, advice: &Advice, f: usize) {
    let Some(e) = advice.ranking.iter().find(|e| e.framework == f) else { return };
    md.heading(3, "Consequences");
    let args: Vec<(&str, String)> =
        arguments(catalog, advice, e).into_iter().filter(|(v, _)| *v != "Neutral").collect();
    if args.is_empty() {
        md.item("Neutral, because none of the drivers is a clear strength or weakness of it.");
    }
    for (verdict, text) in args.iter().filter(|(v, _)| *v == "Good").chain(args.iter().filter(|(v, _)| *v == "Bad")) {
        md.item(&format!("{verdict}, because {text}."));
    }
    md.end_list();
}

fn confirmation(md: &mut Md, catalog: &Catalog, doc: &DecisionDoc, choice: Option<usize>, provenance: &Provenance) {
    md.heading(3, "Confirmation");
    exact_ranges(md, catalog, doc, choice);
    sampled(md, catalog, doc, choice);
    reproduce(md, catalog, doc.reproduce, provenance);
}

/// The exact range of each weight over which the winner stays first.
fn exact_ranges(md: &mut Md, catalog: &Catalog, doc: &DecisionDoc, choice: Option<usize>) {
    let name = |f: usize| t(&catalog.frameworks[f].name);
    if let Some(s) = &doc.firmness.sensitivity {
        let winner = name(s.winner);
        md.para(&format!(
            "How firm the choice is, exactly: under the weighted sum, {winner} stays first while each global \
             weight stays in its range below, every other weight held (as `dlpick tune sensitivity` computes \
             it; bounds to two decimals).{}",
            if choice.is_some_and(|f| f != s.winner) {
                format!(" These ranges are for {winner}, first on the combined needs.")
            } else {
                String::new()
            }
        ));
        let flip =
            |f: Option<crate::score::sensitivity::Flip>| f.map_or_else(|| "never".to_string(), |f| name(f.winner));
        let rows: Vec<Vec<String>> = s
            .criteria
            .iter()
            .map(|c| {
                let (low, high) = c.weight_interval();
                vec![
                    t(&catalog.criteria[c.criterion].name),
                    num(c.need),
                    format!("{:.2}", c.weight),
                    format!("{} – {}", bound(low), bound(high)),
                    flip(c.down),
                    flip(c.up),
                ]
            })
            .collect();
        md.table(
            &[
                "Criterion",
                "Need",
                "Weight",
                "Range of the weight",
                "First if lowered past it",
                "First if raised past it",
            ],
            &[false, true, true, true, false, false],
            &rows,
        );
        md.para(&t(&super::tune::sensitivity_sentence(catalog, s)));
    } else if doc.method != MethodId::WeightedSum && choice.is_some() {
        md.para(&format!(
            "Exact ranges of the weights exist under the weighted sum only; this record uses {}, so the sampled \
             figures below say how firm the choice is.",
            method_words(doc.method)
        ));
    }
}

/// How often the choice ranks first under sampled weights.
fn sampled(md: &mut Md, catalog: &Catalog, doc: &DecisionDoc, choice: Option<usize>) {
    let name = |f: usize| t(&catalog.frameworks[f].name);
    let firm = doc.firmness;
    if let (Some(r), Some(f)) = (&firm.robustness, choice) {
        let first = |g: usize| r.candidates.iter().position(|&x| x == g).map_or(0.0, |i| r.first(i));
        let mut others: Vec<(usize, f64)> =
            r.candidates.iter().map(|&g| (g, first(g))).filter(|&(g, p)| g != f && p > 0.0).collect();
        others.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut s = format!(
            "How firm it is under uncertain weights: in {} drawn around these needs (each effective weight \
             times a factor between {:.2} and {:.2}; SMAA-2 with seed {}), {} ranks first in {}",
            count(SAMPLES, "sampled weighting", "sampled weightings"),
            1.0 - SPREAD,
            1.0 + SPREAD,
            firm.seed,
            name(f),
            percent1(first(f))
        );
        if !others.is_empty() {
            let listed: Vec<String> =
                others.iter().take(3).map(|&(g, p)| format!("{} {}", name(g), percent1(p))).collect();
            let _ = write!(s, "; {} take the rest", join_and(&listed));
            if others.len() > 3 {
                s.push_str(" with the others");
            }
        }
        s.push_str(" (`dlpick tune robustness` with the same seed gives the same figures).");
        md.para(&s);
    }
}

/// The command that makes the record again, and what it reads.
fn reproduce(md: &mut Md, catalog: &Catalog, reproduce: &Reproduce, provenance: &Provenance) {
    let command = command(catalog, reproduce, provenance);
    md.para(
        "To confirm the record still holds, run this command from the folder it was made in: it prints this \
         record byte for byte while its inputs, the knowledge base and dlpick are unchanged (compare with \
         `diff`).",
    );
    let _ = writeln!(md.0, "```sh\n{command}\n```\n");
    md.para("What it reads:");
    for input in &reproduce.inputs {
        let what = input.note.as_ref().map_or_else(String::new, |n| format!(" ({})", t(n)));
        match &input.sha256 {
            Some(h) => md.item(&format!("{}{what}: sha256 `{h}`", t(&input.name))),
            None => md.item(&format!("{}{what}: not hashed", t(&input.name))),
        }
    }
    for file in &catalog.files {
        let what = if file.path == crate::catalog::BUILTIN_NAME {
            "the knowledge base built into dlpick".to_string()
        } else if file.layer {
            format!("a knowledge-base layer, {}", t(&file.path))
        } else {
            format!("the knowledge base, {}", t(&file.path))
        };
        md.item(&format!("{what}: sha256 `{}`", file.sha256));
    }
    md.end_list();
}

/// The command that makes the record again, quoted for a POSIX shell.
fn command(catalog: &Catalog, reproduce: &Reproduce, provenance: &Provenance) -> String {
    let mut words: Vec<String> = reproduce.words.clone();
    for file in &catalog.files {
        if file.path != crate::catalog::BUILTIN_NAME || file.layer {
            words.push(if file.layer { "--layer" } else { "--weights" }.to_string());
            words.push(file.path.clone());
        }
    }
    if catalog.article_only {
        words.push("--article-only".to_string());
    }
    words.extend(["--format".to_string(), "madr".to_string()]);
    let quoted: Vec<String> = words
        .iter()
        .map(|w| shlex::try_quote(w).map_or_else(|_| sanitize::quote(w), std::borrow::Cow::into_owned))
        .collect();
    format!("SOURCE_DATE_EPOCH={} dlpick {}", provenance.day, quoted.join(" "))
}

fn pros_and_cons(md: &mut Md, catalog: &Catalog, advice: &Advice) {
    if advice.ranking.is_empty() {
        return;
    }
    md.heading(2, "Pros and Cons of the Options");
    for e in &advice.ranking {
        let f = &catalog.frameworks[e.framework];
        md.heading(3, &f.name);
        md.para(&format!("{}; {}; backed by {}.", capitalise(&standing(e)), t(f.status.phrase()), t(&f.backer)));
        let args = arguments(catalog, advice, e);
        if args.is_empty() {
            md.item("Neutral, because nothing is rated 3 or more and nothing is required.");
        }
        for verdict in ["Good", "Neutral", "Bad"] {
            for (_, text) in args.iter().filter(|(v, _)| *v == verdict) {
                md.item(&format!("{verdict}, because {text}."));
            }
        }
        md.end_list();
    }
}

fn more_information(md: &mut Md, catalog: &Catalog, doc: &DecisionDoc, provenance: &Provenance) {
    md.heading(2, "More Information");
    let about = &catalog.about;
    let mut kb = format!("Knowledge base: {}", t(&super::knowledge_base_files(catalog)));
    if let Some(title) = &about.title {
        let _ = write!(kb, ", drawn from {} “{}”", t(&about.cited_as), t(title));
        if let Some(date) = &about.date {
            let _ = write!(kb, " ({})", t(date));
        }
    }
    if catalog.article_only {
        kb.push_str(", only the frameworks the article compares");
    }
    kb.push_str(". ");
    kb.push_str(&t(&super::basis_tally_sentence(catalog)));
    md.item(&kb);
    if !provenance.version.is_empty() {
        // The build on a line of its own, so its length moves no other line.
        md.item(&format!("Made on {} by {}, with this build:", provenance.date, method_words(doc.method)));
        md.sub_item(&t(&provenance.version));
    }
    let advice = doc.advice;
    if !advice.reference.is_empty() {
        md.item(&format!("Not maintained, for reference in {}'s view:", t(&about.cited_as)));
        for r in &advice.reference {
            let f = &catalog.frameworks[r.framework];
            md.sub_item(&format!(
                "{}, match {:.1}, {}: {}",
                t(&f.name),
                round1(r.score),
                status_brief(catalog, r.framework),
                t(f.status_note.trim())
            ));
        }
    }
    let beyond = pointers_sentence(catalog, &advice.pointers, "Not scored by dlpick, but maintained and worth a look");
    if !beyond.is_empty() {
        md.item(&t(&beyond));
    }
    if let Some(s) = doc.survey.filter(|s| !s.teams.is_empty()) {
        md.item("Each team's own consensus (`--team NAME` makes a record for one team):");
        for team in s.teams {
            let pick = team
                .consensus
                .as_ref()
                .and_then(|c| c.recommended)
                .map_or_else(|| "no option every member allows".to_string(), |f| t(&catalog.frameworks[f].name));
            md.sub_item(&format!(
                "{} ({}): {pick}",
                t(team_label(&team.team)),
                count(team.members, "member", "members")
            ));
        }
    }
    md.end_list();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_wrapped_line_starts_a_block() {
        let text = "one two - three + four 1. five # six > seven 1) eight = nine 2019) ten --- eleven";
        for width in 4..60 {
            let out = wrap_at(text, "* ", "  ", width);
            for line in out.lines().skip(1) {
                assert!(line.starts_with("  ") && !starts_block(line.trim_start()), "{width}:\n{out}");
            }
            assert_eq!(out.split_whitespace().skip(1).collect::<Vec<_>>().join(" "), text);
        }
        assert_eq!(wrap("- a", "* ", "  "), "* \\- a\n");
        assert_eq!(wrap("1. a", "", ""), "1\\. a\n");
        assert!(starts_block("1."));
        assert!(starts_block("01)"));
        assert!(!starts_block("2019)"));
        assert!(!starts_block("1.5"));
        assert!(!starts_block("2026"));
        assert!(!starts_block("`dlpick"));
        assert!(starts_block("```"));
        assert!(!starts_block("C#"));
        assert!(!starts_block("#110709,"));
        assert!(starts_block("###"));
        assert!(starts_block("---"));
        assert!(!starts_block("-x"));
    }

    #[test]
    fn escaped_text_reads_as_written() {
        use pulldown_cmark::{Event, Parser};
        let raw = "a *b* _c_ `d` [e](f) <g> h|i ~j~ \\k & 1. #x";
        let escaped = t(raw);
        let text: String = Parser::new(&escaped)
            .filter_map(|e| match e {
                Event::Text(s) => Some(s.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(text, raw);
    }

    #[test]
    fn yaml_strings_are_json_strings() {
        assert_eq!(yaml_string("a \"b\" # c"), r#""a \"b\" # c""#);
        assert_eq!(yaml_string("x\u{202e}y"), r#""x\u202ey""#);
    }
}
