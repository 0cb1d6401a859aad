//! The Switchyard proxy: serves a routing bundle and hot-reloads it.
//!
//! Pure core (no IO, no tokio): [`normalize`] (request paths), [`split`] (weighted,
//! sticky and matched side choice), [`balance`] (endpoints), [`lifecycle`]
//! (deprecation and retirement answers), [`headers`] (hop-by-hop, forwarding, tags), [`request_fields`]
//! (the request fields read, in one pass) and [`table`] (bundle → routing table → `route(request) -> Decision`).
//!
//! Shell: [`state`] (the one swapped table), [`reload`] (watch, verify, swap),
//! [`body_limit`] (request bodies over `--max-body-bytes` get 413), [`idle_body`]
//! (response bodies silent past `--upstream-body-timeout` are cut), [`upstream`] (the upstream client: timeouts, errors) over [`pool`] (per-worker
//! keep-alive connections), [`exchange`] (one HTTP/1.1 request and response head, on
//! httparse, its fields kept as read in [`upstream_fields`]) and [`upstream_body`]
//! (response bodies, connections back to the pool), with
//! [`message_framing`] (chunk grammar, length values, chunk writing) shared with [`framing`] and [`direct`]; [`forward`] (the request phases), [`server`]
//! (HTTP/1.1 + h2c, limits, draining) with [`direct`] (the direct lane for plain HTTP/1.1
//! requests), [`replay`] (handing a connection over to hyper) and [`deadline`] (time-outs
//! on one timer per connection), [`admin`] (`/healthz`, `/readyz`, `/metrics`, the status page),
//! [`status`] (per-version traffic windows and top clients for the status page),
//! [`respond`] (JSON errors, the `Reply` an answer travels as), [`metrics`] (Prometheus), [`access_log`] (JSON lines, off the request path, written by [`json_line`]), [`cli`] (flags) and [`app`]
//! (wiring).

/// A boxed error from a body stream or a blocking task, as hyper and `http-body` pass
/// them.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub mod access_log;
pub mod admin;
pub mod app;
pub mod balance;
pub mod body_limit;
pub mod cli;
pub mod deadline;
pub mod direct;
pub mod exchange;
pub mod forward;
pub mod framing;
pub mod headers;
pub mod idle_body;
pub mod json_line;
pub mod lifecycle;
pub mod message_framing;
pub mod metrics;
pub mod normalize;
pub mod pool;
pub mod reload;
pub mod replay;
pub mod request_fields;
pub mod respond;
pub mod server;
pub mod split;
pub mod state;
pub mod status;
pub mod table;
pub mod upstream;
pub mod upstream_body;
pub mod upstream_fields;
