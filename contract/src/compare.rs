//! Reads two OpenAPI texts and diffs them: what `switchyard compare` runs.

use serde_json::{Value, json};

use crate::diff::{Change, ChangeClass, Side, diff};
use crate::document::{Document, read_document};
use crate::problem::Problem;

/// The outcome of comparing two documents.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Whether any change is breaking.
    pub breaking: bool,
    /// Every change, in a deterministic order.
    pub changes: Vec<Change>,
    /// Problems found in the old document (none of them stopped the comparison).
    pub old_problems: Vec<Problem>,
    /// Problems found in the new document (none of them stopped the comparison).
    pub new_problems: Vec<Problem>,
}

impl Comparison {
    /// The JSON report `{"breaking", "changes": [{"code", "name", "class", "message",
    /// "file", "line", "column", "operation"?}]}`, naming each change's file by its side.
    pub fn to_json(&self, old_file: &str, new_file: &str) -> Value {
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|change| {
                let mut entry = json!({
                    "code": change.code,
                    "name": change.name,
                    "class": change.class,
                    "message": change.message,
                    "file": match change.side {
                        Side::Old => old_file,
                        Side::New => new_file,
                    },
                    "line": change.at.map(|p| p.line),
                    "column": change.at.map(|p| p.column),
                });
                if let (Some(operation), Some(map)) = (&change.operation, entry.as_object_mut()) {
                    map.insert("operation".to_owned(), Value::String(operation.clone()));
                }
                entry
            })
            .collect();
        json!({ "breaking": self.breaking, "changes": changes })
    }
}

/// Why two documents could not be compared.
#[derive(Clone, Debug, thiserror::Error)]
pub enum CompareError {
    /// The old document could not be read.
    #[error("the old document cannot be read: {}", first(.0))]
    Old(Vec<Problem>),
    /// The new document could not be read.
    #[error("the new document cannot be read: {}", first(.0))]
    New(Vec<Problem>),
}

/// The first problem's message and position.
fn first(problems: &[Problem]) -> String {
    match problems.first() {
        Some(Problem {
            message,
            at: Some(at),
            ..
        }) => format!("{message} (line {}, column {})", at.line, at.column),
        Some(problem) => problem.message.clone(),
        None => "unknown reason".to_owned(),
    }
}

/// Reads both texts (in parallel) and diffs their contracts.
pub fn compare(old_text: &str, new_text: &str) -> Result<Comparison, CompareError> {
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| read(old_text));
        let new = read(new_text);
        (old.join(), new)
    });
    let (old, old_problems) = old
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        .map_err(CompareError::Old)?;
    let (new, new_problems) = new.map_err(CompareError::New)?;
    let changes = diff(&old.contract, &new.contract);
    Ok(Comparison {
        breaking: changes.iter().any(|c| c.class == ChangeClass::Breaking),
        changes,
        old_problems,
        new_problems,
    })
}

/// Reads one text into a document, or the problems that stop it.
fn read(text: &str) -> Result<(Document, Vec<Problem>), Vec<Problem>> {
    let reading = read_document(text);
    match reading.document {
        Some(document) => Ok((document, reading.problems)),
        None => Err(reading.problems),
    }
}
