//! Teams as core data: what a team needs, how far its members agree, which
//! framework it should adopt and what that costs whom.
//!
//! Members stream in one at a time ([`TeamAcc`], in [`acc`]); nothing here
//! keeps a member, so memory grows with teams and frameworks, never with
//! respondents. `batch --by-team` and the survey server's admin page both
//! accumulate through it, and `report` renders the finished [`Department`].
//!
//! - [`acc`]: accumulating members, merging batches, finishing a team;
//! - [`consensus`]: the social-choice rules over the members' matches;
//! - [`agreement`]: Kendall's W from the same tally;
//! - [`regret`]: the members a choice costs most.

pub mod acc;
pub mod agreement;
pub mod consensus;
pub mod regret;

use std::collections::BTreeMap;

pub use acc::{Context, Scratch, TeamAcc};
use consensus::Rule;
use regret::Named;

use crate::catalog::Catalog;
use crate::explain::Advice;
use crate::score::MethodId;
use crate::score::rows::RowRequire;

/// One scored member, as a team takes them in.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub name: &'a str,
    /// One per criterion, 0–5.
    pub needs: &'a [f64],
    pub require: &'a RowRequire,
    /// Criteria the member was not asked: unknown, not 0 (see [`acc`]).
    pub unasked: &'a [usize],
}

/// Whether framework `f` may be adopted: it competes in the consensus. One
/// place, so the status policy can change here alone.
pub fn may_be_adopted(catalog: &Catalog, f: usize) -> bool {
    catalog.frameworks[f].status.is_maintained()
}

/// "no team" for a blank team name.
pub fn team_label(team: &str) -> &str {
    if team.is_empty() { "no team" } else { team }
}

/// One rule's winner.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    pub rule: Rule,
    pub framework: usize,
    /// The winner's mean and lowest match over the members.
    pub mean: f64,
    pub min: f64,
    /// The member with the lowest match.
    pub lowest: String,
    /// The rule's own score (mean, lowest match, Borda points or approval share).
    pub score: f64,
}

/// A maintained framework some members' constraints rule out.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub framework: usize,
    pub members: u64,
    /// (member, constraint), the first few.
    pub examples: Vec<(String, String)>,
}

/// Which framework the rules pick, and who gives up what.
#[derive(Debug, Clone, PartialEq)]
pub struct Consensus {
    /// Frameworks that may be adopted and that every member allows.
    pub candidates: Vec<usize>,
    /// One per rule, in [`Rule::ALL`] order (empty without candidates).
    pub rules: Vec<RuleResult>,
    /// The recommended choice: the mean rule's winner.
    pub recommended: Option<usize>,
    /// Largest regrets under the recommended choice (value = points behind
    /// the member's own best, pick = that best).
    pub regrets: Vec<Named>,
    pub mean_regret: Option<f64>,
    pub conflicts: Vec<Conflict>,
}

/// A team's result.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamResult {
    pub team: String,
    /// Members scored.
    pub members: u64,
    pub rejected: u64,
    /// The names of the first [`acc::NAMED`] members scored, in input order.
    pub names: Vec<String>,
    /// The combined-needs ranking; `None` when no member was scored.
    pub advice: Option<Advice>,
    /// Share (0–1) of members whose own top pick is the combined winner.
    pub top_pick_share: Option<f64>,
    /// Kendall's W over the members' rankings of the combined candidates.
    pub kendall_w: Option<f64>,
    /// Members whose own pick is not the combined winner, most at odds first
    /// (value = how far the winner is behind their pick, by their needs).
    pub dissenters: Vec<Named>,
    pub consensus: Option<Consensus>,
    /// Set when some members were not asked some needs.
    pub unknown: Option<Unknown>,
}

/// What a team's unknown answers leave open (see [`acc`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unknown {
    /// Members who were not asked every need.
    pub members: u64,
    /// Whether the combined pick stays first whatever they would have
    /// answered; `None` for methods with no exact bound (not the weighted sum).
    pub settled: Option<bool>,
}

/// Every team of a run finished, everyone together, and the run's counts:
/// what the department report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Department {
    /// In team-name order.
    pub teams: Vec<TeamResult>,
    /// Everyone together.
    pub all: TeamResult,
    pub scored: u64,
    pub rejected: u64,
    /// How many respondents each framework fits best.
    pub top_picks: Vec<u64>,
    /// Per criterion, how many respondents answered 0, 1, … 5 (rounded).
    pub answers: Vec<[u64; 6]>,
    pub method: MethodId,
    pub approval_margin: f64,
}

/// The approval rule's margin unless one is given, in match points: a
/// member approves every framework this close to their own best
/// (`dlpick batch --approval-margin`, the survey server's team report).
pub const APPROVAL_MARGIN: f64 = 5.0;

/// Finish every team of `teams` and everyone together.
pub fn finish(ctx: &Context, teams: &BTreeMap<String, TeamAcc>) -> (Vec<TeamResult>, TeamResult) {
    let finished = teams.iter().map(|(name, acc)| acc.finish(ctx, name)).collect();
    let mut everyone = TeamAcc::new(ctx.catalog.criteria.len(), ctx.catalog.frameworks.len());
    for acc in teams.values() {
        everyone.merge(acc.clone());
    }
    (finished, everyone.finish(ctx, "everyone"))
}
