//! Bundle swaps: a new bundle written next to the served one and renamed over it (what a
//! deployment does), then `/readyz` polled until the proxy serves its generation. A swap
//! the proxy does not take within [`SWAP_PATIENCE`] is reported, not a panic.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use http_body_util::BodyExt;
use switchyard_e2e::client::{TestClient, empty};
use switchyard_schemas::bundle::Bundle;

/// How long the proxy may take to serve a new bundle.
pub const SWAP_PATIENCE: Duration = Duration::from_secs(10);

/// Writes `bundle` over `path` by rename; returns how long the proxy at `admin` took to
/// serve it, or `None` if it did not within [`SWAP_PATIENCE`]. Fails only if the file
/// cannot be written.
pub async fn swap(
    path: &Path,
    admin: &TestClient,
    bundle: &Bundle,
) -> anyhow::Result<Option<Duration>> {
    let temporary = path.with_extension("next");
    std::fs::write(&temporary, bundle.to_file_bytes())
        .with_context(|| format!("write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("rename to {}", path.display()))?;
    let started = Instant::now();
    while started.elapsed() < SWAP_PATIENCE {
        if served(admin).await.as_deref() == Some(bundle.generation.as_str()) {
            return Ok(Some(started.elapsed()));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(None)
}

/// The generation `/readyz` names, if the admin endpoint answers with JSON in time.
async fn served(admin: &TestClient) -> Option<String> {
    let exchange = async {
        let response = admin
            .send(http::Method::GET, "/readyz", &[], empty())
            .await
            .ok()?;
        let body = response.into_body().collect().await.ok()?.to_bytes();
        let ready: serde_json::Value = serde_json::from_slice(&body).ok()?;
        ready["generation"].as_str().map(str::to_owned)
    };
    tokio::time::timeout(Duration::from_secs(1), exchange)
        .await
        .ok()
        .flatten()
}
