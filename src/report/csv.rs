//! CSV for spreadsheets: one row per framework per profile, excluded
//! frameworks included with an empty rank and their reason. Text cells are
//! neutralised against formula injection ([`sanitize::csv`]); numbers are not.

use super::{Options, Report};
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::explain::{Advice, exclusion_text, num};
use crate::sanitize;
use crate::score::round1;
use crate::team::Department;

pub struct Csv;

/// The CSV written so far, as text.
pub fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String> {
    let bytes = writer.into_inner().map_err(|e| Error::Internal(format!("CSV: {}", e.error())))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(format!("CSV: {e}")))
}

impl Report for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn teams(&self, catalog: &Catalog, department: &Department, options: &Options) -> Result<String> {
        super::teams::csv(catalog, &department.teams, options)
    }

    fn advice(&self, catalog: &Catalog, advice: &[Advice], options: &Options) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "profile",
            "standing",
            "rank",
            "tied",
            "framework",
            "name",
            "match",
            "status",
            "excluded",
            "explanation",
        ])?;
        for a in advice {
            // The profile's name is user input: no formula may reach a spreadsheet.
            let profile = sanitize::csv(&a.profile.name).into_owned();
            let profile = profile.as_str();
            for e in &a.ranking[..options.shown(a.ranking.len())] {
                let f = &catalog.frameworks[e.framework];
                w.write_record([
                    profile,
                    "ranked",
                    &e.rank.to_string(),
                    if e.tied { "yes" } else { "no" },
                    &f.id,
                    &f.name,
                    &format!("{:.1}", round1(e.score)),
                    f.status.as_str(),
                    "",
                    &e.explanation,
                ])?;
            }
            for r in &a.reference {
                let f = &catalog.frameworks[r.framework];
                let note = format!("For reference: {}'s view. {}", catalog.about.cited_as, f.status_note);
                w.write_record([
                    profile,
                    "reference",
                    "",
                    "",
                    &f.id,
                    &f.name,
                    &format!("{:.1}", round1(r.score)),
                    f.status.as_str(),
                    "",
                    &note,
                ])?;
            }
            for e in &a.excluded {
                let f = &catalog.frameworks[e.framework];
                let reason = exclusion_text(catalog, e);
                w.write_record([profile, "excluded", "", "", &f.id, &f.name, "", f.status.as_str(), &reason, ""])?;
            }
        }
        finish(w)
    }

    fn frameworks(&self, catalog: &Catalog, _options: &Options) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "framework",
            "name",
            "status",
            "languages",
            "criterion",
            "score",
            "evidence",
            "basis",
            "source",
            "layer",
        ])?;
        for f in &catalog.frameworks {
            let languages = f.languages.join(";");
            for (c, a) in catalog.criteria.iter().zip(&f.attributes) {
                // A knowledge base passed with --weights is user input too.
                w.write_record([
                    &*sanitize::csv(&f.id),
                    &sanitize::csv(&f.name),
                    f.status.as_str(),
                    &sanitize::csv(&languages),
                    &sanitize::csv(&c.id),
                    &num(a.score),
                    &sanitize::csv(&a.evidence),
                    a.basis.as_str(),
                    &sanitize::csv(&a.source),
                    catalog.layer_of(a.origin).unwrap_or(""),
                ])?;
            }
        }
        finish(w)
    }

    fn criteria(&self, catalog: &Catalog, _options: &Options) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["criterion", "name", "weight", "question", "description"])?;
        for c in &catalog.criteria {
            w.write_record([
                &*sanitize::csv(&c.id),
                &sanitize::csv(&c.name),
                &num(c.weight),
                &sanitize::csv(&c.question),
                &sanitize::csv(&c.description),
            ])?;
        }
        finish(w)
    }
}
