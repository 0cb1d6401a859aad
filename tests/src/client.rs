//! HTTP clients for tests: HTTP/1.1 with keep-alive, and HTTP/2 with prior knowledge.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode, Version};
use http_body_util::{BodyExt, Channel, Either, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A request body: whole, or streamed by a sender.
pub type TestBody = Either<Full<Bytes>, Channel<Bytes, Infallible>>;

/// An empty request body.
pub fn empty() -> TestBody {
    Either::Left(Full::new(Bytes::new()))
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct TestResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Protocol version of the answer.
    pub version: Version,
    /// The whole body.
    pub body: Bytes,
}

impl TestResponse {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "body is not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// A header's value as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A client for the proxy at one address.
#[derive(Debug, Clone)]
pub struct TestClient {
    address: SocketAddr,
    client: Client<HttpConnector, TestBody>,
}

impl TestClient {
    /// An HTTP/1.1 keep-alive client.
    pub fn http1(address: SocketAddr) -> TestClient {
        TestClient {
            address,
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// An HTTP/2 prior-knowledge (h2c) client.
    pub fn http2(address: SocketAddr) -> TestClient {
        TestClient {
            address,
            client: Client::builder(TokioExecutor::new())
                .http2_only(true)
                .build_http(),
        }
    }

    /// Sends `method target` (target is a path with optional query, sent as is) with headers.
    pub async fn send(
        &self,
        method: Method,
        target: &str,
        headers: &[(&str, &str)],
        body: TestBody,
    ) -> Result<http::Response<Incoming>, hyper_util::client::legacy::Error> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("http://{}{target}", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(body).expect("a valid test request");
        self.client.request(request).await
    }

    /// Sends a request and reads the whole answer (panics after 10 s or on errors).
    pub async fn request(
        &self,
        method: Method,
        target: &str,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        self.request_with_body(method, target, headers, empty())
            .await
    }

    /// Sends a request with `body` and reads the whole answer (panics after 10 s or on
    /// errors).
    pub async fn request_with_body(
        &self,
        method: Method,
        target: &str,
        headers: &[(&str, &str)],
        body: TestBody,
    ) -> TestResponse {
        let exchange = async {
            let response = self
                .send(method, target, headers, body)
                .await
                .expect("the proxy answers");
            let (parts, body) = response.into_parts();
            let body = body.collect().await.expect("the whole body").to_bytes();
            TestResponse {
                status: parts.status,
                headers: parts.headers,
                version: parts.version,
                body,
            }
        };
        tokio::time::timeout(Duration::from_secs(10), exchange)
            .await
            .expect("an answer within 10 s")
    }

    /// `GET target` as JSON; `None` when the request fails or the body is not JSON
    /// (for polls that must not panic).
    pub async fn json(&self, target: &str) -> Option<serde_json::Value> {
        let response = self.send(Method::GET, target, &[], empty()).await.ok()?;
        let body = response.into_body().collect().await.ok()?.to_bytes();
        serde_json::from_slice(&body).ok()
    }

    /// `GET target` with headers.
    pub async fn get(&self, target: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.request(Method::GET, target, headers).await
    }
}
