//! Plain text for a terminal: aligned tables, a bar per match, wrapped advice.

use std::fmt::Write as _;

use super::layout::{Table, hang, pad, width_of, wrap};
use super::numbers::count_of;
use super::tune::{RobustnessDoc, SensitivityDoc};
use super::{Options, Report};
use crate::catalog::{Catalog, Status};
use crate::error::Result;
use crate::explain::{Advice, Explained, capitalise, citation, exclusion_text, num};
use crate::sanitize;
use crate::score::round1;
use crate::team::Department;
use crate::tune::fit::FitOutcome;

/// Characters in a full (100) bar, when the width allows.
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

/// A bar of `cells` cells for 0–100, in eighths of a cell.
pub fn bar(score: f64, cells: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    #[allow(clippy::cast_precision_loss)]
    let total = (cells * 8) as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let eighths = ((score.clamp(0.0, 100.0) / 100.0) * total).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    let len = s.chars().count();
    s.push_str(&" ".repeat(cells - len));
    s
}

fn status_mark(status: Status) -> &'static str {
    match status {
        Status::Active => "",
        Status::Maintenance => "maintenance only",
        Status::Discontinued => "discontinued",
    }
}

impl Report for Text {
    fn name(&self) -> &'static str {
        "text"
    }

    fn teams(&self, catalog: &Catalog, department: &Department, options: &Options) -> Result<String> {
        super::teams::text(catalog, department, options)
    }

    fn advice(&self, catalog: &Catalog, advice: &[Advice], options: &Options) -> Result<String> {
        let paint = Paint(options.color);
        let mut out = String::new();
        for (i, a) in advice.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            // The same exclusions as an earlier profile are named, not listed again.
            let same_as = advice[..i].iter().find(|b| b.excluded == a.excluded).map(|b| b.profile.name.as_str());
            one_advice(&mut out, catalog, a, options, same_as, "")?;
        }
        if options.explain {
            out.push('\n');
            out.push_str(&paint.dim(wrap(&super::knowledge_base_line(catalog), "", options.width).trim_end()));
            out.push('\n');
        }
        Ok(out)
    }

    fn frameworks(&self, catalog: &Catalog, options: &Options) -> Result<String> {
        let paint = Paint(options.color);
        let bold = |s: &str| paint.bold(s);
        let width = options.width;
        let mut list = Table::new().left("id").left("framework").left("status").text("languages");
        for f in &catalog.frameworks {
            let languages: Vec<&str> = f.languages.iter().map(|l| catalog.language_name(l)).collect();
            list.row(vec![f.id.clone(), f.name.clone(), f.status.as_str().to_string(), languages.join(", ")]);
        }
        let mut out = list.render(width, &bold);

        out.push('\n');
        let mut scores = Table::new().left("criterion");
        for f in &catalog.frameworks {
            scores = scores.right(&f.name);
        }
        for (c, criterion) in catalog.criteria.iter().enumerate() {
            let mut row = vec![criterion.name.clone()];
            row.extend(catalog.frameworks.iter().map(|f| num(f.attributes[c].score)));
            scores.row(row);
        }
        out.push_str(&scores.render(width, &bold));

        for (fi, f) in catalog.frameworks.iter().enumerate() {
            let layer = catalog.layer_of(f.origin).map_or_else(String::new, |l| format!(" (from {l})"));
            out.push('\n');
            let title = format!("{} ({}), backed by {}{layer}", f.name, f.id, f.backer);
            writeln!(out, "{}", paint.bold(wrap(&title, "", width).trim_end()))?;
            out.push_str(&wrap(&format!("Status: {}. {}", f.status.as_str(), f.status_note), "  ", width));
            for (c, criterion) in catalog.criteria.iter().enumerate() {
                let a = &f.attributes[c];
                let line = format!(
                    "{} {}/5: {} [{}]",
                    criterion.name,
                    num(a.score),
                    a.evidence.trim_end_matches('.'),
                    citation(catalog, fi, c)
                );
                out.push_str(&hang("  - ", &line, width));
            }
            if !f.routes.is_empty() {
                out.push_str("  How it is reached:\n");
                for r in &f.routes {
                    let line = format!(
                        "{}: {} [{}]",
                        crate::explain::route_phrase(catalog, r),
                        r.note.trim_end_matches('.'),
                        crate::explain::route_citation(catalog, r)
                    );
                    out.push_str(&hang("  - ", &line, width));
                }
            }
        }
        out.push('\n');
        out.push_str(&wrap(&basis_tally_sentence(catalog), "", width));
        Ok(out)
    }

    fn criteria(&self, catalog: &Catalog, options: &Options) -> Result<String> {
        let paint = Paint(options.color);
        let mut table = Table::new().left("id").right("weight").text("question");
        for c in &catalog.criteria {
            table.row(vec![c.id.clone(), format!("{:.2}", c.weight), c.question.clone()]);
        }
        let mut out = table.render(options.width, &|s: &str| paint.bold(s));
        out.push('\n');
        for c in &catalog.criteria {
            out.push_str(&hang(&format!("{}: ", c.name), &c.description, options.width));
        }
        Ok(out)
    }

    fn sensitivity(&self, catalog: &Catalog, doc: &SensitivityDoc, options: &Options) -> Result<String> {
        let paint = Paint(options.color);
        Ok(super::tune::sensitivity_text(catalog, doc, options.width, &|s: &str| paint.bold(s)))
    }

    fn robustness(&self, catalog: &Catalog, doc: &RobustnessDoc, options: &Options) -> Result<String> {
        let paint = Paint(options.color);
        Ok(super::tune::robustness_text(catalog, doc, options.width, &|s: &str| paint.bold(s)))
    }

    fn fit(&self, catalog: &Catalog, outcome: &FitOutcome, options: &Options) -> Result<String> {
        let paint = Paint(options.color);
        Ok(super::tune::fit_text(catalog, outcome, options.width, &|s: &str| paint.bold(s)))
    }
}

/// "Of 88 scores, 41 rest on the article, 17 are inferred from it and 30
/// come from outside it (dated sources)."
pub fn basis_tally_sentence(catalog: &Catalog) -> String {
    let [article, inferred, outside] = catalog.basis_tally();
    let total = article + inferred + outside;
    let cited = &catalog.about.cited_as;
    let checked = catalog
        .about
        .checked
        .as_ref()
        .map_or_else(String::new, |d| format!(" Outside facts were last checked in {d}."));
    format!(
        "Of {total} scores, {article} rest on {cited}, {inferred} {} inferred from it and {outside} {} from outside it (dated sources).{checked}",
        if inferred == 1 { "is" } else { "are" },
        if outside == 1 { "comes" } else { "come" }
    )
}

/// One profile's advice, its title after `prefix` ("Team "). Exclusions the
/// same as those of the profile named `same_exclusions_as` are not listed
/// again.
pub(super) fn one_advice(
    out: &mut String,
    catalog: &Catalog,
    a: &Advice,
    options: &Options,
    same_exclusions_as: Option<&str>,
    prefix: &str,
) -> Result<()> {
    let paint = Paint(options.color);
    let width = options.width;
    // The name and description are user text: control characters escaped.
    let name = sanitize::text(&a.profile.name);
    let title = match &a.profile.description {
        Some(d) => format!("{prefix}{name} — {}", sanitize::text(d)),
        None => format!("{prefix}{name}"),
    };
    writeln!(out, "{}", paint.bold(wrap(&title, "", width).trim_end()))?;
    let needs: Vec<String> = {
        let mut rated: Vec<(usize, f64)> =
            a.profile.needs.iter().copied().enumerate().filter(|(_, n)| *n > 0.0).collect();
        rated.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        rated.iter().map(|(c, n)| format!("{} {}", catalog.criteria[*c].name, num(*n))).collect()
    };
    out.push_str(&paint.dim(wrap(&format!("{} · needs: {}", a.method, needs.join(", ")), "", width).trim_end()));
    out.push('\n');
    if let Some(note) = &a.unasked {
        out.push_str(&wrap(note, "", width));
    }
    out.push('\n');

    let shown = options.shown(a.ranking.len());
    if a.ranking.is_empty() {
        let text = a.shortfall.as_deref().unwrap_or("No framework meets every requirement.");
        out.push_str(&wrap(text, "", width));
    } else {
        let name_w = a.ranking[..shown]
            .iter()
            .map(|e| width_of(&catalog.frameworks[e.framework].name))
            .max()
            .unwrap_or(0)
            .max(9);
        // "! discontinued  tied" after the bar; measured without colour.
        let marks = |e: &Explained, paint: Paint| {
            let mark = status_mark(catalog.frameworks[e.framework].status);
            let mut text =
                if mark.is_empty() { String::new() } else { format!("  {}", paint.yellow(&format!("! {mark}"))) };
            if e.tied {
                text.push_str("  ");
                text.push_str(&paint.dim("tied"));
            }
            text
        };
        let mark_w = a.ranking[..shown].iter().map(|e| width_of(&marks(e, Paint(false)))).max().unwrap_or(0);
        // "  1 PyTorch    88.6  " then the bar, then the marks.
        let cells = width.saturating_sub(4 + name_w + 2 + 5 + 2 + mark_w).clamp(8, BAR_WIDTH);
        writeln!(out, "{}", paint.bold(&format!("{:>3} {}  {:>5}", "#", pad("framework", name_w), "match")))?;
        for e in &a.ranking[..shown] {
            let f = &catalog.frameworks[e.framework];
            let b = bar(e.score.get(), cells);
            let b = if e.rank == 1 { paint.green(&b) } else { b };
            let mark = marks(e, paint);
            let rank = if e.tied { format!("{}=", e.rank) } else { e.rank.to_string() };
            let line = format!("{rank:>3} {}  {:>5.1}  {b}{mark}", pad(&f.name, name_w), round1(e.score));
            writeln!(out, "{}", line.trim_end())?;
        }
        if shown < a.ranking.len() {
            let more = count_of(a.ranking.len() - shown, "more", "more");
            writeln!(out, "{}", paint.dim(&format!("    … {more} (use --top to show them)")))?;
        }
    }

    reference_block(out, catalog, a, width, paint, options.explain)?;
    excluded_block(out, catalog, a, width, paint, same_exclusions_as)?;

    let explained = if options.explain { shown } else { shown.min(3) };
    for e in &a.ranking[..explained] {
        out.push('\n');
        out.push_str(&wrap(&e.explanation, "", width));
        if options.explain {
            out.push_str(&contribution_table(catalog, e, width, paint));
        }
    }
    if options.explain {
        if let Some(s) = &a.sensitivity {
            out.push('\n');
            out.push_str(&wrap(&super::tune::sensitivity_sentence(catalog, s), "", width));
        }
    }
    Ok(())
}

/// Frameworks not maintained but meeting every other requirement.
/// One line each (status and year); with `--explain`, the dated history too.
fn reference_block(
    out: &mut String,
    catalog: &Catalog,
    a: &Advice,
    width: usize,
    paint: Paint,
    history: bool,
) -> Result<()> {
    if a.reference.is_empty() {
        return Ok(());
    }
    let heading = format!("Not maintained, for reference: {}'s view", catalog.about.cited_as);
    writeln!(out, "\n{}", paint.bold(wrap(&heading, "", width).trim_end()))?;
    let name_w = a.reference.iter().map(|r| width_of(&catalog.frameworks[r.framework].name)).max().unwrap_or(0);
    for r in &a.reference {
        let f = &catalog.frameworks[r.framework];
        let head = format!("  {}  {:>5.1}  ", pad(&f.name, name_w), round1(r.score));
        let brief = crate::explain::status_brief(catalog, r.framework);
        let note = if history { format!("{}. {}", capitalise(&brief), f.status_note.trim()) } else { brief };
        out.push_str(&hang(&head, &note, width));
    }
    Ok(())
}

/// The excluded frameworks with their reasons, or one line naming the
/// earlier profile they are the same as.
fn excluded_block(
    out: &mut String,
    catalog: &Catalog,
    a: &Advice,
    width: usize,
    paint: Paint,
    same_as: Option<&str>,
) -> Result<()> {
    if a.excluded.is_empty() {
        return Ok(());
    }
    if let Some(other) = same_as {
        let what = match a.excluded.len() {
            1 => "framework".to_string(),
            n => count_of(n, "framework", "frameworks"),
        };
        writeln!(out)?;
        out.push_str(&wrap(&format!("Excluded: the same {what} as for {}.", sanitize::text(other)), "", width));
        return Ok(());
    }
    writeln!(out, "\n{}", paint.bold("Excluded"))?;
    // Under `exclude`, what was left out for not being maintained is one line.
    let (unmaintained, others): (Vec<&crate::score::Exclusion>, Vec<&crate::score::Exclusion>) =
        a.excluded.iter().partition(|e| e.reasons.iter().all(|r| matches!(r, crate::score::Reason::NotMaintained(_))));
    if !unmaintained.is_empty() {
        let names: Vec<String> = unmaintained
            .iter()
            .map(|e| {
                format!(
                    "{} ({})",
                    catalog.frameworks[e.framework].name,
                    crate::explain::status_brief(catalog, e.framework)
                )
            })
            .collect();
        out.push_str(&hang("  Not maintained, left out: ", &format!("{}.", names.join(", ")), width));
    }
    let name_w = others.iter().map(|e| width_of(&catalog.frameworks[e.framework].name)).max().unwrap_or(0);
    for e in others {
        let head = format!("  {}  ", pad(&catalog.frameworks[e.framework].name, name_w));
        out.push_str(&hang(&head, &exclusion_text(catalog, e), width));
    }
    Ok(())
}

fn contribution_table(catalog: &Catalog, e: &Explained, width: usize, paint: Paint) -> String {
    let mut table = Table::new()
        .indent(2)
        .left("criterion")
        .right("need")
        .right("weight")
        .right("score")
        .right("points")
        .right("share");
    for c in &e.contributions {
        table.row(vec![
            catalog.criteria[c.criterion].name.clone(),
            num(c.need),
            format!("{:.2}", c.weight),
            num(c.score),
            format!("{:.1}", c.points),
            format!("{:.0}%", c.share * 100.0),
        ]);
    }
    table.render(width, &|s: &str| paint.dim(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_fixed_width() {
        assert_eq!(bar(100.0, BAR_WIDTH), "█".repeat(BAR_WIDTH));
        assert_eq!(bar(0.0, BAR_WIDTH), " ".repeat(BAR_WIDTH));
        assert_eq!(bar(50.0, BAR_WIDTH).chars().count(), BAR_WIDTH);
        assert!(bar(50.0, BAR_WIDTH).starts_with(&"█".repeat(12)));
        assert_eq!(bar(50.0, BAR_WIDTH).chars().nth(12), Some('▌'));
        assert_eq!(bar(50.0, 10), "█████     ");
    }
}
