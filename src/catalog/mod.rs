//! The knowledge base: criteria and the frameworks scored against them.
//!
//! A knowledge base is a base file (the built-in `weights.toml`, compiled
//! into the binary so dlpick works from any folder, or `--weights FILE`)
//! with any number of layers on top ([`load`]). Everything is checked once,
//! on the merged result, so the scoring code can trust what it is given:
//! every framework scores every criterion, scores lie in 0–5, weights are
//! finite and within [`WEIGHT_RANGE`], and every score says how it is known
//! ([`Basis`]) and which file it came from.

mod load;
mod route;

use serde::{Deserialize, Serialize};

pub use load::{Input, LAYER_LIMIT};
pub use route::{Lookup, Name, Pointer, Route, RouteKind, default_quality, lookup};

/// The knowledge base shipped with dlpick.
pub const BUILTIN_WEIGHTS: &str = include_str!("../../weights.toml");
/// How the built-in knowledge base is named in messages and reports.
pub(crate) const BUILTIN_NAME: &str = "built-in";

/// The highest score (and need) on dlpick's scales.
pub(crate) const SCALE_MAX: f64 = 5.0;

/// Global criterion weights must lie in this range (exclusive at 0): a
/// weight of 0 would silently stop a criterion from counting, and a huge one
/// would overflow the arithmetic.
pub(crate) const WEIGHT_RANGE: (f64, f64) = (0.0, 100.0);

/// What the knowledge base cites, and how its facts are dated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct About {
    /// The text that `basis = "article"` scores cite, when there is one.
    pub title: Option<String>,
    /// How explanations refer to it: "the article".
    pub cited_as: String,
    /// When it was written or last updated.
    pub date: Option<String>,
    /// When facts from outside it were last checked.
    pub checked: Option<String>,
}

impl Default for About {
    fn default() -> Self {
        Self { title: None, cited_as: "the source".to_string(), date: None, checked: None }
    }
}

/// Something a team may need from a framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    pub description: String,
    /// What the questionnaire asks about it.
    pub question: String,
    /// Global multiplier applied to every profile's need, in [`WEIGHT_RANGE`].
    pub weight: f64,
    /// Index in [`Catalog::files`] of the file that last set the weight.
    #[serde(skip)]
    pub weight_origin: usize,
    /// When a profile requires routes of this kind, the routes decide this
    /// criterion's score for that profile (see [`RouteLink`]).
    pub routes: Option<RouteLink>,
}

/// A criterion that routes decide: multi-language APIs are about the
/// languages a team needs, so a profile that requires C++ is not ranked on
/// Java bindings. When a profile requires some of `names` (every name of
/// `kind` when empty), a framework's score on the criterion is that of its
/// weakest required route, each required name served by its best route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteLink {
    pub kind: RouteKind,
    /// Ids of the vocabulary; empty means every name of `kind`.
    pub names: Vec<String>,
}

impl RouteLink {
    pub fn covers(&self, kind: RouteKind, name: &str) -> bool {
        self.kind == kind && (self.names.is_empty() || self.names.iter().any(|n| n == name))
    }
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
            Self::Maintenance => "in maintenance mode only",
            Self::Discontinued => "discontinued",
        }
    }

    /// Whether someone choosing today can adopt it: only `active` counts.
    pub fn is_maintained(self) -> bool {
        self == Self::Active
    }
}

/// How a score is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The cited section of the article states it.
    Article,
    /// A judgement drawn from what the article says elsewhere; the source
    /// names the passage it rests on.
    Inferred,
    /// A dated fact from outside the article, with its source.
    Outside,
}

impl Basis {
    pub const ALL: [Self; 3] = [Self::Article, Self::Inferred, Self::Outside];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Inferred => "inferred",
            Self::Outside => "outside",
        }
    }
}

/// One framework's rating on one criterion, with the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    /// 0–5.
    pub score: f64,
    /// A one-line paraphrase of the evidence.
    pub evidence: String,
    pub basis: Basis,
    /// The article section, the passage an inference rests on, or the
    /// dated outside source, according to `basis`.
    pub source: String,
    /// Index in [`Catalog::files`] of the file that set this score.
    #[serde(skip)]
    pub origin: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub backer: String,
    /// Every language it can be used from (ids of the vocabulary, sorted):
    /// its routes that meet a requirement, and the plain `languages` list a
    /// knowledge base may give instead of routes.
    pub languages: Vec<String>,
    /// The languages of its plain `languages` list, which have no route detail.
    #[serde(skip)]
    pub listed: Vec<String>,
    /// How it is reached, in file order.
    pub routes: Vec<Route>,
    /// One of the frameworks the cited article compares (`--article-only`).
    pub article: bool,
    pub deep_learning: bool,
    pub status: Status,
    /// A dated sentence on the status.
    pub status_note: String,
    /// The year the status took effect, for a status other than active.
    pub since: Option<i64>,
    /// One per criterion, in the catalog's criterion order.
    #[serde(skip)]
    pub attributes: Vec<Attribute>,
    /// Index in [`Catalog::files`] of the file that added the framework.
    #[serde(skip)]
    pub origin: usize,
}

/// One file the knowledge base was built from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceFile {
    /// As the user named it, or [`BUILTIN_NAME`].
    pub path: String,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
    /// False for the base, true for a layer.
    pub layer: bool,
}

/// Criteria (in file order, which is the questionnaire's order) and
/// frameworks (sorted by id, so their order in the files never matters).
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub about: About,
    pub criteria: Vec<Criterion>,
    pub frameworks: Vec<Framework>,
    /// The base first, then each layer in the order applied.
    pub files: Vec<SourceFile>,
    /// The vocabulary of routes: languages, targets, hardware, by kind then id.
    pub names: Vec<Name>,
    /// Maintained options named but not scored, by id.
    pub pointers: Vec<Pointer>,
    /// Only the frameworks the cited article compares were kept
    /// ([`Catalog::article_only`]).
    pub article_only: bool,
}

/// What a framework offers for one required name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach<'a> {
    /// Through this route (the best one, when there are several).
    Route(&'a Route),
    /// Listed in its plain `languages`, with no route detail.
    Listed,
}

impl Reach<'_> {
    /// 0–5: how well it serves (a listed language counts as first-party).
    pub fn quality(&self, status: Status) -> f64 {
        match self {
            Self::Route(r) => r.quality,
            Self::Listed => default_quality(true, status, false),
        }
    }
}

impl Framework {
    /// How the framework reaches `name` of `kind`, if it does: the route of
    /// the highest quality that meets a requirement (the first on a tie).
    pub fn reach(&self, kind: RouteKind, name: &str) -> Option<Reach<'_>> {
        self.reach_from(kind, name, &[])
    }

    /// Like [`reach`](Self::reach), counting only routes that code in one of
    /// `callers` can call (every route when `callers` is empty).
    pub fn reach_from(&self, kind: RouteKind, name: &str, callers: &[String]) -> Option<Reach<'_>> {
        let best = self
            .routes
            .iter()
            .filter(|r| r.kind == kind && r.name == name && r.meets(self.status) && r.callable_from(callers))
            .fold(None::<&Route>, |best, r| match best {
                Some(b) if b.quality >= r.quality => Some(b),
                _ => Some(r),
            });
        match best {
            Some(r) => Some(Reach::Route(r)),
            None if kind == RouteKind::Language && self.listed.iter().any(|l| l == name) => Some(Reach::Listed),
            None => None,
        }
    }
}

/// Ids appear in CSV headers, flags and TOML keys: keep them plain.
pub(crate) fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Route names are compared as ids are: `Apple silicon` is `apple_silicon`,
/// and `C#` keeps its `#`.
pub(crate) fn normalise_name(text: &str) -> String {
    normalise_id(text)
}

/// The form ids are compared in: lower case, with `-` and spaces as `_`.
/// "Beginner-Friendliness", "beginner friendliness" and
/// "beginner_friendliness" are the same criterion; "scikit-learn" is
/// `scikit_learn`.
pub(crate) fn normalise_id(text: &str) -> String {
    text.trim().chars().map(|c| if c == '-' || c.is_whitespace() { '_' } else { c.to_ascii_lowercase() }).collect()
}

impl Catalog {
    /// The knowledge base compiled into dlpick, with no layers.
    pub fn builtin() -> crate::Result<Self> {
        load::load(&Input::builtin(), &[])
    }

    /// Parse and validate a single knowledge-base file; `file` names it in errors.
    pub fn parse(source: &str, file: &str) -> crate::Result<Self> {
        load::load(&Input::new(source, file), &[])
    }

    /// A base with layers on top, validated as a whole.
    pub fn load(base: &Input<'_>, layers: &[Input<'_>]) -> crate::Result<Self> {
        load::load(base, layers)
    }

    /// Only the frameworks the cited article compares (`--article-only`):
    /// the view of the article, without what came after it.
    #[must_use]
    pub fn article_only(mut self) -> Self {
        self.frameworks.retain(|f| f.article);
        self.article_only = true;
        self
    }

    pub fn criterion_index(&self, id: &str) -> Option<usize> {
        self.criteria.iter().position(|c| c.id == id)
    }

    pub fn framework_index(&self, id: &str) -> Option<usize> {
        self.frameworks.iter().position(|f| f.id == id)
    }

    /// A criterion as a user may write it: its id or name, in any case,
    /// with `-`, `_` or a space between words.
    pub fn find_criterion(&self, text: &str) -> Option<usize> {
        let wanted = normalise_id(text);
        self.criteria.iter().position(|c| c.id == wanted || normalise_id(&c.name) == wanted)
    }

    /// A framework as a user may write it: its id or name, in any case.
    pub fn find_framework(&self, text: &str) -> Option<usize> {
        let wanted = normalise_id(text);
        self.frameworks.iter().position(|f| f.id == wanted || normalise_id(&f.name) == wanted)
    }

    pub fn criterion_ids(&self) -> Vec<&str> {
        self.criteria.iter().map(|c| c.id.as_str()).collect()
    }

    pub fn framework_ids(&self) -> Vec<&str> {
        self.frameworks.iter().map(|f| f.id.as_str()).collect()
    }

    /// The ids of the vocabulary of `kind`, sorted.
    pub fn names_of(&self, kind: RouteKind) -> Vec<&str> {
        self.names.iter().filter(|n| n.kind == kind).map(|n| n.id.as_str()).collect()
    }

    /// Every language the vocabulary knows, as ids, sorted.
    pub fn languages(&self) -> Vec<&str> {
        self.names_of(RouteKind::Language)
    }

    /// How a name of `kind` reads: `r` → "R", `browser` → "web browsers".
    /// A name the vocabulary does not know is shown as written.
    pub fn name_of<'a>(&'a self, kind: RouteKind, id: &'a str) -> &'a str {
        self.names.iter().find(|n| n.kind == kind && n.id == id).map_or(id, |n| n.name.as_str())
    }

    /// How a language id reads: `r` → "R", `c++` → "C++".
    pub fn language_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.name_of(RouteKind::Language, key)
    }

    /// Find a name as a user wrote it.
    pub fn lookup(&self, kind: RouteKind, written: &str) -> Lookup {
        lookup(&self.names, kind, written)
    }

    /// Where a score comes from, as a bracketed citation reads:
    /// "3.4 PyTorch", "inferred from 4 Comparison: MXNet",
    /// "outside the article: Apache Attic, 2023".
    pub fn citation(&self, attribute: &Attribute) -> String {
        self.cite(attribute.basis, &attribute.source)
    }

    /// A source as a citation reads, given how it is known.
    pub fn cite(&self, basis: Basis, source: &str) -> String {
        match basis {
            Basis::Article => source.to_string(),
            Basis::Inferred => format!("inferred from {source}"),
            Basis::Outside => format!("outside {}: {source}", self.about.cited_as),
        }
    }

    /// The layer a value came from, when it is not the base.
    pub fn layer_of(&self, origin: usize) -> Option<&str> {
        self.files.get(origin).filter(|f| f.layer).map(|f| f.path.as_str())
    }

    /// How many scores rest on each basis, in [`Basis::ALL`] order.
    pub fn basis_tally(&self) -> [usize; 3] {
        let mut tally = [0; 3];
        for a in self.frameworks.iter().flat_map(|f| &f.attributes) {
            tally[Basis::ALL.iter().position(|b| *b == a.basis).unwrap_or(0)] += 1;
        }
        tally
    }
}

pub(crate) fn quoted(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compile_time_hash_is_that_of_the_compiled_in_text() {
        use crate::build_info::{KB_SHA256, sha256_hex};
        assert_eq!(KB_SHA256, sha256_hex(BUILTIN_WEIGHTS.as_bytes()));
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
            ["caffe2", "cntk", "jax", "keras", "mxnet", "pytorch", "scikit_learn", "tensorflow", "theano"]
        );
        let article: Vec<&str> = catalog.frameworks.iter().filter(|f| f.article).map(|f| f.id.as_str()).collect();
        assert_eq!(article, ["caffe2", "cntk", "keras", "mxnet", "pytorch", "scikit_learn", "tensorflow", "theano"]);
        for f in &catalog.frameworks {
            assert!(f.routes.iter().any(|r| r.kind == RouteKind::Language), "{} has no language route", f.id);
        }
        assert!(!catalog.pointers.is_empty());
        let sklearn = &catalog.frameworks[catalog.framework_index("scikit_learn").unwrap()];
        assert!(!sklearn.deep_learning);
        for id in ["theano", "caffe2", "mxnet", "cntk"] {
            let f = &catalog.frameworks[catalog.framework_index(id).unwrap()];
            assert_eq!(f.status, Status::Discontinued, "{id}");
        }
        assert_eq!(catalog.files.len(), 1);
        assert_eq!(catalog.files[0].path, BUILTIN_NAME);
        assert_eq!(catalog.about.cited_as, "the article");
    }

    #[test]
    fn ids_are_found_as_users_write_them() {
        let c = Catalog::builtin().unwrap();
        let b = c.criterion_index("beginner_friendliness");
        assert_eq!(c.find_criterion("beginner-friendliness"), b);
        assert_eq!(c.find_criterion("Beginner Friendliness"), b);
        assert_eq!(c.find_criterion("BEGINNER_FRIENDLINESS"), b);
        assert_eq!(c.find_framework("PyTorch"), c.framework_index("pytorch"));
        assert_eq!(c.find_framework("scikit-learn"), c.framework_index("scikit_learn"));
        assert_eq!(c.find_framework("pytroch"), None);
    }

    #[test]
    fn citations_say_how_a_score_is_known() {
        let c = Catalog::builtin().unwrap();
        let attribute = |basis, source: &str| Attribute {
            score: 1.0,
            evidence: String::new(),
            basis,
            source: source.to_string(),
            origin: 0,
        };
        assert_eq!(c.citation(&attribute(Basis::Article, "3.4 PyTorch")), "3.4 PyTorch");
        assert_eq!(c.citation(&attribute(Basis::Inferred, "3.2 MXNet")), "inferred from 3.2 MXNet");
        assert_eq!(
            c.citation(&attribute(Basis::Outside, "Apache Attic, 2023")),
            "outside the article: Apache Attic, 2023"
        );
    }
}
