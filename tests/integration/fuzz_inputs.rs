//! The fuzz targets' entry points (`dlpick::fuzzing`, also run by
//! `scripts/fuzz.sh` under cargo-fuzz on nightly) on stable, bounded: random
//! bytes, and near-valid inputs made by mutating the shipped files. Each entry
//! point panics on a parser panic or on a NaN or infinite score.

use dlpick::fuzzing;
use proptest::prelude::*;

const PROFILE: &str = include_str!("../../profiles/polyglot-shop.toml");
const TABULAR: &str = include_str!("../../profiles/tabular-analyst.toml");
const WEIGHTS: &str = include_str!("../fixtures/tiny-weights.toml");
const CSV: &str = "name,team,debuggability,flexibility,languages,active_only,exclude,deep_learning,chosen\n\
                   Ana,lab,5,4,python;r,yes,theano,no,keras\n# comment\n\"B,o\",ops,3.5,,,no,,,\n";
const JSONL: &str = "{\"name\":\"Bo\",\"team\":\"ops\",\"needs\":{\"distributed_training\":5},\"require\":{\"active_only\":true,\"min\":{\"gpu_support\":3}}}\n\
                     {\"needs\":{\"debuggability\":2},\"require\":{\"deep_learning\":false,\"languages\":[\"python\"]},\"chosen\":\"keras\"}\n";

/// Replacements that probe the edges of every numeric and text field.
const EDGES: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "-0",
    "0",
    "5",
    "5.0000001",
    "-1",
    "1e308",
    "1e-308",
    "99999999999999999999",
    "\"\"",
    "\"\\u001b\"",
    "[]",
    "{}",
    "\u{0}",
    "\"",
    ",",
    "\n",
    "#",
    "=",
    "|",
    "é",
    "0x10",
    "true",
];

/// The same for knowledge bases, with huge numbers: weights are bounded at
/// load, so a weight of 1e308 is an error, never an overflow.
const CATALOG_EDGES: &[&str] = &[
    "1e308",
    "1e309",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "-0",
    "0",
    "5",
    "5.0000001",
    "-1",
    "1e-308",
    "\"\"",
    "\"\\u001b\"",
    "[]",
    "{}",
    "\u{0}",
    "\"",
    ",",
    "\n",
    "#",
    "=",
    "|",
    "é",
    "0x10",
    "true",
];

/// Edits of `text`: replace, insert or delete at a char boundary.
fn mutate(text: &str, edits: &[(usize, usize, usize)]) -> String {
    mutate_with(text, edits, EDGES)
}

fn mutate_with(text: &str, edits: &[(usize, usize, usize)], edges: &[&str]) -> String {
    let mut s = text.to_string();
    for &(kind, at, pick) in edits {
        let mut at = at % (s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        let edge = edges[pick % edges.len()];
        match kind % 3 {
            0 => s.insert_str(at, edge),
            1 => {
                // Replace the token at `at` (up to whitespace or punctuation).
                let end = s[at..].find([' ', '\n', ',', '}', ']']).map_or(s.len(), |i| at + i);
                s.replace_range(at..end, edge);
            }
            _ => {
                let mut end = (at + pick % 16).min(s.len());
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s.replace_range(at..end, "");
            }
        }
    }
    s
}

fn edits() -> impl Strategy<Value = Vec<(usize, usize, usize)>> {
    prop::collection::vec((0usize..3, 0usize..4096, 0usize..64), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..512)) {
        fuzzing::profile(&data);
        fuzzing::catalog(&data);
        fuzzing::survey_csv(&data);
        fuzzing::survey_jsonl(&data);
    }

    #[test]
    fn near_valid_profiles_score_finitely(e in edits(), which in any::<bool>()) {
        fuzzing::profile(mutate(if which { PROFILE } else { TABULAR }, &e).as_bytes());
    }

    #[test]
    fn near_valid_surveys_score_finitely(e in edits()) {
        fuzzing::survey_csv(mutate(CSV, &e).as_bytes());
        fuzzing::survey_jsonl(mutate(JSONL, &e).as_bytes());
    }
}

proptest! {
    // A knowledge base is larger to parse: fewer cases.
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn near_valid_knowledge_bases_score_finitely(e in edits()) {
        fuzzing::catalog(mutate_with(WEIGHTS, &e, CATALOG_EDGES).as_bytes());
    }
}
