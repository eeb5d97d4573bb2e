//! Who gives up what: bounded lists of the members a choice costs most
//! (regrets under a framework, dissenters from the combined pick), kept as
//! members stream in without holding them all.

/// Examples kept per list (largest regrets, dissenters, conflicts).
pub const TOP_K: usize = 3;

/// A member named in a bounded list: largest `value` first.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub value: f64,
    pub name: String,
    /// A framework the entry refers to (a dissenter's own pick).
    pub pick: usize,
}

/// Insert into a list kept sorted by value, largest first, earlier entries
/// first among equals, at most [`TOP_K`] long.
#[inline]
pub(super) fn push_top(list: &mut Vec<Named>, value: f64, name: &str, pick: usize) {
    if list.len() == TOP_K && list.last().is_some_and(|l| value <= l.value) {
        return;
    }
    insert_top(list, value, name, pick);
}

#[inline(never)]
fn insert_top(list: &mut Vec<Named>, value: f64, name: &str, pick: usize) {
    let at = list.iter().position(|l| value > l.value).unwrap_or(list.len());
    list.insert(at, Named { value, name: name.to_string(), pick });
    list.truncate(TOP_K);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_lists_keep_the_largest_and_the_earliest_among_equals() {
        let mut list = Vec::new();
        for (v, n) in [(1.0, "a"), (5.0, "b"), (5.0, "c"), (3.0, "d"), (5.0, "e"), (9.0, "f")] {
            push_top(&mut list, v, n, 0);
        }
        let names: Vec<&str> = list.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["f", "b", "c"]);
    }
}
