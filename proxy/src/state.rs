//! The state shared by the proxy server, the admin server and the reloader: the
//! serving routing table (one `Arc`, swapped whole) and the reload counters.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use arc_swap::ArcSwap;

use crate::metrics::{Metrics, VersionKey};
use crate::table::RoutingTable;

/// What every part of the running proxy shares.
#[derive(Debug)]
pub struct State {
    table: ArcSwap<RoutingTable>,
    metrics: Arc<Metrics>,
    reloads_ok: AtomicU64,
    reloads_rejected: AtomicU64,
    last_rejection: Mutex<Option<String>>,
    draining: AtomicBool,
}

/// A snapshot of the reload counters for `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReloadStats {
    /// Bundles swapped in since start (the first load not counted).
    pub ok: u64,
    /// Bundle files rejected since start.
    pub rejected: u64,
    /// Why the last rejected file was rejected.
    pub last_rejection: Option<String>,
}

impl State {
    /// Starts serving `table`, whose handles come from `metrics`.
    pub fn new(table: RoutingTable, metrics: Arc<Metrics>) -> State {
        announce(&metrics, &table);
        State {
            metrics,
            table: ArcSwap::from_pointee(table),
            reloads_ok: AtomicU64::new(0),
            reloads_rejected: AtomicU64::new(0),
            last_rejection: Mutex::new(None),
            draining: AtomicBool::new(false),
        }
    }

    /// The serving table; a request keeps the one it started with.
    pub fn table(&self) -> Arc<RoutingTable> {
        self.table.load_full()
    }

    /// The metrics every table takes its handles from.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Swaps in a new table as one value.
    pub fn publish(&self, table: RoutingTable) {
        announce(&self.metrics, &table);
        self.table.store(Arc::new(table));
        self.reloads_ok.fetch_add(1, Ordering::Relaxed);
        self.metrics.reloaded("ok");
    }

    /// Counts a rejected bundle file and remembers why.
    pub fn reject(&self, reason: String) {
        self.reloads_rejected.fetch_add(1, Ordering::Relaxed);
        self.metrics.reloaded("rejected");
        if let Ok(mut last) = self.last_rejection.lock() {
            *last = Some(reason);
        }
    }

    /// The reload counters.
    pub fn reloads(&self) -> ReloadStats {
        ReloadStats {
            ok: self.reloads_ok.load(Ordering::Relaxed),
            rejected: self.reloads_rejected.load(Ordering::Relaxed),
            last_rejection: self
                .last_rejection
                .lock()
                .ok()
                .and_then(|last| last.clone()),
        }
    }

    /// Marks the proxy as draining: `/readyz` answers 503 from now on.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }

    /// Whether the proxy is draining.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }
}

/// Sets the generation and release-weight gauges of a table about to serve.
fn announce(metrics: &Metrics, table: &RoutingTable) {
    metrics.serving(table.environment(), table.generation());
    for api in table.apis() {
        if let Some((task, weight)) = api.release() {
            let key = VersionKey {
                environment: table.environment(),
                service: &api.service,
                major: api.major,
                version: &api.version,
            };
            metrics.set_release_weight(key, task, weight);
        }
    }
}
