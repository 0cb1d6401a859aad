//! The shell's file system side: reading a configuration root into a [`FileSet`] and
//! writing bundles (and other outputs) atomically. Nothing else in the crate touches the disk.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use switchyard_schemas::bundle::Bundle;

use crate::source::{FileSet, MAX_FILE_SIZE, Unavailable};

/// Extensions of the files the compiler may need: manifests and OpenAPI documents.
const EXTENSIONS: [&str; 4] = ["toml", "yaml", "yml", "json"];

/// Folders deeper than this are not read (a guard against pathological trees).
const MAX_DEPTH: usize = 32;

/// Why the root could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The root does not exist or is not a folder.
    #[error("configuration root `{path}` is not a readable folder")]
    Root {
        /// The root as given.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A folder under the root could not be listed.
    #[error("cannot list `{path}`")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Why bundles could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder could not be created.
    #[error("cannot create output folder `{path}`")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A bundle could not be written or renamed into place.
    #[error("cannot write `{path}`")]
    File {
        /// The bundle's final path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Reads every manifest and OpenAPI candidate under `root` (`.toml`, `.yaml`, `.yml`,
/// `.json`; hidden entries skipped). Files over 16 MiB are recorded without being read;
/// symbolic links that lead outside the root are recorded as such and not followed.
pub fn load_dir(root: &Path) -> Result<FileSet, LoadError> {
    let canonical = fs::canonicalize(root).map_err(|source| LoadError::Root {
        path: root.to_owned(),
        source,
    })?;
    if !canonical.is_dir() {
        return Err(LoadError::Root {
            path: root.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
        });
    }
    let mut files = FileSet::new();
    walk(&canonical, &canonical, "", 0, &mut files)?;
    Ok(files)
}

fn walk(
    root: &Path,
    folder: &Path,
    relative: &str,
    depth: usize,
    files: &mut FileSet,
) -> Result<(), LoadError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let entries = fs::read_dir(folder).map_err(|source| LoadError::Folder {
        path: folder.to_owned(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let child = if relative.is_empty() {
            name.to_owned()
        } else {
            format!("{relative}/{name}")
        };
        let Ok(metadata) = fs::symlink_metadata(&path) else {
            continue;
        };
        let is_candidate = Path::new(name)
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| EXTENSIONS.contains(&ext));
        if metadata.file_type().is_symlink() {
            match fs::canonicalize(&path) {
                Ok(target) if target.starts_with(root) => {
                    if target.is_file() && is_candidate {
                        read_file(&target, child, files);
                    }
                }
                Ok(_) => files.insert_unavailable(child, Unavailable::OutsideRoot),
                Err(_) => {}
            }
        } else if metadata.is_dir() {
            walk(root, &path, &child, depth + 1, files)?;
        } else if metadata.is_file() && is_candidate {
            read_file(&path, child, files);
        }
    }
    Ok(())
}

fn read_file(path: &Path, relative: String, files: &mut FileSet) {
    let size = fs::metadata(path).map_or(0, |metadata| metadata.len());
    if size > MAX_FILE_SIZE {
        files.insert_unavailable(relative, Unavailable::TooLarge { size });
        return;
    }
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => files.insert_text(relative, text),
            Err(_) => files.insert_unavailable(relative, Unavailable::NotUtf8),
        },
        Err(error) => {
            files.insert_unavailable(relative, Unavailable::Unreadable(error.to_string()))
        }
    }
}

/// Writes `DIR/<environment>.json` for every bundle (see [`write_files`]). Returns the
/// paths written.
pub fn write_bundles(dir: &Path, bundles: &[Bundle]) -> Result<Vec<PathBuf>, WriteError> {
    let files: Vec<(String, Vec<u8>)> = bundles
        .iter()
        .map(|bundle| {
            (
                format!("{}.json", bundle.environment),
                bundle.to_file_bytes(),
            )
        })
        .collect();
    write_files(dir, &files)
}

/// Writes `DIR/<name>` for every `(name, bytes)`, each through a temporary file in the
/// same folder renamed into place, so a reader never sees a half-written file. Creates
/// the folder when missing. Returns the paths written.
pub fn write_files<N: AsRef<str>, B: AsRef<[u8]>>(
    dir: &Path,
    files: &[(N, B)],
) -> Result<Vec<PathBuf>, WriteError> {
    fs::create_dir_all(dir).map_err(|source| WriteError::Folder {
        path: dir.to_owned(),
        source,
    })?;
    files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name.as_ref());
            let error = |source| WriteError::File {
                path: path.clone(),
                source,
            };
            let mut temporary = tempfile::Builder::new()
                .prefix(&format!(".{}.", name.as_ref()))
                .suffix(".tmp")
                .tempfile_in(dir)
                .map_err(error)?;
            temporary.write_all(bytes.as_ref()).map_err(error)?;
            make_readable(temporary.as_file()).map_err(error)?;
            temporary.as_file().sync_all().map_err(error)?;
            temporary
                .persist(&path)
                .map_err(|persist| error(persist.error))?;
            Ok(path)
        })
        .collect()
}

/// Temporary files are created private; a bundle is read by proxies running as other users.
#[cfg(unix)]
fn make_readable(file: &fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o644))
}

/// Temporary files are created private; a bundle is read by proxies running as other users.
#[cfg(not(unix))]
fn make_readable(_file: &fs::File) -> std::io::Result<()> {
    Ok(())
}
