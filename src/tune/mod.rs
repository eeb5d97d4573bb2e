//! `dlpick tune`: how stable a recommendation is, and weights calibrated
//! against decisions teams actually made.
//!
//! - exact breakpoints of each criterion's weight: pure weighted-sum
//!   maths, so they live with scoring ([`crate::score::sensitivity`]) and
//!   advice can carry them;
//! - [`robustness`]: rank acceptability under sampled weights (SMAA);
//! - [`firmness`]: both, for a decision record's confirmation;
//! - [`fit`]: global weights learned from past decisions, written back by
//!   [`write`] without touching anything but the numbers.

pub mod firmness;
pub mod fit;
pub mod robustness;
pub mod write;
