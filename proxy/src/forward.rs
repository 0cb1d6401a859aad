//! The request path, as explicit phases: route (pure, on the serving table), answer
//! locally (400/404/405/410), or rewrite the request, forward it, and rewrite the
//! response. Bodies stream through in both directions.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use http::header::HeaderValue;
use http::uri::{PathAndQuery, Uri};
use http::{Request, StatusCode};
use http_body_util::Either;
use hyper::body::Body;

use crate::access_log::{
    Entry, WorkerLog, api_key_fingerprint, api_key_text, new_request_id, unix_seconds,
    usable_request_id,
};
use crate::body_limit::{self, RequestBody, TooLarge};
use crate::exchange::UpstreamRequest;
use crate::framing;
use crate::headers::{
    ForwardedHeader, Forwarding, PeerValues, TrustedProxies, client_address, write_forwarded_fields,
};
use crate::json_line::JsonString;
use crate::request_fields::{FieldsPresent, RequestFields};
use crate::respond::{self, Reply};
use crate::split::Side;
use crate::state::State;
use crate::status::ClientId;
use crate::table::{ApiRoute, Decision, Forward, Route};
use crate::upstream::{ForwardError, UpstreamClient};

/// What a request was routed to, for its access log line.
#[derive(Default)]
struct Served<'a> {
    route: Option<(&'a Route, Side)>,
    /// Sent to the side's upstream (not answered here).
    forwarded: bool,
    /// The endpoint contacted, as a JSON string.
    endpoint: Option<&'a JsonString>,
}

/// The client's `x-request-id` when usable, else a fresh one.
fn request_id(fields: &RequestFields<'_>) -> HeaderValue {
    fields
        .request_id
        .filter(|value| usable_request_id(value))
        .cloned()
        .unwrap_or_else(new_request_id)
}

/// Everything the request path needs, shared by all connections.
#[derive(Debug)]
pub struct Forwarder {
    /// The serving table and counters.
    pub state: Arc<State>,
    /// The pooled upstream client.
    pub client: UpstreamClient,
    /// Whose forwarding chains are believed.
    pub trusted: TrustedProxies,
    /// Whether RFC 7239 `forwarded` is written.
    pub forwarded: ForwardedHeader,
    /// The forwarding values of this worker's last untrusted peer.
    pub peer_values: PeerValues,
    /// Where access log lines go: this worker's batch.
    pub log: Arc<WorkerLog>,
    /// The largest request body forwarded, in bytes (larger: 413).
    pub max_body_bytes: u64,
}

impl Forwarder {
    /// Handles one client request from `peer`.
    pub async fn handle(&self, request: Request<RequestBody>, peer: SocketAddr) -> Reply {
        let started = Instant::now();
        let arrived = SystemTime::now();
        let table = self.state.table();
        let metrics = self.state.metrics();
        let uri = request.uri().clone();
        let method = request.method().clone();
        let fields = RequestFields::of(request.headers());
        let request_id = request_id(&fields);
        let address = client_address(request.headers(), peer.ip(), &self.trusted);
        let api_key = api_key_fingerprint(&fields);
        let present = fields.present;
        let client = self
            .log
            .enabled()
            .then(|| (address, api_key.map(api_key_text)));
        let refusal = framing::refusal(&request);
        let decision = table.route(request.method(), uri.path(), request.headers());
        let mut served = Served::default();
        let mut reply: Reply = match (refusal, decision) {
            (Some(refusal), _) => {
                metrics.reject("ambiguous_framing");
                refusal.into()
            }
            (None, Decision::BadPath(error)) => {
                tracing::debug!(path = uri.path(), reason = error.reason(), "bad path");
                metrics.reject("bad_path");
                respond::error(StatusCode::BAD_REQUEST, "bad_path", &error.to_string()).into()
            }
            (None, Decision::NotFound) => {
                metrics.reject("not_found");
                respond::error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "no API operation is declared at this path",
                )
                .into()
            }
            (None, Decision::MethodNotAllowed { allow }) => {
                metrics.reject("method_not_allowed");
                let mut response = respond::error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    "this path does not declare this method",
                );
                response
                    .headers_mut()
                    .insert(http::header::ALLOW, allow.clone());
                response.into()
            }
            (None, Decision::Gone { route }) => {
                let body = route.api().lifecycle.gone_body.clone().unwrap_or_default();
                served.route = Some((route, Side::Current));
                Reply::of_version(respond::json(StatusCode::GONE, body), route.shared_api())
            }
            (None, Decision::Forward(forward)) => {
                let route = forward.route;
                let side = forward.side;
                served.route = Some((route, side));
                served.forwarded = true;
                let (reply, endpoint) = self
                    .forward(request, &uri, forward, peer, &request_id, present)
                    .await;
                served.endpoint = endpoint;
                reply
            }
        };
        let response = &reply.response;
        let elapsed = started.elapsed();
        if let Some((route, side)) = served.route {
            let version = &route.api().metrics;
            version.side(side).observe(response.status(), elapsed);
            let client = api_key.map_or(ClientId::Address(address), ClientId::ApiKey);
            version.status().record(side, client, unix_seconds(arrived));
        }
        if let Some((client, api_key_id)) = &client {
            let served_by = match served.route {
                Some((route, side)) => route.api().served_by(side, served.forwarded),
                None => table.unrouted(),
            };
            let entry = Entry {
                time: arrived,
                method: method.as_str(),
                route: served.route.map(|(route, _)| route.template_json()),
                path: uri.path(),
                status: response.status().as_u16(),
                duration: elapsed,
                bytes: Body::size_hint(response.body()).exact(),
                served_by,
                endpoint: served.endpoint,
                generation: table.generation_json(),
                request_id: request_id.to_str().unwrap_or_default(),
                client: *client,
                api_key_id: api_key_id.as_deref(),
            };
            self.log.record(&entry);
        }
        reply.request_id = Some(request_id);
        reply
    }

    /// Sends a routed request to an endpoint of its upstream, its head written as it
    /// goes upstream, and adds the version's headers to the answer; ejects an endpoint
    /// that refuses the connection. Returns the endpoint when one was contacted.
    async fn forward<'a>(
        &self,
        request: Request<RequestBody>,
        uri: &Uri,
        forward: Forward<'a>,
        peer: SocketAddr,
        request_id: &HeaderValue,
        present: FieldsPresent,
    ) -> (Reply, Option<&'a JsonString>) {
        let Forward {
            route,
            side,
            upstream,
            path,
        } = forward;
        let target = match upstream_target(path, uri) {
            Ok(target) => target,
            Err(error) => {
                let response =
                    respond::error(StatusCode::BAD_REQUEST, "bad_path", &error.to_string());
                return (response.into(), None);
            }
        };
        let (head, body) = request.into_parts();
        let body = match body_limit::limit(body, self.max_body_bytes) {
            Ok(limited) => limited,
            Err(error) => return (too_large(&error, route.shared_api()), None),
        };
        let endpoint = upstream.pick();
        let authority = endpoint.authority;
        let api = route.shared_api();
        // The request head is written as it goes upstream, with a `Host` when the
        // client sent none; the answer gets the version's headers.
        let host = (!present.host).then(|| head.uri.authority().unwrap_or(authority).as_str());
        let forwarding = Forwarding {
            peer: peer.ip(),
            trusted: &self.trusted,
            forwarded: self.forwarded,
            peer_values: &self.peer_values,
            request_id,
            tags: &route.api().tags,
            side,
            host,
            has_connection: present.connection,
        };
        let upstream_request = UpstreamRequest::new(
            head.method.clone(),
            target.as_str(),
            body,
            present.content_length,
            |out| write_forwarded_fields(out, &head.headers, &forwarding),
        );
        let reply = match self.client.send(authority, upstream_request).await {
            Ok((response, fields)) => Reply {
                upstream_fields: Some(fields),
                ..Reply::of_version(response.map(|body| Either::Left(Box::pin(body))), api)
            },
            Err(error) if body_limit::passed_limit(&error) => {
                let limit = self.max_body_bytes;
                too_large(&TooLarge { limit }, api)
            }
            Err(error) => {
                if let ForwardError::Connect(_) = error {
                    upstream.eject(endpoint);
                }
                self.state
                    .metrics()
                    .upstream_error(upstream.name(), error.kind());
                failure(error, route, side)
            }
        };
        (reply, Some(endpoint.authority_json))
    }
}

/// The 502 or 504 answer to an upstream failure, logged.
fn failure(error: ForwardError, route: &Route, side: Side) -> Reply {
    let api = route.api();
    tracing::warn!(
        service = api.service,
        version = api.version,
        release = side.as_str(),
        template = route.template(),
        %error,
        "upstream failed"
    );
    let status = match error {
        ForwardError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
        ForwardError::Connect(_) | ForwardError::Failed(_) => StatusCode::BAD_GATEWAY,
    };
    let response = respond::error(status, error.kind(), &error.to_string());
    Reply::of_version(response, route.shared_api())
}

/// The 413 answer to a request body over the limit.
fn too_large(error: &TooLarge, api: &Arc<ApiRoute>) -> Reply {
    let response = respond::error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "content_too_large",
        &error.to_string(),
    );
    Reply::of_version(response, api)
}

/// The origin-form `/path?query` sent upstream: the original path and query when
/// normalizing changed nothing (no copy), else the normalized path with the original
/// query.
fn upstream_target(
    path: Cow<'_, str>,
    original: &Uri,
) -> Result<PathAndQuery, http::uri::InvalidUri> {
    match (&path, original.path_and_query()) {
        (Cow::Borrowed(_), Some(unchanged)) => Ok(unchanged.clone()),
        (_, original) => match original.and_then(PathAndQuery::query) {
            Some(query) => PathAndQuery::try_from(format!("{path}?{query}")),
            None => PathAndQuery::try_from(path.as_ref()),
        },
    }
}
