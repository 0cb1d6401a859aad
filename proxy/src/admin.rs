//! The admin endpoints: `/healthz` (the process is alive), `/readyz` (a valid bundle
//! is serving; its body names the generation so tests and operators can wait on it),
//! `/metrics` (Prometheus text), and the status page `/` with its data `/status.json`.

use std::time::SystemTime;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Response, StatusCode};

use crate::access_log::unix_seconds;
use crate::framing;
use crate::respond::{self, ProxyBody};
use crate::state::State;
use crate::status::{Status, page};

/// What the 404 answer lists.
const ENDPOINTS: &str =
    "admin endpoints: / (status page), /status.json, /healthz, /readyz, /metrics";

/// Answers an admin request.
pub fn handle<B>(state: &State, request: &Request<B>) -> Response<ProxyBody> {
    if let Some(refusal) = framing::refusal(request) {
        return refusal;
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return respond::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "admin endpoints answer GET",
        );
    }
    match request.uri().path() {
        "/healthz" => respond::json(
            StatusCode::OK,
            Bytes::from_static(b"{\"status\":\"alive\"}"),
        ),
        "/readyz" => readyz(state),
        "/metrics" => {
            let mut response = respond::json(StatusCode::OK, Bytes::from(state.metrics().encode()));
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
            );
            response
        }
        "/" => {
            let html = page::render(&status(state));
            let mut response = respond::json(StatusCode::OK, Bytes::from(html));
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        "/status.json" => match serde_json::to_vec(&status(state)) {
            Ok(body) => respond::json(StatusCode::OK, Bytes::from(body)),
            Err(error) => respond::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "status_unavailable",
                &error.to_string(),
            ),
        },
        _ => respond::error(StatusCode::NOT_FOUND, "not_found", ENDPOINTS),
    }
}

/// The status document of the serving table, now.
fn status(state: &State) -> Status {
    let now = unix_seconds(SystemTime::now());
    state.metrics().status().snapshot(&state.table(), now)
}

/// `200 {"status":"ready","generation":…,"environment":…,"reloads":{…}}`, or 503 while draining.
fn readyz(state: &State) -> Response<ProxyBody> {
    let table = state.table();
    let draining = state.is_draining();
    let body = serde_json::json!({
        "status": if draining { "draining" } else { "ready" },
        "generation": table.generation(),
        "environment": table.environment(),
        "reloads": state.reloads(),
    });
    let status = if draining {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    respond::json(status, Bytes::from(body.to_string()))
}
