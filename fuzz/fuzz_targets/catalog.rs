//! Fuzz target: see `dlpick::fuzzing::catalog`. No panic, no NaN or infinite score.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dlpick::fuzzing::catalog(data));
