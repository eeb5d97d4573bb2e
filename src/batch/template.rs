//! The survey CSV template: the columns a survey has, in order, with each
//! column's question as an optional comment row. What `dlpick batch
//! --template` prints and the survey server's CSV export follows.
//!
//! It belongs with the column list ([`super::source::EXTRA_COLUMNS`] and
//! the columns a header may name); when one survey module owns reading
//! respondents (issue 21), this file moves into it beside that list.

use super::source::EXTRA_COLUMNS;
use crate::catalog::Catalog;

/// The survey header, and optionally each column's question as a comment row.
pub fn template(catalog: &Catalog, with_questions: bool) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["name", "team"];
    header.extend(catalog.criterion_ids());
    header.extend(EXTRA_COLUMNS);
    let _ = w.write_record(&header);
    if with_questions {
        let mut questions = vec!["# respondent's name".to_string(), "team (optional)".to_string()];
        questions
            .extend(catalog.criteria.iter().map(|c| format!("{} (0 = doesn't matter … 5 = critical)", c.question)));
        questions.push("API languages you need, e.g. python;r".to_string());
        questions.push("Frameworks no longer maintained: separate (for reference), rank or exclude".to_string());
        questions.push("Frameworks to rule out, e.g. theano;cntk".to_string());
        let _ = w.write_record(&questions);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
