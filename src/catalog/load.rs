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
    About, Attribute, BUILTIN_NAME, BUILTIN_WEIGHTS, Basis, Catalog, Criterion, Framework, SCALE_MAX, SourceFile,
    Status, WEIGHT_RANGE, is_valid_id, quoted,
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
        merge_criteria(&files, index, raw.criteria, &mut criteria)?;
        merge_frameworks(&files, index, raw.frameworks, &mut frameworks)?;
    }

    let criteria = finish_criteria(&files, criteria)?;
    let mut language_names = BTreeMap::new();
    let mut finished = Vec::with_capacity(frameworks.len());
    for (id, draft) in frameworks {
        finished.push(finish_framework(&files, &id, draft, &criteria, &mut language_names)?);
    }
    finished.sort_by(|a, b| a.id.cmp(&b.id));

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
    Ok(Catalog { about, criteria, frameworks: finished, files: source_files, language_names })
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

fn finish_criteria(files: &Files<'_>, drafts: IndexMap<String, CriterionDraft>) -> Result<Vec<Criterion>> {
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
        out.push(Criterion {
            id,
            name: name.value,
            description: description.value,
            question: question.value,
            weight,
            weight_origin,
        });
    }
    Ok(out)
}

fn finish_framework(
    files: &Files<'_>,
    id: &str,
    f: FrameworkDraft,
    criteria: &[Criterion],
    language_names: &mut BTreeMap<String, String>,
) -> Result<Framework> {
    let field = |key: &str| format!("frameworks.{id}.{key}");
    let origin = f.at.map_or(0, |a| a.file);
    let name = required(files, f.name, f.at, field("name"))?;
    not_blank(files, &name, &field("name"))?;
    let backer = required(files, f.backer, f.at, field("backer"))?;
    let languages = required(files, f.languages, f.at, field("languages"))?;
    let deep_learning = required(files, f.deep_learning, f.at, field("deep_learning"))?;
    let status = required(files, f.status, f.at, field("status"))?;
    let status_note = required(files, f.status_note, f.at, field("status_note"))?;

    let mut keys = BTreeSet::new();
    for language in &languages.value {
        let written = language.trim();
        if written.is_empty() {
            return Err(files.fail(languages.at, field("languages"), "a language name is empty.".to_string()));
        }
        let key = written.to_lowercase();
        language_names.entry(key.clone()).or_insert_with(|| written.to_string());
        keys.insert(key);
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
        languages: keys.into_iter().collect(),
        deep_learning: deep_learning.value,
        status: status.value,
        status_note: status_note.value,
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
