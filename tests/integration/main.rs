//! The integration tests: one binary, so the crate's dependencies (axum,
//! tokio, rusqlite, …) are linked once instead of once per file. Each module
//! is one concern and runs the real binary; every process a test starts is
//! made hermetic by `common`.

mod common;

mod adaptive;
mod advice;
mod ask;
mod batch;
mod cli;
mod docs;
mod fuzz_inputs;
mod harden;
mod html;
mod install;
mod layers;
mod madr;
mod methods;
mod properties;
mod serve;
mod snapshots;
mod survey;
mod tune;
