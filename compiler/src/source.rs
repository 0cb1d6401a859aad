//! The loaded configuration repository: relative path → text, and byte offsets ↔ line/column.
//!
//! The pure compiler only ever sees a [`FileSet`]; the shell (`disk`) or a test builds it.
//! Paths are relative to the root, with `/` separators and no `.` or `..` segments.

use std::collections::BTreeMap;
use std::ops::Range;

/// Files larger than this are not read (16 MiB).
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// A value with the byte range it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Byte range in its file.
    pub span: Range<usize>,
}

impl<T> Spanned<T> {
    /// Pairs a value with its byte range.
    pub fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }
}

/// Why a file under the root has no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Larger than [`MAX_FILE_SIZE`].
    TooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// A symbolic link that leads outside the root.
    OutsideRoot,
    /// Not UTF-8 text.
    NotUtf8,
    /// The operating system refused to read it.
    Unreadable(String),
}

/// One file of the repository.
#[derive(Debug, Clone)]
pub enum SourceEntry {
    /// Its text.
    Text(SourceFile),
    /// Present, but not readable as text.
    Unavailable(Unavailable),
}

/// The text of one file and the start offset of each line.
#[derive(Debug, Clone)]
pub struct SourceFile {
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Indexes a file's text.
    pub fn new(text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        SourceFile { text, line_starts }
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count());
        (line + 1, column + 1)
    }

    /// Byte offset of a 1-based line and column (in characters), clamped to the text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or_default();
        let within = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(at, _)| at);
        start + within
    }

    /// The span of the token starting at `offset`: up to the end of the line or the
    /// first white space, at least one byte when the line is not empty.
    pub fn token_at(&self, offset: usize) -> Range<usize> {
        let offset = offset.min(self.text.len());
        let rest = &self.text[offset..];
        let len = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
        offset..offset + len
    }
}

/// Every file of a repository that the compiler may read, by relative path.
#[derive(Debug, Clone, Default)]
pub struct FileSet {
    files: BTreeMap<String, SourceEntry>,
}

impl FileSet {
    /// An empty set.
    pub fn new() -> Self {
        FileSet::default()
    }

    /// Adds a file's text.
    pub fn insert_text(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files
            .insert(path.into(), SourceEntry::Text(SourceFile::new(text.into())));
    }

    /// Records a file that exists but cannot be read as text.
    pub fn insert_unavailable(&mut self, path: impl Into<String>, why: Unavailable) {
        self.files
            .insert(path.into(), SourceEntry::Unavailable(why));
    }

    /// A file by relative path. A path under a folder that is a symbolic link out of
    /// the root is that link's entry ([`Unavailable::OutsideRoot`]).
    pub fn get(&self, path: &str) -> Option<&SourceEntry> {
        self.files.get(path).or_else(|| {
            let mut folder = path;
            while let Some((parent, _)) = folder.rsplit_once('/') {
                folder = parent;
                if let Some(entry @ SourceEntry::Unavailable(Unavailable::OutsideRoot)) =
                    self.files.get(folder)
                {
                    return Some(entry);
                }
            }
            None
        })
    }

    /// A file's text, if it has one.
    pub fn source(&self, path: &str) -> Option<&SourceFile> {
        match self.files.get(path) {
            Some(SourceEntry::Text(file)) => Some(file),
            _ => None,
        }
    }

    /// Every file, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SourceEntry)> {
        self.files
            .iter()
            .map(|(path, entry)| (path.as_str(), entry))
    }
}

/// Resolves `relative` against the folder `base` (both root-relative) without touching
/// the disk; `None` when the result would leave the root or `relative` is absolute.
pub fn resolve(base: &str, relative: &str) -> Option<String> {
    if relative.starts_with('/') || relative.starts_with('\\') || relative.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|part| !part.is_empty()).collect();
    for part in relative.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The folder part of a relative path (`""` for a file at the root).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip() {
        let file = SourceFile::new("ab\nçd = 1\n".to_owned());
        assert_eq!(file.position(0), (1, 1));
        assert_eq!(file.position(3), (2, 1));
        let after_c = 3 + 'ç'.len_utf8();
        assert_eq!(file.position(after_c), (2, 2));
        assert_eq!(file.offset(2, 2), after_c);
        assert_eq!(file.offset(9, 1), file.text().len());
        assert_eq!(file.token_at(after_c), after_c..after_c + 1);
    }

    #[test]
    fn files_under_a_link_out_of_the_root_are_outside_it() {
        let mut files = FileSet::new();
        files.insert_unavailable("apis/shared", Unavailable::OutsideRoot);
        files.insert_text("apis/own.yaml", "openapi: 3.0.3");
        assert!(matches!(
            files.get("apis/shared/v1/products.yaml"),
            Some(SourceEntry::Unavailable(Unavailable::OutsideRoot))
        ));
        assert!(files.get("apis/own.yaml").is_some());
        assert!(files.get("apis/other.yaml").is_none());
    }

    #[test]
    fn paths_resolve_inside_the_root_only() {
        assert_eq!(
            resolve("shop-prod", "../apis/v1.yaml").as_deref(),
            Some("apis/v1.yaml")
        );
        assert_eq!(
            resolve("shop-prod", "./v1.yaml").as_deref(),
            Some("shop-prod/v1.yaml")
        );
        assert_eq!(resolve("shop-prod", "../../etc/passwd"), None);
        assert_eq!(resolve("shop-prod", "/etc/passwd"), None);
        assert_eq!(parent("shop-prod/products.toml"), "shop-prod");
        assert_eq!(parent("root.toml"), "");
    }
}
