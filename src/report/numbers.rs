//! How numbers read in every report: counts with thousands separators and
//! the right plural, shares as percentages that never round a near-certainty
//! to 100%, and decimals rounded the one way matches are shown.

pub(crate) use crate::explain::{num, thousands};

/// A count and its noun: "1 need", "2 needs", "1,200 respondents".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// [`count`] for a `usize`.
pub fn count_of(n: usize, one: &str, many: &str) -> String {
    count(u64::try_from(n).unwrap_or(u64::MAX), one, many)
}

/// Round to `places` decimals, for JSON figures that are not matches.
pub fn round_to(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// A share as a whole percentage, never rounding a near-certainty to 100%
/// or a rare event to 0%.
pub fn percent(x: f64) -> String {
    let p = x * 100.0;
    if p > 0.0 && p < 0.5 {
        "under 1%".to_string()
    } else if (99.5..100.0).contains(&p) {
        format!("{:.1}%", p.min(99.9))
    } else {
        format!("{p:.0}%")
    }
}

/// A share with one decimal, where only exactly 1 reads "100.0%" and only
/// exactly 0 reads "0.0%": 0.9995 is ">99.9%", 0.0004 is "<0.1%".
pub fn percent1(x: f64) -> String {
    let p = x * 100.0;
    if x < 1.0 && p >= 99.95 {
        ">99.9%".to_string()
    } else if x > 0.0 && p < 0.05 {
        "<0.1%".to_string()
    } else {
        format!("{p:.1}%")
    }
}

/// A weight bound: two decimals, or "∞".
pub fn bound(x: f64) -> String {
    if x.is_infinite() { "∞".to_string() } else { format!("{x:.2}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn counts_take_the_right_noun() {
        assert_eq!(count(1, "need", "needs"), "1 need");
        assert_eq!(count(0, "need", "needs"), "0 needs");
        assert_eq!(count(12_000, "row", "rows"), "12,000 rows");
    }

    #[test]
    fn shares_never_round_to_certainty() {
        assert_eq!(percent(0.999), "99.9%");
        assert_eq!(percent(0.001), "under 1%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent1(0.9996), ">99.9%");
        assert_eq!(percent1(0.0004), "<0.1%");
        assert_eq!(percent1(1.0), "100.0%");
    }
}
