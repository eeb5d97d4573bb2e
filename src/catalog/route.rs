//! Routes: how a framework is reached from a language, on a target, on
//! hardware.
//!
//! "Does it have an R API?" has no yes-or-no answer in 2026: Keras is used
//! from R through a package Posit maintains, PyTorch through mlverse's
//! `torch`, and neither is the framework's own project. A route says which
//! package, runtime or backend gets you there, who maintains it and how
//! alive it is, with its evidence like any score. Requirements are met by
//! routes; explanations name them.
//!
//! Names (`r`, `browser`, `apple`) come from the knowledge base's
//! vocabulary, which also lists the spellings people use (`csharp`, `web`,
//! `mps`), so a profile can be written in the words of its author.

use serde::{Deserialize, Serialize};

use super::{Basis, Status, normalise_name};

/// What a route reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    /// A programming language the framework can be used from.
    Language,
    /// Where a trained model runs: a server, a browser, a phone, a microcontroller.
    Target,
    /// The accelerator it runs on.
    Hardware,
}

impl RouteKind {
    pub const ALL: [Self; 3] = [Self::Language, Self::Target, Self::Hardware];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Language => "language",
            Self::Target => "target",
            Self::Hardware => "hardware",
        }
    }

    /// The table of the vocabulary in a knowledge base, and the key under
    /// `[require]` in a profile.
    pub fn table(self) -> &'static str {
        match self {
            Self::Language => "languages",
            Self::Target => "targets",
            Self::Hardware => "hardware",
        }
    }
}

/// How much a route can be relied on: 0–5, like a score. A route that
/// names no `score` gets one from who maintains it, how alive it is and
/// whether it only runs trained models.
pub fn default_quality(official: bool, status: Status, inference_only: bool) -> f64 {
    let base: f64 = match (status, official) {
        (Status::Active, true) => 5.0,
        (Status::Active, false) => 4.0,
        (Status::Maintenance, true) => 3.0,
        (Status::Maintenance, false) => 2.0,
        (Status::Discontinued, _) => return 0.0,
    };
    if inference_only { base - 1.5 } else { base }
}

/// One way of reaching a framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub kind: RouteKind,
    /// A name of the vocabulary (its id): `r`, `browser`, `apple`.
    pub name: String,
    /// The package, runtime or backend: "keras3 (R package)", "ExecuTorch", "MPS".
    pub via: String,
    /// Released by the framework's own project (else community or a third party).
    pub official: bool,
    /// The route's own status, relative to its framework.
    pub status: Status,
    /// It runs models trained elsewhere (an export into another runtime),
    /// but does not train them.
    pub inference_only: bool,
    /// For a target: the languages its runtime is called from there
    /// (LiteRT on Android from Kotlin, Java or C++); empty when any.
    pub called_from: Vec<String>,
    /// A dated sentence on who maintains it and how it stands.
    pub note: String,
    /// 0–5: how well the route serves, for criteria that routes decide.
    pub quality: f64,
    pub basis: Basis,
    pub source: String,
    /// Index in [`super::Catalog::files`] of the file that set it.
    #[serde(skip)]
    pub origin: usize,
}

impl Route {
    /// Whether the route meets a requirement: an active route does, and a
    /// first-party one in maintenance (with a warning); a community route
    /// nobody develops any more does not. A framework that is not maintained
    /// is judged as it stood (the inactive policy decides whether it is
    /// shown at all).
    pub fn meets(&self, framework_status: Status) -> bool {
        match self.status {
            _ if !framework_status.is_maintained() => true,
            Status::Active => true,
            Status::Maintenance => self.official,
            Status::Discontinued => false,
        }
    }

    /// "first-party" or "community".
    pub fn maintainer(&self) -> &'static str {
        if self.official { "first-party" } else { "community" }
    }

    /// Whether code in one of `languages` can call it (any route can when
    /// `languages` is empty or the route names none).
    pub fn callable_from(&self, languages: &[String]) -> bool {
        languages.is_empty() || self.called_from.is_empty() || self.called_from.iter().any(|l| languages.contains(l))
    }
}

/// A name routes use: its id, how it reads, and the spellings that mean it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Name {
    pub kind: RouteKind,
    pub id: String,
    /// How it reads in a sentence: "C#", "web browsers", "Apple silicon".
    pub name: String,
    /// Other spellings, normalised: `csharp`, `dotnet`.
    pub aliases: Vec<String>,
    /// For a group ("mobile"), the names it stands for; empty otherwise.
    pub means: Vec<String>,
}

impl Name {
    /// The ids a requirement of this name stands for: the group's members,
    /// or the name itself.
    pub fn ids(&self) -> Vec<String> {
        if self.means.is_empty() { vec![self.id.clone()] } else { self.means.clone() }
    }
}

/// A maintained option the knowledge base names without scoring it: where
/// to look when no scored framework meets a requirement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pointer {
    pub id: String,
    pub name: String,
    /// One line: what it is.
    pub description: String,
    pub routes: Vec<Route>,
    #[serde(skip)]
    pub origin: usize,
}

/// A name as a user wrote it, looked up in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// A known name (its id), whatever the spelling.
    Known(String),
    /// Close to a known name: surely a typo.
    NearMiss { written: String, suggestion: String },
    /// No name in the knowledge base is like it: a requirement that nothing
    /// here meets, kept as written (normalised).
    Unknown(String),
}

/// Find `written` among `names` of `kind`: by id, display name or alias.
pub fn lookup(names: &[Name], kind: RouteKind, written: &str) -> Lookup {
    let wanted = normalise_name(written);
    let of_kind = || names.iter().filter(move |n| n.kind == kind);
    let find = |text: &str| {
        of_kind().find(|n| n.id == text || normalise_name(&n.name) == text || n.aliases.iter().any(|a| a == text))
    };
    if let Some(n) = find(&wanted) {
        return Lookup::Known(n.id.clone());
    }
    // What people add to a name: a version ("python3.11", "scala_2.13") or
    // a model ("NVIDIA A100", "Apple M2", "TPU v5e"). A name whose words
    // include exactly one known name is that name.
    let unversioned = wanted.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '_');
    if let Some(n) = find(unversioned).filter(|_| !unversioned.is_empty()) {
        return Lookup::Known(n.id.clone());
    }
    let mut found: Vec<&Name> = wanted.split('_').filter_map(find).collect();
    found.dedup_by(|a, b| a.id == b.id);
    // "Android phones": the member is meant, not its group.
    let members: Vec<String> = found.iter().filter(|n| n.means.is_empty()).map(|n| n.id.clone()).collect();
    found.retain(|n| n.means.is_empty() || !n.means.iter().any(|m| members.contains(m)));
    if let [one] = found[..] {
        return Lookup::Known(one.id.clone());
    }
    let spellings: Vec<&str> =
        of_kind().flat_map(|n| std::iter::once(n.id.as_str()).chain(n.aliases.iter().map(String::as_str))).collect();
    // Very short names ("c", "r", "go") are too alike for a guess to help.
    match crate::error::closest(&wanted, spellings.iter().copied().filter(|s| s.chars().count() > 2)) {
        Some(guess) if wanted.chars().count() > 2 => {
            let id = of_kind()
                .find(|n| n.id == guess || n.aliases.iter().any(|a| a == guess))
                .map_or_else(|| guess.to_string(), |n| n.id.clone());
            Lookup::NearMiss { written: written.trim().to_string(), suggestion: id }
        }
        _ => Lookup::Unknown(wanted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<Name> {
        let name = |kind, id: &str, shown: &str, aliases: &[&str]| Name {
            kind,
            id: id.to_string(),
            name: shown.to_string(),
            aliases: aliases.iter().map(ToString::to_string).collect(),
            means: Vec::new(),
        };
        vec![
            name(RouteKind::Language, "python", "Python", &[]),
            name(RouteKind::Language, "c#", "C#", &["csharp", "dotnet"]),
            name(RouteKind::Language, "r", "R", &[]),
            name(RouteKind::Target, "browser", "web browsers", &["web"]),
            name(RouteKind::Target, "android", "Android", &[]),
            name(RouteKind::Target, "ios", "iOS", &[]),
            name(RouteKind::Hardware, "apple", "Apple silicon", &["mps", "apple_silicon"]),
            Name {
                means: vec!["android".into(), "ios".into()],
                ..name(RouteKind::Target, "mobile", "phones", &["phone"])
            },
        ]
    }

    #[test]
    fn names_are_found_by_id_display_name_and_alias() {
        let n = names();
        assert_eq!(lookup(&n, RouteKind::Language, "Python"), Lookup::Known("python".into()));
        assert_eq!(lookup(&n, RouteKind::Language, " C# "), Lookup::Known("c#".into()));
        assert_eq!(lookup(&n, RouteKind::Language, "CSharp"), Lookup::Known("c#".into()));
        assert_eq!(lookup(&n, RouteKind::Target, "Web"), Lookup::Known("browser".into()));
        assert_eq!(lookup(&n, RouteKind::Hardware, "Apple Silicon"), Lookup::Known("apple".into()));
        assert_eq!(lookup(&n, RouteKind::Hardware, "apple-silicon"), Lookup::Known("apple".into()));
        assert_eq!(lookup(&n, RouteKind::Target, "Phone"), Lookup::Known("mobile".into()));
        // Versions and models around a known name.
        assert_eq!(lookup(&n, RouteKind::Language, "Python 3.12"), Lookup::Known("python".into()));
        assert_eq!(lookup(&n, RouteKind::Language, "python3.11"), Lookup::Known("python".into()));
        assert_eq!(lookup(&n, RouteKind::Hardware, "Apple M2 Max"), Lookup::Known("apple".into()));
        assert_eq!(lookup(&n, RouteKind::Language, "C# 12"), Lookup::Known("c#".into()));
        assert_eq!(lookup(&n, RouteKind::Target, "Android phones"), Lookup::Known("android".into()));
        assert_eq!(n.last().unwrap().ids(), ["android", "ios"]);
    }

    #[test]
    fn a_typo_is_a_near_miss_and_a_stranger_is_unknown() {
        let n = names();
        assert_eq!(
            lookup(&n, RouteKind::Language, "pyhton"),
            Lookup::NearMiss { written: "pyhton".into(), suggestion: "python".into() }
        );
        assert_eq!(
            lookup(&n, RouteKind::Language, "dotnett"),
            Lookup::NearMiss { written: "dotnett".into(), suggestion: "c#".into() }
        );
        assert_eq!(lookup(&n, RouteKind::Language, "Rust"), Lookup::Unknown("rust".into()));
        assert_eq!(lookup(&n, RouteKind::Language, "Go"), Lookup::Unknown("go".into()));
        // A name of another kind is not a language.
        assert_eq!(lookup(&n, RouteKind::Language, "browser"), Lookup::Unknown("browser".into()));
    }

    #[test]
    fn a_discontinued_route_of_a_maintained_framework_meets_nothing() {
        let route = |status| Route {
            kind: RouteKind::Language,
            name: "swift".into(),
            via: "Swift for TensorFlow".into(),
            official: true,
            status,
            inference_only: false,
            called_from: Vec::new(),
            note: String::new(),
            quality: 0.0,
            basis: Basis::Outside,
            source: String::new(),
            origin: 0,
        };
        assert!(!route(Status::Discontinued).meets(Status::Active));
        assert!(route(Status::Discontinued).meets(Status::Discontinued));
        assert!(route(Status::Maintenance).meets(Status::Active));
        let community = Route { official: false, ..route(Status::Maintenance) };
        assert!(!community.meets(Status::Active), "a community route in maintenance is not relied on");
        assert!((default_quality(true, Status::Active, false) - 5.0).abs() < f64::EPSILON);
        assert!((default_quality(true, Status::Active, true) - 3.5).abs() < f64::EPSILON);
        assert!(default_quality(false, Status::Maintenance, false) < default_quality(true, Status::Maintenance, false));
    }
}
