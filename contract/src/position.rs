//! Source positions (1-based line and column) and values that carry one.

use serde::Serialize;

/// A 1-based line and column in a source document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column number (in characters).
    pub column: usize,
}

impl Position {
    /// A position from a 1-based line and column.
    pub const fn new(line: usize, column: usize) -> Self {
        Self { line, column }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value together with the position it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where the value starts in its document.
    pub at: Position,
}

impl<T> Located<T> {
    /// Pairs a value with its position.
    pub const fn new(value: T, at: Position) -> Self {
        Self { value, at }
    }
}
