//! Markdown for wikis, issues and pull requests.

use std::fmt::Write as _;

use super::{Options, Report};
use crate::catalog::Catalog;
use crate::error::Result;
use crate::explain::{Advice, citation, exclusion_text, num};
use crate::sanitize;
use crate::score::round1;
use crate::team::Department;

pub struct Markdown;

/// Keep cells, headings and list items from breaking the table or the page:
/// HTML and table syntax escaped, line breaks as spaces (see [`sanitize::markdown`]).
fn cell(s: &str) -> String {
    sanitize::markdown(s)
}

impl Report for Markdown {
    fn name(&self) -> &'static str {
        "markdown"
    }

    fn teams(&self, catalog: &Catalog, department: &Department, options: &Options) -> Result<String> {
        Ok(super::department::markdown(catalog, department, options))
    }

    fn advice(&self, catalog: &Catalog, advice: &[Advice], options: &Options) -> Result<String> {
        let mut out = String::new();
        for (i, a) in advice.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            writeln!(out, "## {}\n", cell(&a.profile.name))?;
            if let Some(d) = &a.profile.description {
                writeln!(out, "{}\n", cell(d))?;
            }
            let needs: Vec<String> = catalog
                .criteria
                .iter()
                .zip(&a.profile.needs)
                .filter(|(_, n)| **n > 0.0)
                .map(|(c, n)| format!("{} {}", c.name, num(*n)))
                .collect();
            writeln!(out, "Needs: {}. Method: {}.\n", needs.join(", "), a.method)?;
            if let Some(note) = &a.unasked {
                writeln!(out, "{}\n", cell(note))?;
            }
            let shown = &a.ranking[..options.shown(a.ranking.len())];
            if shown.is_empty() {
                writeln!(out, "{}", a.shortfall.as_deref().unwrap_or("No framework meets every requirement."))?;
            } else {
                out.push_str("| # | Framework | Match | Status |\n|--:|---|--:|---|\n");
                for e in shown {
                    let f = &catalog.frameworks[e.framework];
                    let rank = if e.tied { format!("{} (tied)", e.rank) } else { e.rank.to_string() };
                    writeln!(out, "| {} | {} | {:.1} | {} |", rank, cell(&f.name), round1(e.score), f.status.as_str())?;
                }
                out.push('\n');
                for e in shown {
                    writeln!(out, "- **{}**: {}", cell(&catalog.frameworks[e.framework].name), cell(&e.explanation))?;
                }
                if let Some(s) = &a.sensitivity {
                    writeln!(out, "\n{}", cell(&super::tune::sensitivity_sentence(catalog, s)))?;
                }
                if options.explain {
                    for e in shown {
                        writeln!(
                            out,
                            "\n{}\n\n| Criterion | Need | Weight | Score | Points | Share |\n|---|--:|--:|--:|--:|--:|",
                            cell(&format!("Contributions to {}'s match", catalog.frameworks[e.framework].name))
                        )?;
                        for c in &e.contributions {
                            writeln!(
                                out,
                                "| {} | {} | {:.2} | {} | {:.1} | {:.0}% |",
                                cell(&catalog.criteria[c.criterion].name),
                                num(c.need),
                                c.weight,
                                num(c.score),
                                c.points,
                                c.share * 100.0
                            )?;
                        }
                    }
                }
            }
            if !a.reference.is_empty() {
                writeln!(out, "\n**Not maintained, for reference: {}'s view**\n", catalog.about.cited_as)?;
                // One line each; the history is in `dlpick frameworks` (and with --explain).
                for r in &a.reference {
                    let f = &catalog.frameworks[r.framework];
                    let brief = crate::explain::status_brief(catalog, r.framework);
                    if options.explain {
                        writeln!(
                            out,
                            "- {} ({:.1}, {brief}): {}",
                            cell(&f.name),
                            round1(r.score),
                            cell(&f.status_note)
                        )?;
                    } else {
                        writeln!(out, "- {} ({:.1}, {brief})", cell(&f.name), round1(r.score))?;
                    }
                }
            }
            if !a.excluded.is_empty() {
                out.push_str("\n**Excluded**\n\n");
                for e in &a.excluded {
                    writeln!(
                        out,
                        "- {}: {}",
                        cell(&catalog.frameworks[e.framework].name),
                        cell(&exclusion_text(catalog, e))
                    )?;
                }
            }
        }
        writeln!(out, "\n---\n\n{}", super::knowledge_base_line(catalog))?;
        if let Some(line) = super::provenance_line(&options.provenance) {
            writeln!(out, "\n{}", cell(&line))?;
        }
        Ok(out)
    }

    fn frameworks(&self, catalog: &Catalog, _options: &Options) -> Result<String> {
        let mut out = String::from("| Criterion |");
        for f in &catalog.frameworks {
            write!(out, " {} |", cell(&f.name))?;
        }
        out.push_str("\n|---|");
        out.push_str(&"--:|".repeat(catalog.frameworks.len()));
        out.push('\n');
        for (c, criterion) in catalog.criteria.iter().enumerate() {
            write!(out, "| {} |", cell(&criterion.name))?;
            for f in &catalog.frameworks {
                write!(out, " {} |", num(f.attributes[c].score))?;
            }
            out.push('\n');
        }
        for (fi, f) in catalog.frameworks.iter().enumerate() {
            writeln!(out, "\n### {} (`{}`)\n", cell(&f.name), cell(&f.id))?;
            writeln!(
                out,
                "Backed by {}. Languages: {}. Status: {} ({}).\n",
                cell(&f.backer),
                cell(&f.languages.iter().map(|l| catalog.language_name(l)).collect::<Vec<_>>().join(", ")),
                f.status.as_str(),
                cell(&f.status_note)
            )?;
            out.push_str("| Criterion | Score | Evidence | Basis | Source |\n|---|--:|---|---|---|\n");
            for (ci, (c, a)) in catalog.criteria.iter().zip(&f.attributes).enumerate() {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&c.name),
                    num(a.score),
                    cell(&a.evidence),
                    a.basis.as_str(),
                    cell(&citation(catalog, fi, ci))
                )?;
            }
        }
        writeln!(out, "\n{}", super::basis_tally_sentence(catalog))?;
        Ok(out)
    }

    fn criteria(&self, catalog: &Catalog, _options: &Options) -> Result<String> {
        let mut out = String::from("| Id | Name | Weight | Question |\n|---|---|--:|---|\n");
        for c in &catalog.criteria {
            writeln!(out, "| `{}` | {} | {} | {} |", c.id, cell(&c.name), num(c.weight), cell(&c.question))?;
        }
        Ok(out)
    }
}
