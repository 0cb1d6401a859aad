//! Reading the OpenAPI files that manifests name, through `switchyard-contract`.
//!
//! Each file is read once, however many versions share it, and the reader's problems
//! become diagnostics inside the OpenAPI file.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use switchyard_contract::{Document, Position, Problem, ProblemKind, Severity as ReaderSeverity};

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{self, Rule};
use crate::source::{FileSet, SourceFile};

/// The byte span of the token at a reader position.
pub fn span_at(source: &SourceFile, at: Position) -> Range<usize> {
    source.token_at(source.offset(at.line, at.column))
}

/// Reads every readable file of `paths`; returns the documents that could be understood.
pub fn read_documents(
    files: &FileSet,
    paths: &BTreeSet<String>,
    out: &mut Diagnostics<'_>,
) -> BTreeMap<String, Document> {
    let sources: Vec<(&str, &SourceFile)> = paths
        .iter()
        .filter_map(|path| Some((path.as_str(), files.source(path)?)))
        .collect();
    let readings = read_in_parallel(&sources);
    let mut documents = BTreeMap::new();
    for ((path, source), reading) in sources.into_iter().zip(readings) {
        let Some(reading) = reading else {
            out.report(
                &rules::unreadable_file::RULE,
                At::file(path),
                "the OpenAPI reader failed on this file",
            );
            continue;
        };
        for problem in &reading.problems {
            report_problem(path, source, problem, out);
        }
        if let Some(document) = reading.document {
            documents.insert(path.to_owned(), document);
        }
    }
    documents
}

/// Reads documents on all cores; the order of the results is the order of `sources`
/// (`None` for a file whose reader thread failed).
fn read_in_parallel(sources: &[(&str, &SourceFile)]) -> Vec<Option<switchyard_contract::Reading>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = sources.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = sources
            .chunks(chunk)
            .map(|part| {
                let handle = scope.spawn(move || {
                    part.iter()
                        .map(|(_, source)| Some(switchyard_contract::read_document(source.text())))
                        .collect::<Vec<_>>()
                });
                (part.len(), handle)
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|(len, handle)| handle.join().unwrap_or_else(|_| vec![None; len]))
            .collect()
    })
}

fn rule_for(kind: ProblemKind) -> &'static Rule {
    match kind {
        ProblemKind::Syntax | ProblemKind::DuplicateKey | ProblemKind::TooLarge => {
            &rules::openapi_syntax::RULE
        }
        ProblemKind::UnsupportedVersion => &rules::openapi_unsupported::RULE,
        ProblemKind::Structure => &rules::openapi_structure::RULE,
        ProblemKind::UnresolvedRef | ProblemKind::CyclicRef => &rules::openapi_bad_ref::RULE,
    }
}

fn report_problem(path: &str, source: &SourceFile, problem: &Problem, out: &mut Diagnostics<'_>) {
    let severity = match problem.severity {
        ReaderSeverity::Error => Severity::Error,
        ReaderSeverity::Warning => Severity::Warning,
    };
    let at = match problem.at {
        Some(position) => At::span(path, span_at(source, position)),
        None => At::file(path),
    };
    out.report_as(
        rule_for(problem.kind),
        severity,
        at,
        problem.message.clone(),
    );
}
