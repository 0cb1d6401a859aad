//! What the soak reads about the proxy process from `/proc`: its id, resident memory and
//! open descriptors.

use std::path::Path;

use anyhow::{Context, bail};

/// Resident memory (KiB) and open descriptors of a process.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// `VmRSS` in KiB.
    pub rss_kib: u64,
    /// Entries of `/proc/<pid>/fd`.
    pub fds: usize,
}

/// Samples process `pid`; fails when it has exited (gone, or a zombie not yet reaped).
pub fn sample(pid: u32) -> anyhow::Result<Sample> {
    let exited = || format!("the proxy (process {pid}) has exited");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).with_context(exited)?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
    };
    if field("State:").is_some_and(|state| state.starts_with('Z')) {
        bail!(exited());
    }
    let rss_kib = field("VmRSS:")
        .and_then(|value| value.split_whitespace().next())
        .with_context(exited)?
        .parse()?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))?.count();
    Ok(Sample { rss_kib, fds })
}

/// The process whose command line names `bundle` (the proxy the harness started).
pub fn find_pid(bundle: &Path) -> anyhow::Result<u32> {
    let needle = bundle.as_os_str().as_encoded_bytes();
    for entry in std::fs::read_dir("/proc")?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if cmdline.windows(needle.len()).any(|window| window == needle) {
            return Ok(pid);
        }
    }
    bail!("no process serves {}", bundle.display())
}
