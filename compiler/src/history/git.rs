//! Reading a configuration root as it is at a git revision, through the `git` command:
//! `rev-parse` finds the repository and the commit, `ls-tree` lists the root's files at
//! that commit, and one `cat-file --batch` reads them. Nothing is checked out and the
//! work tree is never touched.
//!
//! The files kept are the ones the disk loader keeps (manifests and OpenAPI candidates,
//! hidden entries skipped, the 16 MiB limit); a symbolic link is followed when it leads
//! to a file inside the root and recorded as leaving the root otherwise.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::source::{FileSet, MAX_FILE_SIZE, Unavailable, parent, resolve};

/// Extensions of the files the compiler may need (as the disk loader reads them).
const EXTENSIONS: [&str; 4] = ["toml", "yaml", "yml", "json"];

/// The mode git gives symbolic links.
const SYMLINK_MODE: &str = "120000";

/// Why a revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git` could not be started.
    #[error("cannot run `git` (is it installed and on PATH?)")]
    Spawn(#[source] std::io::Error),
    /// The root is not inside a git work tree.
    #[error("`{}` is not inside a git repository: {reason}", root.display())]
    NotARepository {
        /// The root as given.
        root: PathBuf,
        /// What git said.
        reason: String,
    },
    /// The revision does not name a commit.
    #[error("the base revision `{reference}` does not exist in the repository of `{}`", root.display())]
    UnknownRevision {
        /// The revision as given.
        reference: String,
        /// The root as given.
        root: PathBuf,
    },
    /// A git command failed or answered something unexpected.
    #[error("`git {command}` failed: {reason}")]
    Command {
        /// The subcommand, e.g. `ls-tree`.
        command: &'static str,
        /// What went wrong.
        reason: String,
    },
}

/// One blob of the tree under the root.
#[derive(Debug)]
struct Entry {
    mode: String,
    object: String,
    size: u64,
}

/// Reads `root` (a folder inside a git work tree) as it is at `reference`.
pub fn load_revision(root: &Path, reference: &str) -> Result<FileSet, GitError> {
    let prefix =
        git(root, "rev-parse", &["rev-parse", "--show-prefix"]).map_err(|error| match error {
            GitError::Command { reason, .. } => GitError::NotARepository {
                root: root.to_owned(),
                reason,
            },
            other => other,
        })?;
    let prefix = String::from_utf8_lossy(&prefix).trim_end().to_owned();
    let commit = verify(root, reference)?;
    let mut args = vec!["ls-tree", "-r", "-z", "-l", "--full-tree", commit.as_str()];
    if !prefix.is_empty() {
        args.extend(["--", prefix.as_str()]);
    }
    let listing = git(root, "ls-tree", &args)?;
    let entries = parse_listing(&listing, &prefix)?;
    let mut files = FileSet::new();
    let mut wanted = BTreeMap::new();
    for (path, entry) in &entries {
        if !is_candidate(path) {
            continue;
        }
        let blob = if entry.mode == SYMLINK_MODE {
            match link_target(root, entry, path, &entries)? {
                Link::Inside(target) => target,
                Link::Outside => {
                    files.insert_unavailable(path.clone(), Unavailable::OutsideRoot);
                    continue;
                }
                Link::Dangling => continue,
            }
        } else {
            entry
        };
        if blob.size > MAX_FILE_SIZE {
            files.insert_unavailable(path.clone(), Unavailable::TooLarge { size: blob.size });
        } else {
            wanted.insert(path.clone(), blob.object.clone());
        }
    }
    let objects: Vec<String> = wanted.values().cloned().collect();
    let contents = read_blobs(root, &objects)?;
    for ((path, _), bytes) in wanted.into_iter().zip(contents) {
        match String::from_utf8(bytes) {
            Ok(text) => files.insert_text(path, text),
            Err(_) => files.insert_unavailable(path, Unavailable::NotUtf8),
        }
    }
    Ok(files)
}

/// The commit a revision names, or [`GitError::UnknownRevision`].
fn verify(root: &Path, reference: &str) -> Result<String, GitError> {
    let unknown = || GitError::UnknownRevision {
        reference: reference.to_owned(),
        root: root.to_owned(),
    };
    if reference.starts_with('-') {
        return Err(unknown());
    }
    let spec = format!("{reference}^{{commit}}");
    let output = git(
        root,
        "rev-parse",
        &["rev-parse", "--verify", "--quiet", &spec],
    );
    match output {
        Ok(commit) => Ok(String::from_utf8_lossy(&commit).trim().to_owned()),
        Err(GitError::Command { .. }) => Err(unknown()),
        Err(other) => Err(other),
    }
}

/// Whether the disk loader would read a file at this root-relative path.
fn is_candidate(path: &str) -> bool {
    let hidden = path.split('/').any(|segment| segment.starts_with('.'));
    let extension = path.rsplit_once('.').map(|(_, ext)| ext);
    let name = path.rsplit('/').next().unwrap_or(path);
    !hidden && name.contains('.') && extension.is_some_and(|ext| EXTENSIONS.contains(&ext))
}

/// Parses `ls-tree -r -z -l` output: `<mode> <type> <object> <size>\t<path>\0`; keeps
/// blobs under `prefix`, keyed by their path relative to it (paths that are not UTF-8
/// are skipped, as the disk loader skips such names).
fn parse_listing(listing: &[u8], prefix: &str) -> Result<BTreeMap<String, Entry>, GitError> {
    let malformed = |record: &str| GitError::Command {
        command: "ls-tree",
        reason: format!("unexpected line `{record}`"),
    };
    let mut entries = BTreeMap::new();
    for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let Ok(record) = std::str::from_utf8(record) else {
            continue;
        };
        let (meta, path) = record.split_once('\t').ok_or_else(|| malformed(record))?;
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, kind, object, size] = fields[..] else {
            return Err(malformed(record));
        };
        if kind != "blob" {
            continue;
        }
        let Some(relative) = path.strip_prefix(prefix) else {
            continue;
        };
        let size = size.parse().map_err(|_| malformed(record))?;
        entries.insert(
            relative.to_owned(),
            Entry {
                mode: mode.to_owned(),
                object: object.to_owned(),
                size,
            },
        );
    }
    Ok(entries)
}

/// Where a symbolic link leads.
enum Link<'e> {
    /// To this regular file inside the root.
    Inside(&'e Entry),
    /// Outside the root.
    Outside,
    /// Nowhere readable (a folder, another link or nothing).
    Dangling,
}

fn link_target<'e>(
    root: &Path,
    link: &Entry,
    path: &str,
    entries: &'e BTreeMap<String, Entry>,
) -> Result<Link<'e>, GitError> {
    let target = read_blobs(root, std::slice::from_ref(&link.object))?
        .pop()
        .unwrap_or_default();
    let target = String::from_utf8_lossy(&target);
    Ok(match resolve(parent(path), &target) {
        None => Link::Outside,
        Some(resolved) => match entries.get(&resolved) {
            Some(entry) if entry.mode != SYMLINK_MODE => Link::Inside(entry),
            _ => Link::Dangling,
        },
    })
}

/// The contents of blobs, in order, through one `git cat-file --batch`.
fn read_blobs(root: &Path, objects: &[String]) -> Result<Vec<Vec<u8>>, GitError> {
    if objects.is_empty() {
        return Ok(Vec::new());
    }
    let failed = |reason: String| GitError::Command {
        command: "cat-file",
        reason,
    };
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(GitError::Spawn)?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(failed("no pipes to the child".to_owned()));
    };
    let request: String = objects.iter().map(|object| format!("{object}\n")).collect();
    let (written, contents) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || stdin.write_all(request.as_bytes()));
        let contents = read_batch(BufReader::new(stdout), objects.len());
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writer thread failed")));
        (written, contents)
    });
    let status = child.wait().map_err(GitError::Spawn)?;
    written.map_err(|error| failed(error.to_string()))?;
    let contents = contents.map_err(failed)?;
    if !status.success() {
        return Err(failed(format!("exited with {status}")));
    }
    Ok(contents)
}

/// Reads `count` answers of `cat-file --batch`: `<object> blob <size>\n<bytes>\n`.
fn read_batch(mut reader: impl BufRead, count: usize) -> Result<Vec<Vec<u8>>, String> {
    let mut contents = Vec::with_capacity(count);
    for _ in 0..count {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|error| error.to_string())?;
        let size = match header.split_whitespace().collect::<Vec<_>>()[..] {
            [_, "blob", size] => size
                .parse::<usize>()
                .map_err(|_| format!("unexpected answer `{}`", header.trim_end()))?,
            _ => return Err(format!("unexpected answer `{}`", header.trim_end())),
        };
        let mut bytes = vec![0; size + 1];
        reader
            .read_exact(&mut bytes)
            .map_err(|error| error.to_string())?;
        bytes.pop();
        contents.push(bytes);
    }
    Ok(contents)
}

/// Runs `git -C root <args>` and returns its standard output, or its standard error as
/// the reason it failed.
fn git(root: &Path, command: &'static str, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::Spawn)?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError::Command {
            command,
            reason: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_match_the_disk_loader() {
        assert!(is_candidate("shop-prod/products.toml"));
        assert!(is_candidate("apis/products/v1.yaml"));
        assert!(is_candidate("apis/orders/v1.json"));
        assert!(!is_candidate("README.md"));
        assert!(!is_candidate(".github/ci.yaml"));
        assert!(!is_candidate("shop-prod/.hidden.toml"));
        assert!(!is_candidate("toml"));
    }

    #[test]
    fn listing_keeps_blobs_under_the_prefix() {
        let listing = b"100644 blob aaaa      12\tenv/a.toml\0\
160000 commit bbbb       -\tenv/sub\0\
120000 blob cccc       9\tenv/link.yaml\0\
100644 blob dddd       3\tother/b.toml\0";
        let entries = parse_listing(listing, "env/").expect("well formed");
        let keys: Vec<&str> = entries.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a.toml", "link.yaml"]);
        assert_eq!(entries["a.toml"].size, 12);
        assert_eq!(entries["link.yaml"].mode, SYMLINK_MODE);
        assert!(parse_listing(b"garbage\0", "").is_err());
    }

    #[test]
    fn batch_answers_are_split_by_size() {
        let answer = b"aaaa blob 3\nabc\nbbbb blob 0\n\n";
        let contents = read_batch(&answer[..], 2).expect("well formed");
        assert_eq!(contents, [b"abc".to_vec(), Vec::new()]);
        assert!(read_batch(&b"aaaa missing\n"[..], 1).is_err());
    }
}
