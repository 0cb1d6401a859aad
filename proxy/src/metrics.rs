//! Prometheus metrics (`prometheus-client`, no global registry).
//!
//! Label handles are created when a bundle loads ([`Metrics::version`] hands each API
//! version its counters and histograms per release side), so the request path only
//! increments atomics. Labels carry versions, sides and upstreams, never raw paths.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::StatusCode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::split::Side;
use crate::status::{StatusRecorder, VersionStatus};

/// Latency buckets, 1 ms to 30 s.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Status classes, in the order of [`SideMetrics`]' counters.
const CODE_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    environment: String,
    service: String,
    major: String,
    version: String,
    release: &'static str,
    upstream: String,
    code_class: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabels {
    environment: String,
    service: String,
    major: String,
    version: String,
    release: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpstreamErrorLabels {
    upstream: String,
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WeightLabels {
    environment: String,
    service: String,
    major: String,
    task: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GenerationLabels {
    generation: String,
    environment: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

type HistogramFamily = Family<VersionLabels, Histogram, fn() -> Histogram>;

fn histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// Every metric of the proxy and the registry that exports them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: HistogramFamily,
    upstream_errors: Family<UpstreamErrorLabels, Counter>,
    rejections: Family<ReasonLabels, Counter>,
    release_weight: Family<WeightLabels, Gauge>,
    generation: Family<GenerationLabels, Gauge>,
    reloads: Family<ResultLabels, Counter>,
    last_reload: Gauge<f64, AtomicU64>,
    access_log_dropped: Counter,
    status: StatusRecorder,
}

/// The handles of one side of one API version.
#[derive(Debug, Clone)]
pub struct SideMetrics {
    classes: [Counter; 5],
    duration: Histogram,
}

impl SideMetrics {
    /// Counts an answer and its time to response head.
    pub fn observe(&self, status: StatusCode, elapsed: Duration) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.classes[class].inc();
        self.duration.observe(elapsed.as_secs_f64());
    }
}

/// Where an API version's answers are counted, one set of handles per side.
#[derive(Debug, Clone)]
pub struct VersionMetrics {
    current: SideMetrics,
    target: Option<SideMetrics>,
    status: Arc<VersionStatus>,
}

impl VersionMetrics {
    /// The handles of a side (the current side's when no release is on).
    pub fn side(&self, side: Side) -> &SideMetrics {
        match (side, &self.target) {
            (Side::Target, Some(target)) => target,
            _ => &self.current,
        }
    }

    /// The version's recorder for the status page.
    pub fn status(&self) -> &VersionStatus {
        &self.status
    }
}

/// An API version's identity in labels.
#[derive(Debug, Clone, Copy)]
pub struct VersionKey<'a> {
    /// Environment.
    pub environment: &'a str,
    /// Service.
    pub service: &'a str,
    /// Major.
    pub major: u64,
    /// Full version.
    pub version: &'a str,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("switchyard");
        let metrics = Metrics {
            requests: Family::default(),
            durations: Family::new_with_constructor(histogram),
            upstream_errors: Family::default(),
            rejections: Family::default(),
            release_weight: Family::default(),
            generation: Family::default(),
            reloads: Family::default(),
            last_reload: Gauge::default(),
            access_log_dropped: Counter::default(),
            status: StatusRecorder::default(),
            registry: Registry::default(),
        };
        registry.register(
            "requests",
            "Requests answered, by API version, release side, upstream and status class",
            metrics.requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time to the response head, by API version and release side",
            metrics.durations.clone(),
        );
        registry.register(
            "upstream_errors",
            "Failed upstream exchanges by kind (connect, timeout, reset)",
            metrics.upstream_errors.clone(),
        );
        registry.register(
            "routing_rejections",
            "Requests answered without routing (not_found, method_not_allowed, bad_path, ambiguous_framing)",
            metrics.rejections.clone(),
        );
        registry.register(
            "release_weight",
            "Configured percent of a release task's traffic sent to its target",
            metrics.release_weight.clone(),
        );
        registry.register(
            "bundle_generation_info",
            "The serving bundle (1) by generation",
            metrics.generation.clone(),
        );
        registry.register(
            "bundle_reloads",
            "Bundle files swapped in (ok) or rejected",
            metrics.reloads.clone(),
        );
        registry.register(
            "bundle_last_reload_timestamp_seconds",
            "When the serving bundle was swapped in (Unix time)",
            metrics.last_reload.clone(),
        );
        registry.register(
            "access_log_dropped",
            "Access log lines dropped because the writer was behind",
            metrics.access_log_dropped.clone(),
        );
        for result in ["ok", "rejected"] {
            // Both series exist from the start, so a dashboard's rate() has a baseline.
            drop(metrics.reloads.get_or_create(&ResultLabels { result }));
        }
        Metrics {
            registry,
            ..metrics
        }
    }

    /// Handles for a version served by `current`, and by `target` when a release is on.
    pub fn version(
        &self,
        key: VersionKey<'_>,
        current: &str,
        target: Option<&str>,
    ) -> VersionMetrics {
        VersionMetrics {
            current: self.side(key, Side::Current, current),
            target: target.map(|target| self.side(key, Side::Target, target)),
            status: self.status.version(key.service, key.major, key.version),
        }
    }

    fn side(&self, key: VersionKey<'_>, side: Side, upstream: &str) -> SideMetrics {
        let major = format!("v{}", key.major);
        let classes = CODE_CLASSES.map(|code_class| {
            self.requests.get_or_create_owned(&RequestLabels {
                environment: key.environment.to_owned(),
                service: key.service.to_owned(),
                major: major.clone(),
                version: key.version.to_owned(),
                release: side.as_str(),
                upstream: upstream.to_owned(),
                code_class,
            })
        });
        let duration = self.durations.get_or_create_owned(&VersionLabels {
            environment: key.environment.to_owned(),
            service: key.service.to_owned(),
            major,
            version: key.version.to_owned(),
            release: side.as_str(),
        });
        SideMetrics { classes, duration }
    }

    /// Sets the configured weight of a release task.
    pub fn set_release_weight(&self, key: VersionKey<'_>, task: &str, weight: u8) {
        self.release_weight
            .get_or_create(&WeightLabels {
                environment: key.environment.to_owned(),
                service: key.service.to_owned(),
                major: format!("v{}", key.major),
                task: task.to_owned(),
            })
            .set(i64::from(weight));
    }

    /// Counts a request answered without routing.
    pub fn reject(&self, reason: &'static str) {
        self.rejections
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }

    /// Counts a failed upstream exchange (rare: the label lookup takes a lock).
    pub fn upstream_error(&self, upstream: &str, kind: &'static str) {
        self.upstream_errors
            .get_or_create(&UpstreamErrorLabels {
                upstream: upstream.to_owned(),
                kind,
            })
            .inc();
    }

    /// Records that `generation` now serves (and no other).
    pub fn serving(&self, environment: &str, generation: &str) {
        self.generation.clear();
        self.generation
            .get_or_create(&GenerationLabels {
                generation: generation.to_owned(),
                environment: environment.to_owned(),
            })
            .set(1);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |since| since.as_secs_f64());
        self.last_reload.set(now);
    }

    /// Counts a reload: `ok` or `rejected`.
    pub fn reloaded(&self, result: &'static str) {
        self.reloads.get_or_create(&ResultLabels { result }).inc();
    }

    /// The counter of access log lines dropped because the writer was behind.
    pub fn access_log_dropped(&self) -> Counter {
        self.access_log_dropped.clone()
    }

    /// The status page's recorder, shared by every table's versions.
    pub fn status(&self) -> &StatusRecorder {
        &self.status
    }

    /// The Prometheus text exposition of every metric.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> VersionKey<'static> {
        VersionKey {
            environment: "shop-staging",
            service: "products",
            major: 2,
            version: "2.1",
        }
    }

    fn sample<'t>(text: &'t str, name: &str, labels: &[&str]) -> Option<&'t str> {
        text.lines()
            .find(|line| line.starts_with(name) && labels.iter().all(|l| line.contains(l)))
            .and_then(|line| line.rsplit(' ').next())
    }

    #[test]
    fn handles_made_at_load_count_on_the_request_path() {
        let metrics = Metrics::new();
        let version = metrics.version(key(), "mall", Some("mall-next"));
        version
            .side(Side::Current)
            .observe(StatusCode::OK, Duration::from_millis(3));
        version
            .side(Side::Target)
            .observe(StatusCode::BAD_GATEWAY, Duration::from_millis(2));
        version
            .side(Side::Target)
            .observe(StatusCode::OK, Duration::from_millis(40));
        metrics.set_release_weight(key(), "product-new-feature", 10);
        metrics.reject("not_found");
        metrics.upstream_error("mall-next", "connect");
        metrics.serving("shop-staging", "sha256:one");
        metrics.serving("shop-staging", "sha256:two");
        metrics.reloaded("ok");
        let text = metrics.encode();
        let current_2xx = [
            "release=\"current\"",
            "upstream=\"mall\"",
            "code_class=\"2xx\"",
        ];
        assert_eq!(
            sample(&text, "switchyard_requests_total", &current_2xx),
            Some("1")
        );
        let target_5xx = [
            "release=\"target\"",
            "upstream=\"mall-next\"",
            "code_class=\"5xx\"",
        ];
        assert_eq!(
            sample(&text, "switchyard_requests_total", &target_5xx),
            Some("1")
        );
        let major = ["major=\"v2\"", "version=\"2.1\"", "service=\"products\""];
        assert!(sample(&text, "switchyard_requests_total", &major).is_some());
        let target = ["release=\"target\""];
        assert_eq!(
            sample(&text, "switchyard_request_duration_seconds_count", &target),
            Some("2")
        );
        assert_eq!(
            sample(
                &text,
                "switchyard_release_weight",
                &["task=\"product-new-feature\""]
            ),
            Some("10")
        );
        assert_eq!(
            sample(&text, "switchyard_routing_rejections_total", &["not_found"]),
            Some("1")
        );
        assert_eq!(
            sample(&text, "switchyard_upstream_errors_total", &["connect"]),
            Some("1")
        );
        assert_eq!(
            sample(&text, "switchyard_bundle_generation_info", &["sha256:two"]),
            Some("1")
        );
        assert_eq!(
            sample(&text, "switchyard_bundle_generation_info", &["sha256:one"]),
            None
        );
        assert_eq!(
            sample(&text, "switchyard_bundle_reloads_total", &["ok"]),
            Some("1")
        );
    }
}
