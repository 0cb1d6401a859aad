//! Hot reload: watch the bundle's directory, read and verify a changed file, build the
//! whole routing table off the request path, and swap it in as one value.
//!
//! The parent directory is watched rather than the file, so plain writes, atomic
//! renames, editors' saves and Kubernetes ConfigMap `..data` symlink swaps are all
//! seen; any event there leads to re-reading the bundle through its path and comparing
//! a hash of the bytes. A slow poll is the backstop for missed events. Events are
//! debounced (a quiet period) so a burst of writes is read once. A bad, truncated or
//! missing file is logged with its reason and counted, and the last good table keeps
//! serving; the same bad bytes are not counted twice.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use switchyard_schemas::bundle::{Bundle, BundleError};
use tokio::sync::{mpsc, watch};
use xxhash_rust::xxh3::xxh3_64;

use crate::metrics::Metrics;
use crate::server::signalled;
use crate::state::State;
use crate::table::{RoutingTable, TableError};

/// Why a bundle file cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read (missing, permissions).
    #[error("cannot read {path}: {source}")]
    Read {
        /// The bundle path.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// Not a valid bundle: parse, format or content hash.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// A verified bundle the proxy cannot route (references, templates, header values).
    #[error("bundle cannot be routed: {0}")]
    Table(#[from] TableError),
}

/// Parses, verifies and prepares a bundle's bytes (no IO).
pub fn prepare(bytes: &[u8], metrics: &Metrics) -> Result<RoutingTable, LoadError> {
    let bundle = Bundle::from_file_bytes(bytes)?;
    Ok(RoutingTable::with_metrics(&bundle, metrics)?)
}

/// Reads and prepares the bundle at `path`; also returns the hash of the bytes read.
pub fn load(path: &Path, metrics: &Metrics) -> Result<(RoutingTable, u64), LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    Ok((prepare(&bytes, metrics)?, xxh3_64(&bytes)))
}

/// How the reloader reads.
#[derive(Debug, Clone)]
pub struct ReloadSettings {
    /// The bundle file.
    pub path: PathBuf,
    /// Quiet period after the last event before the file is read.
    pub debounce: Duration,
    /// Interval of the backstop poll.
    pub poll_interval: Duration,
}

/// The watch on the bundle's directory, set up before the bundle is first read, so
/// that a file written as soon as the proxy reports ready is seen at once rather than
/// at the next poll.
#[derive(Debug)]
pub struct BundleWatch {
    /// Kept alive as long as the watch; dropping it stops the events. `None` when the
    /// directory cannot be watched: the poll alone then finds changes.
    _watcher: Option<RecommendedWatcher>,
    changes: mpsc::Receiver<()>,
}

impl BundleWatch {
    /// Starts watching the directory of the bundle at `path`; a directory that cannot be
    /// watched is logged and left to the poll.
    pub fn start(path: &Path) -> BundleWatch {
        let (events, changes) = mpsc::channel(1);
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let watcher = match watch_directory(&directory, events) {
            Ok(watcher) => Some(watcher),
            Err(error) => {
                tracing::warn!(directory = %directory.display(), %error, "cannot watch the bundle's directory; polling only");
                None
            }
        };
        BundleWatch {
            _watcher: watcher,
            changes,
        }
    }
}

/// Reloads on each change `watch` reports and each poll, until `shutdown` fires.
/// `seen` is the hash of the bytes serving now.
pub async fn run(
    watch: BundleWatch,
    settings: ReloadSettings,
    state: Arc<State>,
    seen: u64,
    mut shutdown: watch::Receiver<bool>,
) {
    let BundleWatch {
        _watcher,
        mut changes,
    } = watch;
    let mut poll = tokio::time::interval(settings.poll_interval);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    poll.tick().await;
    let mut seen = seen;
    loop {
        tokio::select! {
            Some(()) = changes.recv() => {
                if !quiet(&mut changes, settings.debounce, &mut shutdown).await {
                    return;
                }
            }
            _ = poll.tick() => {}
            () = signalled(&mut shutdown) => return,
        }
        let path = settings.path.clone();
        let state = Arc::clone(&state);
        match tokio::task::spawn_blocking(move || check(&path, &state, seen)).await {
            Ok(now) => seen = now,
            Err(error) => tracing::error!(%error, "bundle check failed"),
        }
    }
}

/// Waits until no event arrived for `debounce` (at most 20 periods). False on shutdown.
async fn quiet(
    changes: &mut mpsc::Receiver<()>,
    debounce: Duration,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    let deadline = tokio::time::Instant::now() + debounce * 20;
    loop {
        tokio::select! {
            Some(()) = changes.recv() => {
                if tokio::time::Instant::now() >= deadline {
                    return true;
                }
            }
            () = tokio::time::sleep(debounce) => return true,
            () = signalled(shutdown) => return false,
        }
    }
}

/// Reads the bundle and swaps it in if its bytes changed and it is valid. Returns the
/// hash of what was read (of the error, when it could not be read).
fn check(path: &Path, state: &State, seen: u64) -> u64 {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(source) => {
            let error = LoadError::Read {
                path: path.to_owned(),
                source,
            };
            let reason = error.to_string();
            let hash = xxh3_64(reason.as_bytes());
            if hash != seen {
                reject(state, reason);
            }
            return hash;
        }
    };
    let hash = xxh3_64(&bytes);
    if hash == seen {
        return hash;
    }
    match prepare(&bytes, state.metrics()) {
        Ok(table) if table.generation() == state.table().generation() => {
            tracing::debug!(
                generation = table.generation(),
                "bundle rewritten without changes"
            );
        }
        Ok(table) => {
            let generation = table.generation().to_owned();
            let environment = table.environment().to_owned();
            state.publish(table);
            tracing::info!(%generation, %environment, "bundle reloaded");
        }
        Err(error) => reject(state, error.to_string()),
    }
    hash
}

fn reject(state: &State, reason: String) {
    tracing::warn!(
        %reason,
        serving = state.table().generation(),
        "bundle rejected; the last good one keeps serving"
    );
    state.reject(reason);
}

/// Watches `directory` (not recursively) and signals `events` on any change in it.
fn watch_directory(
    directory: &Path,
    events: mpsc::Sender<()>,
) -> Result<RecommendedWatcher, notify::Error> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        let relevant = match event {
            Ok(event) => !matches!(
                event.kind,
                EventKind::Access(kind) if kind != AccessKind::Close(AccessMode::Write)
            ),
            Err(_) => true,
        };
        if relevant {
            // A full channel already holds a pending change: coalescing is the point.
            let _ = events.try_send(());
        }
    })?;
    watcher.watch(directory, RecursiveMode::NonRecursive)?;
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("table/fixtures/bundle.json");

    fn sealed(environment: &str) -> Vec<u8> {
        let mut bundle: Bundle = serde_json::from_str(FIXTURE).expect("fixture parses");
        bundle.environment = environment.to_owned();
        bundle.seal().to_file_bytes()
    }

    #[test]
    fn a_changed_file_is_swapped_and_the_same_bad_bytes_are_counted_once() {
        let directory = tempfile::tempdir().expect("temporary directory");
        let path = directory.path().join("bundle.json");
        std::fs::write(&path, sealed("one-staging")).expect("write");
        let metrics = Arc::new(Metrics::new());
        let (table, seen) = load(&path, &metrics).expect("valid bundle");
        let state = State::new(table, metrics);

        assert_eq!(
            check(&path, &state, seen),
            seen,
            "unchanged bytes are ignored"
        );
        std::fs::write(&path, b"{ truncated").expect("write");
        let bad = check(&path, &state, seen);
        assert_eq!(check(&path, &state, bad), bad);
        std::fs::remove_file(&path).expect("delete");
        let missing = check(&path, &state, bad);
        assert_eq!(check(&path, &state, missing), missing);
        let reloads = state.reloads();
        assert_eq!((reloads.ok, reloads.rejected), (0, 2));
        assert!(
            reloads
                .last_rejection
                .is_some_and(|reason| reason.contains("cannot read")),
            "the reason names the failure"
        );

        std::fs::write(&path, sealed("two-staging")).expect("write");
        check(&path, &state, missing);
        assert_eq!(state.table().environment(), "two-staging");
        assert_eq!(state.reloads().ok, 1);
    }
}
