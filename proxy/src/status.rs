//! The live status data behind the admin status page: per API version, requests per
//! release side in 10-second buckets over 15 minutes ([`window`]) and the heaviest
//! clients of the last hour ([`top`]), recorded on the request path without allocating;
//! [`StatusRecorder::snapshot`] joins them with the serving table into the
//! `/status.json` document, and [`page`] renders it as HTML.
//!
//! Time is passed in (Unix seconds), so everything here is tested without sleeping.
//!
//! Memory per version is fixed: the window holds 2 × 90 atomics (1,440 bytes), the top
//! 6 slices × 32 counters of 40 bytes (7,680 bytes, allocated on a slice's first
//! request) plus 6 mutexes and their headers (288 bytes): 9,408 bytes on 64-bit
//! targets, whatever the traffic.
//!
//! A version keeps its history across reloads that keep it (the same entry is handed
//! to the new table); a version a reload removes is listed as `removed` until its last
//! hour holds no requests, then forgotten.

pub mod page;
pub mod top;
pub mod window;

use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use switchyard_schemas::bundle::ServedStatus;

use crate::access_log::api_key_text;
use crate::split::Side;
use crate::table::{ApiRoute, RoutingTable};
use top::{CAPACITY, RecentTop, SLICE_SECONDS, SLICES};
use window::{BUCKET_SECONDS, BUCKETS, Bucket, Window};

/// Buckets averaged for the request rate: the last complete minute.
const RATE_BUCKETS: usize = 6;
/// Clients listed per version.
const LISTED_CLIENTS: usize = 10;

/// Who made a request: the API key's fingerprint when it carried one, else the
/// resolved client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientId {
    /// The first 32 bits of the key's xxh3 hash (the access log's `api_key_id`).
    ApiKey(u32),
    /// The client address (forwarding chains of trusted proxies resolved).
    Address(IpAddr),
}

impl ClientId {
    /// `api_key` or `address`.
    pub fn kind(&self) -> &'static str {
        match self {
            ClientId::ApiKey(_) => "api_key",
            ClientId::Address(_) => "address",
        }
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientId::ApiKey(fingerprint) => f.write_str(&api_key_text(*fingerprint)),
            ClientId::Address(address) => write!(f, "{address}"),
        }
    }
}

/// The recorded traffic of one API version.
#[derive(Debug, Default)]
pub struct VersionStatus {
    window: Window,
    clients: RecentTop<ClientId>,
}

impl VersionStatus {
    /// Counts a request answered by `side` for `client` at `unix_seconds`.
    pub fn record(&self, side: Side, client: ClientId, unix_seconds: u64) {
        self.window.record(side, unix_seconds);
        self.clients.record(client, unix_seconds);
    }
}

/// A version's identity across bundles.
#[derive(Debug, Clone, PartialEq, Eq)]
struct VersionName {
    service: String,
    major: u64,
    version: String,
}

/// Every version's recorded traffic, by identity, shared by successive tables.
#[derive(Debug, Default)]
pub struct StatusRecorder {
    versions: Mutex<Vec<(VersionName, Arc<VersionStatus>)>>,
}

impl StatusRecorder {
    /// The recorder of a version: the one it had in an earlier bundle, else a new one.
    pub fn version(&self, service: &str, major: u64, version: &str) -> Arc<VersionStatus> {
        let Ok(mut versions) = self.versions.lock() else {
            return Arc::default();
        };
        let found = versions.iter().find(|(name, _)| {
            name.service == service && name.major == major && name.version == version
        });
        if let Some((_, status)) = found {
            return Arc::clone(status);
        }
        let status = Arc::<VersionStatus>::default();
        let name = VersionName {
            service: service.to_owned(),
            major,
            version: version.to_owned(),
        };
        versions.push((name, Arc::clone(&status)));
        status
    }

    /// The status document of `table` at `unix_seconds`: its versions in table order,
    /// then removed versions that still had requests in the last hour. Removed versions
    /// without any are forgotten.
    pub fn snapshot(&self, table: &RoutingTable, unix_seconds: u64) -> Status {
        let mut versions: Vec<VersionView> = Vec::new();
        let Ok(mut recorded) = self.versions.lock() else {
            return Status::new(table, unix_seconds, versions);
        };
        for api in table.apis() {
            let status = recorded
                .iter()
                .find(|(name, _)| {
                    name.service == api.service
                        && name.major == api.major
                        && name.version == api.version
                })
                .map(|(_, status)| status);
            if let Some(status) = status {
                versions.push(VersionView::new(api, status, unix_seconds));
            }
        }
        recorded.retain(|(name, status)| {
            let served = table.apis().any(|api| {
                api.service == name.service
                    && api.major == name.major
                    && api.version == name.version
            });
            if served {
                return true;
            }
            let view = VersionView::removed(name, status, unix_seconds);
            let active = view.clients.total > 0 || view.observed.total() > 0;
            if active {
                versions.push(view);
            }
            active
        });
        Status::new(table, unix_seconds, versions)
    }
}

/// The `/status.json` document.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    /// The serving bundle's generation.
    pub generation: String,
    /// The serving bundle's environment.
    pub environment: String,
    /// When the snapshot was taken (Unix seconds).
    pub time: u64,
    /// Seconds per traffic bucket.
    pub bucket_seconds: u64,
    /// Seconds the clients' top covers.
    pub clients_window_seconds: u64,
    /// Counters per client summary slice (the error bound is requests / this).
    pub clients_capacity: usize,
    /// Every version.
    pub versions: Vec<VersionView>,
}

impl Status {
    fn new(table: &RoutingTable, time: u64, versions: Vec<VersionView>) -> Status {
        Status {
            generation: table.generation().to_owned(),
            environment: table.environment().to_owned(),
            time,
            bucket_seconds: BUCKET_SECONDS,
            clients_window_seconds: SLICE_SECONDS * SLICES as u64,
            clients_capacity: CAPACITY,
            versions,
        }
    }
}

/// One version's line of the status document.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VersionView {
    /// Service name.
    pub service: String,
    /// Major version.
    pub major: u64,
    /// Full version.
    pub version: String,
    /// `active`, `deprecated`, `sunset` (deprecated with a date), `gone` (retired), or
    /// `removed` (no longer in the bundle).
    pub status: &'static str,
    /// The `Sunset` date announced, if any.
    pub sunset: Option<String>,
    /// The configured release, if any.
    pub release: Option<ReleaseView>,
    /// Requests per side over the whole window.
    pub observed: Observed,
    /// Requests per second over the last complete minute.
    pub requests_per_second: f64,
    /// Requests per side per bucket, oldest first, the last one still filling.
    pub buckets: Vec<Bucket>,
    /// The heaviest clients of the last hour.
    pub clients: Clients,
}

/// A configured release task.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReleaseView {
    /// The task's name.
    pub task: String,
    /// Percent of traffic configured for the target.
    pub weight: u8,
}

/// Observed requests per side.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Observed {
    /// Served by the current side.
    pub current: u64,
    /// Served by the release target.
    pub target: u64,
    /// `target` in percent of both, if there were any.
    pub target_percent: Option<f64>,
}

impl Observed {
    fn total(&self) -> u64 {
        self.current + self.target
    }
}

/// The heaviest clients of a version.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Clients {
    /// Requests counted in the last hour.
    pub total: u64,
    /// Bound of any listed estimate's error, and the most requests an unlisted client
    /// can have made: `total / clients_capacity`.
    pub error_bound: u64,
    /// Heaviest first.
    pub top: Vec<ClientView>,
}

/// One client's estimated requests.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClientView {
    /// `api_key` or `address`.
    pub kind: &'static str,
    /// The key's fingerprint, or the address.
    pub id: String,
    /// Estimated requests (within `error_bound` of the true count).
    pub requests: u64,
    /// Most of `requests` that may be over-count: `requests - error` ≤ the true count.
    pub error: u64,
}

impl VersionView {
    fn new(api: &ApiRoute, status: &VersionStatus, now: u64) -> VersionView {
        let name = VersionName {
            service: api.service.clone(),
            major: api.major,
            version: api.version.clone(),
        };
        let sunset = api
            .lifecycle
            .sunset
            .as_ref()
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let label = match api.status {
            ServedStatus::Published => "active",
            ServedStatus::Deprecated if sunset.is_some() => "sunset",
            ServedStatus::Deprecated => "deprecated",
            ServedStatus::Retired => "gone",
        };
        let release = api.release().map(|(task, weight)| ReleaseView {
            task: task.to_owned(),
            weight,
        });
        VersionView {
            status: label,
            sunset,
            release,
            ..VersionView::removed(&name, status, now)
        }
    }

    fn removed(name: &VersionName, status: &VersionStatus, now: u64) -> VersionView {
        let buckets = status.window.buckets(now);
        let current = buckets.iter().map(|b| b.current).sum();
        let target = buckets.iter().map(|b| b.target).sum();
        let both = current + target;
        let target_percent = (both > 0).then(|| 100.0 * target as f64 / both as f64);
        let last_minute: u64 = buckets
            .iter()
            .rev()
            .skip(1)
            .take(RATE_BUCKETS)
            .map(Bucket::total)
            .sum();
        let top = status.clients.top(now);
        let clients = Clients {
            total: top.total,
            error_bound: top.total / CAPACITY as u64,
            top: top
                .counters
                .iter()
                .take(LISTED_CLIENTS)
                .map(|counted| ClientView {
                    kind: counted.key.kind(),
                    id: counted.key.to_string(),
                    requests: counted.count,
                    error: counted.error,
                })
                .collect(),
        };
        VersionView {
            service: name.service.clone(),
            major: name.major,
            version: name.version.clone(),
            status: "removed",
            sunset: None,
            release: None,
            observed: Observed {
                current,
                target,
                target_percent,
            },
            requests_per_second: last_minute as f64 / (RATE_BUCKETS as u64 * BUCKET_SECONDS) as f64,
            buckets,
            clients,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use switchyard_schemas::bundle::Bundle;

    use super::*;
    use crate::metrics::Metrics;

    const NOW: u64 = 1_700_000_000;

    fn bundle() -> Bundle {
        serde_json::from_str(include_str!("table/fixtures/bundle.json")).expect("fixture parses")
    }

    fn table(bundle: &Bundle, metrics: &Metrics) -> RoutingTable {
        RoutingTable::with_metrics(bundle, metrics).expect("fixture routes")
    }

    fn products_v2(table: &RoutingTable) -> &ApiRoute {
        table
            .apis()
            .find(|api| api.service == "products" && api.major == 2)
            .expect("products v2")
    }

    fn view<'s>(status: &'s Status, service: &str, major: u64) -> &'s VersionView {
        status
            .versions
            .iter()
            .find(|v| v.service == service && v.major == major)
            .expect("the version is listed")
    }

    #[test]
    fn the_snapshot_joins_the_table_with_the_recorded_traffic() {
        let metrics = Metrics::new();
        let table = table(&bundle(), &metrics);
        let recorder = products_v2(&table).metrics.status();
        let keyed = ClientId::ApiKey(0x0bad_f00d);
        let address = ClientId::Address(Ipv4Addr::new(10, 0, 0, 7).into());
        for second in 0..90 {
            recorder.record(Side::Current, keyed, NOW - 90 + second);
        }
        for second in 0..10 {
            recorder.record(Side::Target, address, NOW - 90 + second);
        }
        let status = metrics.status().snapshot(&table, NOW);
        assert_eq!(status.versions.len(), 4);
        let v2 = view(&status, "products", 2);
        assert_eq!(v2.status, "active");
        assert_eq!(v2.release.as_ref().map(|r| r.weight), Some(10));
        assert_eq!((v2.observed.current, v2.observed.target), (90, 10));
        assert_eq!(v2.observed.target_percent, Some(10.0));
        assert_eq!(v2.buckets.len(), BUCKETS);
        assert_eq!(v2.clients.total, 100);
        assert_eq!(v2.clients.top[0].id, "0badf00d");
        assert_eq!(v2.clients.top[0].kind, "api_key");
        assert_eq!(v2.clients.top[0].requests, 90);
        assert_eq!(v2.clients.top[1].id, "10.0.0.7");
        assert_eq!(view(&status, "products", 1).status, "sunset");
        assert_eq!(view(&status, "orders", 1).status, "gone");
        assert_eq!(view(&status, "orders", 1).observed.target_percent, None);
        let json = serde_json::to_value(&status).expect("serializes");
        assert_eq!(
            json["versions"][0]["clients"]["top"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
    }

    #[test]
    fn a_version_records_in_under_ten_kilobytes() {
        let fixed = size_of::<VersionStatus>();
        let counters = SLICES * CAPACITY * size_of::<top::Counted<ClientId>>();
        assert!(fixed + counters <= 10 * 1024, "{fixed} + {counters} bytes");
    }

    #[test]
    fn history_survives_a_reload_and_a_removed_version_stays_until_its_hour_is_empty() {
        let metrics = Metrics::new();
        let first = table(&bundle(), &metrics);
        let client = ClientId::Address(Ipv4Addr::LOCALHOST.into());
        products_v2(&first)
            .metrics
            .status()
            .record(Side::Current, client, NOW);
        let orders_v1 = first
            .apis()
            .find(|api| api.service == "orders" && api.major == 1)
            .expect("orders v1");
        orders_v1
            .metrics
            .status()
            .record(Side::Current, client, NOW);

        let mut next = bundle();
        next.apis
            .retain(|api| !(api.service == "orders" && api.major == 1));
        let second = table(&next, &metrics);
        let status = metrics.status().snapshot(&second, NOW + 1);
        assert_eq!(view(&status, "products", 2).observed.current, 1);
        let removed = view(&status, "orders", 1);
        assert_eq!(removed.status, "removed");
        assert_eq!(removed.clients.total, 1);

        let hour_later = NOW + 3600;
        let status = metrics.status().snapshot(&second, hour_later);
        assert!(status.versions.iter().all(|v| v.status != "removed"));
        assert_eq!(status.versions.len(), 3);
    }
}
