//! Diagnostics: plain data about one problem, and the sink the pipeline reports into.
//!
//! Every renderer (`render::*`) reads the same [`Diagnostic`] values.

use std::ops::Range;

use serde::Serialize;

use crate::rules::Rule;
use crate::source::FileSet;

/// How serious a diagnostic is: errors fail the run, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails `check` and stops `build`.
    Error,
    /// Reported, but does not fail the run.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem, where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule code, e.g. `SY018`.
    pub code: &'static str,
    /// Stable kebab-case rule name, e.g. `unknown-upstream`.
    pub name: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// One line, lower-case, without a trailing period.
    pub message: String,
    /// Path relative to the configuration root.
    pub file: String,
    /// Byte range in the file, when the file has text.
    pub span: Option<Range<usize>>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Short text shown under the caret.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// Further facts, e.g. where the other half of a conflict is.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// Adds what to do about it.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a short text shown under the caret.
    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a note.
    pub fn note(&mut self, note: impl Into<String>) -> &mut Self {
        self.notes.push(note.into());
        self
    }
}

/// Where a diagnostic points: a file and, when it has text, a byte range in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    /// Path relative to the root.
    pub file: String,
    /// Byte range; `None` points at the file as a whole.
    pub span: Option<Range<usize>>,
}

impl At {
    /// A byte range in a file.
    pub fn span(file: &str, span: Range<usize>) -> At {
        At {
            file: file.to_owned(),
            span: Some(span),
        }
    }

    /// A whole file.
    pub fn file(file: &str) -> At {
        At {
            file: file.to_owned(),
            span: None,
        }
    }
}

/// Collects diagnostics, computing line and column from the files' text.
#[derive(Debug)]
pub struct Diagnostics<'a> {
    files: &'a FileSet,
    list: Vec<Diagnostic>,
}

impl<'a> Diagnostics<'a> {
    /// An empty sink over a file set.
    pub fn new(files: &'a FileSet) -> Self {
        Diagnostics {
            files,
            list: Vec::new(),
        }
    }

    /// Reports a finding of `rule` at `at`, with the rule's severity.
    pub fn report(&mut self, rule: &Rule, at: At, message: impl Into<String>) -> &mut Diagnostic {
        self.report_as(rule, rule.severity, at, message)
    }

    /// Reports a finding of `rule` with an explicit severity (readers that grade their problems).
    pub fn report_as(
        &mut self,
        rule: &Rule,
        severity: Severity,
        at: At,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let (line, column) = match (&at.span, self.files.source(&at.file)) {
            (Some(span), Some(source)) => source.position(span.start),
            _ => (1, 1),
        };
        let index = self.list.len();
        self.list.push(Diagnostic {
            code: rule.code,
            name: rule.name,
            severity,
            message: message.into(),
            file: at.file,
            span: at.span,
            line,
            column,
            label: None,
            help: None,
            notes: Vec::new(),
        });
        &mut self.list[index]
    }

    /// 1-based line and column of a byte offset in a file (1:1 when it has no text).
    pub fn position(&self, file: &str, offset: usize) -> (usize, usize) {
        self.files
            .source(file)
            .map_or((1, 1), |source| source.position(offset))
    }

    /// The place of a 1-based line and column (in characters) of a file: the token there.
    pub fn locate(&self, file: &str, line: usize, column: usize) -> At {
        match self.files.source(file) {
            Some(source) => At::span(file, source.token_at(source.offset(line, column))),
            None => At::file(file),
        }
    }

    /// The diagnostics reported so far.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.list
    }

    /// Adds diagnostics found elsewhere, skipping any at a place already reported on.
    pub fn add_unless_covered(&mut self, others: Vec<Diagnostic>) {
        let covered: std::collections::HashSet<(String, Option<usize>)> = self
            .list
            .iter()
            .map(|d| (d.file.clone(), d.span.as_ref().map(|s| s.start)))
            .collect();
        self.list.extend(
            others
                .into_iter()
                .filter(|d| !covered.contains(&(d.file.clone(), d.span.as_ref().map(|s| s.start)))),
        );
    }

    /// All diagnostics, sorted by file, position, then code.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        self.list.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
        });
        self.list.dedup();
        self.list
    }
}

/// Counts of errors and warnings.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diagnostics.len() - errors)
}
