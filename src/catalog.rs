//! The knowledge base: criteria and the frameworks scored against them.
//!
//! It lives in `weights.toml`, which is compiled into the binary so dlpick
//! works from any folder; `--weights FILE` replaces it. Everything is checked
//! on load, so the scoring code can trust what it is given: every framework
//! scores every criterion, scores lie in 0–5 and weights are finite and ≥ 0.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Diagnostic, Location, Result, unknown_hint};
use crate::input;

/// The knowledge base shipped with dlpick.
pub const BUILTIN_WEIGHTS: &str = include_str!("../weights.toml");
/// How the built-in knowledge base is named in messages.
pub const BUILTIN_NAME: &str = "<built-in weights.toml>";

/// The highest score (and need) on dlpick's scales.
pub const SCALE_MAX: f64 = 5.0;

/// Something a team may need from a framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    pub description: String,
    /// What the questionnaire asks about it.
    pub question: String,
    /// Global multiplier applied to every profile's need (≥ 0).
    pub weight: f64,
}

/// How alive a framework's project is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Maintenance,
    Discontinued,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Maintenance => "maintenance",
            Self::Discontinued => "discontinued",
        }
    }

    /// How the status reads in a sentence: "MXNet is discontinued".
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Active => "actively developed",
            Self::Maintenance => "in maintenance mode",
            Self::Discontinued => "discontinued",
        }
    }
}

/// One framework's rating on one criterion, with the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    /// 0–5.
    pub score: f64,
    /// A one-line paraphrase of what the article says.
    pub evidence: String,
    /// The article section, or `outside the article: …`.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub backer: String,
    /// API languages, lower case, sorted.
    pub languages: Vec<String>,
    pub deep_learning: bool,
    pub status: Status,
    pub status_note: String,
    /// One per criterion, in the catalog's criterion order.
    #[serde(skip)]
    pub attributes: Vec<Attribute>,
}

/// Criteria (in file order, which is the questionnaire's order) and
/// frameworks (sorted by id, so their order in the file never matters).
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub criteria: Vec<Criterion>,
    pub frameworks: Vec<Framework>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    criteria: IndexMap<Spanned<String>, RawCriterion>,
    frameworks: IndexMap<Spanned<String>, RawFramework>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    name: String,
    description: String,
    question: String,
    #[serde(default = "default_weight")]
    weight: Spanned<f64>,
}

fn default_weight() -> Spanned<f64> {
    Spanned::new(0..0, 1.0)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    name: String,
    backer: String,
    languages: Vec<String>,
    deep_learning: bool,
    status: Status,
    status_note: String,
    attributes: IndexMap<Spanned<String>, RawAttribute>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttribute {
    score: Spanned<f64>,
    evidence: String,
    source: String,
}

/// Ids appear in CSV headers, flags and TOML keys: keep them plain.
pub(crate) fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Catalog {
    /// The knowledge base compiled into dlpick.
    pub fn builtin() -> Result<Self> {
        Self::parse(BUILTIN_WEIGHTS, BUILTIN_NAME)
    }

    /// Parse and validate a knowledge base; `file` names it in errors.
    pub fn parse(source: &str, file: &str) -> Result<Self> {
        let raw: RawCatalog = input::parse(source, file)?;
        let at = |offset: usize| Location::at(file, source, offset);

        if raw.criteria.is_empty() {
            return Err(Diagnostic::new(Location::file(file), "the knowledge base defines no criteria.")
                .field("criteria")
                .into());
        }
        let mut criteria = Vec::with_capacity(raw.criteria.len());
        for (id, c) in raw.criteria {
            let key = id.get_ref();
            check_id(key, "criteria", id.span().start, &at)?;
            let weight = *c.weight.get_ref();
            if !weight.is_finite() || weight < 0.0 {
                let location =
                    if c.weight.span().is_empty() { Location::file(file) } else { at(c.weight.span().start) };
                return Err(Diagnostic::new(location, format!("weight {weight} must be a finite number ≥ 0."))
                    .field(format!("criteria.{key}.weight"))
                    .into());
            }
            criteria.push(Criterion {
                id: id.into_inner(),
                name: c.name,
                description: c.description,
                question: c.question,
                weight,
            });
        }
        let criterion_ids: Vec<&str> = criteria.iter().map(|c| c.id.as_str()).collect();

        if raw.frameworks.is_empty() {
            return Err(Diagnostic::new(Location::file(file), "the knowledge base defines no frameworks.")
                .field("frameworks")
                .into());
        }
        let mut frameworks = Vec::with_capacity(raw.frameworks.len());
        for (id, f) in raw.frameworks {
            let fid = id.get_ref().clone();
            check_id(&fid, "frameworks", id.span().start, &at)?;
            let mut attributes: Vec<Option<Attribute>> = vec![None; criteria.len()];
            for (cid, a) in f.attributes {
                let field = format!("frameworks.{fid}.attributes.{}", cid.get_ref());
                let Some(index) = criterion_ids.iter().position(|c| c == cid.get_ref()) else {
                    return Err(Diagnostic::new(
                        at(cid.span().start),
                        format!("`{}` is not a criterion.", cid.get_ref()),
                    )
                    .field(field)
                    .hint(Some(unknown_hint(cid.get_ref(), &criterion_ids)))
                    .into());
                };
                let score = *a.score.get_ref();
                if !score.is_finite() || !(0.0..=SCALE_MAX).contains(&score) {
                    return Err(Diagnostic::new(
                        at(a.score.span().start),
                        format!("score {score} is out of range; scores run from 0 to 5."),
                    )
                    .field(format!("{field}.score"))
                    .into());
                }
                attributes[index] = Some(Attribute { score, evidence: a.evidence, source: a.source });
            }
            let missing: Vec<&str> =
                attributes.iter().zip(&criterion_ids).filter(|(a, _)| a.is_none()).map(|(_, c)| *c).collect();
            if !missing.is_empty() {
                return Err(Diagnostic::new(
                    at(id.span().start),
                    format!(
                        "framework `{fid}` does not score {}; every framework must score every criterion.",
                        quoted(&missing)
                    ),
                )
                .field(format!("frameworks.{fid}.attributes"))
                .into());
            }
            let languages: BTreeSet<String> = f.languages.iter().map(|l| l.trim().to_lowercase()).collect();
            if languages.iter().any(String::is_empty) {
                return Err(Diagnostic::new(at(id.span().start), "a language name is empty.")
                    .field(format!("frameworks.{fid}.languages"))
                    .into());
            }
            frameworks.push(Framework {
                id: fid,
                name: f.name,
                backer: f.backer,
                languages: languages.into_iter().collect(),
                deep_learning: f.deep_learning,
                status: f.status,
                status_note: f.status_note,
                attributes: attributes.into_iter().flatten().collect(),
            });
        }
        frameworks.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Self { criteria, frameworks })
    }

    pub fn criterion_index(&self, id: &str) -> Option<usize> {
        self.criteria.iter().position(|c| c.id == id)
    }

    pub fn framework_index(&self, id: &str) -> Option<usize> {
        self.frameworks.iter().position(|f| f.id == id)
    }

    pub fn criterion_ids(&self) -> Vec<&str> {
        self.criteria.iter().map(|c| c.id.as_str()).collect()
    }

    pub fn framework_ids(&self) -> Vec<&str> {
        self.frameworks.iter().map(|f| f.id.as_str()).collect()
    }

    /// Every API language some framework offers, sorted.
    pub fn languages(&self) -> Vec<&str> {
        let all: BTreeSet<&str> = self.frameworks.iter().flat_map(|f| f.languages.iter().map(String::as_str)).collect();
        all.into_iter().collect()
    }
}

fn check_id(id: &str, table: &str, offset: usize, at: &dyn Fn(usize) -> Location) -> Result<()> {
    if is_valid_id(id) {
        Ok(())
    } else {
        Err(Diagnostic::new(
            at(offset),
            format!("`{id}` is not a valid id; use lower-case letters, digits and `_`, starting with a letter."),
        )
        .field(format!("{table}.{id}"))
        .into())
    }
}

pub(crate) fn quoted(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    const SMALL: &str = r#"
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
languages = ["Python", "r"]
deep_learning = true
status = "active"
status_note = ""
[frameworks.b.attributes.speed]
score = 4
evidence = "e"
source = "s"
[frameworks.b.attributes.ease]
score = 2.5
evidence = "e"
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
source = "s"
[frameworks.a.attributes.ease]
score = 5
evidence = "e"
source = "s"
"#;

    fn diagnostic(src: &str) -> Diagnostic {
        match Catalog::parse(src, "w.toml") {
            Err(Error::Invalid(d)) => *d,
            other => panic!("expected a diagnostic, got {other:?}"),
        }
    }

    #[test]
    fn the_builtin_knowledge_base_is_valid_and_complete() {
        let catalog = Catalog::builtin().unwrap();
        for id in
            ["debuggability", "distributed_training", "beginner_friendliness", "multi_language", "mobile_deployment"]
        {
            assert!(catalog.criterion_index(id).is_some(), "missing criterion {id}");
        }
        assert_eq!(
            catalog.framework_ids(),
            ["caffe2", "cntk", "keras", "mxnet", "pytorch", "scikit_learn", "tensorflow", "theano"]
        );
        let sklearn = &catalog.frameworks[catalog.framework_index("scikit_learn").unwrap()];
        assert!(!sklearn.deep_learning);
        for id in ["theano", "caffe2", "mxnet"] {
            let f = &catalog.frameworks[catalog.framework_index(id).unwrap()];
            assert_eq!(f.status, Status::Discontinued, "{id}");
        }
    }

    #[test]
    fn frameworks_are_sorted_criteria_keep_file_order_and_defaults_apply() {
        let c = Catalog::parse(SMALL, "w.toml").unwrap();
        assert_eq!(c.framework_ids(), ["a", "b"]);
        assert_eq!(c.criterion_ids(), ["speed", "ease"]);
        assert!((c.criteria[0].weight - 1.0).abs() < f64::EPSILON);
        assert_eq!(c.frameworks[1].languages, ["python", "r"]);
        assert!((c.frameworks[1].attributes[1].score - 2.5).abs() < f64::EPSILON);
    }

    #[test]
    fn a_score_out_of_range_is_located() {
        let d = diagnostic(&SMALL.replace("score = 2.5", "score = 7"));
        assert_eq!(d.field.as_deref(), Some("frameworks.b.attributes.ease.score"));
        assert_eq!(d.location.line, Some(25));
        assert!(d.message.contains("out of range"));
    }

    #[test]
    fn nan_and_negative_weights_are_rejected() {
        let d = diagnostic(&SMALL.replace("score = 2.5", "score = nan"));
        assert!(d.message.contains("out of range"), "{d}");
        let d = diagnostic(&SMALL.replace("weight = 2.0", "weight = -1.0"));
        assert_eq!(d.field.as_deref(), Some("criteria.ease.weight"));
        let d = diagnostic(&SMALL.replace("weight = 2.0", "weight = inf"));
        assert_eq!(d.field.as_deref(), Some("criteria.ease.weight"));
    }

    #[test]
    fn a_missing_attribute_is_named() {
        let src = SMALL.replace("[frameworks.a.attributes.speed]\nscore = 1\nevidence = \"e\"\nsource = \"s\"\n", "");
        let d = diagnostic(&src);
        assert!(d.message.contains("does not score `speed`"), "{d}");
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
}
