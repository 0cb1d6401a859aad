//! The client to upstreams: a request timeout covering everything up to the response
//! head, over this worker's keep-alive [`Pool`], and the classification of failures.

use std::sync::Arc;
use std::time::Duration;

use http::Response;
use http::uri::Authority;

use crate::body_limit::LimitedBody;
use crate::exchange::{ExchangeError, UpstreamRequest};
use crate::idle_body::IdleBody;
use crate::pool::{Pool, PoolError};
use crate::upstream_body::UpstreamBody;
use crate::upstream_fields::UpstreamFields;

/// How the proxy talks to upstreams.
#[derive(Debug, Clone, Copy)]
pub struct UpstreamSettings {
    /// Time allowed to open a TCP connection (exceeded: 502).
    pub connect_timeout: Duration,
    /// Time allowed from sending the request to receiving the response head (exceeded: 504).
    pub request_timeout: Duration,
    /// How long an idle pooled connection is kept.
    pub idle_timeout: Duration,
    /// Longest pause allowed between two parts of a response body (exceeded: cut).
    pub body_timeout: Duration,
}

/// Why forwarding failed; the fault is the upstream's.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    /// No connection could be made (refused, unreachable, connect timeout): 502.
    #[error("cannot connect to the upstream: {0}")]
    Connect(#[source] PoolError),
    /// No response head within the request timeout: 504.
    #[error("the upstream did not answer within {0:?}")]
    Timeout(Duration),
    /// The connection failed after it was made (reset, malformed response): 502.
    #[error("the upstream connection failed: {0}")]
    Failed(#[source] PoolError),
}

impl ForwardError {
    /// A stable snake_case name for this failure (JSON errors, logs, metrics).
    pub fn kind(&self) -> &'static str {
        match self {
            ForwardError::Connect(_) => "connect",
            ForwardError::Timeout(_) => "timeout",
            ForwardError::Failed(_) => "reset",
        }
    }
}

/// One worker's client; its pool outlives reloads.
#[derive(Debug, Clone)]
pub struct UpstreamClient {
    pool: Arc<Pool>,
    request_timeout: Duration,
    idle_timeout: Duration,
    body_timeout: Duration,
}

impl UpstreamClient {
    /// Builds the client; needs a tokio runtime when used.
    pub fn new(settings: UpstreamSettings) -> UpstreamClient {
        UpstreamClient {
            pool: Arc::new(Pool::new(settings.connect_timeout, settings.idle_timeout)),
            request_timeout: settings.request_timeout,
            idle_timeout: settings.idle_timeout,
            body_timeout: settings.body_timeout,
        }
    }

    /// Sends a request (its head as it goes upstream) to `endpoint`: the response, with
    /// the upstream's header fields beside it; its body may then pause at most the body
    /// timeout between two parts.
    pub async fn send(
        &self,
        endpoint: &Authority,
        request: UpstreamRequest<LimitedBody>,
    ) -> Result<
        (
            Response<IdleBody<UpstreamBody<LimitedBody>>>,
            UpstreamFields,
        ),
        ForwardError,
    > {
        let deadline = tokio::time::Instant::now() + self.request_timeout;
        match self.pool.send(endpoint, request, deadline).await {
            Ok((response, fields)) => Ok((
                response.map(|body| IdleBody::new(body, self.body_timeout)),
                fields,
            )),
            Err(PoolError::Exchange(ExchangeError::TimedOut)) => {
                Err(ForwardError::Timeout(self.request_timeout))
            }
            Err(error) if error.is_connect() => Err(ForwardError::Connect(error)),
            Err(error) => Err(ForwardError::Failed(error)),
        }
    }

    /// Closes idle-expired connections every half idle timeout, for as long as the
    /// worker's runtime runs (connections to endpoints no longer used are closed too).
    pub async fn close_idle_periodically(self) {
        let mut ticks = tokio::time::interval(self.idle_timeout / 2);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            self.pool.prune();
        }
    }
}
