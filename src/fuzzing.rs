//! Entry points for fuzzing: each takes arbitrary bytes, feeds them to one
//! parser and scores whatever parses.
//!
//! Why here and not in `fuzz/`: the cargo-fuzz targets (`fuzz/`, nightly,
//! run by `scripts/fuzz.sh`) and the bounded property test that runs in
//! `cargo test` on stable (`tests/integration/fuzz_inputs.rs`) must exercise exactly the
//! same code, so both call these functions. Each one panics — which is what
//! a fuzzer reports — if a parser panics, or if any score of anything that
//! parsed is NaN or infinite. Errors are the expected outcome for most
//! inputs and are rendered too, so message formatting is fuzzed as well.

use std::sync::LazyLock;

use crate::catalog::Catalog;
use crate::explain::explain;
use crate::profile::{Draft, Profile, Require};
use crate::report::Report as _;
use crate::score::rows::Scorer;
use crate::score::{Matrix, MethodId, rank};
use crate::survey::source::{Respondent, open_csv, parse_csv_row, parse_json_row};

const METHODS: [MethodId; 3] = [MethodId::WeightedSum, MethodId::WeightedProduct, MethodId::Topsis];

/// The built-in knowledge base and a scorer per method, built once: every
/// fuzz run would otherwise parse the same file again.
fn builtin() -> Option<&'static (Catalog, Vec<Scorer>)> {
    static BUILTIN: LazyLock<Option<(Catalog, Vec<Scorer>)>> = LazyLock::new(|| {
        let catalog = Catalog::builtin().ok()?;
        let scorers = METHODS
            .iter()
            .map(|m| Scorer::new(&catalog, *m, crate::profile::InactivePolicy::Rank))
            .collect::<crate::Result<Vec<_>>>()
            .ok()?;
        Some((catalog, scorers))
    });
    BUILTIN.as_ref()
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Rank `profile` with every method and check every number that comes out.
fn score_profile(catalog: &Catalog, profile: &Profile) {
    let matrix = Matrix::new(catalog);
    for method in METHODS {
        let ranking = rank(catalog, &matrix, profile, method.method());
        for r in &ranking.ranked {
            assert!(r.score.get().is_finite(), "{method:?}: score {:?} for framework {}", r.score, r.framework);
        }
        for e in &ranking.effective {
            assert!(e.is_finite(), "{method:?}: effective weight {e}");
        }
        let advice = explain(catalog, &matrix, profile.clone(), ranking);
        let _ = crate::report::Text.advice(catalog, std::slice::from_ref(&advice), &crate::report::Options::default());
    }
}

/// A profile (TOML) against the built-in knowledge base.
pub fn profile(data: &[u8]) {
    let Some(source) = text(data) else { return };
    let Some((catalog, _)) = builtin() else { return };
    let _ = Draft::from_toml(source, "fuzz.toml").map_err(|e| e.to_string());
    match Profile::from_toml(source, "fuzz.toml", "fuzz", catalog) {
        Ok(profile) => score_profile(catalog, &profile),
        Err(e) => drop(e.to_string()),
    }
}

/// A knowledge base (TOML), scored for a profile that rates everything.
pub fn catalog(data: &[u8]) {
    let Some(source) = text(data) else { return };
    match Catalog::parse(source, "fuzz.toml") {
        Ok(catalog) => {
            let profile = Profile {
                name: "fuzz".into(),
                description: None,
                needs: (0..catalog.criteria.len()).map(|c| [5.0, 0.5, 3.0][c % 3]).collect(),
                require: Require { deep_learning: false, ..Require::default() },
                chosen: None,
                unasked: Vec::new(),
            };
            score_profile(&catalog, &profile);
            for format in [crate::report::Format::Text, crate::report::Format::Markdown, crate::report::Format::Csv] {
                let _ = format.report().frameworks(&catalog, &crate::report::Options::default());
            }
        }
        Err(e) => drop(e.to_string()),
    }
}

/// Check one respondent's batch ranking.
fn score_row(scorer: &Scorer, r: &Respondent) {
    let mut effective = Vec::new();
    let mut picks = Vec::new();
    let routed = scorer.routed_matrix(&r.require);
    if scorer.rank_into(&r.needs, scorer.candidates(&r.require), routed.as_ref(), &mut effective, &mut picks) {
        for p in &picks {
            assert!(p.score.get().is_finite(), "{:?}: batch score {:?} for {}", scorer.method, p.score, p.framework);
        }
        if let Some(first) = picks.first() {
            let _ = scorer.main_reason(first.framework, &effective, routed.as_ref());
        }
    }
}

/// Ignores what a batch run reports.
struct Unwatched;

impl crate::batch::Observer for Unwatched {
    fn rejected(&self, message: &str) {
        drop(crate::sanitize::message(message));
    }
    fn progress(&self, _rows: u64, _bytes: u64) {}
}

/// A survey CSV read and scored as `dlpick batch` does, through the
/// survey's header check, the chunk cutter, the in-place record splitter
/// and both roads (the short road for plain rows), written as CSV rows:
/// how many rows were scored and rejected, or `None` when the header is
/// refused. Two workers, so chunks are put back in order.
pub fn survey_csv_batch(data: &[u8]) -> Option<(u64, u64)> {
    use crate::batch::{self, Options, Output};
    let (catalog, _) = builtin()?;
    let raw = match crate::survey::source::open_csv_raw(std::io::Cursor::new(data.to_vec()), "fuzz.csv", catalog, false)
    {
        Ok(raw) => raw,
        Err(e) => {
            drop(e.to_string());
            return None;
        }
    };
    let options = Options {
        method: MethodId::WeightedSum,
        inactive: crate::profile::InactivePolicy::default(),
        threads: 2,
        approval_margin: crate::team::APPROVAL_MARGIN,
    };
    let rows =
        crate::report::rows::RowFormatter::new(crate::report::Format::Csv, 3, crate::report::DEFAULT_WIDTH, catalog);
    let output = Output::Rows { sink: &rows, out: &mut std::io::sink() };
    let stop = std::sync::atomic::AtomicBool::new(false);
    let summary = batch::run(catalog, vec![batch::Source::from(raw)], &options, output, &Unwatched, &stop).ok()?;
    Some((summary.scored, summary.rejected))
}

/// A survey CSV (header and rows) against the built-in knowledge base: row
/// by row through the survey's `csv`-crate reader (as `tune fit` reads it),
/// every respondent scored by every method, then as `batch` reads it.
pub fn survey_csv(data: &[u8]) {
    let _ = survey_csv_batch(data);
    let Some((catalog, scorers)) = builtin() else { return };
    for ignore_unknown in [false, true] {
        let (layout, mut reader) = match open_csv(data, "fuzz.csv", catalog, ignore_unknown) {
            Ok(opened) => opened,
            Err(e) => {
                drop(e.to_string());
                continue;
            }
        };
        let mut record = csv::ByteRecord::new();
        let mut respondent = Respondent::default();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            let line = record.position().map_or(0, csv::Position::line);
            match parse_csv_row(&layout, &record, line, catalog, &mut respondent) {
                Ok(()) => {
                    for s in scorers {
                        score_row(s, &respondent);
                    }
                }
                Err(e) => drop(e.to_string()),
            }
        }
    }
}

/// A JSON Lines survey against the built-in knowledge base.
pub fn survey_jsonl(data: &[u8]) {
    let Some((catalog, scorers)) = builtin() else { return };
    let mut respondent = Respondent::default();
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        let Some(line) = text(line) else { continue };
        match parse_json_row("fuzz.jsonl", line, i as u64 + 1, catalog, &mut respondent) {
            Ok(()) => {
                for s in scorers {
                    score_row(s, &respondent);
                }
                score_profile(catalog, &respondent.to_profile(catalog));
            }
            Err(e) => drop(e.to_string()),
        }
    }
}
