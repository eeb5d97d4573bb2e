//! Where each setting comes from: flags, then environment, then the
//! project file, then what is built in.
//!
//! A team keeps its knowledge-base layers and defaults in `dlpick.toml`,
//! found in the current folder or the nearest parent (as `rustfmt.toml` is),
//! so every command run anywhere in the project uses the same knowledge
//! base, and `tune fit --write` changes what the next `recommend` uses.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::Cli;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::profile::InactivePolicy;
use crate::report::Format;
use crate::score::MethodId;

/// The project file's name.
pub const PROJECT_FILE: &str = "dlpick.toml";

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Env(&'static str),
    Project(PathBuf),
    BuiltIn,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag(flag) => write!(f, "flag {flag}"),
            Self::Env(var) => write!(f, "environment {var}"),
            Self::Project(path) => write!(f, "project file {}", path.display()),
            Self::BuiltIn => f.write_str("built in"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

/// The effective settings of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The project file in force, if any.
    pub project: Option<PathBuf>,
    /// The base knowledge base: a file, or `None` for the built-in one.
    pub weights: Setting<Option<PathBuf>>,
    /// Layers on top, in order.
    pub layers: Setting<Vec<PathBuf>>,
    /// Only the frameworks the cited article compares.
    pub article_only: Setting<bool>,
    pub method: Setting<MethodId>,
    pub inactive: Setting<InactivePolicy>,
    pub top: Setting<Option<usize>>,
    pub format: Setting<Format>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProject {
    weights: Option<String>,
    #[serde(default)]
    layers: Vec<String>,
    article_only: Option<bool>,
    #[serde(default)]
    defaults: RawDefaults,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    method: Option<String>,
    inactive: Option<InactivePolicy>,
    top: Option<usize>,
    format: Option<String>,
}

/// The nearest `dlpick.toml` in `start` or one of its parents.
pub fn find_project(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|dir| dir.join(PROJECT_FILE)).find(|p| p.is_file())
}

/// A list of paths in an environment variable, separated as in `PATH`.
fn env_paths(var: &str) -> Option<Vec<PathBuf>> {
    let value = std::env::var_os(var).filter(|v| !v.is_empty())?;
    Some(std::env::split_paths(&value).filter(|p| !p.as_os_str().is_empty()).collect())
}

impl Settings {
    /// Resolve the settings for `cli`, reading the project file found from
    /// the current folder.
    pub fn resolve(cli: &Cli) -> Result<Self> {
        let cwd = std::env::current_dir().map_err(|e| Error::io("find", Path::new("the current folder"), e))?;
        let project = find_project(&cwd);
        let raw = match &project {
            Some(path) => {
                let (text, name) = super::read_input(path)?;
                crate::input::parse::<RawProject>(&text, &name)?
            }
            None => RawProject::default(),
        };
        let project_dir = project.as_deref().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
        let from_project = |p: &str| project_dir.join(p);
        let in_project = || Origin::Project(project.clone().unwrap_or_default());

        let weights = if let Some(path) = &cli.weights {
            // clap reads DLPICK_WEIGHTS into the same field; tell them apart.
            let from_env = std::env::var_os("DLPICK_WEIGHTS").is_some_and(|v| Path::new(&v) == path);
            Setting {
                value: Some(path.clone()),
                origin: if from_env { Origin::Env("DLPICK_WEIGHTS") } else { Origin::Flag("--weights") },
            }
        } else if let Some(w) = &raw.weights {
            Setting { value: Some(from_project(w)), origin: in_project() }
        } else {
            Setting { value: None, origin: Origin::BuiltIn }
        };

        let layers = if !cli.layers.is_empty() {
            Setting { value: cli.layers.clone(), origin: Origin::Flag("--layer") }
        } else if let Some(paths) = env_paths("DLPICK_LAYERS") {
            Setting { value: paths, origin: Origin::Env("DLPICK_LAYERS") }
        } else if !raw.layers.is_empty() {
            Setting { value: raw.layers.iter().map(|l| from_project(l)).collect(), origin: in_project() }
        } else {
            Setting { value: Vec::new(), origin: Origin::BuiltIn }
        };

        let article_only = if cli.article_only {
            Setting { value: true, origin: Origin::Flag("--article-only") }
        } else if let Some(value) = raw.article_only {
            Setting { value, origin: in_project() }
        } else {
            Setting { value: false, origin: Origin::BuiltIn }
        };

        let name = project.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        let bad_default = |field: &str, value: &str, expected: &str| -> Error {
            Diagnostic::new(Location::file(name.clone()), format!("`{value}` is not {expected}."))
                .field(format!("defaults.{field}"))
                .into()
        };
        let method = match &raw.defaults.method {
            Some(m) => Setting {
                value: MethodId::parse(m)
                    .ok_or_else(|| bad_default("method", m, "weighted-sum, weighted-product or topsis"))?,
                origin: in_project(),
            },
            None => Setting { value: MethodId::default(), origin: Origin::BuiltIn },
        };
        let inactive = match raw.defaults.inactive {
            Some(p) => Setting { value: p, origin: in_project() },
            None => Setting { value: InactivePolicy::default(), origin: Origin::BuiltIn },
        };
        let top = match raw.defaults.top {
            Some(0) => return Err(bad_default("top", "0", "a number of frameworks (1 or more)")),
            Some(n) => Setting { value: Some(n), origin: in_project() },
            None => Setting { value: None, origin: Origin::BuiltIn },
        };
        let format = match &raw.defaults.format {
            Some(f) => Setting {
                value: Format::parse(f)
                    .filter(|f| !matches!(f, Format::Jsonl | Format::Madr))
                    .ok_or_else(|| bad_default("format", f, "text, json, csv, markdown or html"))?,
                origin: in_project(),
            },
            None => Setting { value: Format::default(), origin: Origin::BuiltIn },
        };
        Ok(Self { project, weights, layers, article_only, method, inactive, top, format })
    }

    /// The method: the flag's, else the project's, else weighted sum.
    pub fn method(&self, flag: Option<MethodId>) -> MethodId {
        flag.unwrap_or(self.method.value)
    }

    /// How many frameworks to show: the flag's, else the project's.
    pub fn top(&self, flag: Option<u16>) -> Option<usize> {
        flag.map(usize::from).or(self.top.value)
    }

    /// The output format: the flag's, else the project's, else text.
    pub fn format(&self, flag: Option<Format>) -> Format {
        flag.unwrap_or(self.format.value)
    }

    /// The file `tune fit --write` changes: the topmost layer, else the
    /// `--weights` file; `None` with only the built-in knowledge base.
    pub fn writable_top(&self) -> Option<&Path> {
        self.layers.value.last().map(PathBuf::as_path).or(self.weights.value.as_deref())
    }
}

/// What `dlpick init` writes into the layer it creates.
pub const EMPTY_LAYER: &str = "\
# A knowledge-base layer for this project, applied on top of the built-in
# knowledge base (see `dlpick config`). Add frameworks, or override single
# fields of existing ones; the merged result is checked as a whole.
#
# Change a criterion's global weight (this is what `dlpick tune fit --write`
# does):
#
# [criteria.api_stability]
# weight = 1.5
#
# Correct one score; a changed score needs its evidence, basis and source:
#
# [frameworks.pytorch.attributes.mobile_deployment]
# score = 4
# evidence = \"Our own paraphrase of what we found.\"
# basis = \"outside\"            # article | inferred | outside
# source = \"Team evaluation, 2026\"
#
# Mark a status, with a dated note:
#
# [frameworks.tensorflow]
# status = \"maintenance\"
# status_note = \"Our platform stopped upgrading it in 2026.\"
";

/// What `dlpick init` writes into `dlpick.toml`.
pub fn project_text(layer: &str) -> String {
    format!(
        "# dlpick project settings. Commands run in this folder or below use them.\n\
         # Paths are relative to this file. Flags and environment variables win.\n\
         \n\
         # weights = \"weights.toml\"      # a base knowledge base instead of the built-in one\n\
         layers = [\"{layer}\"]\n\
         \n\
         [defaults]\n\
         # method = \"weighted-sum\"       # weighted-sum | weighted-product | topsis\n\
         # inactive = \"separate\"         # separate | rank | exclude\n\
         # top = 5\n\
         # format = \"text\"               # text | json | csv | markdown | html\n"
    )
}
