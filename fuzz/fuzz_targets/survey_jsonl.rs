//! Fuzz target: see `dlpick::fuzzing::survey_jsonl`. No panic, no NaN or infinite score.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dlpick::fuzzing::survey_jsonl(data));
