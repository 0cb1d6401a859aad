//! Ways a bundle file gets replaced in real life: atomic rename, in-place write, and a
//! Kubernetes ConfigMap `..data` symlink swap.

use std::fs;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// Copies the directory tree `from` into `to` (created), following no symlinks.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create the copy");
    for entry in fs::read_dir(from).expect("read the directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// Writes a temporary file beside `path`, then renames it over `path`.
pub fn write_by_rename(path: &Path, bytes: &[u8]) {
    let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let temporary = path.with_extension(format!("tmp{n}"));
    fs::write(&temporary, bytes).expect("write the temporary bundle");
    fs::rename(&temporary, path).expect("rename the bundle into place");
}

/// Truncates `path` and writes `bytes` into it (what `cp` or `echo >` do).
pub fn write_in_place(path: &Path, bytes: &[u8]) {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .create(true)
        .open(path)
        .expect("open the bundle for writing");
    file.write_all(bytes).expect("write the bundle");
}

/// A directory laid out like a mounted ConfigMap: `bundle.json -> ..data/bundle.json`,
/// `..data -> ..<version>`, swapped by renaming a new `..data` symlink over the old one.
#[derive(Debug)]
pub struct ConfigMapDir {
    directory: PathBuf,
    version: u64,
}

impl ConfigMapDir {
    /// Creates the layout in `directory` with a first version of the bundle.
    pub fn new(directory: &Path, bytes: &[u8]) -> ConfigMapDir {
        let mut config_map = ConfigMapDir {
            directory: directory.to_owned(),
            version: 0,
        };
        config_map.swap(bytes);
        symlink("..data/bundle.json", config_map.path()).expect("link bundle.json");
        config_map
    }

    /// The path the proxy reads.
    pub fn path(&self) -> PathBuf {
        self.directory.join("bundle.json")
    }

    /// Publishes a new version the way the kubelet does.
    pub fn swap(&mut self, bytes: &[u8]) {
        self.version += 1;
        let name = format!("..2026_11_23_18_00_00.{}", self.version);
        let version_dir = self.directory.join(&name);
        fs::create_dir(&version_dir).expect("create the version directory");
        fs::write(version_dir.join("bundle.json"), bytes).expect("write the version");
        let temporary = self.directory.join("..data_tmp");
        symlink(&name, &temporary).expect("link ..data_tmp");
        fs::rename(&temporary, self.directory.join("..data")).expect("swap ..data");
    }
}
