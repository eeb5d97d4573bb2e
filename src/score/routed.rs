//! Criteria that a profile's required routes decide.
//!
//! The knowledge base scores "multi-language APIs" by how many languages a
//! framework reaches, which is right for someone who wants breadth and wrong
//! for a team that needs exactly one: a C++ team must not be ranked on Java
//! bindings. So when a profile requires names of the kind a criterion is
//! linked to (see [`crate::catalog::RouteLink`]), that criterion's score is,
//! for each framework, the quality of its weakest required route, each
//! required name served by its best route (0 when it has none). Everything
//! downstream (ranking, explanation, sensitivity) sees the profile's
//! matrix, so the numbers a reader checks are the numbers that ranked.

use super::Matrix;
use crate::catalog::{Catalog, Framework, Reach, RouteKind};
use crate::profile::Require;

/// How one required name is served.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteUse {
    pub kind: RouteKind,
    pub name: String,
    /// The route that serves it (index into the framework's routes), or
    /// `None` when the framework only lists the language, or does not reach it.
    pub route: Option<usize>,
    /// 0–5; 0 when the framework does not reach the name.
    pub quality: f64,
}

/// One framework's score on one criterion, decided by routes.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub framework: usize,
    pub criterion: usize,
    /// The weakest of `uses`' qualities.
    pub score: f64,
    /// Every required name the criterion covers, in requirement order.
    pub uses: Vec<RouteUse>,
}

/// How `framework` serves `name` of `kind` for `require`: its best route
/// that the required languages can call, if any.
pub fn route_use(framework: &Framework, kind: RouteKind, name: &str, require: &Require) -> RouteUse {
    let reach = framework.reach_from(kind, name, require.callers(kind));
    let route = match reach {
        Some(Reach::Route(r)) => framework.routes.iter().position(|x| std::ptr::eq(x, r)),
        _ => None,
    };
    RouteUse { kind, name: name.to_string(), route, quality: reach.map_or(0.0, |r| r.quality(framework.status)) }
}

/// The routed scores for `require`: one per framework for each linked
/// criterion that the requirement touches; empty when it touches none.
pub fn routed(catalog: &Catalog, require: &Require) -> Vec<Routed> {
    let mut out = Vec::new();
    for (c, criterion) in catalog.criteria.iter().enumerate() {
        let Some(link) = &criterion.routes else { continue };
        let covered: Vec<(RouteKind, &str)> = require.routes().filter(|(k, n)| link.covers(*k, n)).collect();
        if covered.is_empty() {
            continue;
        }
        for (f, framework) in catalog.frameworks.iter().enumerate() {
            let uses: Vec<RouteUse> =
                covered.iter().map(|&(kind, name)| route_use(framework, kind, name, require)).collect();
            let score = uses.iter().map(|u| u.quality).fold(f64::INFINITY, f64::min);
            out.push(Routed { framework: f, criterion: c, score, uses });
        }
    }
    out
}

impl Matrix {
    /// The knowledge base's matrix as `require` sees it: routed scores in
    /// place of the knowledge base's where the requirement decides them.
    pub fn for_require(catalog: &Catalog, require: &Require) -> Self {
        Self::new(catalog).with_routed(&routed(catalog, require))
    }

    /// This matrix with `routed` scores in place.
    #[must_use]
    pub fn with_routed(&self, routed: &[Routed]) -> Self {
        let mut out = self.clone();
        for r in routed {
            out.scores[r.framework * out.criteria + r.criterion] = r.score;
        }
        out
    }
}
