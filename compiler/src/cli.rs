//! Command-line arguments. Parsing only validates; `main` performs the effects.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Format;

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
    /// Explain a rule: what it checks, why it matters, and how to fix a finding.
    Explain(ExplainArgs),
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The configuration root.
    #[arg(default_value = "environments")]
    pub root: PathBuf,
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
    /// Folder to write `<environment>.json` bundles into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
}

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`SY028`) or name (`unknown-upstream`).
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
