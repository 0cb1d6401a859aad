//! Cross-crate: compile the example repository `environments/` with the compiler, then
//! serve its `shop-staging` bundle with the proxy (in process, through the same
//! `Ready::start`/`run` the binary uses) against real upstreams.

use std::path::Path;

use clap::Parser;
use http::StatusCode;
use switchyard_e2e::client::TestClient;
use switchyard_e2e::files::copy_tree;
use switchyard_e2e::upstream::Echo;
use switchyard_proxy::app::Ready;
use switchyard_proxy::cli::Args;
use switchyard_schemas::bundle::Bundle;
use tokio::sync::watch;

/// Compiles a copy of `environments/` whose staging endpoints are the given upstreams.
fn compile_staging(mall: &Echo, mall_next: &Echo, echo: &Echo, root: &Path) -> Bundle {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
    copy_tree(&source, root);
    let environment = root.join("shop-staging/environment.toml");
    let text = std::fs::read_to_string(&environment).expect("read environment.toml");
    let text = text
        .replace("127.0.0.1:9101", &mall.address().to_string())
        .replace("127.0.0.1:9102", &mall_next.address().to_string())
        .replace("127.0.0.1:9103", &echo.address().to_string());
    std::fs::write(&environment, text).expect("write environment.toml");
    let compilation = switchyard_compiler::compile_dir(root).expect("the repository loads");
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    compilation
        .bundles
        .into_iter()
        .find(|bundle| bundle.environment == "shop-staging")
        .expect("a shop-staging bundle")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compiled_example_repository_is_served_as_its_manifests_say() {
    let (mall, mall_next, echo) = (
        Echo::start("mall").await,
        Echo::start("mall-next").await,
        Echo::start("echo").await,
    );
    let directory = tempfile::tempdir().expect("a temporary directory");
    let bundle = compile_staging(&mall, &mall_next, &echo, &directory.path().join("repo"));
    let path = directory.path().join("bundle.json");
    std::fs::write(&path, bundle.to_file_bytes()).expect("write the bundle");
    let ready = Ready::start(flags(&path))
        .await
        .expect("the compiled bundle is served");
    let client = TestClient::http1(ready.listen_address().expect("bound"));
    let (stop, shutdown) = watch::channel(false);
    // No log rotation here: a reopen channel whose sender is gone.
    let serving = tokio::spawn(ready.run(shutdown, watch::channel(0).1));

    // products v1 (`GET /v1/products/{productId}`): a running 10% canary to mall-next,
    // matched by `x-canary: always`.
    let mut to_target = 0;
    for _ in 0..1_000 {
        let answer = client.get("/v1/products/42", &[]).await;
        assert_eq!(answer.status, StatusCode::OK);
        if answer.json()["upstream"] == "mall-next" {
            to_target += 1;
        }
    }
    assert_eq!(to_target, 100);
    let matched = client
        .get("/v1/products/42", &[("x-canary", "always")])
        .await
        .json();
    assert_eq!(matched["upstream"], "mall-next");
    assert_eq!(
        matched["headers"]["x-api-service"],
        serde_json::json!(["products"])
    );
    assert_eq!(
        matched["headers"]["x-api-release"],
        serde_json::json!(["target"])
    );

    // echo v1 is deprecated with a sunset; v2 is published.
    let deprecated = client.get("/v1/echo?message=hi", &[]).await;
    assert_eq!(deprecated.status, StatusCode::OK);
    assert_eq!(deprecated.header("x-api-version"), Some("1.4.2"));
    assert_eq!(
        deprecated.header("sunset"),
        Some("Wed, 30 Jun 2027 23:59:59 GMT")
    );
    assert!(deprecated.header("deprecation").is_some());
    assert_eq!(deprecated.json()["upstream"], "echo");
    let current = client.get("/v2/echo?message=hi", &[]).await;
    assert_eq!(current.header("x-api-version"), Some("2.0"));
    assert_eq!(current.header("deprecation"), None);

    let undeclared = client.get("/v1/nothing-here", &[]).await;
    assert_eq!(undeclared.status, StatusCode::NOT_FOUND);

    stop.send_replace(true);
    serving.await.expect("the proxy stops");
}

/// Flags for an in-process proxy on an ephemeral port.
fn flags(bundle: &Path) -> Args {
    Args::try_parse_from([
        "switchyard-proxy".as_ref(),
        "--bundle".as_ref(),
        bundle.as_os_str(),
        "--listen".as_ref(),
        "127.0.0.1:0".as_ref(),
    ])
    .expect("valid flags")
}
