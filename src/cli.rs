//! Command-line definitions (clap derive) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::score::MethodId;

const EXAMPLES: &str = "\
Examples:
  dlpick recommend profiles/beginner.toml
  dlpick recommend --need debuggability=5 --need dynamic_graphs=4 --active-only
  dlpick recommend profiles/*.toml --format json --out advice.json
  dlpick frameworks pytorch keras
  dlpick criteria
  dlpick check profiles/ weights.toml

Exit codes: 0 success, 2 invalid input or usage.";

/// Choose a deep-learning framework, with reasons you can check.
///
/// dlpick scores a requirements profile (how much debuggability, distributed
/// training, beginner-friendliness, multi-language APIs, mobile deployment …
/// matter to you) against framework attributes drawn from the article "Deep
/// Learning Frameworks Comparison", and explains its ranking with the
/// article's evidence.
#[derive(Debug, Parser)]
#[command(name = "dlpick", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only results and errors: no progress, no notes.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Knowledge base to use instead of the built-in weights.toml.
    #[arg(long, env = "DLPICK_WEIGHTS", global = true, value_name = "FILE")]
    pub weights: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rank frameworks for one or more requirement profiles, with reasons.
    #[command(after_help = "\
Examples:
  dlpick recommend profiles/beginner.toml
  dlpick recommend profiles/research-lab.toml --explain
  dlpick recommend profiles/mobile-app.toml --need beginner_friendliness=4 --top 3
  dlpick recommend --need distributed_training=5 --need gpu_support=4 --format json
  cat my-profile.toml | dlpick recommend -")]
    Recommend(RecommendArgs),

    /// Show the knowledge base: frameworks, scores, evidence and sources.
    #[command(
        after_help = "Examples:\n  dlpick frameworks\n  dlpick frameworks pytorch --format markdown\n  dlpick frameworks --format json > kb.json"
    )]
    Frameworks(FrameworksArgs),

    /// List the criteria, their questions and global weights.
    Criteria(ListArgs),

    /// Score many respondents at once: a folder of profiles, a survey CSV or JSON Lines.
    #[command(after_help = "\
Examples:
  dlpick batch --template > survey.csv          # a header to fill in a spreadsheet
  dlpick batch survey.csv                       # one row per respondent, CSV
  dlpick batch survey.csv --by-team             # each team's combined, explained pick
  dlpick batch profiles/ --format text --top 2
  cat export.csv | dlpick batch - --format jsonl --out scored.jsonl

Inputs: a folder (every *.toml profile inside, recursively; a profile's team is
its `team` key or its sub-folder), a .csv survey export (header `name`, optional
`team`, one column per criterion id holding 0-5, optional `languages` such as
`python;r`, `active_only` yes/no, `exclude` such as `theano;cntk`), a .jsonl file
(one profile object per line, the TOML fields plus `team`), or `-` for CSV on
standard input.

Exit codes: 0 every row scored; 1 some rows rejected (each reported on stderr
with file and line; the others are scored and written); 2 nothing could be read
(a missing file, a bad header, a bad command line).")]
    Batch(BatchArgs),

    /// Validate knowledge-base and profile files (or folders of them).
    #[command(
        after_help = "Examples:\n  dlpick check profiles/\n  dlpick check weights.toml my-team.toml\n\nExit code 0 when every file is valid, 2 otherwise."
    )]
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// Profile files (TOML); `-` reads one from standard input.
    #[arg(value_name = "PROFILE")]
    pub profiles: Vec<PathBuf>,

    /// Set a need (0–5), e.g. `--need debuggability=5`; repeatable. Builds a
    /// profile when no file is given, or overrides the files' needs.
    #[arg(long = "need", value_name = "ID=N")]
    pub needs: Vec<String>,

    /// Show only the best N frameworks.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub top: Option<u16>,

    /// Rank only actively developed frameworks.
    #[arg(long)]
    pub active_only: bool,

    /// Aggregation method.
    #[arg(long, value_enum, default_value_t = MethodId::WeightedSum)]
    pub method: MethodId,

    /// Show every framework's contribution table.
    #[arg(long)]
    pub explain: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Allow --out to replace an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct FrameworksArgs {
    /// Show only these frameworks (ids).
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How to read a batch input whose extension does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    Csv,
    Jsonl,
    Toml,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches
pub struct BatchArgs {
    /// Folders, .csv, .jsonl or .toml files; `-` reads CSV from standard input.
    #[arg(value_name = "INPUT", required_unless_present = "template")]
    pub inputs: Vec<PathBuf>,

    /// Read every input as this format instead of guessing from its extension.
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,

    /// Frameworks to show per respondent.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
    pub top: u16,

    /// Combine the members of each team and report how much they agree.
    #[arg(long)]
    pub by_team: bool,

    /// Skip CSV columns that are not criteria or known fields instead of failing.
    #[arg(long)]
    pub ignore_unknown_columns: bool,

    /// Aggregation method.
    #[arg(long, value_enum, default_value_t = MethodId::WeightedSum)]
    pub method: MethodId,

    /// Output format [default: csv, or text with --by-team].
    #[arg(long, short, value_enum)]
    pub format: Option<crate::batch::BatchFormat>,

    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Allow --out to replace an existing file.
    #[arg(long)]
    pub force: bool,

    /// Print an empty survey CSV (the header, in the right order) and exit.
    #[arg(long, conflicts_with_all = ["inputs", "by_team"])]
    pub template: bool,

    /// With --template: add each column's question as a comment row.
    #[arg(long, requires = "template")]
    pub with_questions: bool,

    /// Worker threads (default: one per core).
    #[arg(long, hide = true, default_value_t = 0)]
    pub threads: usize,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders (searched for *.toml) to validate.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}
