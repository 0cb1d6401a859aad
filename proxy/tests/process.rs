//! End-to-end process behaviour: refusing to start on a bad bundle (exit 2) or a taken
//! admin address (a start error, not a panic), the admin endpoints, and draining
//! in-flight requests on SIGTERM (exit 0).

use std::path::Path;
use std::time::{Duration, Instant};

use clap::Parser;
use http::StatusCode;
use switchyard_e2e::client::TestClient;
use switchyard_e2e::proxy::ProxyProcess;
use switchyard_e2e::shop::Shop;
use switchyard_proxy::app::{Ready, StartError};
use switchyard_proxy::cli::Args;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

#[test]
fn a_missing_or_invalid_bundle_at_start_is_exit_2_with_the_reason() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let missing = directory.path().join("missing.json");
    let garbage = directory.path().join("garbage.json");
    std::fs::write(&garbage, b"{\"format\": 1, \"generation\": ").expect("write");
    let cases = [(&missing, "cannot read"), (&garbage, "not a valid bundle")];
    for (path, reason) in cases {
        let exited = ProxyProcess::run_to_exit(binary(), path, &[]);
        assert_eq!(exited.status.code(), Some(2), "{}", exited.logs);
        assert!(exited.logs.contains("cannot serve"), "{}", exited.logs);
        assert!(exited.logs.contains(reason), "{}", exited.logs);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_admin_address_is_a_start_error_after_the_workers_are_built() {
    let shop = Shop::start(binary(), &[]).await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = taken.local_addr().expect("an address").to_string();
    let bundle = shop.path();
    let args = Args::try_parse_from([
        "switchyard-proxy".as_ref(),
        "--bundle".as_ref(),
        bundle.as_os_str(),
        "--listen".as_ref(),
        "127.0.0.1:0".as_ref(),
        "--admin".as_ref(),
        address.as_ref(),
    ])
    .expect("valid flags");
    // The worker runtimes exist by then; dropping them here, in an async context, must
    // not panic.
    match Ready::start(args).await {
        Err(StartError::Bind {
            address: refused, ..
        }) => {
            assert_eq!(refused, taken.local_addr().expect("an address"));
        }
        Err(other) => panic!("another start error: {other}"),
        Ok(_) => panic!("started on a taken admin address"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_endpoints_report_health_and_the_serving_generation() {
    let shop = Shop::start(binary(), &[]).await;
    let admin = TestClient::http1(shop.proxy.admin());
    let health = admin.get("/healthz", &[]).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "alive");
    let ready = admin.get("/readyz", &[]).await;
    assert_eq!(ready.status, StatusCode::OK);
    let ready = ready.json();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["environment"], "shop-staging");
    assert_eq!(
        ready["generation"],
        shop.bundle_with(|_| {}).generation.as_str()
    );
    assert_eq!(
        ready["reloads"],
        serde_json::json!({"ok": 0, "rejected": 0, "last_rejection": null})
    );
    assert_eq!(
        admin.get("/metrics-not-yet", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_reports_draining_finishes_requests_in_flight_and_exits_0() {
    let shop = Shop::start(binary(), &[]).await;
    let slow = shop.request_in_flight("500").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let admin = TestClient::http1(shop.proxy.admin());
    assert_eq!(admin.get("/readyz", &[]).await.status, StatusCode::OK);
    shop.proxy.send_sigterm();
    let draining = loop {
        let ready = admin.get("/readyz", &[]).await;
        if ready.status == StatusCode::SERVICE_UNAVAILABLE {
            break ready.json();
        }
        assert!(Instant::now() < deadline, "readyz never reported draining");
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    assert_eq!(draining["status"], "draining");
    let Shop { proxy, mall, .. } = shop;
    let exited = tokio::task::spawn_blocking(move || proxy.wait_for_exit())
        .await
        .expect("wait for exit");
    assert_eq!(exited.status.code(), Some(0), "{}", exited.logs);
    assert!(exited.logs.contains("draining"), "{}", exited.logs);
    let finished = slow.await.expect("the slow request");
    assert_eq!(finished.status, StatusCode::OK);
    assert_eq!(mall.requests(), 1);
}
