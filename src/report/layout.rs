//! Text layout for a terminal of a given width: wrapping, padding and
//! tables that never run past the right edge.
//!
//! Every text report lays itself out here, so the width a reader's terminal
//! allows is honoured in one place. Widths count characters, not bytes: the
//! knowledge base's names and the bars are not ASCII.

/// Characters in `s` (the width it takes in a terminal, for the text dlpick
/// prints: no wide or combining characters).
pub fn width_of(s: &str) -> usize {
    s.chars().count()
}

/// Greedy word wrap with a hanging indent; a word longer than the line is
/// put on a line of its own rather than split.
pub fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.trim().is_empty() {
            line.push_str(word);
        } else if width_of(&line) + 1 + width_of(word) <= width {
            line.push(' ');
            line.push_str(word);
        } else {
            out.push_str(&line);
            out.push('\n');
            line = format!("{indent}{word}");
        }
    }
    if !line.trim().is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `first` followed by `text` wrapped so that continuation lines start under
/// the text: "  PyTorch  88.6  Discontinued …" with the note hanging.
pub fn hang(first: &str, text: &str, width: usize) -> String {
    let indent = " ".repeat(width_of(first));
    let wrapped = wrap(text, &indent, width);
    format!("{first}{}", wrapped.trim_start())
}

/// Pad to `width` characters on the right.
pub fn pad(s: &str, width: usize) -> String {
    let n = width_of(s);
    if n >= width { s.to_string() } else { format!("{s}{}", " ".repeat(width - n)) }
}

/// Pad to `width` characters on the left.
pub fn pad_left(s: &str, width: usize) -> String {
    let n = width_of(s);
    if n >= width { s.to_string() } else { format!("{}{s}", " ".repeat(width - n)) }
}

/// How a column's cells sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
struct Column {
    header: String,
    align: Align,
    /// Long text that may wrap onto more lines when the table is too wide.
    wraps: bool,
}

/// A table laid out to a width. When it is too wide, wrapping columns are
/// narrowed (their text wraps); if it is still too wide, the columns after
/// the first are split into blocks, each repeating the first column, as a
/// wide matrix is printed on narrow paper.
#[derive(Debug, Clone)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    indent: usize,
}

/// The narrowest a wrapping column becomes before blocks are used.
const MIN_WRAPPED: usize = 16;
const GAP: usize = 2;

impl Table {
    pub fn new() -> Self {
        Self { columns: Vec::new(), rows: Vec::new(), indent: 0 }
    }

    /// Start every line with `n` spaces.
    #[must_use]
    pub fn indent(mut self, n: usize) -> Self {
        self.indent = n;
        self
    }

    #[must_use]
    pub fn left(mut self, header: &str) -> Self {
        self.columns.push(Column { header: header.to_string(), align: Align::Left, wraps: false });
        self
    }

    #[must_use]
    pub fn right(mut self, header: &str) -> Self {
        self.columns.push(Column { header: header.to_string(), align: Align::Right, wraps: false });
        self
    }

    /// A left-aligned column of prose that may wrap.
    #[must_use]
    pub fn text(mut self, header: &str) -> Self {
        self.columns.push(Column { header: header.to_string(), align: Align::Left, wraps: true });
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.rows.push(cells);
    }

    fn natural(&self, c: usize) -> usize {
        let cells = self.rows.iter().map(|r| width_of(&r[c]));
        cells.chain([width_of(&self.columns[c].header)]).max().unwrap_or(0)
    }

    fn total(&self, widths: &[usize]) -> usize {
        self.indent + widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1)
    }

    /// The table as lines no longer than `width` (where any layout allows),
    /// the header styled by `header`.
    pub fn render(&self, width: usize, header: &dyn Fn(&str) -> String) -> String {
        let mut widths: Vec<usize> = (0..self.columns.len()).map(|c| self.natural(c)).collect();
        // Narrow the widest wrapping column until the table fits.
        while self.total(&widths) > width {
            let widest = (0..widths.len())
                .filter(|&c| self.columns[c].wraps && widths[c] > MIN_WRAPPED)
                .max_by_key(|&c| (widths[c], std::cmp::Reverse(c)));
            let Some(c) = widest else { break };
            let over = self.total(&widths) - width;
            widths[c] = widths[c].saturating_sub(over).max(MIN_WRAPPED);
        }
        if self.total(&widths) <= width || self.columns.len() <= 2 {
            return self.block(&(0..self.columns.len()).collect::<Vec<_>>(), &widths, header);
        }
        // Blocks: the first column, then as many others as fit.
        let mut out = String::new();
        let mut rest = 1;
        while rest < self.columns.len() {
            let mut cols = vec![0];
            let mut used = self.indent + widths[0];
            while rest < self.columns.len() && (cols.len() == 1 || used + GAP + widths[rest] <= width) {
                used += GAP + widths[rest];
                cols.push(rest);
                rest += 1;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&self.block(&cols, &widths, header));
        }
        out
    }

    fn block(&self, cols: &[usize], widths: &[usize], header: &dyn Fn(&str) -> String) -> String {
        let indent = " ".repeat(self.indent);
        let line = |cells: Vec<Vec<String>>| -> String {
            let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let mut out = String::new();
            for l in 0..height {
                let mut text = indent.clone();
                for (i, (&c, lines)) in cols.iter().zip(&cells).enumerate() {
                    if i > 0 {
                        text.push_str(&" ".repeat(GAP));
                    }
                    let cell = lines.get(l).map_or("", String::as_str);
                    text.push_str(&match self.columns[c].align {
                        Align::Left => pad(cell, widths[c]),
                        Align::Right => pad_left(cell, widths[c]),
                    });
                }
                out.push_str(text.trim_end());
                out.push('\n');
            }
            out
        };
        let split = |c: usize, s: &str| -> Vec<String> {
            if self.columns[c].wraps && width_of(s) > widths[c] {
                wrap(s, "", widths[c]).lines().map(str::to_string).collect()
            } else {
                vec![s.to_string()]
            }
        };
        let head = line(cols.iter().map(|&c| split(c, &self.columns[c].header)).collect());
        let mut out = String::new();
        for h in head.lines() {
            out.push_str(&header(h));
            out.push('\n');
        }
        for row in &self.rows {
            out.push_str(&line(cols.iter().map(|&c| split(c, &row[c])).collect()));
        }
        out
    }
}

impl Default for Table {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> String {
        s.to_string()
    }

    #[test]
    fn wrapping_keeps_words_and_indent() {
        assert_eq!(wrap("aaa bbb ccc", "  ", 9), "  aaa bbb\n  ccc\n");
    }

    #[test]
    fn hanging_text_lines_up_under_itself() {
        assert_eq!(hang("ab: ", "one two three", 11), "ab: one two\n    three\n");
    }

    #[test]
    fn a_table_that_fits_is_aligned() {
        let mut t = Table::new().left("name").right("n");
        t.row(vec!["a".into(), "10".into()]);
        t.row(vec!["bbb".into(), "2".into()]);
        assert_eq!(t.render(80, &plain), "name   n\na     10\nbbb    2\n");
    }

    #[test]
    fn prose_wraps_inside_its_column() {
        let mut t = Table::new().left("id").text("question");
        t.row(vec!["x".into(), "one two three four five six seven eight nine ten".into()]);
        let out = t.render(24, &plain);
        assert!(out.lines().all(|l| width_of(l) <= 24), "{out}");
        assert!(out.contains("x   one two three four"), "{out}");
        assert!(out.lines().nth(2).is_some_and(|l| l.starts_with("    ")), "{out}");
    }

    #[test]
    fn a_wide_matrix_is_split_into_blocks_repeating_the_first_column() {
        let mut t = Table::new().left("criterion");
        for h in ["alpha", "bravo", "charlie", "delta"] {
            t = t.right(h);
        }
        t.row(vec!["speed".into(), "1".into(), "2".into(), "3".into(), "4".into()]);
        let out = t.render(30, &plain);
        assert!(out.lines().all(|l| width_of(l) <= 30), "{out}");
        assert_eq!(out.matches("speed").count(), 2, "{out}");
        assert!(out.contains("delta"), "{out}");
    }
}
