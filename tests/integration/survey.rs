//! One survey, read the same by everything that reads surveys: `batch`,
//! `check`, `tune fit` and the fuzz entry point all go through the `survey`
//! module, so a CSV whose lines end with a bare CR (as old spreadsheet
//! exports write them), past the 1 MiB of one record, is the same rows to
//! each of them.

use std::fmt::Write as _;

use crate::common::Test;

const ROWS: usize = 6000;

/// A survey of `ROWS` respondents, every line ended by CR alone, over 1 MiB.
fn cr_only_survey() -> Vec<u8> {
    let chosen = ["pytorch", "tensorflow", "keras"];
    let mut text = String::from("name,team,debuggability,mobile_deployment,distributed_training,chosen\r");
    for i in 0..ROWS {
        let long_name = "x".repeat(170);
        write!(
            text,
            "r{i:05}{long_name},t{},{},{},{},{}\r",
            i % 3,
            i % 6,
            (i / 6) % 6,
            (i / 36) % 5 + 1,
            chosen[i % 3]
        )
        .unwrap();
    }
    assert!(text.len() > 1 << 20, "past one record's limit, were it one record");
    assert!(!text.contains('\n'));
    text.into_bytes()
}

#[test]
fn a_cr_only_survey_reads_the_same_everywhere() {
    let survey = cr_only_survey();

    let run = Test::new().write("s.csv", &survey).args(["batch", "s.csv"]).success();
    assert_eq!(run.stdout.lines().count(), 1 + ROWS, "a header and a row per respondent");
    assert!(run.stdout.lines().nth(ROWS).unwrap().starts_with(&format!("r{:05}", ROWS - 1)));
    assert!(run.stderr.ends_with("6,000 scored, 0 rejected\n"), "{}", run.stderr);

    let run = Test::new().write("s.csv", &survey).args(["check", "s.csv"]).success();
    assert!(run.stdout.contains("6,000 valid rows"), "{}", run.stdout);

    let run =
        Test::new().write("s.csv", &survey).args(["tune", "fit", "s.csv", "--format", "json", "--quiet"]).success();
    let fit: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(fit["decisions"], ROWS, "every row a decision");

    assert_eq!(dlpick::fuzzing::survey_csv_batch(&survey), Some((ROWS as u64, 0)));
    // The fuzz target's row-by-row reading (tune fit's) must not panic on it.
    dlpick::fuzzing::survey_csv(&survey);
}
