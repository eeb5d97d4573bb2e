//! dlpick: choose a deep-learning framework, with reasons you can check.
//!
//! Data flows one way: files become validated types ([`catalog`],
//! [`profile`]), types become scores ([`score`]), scores become advice
//! ([`explain`]) and advice becomes a report ([`report`]). Only [`app`] and
//! [`output`] touch files and terminals; everything else is pure and can be
//! used as a library.

pub mod app;
#[cfg(test)]
mod architecture;
pub mod ask;
pub mod batch;
pub mod build_info;
pub mod catalog;
pub mod cli;
pub mod error;
pub mod explain;
#[doc(hidden)]
pub mod fuzzing;
pub mod input;
pub mod limits;
pub mod output;
pub mod profile;
pub mod report;
pub mod sanitize;
pub mod score;
pub mod serve;
pub mod signals;
pub mod team;
pub mod tune;
pub mod walk;

pub use error::{Error, Result};
