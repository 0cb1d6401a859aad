//! `environment.toml` as a declaration with spans.

use crate::manifest::tree::{Tree, pointer_join};
use crate::source::Spanned;

/// One upstream as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamDecl {
    /// Its name (span of the key).
    pub name: Spanned<String>,
    /// `host:port` endpoints.
    pub endpoints: Vec<Spanned<String>>,
}

/// An `environment.toml` as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentDecl {
    /// Path of the file, relative to the root.
    pub file: String,
    /// `name`.
    pub name: Spanned<String>,
    /// `domain`.
    pub domain: Spanned<String>,
    /// `staged_in`.
    pub staged_in: Option<Spanned<String>>,
    /// `[upstreams.*]`, sorted by name.
    pub upstreams: Vec<UpstreamDecl>,
}

impl EnvironmentDecl {
    /// Extracts the declaration; `None` when `name` or `domain` is unusable (the schema
    /// has reported why).
    pub fn extract(file: &str, tree: &Tree) -> Option<EnvironmentDecl> {
        let upstreams = tree
            .keys("/upstreams")
            .into_iter()
            .map(|name| {
                let pointer = pointer_join("/upstreams", &name.value);
                UpstreamDecl {
                    endpoints: tree.strings(&format!("{pointer}/endpoints")),
                    name,
                }
            })
            .collect();
        Some(EnvironmentDecl {
            file: file.to_owned(),
            name: tree.string("/name")?,
            domain: tree.string("/domain")?,
            staged_in: tree.string("/staged_in"),
            upstreams,
        })
    }

    /// The upstream of that name.
    pub fn upstream(&self, name: &str) -> Option<&UpstreamDecl> {
        self.upstreams
            .iter()
            .find(|upstream| upstream.name.value == name)
    }
}
