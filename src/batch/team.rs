//! Teams: members' profiles combined into one, and how much they agree.
//!
//! The team profile takes the mean of the members' needs and the union of
//! their constraints (every exclusion, every required language, the highest
//! floor, `active_only` if anyone asks for it, deep learning only unless
//! everyone opts out). Agreement is reported three ways: the share of members
//! whose own top pick is the team's, Kendall's coefficient of concordance W
//! over the members' rankings of the team's candidates (1 = identical
//! rankings, 0 = no agreement), and the members whose own pick differs most.

use super::scorer::{Pick, RowRequire, Scorer};
use super::source::Respondent;
use crate::catalog::Catalog;
use crate::explain::{Advice, explain};
use crate::profile::InactivePolicy;
use crate::score::rank;

/// One member, as needed to combine and compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    pub needs: Vec<f64>,
    pub require: RowRequire,
    /// The member's own top pick under their own constraints.
    pub top: Option<usize>,
}

/// A member whose own pick is not the team's.
#[derive(Debug, Clone, PartialEq)]
pub struct Dissenter {
    pub name: String,
    pub pick: usize,
    /// How far the team's pick is behind the member's own, by the member's needs.
    pub behind: f64,
}

/// A team's combined result.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamResult {
    pub team: String,
    pub members: usize,
    pub advice: Advice,
    /// Share (0–1) of members whose own top pick is the team's.
    pub top_pick_share: Option<f64>,
    /// Kendall's W over the members' rankings of the team's candidates.
    pub kendall_w: Option<f64>,
    /// Members whose pick differs, most at odds first (at most three).
    pub dissenters: Vec<Dissenter>,
}

/// The stricter of two policies for unmaintained frameworks: a team keeps
/// them in the ranking only if every member does.
fn stricter(a: Option<InactivePolicy>, b: InactivePolicy) -> InactivePolicy {
    use InactivePolicy::{Exclude, Rank, Separate};
    match (a, b) {
        (None, p) => p,
        (Some(Exclude), _) | (_, Exclude) => Exclude,
        (Some(Rank), Rank) => Rank,
        _ => Separate,
    }
}

/// Combine `members` of `team` and explain the team's ranking.
pub fn combine(catalog: &Catalog, scorer: &Scorer, team: &str, members: &[Member]) -> TeamResult {
    let criteria = catalog.criteria.len();
    #[allow(clippy::cast_precision_loss)]
    let m = members.len() as f64;
    let mut combined = Respondent {
        name: if team.is_empty() { "(no team)".to_string() } else { team.to_string() },
        needs: vec![0.0; criteria],
        require: RowRequire { deep_learning: false, ..RowRequire::default() },
        ..Respondent::default()
    };
    for member in members {
        for (sum, need) in combined.needs.iter_mut().zip(&member.needs) {
            *sum += need / m;
        }
        let r = &mut combined.require;
        r.languages |= member.require.languages;
        r.exclude |= member.require.exclude;
        r.inactive = Some(stricter(r.inactive, member.require.inactive.unwrap_or(scorer.inactive)));
        r.deep_learning |= member.require.deep_learning;
        for &(c, floor) in &member.require.min {
            match r.min.iter_mut().find(|(k, _)| *k == c) {
                Some((_, f)) => *f = f.max(floor),
                None => r.min.push((c, floor)),
            }
        }
    }
    combined.require.min.sort_by_key(|(c, _)| *c);
    let mut profile = combined.to_profile(catalog);
    profile.description =
        Some(format!("{} member{} combined", members.len(), if members.len() == 1 { "" } else { "s" }));

    let matrix = &scorer.matrix;
    let ranking = rank(catalog, matrix, &profile, scorer.method.method());
    let candidates: Vec<usize> = ranking.ranked.iter().map(|r| r.framework).collect();
    let winner = candidates.first().copied();
    let advice = explain(catalog, matrix, profile, ranking);

    let top_pick_share = winner.map(|w| {
        #[allow(clippy::cast_precision_loss)]
        let agreeing = members.iter().filter(|mem| mem.top == Some(w)).count() as f64;
        agreeing / m
    });

    // Each member's ranking of the team's candidates, by the member's needs.
    let mut effective = Vec::new();
    let mut picks = Vec::new();
    let candidate_mask = candidates.iter().fold(0u64, |acc, f| acc | (1 << f));
    let rankings: Vec<Vec<f64>> = members
        .iter()
        .map(|mem| {
            scorer.rank_into(&mem.needs, candidate_mask, &mut effective, &mut picks);
            ranks_with_ties(&picks, &candidates)
        })
        .collect();
    let kendall_w = kendall_w(&rankings);

    let mut dissenters: Vec<Dissenter> = match winner {
        None => Vec::new(),
        Some(w) => members
            .iter()
            .filter_map(|mem| {
                let pick = mem.top.filter(|t| *t != w)?;
                let all = u64::MAX >> (64 - catalog.frameworks.len());
                scorer.rank_into(&mem.needs, all, &mut effective, &mut picks);
                let score_of = |f: usize| picks.iter().find(|p| p.framework == f).map_or(0.0, |p| p.score);
                Some(Dissenter { name: mem.name.clone(), pick, behind: score_of(pick) - score_of(w) })
            })
            .collect(),
    };
    dissenters.sort_by(|a, b| b.behind.total_cmp(&a.behind).then_with(|| a.name.cmp(&b.name)));
    dissenters.truncate(3);

    TeamResult { team: team.to_string(), members: members.len(), advice, top_pick_share, kendall_w, dissenters }
}

/// Ranks (1 = best) of `candidates` in `picks`' order, tied scores sharing
/// the mean of their positions.
fn ranks_with_ties(picks: &[Pick], candidates: &[usize]) -> Vec<f64> {
    let mut ranks = vec![0.0; candidates.len()];
    let mut i = 0;
    while i < picks.len() {
        let mut j = i;
        while j + 1 < picks.len() && picks[j + 1].key == picks[i].key {
            j += 1;
        }
        #[allow(clippy::cast_precision_loss)]
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for p in &picks[i..=j] {
            if let Some(k) = candidates.iter().position(|c| *c == p.framework) {
                ranks[k] = mean;
            }
        }
        i = j + 1;
    }
    ranks
}

/// Kendall's W for `rankings` (one vector of ranks per rater, same objects),
/// with the correction for tied ranks. `None` with fewer than two raters or
/// objects, or when every rater ties everything.
#[allow(clippy::many_single_char_names)] // m, n, S, T as in the textbook formula
pub fn kendall_w(rankings: &[Vec<f64>]) -> Option<f64> {
    let m = rankings.len();
    let n = rankings.first()?.len();
    if m < 2 || n < 2 || rankings.iter().any(|r| r.len() != n) {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let (mf, nf) = (m as f64, n as f64);
    let totals: Vec<f64> = (0..n).map(|j| rankings.iter().map(|r| r[j]).sum()).collect();
    let mean = mf * (nf + 1.0) / 2.0;
    let s: f64 = totals.iter().map(|t| (t - mean).powi(2)).sum();
    let ties: f64 = rankings
        .iter()
        .map(|r| {
            let mut sorted = r.clone();
            sorted.sort_by(f64::total_cmp);
            let mut t = 0.0;
            let mut i = 0;
            while i < sorted.len() {
                let mut j = i;
                while j + 1 < sorted.len() && (sorted[j + 1] - sorted[i]).abs() < 1e-12 {
                    j += 1;
                }
                #[allow(clippy::cast_precision_loss)]
                let g = (j - i + 1) as f64;
                t += g.powi(3) - g;
                i = j + 1;
            }
            t
        })
        .sum();
    let denominator = mf * mf * (nf.powi(3) - nf) - mf * ties;
    (denominator > 0.0).then(|| 12.0 * s / denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement_is_one_and_reversal_of_two_is_zero() {
        let same = vec![vec![1.0, 2.0, 3.0]; 4];
        assert!((kendall_w(&same).unwrap() - 1.0).abs() < 1e-12);
        let opposed = vec![vec![1.0, 2.0, 3.0], vec![3.0, 2.0, 1.0]];
        assert!(kendall_w(&opposed).unwrap().abs() < 1e-12);
    }

    #[test]
    fn matches_a_hand_calculation() {
        // Three raters, four objects:
        //   A: 1 2 3 4   B: 2 1 3 4   C: 1 3 2 4   → totals 4 6 8 12, mean 7.5
        //   S = 12.25 + 2.25 + 0.25 + 20.25 = 35
        //   W = 12·35 / (9·(64 − 4)) = 420 / 540 = 0.7778
        let r = vec![vec![1.0, 2.0, 3.0, 4.0], vec![2.0, 1.0, 3.0, 4.0], vec![1.0, 3.0, 2.0, 4.0]];
        assert!((kendall_w(&r).unwrap() - 420.0 / 540.0).abs() < 1e-12);
    }

    #[test]
    fn ties_are_corrected() {
        // Two raters, three objects; B ties the last two (ranks 2.5, 2.5).
        // totals 2, 4.5, 5.5; mean 4; S = 4 + 0.25 + 2.25 = 6.5
        // T_B = 2³ − 2 = 6; W = 12·6.5 / (4·24 − 2·6) = 78 / 84
        let r = vec![vec![1.0, 2.0, 3.0], vec![1.0, 2.5, 2.5]];
        assert!((kendall_w(&r).unwrap() - 78.0 / 84.0).abs() < 1e-12);
    }

    #[test]
    fn too_few_raters_or_objects_give_none() {
        assert_eq!(kendall_w(&[vec![1.0, 2.0]]), None);
        assert_eq!(kendall_w(&[vec![1.0], vec![1.0]]), None);
    }
}
