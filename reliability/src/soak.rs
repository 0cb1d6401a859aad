//! Soak test of the proxy binary: a fixed request rate over HTTP/1.1 and HTTP/2 against
//! the standard `Shop` scenario of the e2e harness, a new bundle (a new canary weight)
//! published every second, and the proxy's resident memory and open file descriptors
//! sampled from `/proc` every second. Loopback only; stops by itself.
//!
//! Passes when no request failed, resident memory grew less than 5% after the warm-up
//! (the first tenth of the run, at least 10 s) and the descriptor count stayed flat.
//!
//! `soak --proxy target/release/switchyard-proxy [--seconds 60 | --minutes 30] [--rate 200]`

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use http::StatusCode;
use http_body_util::BodyExt;
use switchyard_e2e::client::TestClient;
use switchyard_e2e::shop::{Shop, set_weight};
use tokio::time::MissedTickBehavior;

/// Run settings from the command line.
struct Settings {
    proxy: PathBuf,
    duration: Duration,
    rate: u32,
}

fn settings() -> anyhow::Result<Settings> {
    let mut proxy = None;
    let mut duration = Duration::from_secs(30 * 60);
    let mut rate = 200;
    let mut arguments = std::env::args().skip(1);
    while let Some(flag) = arguments.next() {
        let mut value = || {
            arguments
                .next()
                .with_context(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--proxy" => proxy = Some(PathBuf::from(value()?)),
            "--seconds" => duration = Duration::from_secs(value()?.parse()?),
            "--minutes" => duration = Duration::from_secs(60 * value()?.parse::<u64>()?),
            "--rate" => rate = value()?.parse()?,
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(Settings {
        proxy: proxy.context("--proxy PATH (the switchyard-proxy binary) is required")?,
        duration,
        rate,
    })
}

/// Resident memory (KiB) and open descriptors of a process.
#[derive(Debug, Clone, Copy)]
struct Sample {
    rss_kib: u64,
    fds: usize,
}

fn sample(pid: u32) -> anyhow::Result<Sample> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rss_kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .context("no VmRSS")?
        .parse()?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))?.count();
    Ok(Sample { rss_kib, fds })
}

/// The process whose command line names `bundle` (the proxy the harness started).
fn find_pid(bundle: &Path) -> anyhow::Result<u32> {
    let needle = bundle.as_os_str().as_encoded_bytes();
    for entry in std::fs::read_dir("/proc")?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if cmdline.windows(needle.len()).any(|window| window == needle) {
            return Ok(pid);
        }
    }
    bail!("no process serves {}", bundle.display())
}

/// Counts of the load generator.
#[derive(Default)]
struct Counts {
    sent: AtomicU64,
    failed: AtomicU64,
}

/// Sends `rate` requests a second, alternating routes and protocols, until `end`.
async fn load(shop: &Shop, rate: u32, end: Instant, counts: Arc<Counts>) {
    let clients = [shop.client(), TestClient::http2(shop.proxy.listen())];
    let targets = [
        "/v2/products",
        "/v2/products/42",
        "/v1/products",
        "/v2/orders",
    ];
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate.max(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut in_flight = tokio::task::JoinSet::new();
    let mut n: usize = 0;
    while Instant::now() < end {
        tick.tick().await;
        let client = clients[n % clients.len()].clone();
        let target = targets[n % targets.len()];
        let counts = Arc::clone(&counts);
        in_flight.spawn(async move {
            counts.sent.fetch_add(1, Ordering::Relaxed);
            let ok = tokio::time::timeout(Duration::from_secs(5), async {
                let response = client
                    .send(
                        http::Method::GET,
                        target,
                        &[],
                        switchyard_e2e::client::empty(),
                    )
                    .await
                    .ok()?;
                let status = response.status();
                let whole = response.into_body().collect().await.is_ok();
                whole.then_some(status)
            })
            .await;
            if !matches!(ok, Ok(Some(StatusCode::OK))) {
                counts.failed.fetch_add(1, Ordering::Relaxed);
            }
        });
        while in_flight.try_join_next().is_some() {}
        n += 1;
    }
    while in_flight.join_next().await.is_some() {}
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let settings = settings()?;
    let shop = Shop::start(&settings.proxy, &[]).await;
    let pid = find_pid(&shop.path())?;
    let started = Instant::now();
    let end = started + settings.duration;
    let warm_up = (settings.duration / 10)
        .max(Duration::from_secs(10))
        .min(settings.duration);
    let counts = Arc::new(Counts::default());

    let swaps = async {
        let mut swaps = 0u64;
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut samples = Vec::new();
        while Instant::now() < end {
            tick.tick().await;
            swaps += 1;
            let weight = u8::try_from(swaps * 7 % 101).unwrap_or(0);
            shop.publish(&shop.bundle_with(|bundle| set_weight(bundle, weight)))
                .await;
            samples.push((started.elapsed(), sample(pid)?));
        }
        anyhow::Ok((swaps, samples))
    };
    let (swapped, ()) = tokio::join!(swaps, load(&shop, settings.rate, end, Arc::clone(&counts)));
    let (swaps, samples) = swapped?;

    let after_warm_up: Vec<Sample> = samples
        .iter()
        .filter(|(at, _)| *at >= warm_up)
        .map(|(_, sample)| *sample)
        .collect();
    let (Some(first), Some(last)) = (after_warm_up.first(), after_warm_up.last()) else {
        bail!("the run is shorter than its warm-up");
    };
    let peak_rss = after_warm_up.iter().map(|s| s.rss_kib).max().unwrap_or(0);
    let (min_fds, max_fds) = after_warm_up.iter().fold((usize::MAX, 0), |(lo, hi), s| {
        (lo.min(s.fds), hi.max(s.fds))
    });
    let growth = (last.rss_kib as f64 - first.rss_kib as f64) / first.rss_kib as f64 * 100.0;
    let sent = counts.sent.load(Ordering::Relaxed);
    let failed = counts.failed.load(Ordering::Relaxed);
    println!("duration            {:?}", started.elapsed());
    println!(
        "requests sent       {sent} ({} per second asked)",
        settings.rate
    );
    println!("requests failed     {failed}");
    println!("bundle swaps        {swaps}");
    println!(
        "rss after warm-up   {} KiB -> {} KiB (peak {peak_rss} KiB, growth {growth:.2}%)",
        first.rss_kib, last.rss_kib
    );
    println!(
        "fds after warm-up   {} -> {} (range {min_fds}..={max_fds})",
        first.fds, last.fds
    );
    let mut problems = Vec::new();
    if failed > 0 {
        problems.push(format!("{failed} requests failed"));
    }
    if growth >= 5.0 {
        problems.push(format!("resident memory grew {growth:.2}%"));
    }
    // Pooled upstream and client connections come and go by a few; a leak climbs.
    if last.fds > first.fds + 8 {
        problems.push(format!(
            "descriptors grew from {} to {}",
            first.fds, last.fds
        ));
    }
    if problems.is_empty() {
        println!("PASS");
        Ok(())
    } else {
        bail!("FAIL: {}", problems.join("; "))
    }
}
