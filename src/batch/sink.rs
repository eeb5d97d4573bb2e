//! Where a run's rows go: the one trait between scoring many respondents
//! and laying their rows out.
//!
//! `batch` defines it and `report` implements it (`report::rows`), so the
//! dependency points from the presentation layer down to the use and never
//! back, as ripgrep's searcher defines `Sink` and its printer implements
//! it. Rows stream: worker threads lay each batch of rows out into a byte
//! buffer of its own and the writer only concatenates the buffers in input
//! order, so a sink lays a row out on its own, never against the widths of
//! other rows.

use crate::score::rows::Pick;

/// One respondent's scored row.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub name: &'a str,
    pub team: &'a str,
    /// The frameworks that compete, best first; empty when the row's
    /// constraints rule out every one.
    pub picks: &'a [Pick],
    /// The criterion that is the first pick's main reason
    /// ([`Scorer::main_reason`](crate::score::rows::Scorer::main_reason)).
    pub reason: Option<usize>,
    /// When nothing competes: why, in the words `recommend` uses.
    pub shortfall: Option<&'a str>,
    /// The name and team start and end with a visible ASCII character and
    /// hold no comma, quote or line break (the short road has checked), so
    /// a sink may skip its quoting checks.
    pub plain: bool,
}

/// A layout for rows: one format of `dlpick batch`'s output.
pub trait RowSink: Sync {
    /// Written once before the rows.
    fn header(&self) -> Vec<u8>;
    /// Append one row to `buf`.
    fn row(&self, buf: &mut Vec<u8>, row: &Row<'_>);
    /// Written once after the rows; `any` says whether any row was written.
    fn footer(&self, any: bool) -> Vec<u8>;
    /// How many bytes at the start of every row separate it from the row
    /// before (JSON's comma): the writer drops them from the first row.
    fn separator(&self) -> usize {
        0
    }
}
