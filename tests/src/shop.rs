//! The standard scenario of the proxy's end-to-end tests: two echo upstreams (`mall`
//! and `mall-next`), a bundle serving a `products` and an `orders` service, and the real
//! proxy serving that bundle from a temporary directory.
//!
//! The bundle: `products` v1 (`1.4`, deprecated, sunset 2027-06-30, successor `/v2`),
//! `products` v2 (`2.1`, a running canary `product-new-feature` to `mall-next` at 10%,
//! sticky on `header:x-user-id`, matched by `x-canary: always`), `orders` v1 (`1.9`,
//! retired, successor `/v2`) and `orders` v2 (`2.0`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use switchyard_schemas::bundle::{Bundle, ServedStatus};
use switchyard_schemas::manifest::CalendarDate;
use tempfile::TempDir;
use tokio::task::JoinHandle;

use crate::bundles::{api, bundle, canary, match_rule, sticky, upstream};
use crate::client::{TestClient, TestResponse};
use crate::files::write_by_rename;
use crate::proxy::ProxyProcess;
use crate::upstream::Echo;

/// Upstreams, bundle directory and proxy of one test.
#[derive(Debug)]
pub struct Shop {
    /// The proxy (declared first, so it stops before the upstreams).
    pub proxy: ProxyProcess,
    /// The `mall` upstream (current side).
    pub mall: Echo,
    /// The `mall-next` upstream (release target).
    pub mall_next: Echo,
    directory: TempDir,
}

impl Shop {
    /// Starts the upstreams and the proxy `binary` on the standard bundle with `extra` flags.
    pub async fn start(binary: &Path, extra: &[&str]) -> Shop {
        Shop::start_with(binary, extra, |_| {}).await
    }

    /// Like [`Shop::start`], with the standard bundle edited first.
    pub async fn start_with(binary: &Path, extra: &[&str], edit: impl FnOnce(&mut Bundle)) -> Shop {
        let mall = Echo::start("mall").await;
        let mall_next = Echo::start("mall-next").await;
        let directory = tempfile::tempdir().expect("a temporary directory");
        let path = directory.path().join("bundle.json");
        let mut first = standard(&mall, &mall_next);
        edit(&mut first);
        std::fs::write(&path, first.seal().to_file_bytes()).expect("write the bundle");
        let proxy = ProxyProcess::start(binary, &path, extra);
        Shop {
            proxy,
            mall,
            mall_next,
            directory,
        }
    }

    /// The standard bundle with `edit` applied, sealed.
    pub fn bundle_with(&self, edit: impl FnOnce(&mut Bundle)) -> Bundle {
        let mut bundle = standard(&self.mall, &self.mall_next);
        edit(&mut bundle);
        bundle.seal()
    }

    /// The bundle file the proxy serves.
    pub fn path(&self) -> PathBuf {
        self.directory.path().join("bundle.json")
    }

    /// Replaces the bundle by an atomic rename and waits until the proxy serves it.
    pub async fn publish(&self, bundle: &Bundle) {
        write_by_rename(&self.path(), &bundle.to_file_bytes());
        self.proxy.wait_for_generation(&bundle.generation).await;
    }

    /// Like [`Shop::publish`] without panicking: how long the proxy took to serve the
    /// bundle once written, or `None` when it did not within `patience`.
    pub async fn publish_within(&self, bundle: &Bundle, patience: Duration) -> Option<Duration> {
        write_by_rename(&self.path(), &bundle.to_file_bytes());
        let serves = |ready: &serde_json::Value| ready["generation"] == bundle.generation.as_str();
        let served = self.proxy.poll_readyz(serves, patience).await;
        served.ok().map(|(_, took)| took)
    }

    /// An HTTP/1.1 client for the proxy.
    pub fn client(&self) -> TestClient {
        self.proxy.client()
    }

    /// Sends `GET /v2/orders`, which `mall` answers after `delay_ms`, and returns once the
    /// request has reached the upstream (so it is in flight), with the task to await.
    pub async fn request_in_flight(&self, delay_ms: &str) -> JoinHandle<TestResponse> {
        let client = self.client();
        let delay = delay_ms.to_owned();
        let slow = tokio::spawn(async move {
            client
                .get("/v2/orders", &[("x-echo-delay-ms", delay.as_str())])
                .await
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.mall.requests() == 0 {
            assert!(
                Instant::now() < deadline,
                "the slow request never reached the upstream"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        slow
    }
}

/// Sets the weight of the `products` v2 canary.
pub fn set_weight(bundle: &mut Bundle, weight: u8) {
    for api in &mut bundle.apis {
        if let Some(release) = &mut api.split.release {
            release.weight = weight;
        }
    }
}

fn standard(mall: &Echo, mall_next: &Echo) -> Bundle {
    let mut products_v1 = api(
        "products",
        1,
        "1.4",
        "mall",
        &[("GET", "/v1/products"), ("GET", "/v1/products/{id}")],
    );
    products_v1.status = ServedStatus::Deprecated;
    products_v1.sunset = CalendarDate::new(2027, 6, 30);
    products_v1.successor = Some("/v2".into());
    let mut products_v2 = api(
        "products",
        2,
        "2.1",
        "mall",
        &[
            ("GET", "/v2/products"),
            ("POST", "/v2/products"),
            ("GET", "/v2/products/{id}"),
        ],
    );
    let mut release = canary("product-new-feature", "mall-next", 10);
    release.sticky = Some(sticky("header:x-user-id"));
    release.match_rule = Some(match_rule("x-canary", "always"));
    products_v2.split.release = Some(release);
    let mut orders_v1 = api("orders", 1, "1.9", "mall", &[("GET", "/v1/orders")]);
    orders_v1.status = ServedStatus::Retired;
    orders_v1.successor = Some("/v2".into());
    let orders_v2 = api("orders", 2, "2.0", "mall", &[("GET", "/v2/orders")]);
    bundle(
        "shop-staging",
        [
            ("mall", upstream(&[mall.address()])),
            ("mall-next", upstream(&[mall_next.address()])),
        ],
        vec![products_v1, products_v2, orders_v1, orders_v2],
    )
}
