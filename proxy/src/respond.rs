//! Responses the proxy makes itself: JSON errors (`{"error": …, "message": …}`), the
//! body type shared by proxied and local answers, and [`Reply`], an answer with the
//! upstream's header fields beside its header map.

use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue, LINK};
use http::{Response, StatusCode};
use http_body_util::{Either, Full};

use crate::body_limit::LimitedBody;
use crate::headers::{DEPRECATION, SUNSET, X_API_VERSION, X_REQUEST_ID, name_is};
use crate::idle_body::IdleBody;
use crate::table::ApiRoute;
use crate::upstream_body::UpstreamBody;
use crate::upstream_fields::UpstreamFields;

/// A response body: streamed from an upstream (boxed: the stream with its connection
/// is about 260 bytes, and an answer is moved several times on its way out), or made
/// here in full.
pub type ProxyBody = Either<Pin<Box<IdleBody<UpstreamBody<LimitedBody>>>>, Full<Bytes>>;

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

/// An answer as the request path made it: the response, the upstream's header fields
/// as read for an answer from an upstream, and the headers the proxy puts on it. The
/// direct HTTP/1.1 lane writes all three as they are; hyper gets them merged into the
/// response's header map ([`Reply::into_response`]).
#[derive(Debug)]
pub struct Reply {
    /// Status, the headers of an answer made here, and the body.
    pub response: Response<ProxyBody>,
    /// The upstream's header fields, for an answer from an upstream.
    pub upstream_fields: Option<UpstreamFields>,
    /// The version whose answer this is: `x-api-version` and its life-cycle headers.
    pub version: Option<Arc<ApiRoute>>,
    /// `x-request-id`.
    pub request_id: Option<HeaderValue>,
}

impl From<Response<ProxyBody>> for Reply {
    fn from(response: Response<ProxyBody>) -> Reply {
        Reply {
            response,
            upstream_fields: None,
            version: None,
            request_id: None,
        }
    }
}

impl Reply {
    /// `response`, an answer of the version `api`.
    pub fn of_version(response: Response<ProxyBody>, api: &Arc<ApiRoute>) -> Reply {
        Reply {
            version: Some(Arc::clone(api)),
            ..Reply::from(response)
        }
    }

    /// The headers the proxy puts on the answer, in order: `x-api-version`,
    /// `deprecation`, `sunset`, `link` (for a version), then `x-request-id`.
    pub fn own_fields(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        present(own_headers(
            self.version.as_deref(),
            self.request_id.as_ref(),
        ))
    }

    /// The upstream's fields that go out with the answer, in order: all but those the
    /// proxy's own headers replace.
    pub fn relayed_fields(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let own = own_headers(self.version.as_deref(), self.request_id.as_ref());
        self.upstream_fields
            .iter()
            .flat_map(UpstreamFields::iter)
            .filter(move |(name, _)| !replaces(&own, name))
    }

    /// The answer as one response for hyper, which writes its header map: the
    /// upstream's fields (an answer from an upstream has no headers of its own), or the
    /// headers of an answer made here, then the proxy's.
    pub fn into_response(self) -> Response<ProxyBody> {
        let Reply {
            mut response,
            upstream_fields,
            version,
            request_id,
        } = self;
        let own = own_headers(version.as_deref(), request_id.as_ref());
        let headers = response.headers_mut();
        if let Some(fields) = &upstream_fields {
            fields.append_to(headers, |name| !replaces(&own, name));
        }
        for (name, value) in present(own) {
            headers.append(name.clone(), value.clone());
        }
        response
    }
}

/// Each of the proxy's own headers, with its value when the answer has it.
type OwnHeaders<'a> = [(&'static HeaderName, Option<&'a HeaderValue>); 5];

/// The proxy's own headers of an answer, in the order they are written.
fn own_headers<'a>(
    version: Option<&'a ApiRoute>,
    request_id: Option<&'a HeaderValue>,
) -> OwnHeaders<'a> {
    let lifecycle = version.map(|api| &api.lifecycle);
    [
        (&X_API_VERSION, version.map(|api| &api.tags.version)),
        (&DEPRECATION, lifecycle.and_then(|l| l.deprecation.as_ref())),
        (&SUNSET, lifecycle.and_then(|l| l.sunset.as_ref())),
        (&LINK, lifecycle.and_then(|l| l.link.as_ref())),
        (&X_REQUEST_ID, request_id),
    ]
}

/// The headers of `own` that the answer has.
fn present<'a>(own: OwnHeaders<'a>) -> impl Iterator<Item = (&'a HeaderName, &'a HeaderValue)> {
    own.into_iter().filter_map(
        |(name, value)| -> Option<(&'a HeaderName, &'a HeaderValue)> { Some((name, value?)) },
    )
}

/// Whether one of the proxy's `own` headers replaces the upstream's field `name`: each
/// one the answer has does but `link`, which the proxy adds beside the upstream's.
fn replaces(own: &OwnHeaders<'_>, name: &[u8]) -> bool {
    own.iter().any(|(own, value)| {
        value.is_some() && *own != LINK && name_is(name, own.as_str().as_bytes())
    })
}
