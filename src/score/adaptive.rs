//! Asking only what can still change the answer: the settled test and the
//! next question of the adaptive questionnaire, for the weighted sum.
//!
//! # The rule
//!
//! What is known of a profile's needs is a box: an answered need is one
//! value, an unanswered one anything from 0 to 5 ([`Bounds`]; a team's
//! combined needs give other intervals). The **top pick is settled** when
//! one framework stands first in the ranking (ties as the ranking breaks
//! them) for every point of the box, so no answer to the questions left can
//! change it. Then:
//!
//! 1. Requirement questions come first (languages, targets, hardware, the
//!    policy on unmaintained frameworks, exclusions): they decide which
//!    frameworks compete and, through required routes, the matrix itself
//!    ([`Matrix::for_require`]), so needs are weighed only once they are
//!    known.
//! 2. Then, while the pick is not settled, the unanswered need whose answer
//!    can move the leader's margin over a rival it has not yet beaten for
//!    sure the most: the largest (hi − lo)·w_k·|s_fk − s_gk| over those
//!    rivals g (match points times the common denominator), the first in
//!    question order on a tie. Before any need above 0 is answered there is
//!    no leader, and the need on which the competing frameworks differ
//!    most (w_k times the spread of their scores) comes first.
//!
//! # Why the test is exact
//!
//! With e_k = n_k·w_k, the weighted sum gives f the match
//! m_f = 100·Σ e_k s_fk / (5·Σ e_k), so f's lead over g is
//! m_f − m_g = 20·Σ n_k w_k d_k / Σ n_k w_k with d_k = s_fk − s_gk: the
//! denominator is shared, and the lead is a ratio of two functions linear
//! in the needs. Over a box the lowest value of such a ratio (with a
//! positive denominator) is reached at a corner, and that corner is found
//! greedily: start with every need at its low end, then raise to the high
//! end, in increasing order of d_k, each need whose d_k is below the current
//! ratio (raising one lowers the ratio exactly then, since the new ratio is
//! a weighted mean of the old one and d_k). This is [`worst_lead`], one sort
//! per rival. The leader f (the ranking's first at the box's low corner)
//! stays first everywhere if and only if, for every rival g, that lowest
//! lead keeps f ahead under the ranking's own tie rule ([`super::Standing`]:
//! matches equal to within the tie unit of 10⁻⁶, then the framework listed
//! first):
//!
//! - when f is listed before g, a lowest lead of 0 or more keeps f first
//!   (an exact tie is broken in f's favour);
//! - when g is listed first, f must lead by at least one tie unit, since a
//!   smaller lead can round to a tie, which g wins.
//!
//! The one place the test is not an equivalence is that last band: a lowest
//! lead above 0 but below 10⁻⁶ of a match point may or may not round to a
//! tie depending on where the millionths fall, and the test then says "not
//! settled" and asks on (sound, never a wrong verdict). With no need left
//! unanswered the box is a point and the ranking itself decides.
//!
//! A box whose low corner states no needs (every need answered 0 or
//! unanswered) contains a profile that is not a recommendation at all, so
//! nothing is settled until some need above 0 has been answered; then the
//! saved answers, with the unasked needs left at 0, are a profile whose top
//! pick `recommend` gives as the verdict's.
//!
//! Only the weighted sum has this structure. The weighted product and
//! TOPSIS (whose ideal point moves with every weight) have no such exact
//! bound, so the adaptive questionnaire is for the weighted sum alone.

use super::{Matrix, Standing, field, tie_key, weighted_sum_ranking};
use crate::catalog::{Catalog, RouteKind, SCALE_MAX};
use crate::profile::Require;

/// The tie unit of the ranking, in match points (see [`super::tie_key`]).
const TIE: f64 = 1e-6;
/// Rounding room on top of it: a lead this close to the band's edge is
/// treated as inside the band.
const SLACK: f64 = 1e-9;

/// What is known of each criterion's need: it lies in `[lo, hi]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

impl Bounds {
    /// An answered need is its value; an unanswered one is 0 to 5.
    pub fn from_answers(answers: &[Option<f64>]) -> Self {
        Self {
            lo: answers.iter().map(|a| a.unwrap_or(0.0)).collect(),
            hi: answers.iter().map(|a| a.unwrap_or(SCALE_MAX)).collect(),
        }
    }

    /// The criteria whose need is not known.
    pub fn open(&self) -> Vec<usize> {
        (0..self.lo.len()).filter(|&k| self.hi[k] > self.lo[k]).collect()
    }
}

/// The lowest lead of `f` over `g`, in match points, over every need
/// vector of `bounds` (see the module's proof sketch); `None` when the
/// box's low corner states no needs.
pub fn worst_lead(matrix: &Matrix, bounds: &Bounds, f: usize, g: usize) -> Option<f64> {
    let (row_f, row_g) = (matrix.row(f), matrix.row(g));
    lowest(matrix, bounds, |k| row_f[k] - row_g[k])
}

/// The lowest match `f` can have for any need vector of `bounds` (its
/// "guaranteed" match); `None` when the box's low corner states no needs.
pub fn lowest_match(matrix: &Matrix, bounds: &Bounds, f: usize) -> Option<f64> {
    let row = matrix.row(f);
    lowest(matrix, bounds, |k| row[k])
}

/// The lowest of 100/5 · Σ w_k x_k v_k / Σ w_k x_k over the box (the
/// module's greedy corner search).
fn lowest(matrix: &Matrix, bounds: &Bounds, value: impl Fn(usize) -> f64) -> Option<f64> {
    let mut num = 0.0;
    let mut den = 0.0;
    // Each raisable need: (v_k, w_k · (hi − lo)).
    let mut raise: Vec<(f64, f64)> = Vec::new();
    for k in 0..matrix.criteria {
        let w = matrix.weights[k];
        let d = value(k);
        num += w * bounds.lo[k] * d;
        den += w * bounds.lo[k];
        let span = w * (bounds.hi[k] - bounds.lo[k]);
        if span > 0.0 {
            raise.push((d, span));
        }
    }
    if den <= 0.0 {
        return None;
    }
    raise.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (d, span) in raise {
        if d * den >= num {
            break;
        }
        num += span * d;
        den += span;
    }
    Some(100.0 / SCALE_MAX * num / den)
}

/// Whether `f` stands before `g` whatever the needs in `bounds` are.
pub fn stays_ahead(matrix: &Matrix, bounds: &Bounds, f: usize, g: usize) -> bool {
    let Some(lead) = worst_lead(matrix, bounds, f, g) else { return false };
    if f < g { lead >= 0.0 } else { lead >= TIE + SLACK }
}

/// The first of `competing` at the box's low corner, by the ranking itself;
/// `None` when that corner states no needs or nothing competes.
pub fn leader(matrix: &Matrix, competing: &[usize], bounds: &Bounds) -> Option<usize> {
    let effective = matrix.effective_weights(&bounds.lo);
    if competing.is_empty() || effective.iter().sum::<f64>() <= 0.0 {
        return None;
    }
    weighted_sum_ranking(matrix, &effective, competing).first().map(|r| r.framework)
}

/// Where the needs stand.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// No answer to the open needs can change the top pick; `None` when no
    /// framework competes at all.
    Settled { top: Option<usize> },
    /// Ask `next`; `leader` is the current first, when there is one.
    Open { leader: Option<usize>, next: usize },
}

/// The settled test and the next need, over `competing` (the frameworks
/// the requirements leave, in id order) on `matrix` (the requirement's).
pub fn verdict(matrix: &Matrix, competing: &[usize], bounds: &Bounds) -> Verdict {
    let open = bounds.open();
    let states_needs = (0..matrix.criteria).any(|k| bounds.lo[k] > 0.0 && matrix.weights[k] > 0.0);
    let Some(f) = leader(matrix, competing, bounds).filter(|_| states_needs) else {
        if states_needs {
            // Nothing competes: no answer changes that.
            return Verdict::Settled { top: None };
        }
        return match spread_order(matrix, competing, bounds).first() {
            Some(&next) => Verdict::Open { leader: None, next },
            // Every need answered and none above 0: not a recommendation;
            // the caller says so.
            None => Verdict::Settled { top: None },
        };
    };
    if open.is_empty() {
        return Verdict::Settled { top: Some(f) };
    }
    let threats: Vec<usize> =
        competing.iter().copied().filter(|&g| g != f && !stays_ahead(matrix, bounds, f, g)).collect();
    if threats.is_empty() {
        return Verdict::Settled { top: Some(f) };
    }
    let next = margin_order(matrix, bounds, f, &threats)[0];
    Verdict::Open { leader: Some(f), next }
}

/// Open needs by how far each can move f's margin over the rivals in
/// `threats`, most first (ties in criterion order).
pub fn margin_order(matrix: &Matrix, bounds: &Bounds, f: usize, threats: &[usize]) -> Vec<usize> {
    order_by(bounds, |k| {
        threats.iter().map(|&g| (matrix.row(f)[k] - matrix.row(g)[k]).abs()).fold(0.0, f64::max) * matrix.weights[k]
    })
}

/// Open needs by how much the competing frameworks' scores spread on them,
/// most first (ties in criterion order).
pub fn spread_order(matrix: &Matrix, competing: &[usize], bounds: &Bounds) -> Vec<usize> {
    order_by(bounds, |k| {
        let scores = competing.iter().map(|&g| matrix.row(g)[k]);
        let (lo, hi) = scores.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), s| (a.min(s), b.max(s)));
        if hi >= lo { (hi - lo) * matrix.weights[k] } else { matrix.weights[k] }
    })
}

fn order_by(bounds: &Bounds, value: impl Fn(usize) -> f64) -> Vec<usize> {
    let mut open: Vec<(usize, f64)> =
        bounds.open().into_iter().map(|k| (k, value(k) * (bounds.hi[k] - bounds.lo[k]))).collect();
    open.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    open.into_iter().map(|(k, _)| k).collect()
}

/// Up to `n` unanswered needs in the order the rule ranks them now (the
/// first is [`next`]'s), for a page of questions; empty when settled.
pub fn next_needs(catalog: &Catalog, require: &Require, needs: &[Option<f64>], n: usize) -> Vec<usize> {
    let matrix = Matrix::for_require(catalog, require);
    let competing = field(catalog, require).competing;
    let bounds = Bounds::from_answers(needs);
    let order = match verdict(&matrix, &competing, &bounds) {
        Verdict::Settled { .. } => Vec::new(),
        Verdict::Open { leader: None, .. } => spread_order(&matrix, &competing, &bounds),
        Verdict::Open { leader: Some(f), .. } => {
            let threats: Vec<usize> =
                competing.iter().copied().filter(|&g| g != f && !stays_ahead(&matrix, &bounds, f, g)).collect();
            margin_order(&matrix, &bounds, f, &threats)
        }
    };
    order.into_iter().take(n).collect()
}

/// A question of the questionnaire, as the core orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The languages, targets or hardware a framework must reach.
    Routes(RouteKind),
    /// The policy on frameworks no longer maintained.
    Inactive,
    /// Frameworks never to recommend.
    Exclude,
    Need(usize),
}

/// The requirement questions, in the order they are asked.
pub const REQUIREMENTS: [Step; 5] = [
    Step::Routes(RouteKind::Language),
    Step::Routes(RouteKind::Target),
    Step::Routes(RouteKind::Hardware),
    Step::Inactive,
    Step::Exclude,
];

/// Where a partly answered questionnaire stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Ask this next.
    Ask(Step),
    /// The top pick (`None`: nothing competes) cannot change; `unasked`
    /// are the needs never answered, in criterion order.
    Settled { top: Option<usize>, unasked: Vec<usize> },
    /// Everything is answered and no need is above 0: not a recommendation.
    NoNeeds,
}

/// The next step for answers so far: `require` holds the answered
/// requirements (its policy the one in force), `open_requirements` those
/// not yet answered, `needs` each need's answer or `None`.
pub fn next(catalog: &Catalog, require: &Require, open_requirements: &[Step], needs: &[Option<f64>]) -> Next {
    if let Some(step) = REQUIREMENTS.iter().find(|s| open_requirements.contains(s)) {
        return Next::Ask(*step);
    }
    let matrix = Matrix::for_require(catalog, require);
    let competing = field(catalog, require).competing;
    let bounds = Bounds::from_answers(needs);
    match verdict(&matrix, &competing, &bounds) {
        Verdict::Open { next, .. } => Next::Ask(Step::Need(next)),
        Verdict::Settled { top } => {
            if needs.iter().all(Option::is_some) && needs.iter().all(|n| n.is_some_and(|v| v <= 0.0)) {
                return Next::NoNeeds;
            }
            Next::Settled { top, unasked: (0..needs.len()).filter(|&k| needs[k].is_none()).collect() }
        }
    }
}

/// Whether `f` is first for every need vector in `bounds` among `competing`.
pub fn settled_for(matrix: &Matrix, competing: &[usize], bounds: &Bounds, f: usize) -> bool {
    competing.contains(&f) && competing.iter().all(|&g| g == f || stays_ahead(matrix, bounds, f, g))
}

/// The ranking's own order of two matches (for tests and checks): whether
/// `f` with `mf` stands before `g` with `mg`.
pub fn stands_before(f: usize, mf: f64, g: usize, mg: f64) -> bool {
    Standing::of_key(tie_key(mf), f) < Standing::of_key(tie_key(mg), g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Method as _;
    use crate::score::WeightedSum;

    /// Three frameworks, three criteria, weights 1, 2, 1.
    fn matrix() -> Matrix {
        Matrix {
            frameworks: 3,
            criteria: 3,
            scores: vec![
                5.0, 1.0, 3.0, // f0
                2.0, 4.0, 3.0, // f1
                3.0, 3.0, 1.0, // f2
            ],
            weights: vec![1.0, 2.0, 1.0],
        }
    }

    #[test]
    fn the_worst_lead_matches_a_hand_calculation() {
        let m = matrix();
        // Need 0 answered 4, needs 1 and 2 open. f0 over f1: d = (3, −3, 0);
        // the worst corner raises need 1 to 5 (w = 2): lead = 20·(4·3 − 10·3)
        // / (4 + 10) = 20·(−18)/14 = −25.714…
        let b = Bounds::from_answers(&[Some(4.0), None, None]);
        let lead = worst_lead(&m, &b, 0, 1).unwrap();
        assert!((lead - 20.0 * -18.0 / 14.0).abs() < 1e-9, "{lead}");
        // f0 over f2: d = (2, −2, 2); raising need 1 (w 2): 20·(8 − 20)/14.
        let lead = worst_lead(&m, &b, 0, 2).unwrap();
        assert!((lead - 20.0 * -12.0 / 14.0).abs() < 1e-9, "{lead}");
        // Answered need 1 = 0 too: only need 2 is open, with d = 2 for f2:
        // the worst is leaving it at 0: 20·8/4 = 40.
        let b = Bounds::from_answers(&[Some(4.0), Some(0.0), None]);
        assert!((worst_lead(&m, &b, 0, 2).unwrap() - 40.0).abs() < 1e-9);
        // No need above 0 at the low corner: no lead to speak of.
        assert_eq!(worst_lead(&m, &Bounds::from_answers(&[Some(0.0), None, None]), 0, 1), None);
    }

    #[test]
    fn the_worst_lead_is_the_lowest_over_every_corner() {
        // Brute force over every corner of the box, against the greedy.
        let m = matrix();
        let b = Bounds { lo: vec![1.0, 0.0, 0.5], hi: vec![1.0, 5.0, 4.0] };
        for f in 0..3 {
            for g in 0..3 {
                if f == g {
                    continue;
                }
                let mut lowest = f64::INFINITY;
                for corner in 0..4 {
                    let needs = [1.0, if corner & 1 == 0 { 0.0 } else { 5.0 }, if corner & 2 == 0 { 0.5 } else { 4.0 }];
                    let e = m.effective_weights(&needs);
                    let s = WeightedSum.matches(&m, &e, &[f, g]);
                    lowest = lowest.min(s[0] - s[1]);
                }
                let got = worst_lead(&m, &b, f, g).unwrap();
                assert!((got - lowest).abs() < 1e-9, "{f} over {g}: {got} against {lowest}");
            }
        }
    }

    #[test]
    fn ties_are_broken_as_the_ranking_breaks_them() {
        // Twins: identical rows tie everywhere; the one listed first stays first.
        let m = Matrix { frameworks: 2, criteria: 2, scores: vec![3.0, 4.0, 3.0, 4.0], weights: vec![1.0, 1.0] };
        let b = Bounds::from_answers(&[Some(2.0), None]);
        assert!(stays_ahead(&m, &b, 0, 1));
        assert!(!stays_ahead(&m, &b, 1, 0));
        assert_eq!(verdict(&m, &[0, 1], &b), Verdict::Settled { top: Some(0) });
        assert!(stands_before(0, 70.0, 1, 70.0) && !stands_before(1, 70.0, 0, 70.0));
    }

    #[test]
    fn a_lead_inside_the_tie_unit_is_not_settled_for_the_one_listed_second() {
        // f1 leads f0 by 2e-7 match points at every point: the ranking may
        // round that to a tie, which f0 wins, so f1 is not settled.
        let eps = 1e-8;
        let m = Matrix {
            frameworks: 2,
            criteria: 2,
            scores: vec![3.0, 3.0, 3.0 + eps, 3.0 + eps],
            weights: vec![1.0, 1.0],
        };
        let b = Bounds::from_answers(&[Some(1.0), None]);
        let lead = worst_lead(&m, &b, 1, 0).unwrap();
        assert!(lead > 0.0 && lead < TIE, "{lead}");
        assert!(!stays_ahead(&m, &b, 1, 0));
    }

    #[test]
    fn verdicts_settle_and_point_to_the_telling_question() {
        let m = matrix();
        // Nothing answered: no leader; the need the frameworks differ on
        // most (weighted spread: need 0: 3·1, need 1: 3·2, need 2: 2·1) first.
        assert_eq!(verdict(&m, &[0, 1, 2], &Bounds::from_answers(&[None; 3])), Verdict::Open { leader: None, next: 1 });
        // Need 0 = 4: f0 leads (it scores 5 there) but need 1 can overturn it.
        let b = Bounds::from_answers(&[Some(4.0), None, None]);
        assert_eq!(verdict(&m, &[0, 1, 2], &b), Verdict::Open { leader: Some(0), next: 1 });
        // Need 1 answered 0: f0 leads f1 by 3 on need 0 and ties need 2; f2
        // scores 2 below f0 on need 2, so f0 stays first whatever need 2 is.
        let b = Bounds::from_answers(&[Some(4.0), Some(0.0), None]);
        assert_eq!(verdict(&m, &[0, 1, 2], &b), Verdict::Settled { top: Some(0) });
        // Without f0 in the field, f2 leads f1 at need 0 = 4, but f1 scores
        // 2 more on need 2, which is still open.
        assert_eq!(verdict(&m, &[1, 2], &b), Verdict::Open { leader: Some(2), next: 2 });
        // Nothing competes: settled on "nothing", once a need is stated.
        assert_eq!(verdict(&m, &[], &b), Verdict::Settled { top: None });
        // … and before that, asked for (a profile must state a need).
        assert_eq!(verdict(&m, &[], &Bounds::from_answers(&[None; 3])), Verdict::Open { leader: None, next: 1 });
    }

    #[test]
    fn requirements_come_first_and_the_end_is_named() {
        let c = Catalog::builtin().unwrap();
        let n = c.criteria.len();
        let require = Require::default();
        assert_eq!(next(&c, &require, &REQUIREMENTS, &vec![None; n]), Next::Ask(Step::Routes(RouteKind::Language)));
        assert_eq!(next(&c, &require, &[Step::Exclude], &vec![None; n]), Next::Ask(Step::Exclude));
        assert_eq!(next(&c, &require, &[], &vec![Some(0.0); n]), Next::NoNeeds);
        let full: Vec<Option<f64>> = (0..n).map(|k| Some(if k == 0 { 5.0 } else { 0.0 })).collect();
        assert!(
            matches!(next(&c, &require, &[], &full), Next::Settled { top: Some(_), ref unasked } if unasked.is_empty())
        );
    }
}
