//! dlpick: choose a deep-learning framework, with reasons you can check.
//!
//! Data flows one way: files become validated types ([`catalog`],
//! [`profile`]), types become scores ([`score`]), scores become advice
//! ([`explain`]) and advice becomes a report (`report`). Only [`app`] and
//! [`output`] touch files and terminals. `docs/ARCHITECTURE.md` has the
//! layers, which module may import which (a test holds the code to it) and
//! the data flow of each use.
//!
//! The public modules are what the binary, the tests, the benchmarks and
//! the fuzz targets use; everything else is private to the crate.

pub mod app;
#[cfg(test)]
mod architecture;
mod ask;
mod batch;
pub mod build_info;
pub mod catalog;
pub mod cli;
mod error;
pub mod explain;
#[doc(hidden)]
pub mod fuzzing;
mod input;
mod limits;
pub mod output;
pub mod profile;
mod report;
mod sanitize;
pub mod score;
mod serve;
mod signals;
mod survey;
mod team;
mod tune;
mod walk;

pub use error::{Error, Result};
