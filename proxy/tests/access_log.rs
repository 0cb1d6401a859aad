//! End-to-end access logs: `--access-log FILE` gets one JSON line per request with the
//! route, version, side, upstream, generation, request id and client, and the request id
//! is forwarded upstream and returned; a request in flight at SIGTERM is still logged;
//! SIGUSR1 reopens a rotated log file; a file that cannot be opened at start is exit 2.

use std::path::Path;
use std::time::{Duration, Instant};

use http::StatusCode;
use serde_json::Value;
use switchyard_e2e::proxy::ProxyProcess;
use switchyard_e2e::shop::Shop;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

/// The log's lines once it holds at least `count` (panics after 10 s).
async fn lines(path: &Path, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).expect("each line is JSON"))
            .collect();
        if lines.len() >= count {
            return lines;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {count} lines after 10 s: {text}",
            lines.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A shop whose proxy logs to `log`, once the line of a first request
/// (`/v2/products/1`) is in the file.
async fn logging_shop(log: &Path) -> Shop {
    let log_flag = log.to_str().expect("a UTF-8 path");
    let shop = Shop::start(binary(), &["--access-log", log_flag]).await;
    let answer = shop.client().get("/v2/products/1", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    lines(log, 1).await;
    shop
}

/// The one line whose raw path is `path`.
fn by_path<'e>(entries: &'e [Value], path: &str) -> &'e Value {
    let mut found = entries.iter().filter(|entry| entry["path"] == path);
    match (found.next(), found.next()) {
        (Some(entry), None) => entry,
        _ => panic!("not exactly one line for {path}: {entries:#?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_gets_a_json_line_with_its_version_and_client() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let log = directory.path().join("access.log");
    let log_flag = log.to_str().expect("a UTF-8 path");
    let shop = Shop::start(binary(), &["--access-log", log_flag]).await;
    let client = shop.client();

    let keyed = client
        .get(
            "/v2/products/42",
            &[("x-request-id", "client-id-1"), ("x-api-key", "secret-key")],
        )
        .await;
    assert_eq!(keyed.status, StatusCode::OK);
    assert_eq!(keyed.header("x-request-id"), Some("client-id-1"));
    assert_eq!(keyed.json()["headers"]["x-request-id"][0], "client-id-1");
    let keyed_body_length = keyed.body.len();
    let fresh = client.get("/v2/products", &[("x-request-id", "a b")]).await;
    let fresh_id = fresh.header("x-request-id").expect("a generated id");
    assert_eq!(fresh_id.len(), 32);
    assert_eq!(fresh.json()["headers"]["x-request-id"][0], fresh_id);
    assert_eq!(
        client.get("/nowhere", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(client.get("/v1/orders", &[]).await.status, StatusCode::GONE);

    let entries = lines(&log, 4).await;
    assert_eq!(entries.len(), 4, "{entries:#?}");
    // Workers hand over their lines in batches, so lines of requests that landed on
    // different workers (a client's new connection) may come in any order.
    let keyed = by_path(&entries, "/v2/products/42");
    let generation = shop.proxy.readyz().await["generation"].clone();
    assert_eq!(keyed["method"], "GET");
    assert_eq!(keyed["route"], "/v2/products/{id}");
    assert_eq!(keyed["path"], "/v2/products/42");
    assert_eq!(keyed["status"], 200);
    assert_eq!(keyed["environment"], "shop-staging");
    assert_eq!(keyed["service"], "products");
    assert_eq!(keyed["version"], "2.1");
    assert_eq!(keyed["major"], 2);
    assert_eq!(keyed["generation"], generation);
    assert_eq!(keyed["request_id"], "client-id-1");
    assert_eq!(keyed["client"], "127.0.0.1");
    let side_and_upstream = (keyed["release"].as_str(), keyed["upstream"].as_str());
    let expected_endpoint = match side_and_upstream {
        (Some("current"), Some("mall")) => shop.mall.address(),
        (Some("target"), Some("mall-next")) => shop.mall_next.address(),
        other => panic!("side and upstream disagree: {other:?}"),
    };
    assert_eq!(keyed["endpoint"], expected_endpoint.to_string());
    let key_id = keyed["api_key_id"].as_str().expect("a key id");
    assert_eq!(key_id.len(), 8);
    assert!(!entries.iter().any(|e| e.to_string().contains("secret-key")));
    assert!(keyed["duration_ms"].as_f64().expect("a number") > 0.0);
    assert_eq!(
        keyed["bytes"].as_u64(),
        u64::try_from(keyed_body_length).ok()
    );
    let time = keyed["time"].as_str().expect("a time");
    assert!(time.ends_with('Z') && time.len() == 24, "{time}");

    let fresh = by_path(&entries, "/v2/products");
    assert_eq!(fresh["request_id"], fresh_id);
    assert_eq!(fresh["api_key_id"], Value::Null);
    let missing = by_path(&entries, "/nowhere");
    assert_eq!(missing["status"], 404);
    assert_eq!(missing["route"], Value::Null);
    assert_eq!(missing["service"], Value::Null);
    assert!(missing["bytes"].as_u64().is_some_and(|bytes| bytes > 0));
    let gone = by_path(&entries, "/v1/orders");
    assert_eq!(gone["status"], 410);
    assert_eq!(gone["service"], "orders");
    assert_eq!(gone["release"], "current");
    assert_eq!(gone["upstream"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_in_flight_at_sigterm_is_logged_before_exit() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let log = directory.path().join("access.log");
    let log_flag = log.to_str().expect("a UTF-8 path");
    let shop = Shop::start(binary(), &["--access-log", log_flag]).await;
    let client = shop.client();
    let slow = tokio::spawn(async move {
        client
            .get("/v2/products", &[("x-echo-delay-ms", "300")])
            .await
            .status
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while shop.mall.requests() + shop.mall_next.requests() == 0 {
        assert!(
            Instant::now() < deadline,
            "the request never reached an upstream"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let proxy = shop.proxy;
    proxy.send_sigterm();
    assert_eq!(slow.await.expect("the request task"), StatusCode::OK);
    let exited = proxy.wait_for_exit();
    assert!(exited.status.success(), "{}", exited.logs);
    let entries = lines(&log, 1).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["status"], 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigusr1_reopens_a_rotated_log_file() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let log = directory.path().join("access.log");
    let rotated = directory.path().join("access.log.1");
    let mut shop = logging_shop(&log).await;
    let client = shop.client();

    // What logrotate does: rename, then signal.
    std::fs::rename(&log, &rotated).expect("rotate");
    shop.proxy.send_signal("USR1");
    shop.proxy.wait_for_log("access log reopened");
    assert_eq!(
        client.get("/v2/products/2", &[]).await.status,
        StatusCode::OK
    );

    let fresh = lines(&log, 1).await;
    assert_eq!(fresh.len(), 1, "{fresh:#?}");
    assert_eq!(fresh[0]["path"], "/v2/products/2");
    let old = lines(&rotated, 1).await;
    assert_eq!(old.len(), 1, "{old:#?}");
    assert_eq!(old[0]["path"], "/v2/products/1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_that_cannot_be_reopened_keeps_its_file() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let folder = directory.path().join("logs");
    std::fs::create_dir(&folder).expect("a log folder");
    let log = folder.join("access.log");
    let mut shop = logging_shop(&log).await;
    let client = shop.client();

    // The folder goes away under the open file: the path cannot be opened again.
    let moved = directory.path().join("moved");
    std::fs::rename(&folder, &moved).expect("move the folder");
    shop.proxy.send_signal("USR1");
    let said = shop.proxy.wait_for_log("cannot reopen the access log");
    assert!(said.contains("access.log"), "{said}");
    assert_eq!(
        client.get("/v2/products/2", &[]).await.status,
        StatusCode::OK
    );

    let kept = lines(&moved.join("access.log"), 2).await;
    assert_eq!(kept.len(), 2, "{kept:#?}");
    by_path(&kept, "/v2/products/2");
    assert!(!log.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_file_that_cannot_be_opened_is_exit_2_naming_it() {
    let shop = Shop::start(binary(), &[]).await;
    let directory = tempfile::tempdir().expect("a temporary directory");
    let log = directory.path().join("missing-folder").join("access.log");
    let log_flag = log.to_str().expect("a UTF-8 path");
    let exited = ProxyProcess::run_to_exit(binary(), &shop.path(), &["--access-log", log_flag]);
    assert_eq!(exited.status.code(), Some(2), "{}", exited.logs);
    assert!(
        exited.logs.contains("cannot open the access log") && exited.logs.contains(log_flag),
        "{}",
        exited.logs
    );
    assert!(exited.logs.contains("create its folder"), "{}", exited.logs);
}
