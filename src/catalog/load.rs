//! Reading a knowledge base: a base file and layers, merged, then checked
//! as a whole.
//!
//! Every file is parsed into the same partial form, where each field is
//! optional and remembers where it was written. The base and each layer are
//! merged in order (a layer adds frameworks and criteria, or overrides
//! single fields of existing ones), and only the merged result must be
//! complete. So a layer can correct one score without copying the rest, and
//! an error still names the file, line and field that caused it.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::{
    About, Attribute, BUILTIN_NAME, BUILTIN_WEIGHTS, Basis, Catalog, Criterion, Framework, Name, Pointer, Route,
    RouteKind, RouteLink, SCALE_MAX, SourceFile, Status, WEIGHT_RANGE, default_quality, is_valid_id, normalise_name,
    quoted,
};
use crate::error::{Diagnostic, Location, Result, unknown_hint};
use crate::input;

/// At most this many layers: more is surely a mistake (a loop in a script).
pub const LAYER_LIMIT: usize = 64;

/// One knowledge-base file's text and the name to show for it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub text: &'a str,
    pub name: &'a str,
}

impl<'a> Input<'a> {
    pub fn new(text: &'a str, name: &'a str) -> Self {
        Self { text, name }
    }

    /// The compiled-in `weights.toml`.
    pub fn builtin() -> Input<'static> {
        Input { text: BUILTIN_WEIGHTS, name: BUILTIN_NAME }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    about: Option<RawAbout>,
    #[serde(default)]
    criteria: IndexMap<Spanned<String>, RawCriterion>,
    #[serde(default)]
    frameworks: IndexMap<Spanned<String>, RawFramework>,
    #[serde(default)]
    languages: IndexMap<Spanned<String>, RawName>,
    #[serde(default)]
    targets: IndexMap<Spanned<String>, RawName>,
    #[serde(default)]
    hardware: IndexMap<Spanned<String>, RawName>,
    #[serde(default)]
    pointers: IndexMap<Spanned<String>, RawPointer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawName {
    name: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    means: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPointer {
    name: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    #[serde(default)]
    routes: Vec<Spanned<RawRoute>>,
}

/// Every field optional, so a missing one gets a message that says why it
/// matters rather than serde's "missing field".
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    kind: Option<Spanned<RouteKind>>,
    name: Option<Spanned<String>>,
    via: Option<Spanned<String>>,
    official: Option<Spanned<bool>>,
    status: Option<Spanned<Status>>,
    inference_only: Option<Spanned<bool>>,
    languages: Option<Spanned<Vec<String>>>,
    note: Option<Spanned<String>>,
    score: Option<Spanned<f64>>,
    basis: Option<Spanned<Basis>>,
    source: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAbout {
    title: Option<String>,
    cited_as: Option<String>,
    date: Option<String>,
    checked: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    name: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    question: Option<Spanned<String>>,
    weight: Option<Spanned<f64>>,
    route_kind: Option<Spanned<RouteKind>>,
    route_names: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    name: Option<Spanned<String>>,
    backer: Option<Spanned<String>>,
    languages: Option<Spanned<Vec<String>>>,
    deep_learning: Option<Spanned<bool>>,
    status: Option<Spanned<Status>>,
    status_note: Option<Spanned<String>>,
    since: Option<Spanned<i64>>,
    article: Option<Spanned<bool>>,
    #[serde(default)]
    routes: Vec<Spanned<RawRoute>>,
    #[serde(default)]
    attributes: IndexMap<Spanned<String>, RawAttribute>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttribute {
    score: Option<Spanned<f64>>,
    evidence: Option<Spanned<String>>,
    basis: Option<Spanned<Basis>>,
    source: Option<Spanned<String>>,
}

/// Where a value was written: file index and byte offset.
#[derive(Debug, Clone, Copy)]
struct At {
    file: usize,
    offset: usize,
}

/// A value with where it was written.
#[derive(Debug, Clone)]
struct Set<T> {
    value: T,
    at: At,
}

fn set<T>(s: Spanned<T>, file: usize) -> Set<T> {
    let offset = s.span().start;
    Set { value: s.into_inner(), at: At { file, offset } }
}

#[derive(Default)]
struct CriterionDraft {
    at: Option<At>,
    name: Option<Set<String>>,
    description: Option<Set<String>>,
    question: Option<Set<String>>,
    weight: Option<Set<f64>>,
    route_kind: Option<Set<RouteKind>>,
    route_names: Option<Set<Vec<String>>>,
}

struct NameDraft {
    at: At,
    name: Option<Set<String>>,
    aliases: Vec<Set<String>>,
    means: Option<Set<Vec<String>>>,
}

#[derive(Default)]
struct PointerDraft {
    at: Option<At>,
    name: Option<Set<String>>,
    description: Option<Set<String>>,
    routes: Vec<(Route, At)>,
}

#[derive(Default)]
struct AttributeDraft {
    at: Option<At>,
    score: Option<Set<f64>>,
    evidence: Option<Set<String>>,
    basis: Option<Set<Basis>>,
    source: Option<Set<String>>,
}

#[derive(Default)]
struct FrameworkDraft {
    at: Option<At>,
    name: Option<Set<String>>,
    backer: Option<Set<String>>,
    languages: Option<Set<Vec<String>>>,
    deep_learning: Option<Set<bool>>,
    status: Option<Set<Status>>,
    status_note: Option<Set<String>>,
    since: Option<Set<i64>>,
    article: Option<Set<bool>>,
    /// Checked as written; each with where it was written.
    routes: Vec<(Route, At)>,
    attributes: IndexMap<String, AttributeDraft>,
}

/// Keeps the inputs so any position can become a location.
struct Files<'a> {
    inputs: Vec<Input<'a>>,
}

impl Files<'_> {
    fn at(&self, at: At) -> Location {
        let input = &self.inputs[at.file];
        Location::at(input.name, input.text, at.offset)
    }

    fn whole(&self, file: usize) -> Location {
        Location::file(self.inputs[file].name)
    }

    fn fail(&self, at: At, field: String, message: String) -> crate::Error {
        Diagnostic::new(self.at(at), message).field(field).into()
    }
}

/// Load `base` with `layers` applied in order, and check the result.
pub fn load(base: &Input<'_>, layers: &[Input<'_>]) -> Result<Catalog> {
    if layers.len() > LAYER_LIMIT {
        return Err(crate::Error::Usage(format!(
            "{} layers were given; at most {LAYER_LIMIT} are allowed.",
            layers.len()
        )));
    }
    let mut inputs = vec![*base];
    inputs.extend_from_slice(layers);
    let files = Files { inputs };

    let mut about = About::default();
    let mut criteria: IndexMap<String, CriterionDraft> = IndexMap::new();
    let mut frameworks: IndexMap<String, FrameworkDraft> = IndexMap::new();
    let mut names: IndexMap<(RouteKind, String), NameDraft> = IndexMap::new();
    let mut pointers: IndexMap<String, PointerDraft> = IndexMap::new();

    for (index, input) in files.inputs.iter().enumerate() {
        let raw: RawFile = input::parse(input.text, input.name)?;
        if index == 0 {
            if let Some(a) = raw.about {
                about = About {
                    title: a.title,
                    cited_as: a.cited_as.unwrap_or(about.cited_as),
                    date: a.date,
                    checked: a.checked,
                };
            }
        }
        for (kind, table) in [
            (RouteKind::Language, raw.languages),
            (RouteKind::Target, raw.targets),
            (RouteKind::Hardware, raw.hardware),
        ] {
            merge_names(&files, index, kind, table, &mut names)?;
        }
        merge_criteria(&files, index, raw.criteria, &mut criteria)?;
        merge_frameworks(&files, index, raw.frameworks, &mut frameworks)?;
        merge_pointers(&files, index, raw.pointers, &mut pointers)?;
    }

    let mut names = finish_names(&files, names)?;
    // A plain `languages` list needs no vocabulary: each language it names
    // is known by the spelling first seen.
    for draft in frameworks.values() {
        for language in draft.languages.iter().flat_map(|l| &l.value) {
            let id = normalise_name(language);
            if !id.is_empty() && !names.iter().any(|n| n.kind == RouteKind::Language && n.id == id) {
                names.push(Name {
                    kind: RouteKind::Language,
                    id,
                    name: language.trim().to_string(),
                    aliases: Vec::new(),
                    means: Vec::new(),
                });
            }
        }
    }
    names.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));

    let criteria = finish_criteria(&files, criteria, &names)?;
    let mut finished = Vec::with_capacity(frameworks.len());
    for (id, draft) in frameworks {
        finished.push(finish_framework(&files, &id, draft, &criteria, &names)?);
    }
    finished.sort_by(|a, b| a.id.cmp(&b.id));
    let mut pointer_list = Vec::with_capacity(pointers.len());
    for (id, draft) in pointers {
        pointer_list.push(finish_pointer(&files, &id, draft, &names)?);
    }
    pointer_list.sort_by(|a, b| a.id.cmp(&b.id));

    let source_files = files
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| SourceFile {
            path: input.name.to_string(),
            sha256: crate::build_info::sha256_hex(input.text.as_bytes()),
            layer: i > 0,
        })
        .collect();
    Ok(Catalog {
        about,
        criteria,
        frameworks: finished,
        files: source_files,
        names,
        pointers: pointer_list,
        article_only: false,
    })
}

fn check_id(files: &Files<'_>, id: &Spanned<String>, file: usize, table: &str) -> Result<()> {
    if is_valid_id(id.get_ref()) {
        return Ok(());
    }
    Err(files.fail(
        At { file, offset: id.span().start },
        format!("{table}.{}", id.get_ref()),
        format!(
            "`{}` is not a valid id; use lower-case letters, digits and `_`, starting with a letter.",
            id.get_ref()
        ),
    ))
}

fn merge_criteria(
    files: &Files<'_>,
    file: usize,
    raw: IndexMap<Spanned<String>, RawCriterion>,
    into: &mut IndexMap<String, CriterionDraft>,
) -> Result<()> {
    for (id, c) in raw {
        check_id(files, &id, file, "criteria")?;
        let at = At { file, offset: id.span().start };
        let draft = into.entry(id.into_inner()).or_default();
        draft.at.get_or_insert(at);
        let over = |slot: &mut Option<Set<String>>, v: Option<Spanned<String>>| {
            if let Some(v) = v {
                *slot = Some(set(v, file));
            }
        };
        over(&mut draft.name, c.name);
        over(&mut draft.description, c.description);
        over(&mut draft.question, c.question);
        if let Some(w) = c.weight {
            draft.weight = Some(set(w, file));
        }
        if let Some(k) = c.route_kind {
            draft.route_kind = Some(set(k, file));
        }
        if let Some(n) = c.route_names {
            draft.route_names = Some(set(n, file));
        }
    }
    Ok(())
}

fn merge_frameworks(
    files: &Files<'_>,
    file: usize,
    raw: IndexMap<Spanned<String>, RawFramework>,
    into: &mut IndexMap<String, FrameworkDraft>,
) -> Result<()> {
    for (id, f) in raw {
        check_id(files, &id, file, "frameworks")?;
        let fid = id.get_ref().clone();
        let at = At { file, offset: id.span().start };
        let draft = into.entry(fid.clone()).or_default();
        draft.at.get_or_insert(at);
        let over = |slot: &mut Option<Set<String>>, v: Option<Spanned<String>>| {
            if let Some(v) = v {
                *slot = Some(set(v, file));
            }
        };
        let note_given = f.status_note.is_some();
        over(&mut draft.name, f.name);
        over(&mut draft.backer, f.backer);
        over(&mut draft.status_note, f.status_note);
        if let Some(v) = f.languages {
            draft.languages = Some(set(v, file));
        }
        if let Some(v) = f.deep_learning {
            draft.deep_learning = Some(set(v, file));
        }
        if let Some(v) = f.article {
            draft.article = Some(set(v, file));
        }
        if let Some(v) = f.since {
            draft.since = Some(set(v, file));
        }
        merge_routes(files, file, f.routes, &format!("frameworks.{fid}"), &mut draft.routes)?;
        if let Some(v) = f.status {
            if !note_given && file > 0 {
                return Err(files.fail(
                    At { file, offset: v.span().start },
                    format!("frameworks.{fid}.status"),
                    "a layer that changes a status must give its dated `status_note` too.".to_string(),
                ));
            }
            draft.status = Some(set(v, file));
        }
        for (cid, a) in f.attributes {
            let field = format!("frameworks.{fid}.attributes.{}", cid.get_ref());
            let at = At { file, offset: cid.span().start };
            if file > 0 && a.score.is_some() && (a.evidence.is_none() || a.basis.is_none() || a.source.is_none()) {
                return Err(files.fail(
                    at,
                    field,
                    "a layer that changes a score must give its `evidence`, `basis` and `source` too.".to_string(),
                ));
            }
            let slot = draft.attributes.entry(cid.into_inner()).or_default();
            slot.at.get_or_insert(at);
            if let Some(v) = a.score {
                slot.score = Some(set(v, file));
            }
            if let Some(v) = a.evidence {
                slot.evidence = Some(set(v, file));
            }
            if let Some(v) = a.basis {
                slot.basis = Some(set(v, file));
            }
            if let Some(v) = a.source {
                slot.source = Some(set(v, file));
            }
        }
    }
    Ok(())
}

/// A vocabulary id may hold what language names hold (`c++`, `c#`, `.net`)
/// but must be written as it is compared: lower case, no spaces.
fn check_name_id(files: &Files<'_>, id: &Spanned<String>, file: usize, table: &str) -> Result<()> {
    let written = id.get_ref();
    if !written.is_empty() && normalise_name(written) == *written && !written.chars().any(char::is_control) {
        return Ok(());
    }
    Err(files.fail(
        At { file, offset: id.span().start },
        format!("{table}.{written}"),
        format!(
            "`{written}` is not a valid name id; write it in lower case with `_` between words (`{}`).",
            normalise_name(written)
        ),
    ))
}

fn merge_names(
    files: &Files<'_>,
    file: usize,
    kind: RouteKind,
    raw: IndexMap<Spanned<String>, RawName>,
    into: &mut IndexMap<(RouteKind, String), NameDraft>,
) -> Result<()> {
    for (id, n) in raw {
        check_name_id(files, &id, file, kind.table())?;
        let at = At { file, offset: id.span().start };
        let draft = into.entry((kind, id.into_inner())).or_insert_with(|| NameDraft {
            at,
            name: None,
            aliases: Vec::new(),
            means: None,
        });
        if let Some(name) = n.name {
            draft.name = Some(set(name, file));
        }
        if let Some(means) = n.means {
            draft.means = Some(set(means, file));
        }
        // A layer adds spellings; it cannot take the base's away.
        draft.aliases.extend(n.aliases.into_iter().map(|a| set(a, file)));
    }
    Ok(())
}

fn finish_names(files: &Files<'_>, drafts: IndexMap<(RouteKind, String), NameDraft>) -> Result<Vec<Name>> {
    let mut out: Vec<Name> = Vec::with_capacity(drafts.len());
    let mut groups = Vec::new();
    // Every spelling of a kind, so that none means two names.
    let mut taken: BTreeMap<(RouteKind, String), String> =
        drafts.keys().map(|(kind, id)| ((*kind, id.clone()), id.clone())).collect();
    for ((kind, id), n) in drafts {
        let field = |key: &str| format!("{}.{id}.{key}", kind.table());
        let name = required(files, n.name, Some(n.at), field("name"))?;
        not_blank(files, &name, &field("name"))?;
        let mut aliases = Vec::new();
        for alias in n.aliases {
            let normal = normalise_name(&alias.value);
            if normal.is_empty() {
                return Err(files.fail(alias.at, field("aliases"), "an alias is empty.".to_string()));
            }
            if let Some(owner) = taken.get(&(kind, normal.clone())).filter(|owner| **owner != id) {
                return Err(files.fail(
                    alias.at,
                    field("aliases"),
                    format!("`{}` already means `{owner}`; a spelling can mean only one name.", alias.value),
                ));
            }
            taken.insert((kind, normal.clone()), id.clone());
            if !aliases.contains(&normal) {
                aliases.push(normal);
            }
        }
        out.push(Name { kind, id, name: name.value, aliases, means: Vec::new() });
        if let Some(means) = n.means {
            groups.push((out.len() - 1, means));
        }
    }
    // A group stands for names of its kind that are not groups themselves.
    let group_ids: Vec<(RouteKind, String)> = groups.iter().map(|(i, _)| (out[*i].kind, out[*i].id.clone())).collect();
    for (index, means) in groups {
        let (kind, id) = (out[index].kind, out[index].id.clone());
        let mut members = Vec::new();
        for written in &means.value {
            let member = normalise_name(written);
            let known = out.iter().any(|n| n.kind == kind && n.id == member);
            if !known || group_ids.contains(&(kind, member.clone())) {
                let ids: Vec<&str> = out.iter().filter(|n| n.kind == kind).map(|n| n.id.as_str()).collect();
                return Err(Diagnostic::new(
                    files.at(means.at),
                    format!("`{written}` is not a {} a group can stand for.", kind.as_str()),
                )
                .field(format!("{}.{id}.means", kind.table()))
                .hint(Some(unknown_hint(&member, &ids)))
                .into());
            }
            members.push(member);
        }
        members.sort();
        members.dedup();
        out[index].means = members;
    }
    Ok(out)
}

/// Check one route as written; whether its name is known is checked once
/// the vocabulary is complete.
fn route(files: &Files<'_>, file: usize, raw: Spanned<RawRoute>, field: &str) -> Result<(Route, At)> {
    let at = At { file, offset: raw.span().start };
    let r = raw.into_inner();
    let missing = |key: &str, why: &str| -> crate::Error {
        Diagnostic::new(files.at(at), format!("the route has no `{key}`."))
            .field(format!("{field}.{key}"))
            .hint(Some(why.to_string()))
            .into()
    };
    let kind =
        r.kind.ok_or_else(|| missing("kind", r#"Say what it reaches: kind = "language", "target" or "hardware"."#))?;
    let name = r
        .name
        .ok_or_else(|| missing("name", r#"Name what it reaches as the vocabulary does: "r", "browser", "apple"."#))?;
    let via = r.via.ok_or_else(|| missing("via", r#"Name the package, runtime or backend: via = "ExecuTorch"."#))?;
    let official = r.official.ok_or_else(|| {
        missing("official", "Say who maintains it: official = true (the framework's own project) or false (community).")
    })?;
    let status = r
        .status
        .ok_or_else(|| missing("status", r#"Say how alive it is: "active", "maintenance" or "discontinued"."#))?;
    let note = r.note.ok_or_else(|| missing("note", "Give a dated sentence on who maintains it and how it stands."))?;
    let basis = r.basis.ok_or_else(|| {
        missing(
            "basis",
            r#"Say how the route is known: basis = "article", "inferred" or "outside" (a dated outside source)."#,
        )
    })?;
    let source = r.source.ok_or_else(|| missing("source", "Name where the route is documented, with a year."))?;
    for (key, text) in [("name", &name), ("via", &via), ("note", &note), ("source", &source)] {
        not_blank(files, &set(text.clone(), file), &format!("{field}.{key}"))?;
    }
    let (official, status) = (*official.get_ref(), *status.get_ref());
    let inference_only = r.inference_only.is_some_and(|i| *i.get_ref());
    if let Some(languages) = &r.languages {
        if *kind.get_ref() != RouteKind::Target {
            let message = "only a target route says which languages call it there.".to_string();
            return Err(files.fail(At { file, offset: languages.span().start }, format!("{field}.languages"), message));
        }
    }
    let called_from: Vec<String> =
        r.languages.map(|l| l.into_inner().iter().map(|n| normalise_name(n)).collect()).unwrap_or_default();
    let quality = match r.score {
        Some(score) => {
            let value = *score.get_ref();
            if !value.is_finite() || !(0.0..=SCALE_MAX).contains(&value) {
                return Err(files.fail(
                    At { file, offset: score.span().start },
                    format!("{field}.score"),
                    format!("score {value} is out of range; scores run from 0 to 5."),
                ));
            }
            value
        }
        None => default_quality(official, status, inference_only),
    };
    let route = Route {
        kind: kind.into_inner(),
        name: normalise_name(name.get_ref()),
        via: via.into_inner().trim().to_string(),
        official,
        status,
        inference_only,
        called_from,
        note: note.into_inner().trim().to_string(),
        quality,
        basis: basis.into_inner(),
        source: source.into_inner().trim().to_string(),
        origin: file,
    };
    Ok((route, at))
}

/// A layer's routes add to the framework's; one with the same kind, name
/// and `via` as an earlier file's replaces it.
fn merge_routes(
    files: &Files<'_>,
    file: usize,
    raw: Vec<Spanned<RawRoute>>,
    owner: &str,
    into: &mut Vec<(Route, At)>,
) -> Result<()> {
    for (i, r) in raw.into_iter().enumerate() {
        let field = format!("{owner}.routes[{i}]");
        let (route, at) = route(files, file, r, &field)?;
        match into.iter_mut().find(|(r, _)| r.kind == route.kind && r.name == route.name && r.via == route.via) {
            Some((_, earlier)) if earlier.file == file => {
                let message = format!(
                    "a {} route to `{}` via {} is given twice in this file.",
                    route.kind.as_str(),
                    route.name,
                    route.via
                );
                return Err(files.fail(at, field, message));
            }
            Some(slot) => *slot = (route, at),
            None => into.push((route, at)),
        }
    }
    Ok(())
}

fn merge_pointers(
    files: &Files<'_>,
    file: usize,
    raw: IndexMap<Spanned<String>, RawPointer>,
    into: &mut IndexMap<String, PointerDraft>,
) -> Result<()> {
    for (id, p) in raw {
        check_id(files, &id, file, "pointers")?;
        let at = At { file, offset: id.span().start };
        let owner = format!("pointers.{}", id.get_ref());
        let draft = into.entry(id.into_inner()).or_default();
        draft.at.get_or_insert(at);
        if let Some(v) = p.name {
            draft.name = Some(set(v, file));
        }
        if let Some(v) = p.description {
            draft.description = Some(set(v, file));
        }
        merge_routes(files, file, p.routes, &owner, &mut draft.routes)?;
    }
    Ok(())
}

/// Every route's name, and every language a target route is called from,
/// must be in the vocabulary.
fn check_route_names(files: &Files<'_>, routes: &[(Route, At)], names: &[Name], owner: &str) -> Result<()> {
    for (i, (r, at)) in routes.iter().enumerate() {
        for language in &r.called_from {
            if !names.iter().any(|n| n.kind == RouteKind::Language && n.id == *language) {
                let known: Vec<&str> =
                    names.iter().filter(|n| n.kind == RouteKind::Language).map(|n| n.id.as_str()).collect();
                return Err(Diagnostic::new(
                    files.at(*at),
                    format!("`{language}` is not a language the knowledge base knows."),
                )
                .field(format!("{owner}.routes[{i}].languages"))
                .hint(Some(unknown_hint(language, &known)))
                .into());
            }
        }
        if names.iter().any(|n| n.kind == r.kind && n.id == r.name) {
            continue;
        }
        let known: Vec<&str> = names.iter().filter(|n| n.kind == r.kind).map(|n| n.id.as_str()).collect();
        let message = format!("`{}` is not a {} the knowledge base knows.", r.name, r.kind.as_str());
        let hint = format!("{} Add it under [{}] first.", unknown_hint(&r.name, &known), r.kind.table());
        return Err(Diagnostic::new(files.at(*at), message)
            .field(format!("{owner}.routes[{i}].name"))
            .hint(Some(hint))
            .into());
    }
    Ok(())
}

fn finish_pointer(files: &Files<'_>, id: &str, p: PointerDraft, names: &[Name]) -> Result<Pointer> {
    let field = |key: &str| format!("pointers.{id}.{key}");
    let name = required(files, p.name, p.at, field("name"))?;
    not_blank(files, &name, &field("name"))?;
    let description = required(files, p.description, p.at, field("description"))?;
    not_blank(files, &description, &field("description"))?;
    if p.routes.is_empty() {
        let location = p.at.map_or_else(|| files.whole(0), |at| files.at(at));
        let message = format!("pointer `{id}` names no route; a pointer is found by its routes.");
        return Err(Diagnostic::new(location, message).field(field("routes")).into());
    }
    check_route_names(files, &p.routes, names, &format!("pointers.{id}"))?;
    Ok(Pointer {
        id: id.to_string(),
        name: name.value,
        description: description.value,
        routes: p.routes.into_iter().map(|(r, _)| r).collect(),
        origin: p.at.map_or(0, |a| a.file),
    })
}

/// A required field, or an error at the table that lacks it.
fn required<T>(files: &Files<'_>, value: Option<Set<T>>, table_at: Option<At>, field: String) -> Result<Set<T>> {
    value.ok_or_else(|| {
        let location = table_at.map_or_else(|| files.whole(0), |at| files.at(at));
        let key = field.rsplit('.').next().unwrap_or(&field).to_string();
        Diagnostic::new(location, format!("`{key}` is missing."))
            .field(field)
            .hint(Some("Every field is required; see the knowledge base section of the README.".to_string()))
            .into()
    })
}

/// Text a reader will see must say something.
fn not_blank(files: &Files<'_>, value: &Set<String>, field: &str) -> Result<()> {
    if value.value.trim().is_empty() {
        return Err(files.fail(value.at, field.to_string(), "it is empty.".to_string()));
    }
    Ok(())
}

fn finish_criteria(
    files: &Files<'_>,
    drafts: IndexMap<String, CriterionDraft>,
    names: &[Name],
) -> Result<Vec<Criterion>> {
    if drafts.is_empty() {
        return Err(Diagnostic::new(files.whole(0), "the knowledge base defines no criteria.")
            .field("criteria")
            .into());
    }
    let mut out = Vec::with_capacity(drafts.len());
    for (id, c) in drafts {
        let field = |key: &str| format!("criteria.{id}.{key}");
        let name = required(files, c.name, c.at, field("name"))?;
        not_blank(files, &name, &field("name"))?;
        let description = required(files, c.description, c.at, field("description"))?;
        let question = required(files, c.question, c.at, field("question"))?;
        not_blank(files, &question, &field("question"))?;
        let (weight, weight_origin) = match c.weight {
            Some(w) => {
                let (low, high) = WEIGHT_RANGE;
                if !(w.value.is_finite() && w.value > low && w.value <= high) {
                    return Err(files.fail(
                        w.at,
                        field("weight"),
                        format!(
                            "weight {} is out of range; a weight must be a number above {low} and at most {high}.",
                            crate::sanitize::number(w.value)
                        ),
                    ));
                }
                (w.value, w.at.file)
            }
            None => (1.0, c.at.map_or(0, |a| a.file)),
        };
        let routes = match (c.route_kind, c.route_names) {
            (None, None) => None,
            (None, Some(n)) => {
                let message = "`route_names` needs the `route_kind` they belong to.".to_string();
                return Err(files.fail(n.at, field("route_names"), message));
            }
            (Some(kind), route_names) => {
                let kind = kind.value;
                let mut ids = Vec::new();
                for written in route_names.iter().flat_map(|n| &n.value) {
                    let id = normalise_name(written);
                    if !names.iter().any(|n| n.kind == kind && n.id == id) {
                        let known: Vec<&str> = names.iter().filter(|n| n.kind == kind).map(|n| n.id.as_str()).collect();
                        let at = route_names.as_ref().map_or(At { file: 0, offset: 0 }, |n| n.at);
                        return Err(Diagnostic::new(
                            files.at(at),
                            format!("`{written}` is not a {} the knowledge base knows.", kind.as_str()),
                        )
                        .field(field("route_names"))
                        .hint(Some(unknown_hint(&id, &known)))
                        .into());
                    }
                    ids.push(id);
                }
                Some(RouteLink { kind, names: ids })
            }
        };
        out.push(Criterion {
            id,
            name: name.value,
            description: description.value,
            question: question.value,
            weight,
            weight_origin,
            routes,
        });
    }
    Ok(out)
}

/// The languages a framework is used from (its plain list and the
/// languages of routes that meet a requirement), and the plain list alone.
fn languages(
    files: &Files<'_>,
    id: &str,
    at: Option<At>,
    plain: Option<&Set<Vec<String>>>,
    routes: &[Route],
    status: Status,
) -> Result<(Vec<String>, Vec<String>)> {
    let field = |key: &str| format!("frameworks.{id}.{key}");
    if plain.is_none() && !routes.iter().any(|r| r.kind == RouteKind::Language) {
        let location = at.map_or_else(|| files.whole(0), |at| files.at(at));
        return Err(Diagnostic::new(location, format!("framework `{id}` names no language it can be used from."))
            .field(field("routes"))
            .hint(Some(
                "Give its language routes, e.g. routes = [{ kind = \"language\", name = \"python\", via = \"…\", \
                 official = true, status = \"active\", note = \"…\", basis = \"outside\", source = \"…, 2026\" }], \
                 or a plain list: languages = [\"Python\"]."
                    .to_string(),
            ))
            .into());
    }
    let mut listed = BTreeSet::new();
    for language in plain.iter().flat_map(|l| &l.value) {
        let key = normalise_name(language);
        if key.is_empty() {
            let at = plain.map_or(At { file: 0, offset: 0 }, |l| l.at);
            return Err(files.fail(at, field("languages"), "a language name is empty.".to_string()));
        }
        listed.insert(key);
    }
    let mut all = listed.clone();
    all.extend(routes.iter().filter(|r| r.kind == RouteKind::Language && r.meets(status)).map(|r| r.name.clone()));
    Ok((all.into_iter().collect(), listed.into_iter().collect()))
}

fn finish_framework(
    files: &Files<'_>,
    id: &str,
    f: FrameworkDraft,
    criteria: &[Criterion],
    names: &[Name],
) -> Result<Framework> {
    let field = |key: &str| format!("frameworks.{id}.{key}");
    let origin = f.at.map_or(0, |a| a.file);
    let name = required(files, f.name, f.at, field("name"))?;
    not_blank(files, &name, &field("name"))?;
    let backer = required(files, f.backer, f.at, field("backer"))?;
    let deep_learning = required(files, f.deep_learning, f.at, field("deep_learning"))?;
    let status = required(files, f.status, f.at, field("status"))?;
    let status_note = required(files, f.status_note, f.at, field("status_note"))?;

    check_route_names(files, &f.routes, names, &format!("frameworks.{id}"))?;
    let routes: Vec<Route> = f.routes.into_iter().map(|(r, _)| r).collect();
    let (languages, listed) = languages(files, id, f.at, f.languages.as_ref(), &routes, status.value)?;
    if let Some(since) = &f.since {
        if !(1950..=2100).contains(&since.value) {
            let message = format!("year {} is out of range; `since` is the year the status took effect.", since.value);
            return Err(files.fail(since.at, field("since"), message));
        }
    }

    let criterion_ids: Vec<&str> = criteria.iter().map(|c| c.id.as_str()).collect();
    let mut attributes: Vec<Option<Attribute>> = vec![None; criteria.len()];
    for (cid, a) in f.attributes {
        let attr_field = |key: &str| format!("frameworks.{id}.attributes.{cid}{key}");
        let Some(index) = criterion_ids.iter().position(|c| *c == cid) else {
            let at = a.at.unwrap_or(At { file: 0, offset: 0 });
            return Err(Diagnostic::new(files.at(at), format!("`{cid}` is not a criterion."))
                .field(attr_field(""))
                .hint(Some(unknown_hint(&cid, &criterion_ids)))
                .into());
        };
        let score = required(files, a.score, a.at, attr_field(".score"))?;
        if !score.value.is_finite() || !(0.0..=SCALE_MAX).contains(&score.value) {
            return Err(files.fail(
                score.at,
                attr_field(".score"),
                format!("score {} is out of range; scores run from 0 to 5.", crate::sanitize::number(score.value)),
            ));
        }
        let evidence = required(files, a.evidence, a.at, attr_field(".evidence"))?;
        not_blank(files, &evidence, &attr_field(".evidence"))?;
        let basis = required(files, a.basis, a.at, attr_field(".basis")).map_err(|e| match e {
            crate::Error::Invalid(d) => crate::Error::Invalid(Box::new(d.hint(Some(
                "Say how the score is known: basis = \"article\" (the cited section states it), \"inferred\" (a judgement from the passage named in `source`) or \"outside\" (a dated outside source).".to_string(),
            )))),
            other => other,
        })?;
        let source = required(files, a.source, a.at, attr_field(".source"))?;
        not_blank(files, &source, &attr_field(".source"))?;
        attributes[index] = Some(Attribute {
            score: score.value,
            evidence: evidence.value,
            basis: basis.value,
            source: source.value,
            origin: score.at.file,
        });
    }
    let missing: Vec<&str> =
        attributes.iter().zip(&criterion_ids).filter(|(a, _)| a.is_none()).map(|(_, c)| *c).collect();
    if !missing.is_empty() {
        let location = f.at.map_or_else(|| files.whole(0), |at| files.at(at));
        return Err(Diagnostic::new(
            location,
            format!(
                "framework `{id}` does not score {}; every framework must score every criterion.",
                quoted(&missing)
            ),
        )
        .field(field("attributes"))
        .into());
    }
    Ok(Framework {
        id: id.to_string(),
        name: name.value,
        backer: backer.value,
        languages,
        listed,
        routes,
        article: f.article.is_some_and(|a| a.value),
        deep_learning: deep_learning.value,
        status: status.value,
        status_note: status_note.value,
        since: f.since.map(|s| s.value),
        attributes: attributes.into_iter().flatten().collect(),
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    const SMALL: &str = r#"
[about]
title = "T"
cited_as = "the text"

[criteria.speed]
name = "Speed"
description = "d"
question = "q?"

[criteria.ease]
name = "Ease"
description = "d"
question = "q?"
weight = 2.0

[frameworks.b]
name = "B"
backer = "x"
languages = ["Python", "R"]
deep_learning = true
status = "active"
status_note = "n"
[frameworks.b.attributes.speed]
score = 4
evidence = "e"
basis = "article"
source = "s"
[frameworks.b.attributes.ease]
score = 2.5
evidence = "e"
basis = "inferred"
source = "s"

[frameworks.a]
name = "A"
backer = "x"
languages = ["python"]
deep_learning = true
status = "discontinued"
status_note = "gone"
[frameworks.a.attributes.speed]
score = 1
evidence = "e"
basis = "outside"
source = "s, 2020"
[frameworks.a.attributes.ease]
score = 5
evidence = "e"
basis = "article"
source = "s"
"#;

    fn diagnostic(src: &str) -> Diagnostic {
        match Catalog::parse(src, "w.toml") {
            Err(Error::Invalid(d)) => *d,
            other => panic!("expected a diagnostic, got {other:?}"),
        }
    }

    fn layered(layer: &str) -> Result<Catalog> {
        Catalog::load(&Input::new(SMALL, "w.toml"), &[Input::new(layer, "layer.toml")])
    }

    fn layer_diagnostic(layer: &str) -> Diagnostic {
        match layered(layer) {
            Err(Error::Invalid(d)) => *d,
            other => panic!("expected a diagnostic, got {other:?}"),
        }
    }

    #[test]
    fn frameworks_are_sorted_criteria_keep_file_order_and_defaults_apply() {
        let c = Catalog::parse(SMALL, "w.toml").unwrap();
        assert_eq!(c.framework_ids(), ["a", "b"]);
        assert_eq!(c.criterion_ids(), ["speed", "ease"]);
        assert!((c.criteria[0].weight - 1.0).abs() < f64::EPSILON);
        assert_eq!(c.frameworks[1].languages, ["python", "r"]);
        assert_eq!(c.language_name("r"), "R");
        assert_eq!(c.language_name("python"), "Python", "the first spelling seen wins");
        assert!((c.frameworks[1].attributes[1].score - 2.5).abs() < f64::EPSILON);
        assert_eq!(c.about.cited_as, "the text");
        assert_eq!(c.basis_tally(), [2, 1, 1]);
        // The hash is of the bytes: independent of parsing.
        assert_eq!(c.files[0].sha256.len(), 64);
        assert_eq!(
            crate::build_info::sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_score_out_of_range_is_located() {
        let d = diagnostic(&SMALL.replace("score = 2.5", "score = 7"));
        assert_eq!(d.field.as_deref(), Some("frameworks.b.attributes.ease.score"));
        assert_eq!(d.location.line, Some(30));
        assert!(d.message.contains("out of range"));
    }

    #[test]
    fn weights_must_be_finite_positive_and_bounded() {
        let d = diagnostic(&SMALL.replace("score = 2.5", "score = nan"));
        assert!(d.message.contains("out of range"), "{d}");
        for bad in ["-1.0", "inf", "nan", "0", "0.0", "1e308", "100.5"] {
            let d = diagnostic(&SMALL.replace("weight = 2.0", &format!("weight = {bad}")));
            assert_eq!(d.field.as_deref(), Some("criteria.ease.weight"), "{bad}");
            assert!(d.message.contains("out of range"), "{bad}: {d}");
        }
        assert!(Catalog::parse(&SMALL.replace("weight = 2.0", "weight = 100"), "w.toml").is_ok());
        assert!(Catalog::parse(&SMALL.replace("weight = 2.0", "weight = 1e-9"), "w.toml").is_ok());
    }

    #[test]
    fn a_missing_attribute_or_basis_is_named() {
        let src = SMALL.replace(
            "[frameworks.a.attributes.speed]\nscore = 1\nevidence = \"e\"\nbasis = \"outside\"\nsource = \"s, 2020\"\n",
            "",
        );
        let d = diagnostic(&src);
        assert!(d.message.contains("does not score `speed`"), "{d}");
        let d = diagnostic(&SMALL.replace("basis = \"inferred\"\n", ""));
        assert_eq!(d.field.as_deref(), Some("frameworks.b.attributes.ease.basis"));
        assert!(d.hint.unwrap().contains("\"outside\""));
        let d = diagnostic(&SMALL.replace("basis = \"inferred\"", "basis = \"guess\""));
        assert!(d.message.contains("unknown variant"), "{d}");
    }

    #[test]
    fn unknown_attribute_and_key_get_hints() {
        let d = diagnostic(&SMALL.replace("[frameworks.a.attributes.speed]", "[frameworks.a.attributes.sped]"));
        assert!(d.hint.as_deref().unwrap().starts_with("Did you mean `speed`?"), "{d}");
        let d = diagnostic(
            &SMALL.replace("backer = \"x\"\nlanguages = [\"python\"]", "backr = \"x\"\nlanguages = [\"python\"]"),
        );
        assert_eq!(d.hint.as_deref(), Some("Did you mean `backer`?"), "{d}");
        let d = diagnostic(&SMALL.replace("status = \"active\"", "status = \"activ\""));
        assert_eq!(d.hint.as_deref(), Some("Did you mean `active`?"), "{d}");
    }

    #[test]
    fn a_layer_adds_a_framework_and_overrides_single_fields() {
        let layer = r#"
[criteria.ease]
weight = 3.0

[frameworks.a.attributes.speed]
score = 2
evidence = "better now"
basis = "outside"
source = "release notes, 2026"

[frameworks.c]
name = "C"
backer = "y"
languages = ["julia"]
deep_learning = true
status = "active"
status_note = "new"
[frameworks.c.attributes.speed]
score = 3
evidence = "e"
basis = "outside"
source = "docs, 2026"
[frameworks.c.attributes.ease]
score = 3
evidence = "e"
basis = "outside"
source = "docs, 2026"
"#;
        let c = layered(layer).unwrap();
        assert_eq!(c.framework_ids(), ["a", "b", "c"]);
        assert!((c.criteria[1].weight - 3.0).abs() < f64::EPSILON);
        assert_eq!(c.criteria[1].weight_origin, 1);
        let a = &c.frameworks[0];
        assert!((a.attributes[0].score - 2.0).abs() < f64::EPSILON);
        assert_eq!(a.attributes[0].origin, 1);
        assert_eq!(a.attributes[1].origin, 0, "untouched values stay the base's");
        assert_eq!(c.layer_of(a.attributes[0].origin), Some("layer.toml"));
        assert_eq!(c.layer_of(a.attributes[1].origin), None);
        assert_eq!(c.frameworks[2].origin, 1);
        assert_eq!(c.files.len(), 2);
        assert!(c.files[1].layer);
    }

    #[test]
    fn a_bad_layer_is_named_in_its_error() {
        let d = layer_diagnostic(
            "[frameworks.a.attributes.speed]\nscore = 9\nevidence = \"e\"\nbasis = \"outside\"\nsource = \"s\"\n",
        );
        assert_eq!(d.location.file, "layer.toml");
        assert_eq!(d.location.line, Some(2));
        let d = layer_diagnostic("[frameworks.a.attributes.speed]\nscore = 2\n");
        assert_eq!(d.location.file, "layer.toml");
        assert!(d.message.contains("evidence"), "{d}");
        let d = layer_diagnostic("[frameworks.c]\nname = \"C\"\n");
        assert_eq!(d.location.file, "layer.toml");
        assert!(d.message.contains("`backer` is missing"), "{d}");
        let d = layer_diagnostic("[frameworks.a]\nstatus = \"active\"\n");
        assert!(d.message.contains("status_note"), "{d}");
        let d = layer_diagnostic("[criteria.ease]\nweigth = 2\n");
        assert_eq!(d.location.file, "layer.toml");
        assert_eq!(d.hint.as_deref(), Some("Did you mean `weight`?"));
    }
}

#[cfg(test)]
mod route_tests {
    use super::*;
    use crate::error::Error;

    /// Two frameworks reached by routes, a vocabulary with aliases, a
    /// criterion that routes decide, and a pointer.
    const ROUTED: &str = r#"
[languages.python]
name = "Python"
[languages.r]
name = "R"
[languages."c#"]
name = "C#"
aliases = ["csharp", "dotnet"]
[targets.browser]
name = "web browsers"
aliases = ["web"]
[languages.julia]
name = "Julia"

[criteria.speed]
name = "Speed"
description = "d"
question = "q?"
[criteria.langs]
name = "Languages"
description = "d"
question = "q?"
route_kind = "language"

[frameworks.a]
name = "A"
backer = "x"
deep_learning = true
status = "active"
status_note = "n"
article = true
routes = [
  { kind = "language", name = "python", via = "a", official = true, status = "active", note = "n, 2026", basis = "article", source = "3.1 A" },
  { kind = "language", name = "r", via = "a4r", official = false, status = "maintenance", note = "n, 2026", basis = "outside", source = "docs, 2026" },
  { kind = "language", name = "r", via = "better-r", official = false, status = "active", note = "n, 2026", basis = "outside", source = "docs, 2026", score = 4.5 },
  { kind = "target", name = "browser", via = "a.js", official = true, status = "discontinued", note = "n, 2024", basis = "outside", source = "docs, 2024" },
]
[frameworks.a.attributes.speed]
score = 4
evidence = "e"
basis = "article"
source = "s"
[frameworks.a.attributes.langs]
score = 3
evidence = "e"
basis = "article"
source = "s"

[frameworks.b]
name = "B"
backer = "x"
languages = ["Python", "Go"]
deep_learning = true
status = "discontinued"
status_note = "gone"
routes = [
  { kind = "target", name = "browser", via = "b.js", official = true, status = "discontinued", note = "n, 2019", basis = "outside", source = "docs, 2019" },
]
[frameworks.b.attributes.speed]
score = 1
evidence = "e"
basis = "article"
source = "s"
[frameworks.b.attributes.langs]
score = 2
evidence = "e"
basis = "article"
source = "s"

[pointers.flux]
name = "Flux.jl"
description = "Julia's own deep-learning library."
routes = [
  { kind = "language", name = "julia", via = "Flux.jl", official = true, status = "active", note = "n, 2026", basis = "outside", source = "docs, 2026" },
]
"#;

    fn diagnostic(src: &str) -> crate::error::Diagnostic {
        match Catalog::parse(src, "w.toml") {
            Err(Error::Invalid(d)) => *d,
            other => panic!("expected a diagnostic, got {other:?}"),
        }
    }

    #[test]
    fn routes_names_and_pointers_load() {
        let c = Catalog::parse(ROUTED, "w.toml").unwrap();
        let (a, b) = (&c.frameworks[0], &c.frameworks[1]);
        assert!(a.article && !b.article);
        assert_eq!(a.languages, ["python", "r"], "languages come from routes");
        assert_eq!(b.languages, ["go", "python"], "or from the plain list");
        assert_eq!(c.language_name("go"), "Go", "a listed language is known by its spelling");
        assert_eq!(c.language_name("c#"), "C#");
        assert_eq!(c.name_of(RouteKind::Target, "browser"), "web browsers");
        // The better of two R routes is the one that counts.
        let Some(crate::catalog::Reach::Route(r)) = a.reach(RouteKind::Language, "r") else { panic!() };
        assert_eq!(r.via, "better-r");
        assert!((r.quality - 4.5).abs() < f64::EPSILON);
        // A discontinued route of a maintained framework reaches nothing;
        // a retired framework is judged as it stood.
        assert!(a.reach(RouteKind::Target, "browser").is_none());
        assert!(b.reach(RouteKind::Target, "browser").is_some());
        assert_eq!(b.reach(RouteKind::Language, "go"), Some(crate::catalog::Reach::Listed));
        assert_eq!(c.criteria[1].routes.as_ref().map(|l| l.kind), Some(RouteKind::Language));
        assert_eq!(c.pointers.len(), 1);
        assert_eq!(c.pointers[0].routes[0].name, "julia");
        assert_eq!(c.lookup(RouteKind::Language, "dotnet"), crate::catalog::Lookup::Known("c#".into()));
    }

    #[test]
    fn a_route_without_its_basis_or_source_is_refused() {
        let d =
            diagnostic(&ROUTED.replace(r#", basis = "outside", source = "docs, 2026", score = 4.5"#, ", score = 4.5"));
        assert_eq!(d.field.as_deref(), Some("frameworks.a.routes[2].basis"), "{d}");
        assert_eq!(d.location.line, Some(35));
        assert!(d.hint.unwrap().contains("outside"));
        let d = diagnostic(&ROUTED.replace(r#", source = "docs, 2026", score = 4.5"#, ", score = 4.5"));
        assert_eq!(d.field.as_deref(), Some("frameworks.a.routes[2].source"), "{d}");
        let d = diagnostic(&ROUTED.replace("score = 4.5", "score = nan"));
        assert!(d.message.contains("out of range"), "{d}");
        let d = diagnostic(&ROUTED.replace(r#"via = "a4r", official = false"#, r#"via = "a4r", oficial = false"#));
        assert_eq!(d.hint.as_deref(), Some("Did you mean `official`?"), "{d}");
    }

    #[test]
    fn an_unknown_route_name_gets_a_hint() {
        let d = diagnostic(&ROUTED.replace(r#"name = "r", via = "a4r""#, r#"name = "rr", via = "a4r""#));
        assert_eq!(d.field.as_deref(), Some("frameworks.a.routes[1].name"), "{d}");
        assert!(d.hint.as_deref().unwrap().contains("[languages]"), "{d}");
        let d = diagnostic(
            &ROUTED
                .replace(r#"aliases = ["web"]"#, r#"aliases = ["dotnet"]"#)
                .replace("[languages.julia]", "[targets.dotnet]\nname = \"x\"\n[languages.julia]"),
        );
        assert!(d.message.contains("already means"), "{d}");
        let d = diagnostic(
            &ROUTED.replace(r#"route_kind = "language""#, "route_kind = \"language\"\nroute_names = [\"cobol\"]"),
        );
        assert_eq!(d.field.as_deref(), Some("criteria.langs.route_names"), "{d}");
        let d = diagnostic(&ROUTED.replace("[languages.r]", "[languages.R]"));
        assert!(d.message.contains("not a valid name id"), "{d}");
    }

    #[test]
    fn a_layer_adds_and_replaces_routes() {
        let layer = r#"
[frameworks.a]
routes = [
  { kind = "language", name = "c#", via = "ASharp", official = false, status = "active", note = "n, 2026", basis = "outside", source = "docs, 2026" },
  { kind = "language", name = "r", via = "a4r", official = false, status = "discontinued", note = "n, 2026", basis = "outside", source = "docs, 2026" },
]
"#;
        let c = Catalog::load(&Input::new(ROUTED, "w.toml"), &[Input::new(layer, "layer.toml")]).unwrap();
        let a = &c.frameworks[0];
        assert_eq!(a.routes.len(), 5);
        assert_eq!(a.languages, ["c#", "python", "r"]);
        let a4r = a.routes.iter().find(|r| r.via == "a4r").unwrap();
        assert_eq!((a4r.status, a4r.origin), (Status::Discontinued, 1));
        let twice = "[frameworks.a]\nroutes = [\n  { kind = \"language\", name = \"r\", via = \"x\", official = false, status = \"active\", note = \"n\", basis = \"outside\", source = \"s\" },\n  { kind = \"language\", name = \"r\", via = \"x\", official = false, status = \"active\", note = \"n\", basis = \"outside\", source = \"s\" },\n]\n";
        match Catalog::load(&Input::new(ROUTED, "w.toml"), &[Input::new(twice, "layer.toml")]) {
            Err(Error::Invalid(d)) => {
                assert_eq!(d.location.file, "layer.toml");
                assert!(d.message.contains("twice"), "{d}");
            }
            other => panic!("expected a diagnostic, got {other:?}"),
        }
    }
}
