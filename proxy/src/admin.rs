//! The admin endpoints: `/healthz` (the process is alive), `/readyz` (a valid bundle
//! is serving; its body names the generation so tests and operators can wait on it) and
//! `/metrics` (Prometheus text).

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Response, StatusCode};

use crate::respond::{self, ProxyBody};
use crate::state::State;

/// Answers an admin request.
pub fn handle<B>(state: &State, request: &Request<B>) -> Response<ProxyBody> {
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
        _ => respond::error(
            StatusCode::NOT_FOUND,
            "not_found",
            "admin endpoints: /healthz, /readyz, /metrics",
        ),
    }
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
