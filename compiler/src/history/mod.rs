//! Reading the base revision of a configuration root, for the rules that compare with
//! it and for the reviewers' plan.
//!
//! The base is either a git revision of the repository that contains the root
//! ([`git`], read through the `git` command without touching the work tree) or a
//! folder where the base is checked out ([`crate::disk::load_dir`]). Either way the
//! result is the same [`FileSet`] the disk loader builds for the root itself.

pub mod git;

use std::path::{Path, PathBuf};

use crate::disk::{LoadError, load_dir};
use crate::source::FileSet;

pub use git::GitError;

/// Where the base revision comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseSource {
    /// A git revision (`origin/main`, `HEAD~1`, a commit id) of the repository holding
    /// the root.
    Revision(String),
    /// The base's configuration root, checked out elsewhere.
    Dir(PathBuf),
}

/// Why the base revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaseError {
    /// Reading it from git failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// Reading the base folder failed.
    #[error("cannot read the base folder")]
    Dir(#[from] LoadError),
}

/// Reads the configuration root `root` as it is in `source`.
pub fn load_base(root: &Path, source: &BaseSource) -> Result<FileSet, BaseError> {
    match source {
        BaseSource::Revision(reference) => Ok(git::load_revision(root, reference)?),
        BaseSource::Dir(dir) => Ok(load_dir(dir)?),
    }
}
