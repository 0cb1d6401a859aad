//! The status page in a real browser: headless Chromium loads `/` from the admin address
//! of the real proxy after real traffic, and the DOM it builds (`--dump-dom`, after
//! parsing and the browser's own error recovery) must hold one table row per served
//! version, each with its traffic chart inside its cell, and the top clients. A page
//! whose markup a browser rearranges (a chart pushed out of its table, a row lost)
//! fails here even when the raw HTML contains every string.
//!
//! Needs Debian's `chromium` (`/usr/bin/chromium`, or `CHROMIUM=path`); without it the
//! test says so and passes. `.ci/run` installs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use http::StatusCode;
use switchyard_e2e::shop::Shop;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// The DOM Chromium builds for `url`, serialized (panics after 60 s).
fn dump_dom(chromium: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().expect("a profile directory");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("chromium's status").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("chromium's output");
    assert!(
        output.status.success(),
        "chromium failed: {:?}",
        output.status
    );
    String::from_utf8(output.stdout).expect("a UTF-8 DOM")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_builds_one_row_with_a_chart_per_version() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "skipped: no Chromium at /usr/bin/chromium (install Debian's chromium or set CHROMIUM)"
        );
        return;
    };
    let shop = Shop::start(binary(), &[]).await;
    let client = shop.client();
    for _ in 0..20 {
        let answer = client
            .get("/v2/products", &[("x-api-key", "browser-key")])
            .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let url = format!("http://{}/", shop.proxy.admin());
    let dom = tokio::task::spawn_blocking(move || dump_dom(&chromium, &url))
        .await
        .expect("the browser task");

    let body = dom
        .split_once("<tbody>")
        .and_then(|(_, rest)| rest.split_once("</tbody>"))
        .map(|(rows, _)| rows)
        .unwrap_or_else(|| panic!("no table body in the DOM: {dom}"));
    let rows: Vec<&str> = body.split("<tr>").skip(1).collect();
    assert_eq!(rows.len(), 4, "one row per served version: {body}");
    for (service, major) in [
        ("products", "v1"),
        ("products", "v2"),
        ("orders", "v1"),
        ("orders", "v2"),
    ] {
        let row = rows
            .iter()
            .find(|row| row.contains(service) && row.contains(&format!(">{major}<")))
            .unwrap_or_else(|| panic!("no row for {service} {major}: {body}"));
        assert_eq!(row.matches("<svg").count(), 1, "{service} {major}: {row}");
        assert!(row.contains("</svg>"), "{service} {major}: {row}");
    }
    let before_table = dom.split_once("<table>").map_or("", |(head, _)| head);
    assert!(
        !before_table.contains("<svg"),
        "a chart was moved out of the table"
    );
    let canary = rows
        .iter()
        .find(|row| row.contains("products") && row.contains(">v2<"))
        .expect("products v2");
    assert!(canary.contains("10% target"), "{canary}");
    assert!(
        canary.contains("key"),
        "the API key client is listed: {canary}"
    );
    assert!(
        !dom.contains("browser-key"),
        "the key itself is never shown"
    );
}
