//! The survey CSV template: the columns a survey has, in order, with each
//! column's question as an optional comment row. What `dlpick batch
//! --template` prints and the survey server's CSV export follows.
//! It sits beside the column list ([`super::source::EXTRA_COLUMNS`] and the
//! columns a header may name).

use super::source::EXTRA_COLUMNS;
use crate::catalog::Catalog;

/// The survey header, and optionally each column's question as a comment row.
pub fn template(catalog: &Catalog, with_questions: bool) -> String {
    let mut header = vec!["name", "team"];
    header.extend(catalog.criterion_ids());
    header.extend(EXTRA_COLUMNS);
    let mut rows = vec![header.iter().map(ToString::to_string).collect::<Vec<_>>()];
    if with_questions {
        let mut questions = vec!["# respondent's name".to_string(), "team (optional)".to_string()];
        questions
            .extend(catalog.criteria.iter().map(|c| format!("{} (0 = doesn't matter … 5 = critical)", c.question)));
        questions.extend(EXTRA_COLUMNS.iter().map(|column| hint(column).to_string()));
        rows.push(questions);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in &rows {
        // Writing to memory cannot fail; rows all have the header's length.
        w.write_record(row).expect("a template row in memory");
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// What a respondent writes in one of the columns after the needs.
fn hint(column: &str) -> &'static str {
    match column {
        "languages" => "Programming languages you must use it from, e.g. python;r",
        "targets" => {
            "Where your models must run, e.g. server;browser;android;ios;embedded_linux;microcontroller;desktop"
        }
        "hardware" => "Hardware it must run on, e.g. nvidia;amd;apple;tpu;intel",
        "inactive" => "Frameworks no longer maintained: separate (for reference), rank or exclude",
        "exclude" => "Frameworks to rule out, e.g. theano;cntk",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_column_after_the_needs_has_a_hint() {
        for column in super::EXTRA_COLUMNS {
            assert!(!super::hint(column).is_empty(), "{column}");
        }
    }
}
