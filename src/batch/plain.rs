//! The short road through a CSV survey: the common row parsed, scored and
//! handed to the sink straight from the chunk's bytes.
//!
//! Why it exists: building a respondent (strings, a needs vector, checked
//! constraints) costs more than scoring one. Most rows of a survey are
//! plain (single-digit needs, no constraints, a name that needs no
//! trimming), so this road reads them in place, four needs at a time, and
//! scores them through [`WholeNeeds`]. Any row it is unsure of goes the
//! general road (`parse_csv_row`), which also reports bad rows. The test
//! `the_short_road_writes_what_the_general_road_writes` (in `batch`) runs a
//! rough survey both ways and compares every row, rejection and count.

use super::Done;
use super::sink::{Row, RowSink};
use crate::score::rows::{Pick, Scorer};
use crate::score::whole_needs::WholeNeeds;
use crate::survey::source::{Column, Layout};

/// The short road: a row whose needs are single digits 0–5 or empty, whose
/// name (and team) need no trimming, and whose constraint columns are empty
/// is parsed, scored and handed to the sink here without building a
/// [`Respondent`](crate::survey::source::Respondent). Every other row takes the
/// general road, which also reports it when it is bad; both give the same
/// bytes for a row either can take.
pub(super) struct Plain<'a> {
    pub(super) sink: &'a dyn RowSink,
    pub(super) whole: WholeNeeds,
}

/// What the short road needs of a column.
#[derive(Clone, Copy)]
enum Cell {
    Need(usize),
    Name,
    Team,
    /// Read by no one: anything goes.
    Skip,
    /// A constraint: the short road takes only rows that leave it empty.
    Empty,
}

/// Per chunk scratch space of the short road.
pub(super) struct PlainRow {
    cells: Vec<Cell>,
    /// For each cell but the last: how many need cells run from it, not
    /// counting the last cell (whose field ends the record, not a comma).
    needs_ahead: Vec<usize>,
    needs: Vec<u8>,
    picks: Vec<Pick>,
}

impl PlainRow {
    pub(super) fn new(scorer: &Scorer, layout: &Layout) -> Self {
        let cells = layout
            .columns
            .iter()
            .map(|c| match c {
                Column::Need(c) => Cell::Need(*c),
                Column::Name => Cell::Name,
                Column::Team => Cell::Team,
                Column::Description | Column::Ignored => Cell::Skip,
                Column::Routes(_)
                | Column::ActiveOnly
                | Column::Inactive
                | Column::Exclude
                | Column::DeepLearning
                | Column::Chosen => Cell::Empty,
            })
            .collect::<Vec<_>>();
        let mut needs_ahead = vec![0; cells.len().saturating_sub(1)];
        for k in (0..needs_ahead.len()).rev() {
            if matches!(cells[k], Cell::Need(_)) {
                needs_ahead[k] = 1 + needs_ahead.get(k + 1).copied().unwrap_or(0);
            }
        }
        Self {
            cells,
            needs_ahead,
            needs: vec![0; scorer.criteria()],
            picks: Vec::with_capacity(scorer.matrix.frameworks),
        }
    }
}

/// Four needs written the common way, a digit 0–5 and a comma each
/// ("5,0,3,1,"): their values, when the eight bytes at `at` are that.
/// Eight bytes at once, as 16-bit lanes that no carry or borrow crosses.
fn four_needs(rest: &[u8], at: usize) -> Option<[u8; 4]> {
    const ODD: u64 = 0xff00_ff00_ff00_ff00;
    const COMMAS: u64 = 0x2c00_2c00_2c00_2c00;
    const ZEROS: u64 = 0x0030_0030_0030_0030;
    const TOP: u64 = 0x8000_8000_8000_8000;
    let word = u64::from_le_bytes(rest.get(at..at + 8)?.try_into().ok()?);
    if word & ODD != COMMAS {
        return None;
    }
    let digits = word & !ODD;
    // Lane x: the top bit of `not_below` is set iff x ≥ '0', and that of
    // `above` iff x > '5'.
    let not_below = (digits | TOP) - ZEROS;
    let above = digits + (0x8000 - u64::from(b'6')) * 0x0001_0001_0001_0001;
    if not_below & !above & TOP != TOP {
        return None;
    }
    let d = (digits - ZEROS).to_le_bytes();
    Some([d[0], d[2], d[4], d[6]])
}

/// The longest prefix of `bytes` that is UTF-8.
pub(super) fn valid_utf8(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// A name or team the general road would keep as it is: UTF-8 that starts
/// and ends with a visible ASCII character (so trimming is a no-op) and does
/// not start with a `'` (which may neutralise a formula, to be taken off).
/// `text` is the checked UTF-8 prefix of `rest`.
fn as_is<'a>(rest: &'a [u8], text: &'a str, start: usize, end: usize) -> Option<&'a str> {
    let visible = |b: u8| b > b' ' && b < 0x80;
    if end == start || !visible(rest[start]) || !visible(rest[end - 1]) || rest[start] == b'\'' {
        return None;
    }
    text.get(start..end).or_else(|| std::str::from_utf8(&rest[start..end]).ok())
}

impl Plain<'_> {
    /// Parse, score and write the record at the start of `rest` if the
    /// short road can take it: returns its length, end of line included,
    /// and whether that end is a line feed. `text` is the checked UTF-8
    /// prefix of `rest`.
    ///
    /// A field here runs to the next comma or end of line; that is what the
    /// CSV reader makes of it unless it starts with a quote, which sends
    /// the row the general way.
    // A function of its own: inlined into `process` under fat LTO (the
    // `dist` profile) it ran 12% slower (`scripts/bench-batch.sh`).
    #[inline(never)]
    pub(super) fn row(&self, row: &mut PlainRow, rest: &[u8], text: &str, done: &mut Done) -> Option<(usize, bool)> {
        row.needs.fill(0);
        let (mut name, mut team) = (None, "");
        let (last, cells) = row.cells.split_last()?;
        let mut i = 0;
        let mut k = 0;
        // Every field but the last ends with a comma. Need cells, most of
        // them, are a digit and a comma, or a comma alone: runs of them are
        // read four at a time where they can be.
        while let Some(cell) = cells.get(k) {
            let four = if row.needs_ahead[k] >= 4 { four_needs(rest, i) } else { None };
            if let Some(digits) = four {
                for (cell, d) in cells[k..k + 4].iter().zip(digits) {
                    if let Cell::Need(c) = *cell {
                        row.needs[c] = d;
                    }
                }
                i += 8;
                k += 4;
                continue;
            }
            k += 1;
            match *cell {
                Cell::Need(c) => match rest.get(i..i + 2)? {
                    &[d @ b'0'..=b'5', b','] => {
                        row.needs[c] = d - b'0';
                        i += 2;
                        continue;
                    }
                    [b',', _] => {
                        i += 1;
                        continue;
                    }
                    _ => return None,
                },
                Cell::Empty => {}
                Cell::Name | Cell::Team | Cell::Skip => i = Self::text(rest, text, i, *cell, &mut name, &mut team)?,
            }
            if rest.get(i) != Some(&b',') {
                return None;
            }
            i += 1;
        }
        match *last {
            Cell::Need(c) => {
                if let Some(&d @ b'0'..=b'5') = rest.get(i) {
                    row.needs[c] = d - b'0';
                    i += 1;
                }
            }
            Cell::Empty => {}
            Cell::Name | Cell::Team | Cell::Skip => i = Self::text(rest, text, i, *last, &mut name, &mut team)?,
        }
        // The last field ends the record.
        let (len, line_feed) = match rest.get(i) {
            Some(&end @ (b'\n' | b'\r')) => (i + 1, end == b'\n'),
            None => (i, false),
            _ => return None,
        };
        self.score(row, name?, team, done)?;
        Some((len, line_feed))
    }

    /// Read a text field at `start` of `rest` (a name, team or ignored
    /// column) up to the next comma or end of line; where it ends. A name
    /// or team with a quote in it goes the general way, so that the ones
    /// kept here can be written without quoting.
    fn text<'a>(
        rest: &'a [u8],
        text: &'a str,
        start: usize,
        cell: Cell,
        name: &mut Option<&'a str>,
        team: &mut &'a str,
    ) -> Option<usize> {
        if rest.get(start) == Some(&b'"') {
            return None;
        }
        // Only a name or team ends at a quote, which sends the row away.
        let kept = matches!(cell, Cell::Name | Cell::Team);
        let end = rest[start.min(rest.len())..]
            .iter()
            .position(|&b| matches!(b, b',' | b'\n' | b'\r') || (kept && b == b'"'))
            .map_or(rest.len(), |n| start + n);
        if rest.get(end) == Some(&b'"') {
            return None;
        }
        match cell {
            Cell::Name => *name = Some(as_is(rest, text, start, end)?),
            Cell::Team if end > start => *team = as_is(rest, text, start, end)?,
            _ => {}
        }
        Some(end)
    }

    /// Score the row parsed into `row` and write it; `None` when its needs
    /// carry no weight.
    fn score(&self, row: &mut PlainRow, name: &str, team: &str, done: &mut Done) -> Option<()> {
        if !self.whole.rank_into(&row.needs, &mut row.picks) {
            return None;
        }
        done.scored += 1;
        let reason = row.picks.first().and_then(|p| {
            done.top_picks[p.framework] += 1;
            self.whole.main_reason(&row.needs, p.framework)
        });
        // `as_is` has checked that the name and team are plain.
        self.sink.row(&mut done.output, &Row { name, team, picks: &row.picks, reason, shortfall: None, plain: true });
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_needs_at_once_read_as_one_at_a_time() {
        // One at a time: a digit 0–5 and a comma, four times.
        let naive = |bytes: &[u8]| -> Option<[u8; 4]> {
            let mut out = [0; 4];
            for (n, pair) in out.iter_mut().zip(bytes.chunks(2)) {
                match pair {
                    &[d @ b'0'..=b'5', b','] => *n = d - b'0',
                    _ => return None,
                }
            }
            Some(out)
        };
        // Every byte in every place, around a valid "0,1,2,3," and a "5,5,5,5,".
        for base in [*b"0,1,2,3,", *b"5,5,5,5,"] {
            for at in 0..8 {
                for b in 0..=255u8 {
                    let mut bytes = base;
                    bytes[at] = b;
                    assert_eq!(four_needs(&bytes, 0), naive(&bytes), "{bytes:?}");
                }
            }
        }
        assert_eq!(four_needs(b"x1,2,3,4,", 1), Some([1, 2, 3, 4]));
        assert_eq!(four_needs(b"1,2,3,4", 0), None, "seven bytes");
    }
}
