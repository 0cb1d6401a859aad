//! An upstream's endpoints and the round-robin choice between them (pure; no IO).

use std::sync::atomic::{AtomicUsize, Ordering};

use http::uri::Authority;

/// A named group of endpoints serving the same thing.
#[derive(Debug)]
pub struct Upstream {
    name: String,
    endpoints: Vec<Authority>,
    next: AtomicUsize,
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
        })
    }

    /// The upstream's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The next endpoint in round-robin order.
    pub fn pick(&self) -> &Authority {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.endpoints.len();
        &self.endpoints[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_take_turns() {
        let upstream = Upstream::new("mall", &["a:1".into(), "b:2".into()]).expect("valid");
        let picked: Vec<String> = (0..4).map(|_| upstream.pick().to_string()).collect();
        assert_eq!(picked, ["a:1", "b:2", "a:1", "b:2"]);
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
