//! JSON access logs: one line per request, written off the request path.
//!
//! The request path serializes a borrowed [`Entry`] straight into a byte buffer (no
//! `serde_json::Value`) and hands it to a bounded channel with `try_send`: it never
//! waits. A writer task owns the sink behind a buffer, flushes when the channel goes
//! idle, and drains and flushes on shutdown. Lines that do not fit are dropped, counted
//! in `switchyard_access_log_dropped_total`, and warned about at most every 10 seconds.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde::ser::Serializer;
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::{mpsc, watch};

use crate::metrics::Metrics;

/// Lines waiting for the writer before new ones are dropped.
const CAPACITY: usize = 8192;

/// How long the channel must stay empty before buffered lines are flushed.
const IDLE_FLUSH: Duration = Duration::from_millis(200);

/// Seconds between two warnings about dropped lines.
const WARN_EVERY_SECONDS: u64 = 10;

/// Where access logs go (`--access-log`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output (`-`, the default).
    Stdout,
    /// Appended to a file.
    File(PathBuf),
    /// Not written.
    Off,
}

impl Destination {
    /// Parses `-`, `off` or a file path.
    pub fn parse(text: &str) -> Result<Destination, String> {
        match text {
            "" => Err("an access log destination is `-`, `off` or a file path".to_owned()),
            "-" => Ok(Destination::Stdout),
            "off" => Ok(Destination::Off),
            path => Ok(Destination::File(PathBuf::from(path))),
        }
    }
}

/// One request's access log line, borrowed from the request path.
#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    /// When the request arrived (RFC 3339, UTC, milliseconds).
    #[serde(serialize_with = "rfc3339")]
    pub time: SystemTime,
    /// Method.
    pub method: &'a str,
    /// The matched operation's path template (none when nothing matched).
    pub route: Option<&'a str>,
    /// The raw request path.
    pub path: &'a str,
    /// Status code answered.
    pub status: u16,
    /// Milliseconds to the response head.
    pub duration_ms: f64,
    /// The response body's `Content-Length` when the response declares one.
    pub bytes: Option<u64>,
    /// Environment of the serving bundle.
    pub environment: &'a str,
    /// Service.
    pub service: Option<&'a str>,
    /// Full `info.version`.
    pub version: Option<&'a str>,
    /// Major version.
    pub major: Option<u64>,
    /// Release side (`current` or `target`).
    pub release: Option<&'static str>,
    /// Upstream name.
    pub upstream: Option<&'a str>,
    /// Upstream endpoint (`host:port`) the request was sent to.
    pub endpoint: Option<&'a str>,
    /// Generation of the serving bundle.
    pub generation: &'a str,
    /// `x-request-id`, as forwarded and returned.
    pub request_id: &'a str,
    /// The resolved client address.
    pub client: IpAddr,
    /// A fingerprint of the request's API key, if it carries one.
    pub api_key_id: Option<&'a str>,
}

/// The request path's handle: serializes lines and queues them without waiting.
#[derive(Debug, Clone)]
pub struct AccessLog {
    sender: Option<mpsc::Sender<Vec<u8>>>,
    dropped: std::sync::Arc<Dropped>,
}

#[derive(Debug, Default)]
struct Dropped {
    total: AtomicU64,
    last_warning: AtomicU64,
}

/// The writer's half: run it with [`Writer::run`] and await it.
#[derive(Debug)]
pub struct Writer {
    receiver: mpsc::Receiver<Vec<u8>>,
    destination: Destination,
}

impl AccessLog {
    /// A handle that writes nothing.
    pub fn off() -> AccessLog {
        AccessLog {
            sender: None,
            dropped: std::sync::Arc::default(),
        }
    }

    /// A handle and the writer that owns `destination` (none when it is `off`).
    pub fn new(destination: Destination) -> (AccessLog, Option<Writer>) {
        if destination == Destination::Off {
            return (AccessLog::off(), None);
        }
        let (sender, receiver) = mpsc::channel(CAPACITY);
        let log = AccessLog {
            sender: Some(sender),
            dropped: std::sync::Arc::default(),
        };
        (
            log,
            Some(Writer {
                receiver,
                destination,
            }),
        )
    }

    /// Whether lines are written at all (callers skip building entries otherwise).
    pub fn enabled(&self) -> bool {
        self.sender.is_some()
    }

    /// Queues `entry`; drops it (counted) when the writer is behind.
    pub fn record(&self, entry: &Entry<'_>, metrics: &Metrics) {
        let Some(sender) = &self.sender else {
            return;
        };
        let mut line = Vec::with_capacity(512);
        if serde_json::to_writer(&mut line, entry).is_err() {
            return;
        }
        line.push(b'\n');
        if sender.try_send(line).is_err() {
            metrics.access_log_dropped();
            self.dropped_one();
        }
    }

    fn dropped_one(&self) {
        let total = self.dropped.total.fetch_add(1, Ordering::Relaxed) + 1;
        let now = unix_seconds(SystemTime::now());
        let last = self.dropped.last_warning.load(Ordering::Relaxed);
        if now >= last + WARN_EVERY_SECONDS
            && self
                .dropped
                .last_warning
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                dropped_total = total,
                "access log writer is behind; lines dropped"
            );
        }
    }
}

impl Writer {
    /// Writes lines until `shutdown` fires (or every handle is gone), then drains what is
    /// queued and flushes.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let sink: Box<dyn AsyncWrite + Unpin + Send> = match &self.destination {
            Destination::File(path) => match tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .await
            {
                Ok(file) => Box::new(file),
                Err(error) => {
                    tracing::error!(path = %path.display(), %error, "cannot open the access log; access logs are off");
                    return;
                }
            },
            Destination::Stdout | Destination::Off => Box::new(tokio::io::stdout()),
        };
        let mut sink = BufWriter::with_capacity(64 * 1024, sink);
        let mut dirty = false;
        loop {
            tokio::select! {
                line = self.receiver.recv() => match line {
                    Some(line) => {
                        write(&mut sink, &line).await;
                        dirty = true;
                    }
                    None => break,
                },
                () = tokio::time::sleep(IDLE_FLUSH), if dirty => {
                    flush(&mut sink).await;
                    dirty = false;
                }
                () = crate::server::signalled(&mut shutdown) => {
                    self.receiver.close();
                    while let Some(line) = self.receiver.recv().await {
                        write(&mut sink, &line).await;
                    }
                    break;
                }
            }
        }
        flush(&mut sink).await;
    }
}

async fn write<W: AsyncWrite + Unpin>(sink: &mut W, line: &[u8]) {
    if let Err(error) = sink.write_all(line).await {
        tracing::warn!(%error, "cannot write the access log");
    }
}

async fn flush<W: AsyncWrite + Unpin>(sink: &mut W) {
    if let Err(error) = sink.flush().await {
        tracing::warn!(%error, "cannot flush the access log");
    }
}

/// Whether a client's `x-request-id` is kept: 1–128 of `A-Z a-z 0-9 - _ . :`.
pub fn usable_request_id(value: &HeaderValue) -> bool {
    let id = value.as_bytes();
    (1..=128).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// A fresh request id: 128 random bits as 32 lowercase hex digits.
pub fn new_request_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// The first 8 hex digits of the xxh3 of the request's API key (`authorization:
/// Bearer …` or `x-api-key`), so a client can be recognized without logging its key.
pub fn api_key_id(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .get(..7)
                .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
                .map(|_| value[7..].trim())
        });
    let key = bearer.or_else(|| {
        headers
            .get("x-api-key")
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
    })?;
    if key.is_empty() {
        return None;
    }
    let hash = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
    Some(format!("{:08x}", hash >> 32))
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// `2026-11-23T19:31:05.123Z`.
fn rfc3339<S: Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs();
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let of_day = seconds % 86_400;
    serializer.collect_str(&format_args!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        since.subsec_millis()
    ))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339_utc() {
        let time = UNIX_EPOCH + Duration::from_millis(1_795_462_265_123);
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        rfc3339(&time, &mut serializer).expect("serializes");
        assert_eq!(out, b"\"2026-11-23T19:31:05.123Z\"");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn request_ids_are_kept_only_when_usable() {
        assert!(usable_request_id(&HeaderValue::from_static(
            "abc-123_x.y:z"
        )));
        assert!(!usable_request_id(&HeaderValue::from_static("a b")));
        assert!(!usable_request_id(&HeaderValue::from_static("")));
        let long = "a".repeat(129);
        assert!(!usable_request_id(
            &HeaderValue::from_str(&long).expect("ascii")
        ));
        let fresh = new_request_id();
        assert_eq!(fresh.len(), 32);
        assert_ne!(fresh, new_request_id());
    }

    #[test]
    fn api_keys_become_fingerprints() {
        let mut headers = HeaderMap::new();
        assert_eq!(api_key_id(&headers), None);
        headers.insert("x-api-key", HeaderValue::from_static("secret-one"));
        let from_header = api_key_id(&headers).expect("an id");
        assert_eq!(from_header.len(), 8);
        assert!(!from_header.contains("secret"));
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_static("Bearer secret-one"),
        );
        assert_eq!(api_key_id(&headers), Some(from_header));
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_static("Basic Zm9vOmJhcg=="),
        );
        headers.remove("x-api-key");
        assert_eq!(api_key_id(&headers), None);
    }
}
