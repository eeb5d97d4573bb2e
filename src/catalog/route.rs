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
/// names no `score` gets one from who maintains it and how alive it is.
pub fn default_quality(official: bool, status: Status) -> f64 {
    match (status, official) {
        (Status::Active, true) => 5.0,
        (Status::Active, false) => 4.0,
        (Status::Maintenance, true) => 3.0,
        (Status::Maintenance, false) => 2.5,
        (Status::Discontinued, _) => 0.0,
    }
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
    /// Whether the route meets a requirement. A discontinued route of a
    /// maintained framework does not; a framework that is not maintained is
    /// judged as it stood (the inactive policy decides whether it is shown).
    pub fn meets(&self, framework_status: Status) -> bool {
        self.status != Status::Discontinued || !framework_status.is_maintained()
    }

    /// "first-party" or "community".
    pub fn maintainer(&self) -> &'static str {
        if self.official { "first-party" } else { "community" }
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
    if let Some(n) = of_kind().find(|n| {
        n.id == wanted || normalise_name(&n.name) == wanted || n.aliases.contains(&wanted)
    }) {
        return Lookup::Known(n.id.clone());
    }
    let spellings: Vec<&str> = of_kind()
        .flat_map(|n| std::iter::once(n.id.as_str()).chain(n.aliases.iter().map(String::as_str)))
        .collect();
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
        };
        vec![
            name(RouteKind::Language, "python", "Python", &[]),
            name(RouteKind::Language, "c#", "C#", &["csharp", "dotnet"]),
            name(RouteKind::Language, "r", "R", &[]),
            name(RouteKind::Target, "browser", "web browsers", &["web"]),
            name(RouteKind::Hardware, "apple", "Apple silicon", &["mps", "apple_silicon"]),
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
            note: String::new(),
            quality: 0.0,
            basis: Basis::Outside,
            source: String::new(),
            origin: 0,
        };
        assert!(!route(Status::Discontinued).meets(Status::Active));
        assert!(route(Status::Discontinued).meets(Status::Discontinued));
        assert!(route(Status::Maintenance).meets(Status::Active));
        assert!((default_quality(true, Status::Active) - 5.0).abs() < f64::EPSILON);
        assert!(default_quality(false, Status::Maintenance) < default_quality(true, Status::Maintenance));
    }
}
