//! Fuzz target: see `dlpick::fuzzing::profile`. No panic, no NaN or infinite score.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dlpick::fuzzing::profile(data));
