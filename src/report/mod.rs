//! Reports: everything dlpick prints, for people and for scripts.
//!
//! One file per output format, each implementing [`Report`], the one
//! rendering trait; [`Format`] is the one list of formats. Commands hand
//! over finished data (advice, team results, analyses, the knowledge base)
//! and get text back; reports never read files or decide anything, so every
//! format says the same thing. Layout ([`layout`]) and number formatting
//! ([`numbers`]) live here once, for all of them.

pub mod csv;
pub mod department;
pub mod html;
mod json;
pub mod layout;
pub mod madr;
mod markdown;
pub mod numbers;
pub mod rows;
pub mod setup;
pub mod svg;
pub mod teams;
mod text;
pub mod tune;

use crate::catalog::Catalog;
use crate::error::Result;
use crate::explain::Advice;

pub use self::csv::Csv;
pub use self::html::Html;
pub use self::json::{Json, Jsonl, advice_value, knowledge_base_view, pretty};
pub use self::layout::wrap;
pub use self::madr::{DecisionDoc, Madr};
pub use self::markdown::Markdown;
pub use self::text::{Text, basis_tally_sentence};
use self::tune::{RobustnessDoc, SensitivityDoc};
use crate::team::Department;
use crate::tune::fit::FitOutcome;

/// Every output format. Not every command offers every one: the command
/// line lists those that make sense for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned tables with bars, for people.
    #[default]
    Text,
    /// One JSON document, for scripts.
    Json,
    /// One JSON object per line (batch).
    Jsonl,
    /// Comma-separated values, one row per framework.
    Csv,
    /// A Markdown document, for wikis and pull requests.
    Markdown,
    /// A self-contained HTML page with charts (no scripts, no network).
    Html,
    /// A decision record (MADR) for one profile or one team, to commit.
    Madr,
}

impl Format {
    pub const ALL: [Self; 7] = [Self::Text, Self::Json, Self::Jsonl, Self::Csv, Self::Markdown, Self::Html, Self::Madr];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
            Self::Jsonl => "jsonl",
            Self::Csv => "csv",
            Self::Markdown => "markdown",
            Self::Html => "html",
            Self::Madr => "madr",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(text.trim()))
    }

    pub fn report(self) -> &'static dyn Report {
        match self {
            Self::Text => &Text,
            Self::Json => &Json,
            Self::Jsonl => &Jsonl,
            Self::Csv => &Csv,
            Self::Markdown => &Markdown,
            Self::Html => &Html,
            Self::Madr => &Madr,
        }
    }
}

/// The knowledge base's files with their hashes, for report footers:
/// "Knowledge base: built-in (sha256 9f8e…), kb/extra.toml (sha256 …)."
pub fn knowledge_base_line(catalog: &Catalog) -> String {
    format!("Knowledge base: {}.", knowledge_base_files(catalog))
}

/// "built-in (sha256 9f8e…), kb/extra.toml (sha256 …)".
pub fn knowledge_base_files(catalog: &Catalog) -> String {
    let files: Vec<String> =
        catalog.files.iter().map(|f| format!("{} (sha256 {})", f.path, &f.sha256[..f.sha256.len().min(12)])).collect();
    files.join(", ")
}

/// "Made by dlpick 0.1.0 (…) on 2026-11-25 from profiles/a.toml." for
/// footers, or `None` when the app gave no provenance.
pub fn provenance_line(p: &Provenance) -> Option<String> {
    if p.version.is_empty() {
        return None;
    }
    let mut s = format!("Made by {} on {}", p.version, p.date);
    if !p.inputs.is_empty() {
        s.push_str(" from ");
        s.push_str(&p.inputs.join(", "));
    }
    s.push('.');
    Some(s)
}

/// How many frameworks a ranking per respondent or team shows unless told
/// (`dlpick batch --top`, the survey server's team report).
pub const BATCH_TOP: u16 = 3;

/// How a report should look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Show at most this many ranked frameworks.
    pub top: Option<usize>,
    /// Include every framework's contribution table.
    pub explain: bool,
    /// Use ANSI colours (text only).
    pub color: bool,
    /// Columns of text to fill (text only): the terminal's width, else
    /// `COLUMNS`, else 80. Tables and wrapped lines never exceed it.
    pub width: usize,
    /// What a pasted report needs to be reproduced (HTML and Markdown
    /// footers, JSON).
    pub provenance: Provenance,
}

impl Default for Options {
    fn default() -> Self {
        Self { top: None, explain: false, color: false, width: DEFAULT_WIDTH, provenance: Provenance::default() }
    }
}

/// The width of text output when nothing says otherwise.
pub const DEFAULT_WIDTH: usize = 80;

/// Where a report came from: enough to produce it again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Provenance {
    /// "dlpick 0.1.0 (commit …, knowledge base …)".
    pub version: String,
    /// The day the report was made (UTC, `YYYY-MM-DD`), or the day of
    /// `SOURCE_DATE_EPOCH` so reproducible builds get the same bytes.
    pub date: String,
    /// The Unix time of `date`'s midnight (UTC): what `SOURCE_DATE_EPOCH`
    /// is set to, to date a report again on the same day.
    pub day: i64,
    /// The input files, as the user named them.
    pub inputs: Vec<String>,
}

impl Options {
    /// How many of `n` ranked frameworks to show.
    pub fn shown(&self, n: usize) -> usize {
        self.top.map_or(n, |t| t.min(n))
    }
}

/// One output format. Each document has a method; a format that cannot
/// show a document (CSV for a sensitivity analysis) keeps the default,
/// which says so.
pub trait Report: Sync {
    /// The format's name, as `--format` spells it.
    fn name(&self) -> &'static str;
    /// Ranked, explained recommendations for one or more profiles.
    fn advice(&self, _catalog: &Catalog, _advice: &[Advice], _options: &Options) -> Result<String> {
        Err(unsupported(self.name(), "recommend"))
    }
    /// The frameworks with their attribute scores, evidence and sources.
    fn frameworks(&self, _catalog: &Catalog, _options: &Options) -> Result<String> {
        Err(unsupported(self.name(), "frameworks"))
    }
    /// The criteria with their questions and weights.
    fn criteria(&self, _catalog: &Catalog, _options: &Options) -> Result<String> {
        Err(unsupported(self.name(), "criteria"))
    }
    /// Each team's combined advice, agreement and consensus, and everyone's.
    fn teams(&self, _catalog: &Catalog, _department: &Department, _options: &Options) -> Result<String> {
        Err(unsupported(self.name(), "batch --by-team"))
    }
    /// How far each weight may move before the top pick changes.
    fn sensitivity(&self, _catalog: &Catalog, _doc: &SensitivityDoc, _options: &Options) -> Result<String> {
        Err(unsupported(self.name(), "tune sensitivity"))
    }
    /// How often each framework takes each rank under sampled weights.
    fn robustness(&self, _catalog: &Catalog, _doc: &RobustnessDoc, _options: &Options) -> Result<String> {
        Err(unsupported(self.name(), "tune robustness"))
    }
    /// A decision record: one profile's or one team's choice, how firm it
    /// is and how to make the record again.
    fn decision(&self, _catalog: &Catalog, _doc: &DecisionDoc, _options: &Options) -> Result<String> {
        Err(crate::Error::Usage(format!("{} cannot write a decision record; use --format madr.", self.name())))
    }
    /// Weights fitted to past decisions.
    fn fit(&self, _catalog: &Catalog, _outcome: &FitOutcome, _options: &Options) -> Result<String> {
        Err(unsupported(self.name(), "tune fit"))
    }
}

fn unsupported(format: &str, command: &str) -> crate::Error {
    crate::Error::Usage(format!("`{command}` cannot write {format}; see `dlpick {command} --help` for its formats."))
}
