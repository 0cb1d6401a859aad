//! Output formats. Every format renders the same [`Diagnostic`] values; none of them
//! decides anything.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod summary;

use crate::diagnostic::Diagnostic;
use crate::source::FileSet;

/// An output format for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-style snippets for people.
    #[default]
    Human,
    /// One JSON document: `{"diagnostics": [...]}`.
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

/// What renderers need besides the diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    /// The files, for source snippets.
    pub files: &'a FileSet,
    /// The root as the user reaches it (`environments`), prefixed to every path;
    /// empty to print paths relative to the root.
    pub root: &'a str,
    /// Whether to colour human output.
    pub color: bool,
}

impl Output<'_> {
    /// A file's path as the user reaches it from the working directory.
    pub fn path(&self, file: &str) -> String {
        if self.root.is_empty() {
            file.to_owned()
        } else {
            format!("{}/{file}", self.root.trim_end_matches('/'))
        }
    }
}

/// Renders diagnostics in a format.
pub fn render(format: Format, diagnostics: &[Diagnostic], output: &Output<'_>) -> String {
    match format {
        Format::Human => human::render(diagnostics, output),
        Format::Json => json::render(diagnostics, output),
        Format::Github => github::render(diagnostics, output),
        Format::Sarif => sarif::render(diagnostics, output),
    }
}
