//! Responses the proxy makes itself: JSON errors (`{"error": …, "message": …}`) and
//! the body type shared by proxied and local answers.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Response, StatusCode};
use http_body_util::{Either, Full};

use crate::body_limit::LimitedBody;
use crate::idle_body::IdleBody;
use crate::upstream_body::UpstreamBody;

/// A response body: streamed from an upstream, or made here in full.
pub type ProxyBody = Either<IdleBody<UpstreamBody<LimitedBody>>, Full<Bytes>>;

static APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A JSON response with a prepared body.
pub fn json(status: StatusCode, body: Bytes) -> Response<ProxyBody> {
    let mut response = Response::new(Either::Right(Full::new(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, APPLICATION_JSON.clone());
    response
}

/// A JSON error: `{"error": code, "message": message}`.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response<ProxyBody> {
    let body = serde_json::json!({ "error": code, "message": message });
    json(status, Bytes::from(body.to_string()))
}
