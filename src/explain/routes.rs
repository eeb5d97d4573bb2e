//! Routes in words: how a ranked framework is reached, why one is not, and
//! where to look beyond the knowledge base.
//!
//! An expert does not say "PyTorch offers R"; they say "PyTorch, through
//! mlverse's torch package, which the community maintains". Every phrase
//! here names the package, runtime or backend, says who maintains it and
//! how alive it is, and cites its source like any score.

use std::fmt::Write as _;

use crate::catalog::{Basis, Catalog, Pointer, Route, RouteKind, Status};
use crate::profile::Require;
use crate::score::{RouteUse, Routed, route_use};

use super::join_with;

/// What a reader checks behind a score: the evidence, how it is known, and
/// where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// One line, without a final full stop.
    pub text: String,
    pub basis: Basis,
    /// As written in the knowledge base ("; "-joined for several routes).
    pub source: String,
    /// As the text in brackets reads, with the layer when not the base.
    pub citation: String,
}

/// The evidence behind framework `f`'s score on criterion `c`: the routes
/// that decided it for this profile, or the knowledge base's own.
pub fn evidence(catalog: &Catalog, routed: &[Routed], f: usize, c: usize) -> Evidence {
    let Some(r) = routed.iter().find(|r| r.framework == f && r.criterion == c) else {
        let attribute = &catalog.frameworks[f].attributes[c];
        return Evidence {
            text: attribute.evidence.trim().trim_end_matches('.').to_string(),
            basis: attribute.basis,
            source: attribute.source.clone(),
            citation: super::citation(catalog, f, c),
        };
    };
    let phrases: Vec<String> = r.uses.iter().map(|u| use_phrase(catalog, f, u)).collect();
    let used: Vec<&Route> = r.uses.iter().filter_map(|u| route_of(catalog, f, u)).collect();
    let basis = if used.iter().any(|r| r.basis == Basis::Outside) {
        Basis::Outside
    } else if used.iter().any(|r| r.basis == Basis::Inferred) {
        Basis::Inferred
    } else {
        Basis::Article
    };
    let mut sources: Vec<&str> = Vec::new();
    let mut citations: Vec<String> = Vec::new();
    for route in &used {
        if !sources.contains(&route.source.as_str()) {
            sources.push(&route.source);
            citations.push(citation(catalog, route));
        }
    }
    if citations.is_empty() {
        citations.push(super::citation(catalog, f, c));
    }
    Evidence {
        text: format!("for what you require, {}", phrases.join("; ")),
        basis,
        source: sources.join("; "),
        citation: citations.join("; "),
    }
}

/// The route a use names, if any.
pub fn route_of<'a>(catalog: &'a Catalog, f: usize, u: &RouteUse) -> Option<&'a Route> {
    u.route.and_then(|i| catalog.frameworks[f].routes.get(i))
}

/// A route's citation, with its layer when it is not the base.
pub fn citation(catalog: &Catalog, route: &Route) -> String {
    let cited = catalog.cite(route.basis, &route.source);
    match catalog.layer_of(route.origin) {
        Some(layer) => format!("{cited}; from {layer}"),
        None => cited,
    }
}

/// Who maintains a route and how alive it is: "first-party",
/// "community-maintained, inference only", "first-party, in maintenance only".
pub fn qualifiers(route: &Route) -> String {
    let mut out = vec![if route.official { "first-party" } else { "community-maintained" }];
    match route.status {
        Status::Active => {}
        Status::Maintenance => out.push("in maintenance only"),
        Status::Discontinued => out.push("discontinued"),
    }
    if route.inference_only {
        out.push("inference only");
    }
    out.join(", ")
}

/// "R through keras3 (R package), community-maintained".
pub fn route_phrase(catalog: &Catalog, route: &Route) -> String {
    format!("{} through {}, {}", catalog.name_of(route.kind, &route.name), route.via, qualifiers(route))
}

/// How framework `f` serves one required name, in words.
pub fn use_phrase(catalog: &Catalog, f: usize, u: &RouteUse) -> String {
    let name = catalog.name_of(u.kind, &u.name);
    match route_of(catalog, f, u) {
        Some(route) => route_phrase(catalog, route),
        None if u.quality > 0.0 => format!("{name} through its own API"),
        None => format!("no route to {name}"),
    }
}

/// How framework `f` meets each name `require` asks for, in requirement order.
pub fn uses(catalog: &Catalog, f: usize, require: &Require) -> Vec<RouteUse> {
    let framework = &catalog.frameworks[f];
    require.routes().map(|(kind, name)| route_use(framework, kind, name, require)).collect()
}

/// "used from", "run on": what a framework must do for a name of `kind`.
fn verb(kind: RouteKind) -> &'static str {
    match kind {
        RouteKind::Language => "be used from",
        RouteKind::Target | RouteKind::Hardware => "run on",
    }
}

/// Names of `kind` as they read, joined: "R or Scala".
pub fn names(catalog: &Catalog, kind: RouteKind, ids: &[String], conjunction: &str) -> String {
    let shown: Vec<String> = ids.iter().map(|id| catalog.name_of(kind, id).to_string()).collect();
    join_with(&shown, conjunction)
}

/// Why framework `f` is ruled out for names of `kind` it does not reach:
/// "cannot be used from R", with the routes that no longer count.
pub fn unreached_text(catalog: &Catalog, f: usize, kind: RouteKind, missing: &[String], from: &[String]) -> String {
    let framework = &catalog.frameworks[f];
    let mut out = format!("cannot {} {}", verb(kind), names(catalog, kind, missing, "or"));
    if !from.is_empty() {
        // Routes exist, but none that the team's languages can call.
        let callers: Vec<String> = framework
            .routes
            .iter()
            .filter(|r| r.kind == kind && missing.contains(&r.name) && r.meets(framework.status))
            .flat_map(|r| r.called_from.iter().cloned())
            .fold(Vec::new(), |mut all, l| {
                if !all.contains(&l) {
                    all.push(l);
                }
                all
            });
        let _ = write!(out, " from {}", names(catalog, RouteKind::Language, from, "or"));
        if !callers.is_empty() {
            let _ = write!(
                out,
                " (its routes there are called from {})",
                names(catalog, RouteKind::Language, &callers, "or")
            );
        }
        return out;
    }
    let dead: Vec<String> = framework
        .routes
        .iter()
        .filter(|r| r.kind == kind && missing.contains(&r.name) && !r.meets(framework.status))
        .map(|r| {
            let state = match (r.status, r.official) {
                (Status::Maintenance, false) => "no longer developed by its community",
                _ => "discontinued",
            };
            format!("{} is {state}", r.via)
        })
        .collect();
    if !dead.is_empty() {
        let _ = write!(out, " ({})", dead.join("; "));
    }
    out
}

/// What a framework does to meet required names of `kind`: "can be used
/// from R", "runs on Apple silicon", "runs on web browsers from Rust".
pub fn meets_phrase(catalog: &Catalog, kind: RouteKind, ids: &[String], from: &[String]) -> String {
    let shown = names(catalog, kind, ids, "and");
    let from = if from.is_empty() {
        String::new()
    } else {
        format!(" from {}", names(catalog, RouteKind::Language, from, "or"))
    };
    match kind {
        RouteKind::Language => format!("can be used from {shown}"),
        RouteKind::Target | RouteKind::Hardware => format!("runs on {shown}{from}"),
    }
}

/// A pointer that reaches a required name.
#[derive(Debug, Clone, PartialEq)]
pub struct PointerUse {
    /// Index into the catalog's pointers.
    pub pointer: usize,
    pub kind: RouteKind,
    pub name: String,
    /// Index into the pointer's routes.
    pub route: usize,
}

/// Pointers reaching `name` of `kind` through a route that meets a
/// requirement and that `callers` can call, in pointer-id order.
pub fn pointers_for(catalog: &Catalog, kind: RouteKind, name: &str, callers: &[String]) -> Vec<PointerUse> {
    catalog
        .pointers
        .iter()
        .enumerate()
        .filter_map(|(p, pointer)| {
            let route = pointer.routes.iter().position(|r| {
                r.kind == kind && r.name == name && r.meets(Status::Active) && r.callable_from(callers)
            })?;
            Some(PointerUse { pointer: p, kind, name: name.to_string(), route })
        })
        .collect()
}

/// "Flux.jl (a pure-Julia deep-learning library …)": descriptions are
/// written to read after the name.
fn pointer_phrase(pointer: &Pointer) -> String {
    format!("{} ({})", pointer.name, pointer.description.trim().trim_end_matches('.'))
}

/// One sentence naming each pointer once, with what it reaches: "Not
/// scored by dlpick, but maintained and worth a look: Burn (…), for Rust
/// and web browsers; Candle (…), for Rust." Pointers reaching more of the
/// names come first. Empty when there are none.
pub fn pointers_sentence(catalog: &Catalog, uses: &[PointerUse], lead: &str) -> String {
    let mut pointers: Vec<(usize, Vec<String>)> = Vec::new();
    for u in uses {
        let reached = catalog.name_of(u.kind, &u.name).to_string();
        match pointers.iter_mut().find(|(p, _)| *p == u.pointer) {
            Some((_, names)) if !names.contains(&reached) => names.push(reached),
            Some(_) => {}
            None => pointers.push((u.pointer, vec![reached])),
        }
    }
    if pointers.is_empty() {
        return String::new();
    }
    pointers.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let parts: Vec<String> = pointers
        .iter()
        .map(|(p, names)| format!("{}, for {}", pointer_phrase(&catalog.pointers[*p]), join_with(names, "and")))
        .collect();
    format!("{lead}: {}.", parts.join("; "))
}
