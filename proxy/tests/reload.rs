//! End-to-end hot reload: every way a file gets replaced is seen, bad files never
//! replace a good one, and swapping bundles under load fails no request.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use http::StatusCode;
use http_body_util::BodyExt;
use switchyard_e2e::client::{TestClient, empty};
use switchyard_e2e::files::{ConfigMapDir, write_by_rename, write_in_place};
use switchyard_e2e::proxy::ProxyProcess;
use switchyard_e2e::shop::{Shop, set_weight};
use switchyard_proxy::app::Ready;
use switchyard_proxy::cli::Args;
use tokio::sync::watch;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

/// Which upstream answers `GET /v2/products`.
async fn upstream_of(proxy: &ProxyProcess) -> String {
    proxy.client().get("/v2/products", &[]).await.json()["upstream"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_file_is_served_and_logged_with_its_generation() {
    let shop = Shop::start_with(binary(), &[], |b| set_weight(b, 0)).await;
    assert_eq!(upstream_of(&shop.proxy).await, "mall");
    let all_in = shop.bundle_with(|b| set_weight(b, 100));
    write_by_rename(&shop.path(), &all_in.to_file_bytes());
    shop.proxy.wait_for_generation(&all_in.generation).await;
    assert_eq!(upstream_of(&shop.proxy).await, "mall-next");
    let mut proxy = shop.proxy;
    let line = proxy.wait_for_log("bundle reloaded");
    assert!(line.contains(&all_in.generation), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_written_in_place_is_served() {
    let shop = Shop::start_with(binary(), &[], |b| set_weight(b, 0)).await;
    let all_in = shop.bundle_with(|b| set_weight(b, 100));
    write_in_place(&shop.path(), &all_in.to_file_bytes());
    shop.proxy.wait_for_generation(&all_in.generation).await;
    assert_eq!(upstream_of(&shop.proxy).await, "mall-next");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configmap_symlink_swap_is_served() {
    let shop = Shop::start(binary(), &[]).await;
    let directory = tempfile::tempdir().expect("a temporary directory");
    let first = shop.bundle_with(|b| set_weight(b, 0));
    let mut config_map = ConfigMapDir::new(directory.path(), &first.to_file_bytes());
    let proxy = ProxyProcess::start(binary(), &config_map.path(), &[]);
    assert_eq!(upstream_of(&proxy).await, "mall");
    for weight in [100, 0, 100] {
        let next = shop.bundle_with(|b| set_weight(b, weight));
        config_map.swap(&next.to_file_bytes());
        proxy.wait_for_generation(&next.generation).await;
        let expected = if weight == 100 { "mall-next" } else { "mall" };
        assert_eq!(upstream_of(&proxy).await, expected);
    }
}

/// One way of breaking the bundle file.
type Breakage<'a> = Box<dyn Fn() + 'a>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_are_rejected_and_the_last_good_bundle_keeps_serving() {
    let shop = Shop::start_with(binary(), &[], |b| set_weight(b, 100)).await;
    let good = shop.bundle_with(|b| set_weight(b, 100));
    let bytes = good.to_file_bytes();
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let mut unroutable = shop.bundle_with(|b| set_weight(b, 0));
    unroutable.apis[1].split.current = "nowhere".into();
    let unroutable = unroutable.seal();
    let path = shop.path();
    let steps: Vec<(&str, Breakage<'_>)> = vec![
        (
            "EOF while parsing",
            Box::new(|| write_in_place(&path, &bytes[..bytes.len() / 2])),
        ),
        (
            "content hash mismatch",
            Box::new(|| {
                write_in_place(
                    &path,
                    text.replace("\"weight\": 100", "\"weight\": 0").as_bytes(),
                )
            }),
        ),
        (
            "expected value",
            Box::new(|| write_by_rename(&path, b"\x00\x01 not json at all")),
        ),
        (
            "cannot read",
            Box::new(|| std::fs::remove_file(&path).expect("delete")),
        ),
        (
            "unknown upstream `nowhere`",
            Box::new(|| write_by_rename(&path, &unroutable.to_file_bytes())),
        ),
    ];
    for (reason, break_it) in steps {
        break_it();
        let ready = shop.proxy.wait_for_rejection(reason).await;
        assert_eq!(ready["generation"], good.generation.as_str(), "{reason}");
        assert_eq!(upstream_of(&shop.proxy).await, "mall-next", "{reason}");
    }
    let logs = shop.proxy.logs().join("\n");
    assert!(logs.contains("bundle rejected"), "{logs}");
    let next = shop.bundle_with(|b| set_weight(b, 0));
    shop.publish(&next).await;
    assert_eq!(upstream_of(&shop.proxy).await, "mall");
}

/// A file replaced after the proxy has read its bundle and before it serves (when
/// `/readyz` may first say ready) is seen by the watch at once, not by the poll.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_replaced_before_serving_begins_is_seen_without_the_poll() {
    let shop = Shop::start(binary(), &[]).await;
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("bundle.json");
    std::fs::write(
        &path,
        shop.bundle_with(|b| set_weight(b, 0)).to_file_bytes(),
    )
    .expect("write the bundle");
    let args = Args::try_parse_from([
        "switchyard-proxy".as_ref(),
        "--bundle".as_ref(),
        path.as_os_str(),
        "--listen=127.0.0.1:0".as_ref(),
        "--admin=127.0.0.1:0".as_ref(),
        "--access-log=off".as_ref(),
        "--reload-debounce=5ms".as_ref(),
        "--reload-poll=1h".as_ref(),
    ])
    .expect("valid flags");
    let ready = Ready::start(args).await.expect("the proxy starts");
    let admin = TestClient::http1(ready.admin_address().expect("an admin address"));
    let next = shop.bundle_with(|b| set_weight(b, 100));
    write_by_rename(&path, &next.to_file_bytes());
    let (stop, shutdown) = watch::channel(false);
    let serving = tokio::spawn(ready.run(shutdown, watch::channel(0).1));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ready = admin.json("/readyz").await.unwrap_or_default();
        if ready["generation"] == next.generation.as_str() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new bundle was not served within 10 s: {ready}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.send_replace(true);
    serving.await.expect("the proxy stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_finish_on_the_table_they_started_with() {
    let shop = Shop::start(binary(), &[]).await;
    let slow = shop.request_in_flight("300").await;
    let without_orders = shop.bundle_with(|b| {
        b.apis.retain(|api| api.service != "orders");
    });
    shop.publish(&without_orders).await;
    let finished = slow.await.expect("the slow request");
    assert_eq!(finished.status, StatusCode::OK);
    assert_eq!(finished.header("x-api-version"), Some("2.0"));
    let now = shop.client().get("/v2/orders", &[]).await;
    assert_eq!(now.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swapping_the_bundle_200_times_under_load_fails_no_request() {
    const SWAPS: usize = 200;
    let shop = Shop::start(binary(), &[]).await;
    let bundles = [
        shop.bundle_with(|b| set_weight(b, 10)),
        shop.bundle_with(|b| set_weight(b, 90)),
    ];
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut load = tokio::task::JoinSet::new();
    for worker in 0..4 {
        let client = shop.client();
        let (stop, ok, failed) = (Arc::clone(&stop), Arc::clone(&ok), Arc::clone(&failed));
        load.spawn(async move {
            let path = if worker % 2 == 0 {
                "/v2/products"
            } else {
                "/v2/products/7"
            };
            while !stop.load(Ordering::Relaxed) {
                match client.send(http::Method::GET, path, &[], empty()).await {
                    Ok(response) if response.status() == StatusCode::OK => {
                        match response.into_body().collect().await {
                            Ok(_) => ok.fetch_add(1, Ordering::Relaxed),
                            Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                        };
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
    }
    let started = Instant::now();
    for swap in 0..SWAPS {
        shop.publish(&bundles[(swap + 1) % 2]).await;
    }
    let swapping = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    while load.join_next().await.is_some() {}
    let ready = shop.proxy.readyz().await;
    eprintln!(
        "{SWAPS} swaps in {swapping:?} under load: {} requests answered, {} failed",
        ok.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed)
    );
    assert_eq!(
        ready["reloads"]["ok"].as_u64(),
        Some(SWAPS as u64),
        "{ready}"
    );
    assert_eq!(failed.load(Ordering::Relaxed), 0, "failed requests");
    assert!(
        ok.load(Ordering::Relaxed) >= SWAPS as u64,
        "too little load: {ok:?}"
    );
    assert!(
        swapping < Duration::from_secs(30),
        "200 swaps took {swapping:?}"
    );
}
