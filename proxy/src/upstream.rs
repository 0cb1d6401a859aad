//! The pooled HTTP client to upstreams: keep-alive connections, a connect timeout, and
//! a request timeout covering everything up to the response head.

use std::time::Duration;

use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// How the proxy talks to upstreams.
#[derive(Debug, Clone, Copy)]
pub struct UpstreamSettings {
    /// Time allowed to open a TCP connection (exceeded: 502).
    pub connect_timeout: Duration,
    /// Time allowed from sending the request to receiving the response head (exceeded: 504).
    pub request_timeout: Duration,
    /// How long an idle pooled connection is kept.
    pub idle_timeout: Duration,
}

/// Why forwarding failed; the fault is the upstream's.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    /// No connection could be made (refused, unreachable, connect timeout): 502.
    #[error("cannot connect to the upstream: {0}")]
    Connect(#[source] hyper_util::client::legacy::Error),
    /// No response head within the request timeout: 504.
    #[error("the upstream did not answer within {0:?}")]
    Timeout(Duration),
    /// The connection failed after it was made (reset, malformed response): 502.
    #[error("the upstream connection failed: {0}")]
    Failed(#[source] hyper_util::client::legacy::Error),
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

/// A pooled keep-alive client shared by every routing table (pools outlive reloads).
#[derive(Debug, Clone)]
pub struct UpstreamClient {
    client: Client<HttpConnector, Incoming>,
    request_timeout: Duration,
}

impl UpstreamClient {
    /// Builds the client; needs a tokio runtime when used.
    pub fn new(settings: UpstreamSettings) -> UpstreamClient {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(settings.connect_timeout));
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(settings.idle_timeout)
            .build(connector);
        UpstreamClient {
            client,
            request_timeout: settings.request_timeout,
        }
    }

    /// Sends a request whose URI is absolute (`http://endpoint/path?query`).
    pub async fn send(
        &self,
        request: Request<Incoming>,
    ) -> Result<Response<Incoming>, ForwardError> {
        match tokio::time::timeout(self.request_timeout, self.client.request(request)).await {
            Err(_) => Err(ForwardError::Timeout(self.request_timeout)),
            Ok(Ok(response)) => Ok(response),
            Ok(Err(error)) if error.is_connect() => Err(ForwardError::Connect(error)),
            Ok(Err(error)) => Err(ForwardError::Failed(error)),
        }
    }
}
