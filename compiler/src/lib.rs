//! The Switchyard compiler: validates a configuration repository and emits one routing
//! bundle per environment.
//!
//! The core is a pure pipeline over a [`FileSet`] ([`compile`]): parse manifests with
//! spans ([`manifest`]), read OpenAPI documents ([`openapi`]), build the [`model`], run
//! the [`rules`] (severities as [`settings`] say), emit [`bundle`]s, or Kubernetes
//! Gateway API routes from them ([`gateway_target`]). Reading the disk and writing outputs is the shell ([`disk`]);
//! [`render`] turns diagnostics into text; [`cli`] parses arguments.

pub mod bundle;
pub mod cli;
pub mod diagnostic;
pub mod disk;
pub mod gateway_target;
pub mod history;
pub mod manifest;
pub mod model;
pub mod openapi;
pub mod pipeline;
pub mod plan;
pub mod render;
pub mod rules;
pub mod settings;
pub mod source;
pub mod version;

use std::path::Path;

pub use diagnostic::{Diagnostic, Severity};
pub use disk::{LoadError, WriteError, load_dir, write_bundles, write_files};
pub use pipeline::{Compilation, compile, compile_with, compile_with_base, read_model};
pub use source::FileSet;

/// Reads the repository at `root` and compiles it.
pub fn compile_dir(root: &Path) -> Result<Compilation, LoadError> {
    Ok(compile(&load_dir(root)?))
}
