//! Command-line definitions (clap derive) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::profile::InactivePolicy;
use crate::report::Format;
use crate::score::MethodId;

const EXAMPLES: &str = "\
Examples:
  dlpick ask                                  # answer questions, get advice
  dlpick recommend beginner                   # a shipped example (see dlpick examples)
  dlpick recommend --need debuggability=5 --need dynamic_graphs=4
  dlpick recommend polyglot-shop --inactive rank   # the article's 2018 view
  dlpick recommend mobile-app --format html --out report.html
  dlpick examples survey > survey.csv         # a team survey to try
  dlpick batch survey.csv --by-team           # each team's combined pick
  dlpick serve                                # the questionnaire as a team's web survey
  dlpick tune sensitivity mobile-app          # how safe is the advice?
  dlpick frameworks pytorch keras
  dlpick check mine.toml survey.csv

Exit codes: 0 success; 1 batch rows rejected; 2 invalid input or usage; 3 a
file, database or socket could not be read or written; 4 a bug; 130 a
questionnaire left with Esc or Ctrl-C.";

/// Every exit status, for the manual page.
pub(crate) const EXIT_CODES: &[(u8, &str)] = &[
    (0, "Success. For check: every file is valid. A closed output pipe (dlpick … | head) also ends with 0."),
    (1, "batch: some rows were rejected; each is reported on standard error and the others are scored and written."),
    (
        2,
        "Invalid input (a file that does not exist, broken TOML or CSV, text that is not UTF-8, a wrong type, an \
         unknown key or id, a value out of range, NaN, an input over its size limit) or a bad command line.",
    ),
    (
        3,
        "Storage: a file, folder, stream, socket or terminal could not be read or written (permissions, a full \
         disk, a failing device, an address in use), or the survey database failed. Nothing half-written is left.",
    ),
    (4, "Internal: something that should not happen did (a bug; please report it)."),
    (130, "A questionnaire left with Esc or Ctrl-C; nothing is written."),
];

/// Environment variables dlpick reads other than through an option (those
/// are declared with `env = ...` on the option itself). The manual page lists
/// both; add a variable here when the code starts reading one.
pub(crate) const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "DLPICK_WEIGHTS",
        "The knowledge base to use instead of the built-in one, when no --weights is given; empty means unset.",
    ),
    (
        "DLPICK_LAYERS",
        "Knowledge-base layers, separated as in PATH; used when no --layer is given, instead of the project's layers.",
    ),
    ("NO_COLOR", "When set and not empty, --color auto never colours."),
    ("TERM", "When `dumb`, --color auto never colours."),
    (
        "COLUMNS",
        "Width at which help text is wrapped (at most 100) when it is not written to a terminal whose width \
         can be read.",
    ),
];

/// Choose a deep-learning framework, with reasons you can check.
///
/// dlpick scores a requirements profile (how much debuggability, distributed
/// training, beginner-friendliness, multi-language APIs, mobile deployment …
/// matter to you) against framework attributes drawn from the article "Deep
/// Learning Frameworks Comparison", and explains its ranking with the
/// article's evidence.
#[derive(Debug, Parser)]
#[command(
    name = "dlpick",
    version,
    long_version = crate::build_info::long_version(),
    after_help = EXAMPLES,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only results and errors: no progress, no notes.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Knowledge base to use instead of the built-in weights.toml (or the
    /// project's `weights`) [env: DLPICK_WEIGHTS; empty means unset].
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub weights: Option<PathBuf>,

    /// A knowledge-base layer on top of the base: adds frameworks or
    /// overrides single fields. Repeatable; replaces DLPICK_LAYERS (paths
    /// separated as in PATH) and the project's `layers`.
    #[arg(long = "layer", global = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub layers: Vec<PathBuf>,

    /// Only the eight frameworks the article compares (TensorFlow, Keras,
    /// PyTorch, MXNet, CNTK, Caffe2, Theano, scikit-learn), as the project's
    /// `article_only = true` does.
    #[arg(long, global = true)]
    pub article_only: bool,
}

/// Aggregation methods, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum MethodArg {
    /// 100 · Σ need·weight·score / Σ need·weight·5.
    #[default]
    WeightedSum,
    /// 100 · Π ((score + 1) / 6) ^ normalised weight: weak scores cost more.
    WeightedProduct,
    /// Closeness to the ideal framework (TOPSIS, vector normalisation).
    Topsis,
}

impl From<MethodArg> for MethodId {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::WeightedSum => Self::WeightedSum,
            MethodArg::WeightedProduct => Self::WeightedProduct,
            MethodArg::Topsis => Self::Topsis,
        }
    }
}

/// Report formats, as `recommend`, `ask`, `frameworks` and `criteria`
/// name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned tables with bars, for people.
    Text,
    /// One JSON document, for scripts.
    Json,
    /// Comma-separated values, one row per framework.
    Csv,
    /// A Markdown document, for wikis and pull requests.
    Markdown,
    /// A self-contained HTML page with charts (no scripts, no network).
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Self::Text,
            FormatArg::Json => Self::Json,
            FormatArg::Csv => Self::Csv,
            FormatArg::Markdown => Self::Markdown,
            FormatArg::Html => Self::Html,
        }
    }
}

/// The formats `recommend` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecommendFormatArg {
    /// Aligned tables with bars, for people.
    Text,
    /// One JSON document, for scripts.
    Json,
    /// Comma-separated values, one row per framework.
    Csv,
    /// A Markdown document, for wikis and pull requests.
    Markdown,
    /// A self-contained HTML page with charts (no scripts, no network).
    Html,
    /// A decision record (MADR) for one profile, to commit: the choice, its
    /// evidence, how firm it is and the command that makes it again.
    Madr,
}

impl From<RecommendFormatArg> for Format {
    fn from(f: RecommendFormatArg) -> Self {
        match f {
            RecommendFormatArg::Text => Self::Text,
            RecommendFormatArg::Json => Self::Json,
            RecommendFormatArg::Csv => Self::Csv,
            RecommendFormatArg::Markdown => Self::Markdown,
            RecommendFormatArg::Html => Self::Html,
            RecommendFormatArg::Madr => Self::Madr,
        }
    }
}

/// The formats `batch` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormatArg {
    /// Comma-separated values (the default): easy to open in a spreadsheet.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
    /// A Markdown table, or with --by-team the department report.
    Markdown,
    /// Aligned text for a terminal.
    Text,
    /// A self-contained HTML department report: what matters, top picks,
    /// the consensus and a section per team.
    Html,
    /// A decision record (MADR) for the whole survey, or with --team for
    /// one team: the consensus pick, its evidence, how firm it is and the
    /// command that makes it again. Implies --by-team.
    Madr,
}

impl From<BatchFormatArg> for Format {
    fn from(f: BatchFormatArg) -> Self {
        match f {
            BatchFormatArg::Csv => Self::Csv,
            BatchFormatArg::Jsonl => Self::Jsonl,
            BatchFormatArg::Json => Self::Json,
            BatchFormatArg::Markdown => Self::Markdown,
            BatchFormatArg::Text => Self::Text,
            BatchFormatArg::Html => Self::Html,
            BatchFormatArg::Madr => Self::Madr,
        }
    }
}

/// What to do with frameworks that are no longer maintained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InactiveArg {
    /// Rank only maintained frameworks; list the others after the ranking,
    /// for reference (the default).
    Separate,
    /// Rank everything together, with warnings: the article's 2018 view.
    Rank,
    /// Exclude them, with their reason.
    Exclude,
}

impl From<InactiveArg> for InactivePolicy {
    fn from(p: InactiveArg) -> Self {
        match p {
            InactiveArg::Separate => Self::Separate,
            InactiveArg::Rank => Self::Rank,
            InactiveArg::Exclude => Self::Exclude,
        }
    }
}

/// The policy for frameworks that are no longer maintained, on every
/// command that ranks.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct PolicyArgs {
    /// Frameworks that are no longer maintained: `separate` ranks only
    /// maintained ones and lists the rest for reference; `rank` ranks all
    /// (the article's view); `exclude` leaves them out. Overrides the
    /// profile's `[require] inactive` [default: the profile's, else separate].
    #[arg(long, value_enum, value_name = "POLICY")]
    pub inactive: Option<InactiveArg>,

    /// Same as `--inactive exclude`.
    #[arg(long, conflicts_with = "inactive")]
    pub active_only: bool,
}

impl PolicyArgs {
    /// The policy the command line sets, if any.
    pub fn policy(&self) -> Option<InactivePolicy> {
        if self.active_only { Some(InactivePolicy::Exclude) } else { self.inactive.map(Into::into) }
    }
}

impl Cli {
    /// Parse the command line, then take `--weights` from `DLPICK_WEIGHTS`
    /// when the flag is absent. An empty variable counts as unset (clap's
    /// own `env` would reject it without naming the variable).
    pub fn parse_with_env() -> Self {
        let mut cli = Self::try_parse().unwrap_or_else(|e| exit_with(&e));
        if cli.weights.is_none() {
            cli.weights = std::env::var_os("DLPICK_WEIGHTS").filter(|v| !v.is_empty()).map(PathBuf::from);
        }
        cli
    }
}

/// Print a command-line error as every other error is printed ("dlpick:
/// error: …") and exit with clap's code (2); help and version go to
/// standard output as usual.
fn exit_with(e: &clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    // Each line as every message is shown: it may quote the command line.
    let text = e.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let mut shown = String::from("dlpick: error: ");
    for line in text.lines() {
        shown.push_str(&crate::sanitize::message(line));
        shown.push('\n');
    }
    eprint!("{shown}");
    std::process::exit(e.exit_code());
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
    /// Answer a questionnaire and get explained advice (and a profile to keep).
    #[command(after_help = "\
Examples:
  dlpick ask                                   # at a terminal: only what can change the pick
  dlpick ask --all-questions                   # every question, in the fixed order
  dlpick ask --save my-team.toml               # save the answers as a profile
  dlpick ask --answers my-team.toml            # answer what the file leaves open
  dlpick ask --next --answers part.toml --format json   # the next question, for scripts
  dlpick ask --pairwise                        # compare criteria two at a time (AHP)
  dlpick ask --print-questions                 # the questions in order, for scripts
  printf '5\\n4\\n\\n' | dlpick ask --save p.toml  # scripted: one answer per line

At a terminal, requirements are asked first, then the ratings that can still
change the top pick (weighted sum); once none can, dlpick says so and offers to
stop. --all-questions asks everything in the fixed order (so do the weighted
product and TOPSIS, which have no exact bound). When standard input is not a
terminal the answers are read one per line in question order (see
--print-questions), or in the adaptive order with --adaptive (each question
named on standard error first); a blank line keeps the default. With --answers
only the questions the file does not answer are read (at a terminal with
--all-questions, all, the file's answers as defaults). Pairwise scripts give
lines such as `debuggability mobile_deployment 3` or `... 1/3`. Esc or Ctrl-C
leaves a terminal session without writing anything (exit 130).")]
    Ask(AskArgs),

    /// Rank frameworks for one or more requirement profiles, with reasons.
    #[command(after_help = "\
Examples:
  dlpick recommend beginner
  dlpick recommend research-lab --explain
  dlpick recommend mobile-app --need beginner_friendliness=4 --top 3
  dlpick recommend --need distributed_training=5 --need gpu_support=4 --format json
  dlpick recommend profiles/beginner.toml --format madr --out docs/decisions/0001-choose-a-deep-learning-framework.md
  cat my-profile.toml | dlpick recommend -")]
    Recommend(RecommendArgs),

    /// Show the knowledge base: frameworks, scores, evidence and sources.
    #[command(
        after_help = "Examples:\n  dlpick frameworks\n  dlpick frameworks pytorch --format markdown\n  dlpick frameworks --format json > kb.json"
    )]
    Frameworks(FrameworksArgs),

    /// List the criteria, their questions and global weights.
    #[command(after_help = "Examples:\n  dlpick criteria\n  dlpick criteria --format json")]
    Criteria(ListArgs),

    /// Score many respondents at once: a folder of profiles, a survey CSV or JSON Lines.
    #[command(after_help = "\
Examples:
  dlpick batch --template > survey.csv          # a header to fill in a spreadsheet
  dlpick examples survey > survey.csv           # or a filled-in example
  dlpick batch survey.csv                       # one row per respondent, CSV
  dlpick batch survey.csv --by-team             # each team's combined, explained pick
  dlpick batch survey.csv --format madr --team vision   # the team's decision record
  dlpick batch our-profiles/ --format text --top 2
  cat export.csv | dlpick batch - --format jsonl --out scored.jsonl

Inputs: a folder (every *.toml profile inside, recursively; a profile's team is
its `team` key or its sub-folder), a .csv survey export (header `name`, optional
`team`, one column per criterion id holding 0-5 (`?`: not asked), optional `languages` such as
`python;r`, `inactive` separate/rank/exclude, `exclude` such as `theano;cntk`), a .jsonl file
(one profile object per line, the TOML fields plus `team`), a .db survey
database made by `dlpick serve` (each respondent's latest answers), or `-` for
CSV on standard input.

Exit codes: 0 every row scored; 1 some rows rejected (each reported on stderr
with file and line; the others are scored and written); 2 nothing could be read
(a missing file, a bad header, a bad command line); 3 an input or the output
could not be read or written; 4 a bug.")]
    Batch(BatchArgs),

    /// How stable a recommendation is, and weights learned from past decisions.
    #[command(subcommand)]
    Tune(TuneCommand),

    /// Show the effective settings and where each comes from.
    #[command(after_help = "Examples:\n  dlpick config\n  dlpick --layer extra.toml config")]
    Config,

    /// Start a project here: dlpick.toml and an empty knowledge-base layer.
    #[command(after_help = "\
Examples:
  dlpick init                 # writes dlpick.toml and dlpick-weights.toml
  dlpick init ours.toml       # the layer under another name

Commands run in this folder or below then use the project's layers and
defaults; `dlpick tune fit --write` writes fitted weights into the layer.
Existing files are never overwritten.")]
    Init(InitArgs),

    /// Run the questionnaire as a web survey for a team, with a live admin page.
    #[command(after_help = "\
Examples:
  dlpick serve                                  # loopback only, answers in dlpick-survey.db
  dlpick serve --db team.db --bind 0.0.0.0:8642 # let other machines answer

Prints two lines on standard output: `survey: URL` (the link to share) and
`admin: URL` (the live team report, with CSV and JSON Lines exports). The links
are stored in the database and stay the same across restarts. `dlpick batch
team.db --by-team` scores the database directly. Ctrl-C or SIGTERM stops it:
requests under way get --grace seconds to finish; none cut off was acknowledged.

Limits: a client must send each request's head within --header-timeout (10 s;
also the idle keep-alive timeout) and its body within --request-timeout (30 s,
answered 408), and take each answer within it too; at most --max-connections
(256) are served at once, others wait.")]
    Serve(ServeArgs),

    /// Validate knowledge-base and profile files (or folders of them).
    #[command(
        after_help = "Examples:\n  dlpick check .\n  dlpick check my-team.toml survey.csv our-layer.toml\n\nExit code 0 when every file is valid, 2 when one is not, 3 when one cannot be read."
    )]
    Check(CheckArgs),

    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    #[command(after_help = "\
Examples:
  source <(dlpick completions bash)             # try it in the current bash
  dlpick completions bash > ~/.local/share/bash-completion/completions/dlpick
  dlpick completions zsh > ~/.zfunc/_dlpick     # with fpath+=(~/.zfunc) before compinit
  dlpick completions fish > ~/.config/fish/completions/dlpick.fish

The script completes subcommands, options and their values, including the
criterion ids after --need and the framework ids of `frameworks`, taken from
the knowledge base (--weights FILE, else the built-in one) when the script is
made: make it again after changing the knowledge base or upgrading dlpick.")]
    Completions(CompletionsArgs),

    /// Print the manual page (roff): every command, exit status, environment.
    #[command(after_help = "\
Examples:
  dlpick man | man -l -                         # read it now
  dlpick man > ~/.local/share/man/man1/dlpick.1 # then `man dlpick`")]
    Man,

    /// List the examples that come with dlpick, or print one.
    #[command(after_help = "\
Examples:
  dlpick examples                          # the shipped profiles, decisions and survey
  dlpick recommend beginner                # an example's name works where a profile's path does
  dlpick examples beginner > mine.toml     # a copy to edit
  dlpick examples survey > survey.csv && dlpick batch survey.csv --by-team")]
    Examples(ExamplesArgs),
}

#[derive(Debug, Args)]
pub struct ExamplesArgs {
    /// The example to print (its name, as listed); without it, the list.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// Profile files (TOML); `-` reads one from standard input.
    #[arg(value_name = "PROFILE", value_hint = ValueHint::FilePath)]
    pub profiles: Vec<PathBuf>,

    /// Set a need (0–5), e.g. `--need debuggability=5`; repeatable. Builds a
    /// profile when no file is given, or overrides the files' needs.
    #[arg(long = "need", value_name = "ID=N")]
    pub needs: Vec<String>,

    /// Show only the best N frameworks.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub top: Option<u16>,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// Aggregation method [default: the project's, else weighted-sum].
    #[arg(long, value_enum)]
    pub method: Option<MethodArg>,

    /// Show every framework's contribution table.
    #[arg(long)]
    pub explain: bool,

    #[command(flatten)]
    pub output: RecommendOutputArgs,
}

/// Where `recommend` writes, and in which format.
#[derive(Debug, Args)]
pub struct RecommendOutputArgs {
    /// Output format [default: the project's, else text]. A decision record
    /// (madr) is for one profile and shows every option.
    #[arg(long, short, value_enum)]
    pub format: Option<RecommendFormatArg>,

    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub out: Option<PathBuf>,

    /// Allow --out to replace an existing file.
    #[arg(long)]
    pub force: bool,
}

impl RecommendOutputArgs {
    /// The destination, as the other commands give it.
    pub fn destination(&self) -> OutputArgs {
        OutputArgs { format: None, out: self.out.clone(), force: self.force }
    }
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format [default: the project's, else text].
    #[arg(long, short, value_enum)]
    pub format: Option<FormatArg>,

    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE", value_hint = ValueHint::FilePath)]
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
    /// A survey database made by `dlpick serve`.
    Sqlite,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches
pub struct BatchArgs {
    /// Folders, .csv, .jsonl or .toml files; `-` reads CSV from standard input.
    #[arg(value_name = "INPUT", required_unless_present = "template", value_hint = ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,

    /// Read every input as this format instead of guessing from its extension.
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,

    /// Frameworks to show per respondent.
    #[arg(long, default_value_t = crate::report::BATCH_TOP, value_parser = clap::value_parser!(u16).range(1..))]
    pub top: u16,

    /// Combine the members of each team and report how much they agree.
    #[arg(long)]
    pub by_team: bool,

    /// With --format madr: the decision record of this team instead of the
    /// whole survey.
    #[arg(long, value_name = "NAME")]
    pub team: Option<String>,

    /// Approval rule: a member approves every framework within this many
    /// match points of their own best.
    #[arg(long, value_name = "POINTS", default_value_t = crate::team::APPROVAL_MARGIN)]
    pub approval_margin: f64,

    /// Skip CSV columns that are not criteria or known fields instead of failing.
    #[arg(long)]
    pub ignore_unknown_columns: bool,

    /// Follow symbolic links inside folders (loops are detected; each file is read once).
    #[arg(long)]
    pub follow_links: bool,

    /// Aggregation method [default: the project's, else weighted-sum].
    #[arg(long, value_enum)]
    pub method: Option<MethodArg>,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// Output format [default: csv, or text with --by-team].
    #[arg(long, short, value_enum)]
    pub format: Option<BatchFormatArg>,

    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub out: Option<PathBuf>,

    /// Allow --out to replace an existing file.
    #[arg(long)]
    pub force: bool,

    /// Print an empty survey CSV (the header, in the right order) and exit.
    #[arg(long, conflicts_with_all = ["inputs", "by_team", "team"])]
    pub template: bool,

    /// With --template: add each column's question as a comment row.
    #[arg(long, requires = "template")]
    pub with_questions: bool,

    /// Worker threads (default: one per core; at most 256).
    #[arg(long, hide = true, default_value_t = 0, value_parser = threads)]
    pub threads: usize,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The name of the layer file to create, beside dlpick.toml.
    #[arg(value_name = "LAYER", default_value = "dlpick-weights.toml")]
    pub layer: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The survey database (SQLite; created when missing).
    #[arg(long, default_value = "dlpick-survey.db", value_name = "FILE")]
    pub db: PathBuf,

    /// Address and port to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8642", value_name = "ADDR")]
    pub bind: String,

    /// Seconds a client has to send a request's line and headers, on a new
    /// connection or between keep-alive requests; then it is closed.
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,

    /// Seconds to read a request's body and answer it; then 408 (nothing
    /// acknowledged). A client that has not taken an answer within it
    /// again is closed.
    #[arg(long, default_value_t = 30, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,

    /// Connections served at once; more wait until one closes.
    #[arg(long, default_value_t = 256, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=65536))]
    pub max_connections: usize,

    /// Seconds requests under way may take to finish after SIGINT or
    /// SIGTERM; connections still open then are closed unanswered.
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub grace: u64,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders (searched for *.toml) to validate.
    #[arg(required = true, value_name = "FILE", value_hint = ValueHint::AnyPath)]
    pub files: Vec<PathBuf>,

    /// Follow symbolic links inside folders (loops are detected; each file is read once).
    #[arg(long)]
    pub follow_links: bool,
}

#[derive(Debug, Subcommand)]
pub enum TuneCommand {
    /// Exact weight ranges over which the winner stays first (weighted sum).
    #[command(after_help = "\
Examples:
  dlpick tune sensitivity beginner
  dlpick tune sensitivity mobile-app --format json

For each criterion the profile rates: the range of its global weight over which
the winner stays first (every other weight held), and the smallest change up or
down that hands first place to another framework, which is named.")]
    Sensitivity(SensitivityArgs),

    /// Rank acceptability under uncertain weights (SMAA), for a seed.
    #[command(after_help = "\
Examples:
  dlpick tune robustness research-lab
  dlpick tune robustness polyglot-shop --samples 1000000 --spread 0.5 --seed 7
  dlpick tune robustness beginner --spread full --format json

Each sample multiplies every effective weight by a factor uniform in
[1 - S, 1 + S] (--spread S, default 0.3), or with --spread full draws weights
uniformly over all weight vectors of the criteria the profile rates. Results
are the same for a seed whatever the number of cores.")]
    Robustness(RobustnessArgs),

    /// Learn global criterion weights from past decisions (dry run unless --write).
    #[command(after_help = "\
Examples:
  dlpick tune fit decisions                   # the shipped past decisions
  dlpick tune fit decisions --holdout 0.3 --seed 7
  dlpick tune fit decisions.csv --weights weights.toml --write

DECISIONS: a folder of profiles that carry `chosen = \"<framework id>\"`, or a CSV /
JSON Lines file in the batch formats with a `chosen` column or field. Without
--weights the file is ./weights.toml when there is one, else the built-in one.
--write changes only the `weight` numbers in that file, atomically, and only
when the held-out agreement does not get worse.")]
    Fit(FitArgs),
}

/// Output formats of `dlpick tune`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum TuneFormat {
    #[default]
    Text,
    Json,
}

impl From<TuneFormat> for Format {
    fn from(f: TuneFormat) -> Self {
        match f {
            TuneFormat::Text => Self::Text,
            TuneFormat::Json => Self::Json,
        }
    }
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// A profile file (TOML).
    #[arg(value_hint = ValueHint::FilePath)]
    pub profile: PathBuf,

    #[command(flatten)]
    pub policy: PolicyArgs,

    #[arg(long, short, value_enum, default_value_t = TuneFormat::Text)]
    pub format: TuneFormat,
}

#[derive(Debug, Args)]
pub struct RobustnessArgs {
    /// A profile file (TOML).
    #[arg(value_hint = ValueHint::FilePath)]
    pub profile: PathBuf,

    /// Number of weight samples.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub samples: u64,

    /// How far weights vary: a fraction S in [0, 1) (each weight × U[1 − S, 1 + S]) or `full`.
    #[arg(long, default_value = "0.3", value_name = "S|full")]
    pub spread: String,

    /// Seed of the random weights.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Aggregation method [default: the project's, else weighted-sum].
    #[arg(long, value_enum)]
    pub method: Option<MethodArg>,

    #[command(flatten)]
    pub policy: PolicyArgs,

    #[arg(long, short, value_enum, default_value_t = TuneFormat::Text)]
    pub format: TuneFormat,

    /// Worker threads (default: one per core; at most 256); results do not depend on it.
    #[arg(long, hide = true, default_value_t = 0, value_parser = threads)]
    pub threads: usize,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// Past decisions: a folder of profiles with `chosen`, or a CSV / JSON Lines file.
    #[arg(value_hint = ValueHint::AnyPath)]
    pub decisions: PathBuf,

    /// Share of decisions held out to check the learned weights.
    #[arg(long, default_value_t = 0.25)]
    pub holdout: f64,

    /// Seed of the train/held-out split.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Write the learned weights into the weights file.
    #[arg(long)]
    pub write: bool,

    /// Follow symbolic links inside folders (loops are detected; each file is read once).
    #[arg(long)]
    pub follow_links: bool,

    #[arg(long, short, value_enum, default_value_t = TuneFormat::Text)]
    pub format: TuneFormat,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches
pub struct AskArgs {
    /// Pre-fill answers from an existing profile.
    #[arg(long, value_name = "PROFILE", value_hint = ValueHint::FilePath)]
    pub answers: Option<PathBuf>,

    /// Save the answers as a profile (atomically; see --force).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub save: Option<PathBuf>,

    /// Allow --save to replace an existing file.
    #[arg(long)]
    pub force: bool,

    /// The profile's name [default: the --answers profile's, else the --save file's stem, else my-profile].
    #[arg(long)]
    pub name: Option<String>,

    /// Compare criteria two at a time instead of rating them (AHP).
    #[arg(long)]
    pub pairwise: bool,

    /// Print the questions in order and exit.
    #[arg(long)]
    pub print_questions: bool,

    /// At a terminal: ask every question in the fixed order, not only those that can change the top pick.
    #[arg(long, conflicts_with_all = ["adaptive", "next", "pairwise"])]
    pub all_questions: bool,

    /// Scripted: read answers in the adaptive order and stop once the top pick is settled (weighted sum).
    #[arg(long, conflicts_with_all = ["next", "pairwise"])]
    pub adaptive: bool,

    /// Print the next question for the --answers profile (or the verdict: settled) and exit.
    #[arg(long, conflicts_with_all = ["save", "pairwise", "print_questions"])]
    pub next: bool,

    /// Show only the best N frameworks.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub top: Option<u16>,

    /// Aggregation method [default: the project's, else weighted-sum].
    #[arg(long, value_enum)]
    pub method: Option<MethodArg>,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// Format of the recommendation [default: the project's, else text].
    #[arg(long, short, value_enum)]
    pub format: Option<FormatArg>,
}

/// `--threads N`: 0 (one per core) up to [`crate::limits::THREADS_MAX`]; each
/// thread has its own stack, and asking for 100,000 would abort the process.
fn threads(text: &str) -> Result<usize, String> {
    let max = crate::limits::THREADS_MAX;
    match text.trim().parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(format!("at most {max} threads; 0 means one per core")),
        Err(_) => Err(format!("`{text}` is not a whole number from 0 (one per core) to {max}")),
    }
}
