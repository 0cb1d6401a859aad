//! Command-line arguments. Parsing only validates; `main` performs the effects.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use crate::history::BaseSource;
use crate::render::Format;
use crate::settings::{Level, Override, OverrideError, Overrides};

/// Validates a Switchyard configuration repository and emits routing bundles.
#[derive(Debug, Parser)]
#[command(name = "switchyard", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the repository and report every problem.
    Check(CheckArgs),
    /// Check the repository and, when there are no errors, write one bundle per environment.
    Build(BuildArgs),
    /// Explain a rule (`SY028`) or a contract change (`C001`).
    Explain(ExplainArgs),
    /// Print the plan for reviewers: what changes against the base revision.
    Diff(DiffArgs),
    /// Diff two OpenAPI documents; exit 1 when a change is breaking.
    Compare(CompareArgs),
}

/// `--base REF` or `--base-dir DIR`: the revision to compare with.
#[derive(Debug, Args, Default)]
pub struct BaseArgs {
    /// Compare with ROOT as it is at this git revision (e.g. `origin/main`, `HEAD~1`);
    /// the history rules run too.
    #[arg(long, value_name = "REF", conflicts_with = "base_dir")]
    pub base: Option<String>,
    /// Compare with the base revision's configuration root, checked out in DIR.
    #[arg(long, value_name = "DIR")]
    pub base_dir: Option<PathBuf>,
}

impl BaseArgs {
    /// The base revision, when one was given.
    pub fn source(&self) -> Option<BaseSource> {
        match (&self.base, &self.base_dir) {
            (Some(reference), _) => Some(BaseSource::Revision(reference.clone())),
            (None, Some(dir)) => Some(BaseSource::Dir(dir.clone())),
            (None, None) => None,
        }
    }
}

/// Arguments of `diff`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("base_source").args(["base", "base_dir"]).required(true)))]
pub struct DiffArgs {
    /// The configuration root.
    #[arg(default_value = "environments")]
    pub root: PathBuf,
    /// The base revision.
    #[command(flatten)]
    pub base: BaseArgs,
    /// Output format of the plan.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
}

/// `diff --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Indented text.
    Human,
    /// A pull-request comment.
    Markdown,
    /// One JSON document.
    Json,
}

/// Arguments of `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The old OpenAPI document.
    pub old: PathBuf,
    /// The new OpenAPI document.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Human)]
    pub format: CompareFormat,
}

/// `compare --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// One line per change.
    Human,
    /// `{"breaking": bool, "changes": [...]}`.
    Json,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The configuration root.
    #[arg(default_value = "environments")]
    pub root: PathBuf,
    /// The base revision, when the history rules should run.
    #[command(flatten)]
    pub base: BaseArgs,
    /// Rule severities, over those of `switchyard.toml`.
    #[command(flatten)]
    pub levels: LevelArgs,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
}

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The configuration root.
    #[arg(default_value = "environments")]
    pub root: PathBuf,
    /// Folder to write one file per environment into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// What to write: routing bundles or Kubernetes Gateway API routes.
    #[arg(long, value_enum, default_value_t = Target::Bundle)]
    pub target: Target,
    /// The base revision, when the history rules should run.
    #[command(flatten)]
    pub base: BaseArgs,
    /// Rule severities, over those of `switchyard.toml`.
    #[command(flatten)]
    pub levels: LevelArgs,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
}

/// `build --target` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// `<environment>.json`: the routing bundle `switchyard-proxy` serves.
    Bundle,
    /// `<environment>.yaml`: Gateway API HTTPRoutes for Envoy Gateway, Istio and others.
    GatewayApi,
}

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`SY028`) or name (`unknown-upstream`), or a contract change code
    /// (`C001`) or name (`operation-removed`).
    pub code: String,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// rustc-style text.
    Human,
    /// One JSON document.
    Json,
    /// GitHub Actions annotations.
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
            FormatArg::Sarif => Format::Sarif,
        }
    }
}

/// `--deny`, `--warn`, `--allow`: rule severities, applied after the settings file's.
#[derive(Debug, Args, Default)]
pub struct LevelArgs {
    /// Make a rule (code or name) an error; repeatable.
    #[arg(long, value_name = "RULE", value_parser = deny)]
    pub deny: Vec<Override>,
    /// Make a rule a warning; repeatable.
    #[arg(long, value_name = "RULE", value_parser = warn)]
    pub warn: Vec<Override>,
    /// Turn a rule off; repeatable.
    #[arg(long, value_name = "RULE", value_parser = allow)]
    pub allow: Vec<Override>,
}

impl LevelArgs {
    /// The overrides in the order they apply: `--allow`, then `--warn`, then `--deny`
    /// (for a rule named by several, the stricter wins).
    pub fn overrides(&self) -> Overrides {
        Overrides(
            [&self.allow, &self.warn, &self.deny]
                .into_iter()
                .flatten()
                .copied()
                .collect(),
        )
    }
}

fn deny(rule: &str) -> Result<Override, OverrideError> {
    Override::new(rule, Level::Error)
}

fn warn(rule: &str) -> Result<Override, OverrideError> {
    Override::new(rule, Level::Warning)
}

fn allow(rule: &str) -> Result<Override, OverrideError> {
    Override::new(rule, Level::Off)
}
