//! Teams, streamed: what a team needs is accumulated one member at a time,
//! per team and framework, never per member, so memory does not grow with
//! respondents.
//!
//! A [`TeamAcc`] keeps
//! - for the combined-needs profile: the sums of the members' needs and the
//!   union of their constraints (every exclusion, every required language,
//!   the highest floor, the strictest policy on unmaintained frameworks, deep learning
//!   only unless everyone opts out);
//! - for the consensus rules ([`super::consensus`]) and the agreement
//!   ([`super::agreement`]): per framework the sum
//!   and the lowest of the members' own matches (and who has it), approval
//!   counts, own-top-pick counts, the pairwise matrix of members'
//!   preferences and the members' tie groups, and bounded lists of the
//!   largest regrets ([`super::regret`]);
//! - which frameworks may be adopted by everyone (the intersection of the
//!   members' allowed frameworks) and, for a framework some member rules
//!   out, how many do and a few examples naming the constraint.
//!
//! A need a member was not asked (the adaptive questionnaire stops once no
//! answer can change their top pick) is unknown, not "doesn't matter":
//! - the combined need of a criterion is the mean over the members who
//!   answered it (0 when nobody did), and the team's result says whether
//!   its combined pick stays first whatever the others would have answered
//!   ([`super::Unknown`]: the true mean of everyone then lies between the
//!   answered sum over all members and that sum plus 5 per unknown answer);
//! - for the consensus rules, agreement and regrets, each framework counts
//!   with the member's *guaranteed* match: the lowest it could have for
//!   them whatever they would answer to what they were not asked (their
//!   worst case for it; [`crate::score::adaptive::lowest_match`]). So no
//!   team pick rests on an answer a member never gave. The member's own
//!   top pick is the one their answers settled.
//!
//! Accumulators of consecutive batches are merged in input order, so a run
//! gives the same figures whatever the number of threads.

use std::collections::BTreeMap;

use super::consensus::{Rule, Tally};
use super::regret::{Named, TOP_K, push_top};
use super::{Conflict, Consensus, Member, RuleResult, TeamResult, agreement, may_be_adopted, team_label};
use crate::catalog::Catalog;
use crate::catalog::SCALE_MAX;
use crate::explain::{constraint_words, explain, thousands};
use crate::profile::{InactivePolicy, Profile};
use crate::score::adaptive::{Bounds, lowest_match, settled_for};
use crate::score::rows::{Pick, RowRequire, Scorer};
use crate::score::{Standing, rank, reasons, routed, tie_key};

/// The stricter of two policies for unmaintained frameworks: a team keeps
/// them in its combined ranking only if every member does.
fn stricter(a: Option<InactivePolicy>, b: InactivePolicy) -> InactivePolicy {
    use InactivePolicy::{Exclude, Rank, Separate};
    match (a, b) {
        (None, p) => p,
        (Some(Exclude), _) | (_, Exclude) => Exclude,
        (Some(Rank), Rank) => Rank,
        _ => Separate,
    }
}

/// What adding a member needs besides the member.
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    pub scorer: &'a Scorer,
    /// Frameworks that may be adopted, as a mask.
    pub adoptable: u64,
    /// The approval margin as a difference of tie keys.
    pub margin_key: i64,
}

impl<'a> Context<'a> {
    pub fn new(catalog: &'a Catalog, scorer: &'a Scorer, approval_margin: f64) -> Self {
        let adoptable =
            (0..catalog.frameworks.len()).filter(|&f| may_be_adopted(catalog, f)).fold(0u64, |m, f| m | (1 << f));
        Self { catalog, scorer, adoptable, margin_key: tie_key(approval_margin) }
    }
}

/// Scratch space reused from member to member.
#[derive(Default)]
pub struct Scratch {
    effective: Vec<f64>,
    picks: Vec<Pick>,
    scores: Vec<f64>,
    keys: Vec<i64>,
}

/// Members named per team (in a decision record), the first in input order.
pub const NAMED: usize = 50;

/// One team's running aggregates.
#[derive(Debug, Clone)]
pub struct TeamAcc {
    pub members: u64,
    pub rejected: u64,
    /// The first [`NAMED`] members' names.
    names: Vec<String>,
    need_sums: Vec<f64>,
    /// Per criterion: members who answered it, and who were not asked it.
    need_counts: Vec<u64>,
    need_unknown: Vec<u64>,
    /// Members with any need not asked.
    unknown_members: u64,
    require: RowRequire,
    /// Frameworks every member's constraints allow.
    allowed: u64,
    sum: Vec<f64>,
    min: Vec<f64>,
    min_who: Vec<String>,
    approve: Vec<u64>,
    /// Members whose own top pick (under their own constraints) is f.
    top: Vec<u64>,
    /// Largest regrets under f: own best adoptable match minus f's.
    regrets: Vec<Vec<Named>>,
    /// Members whose own top pick is not f, by how far f is behind it.
    dissent: Vec<Vec<Named>>,
    pair: Vec<u64>,
    /// Tie groups of the members' own matches (mask → members).
    ties: BTreeMap<u64, u64>,
    best_sum: f64,
    /// Members whose own constraints leave no framework that may be adopted.
    no_best: u64,
    /// Per framework: members whose constraints rule it out, and examples
    /// (member, constraint).
    ruled_out: Vec<(u64, Vec<(String, String)>)>,
}

impl TeamAcc {
    pub fn new(criteria: usize, frameworks: usize) -> Self {
        Self {
            members: 0,
            rejected: 0,
            names: Vec::new(),
            need_sums: vec![0.0; criteria],
            need_counts: vec![0; criteria],
            need_unknown: vec![0; criteria],
            unknown_members: 0,
            require: RowRequire { deep_learning: false, ..RowRequire::default() },
            allowed: if frameworks == 64 { u64::MAX } else { (1u64 << frameworks) - 1 },
            sum: vec![0.0; frameworks],
            min: vec![f64::INFINITY; frameworks],
            min_who: vec![String::new(); frameworks],
            approve: vec![0; frameworks],
            top: vec![0; frameworks],
            regrets: vec![Vec::new(); frameworks],
            dissent: vec![Vec::new(); frameworks],
            pair: vec![0; frameworks * frameworks],
            ties: BTreeMap::new(),
            best_sum: 0.0,
            no_best: 0,
            ruled_out: vec![(0, Vec::new()); frameworks],
        }
    }

    fn frameworks(&self) -> usize {
        self.sum.len()
    }

    /// Add one scored member; `own_top` is their top pick under their own
    /// constraints. `ranked`, when given, is the member's ranking of every
    /// framework (saves ranking again under the weighted sum).
    #[allow(clippy::many_single_char_names)]
    pub fn add(
        &mut self,
        ctx: &Context,
        r: &Member<'_>,
        own_top: Option<usize>,
        ranked: Option<&[Pick]>,
        s: &mut Scratch,
    ) {
        let n = self.frameworks();
        self.members += 1;
        if self.names.len() < NAMED {
            self.names.push(r.name.to_string());
        }
        for (c, need) in r.needs.iter().enumerate() {
            if r.unasked.contains(&c) {
                self.need_unknown[c] += 1;
            } else {
                self.need_sums[c] += need;
                self.need_counts[c] += 1;
            }
        }
        if !r.unasked.is_empty() {
            self.unknown_members += 1;
        }
        let u = &mut self.require;
        u.add_routes(&r.require.routes);
        u.exclude |= r.require.exclude;
        u.inactive = Some(stricter(u.inactive, r.require.inactive.unwrap_or(ctx.scorer.inactive)));
        u.deep_learning |= r.require.deep_learning;
        for &(c, floor) in &r.require.min {
            match u.min.iter_mut().find(|(k, _)| *k == c) {
                Some((_, f)) => *f = f.max(floor),
                None => u.min.push((c, floor)),
            }
        }
        let own = ctx.scorer.candidates(r.require);
        self.allowed &= own;

        // The member's own match for every framework.
        let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        let picks = if let Some(ranked) = ranked {
            ranked
        } else {
            let routed = ctx.scorer.routed_matrix(r.require);
            ctx.scorer.rank_into(r.needs, all, routed.as_ref(), &mut s.effective, &mut s.picks);
            &s.picks[..]
        };
        s.scores.clear();
        s.scores.resize(n, 0.0);
        s.keys.clear();
        s.keys.resize(n, 0);
        for p in picks {
            s.scores[p.framework] = p.score.get();
            s.keys[p.framework] = p.key;
        }
        if !r.unasked.is_empty() {
            guaranteed(ctx, r, s);
        }
        let mine = own & ctx.adoptable;
        let best = (0..n).filter(|f| mine & (1 << f) != 0).min_by_key(|&f| Standing::of_key(s.keys[f], f));
        match best {
            Some(b) => self.best_sum += s.scores[b],
            None => self.no_best += 1,
        }
        if let Some(t) = own_top {
            self.top[t] += 1;
        }
        for f in 0..n {
            let score = s.scores[f];
            self.sum[f] += score;
            if score < self.min[f] {
                self.min[f] = score;
                self.min_who[f].clear();
                self.min_who[f].push_str(r.name);
            }
            if let Some(b) = best {
                if s.keys[b] - s.keys[f] <= ctx.margin_key {
                    self.approve[f] += 1;
                }
                push_top(&mut self.regrets[f], s.scores[b] - score, r.name, b);
            }
            if let Some(t) = own_top.filter(|t| *t != f) {
                push_top(&mut self.dissent[f], s.scores[t] - score, r.name, t);
            }
        }
        agreement::add_pairs(&mut self.pair, &s.keys);
        agreement::tie_groups(&s.keys, |g| *self.ties.entry(g).or_insert(0) += 1);
        let mut out = ctx.adoptable & !own;
        let mut require = None;
        while out != 0 {
            let f = out.trailing_zeros() as usize;
            out &= out - 1;
            let entry = &mut self.ruled_out[f];
            entry.0 += 1;
            if entry.1.len() < TOP_K {
                // The constraints as a profile's, to find and word the one
                // that rules f out as advice does.
                let require = require.get_or_insert_with(|| r.require.to_require(ctx.catalog));
                let why = constraint_words(ctx.catalog, f, &reasons(ctx.catalog, f, require));
                entry.1.push((r.name.to_string(), why));
            }
        }
    }

    /// Add the accumulator of the rows that come after these.
    pub fn merge(&mut self, later: TeamAcc) {
        self.members += later.members;
        self.rejected += later.rejected;
        let room = NAMED.saturating_sub(self.names.len());
        self.names.extend(later.names.into_iter().take(room));
        for (a, b) in self.need_sums.iter_mut().zip(&later.need_sums) {
            *a += b;
        }
        for (a, b) in self.need_counts.iter_mut().zip(&later.need_counts) {
            *a += b;
        }
        for (a, b) in self.need_unknown.iter_mut().zip(&later.need_unknown) {
            *a += b;
        }
        self.unknown_members += later.unknown_members;
        let u = &mut self.require;
        u.add_routes(&later.require.routes);
        u.exclude |= later.require.exclude;
        if let Some(p) = later.require.inactive {
            u.inactive = Some(stricter(u.inactive, p));
        }
        u.deep_learning |= later.require.deep_learning;
        for (c, floor) in later.require.min {
            match u.min.iter_mut().find(|(k, _)| *k == c) {
                Some((_, f)) => *f = f.max(floor),
                None => u.min.push((c, floor)),
            }
        }
        self.allowed &= later.allowed;
        for f in 0..self.frameworks() {
            self.sum[f] += later.sum[f];
            if later.min[f] < self.min[f] {
                self.min[f] = later.min[f];
                self.min_who[f].clone_from(&later.min_who[f]);
            }
            self.approve[f] += later.approve[f];
            self.top[f] += later.top[f];
            for e in &later.regrets[f] {
                push_top(&mut self.regrets[f], e.value, &e.name, e.pick);
            }
            for e in &later.dissent[f] {
                push_top(&mut self.dissent[f], e.value, &e.name, e.pick);
            }
            let (count, examples) = &later.ruled_out[f];
            let entry = &mut self.ruled_out[f];
            entry.0 += count;
            let room = TOP_K.saturating_sub(entry.1.len());
            entry.1.extend(examples.iter().take(room).cloned());
        }
        for (a, b) in self.pair.iter_mut().zip(&later.pair) {
            *a += b;
        }
        for (g, c) in later.ties {
            *self.ties.entry(g).or_insert(0) += c;
        }
        self.best_sum += later.best_sum;
        self.no_best += later.no_best;
    }

    /// The team's combined ranking, agreement and consensus.
    pub fn finish(&self, ctx: &Context, team: &str) -> TeamResult {
        let catalog = ctx.catalog;
        let mut result = TeamResult {
            team: team.to_string(),
            members: self.members,
            rejected: self.rejected,
            names: self.names.clone(),
            advice: None,
            top_pick_share: None,
            kendall_w: None,
            dissenters: Vec::new(),
            consensus: None,
            unknown: None,
        };
        if self.members == 0 {
            return result;
        }
        #[allow(clippy::cast_precision_loss)]
        let m = self.members as f64;
        let mut require = self.require.to_require(catalog);
        require.min.sort_by_key(|(c, _)| *c);
        let profile = Profile {
            name: team_label(team).to_string(),
            description: Some(if self.members == 1 {
                "the needs of one member".to_string()
            } else {
                format!("the combined needs of {} members", thousands(self.members))
            }),
            needs: self
                .need_sums
                .iter()
                .zip(&self.need_counts)
                .map(|(s, &n)| {
                    #[allow(clippy::cast_precision_loss)]
                    if n == 0 { 0.0 } else { s / n as f64 }
                })
                .collect(),
            require,
            chosen: None,
            unasked: Vec::new(),
        };
        let matrix = &ctx.scorer.matrix;
        let ranking = rank(catalog, matrix, &profile, ctx.scorer.method.method());
        let candidates: Vec<usize> = ranking.ranked.iter().map(|r| r.framework).collect();
        let winner = candidates.first().copied();
        if self.unknown_members > 0 {
            result.unknown = Some(self.unknown(ctx, &profile.require, &candidates, winner, m));
        }
        result.advice = Some(explain(catalog, matrix, profile, ranking));

        let tally = self.tally();
        let mut sorted = candidates.clone();
        sorted.sort_unstable();
        let mask = sorted.iter().fold(0u64, |acc, f| acc | (1 << f));
        result.kendall_w = tally.kendall_w(&sorted, agreement::tie_correction(&self.ties, mask));
        if let Some(w) = winner {
            #[allow(clippy::cast_precision_loss)]
            let share = self.top[w] as f64 / m;
            result.top_pick_share = Some(share);
            result.dissenters.clone_from(&self.dissent[w]);
        }
        result.consensus = Some(self.consensus(ctx));
        result
    }

    /// What the unknown answers leave open: whether the combined pick stays
    /// first for every mean the members' full answers could give.
    fn unknown(
        &self,
        ctx: &Context,
        require: &crate::profile::Require,
        competing: &[usize],
        winner: Option<usize>,
        m: f64,
    ) -> super::Unknown {
        let settled = (ctx.scorer.method == crate::score::MethodId::WeightedSum).then(|| {
            let bounds = Bounds {
                lo: self.need_sums.iter().map(|s| s / m).collect(),
                #[allow(clippy::cast_precision_loss)]
                hi: self
                    .need_sums
                    .iter()
                    .zip(&self.need_unknown)
                    .map(|(s, &u)| (s + SCALE_MAX * u as f64) / m)
                    .collect(),
            };
            let matrix = ctx.scorer.matrix.with_routed(&routed(ctx.catalog, require));
            winner.is_none_or(|w| settled_for(&matrix, competing, &bounds, w))
        });
        super::Unknown { members: self.unknown_members, settled }
    }

    fn tally(&self) -> Tally<'_> {
        Tally {
            frameworks: self.frameworks(),
            members: self.members,
            sum: &self.sum,
            min: &self.min,
            approve: &self.approve,
            pair: &self.pair,
        }
    }

    fn consensus(&self, ctx: &Context) -> Consensus {
        let tally = self.tally();
        let candidates: Vec<usize> =
            (0..self.frameworks()).filter(|&f| (ctx.adoptable & self.allowed) & (1 << f) != 0).collect();
        let rules: Vec<RuleResult> = Rule::ALL
            .iter()
            .filter_map(|&rule| {
                let f = tally.winner(rule, &candidates)?;
                Some(RuleResult {
                    rule,
                    framework: f,
                    mean: tally.mean(f),
                    min: self.min[f],
                    lowest: self.min_who[f].clone(),
                    score: tally.score(rule, f, &candidates),
                })
            })
            .collect();
        let recommended = rules.first().map(|r| r.framework);
        #[allow(clippy::cast_precision_loss)]
        let with_best = (self.members - self.no_best) as f64;
        let (regrets, mean_regret) = match recommended {
            Some(f) if with_best > 0.0 => {
                // Σ (best − match) over members with a best; every member
                // who may adopt f has one.
                (self.regrets[f].clone(), Some(self.best_sum / with_best - tally.mean(f)))
            }
            _ => (Vec::new(), None),
        };
        // A conflict: a framework that may be adopted, which some members'
        // constraints rule out and others' do not (or any, when nothing is
        // left). One everybody rules out (say, not deep learning) is not.
        let conflicts = (0..self.frameworks())
            .filter(|&f| {
                let out = self.ruled_out[f].0;
                ctx.adoptable & (1 << f) != 0 && out > 0 && (out < self.members || candidates.is_empty())
            })
            .map(|f| Conflict { framework: f, members: self.ruled_out[f].0, examples: self.ruled_out[f].1.clone() })
            .collect();
        Consensus { candidates, rules, recommended, regrets, mean_regret, conflicts }
    }
}

/// Replace the member's matches with their guaranteed ones: for each
/// framework the lowest match it can have whatever the member would answer
/// to the needs they were not asked.
fn guaranteed(ctx: &Context, r: &Member<'_>, s: &mut Scratch) {
    let routed = ctx.scorer.routed_matrix(r.require);
    let matrix = routed.as_ref().unwrap_or(&ctx.scorer.matrix);
    let mut bounds = Bounds { lo: r.needs.to_vec(), hi: r.needs.to_vec() };
    for &c in r.unasked {
        bounds.lo[c] = 0.0;
        bounds.hi[c] = SCALE_MAX;
    }
    for f in 0..s.scores.len() {
        if let Some(low) = lowest_match(matrix, &bounds, f) {
            s.scores[f] = low;
            s.keys[f] = tie_key(low);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member((name, needs, require): &(String, Vec<f64>, RowRequire)) -> Member<'_> {
        Member { name, needs, require, unasked: &[] }
    }

    #[test]
    fn unknown_needs_count_as_unknown_not_as_zero() {
        use crate::score::{Method as _, WeightedSum};
        let catalog = Catalog::builtin().unwrap();
        let scorer = Scorer::new(&catalog, crate::score::MethodId::WeightedSum, InactivePolicy::Rank).unwrap();
        let ctx = Context::new(&catalog, &scorer, 5.0);
        let (c, n) = (catalog.criteria.len(), catalog.frameworks.len());
        let require = RowRequire { deep_learning: false, ..RowRequire::default() };
        // Ana answered everything; Ben was not asked criteria 1 and 2.
        let mut ana = vec![1.0; c];
        ana[0] = 5.0;
        ana[1] = 3.0;
        let mut ben = vec![0.0; c];
        ben[0] = 4.0;
        ben[3] = 2.0;
        let mut acc = TeamAcc::new(c, n);
        let mut s = Scratch::default();
        acc.add(&ctx, &Member { name: "ana", needs: &ana, require: &require, unasked: &[] }, None, None, &mut s);
        acc.add(&ctx, &Member { name: "ben", needs: &ben, require: &require, unasked: &[1, 2] }, None, None, &mut s);
        let result = acc.finish(&ctx, "t");
        // Combined needs: criteria 1 and 2 are Ana's alone (3 and 1), not
        // halved by Ben's unknown answers; the rest are means of both.
        let needs = &result.advice.as_ref().unwrap().profile.needs;
        assert!((needs[0] - 4.5).abs() < 1e-12 && (needs[1] - 3.0).abs() < 1e-12 && (needs[2] - 1.0).abs() < 1e-12);
        assert!((needs[3] - 1.5).abs() < 1e-12 && (needs[4] - 0.5).abs() < 1e-12);
        assert_eq!(result.unknown.map(|u| u.members), Some(1));
        // Ben counts with his worst case for each framework: the lowest match
        // over the four corners of his unknown needs (each 0 or 5), found
        // here by brute force.
        let matrix = &scorer.matrix;
        let all: Vec<usize> = (0..n).collect();
        let match_of = |needs: &[f64]| WeightedSum.matches(matrix, &matrix.effective_weights(needs), &all);
        let ana_matches = match_of(&ana);
        for (f, ana_match) in ana_matches.iter().enumerate() {
            let mut lowest = f64::INFINITY;
            for corner in 0..4u8 {
                let mut needs = ben.clone();
                needs[1] = if corner & 1 == 0 { 0.0 } else { 5.0 };
                needs[2] = if corner & 2 == 0 { 0.0 } else { 5.0 };
                lowest = lowest.min(match_of(&needs)[f]);
            }
            assert!((acc.sum[f] - (ana_match + lowest)).abs() < 1e-9, "framework {f}");
            assert!((acc.min[f] - ana_match.min(lowest)).abs() < 1e-9, "framework {f}");
        }
    }

    #[test]
    fn merging_batches_equals_one_pass() {
        let catalog = Catalog::builtin().unwrap();
        let scorer = Scorer::new(&catalog, crate::score::MethodId::WeightedSum, InactivePolicy::Rank).unwrap();
        let ctx = Context::new(&catalog, &scorer, 5.0);
        let (c, n) = (catalog.criteria.len(), catalog.frameworks.len());
        let members: Vec<(String, Vec<f64>, RowRequire)> = (0..40)
            .map(|i| {
                (
                    format!("m{i}"),
                    (0..c).map(|k| f64::from(u8::try_from((i * 7 + k * 3) % 6).unwrap())).collect(),
                    RowRequire { deep_learning: true, exclude: u64::from(i % 9 == 0), ..RowRequire::default() },
                )
            })
            .collect();
        let mut s = Scratch::default();
        let mut one = TeamAcc::new(c, n);
        for m in &members {
            one.add(&ctx, &member(m), None, None, &mut s);
        }
        let mut merged = TeamAcc::new(c, n);
        for chunk in members.chunks(7) {
            let mut part = TeamAcc::new(c, n);
            for m in chunk {
                part.add(&ctx, &member(m), None, None, &mut s);
            }
            merged.merge(part);
        }
        let picks = |a: &TeamAcc| {
            let c = a.finish(&ctx, "t").consensus.unwrap();
            c.rules.iter().map(|r| (r.framework, (r.mean * 1e9).round(), r.min.to_bits())).collect::<Vec<_>>()
        };
        assert_eq!(picks(&one), picks(&merged));
        assert_eq!(one.pair, merged.pair);
        assert_eq!(one.regrets, merged.regrets);
        assert_eq!(one.names, merged.names);
        assert_eq!(one.names.len(), 40);
        assert_eq!(one.names[39], "m39");
    }
}
