//! Command-line flags: parsing and validation only, no effects.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use ipnet::IpNet;

use crate::access_log::Destination;

/// Serve a Switchyard routing bundle and hot-reload it when the file changes.
#[derive(Debug, Clone, Parser)]
#[command(name = "switchyard-proxy", version)]
pub struct Args {
    /// The bundle file to serve (its directory is watched for changes).
    #[arg(long, value_name = "FILE")]
    pub bundle: PathBuf,
    /// Address to serve API traffic on (HTTP/1.1 and HTTP/2 prior knowledge).
    #[arg(long, value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Address of the admin endpoints (`/healthz`, `/readyz`, `/metrics`, the status
    /// page `/` and its data `/status.json`).
    #[arg(long, value_name = "ADDR")]
    pub admin: Option<SocketAddr>,
    /// Time allowed to connect to an upstream endpoint (then 502).
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub upstream_connect_timeout: Duration,
    /// Time allowed for an upstream to answer with its response head (then 504).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub upstream_timeout: Duration,
    /// Longest pause allowed between two parts of an upstream response body; a body
    /// silent for longer is cut (the client sees it broken, never complete).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub upstream_body_timeout: Duration,
    /// Idle pooled upstream connections are closed after this long.
    #[arg(long, value_name = "DURATION", default_value = "90s", value_parser = parse_duration)]
    pub upstream_idle_timeout: Duration,
    /// Networks whose `x-forwarded-for`/`forwarded` chains are kept (comma-separated CIDRs).
    #[arg(long, value_name = "CIDR,...", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<IpNet>,
    /// Also send RFC 7239 `Forwarded` (`for=CLIENT;proto=http`) beside `X-Forwarded-For`
    /// and `X-Forwarded-Proto`, which are always sent. Without it a client's `Forwarded`
    /// is removed, unless it comes from a trusted proxy.
    #[arg(long)]
    pub forwarded_header: bool,
    /// Largest request head accepted, in bytes (then 431).
    #[arg(long, value_name = "BYTES", default_value_t = 65_536)]
    pub max_header_bytes: usize,
    /// Most request headers accepted (then 431).
    #[arg(long, value_name = "N", default_value_t = crate::server::HYPER_MAX_HEADERS)]
    pub max_headers: usize,
    /// Largest request body forwarded, in bytes (then 413): a declared length is
    /// checked before the upstream is contacted, a streamed body as it arrives.
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_body_bytes: u64,
    /// Time allowed to receive a request head.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub header_read_timeout: Duration,
    /// On SIGTERM, time allowed for in-flight requests to finish.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub drain_timeout: Duration,
    /// Quiet period after a change in the bundle's directory before it is read.
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = parse_duration)]
    pub reload_debounce: Duration,
    /// Where JSON access log lines go: `-` (stdout), `off`, or a file (appended).
    #[arg(long, value_name = "FILE|-|off", default_value = "-", value_parser = Destination::parse)]
    pub access_log: Destination,
    /// Interval of the backstop poll of the bundle file.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub reload_poll: Duration,
    /// Threads serving the API listener, each with its own runtime and upstream pool
    /// [default: the number of CPUs].
    #[arg(long, value_name = "N")]
    pub workers: Option<NonZeroUsize>,
}

impl Args {
    /// The number of worker threads: `--workers`, else one per CPU.
    pub fn worker_count(&self) -> NonZeroUsize {
        self.workers
            .or_else(|| std::thread::available_parallelism().ok())
            .unwrap_or(NonZeroUsize::MIN)
    }
}

/// Parses `250ms`, `1s`, `2m` or `1h` (a whole number and a unit).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("`{text}` needs a unit: ms, s, m or h"))?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` must start with a whole number"))?;
    let duration = match unit {
        "ms" => Duration::from_millis(number),
        "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        "h" => Duration::from_secs(number.saturating_mul(3600)),
        _ => return Err(format!("`{text}` has an unknown unit; use ms, s, m or h")),
    };
    if duration.is_zero() {
        return Err(format!("`{text}` must be longer than zero"));
    }
    Ok(duration)
}

/// Parses a CIDR (`10.0.0.0/8`) or a single address (`10.0.0.1`).
fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is not a CIDR network or an IP address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_number_and_a_unit() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["", "10", "s", "1.5s", "0s", "3d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_parse_with_defaults() {
        let args = Args::try_parse_from([
            "switchyard-proxy",
            "--bundle",
            "b.json",
            "--listen",
            "127.0.0.1:0",
            "--trusted-proxies",
            "10.0.0.0/8, 192.168.1.1",
        ])
        .expect("valid flags");
        assert_eq!(args.upstream_connect_timeout, Duration::from_secs(1));
        assert_eq!(args.upstream_timeout, Duration::from_secs(30));
        assert_eq!(args.trusted_proxies.len(), 2);
        assert!(!args.forwarded_header);
        assert!(
            Args::try_parse_from(["switchyard-proxy", "--bundle", "b", "--listen", "nowhere"])
                .is_err()
        );
    }
}
