//! An upstream's endpoints and the round-robin choice between them (no IO).
//!
//! An endpoint that refused a connection is passed over for [`EJECTION`] (passive
//! health checking), unless every endpoint is; the request that met the failure still
//! gets its 502, the ones after it go to the endpoints that answer.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http::uri::Authority;

use crate::json_line::JsonString;

/// How long an endpoint that refused a connection is passed over.
pub const EJECTION: Duration = Duration::from_secs(5);

/// A named group of endpoints serving the same thing.
#[derive(Debug)]
pub struct Upstream {
    name: String,
    endpoints: Vec<Endpoint>,
    next: AtomicUsize,
    epoch: Instant,
}

#[derive(Debug)]
struct Endpoint {
    authority: Authority,
    /// The authority as a JSON string, for access log lines.
    authority_json: JsonString,
    /// Milliseconds after `epoch` until which the endpoint is passed over (0: never was).
    ejected_until: AtomicU64,
}

/// The endpoint chosen for one request.
#[derive(Debug, Clone, Copy)]
pub struct Pick<'a> {
    index: usize,
    /// The endpoint's `host:port`.
    pub authority: &'a Authority,
    /// The same as a JSON string.
    pub authority_json: &'a JsonString,
}

/// Why an upstream cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpstreamError {
    /// No endpoints.
    #[error("upstream `{0}` has no endpoints")]
    Empty(String),
    /// An endpoint that is not `host:port`.
    #[error("endpoint `{endpoint}` of upstream `{upstream}` is not `host:port`")]
    Endpoint {
        /// The upstream.
        upstream: String,
        /// The endpoint as written.
        endpoint: String,
    },
}

impl Upstream {
    /// Validates the endpoints (`host:port` each, at least one).
    pub fn new(name: &str, endpoints: &[String]) -> Result<Upstream, UpstreamError> {
        if endpoints.is_empty() {
            return Err(UpstreamError::Empty(name.to_owned()));
        }
        let endpoints = endpoints
            .iter()
            .map(|endpoint| {
                endpoint
                    .parse::<Authority>()
                    .ok()
                    .filter(|authority| authority.port_u16().is_some() && !endpoint.contains('@'))
                    .map(|authority| Endpoint {
                        authority_json: JsonString::new(authority.as_str()),
                        authority,
                        ejected_until: AtomicU64::new(0),
                    })
                    .ok_or_else(|| UpstreamError::Endpoint {
                        upstream: name.to_owned(),
                        endpoint: endpoint.clone(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Upstream {
            name: name.to_owned(),
            endpoints,
            next: AtomicUsize::new(0),
            epoch: Instant::now(),
        })
    }

    /// The upstream's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The next endpoint in round-robin order that is not ejected (or the next one, if
    /// all are).
    pub fn pick(&self) -> Pick<'_> {
        let count = self.endpoints.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        // The clock is read only when an endpoint has been ejected.
        let mut now = None;
        let index = (0..count)
            .map(|offset| start.wrapping_add(offset) % count)
            .find(|&index| {
                let until = self.endpoints[index].ejected_until.load(Ordering::Relaxed);
                until == 0 || until <= *now.get_or_insert_with(|| self.now_ms())
            })
            .unwrap_or(start % count);
        let endpoint = &self.endpoints[index];
        Pick {
            index,
            authority: &endpoint.authority,
            authority_json: &endpoint.authority_json,
        }
    }

    /// Passes over the endpoint of `pick` for [`EJECTION`]: it refused a connection.
    pub fn eject(&self, pick: Pick<'_>) {
        let until = self.now_ms().saturating_add(millis(EJECTION));
        if let Some(endpoint) = self.endpoints.get(pick.index) {
            endpoint.ejected_until.store(until, Ordering::Relaxed);
        }
    }

    /// Milliseconds since this upstream was prepared (at least 1, so 0 means "never ejected").
    fn now_ms(&self) -> u64 {
        millis(self.epoch.elapsed()).max(1)
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_take_turns() {
        let upstream = Upstream::new("mall", &["a:1".into(), "b:2".into()]).expect("valid");
        let picked: Vec<String> = (0..4)
            .map(|_| upstream.pick().authority.to_string())
            .collect();
        assert_eq!(picked, ["a:1", "b:2", "a:1", "b:2"]);
    }

    #[test]
    fn an_ejected_endpoint_is_passed_over_unless_all_are() {
        let upstream = Upstream::new("mall", &["a:1".into(), "b:2".into()]).expect("valid");
        let first = upstream.pick();
        assert_eq!(first.authority.as_str(), "a:1");
        upstream.eject(first);
        let picked: Vec<String> = (0..4)
            .map(|_| upstream.pick().authority.to_string())
            .collect();
        assert_eq!(picked, ["b:2", "b:2", "b:2", "b:2"]);
        upstream.eject(upstream.pick());
        let both_down: Vec<String> = (0..2)
            .map(|_| upstream.pick().authority.to_string())
            .collect();
        assert_eq!(both_down.len(), 2, "still answers with some endpoint");
    }

    #[test]
    fn endpoints_need_a_host_and_port() {
        assert!(matches!(
            Upstream::new("u", &[]),
            Err(UpstreamError::Empty(_))
        ));
        for bad in ["no-port", "a b:1", "user@host:1", "http://x:1"] {
            assert!(
                matches!(
                    Upstream::new("u", &[bad.into()]),
                    Err(UpstreamError::Endpoint { .. })
                ),
                "{bad}"
            );
        }
    }
}
