//! JSON for scripts. The shape is documented in the README; keys keep the
//! order written here.

use serde::Serialize;

use super::numbers::round_to;
use super::tune::{RobustnessDoc, SensitivityDoc};
use super::{Options, Report};
use crate::catalog::{Catalog, Criterion, Framework, SourceFile};
use crate::error::Result;
use crate::explain::{Advice, Explained, Point, citation, evidence_phrase, exclusion_text, route_of};
use crate::score::{Detail, round1};
use crate::team::Department;
use crate::tune::fit::FitOutcome;

pub struct Json;

#[derive(Serialize)]
struct Document<'a> {
    /// The build that made the report: version, commit, built-in knowledge base.
    dlpick: crate::build_info::BuildInfo,
    knowledge_base: Vec<FileView<'a>>,
    profiles: Vec<ProfileView<'a>>,
}

/// One file of the knowledge base, so a pasted report can be reproduced.
#[derive(Serialize)]
pub struct FileView<'a> {
    path: &'a str,
    sha256: &'a str,
}

/// The knowledge base's files as JSON: the base, then each layer.
pub fn knowledge_base_view(catalog: &Catalog) -> Vec<FileView<'_>> {
    catalog.files.iter().map(|f: &SourceFile| FileView { path: &f.path, sha256: &f.sha256 }).collect()
}

#[derive(Serialize)]
struct ProfileView<'a> {
    profile: &'a str,
    description: Option<&'a str>,
    method: &'a str,
    /// The policy for frameworks that are not maintained.
    policy: &'a str,
    needs: serde_json::Map<String, serde_json::Value>,
    /// Needs the adaptive questionnaire did not ask, and what that means.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unasked: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unasked_note: Option<&'a str>,
    /// Only the frameworks that compete.
    ranking: Vec<RankedView<'a>>,
    /// Not maintained, for reference (the article's view), best first.
    inactive: Vec<InactiveView<'a>>,
    excluded: Vec<ExcludedView<'a>>,
    verdict: Option<VerdictView<'a>>,
    /// Why nothing is ranked, when nothing is.
    shortfall: Option<&'a str>,
    /// How far the weights may move before the top pick changes (the
    /// weighted sum only).
    robustness: Option<String>,
    /// Maintained options not scored by dlpick, for required names nothing
    /// here reaches or reaches only through the community.
    pointers: Vec<PointerView<'a>>,
}

/// A route as JSON shows it, in `frameworks` and in a ranking.
#[derive(Serialize)]
pub(super) struct RouteView<'a> {
    kind: &'a str,
    name: &'a str,
    via: &'a str,
    official: bool,
    status: &'a str,
    inference_only: bool,
    quality: f64,
    note: &'a str,
    basis: &'a str,
    source: &'a str,
}

impl<'a> RouteView<'a> {
    pub(super) fn new(route: &'a crate::catalog::Route) -> Self {
        Self {
            kind: route.kind.as_str(),
            name: &route.name,
            via: &route.via,
            official: route.official,
            status: route.status.as_str(),
            inference_only: route.inference_only,
            quality: route.quality,
            note: &route.note,
            basis: route.basis.as_str(),
            source: &route.source,
        }
    }
}

#[derive(Serialize)]
struct PointerView<'a> {
    pointer: &'a str,
    name: &'a str,
    description: &'a str,
    /// The required name it reaches, and how.
    route: RouteView<'a>,
}

#[derive(Serialize)]
struct InactiveView<'a> {
    framework: &'a str,
    name: &'a str,
    status: &'a str,
    status_note: &'a str,
    score: f64,
}

#[derive(Serialize)]
struct RankedView<'a> {
    rank: usize,
    tied: bool,
    framework: &'a str,
    name: &'a str,
    status: &'a str,
    score: f64,
    contributions: Vec<ContributionView<'a>>,
    reasons: Vec<PointView<'a>>,
    concerns: Vec<PointView<'a>>,
    warnings: &'a [String],
    /// The routes that meet the profile's required languages, targets and hardware.
    routes: Vec<RouteView<'a>>,
    explanation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    topsis: Option<TopsisView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<ProductView<'a>>,
}

#[derive(Serialize)]
struct TopsisView<'a> {
    closeness: f64,
    distance_to_ideal: f64,
    distance_to_anti_ideal: f64,
    largest_gap: Option<&'a str>,
}

#[derive(Serialize)]
struct ProductView<'a> {
    weakest: Option<&'a str>,
}

#[derive(Serialize)]
struct ContributionView<'a> {
    criterion: &'a str,
    need: f64,
    weight: f64,
    score: f64,
    points: f64,
    share: f64,
}

#[derive(Serialize)]
struct PointView<'a> {
    criterion: &'a str,
    need: f64,
    score: f64,
    points: f64,
    evidence: &'a str,
    basis: &'a str,
    source: &'a str,
    /// How the citation reads: "inferred from 3.2 MXNet".
    citation: String,
    text: String,
}

#[derive(Serialize)]
struct ExcludedView<'a> {
    framework: &'a str,
    name: &'a str,
    reason: String,
}

#[derive(Serialize)]
struct VerdictView<'a> {
    winner: &'a str,
    tied_with: Vec<&'a str>,
    runner_up: Option<&'a str>,
    margin: Option<f64>,
    decided_by: Option<&'a str>,
    active_alternative: Option<&'a str>,
}

fn point<'a>(catalog: &'a Catalog, p: &'a Point) -> PointView<'a> {
    PointView {
        criterion: &catalog.criteria[p.criterion].id,
        need: p.need,
        score: p.score,
        points: round_to(p.points, 2),
        evidence: &p.evidence.text,
        basis: p.evidence.basis.as_str(),
        source: &p.evidence.source,
        citation: p.evidence.citation.clone(),
        text: evidence_phrase(catalog, p),
    }
}

fn ranked<'a>(catalog: &'a Catalog, e: &'a Explained) -> RankedView<'a> {
    let f = &catalog.frameworks[e.framework];
    RankedView {
        rank: e.rank,
        tied: e.tied,
        framework: &f.id,
        name: &f.name,
        status: f.status.as_str(),
        score: round1(e.score),
        contributions: e
            .contributions
            .iter()
            .map(|c| ContributionView {
                criterion: &catalog.criteria[c.criterion].id,
                need: c.need,
                weight: c.weight,
                score: c.score,
                points: round_to(c.points, 2),
                share: round_to(c.share, 4),
            })
            .collect(),
        reasons: e.reasons.iter().map(|p| point(catalog, p)).collect(),
        concerns: e.concerns.iter().map(|p| point(catalog, p)).collect(),
        warnings: &e.warnings,
        routes: e.routes.iter().filter_map(|u| route_of(catalog, e.framework, u)).map(RouteView::new).collect(),
        explanation: &e.explanation,
        topsis: match e.detail {
            Detail::Topsis { to_ideal, to_anti_ideal, largest_gap } => Some(TopsisView {
                closeness: round_to(e.score.get() / 100.0, 4),
                distance_to_ideal: round_to(to_ideal, 6),
                distance_to_anti_ideal: round_to(to_anti_ideal, 6),
                largest_gap: largest_gap.map(|c| catalog.criteria[c].id.as_str()),
            }),
            _ => None,
        },
        product: match e.detail {
            Detail::Product { weakest } => {
                Some(ProductView { weakest: weakest.map(|c| catalog.criteria[c].id.as_str()) })
            }
            _ => None,
        },
    }
}

fn profile_view<'a>(catalog: &'a Catalog, a: &'a Advice, options: &Options) -> ProfileView<'a> {
    ProfileView {
        profile: &a.profile.name,
        description: a.profile.description.as_deref(),
        method: a.method,
        policy: a.policy.as_str(),
        needs: catalog
            .criteria
            .iter()
            .zip(&a.profile.needs)
            .filter(|(_, n)| **n > 0.0)
            .map(|(c, n)| (c.id.clone(), serde_json::json!(n)))
            .collect(),
        unasked: a.profile.unasked.iter().map(|&c| catalog.criteria[c].id.as_str()).collect(),
        unasked_note: a.unasked.as_deref(),
        ranking: a.ranking[..options.shown(a.ranking.len())].iter().map(|e| ranked(catalog, e)).collect(),
        inactive: a
            .reference
            .iter()
            .map(|r| {
                let f = &catalog.frameworks[r.framework];
                InactiveView {
                    framework: &f.id,
                    name: &f.name,
                    status: f.status.as_str(),
                    status_note: &f.status_note,
                    score: round1(r.score),
                }
            })
            .collect(),
        excluded: a
            .excluded
            .iter()
            .map(|e| ExcludedView {
                framework: &catalog.frameworks[e.framework].id,
                name: &catalog.frameworks[e.framework].name,
                reason: exclusion_text(catalog, e),
            })
            .collect(),
        shortfall: a.shortfall.as_deref(),
        robustness: a.sensitivity.as_ref().map(|s| super::tune::sensitivity_sentence(catalog, s)),
        verdict: a.verdict.as_ref().map(|v| VerdictView {
            winner: &catalog.frameworks[v.winner].id,
            tied_with: v.tied_with.iter().map(|&f| catalog.frameworks[f].id.as_str()).collect(),
            runner_up: v.runner_up.map(|r| catalog.frameworks[r].id.as_str()),
            margin: v.margin,
            decided_by: v.decided_by.map(|c| catalog.criteria[c].id.as_str()),
            active_alternative: v.active_alternative.map(|f| catalog.frameworks[f].id.as_str()),
        }),
        pointers: a
            .pointers
            .iter()
            .map(|u| {
                let pointer = &catalog.pointers[u.pointer];
                PointerView {
                    pointer: &pointer.id,
                    name: &pointer.name,
                    description: &pointer.description,
                    route: RouteView::new(&pointer.routes[u.route]),
                }
            })
            .collect(),
    }
}

/// One profile's advice as a JSON value (the elements of `profiles`).
pub fn advice_value(catalog: &Catalog, advice: &Advice, options: &Options) -> Result<serde_json::Value> {
    Ok(serde_json::to_value(profile_view(catalog, advice, options))?)
}

/// Pretty JSON with a final newline; hidden characters escaped
/// ([`crate::sanitize::json`]).
pub fn pretty<T: Serialize>(value: &T) -> Result<String> {
    let mut s = crate::sanitize::json(&serde_json::to_string_pretty(value)?).into_owned();
    s.push('\n');
    Ok(s)
}

impl Report for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn teams(&self, catalog: &Catalog, department: &Department, options: &Options) -> Result<String> {
        super::teams::json(catalog, department, options)
    }

    fn advice(&self, catalog: &Catalog, advice: &[Advice], options: &Options) -> Result<String> {
        let profiles = advice.iter().map(|a| profile_view(catalog, a, options)).collect();
        pretty(&Document { dlpick: crate::build_info::info(), knowledge_base: knowledge_base_view(catalog), profiles })
    }

    fn frameworks(&self, catalog: &Catalog, _options: &Options) -> Result<String> {
        #[derive(Serialize)]
        struct FrameworkView<'a> {
            #[serde(flatten)]
            framework: &'a Framework,
            /// The layer that added it, when it is not the base.
            layer: Option<&'a str>,
            attributes: serde_json::Map<String, serde_json::Value>,
        }
        #[derive(Serialize)]
        struct Tally {
            article: usize,
            inferred: usize,
            outside: usize,
            summary: String,
        }
        #[derive(Serialize)]
        struct Kb<'a> {
            dlpick: crate::build_info::BuildInfo,
            knowledge_base: Vec<FileView<'a>>,
            about: &'a crate::catalog::About,
            basis_tally: Tally,
            criteria: &'a [Criterion],
            frameworks: Vec<FrameworkView<'a>>,
            /// The vocabulary of routes: languages, targets and hardware.
            names: &'a [crate::catalog::Name],
            /// Maintained options named but not scored.
            pointers: &'a [crate::catalog::Pointer],
        }
        let frameworks = catalog
            .frameworks
            .iter()
            .enumerate()
            .map(|(fi, f)| FrameworkView {
                framework: f,
                layer: catalog.layer_of(f.origin),
                attributes: catalog
                    .criteria
                    .iter()
                    .zip(&f.attributes)
                    .enumerate()
                    .map(|(c, (criterion, a))| {
                        (
                            criterion.id.clone(),
                            serde_json::json!({
                                "score": a.score,
                                "evidence": a.evidence,
                                "basis": a.basis.as_str(),
                                "source": a.source,
                                "citation": citation(catalog, fi, c),
                                "layer": catalog.layer_of(a.origin),
                            }),
                        )
                    })
                    .collect(),
            })
            .collect();
        let [article, inferred, outside] = catalog.basis_tally();
        pretty(&Kb {
            dlpick: crate::build_info::info(),
            knowledge_base: knowledge_base_view(catalog),
            about: &catalog.about,
            basis_tally: Tally { article, inferred, outside, summary: super::basis_tally_sentence(catalog) },
            criteria: &catalog.criteria,
            frameworks,
            names: &catalog.names,
            pointers: &catalog.pointers,
        })
    }

    fn criteria(&self, catalog: &Catalog, _options: &Options) -> Result<String> {
        pretty(&catalog.criteria)
    }

    fn sensitivity(&self, catalog: &Catalog, doc: &SensitivityDoc, _options: &Options) -> Result<String> {
        pretty(&super::tune::sensitivity_json(catalog, doc))
    }

    fn robustness(&self, catalog: &Catalog, doc: &RobustnessDoc, _options: &Options) -> Result<String> {
        pretty(&super::tune::robustness_json(catalog, doc))
    }

    fn fit(&self, catalog: &Catalog, outcome: &FitOutcome, _options: &Options) -> Result<String> {
        pretty(&super::tune::fit_json(catalog, outcome))
    }
}

/// JSON Lines: one object per line, for streams of rows and teams.
pub struct Jsonl;

impl Report for Jsonl {
    fn name(&self) -> &'static str {
        "jsonl"
    }

    fn teams(&self, catalog: &Catalog, department: &Department, options: &Options) -> Result<String> {
        super::teams::jsonl(catalog, &department.teams, options)
    }
}
