//! JSON access logs: one line per request, written off the request path.
//!
//! The request path serializes a borrowed [`Entry`] straight into its worker's batch
//! buffer (no `serde_json::Value`, no allocation per line). A worker hands a batch to a
//! bounded channel with `try_send` once it holds 32 KiB, every 100 ms, and when the
//! worker stops: a request never waits, and the writer is woken per batch, not per
//! line. The writer is a thread of its own, woken by the channel alone: it writes each
//! batch whole with one blocking write (no buffer in between, so the bytes are not
//! copied again), reopens the file when asked and drains what is queued on shutdown.
//! Batches that do not fit are dropped, their lines counted in
//! `switchyard_access_log_dropped_total` and warned about at most every 10 seconds.

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use prometheus_client::metrics::counter::Counter;

use crate::json_line::{self, JsonString, TimeWriter};
use crate::metrics::VersionKey;
use crate::request_fields::RequestFields;
use crate::split::Side;
use tokio::sync::{mpsc, watch};

/// Bytes of lines a worker collects before handing them over as one batch.
const BATCH_BYTES: usize = 32 * 1024;

/// Batches waiting for the writer before new ones are dropped (about 8 MiB of lines).
const CAPACITY: usize = 256;

/// How often a worker hands over a partial batch, so that lines appear at low traffic.
pub const HANDOVER_EVERY: Duration = Duration::from_millis(100);

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

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Stdout => f.write_str("-"),
            Destination::File(path) => write!(f, "{}", path.display()),
            Destination::Off => f.write_str("off"),
        }
    }
}

/// What served a request, as an access log line names it: the keys `environment`,
/// `service`, `version`, `major`, `release` and `upstream`, rendered once with the
/// routing table (they are the same for every request a version's side serves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedBy(Box<[u8]>);

impl ServedBy {
    /// The keys for a request of `environment` that matched no operation.
    pub fn unrouted(environment: &str) -> ServedBy {
        ServedBy::render(environment, None)
    }

    /// The keys for a request of the version `key` served by its `release` side and
    /// sent to `upstream` (none: answered by the proxy).
    pub fn version(key: VersionKey<'_>, release: Side, upstream: Option<&str>) -> ServedBy {
        ServedBy::render(key.environment, Some((key, release.as_str(), upstream)))
    }

    fn render(environment: &str, served: Option<(VersionKey<'_>, &str, Option<&str>)>) -> ServedBy {
        let key = served.map(|(key, _, _)| key);
        let mut out = Vec::new();
        out.extend_from_slice(b",\"environment\":");
        json_line::string(&mut out, environment);
        out.extend_from_slice(b",\"service\":");
        json_line::optional_string(&mut out, key.map(|key| key.service));
        out.extend_from_slice(b",\"version\":");
        json_line::optional_string(&mut out, key.map(|key| key.version));
        out.extend_from_slice(b",\"major\":");
        json_line::optional_unsigned(&mut out, key.map(|key| key.major));
        out.extend_from_slice(b",\"release\":");
        json_line::optional_string(&mut out, served.map(|(_, release, _)| release));
        out.extend_from_slice(b",\"upstream\":");
        json_line::optional_string(&mut out, served.and_then(|(_, _, upstream)| upstream));
        ServedBy(out.into_boxed_slice())
    }
}

/// One request's access log line, borrowed from the request path. Its JSON object has
/// one key per field, in this order (`duration` as `duration_ms`).
#[derive(Debug)]
pub struct Entry<'a> {
    /// When the request arrived (RFC 3339, UTC, milliseconds).
    pub time: SystemTime,
    /// Method.
    pub method: &'a str,
    /// The matched operation's path template (none when nothing matched).
    pub route: Option<&'a JsonString>,
    /// The raw request path.
    pub path: &'a str,
    /// Status code answered.
    pub status: u16,
    /// Time to the response head (`duration_ms`: milliseconds, three decimals).
    pub duration: Duration,
    /// The response body's `Content-Length` when the response declares one.
    pub bytes: Option<u64>,
    /// Environment, service, full `info.version`, major version, release side
    /// (`current` or `target`) and upstream name, rendered with the routing table.
    pub served_by: &'a ServedBy,
    /// Upstream endpoint (`host:port`) the request was sent to.
    pub endpoint: Option<&'a JsonString>,
    /// Generation of the serving bundle.
    pub generation: &'a JsonString,
    /// `x-request-id`, as forwarded and returned.
    pub request_id: &'a str,
    /// The resolved client address.
    pub client: IpAddr,
    /// A fingerprint of the request's API key, if it carries one.
    pub api_key_id: Option<&'a str>,
}

impl Entry<'_> {
    /// Appends this entry as one JSON object, without a newline; `times` writes its time.
    pub fn write_json(&self, out: &mut Vec<u8>, times: &mut TimeWriter) {
        out.extend_from_slice(b"{\"time\":");
        times.write(out, self.time);
        out.extend_from_slice(b",\"method\":");
        json_line::string(out, self.method);
        out.extend_from_slice(b",\"route\":");
        json_line::optional_rendered(out, self.route);
        out.extend_from_slice(b",\"path\":");
        json_line::string(out, self.path);
        out.extend_from_slice(b",\"status\":");
        json_line::unsigned(out, u64::from(self.status));
        out.extend_from_slice(b",\"duration_ms\":");
        json_line::milliseconds(
            out,
            u64::try_from(self.duration.as_micros()).unwrap_or(u64::MAX),
        );
        out.extend_from_slice(b",\"bytes\":");
        json_line::optional_unsigned(out, self.bytes);
        out.extend_from_slice(&self.served_by.0);
        out.extend_from_slice(b",\"endpoint\":");
        json_line::optional_rendered(out, self.endpoint);
        out.extend_from_slice(b",\"generation\":");
        out.extend_from_slice(self.generation.as_bytes());
        out.extend_from_slice(b",\"request_id\":");
        json_line::string(out, self.request_id);
        out.extend_from_slice(b",\"client\":");
        json_line::ip(out, self.client);
        out.extend_from_slice(b",\"api_key_id\":");
        json_line::optional_string(out, self.api_key_id);
        out.push(b'}');
    }
}

/// Serialized lines on their way to the writer.
#[derive(Debug, Default)]
struct Batch {
    bytes: Vec<u8>,
    lines: u64,
}

/// What the writer thread is sent, in order.
#[derive(Debug)]
enum Message {
    /// Lines to write.
    Lines(Batch),
    /// Open the file at the path again (log rotation renamed it).
    Reopen,
    /// Everything before was the last: stop.
    Stop,
}

/// The shared side of the access log: the writer's channel and the dropped-line
/// counter. Each worker records through its own [`WorkerLog`].
#[derive(Debug, Clone)]
pub struct AccessLog {
    sender: Option<mpsc::Sender<Message>>,
    dropped: Arc<Dropped>,
}

#[derive(Debug)]
struct Dropped {
    metric: Counter,
    total: AtomicU64,
    last_warning: AtomicU64,
}

/// The writer's half, its destination already open: run it with [`Writer::run`] and
/// await it.
pub struct Writer {
    receiver: mpsc::Receiver<Message>,
    control: mpsc::Sender<Message>,
    destination: Destination,
    sink: Sink,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("destination", &self.destination)
            .finish_non_exhaustive()
    }
}

impl AccessLog {
    /// Opens `destination` and the channel to its writer (none when it is `off`);
    /// dropped lines are counted in `dropped`. Fails when the file cannot be opened
    /// for appending.
    pub fn new(
        destination: Destination,
        dropped: Counter,
    ) -> std::io::Result<(AccessLog, Option<Writer>)> {
        AccessLog::with_capacity(destination, dropped, CAPACITY)
    }

    fn with_capacity(
        destination: Destination,
        dropped: Counter,
        capacity: usize,
    ) -> std::io::Result<(AccessLog, Option<Writer>)> {
        let dropped = Arc::new(Dropped {
            metric: dropped,
            total: AtomicU64::new(0),
            last_warning: AtomicU64::new(0),
        });
        if destination == Destination::Off {
            let log = AccessLog {
                sender: None,
                dropped,
            };
            return Ok((log, None));
        }
        let sink = open(&destination)?;
        let (sender, receiver) = mpsc::channel(capacity);
        let writer = Writer {
            receiver,
            control: sender.clone(),
            destination,
            sink,
        };
        let log = AccessLog {
            sender: Some(sender),
            dropped,
        };
        Ok((log, Some(writer)))
    }

    /// A worker's own batch buffer, handing over through this log's channel.
    pub fn worker(&self) -> WorkerLog {
        WorkerLog {
            log: self.clone(),
            pending: Mutex::new(Pending::default()),
        }
    }

    fn hand_over(&self, batch: Batch) {
        let Some(sender) = &self.sender else {
            return;
        };
        let lines = batch.lines;
        if lines > 0 && sender.try_send(Message::Lines(batch)).is_err() {
            self.dropped_lines(lines);
        }
    }

    fn dropped_lines(&self, lines: u64) {
        self.dropped.metric.inc_by(lines);
        let total = self.dropped.total.fetch_add(lines, Ordering::Relaxed) + lines;
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

/// One worker's handle on the request path: lines collect in its batch (the lock is
/// only ever taken by its own thread, so it is uncontended) and are handed over whole.
/// Dropping it hands over what is left.
#[derive(Debug)]
pub struct WorkerLog {
    log: AccessLog,
    pending: Mutex<Pending>,
}

/// A worker's batch, and the text of the last second its lines were written in.
#[derive(Debug, Default)]
struct Pending {
    batch: Batch,
    times: TimeWriter,
}

impl WorkerLog {
    /// Whether lines are written at all.
    pub fn enabled(&self) -> bool {
        self.log.sender.is_some()
    }

    /// Adds `entry` to the batch; hands the batch over once it is full.
    pub fn record(&self, entry: &Entry<'_>) {
        if !self.enabled() {
            return;
        }
        let full = {
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            let Pending { batch, times } = &mut *pending;
            entry.write_json(&mut batch.bytes, times);
            batch.bytes.push(b'\n');
            batch.lines += 1;
            (batch.bytes.len() >= BATCH_BYTES).then(|| take(batch))
        };
        if let Some(batch) = full {
            self.log.hand_over(batch);
        }
    }

    /// Hands over whatever the batch holds.
    pub fn hand_over(&self) {
        let batch = take(
            &mut self
                .pending
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .batch,
        );
        self.log.hand_over(batch);
    }

    /// Hands over the batch every [`HANDOVER_EVERY`], for as long as the worker's runtime runs.
    pub async fn hand_over_periodically(self: Arc<WorkerLog>) {
        if !self.enabled() {
            return;
        }
        let mut ticks = tokio::time::interval(HANDOVER_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            self.hand_over();
        }
    }
}

impl Drop for WorkerLog {
    fn drop(&mut self) {
        self.hand_over();
    }
}

/// The batch's content, leaving an empty batch with room for the next one.
fn take(pending: &mut Batch) -> Batch {
    if pending.lines == 0 {
        return Batch::default();
    }
    std::mem::replace(
        pending,
        Batch {
            bytes: Vec::with_capacity(BATCH_BYTES + 1024),
            lines: 0,
        },
    )
}

/// Where the writer puts lines: a file opened for appending, or standard output.
type Sink = Box<dyn Write + Send>;

/// Opens `destination` for the writer; standard output for `-` (and `off`, which has
/// no writer).
fn open(destination: &Destination) -> std::io::Result<Sink> {
    match destination {
        Destination::File(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            Ok(Box::new(file))
        }
        Destination::Stdout | Destination::Off => Ok(Box::new(std::io::stdout())),
    }
}

impl Writer {
    /// Writes batches on a thread of its own until `shutdown` fires, then drains what
    /// is queued and returns once the thread has. Each change of `reopen` opens a file
    /// destination again (after log rotation renamed it: later lines go to a new file
    /// at the path). Lines that cannot be written are warned about and dropped.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>, mut reopen: watch::Receiver<u64>) {
        let Writer {
            receiver,
            control,
            destination,
            sink,
        } = self;
        let (finished, done) = tokio::sync::oneshot::channel::<()>();
        let started = std::thread::Builder::new()
            .name("switchyard-log".into())
            .spawn(move || {
                write_until_stopped(receiver, &destination, sink);
                let _ = finished.send(());
            });
        if let Err(error) = started {
            tracing::error!(%error, "cannot start the access log writer thread; access log lines are dropped");
            return;
        }
        loop {
            tokio::select! {
                Ok(()) = reopen.changed() => {
                    if control.send(Message::Reopen).await.is_err() {
                        break;
                    }
                }
                () = crate::server::signalled(&mut shutdown) => {
                    let _ = control.send(Message::Stop).await;
                    break;
                }
            }
        }
        // An error means the thread ended without saying so (it panicked): nothing to wait for.
        let _ = done.await;
    }
}

/// The writer thread: writes what `receiver` brings, in order, until told to stop or
/// every sender is gone.
fn write_until_stopped(
    mut receiver: mpsc::Receiver<Message>,
    destination: &Destination,
    mut sink: Sink,
) {
    while let Some(message) = receiver.blocking_recv() {
        match message {
            Message::Lines(batch) => {
                if let Err(error) = sink.write_all(&batch.bytes).and_then(|()| sink.flush()) {
                    tracing::warn!(%error, "cannot write the access log");
                }
            }
            Message::Reopen => sink = reopened(destination, sink),
            Message::Stop => return,
        }
    }
}

/// `destination` opened again, or `current` when it is standard output or cannot be
/// opened (said in the log: lines keep going where they went).
fn reopened(destination: &Destination, current: Sink) -> Sink {
    let Destination::File(path) = destination else {
        return current;
    };
    match open(destination) {
        Ok(sink) => {
            tracing::info!(path = %path.display(), "access log reopened");
            sink
        }
        Err(error) => {
            tracing::error!(path = %path.display(), %error, "cannot reopen the access log; lines go to the file open before");
            current
        }
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
pub fn new_request_id() -> HeaderValue {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut id = [0u8; 32];
    for (pair, byte) in id.chunks_exact_mut(2).zip(fastrand::u128(..).to_be_bytes()) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0xf)];
    }
    // Hex digits are always a valid header value.
    HeaderValue::from_bytes(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// The id of the API key of a request with `headers`: [`api_key_text`] of its
/// [`api_key_fingerprint`].
pub fn api_key_id(headers: &HeaderMap) -> Option<String> {
    api_key_fingerprint(&RequestFields::of(headers)).map(api_key_text)
}

/// The text of an [`api_key_fingerprint`]: 8 hex digits.
pub fn api_key_text(fingerprint: u32) -> String {
    format!("{fingerprint:08x}")
}

/// The first 32 bits of the xxh3 of the request's API key (`authorization: Bearer …`,
/// else `x-api-key`), so a client can be recognized without logging its key.
pub fn api_key_fingerprint(fields: &RequestFields<'_>) -> Option<u32> {
    let bearer = fields
        .authorization
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .get(..7)
                .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
                .map(|_| value[7..].trim())
        });
    let key = bearer.or_else(|| {
        fields
            .api_key
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
    })?;
    if key.is_empty() {
        return None;
    }
    let hash = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
    // The high half of a u64 fits in a u32.
    Some((hash >> 32) as u32)
}

/// Whole seconds since the Unix epoch (0 before it).
pub fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(fresh.as_bytes().iter().all(u8::is_ascii_hexdigit));
        assert!(usable_request_id(&fresh));
        assert_ne!(fresh, new_request_id());
    }

    /// What served nothing: an unrouted request of `shop-staging`.
    static UNROUTED: std::sync::LazyLock<ServedBy> =
        std::sync::LazyLock::new(|| ServedBy::unrouted("shop-staging"));
    static GENERATION: std::sync::LazyLock<JsonString> =
        std::sync::LazyLock::new(|| JsonString::new("g"));

    #[test]
    fn served_by_renders_its_keys_in_the_line_order() {
        let key = VersionKey {
            environment: "shop-staging",
            service: "products",
            major: 2,
            version: "2.1",
        };
        let served_by = ServedBy::version(key, Side::Target, Some("mall\"next"));
        let line = format!("{{\"first\":1{}}}", String::from_utf8_lossy(&served_by.0));
        assert_eq!(
            line,
            r#"{"first":1,"environment":"shop-staging","service":"products","version":"2.1","major":2,"release":"target","upstream":"mall\"next"}"#
        );
        let unrouted = format!("{{\"first\":1{}}}", String::from_utf8_lossy(&UNROUTED.0));
        assert_eq!(
            unrouted,
            r#"{"first":1,"environment":"shop-staging","service":null,"version":null,"major":null,"release":null,"upstream":null}"#
        );
    }

    fn entry(path: &str) -> Entry<'_> {
        Entry {
            time: UNIX_EPOCH,
            method: "GET",
            route: None,
            path,
            status: 404,
            duration: Duration::from_micros(500),
            bytes: None,
            served_by: &UNROUTED,
            endpoint: None,
            generation: &GENERATION,
            request_id: "r",
            client: IpAddr::from([127, 0, 0, 1]),
            api_key_id: None,
        }
    }

    #[test]
    fn lines_are_batched_and_batches_that_do_not_fit_are_counted_as_dropped() {
        let dropped = Counter::default();
        let (log, writer) =
            AccessLog::with_capacity(Destination::Stdout, dropped.clone(), 1).expect("stdout");
        let mut writer = writer.expect("a writer for stdout");
        let worker = log.worker();
        let path = "/p".repeat(200);
        let mut recorded = 0_u64;
        // Fill the one slot of the channel, then one more batch, which is dropped.
        while dropped.get() == 0 {
            worker.record(&entry(&path));
            recorded += 1;
            assert!(recorded < 10_000, "nothing was dropped");
        }
        let Ok(Message::Lines(queued)) = writer.receiver.try_recv() else {
            panic!("the first batch is queued");
        };
        assert!(queued.bytes.len() >= BATCH_BYTES);
        assert_eq!(queued.lines + dropped.get(), recorded);
        assert_eq!(
            queued.bytes.iter().filter(|&&byte| byte == b'\n').count() as u64,
            queued.lines
        );
        // A partial batch is handed over when the worker's handle goes away.
        worker.record(&entry("/last"));
        drop(worker);
        let Ok(Message::Lines(last)) = writer.receiver.try_recv() else {
            panic!("the last line is queued");
        };
        assert_eq!(last.lines, 1);
        let line: serde_json::Value = serde_json::from_slice(&last.bytes).expect("JSON");
        assert_eq!(line["path"], "/last");
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
