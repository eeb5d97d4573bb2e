//! Plain text for a terminal: aligned tables, a bar per match, wrapped advice.

use std::fmt::Write as _;

use super::{Options, Report};
use crate::error::Result;
use crate::catalog::{Catalog, Status};
use crate::explain::{Advice, Explained, capitalise, citation, exclusion_text, num};
use crate::sanitize;
use crate::score::round1;

/// Lines of advice are wrapped at this width; fixed so output never depends
/// on the terminal it was produced in.
const WIDTH: usize = 88;
/// Characters in a full (100) bar.
const BAR_WIDTH: usize = 25;

pub struct Text;

/// ANSI styling that disappears when colour is off.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn apply(self, code: &str, s: &str) -> String {
        if self.0 { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    fn bold(self, s: &str) -> String {
        self.apply("1", s)
    }
    fn dim(self, s: &str) -> String {
        self.apply("2", s)
    }
    fn green(self, s: &str) -> String {
        self.apply("32", s)
    }
    fn yellow(self, s: &str) -> String {
        self.apply("33", s)
    }
}

/// A bar of `BAR_WIDTH` cells for 0–100, in eighths of a cell.
pub fn bar(score: f64) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    const CELLS: f64 = 25.0 * 8.0;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let eighths = ((score.clamp(0.0, 100.0) / 100.0) * CELLS).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    let len = s.chars().count();
    s.push_str(&" ".repeat(BAR_WIDTH - len));
    s
}

/// Greedy word wrap with a hanging indent.
pub fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        let fits = line.chars().count() + 1 + word.chars().count() <= width;
        if line.trim().is_empty() {
            line.push_str(word);
        } else if fits {
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

/// Pad to `width` characters (not bytes).
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width { s.to_string() } else { format!("{s}{}", " ".repeat(width - n)) }
}

fn pad_left(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width { s.to_string() } else { format!("{}{s}", " ".repeat(width - n)) }
}

fn status_mark(status: Status) -> &'static str {
    match status {
        Status::Active => "",
        Status::Maintenance => "maintenance only",
        Status::Discontinued => "discontinued",
    }
}

impl Report for Text {
    fn advice(&self, catalog: &Catalog, advice: &[Advice], options: &Options) -> Result<String> {
        let paint = Paint(options.color);
        let mut out = String::new();
        for (i, a) in advice.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            render_one(&mut out, catalog, a, options, paint);
        }
        if options.explain {
            out.push('\n');
            out.push_str(&paint.dim(wrap(&super::knowledge_base_line(catalog), "", WIDTH).trim_end()));
            out.push('\n');
        }
        Ok(out)
    }

    fn frameworks(&self, catalog: &Catalog, options: &Options) -> Result<String> {
        let paint = Paint(options.color);
        let mut out = String::new();
        let name_w = catalog.frameworks.iter().map(|f| f.name.chars().count()).max().unwrap_or(0).max(9);
        let id_w = catalog.frameworks.iter().map(|f| f.id.len()).max().unwrap_or(0).max(2);
        let _ = writeln!(
            out,
            "{}",
            paint.bold(&format!("{}  {}  {:<12}  languages", pad("id", id_w), pad("framework", name_w), "status"))
        );
        for f in &catalog.frameworks {
            let _ = writeln!(
                out,
                "{}  {}  {:<12}  {}",
                pad(&f.id, id_w),
                pad(&f.name, name_w),
                f.status.as_str(),
                f.languages.join(", ")
            );
        }

        out.push('\n');
        let crit_w = catalog.criteria.iter().map(|c| c.name.chars().count()).max().unwrap_or(0).max(9);
        let col_w = catalog.frameworks.iter().map(|f| f.id.len()).max().unwrap_or(0).max(4);
        let mut header = pad("criterion", crit_w);
        for f in &catalog.frameworks {
            let _ = write!(header, "  {}", pad_left(&f.id, col_w));
        }
        let _ = writeln!(out, "{}", paint.bold(header.trim_end()));
        for (c, criterion) in catalog.criteria.iter().enumerate() {
            let mut line = pad(&criterion.name, crit_w);
            for f in &catalog.frameworks {
                let _ = write!(line, "  {}", pad_left(&num(f.attributes[c].score), col_w));
            }
            let _ = writeln!(out, "{line}");
        }

        for (fi, f) in catalog.frameworks.iter().enumerate() {
            let layer = catalog.layer_of(f.origin).map_or_else(String::new, |l| format!(" (from {l})"));
            let _ = writeln!(out, "\n{} ({}), backed by {}{layer}", paint.bold(&f.name), f.id, f.backer);
            out.push_str(&wrap(&format!("Status: {}. {}", f.status.as_str(), f.status_note), "  ", WIDTH));
            for (c, criterion) in catalog.criteria.iter().enumerate() {
                let a = &f.attributes[c];
                let line = format!(
                    "{} {}/5: {} [{}]",
                    criterion.name,
                    num(a.score),
                    a.evidence.trim_end_matches('.'),
                    citation(catalog, fi, c)
                );
                out.push_str(&wrap(&line, "  ", WIDTH).replacen("  ", "  - ", 1).replace("\n  ", "\n    "));
            }
        }
        out.push('\n');
        out.push_str(&wrap(&basis_tally_sentence(catalog), "", WIDTH));
        Ok(out)
    }

    fn criteria(&self, catalog: &Catalog, options: &Options) -> Result<String> {
        let paint = Paint(options.color);
        let id_w = catalog.criteria.iter().map(|c| c.id.len()).max().unwrap_or(0).max(2);
        let mut out = String::new();
        let _ = writeln!(out, "{}", paint.bold(&format!("{}  weight  question", pad("id", id_w))));
        for c in &catalog.criteria {
            let _ = writeln!(out, "{}  {:>6}  {}", pad(&c.id, id_w), format!("{:.2}", c.weight), c.question);
            let indent = " ".repeat(id_w + 10);
            out.push_str(&paint.dim(wrap(&c.description, &indent, WIDTH).trim_end()));
            out.push('\n');
        }
        Ok(out)
    }
}

/// "Of 88 scores, 41 rest on the article, 17 are inferred from it and 30
/// come from outside it (dated sources)."
pub fn basis_tally_sentence(catalog: &Catalog) -> String {
    let [article, inferred, outside] = catalog.basis_tally();
    let total = article + inferred + outside;
    let cited = &catalog.about.cited_as;
    format!(
        "Of {total} scores, {article} rest on {cited}, {inferred} {} inferred from it and {outside} {} from outside it (dated sources).",
        if inferred == 1 { "is" } else { "are" },
        if outside == 1 { "comes" } else { "come" }
    )
}

fn render_one(out: &mut String, catalog: &Catalog, a: &Advice, options: &Options, paint: Paint) {
    // The name and description are user text: control characters escaped.
    let name = sanitize::text(&a.profile.name);
    let title = match &a.profile.description {
        Some(d) => format!("{name} — {}", sanitize::text(d)),
        None => name.into_owned(),
    };
    let _ = writeln!(out, "{}", paint.bold(&title));
    let needs: Vec<String> = {
        let mut rated: Vec<(usize, f64)> =
            a.profile.needs.iter().copied().enumerate().filter(|(_, n)| *n > 0.0).collect();
        rated.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        rated.iter().map(|(c, n)| format!("{} {}", catalog.criteria[*c].name, num(*n))).collect()
    };
    out.push_str(&paint.dim(wrap(&format!("{} · needs: {}", a.method, needs.join(", ")), "", WIDTH).trim_end()));
    out.push_str("\n\n");

    let shown = options.shown(a.ranking.len());
    if a.ranking.is_empty() {
        let text = a.shortfall.as_deref().unwrap_or("No framework meets every requirement.");
        out.push_str(&wrap(text, "", WIDTH));
    } else {
        let name_w = a.ranking[..shown]
            .iter()
            .map(|e| catalog.frameworks[e.framework].name.chars().count())
            .max()
            .unwrap_or(0)
            .max(9);
        let _ = writeln!(out, "{}", paint.bold(&format!("{:>3} {}  {:>5}", "#", pad("framework", name_w), "match")));
        for e in &a.ranking[..shown] {
            let f = &catalog.frameworks[e.framework];
            let name = pad(&f.name, name_w);
            let b = bar(e.score);
            let b = if e.rank == 1 { paint.green(&b) } else { b };
            let mark = status_mark(f.status);
            let mut mark =
                if mark.is_empty() { String::new() } else { format!("  {}", paint.yellow(&format!("! {mark}"))) };
            if e.tied {
                mark.push_str("  ");
                mark.push_str(&paint.dim("tied"));
            }
            let rank = if e.tied { format!("{}=", e.rank) } else { e.rank.to_string() };
            let line = format!("{rank:>3} {name}  {:>5.1}  {b}{mark}", round1(e.score));
            let _ = writeln!(out, "{}", line.trim_end());
        }
        if shown < a.ranking.len() {
            let _ = writeln!(
                out,
                "{}",
                paint.dim(&format!("    … {} more (use --top to show them)", a.ranking.len() - shown))
            );
        }
    }

    if !a.reference.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("Not maintained, for reference: {}'s view", catalog.about.cited_as))
        );
        let id_w = a.reference.iter().map(|r| catalog.frameworks[r.framework].name.chars().count()).max().unwrap_or(0);
        for r in &a.reference {
            let f = &catalog.frameworks[r.framework];
            let head = format!("  {}  {:>5.1}  ", pad(&f.name, id_w), round1(r.score));
            let indent = " ".repeat(head.chars().count());
            let note = format!("{}. {}", capitalise(f.status.as_str()), f.status_note.trim());
            out.push_str(&head);
            out.push_str(wrap(&note, &indent, WIDTH).trim_start());
        }
    }

    if !a.excluded.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("Excluded"));
        let id_w = a.excluded.iter().map(|e| catalog.frameworks[e.framework].name.chars().count()).max().unwrap_or(0);
        for e in &a.excluded {
            let head = format!("  {}  ", pad(&catalog.frameworks[e.framework].name, id_w));
            let indent = " ".repeat(head.chars().count());
            let wrapped = wrap(&exclusion_text(catalog, e), &indent, WIDTH);
            out.push_str(&head);
            out.push_str(wrapped.trim_start());
        }
    }

    let explained = if options.explain { shown } else { shown.min(3) };
    for e in &a.ranking[..explained] {
        out.push('\n');
        let text = wrap(&e.explanation, "", WIDTH);
        out.push_str(&text);
        if options.explain {
            contribution_table(out, catalog, e, paint);
        }
    }
}

fn contribution_table(out: &mut String, catalog: &Catalog, e: &Explained, paint: Paint) {
    let crit_w =
        e.contributions.iter().map(|c| catalog.criteria[c.criterion].name.chars().count()).max().unwrap_or(0).max(9);
    let _ = writeln!(
        out,
        "{}",
        paint.dim(&format!(
            "  {}  {:>4}  {:>6}  {:>5}  {:>6}  {:>5}",
            pad("criterion", crit_w),
            "need",
            "weight",
            "score",
            "points",
            "share"
        ))
    );
    for c in &e.contributions {
        let _ = writeln!(
            out,
            "  {}  {:>4}  {:>6.2}  {:>5}  {:>6.1}  {:>4.0}%",
            pad(&catalog.criteria[c.criterion].name, crit_w),
            num(c.need),
            c.weight,
            num(c.score),
            c.points,
            c.share * 100.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_fixed_width() {
        assert_eq!(bar(100.0), "█".repeat(BAR_WIDTH));
        assert_eq!(bar(0.0), " ".repeat(BAR_WIDTH));
        assert_eq!(bar(50.0).chars().count(), BAR_WIDTH);
        assert!(bar(50.0).starts_with(&"█".repeat(12)));
        assert_eq!(bar(50.0).chars().nth(12), Some('▌'));
    }

    #[test]
    fn wrapping_keeps_words_and_indent() {
        assert_eq!(wrap("aaa bbb ccc", "  ", 9), "  aaa bbb\n  ccc\n");
    }
}
