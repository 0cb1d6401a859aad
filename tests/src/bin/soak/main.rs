//! Soak test of the proxy binary: a fixed request rate over HTTP/1.1 and HTTP/2 against
//! the standard `Shop` scenario of the e2e harness, a new bundle (a new canary weight)
//! published every second, and the proxy's resident memory and open file descriptors
//! sampled from `/proc` every second. Loopback only; stops by itself.
//!
//! Passes when no request failed, every swap was served, resident memory grew less than
//! `--max-growth` percent (default 5) after the warm-up (the first tenth of the run, at
//! least 10 s), and, once the load has stopped and idle connections have timed out,
//! the descriptor count came back to what it was before the load. A short run wants a
//! looser memory bound: one allocator step of 2 MiB is 8% of the proxy's memory.
//!
//! Descriptors are judged at rest rather than during the run: a stall of the machine
//! piles requests up, the clients open more connections, and both the clients and the
//! proxy's upstream pool keep them open while idle. A leak is what does not close.
//!
//! `soak --proxy target/release/switchyard-proxy [--seconds 60 | --minutes 30] [--rate 200]
//! [--max-growth 5]`

mod load;
mod procfs;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use switchyard_e2e::shop::{Shop, set_weight};
use tokio::time::MissedTickBehavior;

use crate::load::Counts;
use crate::procfs::Sample;

/// How long the proxy may take to serve a new bundle before the swap counts as failed.
const SWAP_PATIENCE: Duration = Duration::from_secs(10);

/// The proxy's upstream idle timeout in the soak: short, so that its pool has emptied
/// soon after the load stops (it sweeps every half timeout).
const UPSTREAM_IDLE_TIMEOUT: &str = "2s";

/// How long after the load the proxy's descriptors may take to come back to their count
/// before it: the idle timeout and a sweep, with room for a slow machine.
const REST_PATIENCE: Duration = Duration::from_secs(15);

/// Run settings from the command line.
struct Settings {
    proxy: PathBuf,
    duration: Duration,
    rate: u32,
    max_growth_percent: f64,
}

fn settings() -> anyhow::Result<Settings> {
    let mut proxy = None;
    let mut duration = Duration::from_secs(30 * 60);
    let mut rate = 200;
    let mut max_growth_percent = 5.0;
    let mut arguments = std::env::args().skip(1);
    while let Some(flag) = arguments.next() {
        let mut value = || {
            arguments
                .next()
                .with_context(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--proxy" => proxy = Some(PathBuf::from(value()?)),
            "--seconds" => duration = Duration::from_secs(number(&flag, &value()?)?),
            "--minutes" => {
                let minutes: u64 = number(&flag, &value()?)?;
                duration = Duration::from_secs(minutes.saturating_mul(60));
            }
            "--rate" => rate = number(&flag, &value()?)?,
            "--max-growth" => max_growth_percent = number(&flag, &value()?)?,
            other => bail!("unknown flag {other}"),
        }
    }
    if rate == 0 {
        bail!("--rate must be at least 1");
    }
    Ok(Settings {
        proxy: proxy.context("--proxy PATH (the switchyard-proxy binary) is required")?,
        duration,
        rate,
        max_growth_percent,
    })
}

/// `text` as the number `flag` takes, or an error naming both.
fn number<T: std::str::FromStr>(flag: &str, text: &str) -> anyhow::Result<T> {
    text.parse()
        .map_err(|_| anyhow::anyhow!("{flag} takes a number, not `{text}`"))
}

/// What the swapper saw: per swap how long the proxy took to serve it (`None`: not in
/// time), and the proxy's samples with the time they were taken.
#[derive(Default)]
struct SwapLog {
    served_after: Vec<Option<Duration>>,
    samples: Vec<(Duration, Sample)>,
}

/// Publishes a bundle with a new canary weight every second until `end`, sampling the
/// proxy process after each swap.
async fn swap_every_second(
    shop: &Shop,
    pid: u32,
    started: Instant,
    end: Instant,
) -> anyhow::Result<SwapLog> {
    let mut log = SwapLog::default();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut weight: u8 = 10;
    while Instant::now() < end {
        tick.tick().await;
        // Steps of 7 modulo 101 visit every weight and never repeat the last one.
        weight = (weight + 7) % 101;
        let bundle = shop.bundle_with(|bundle| set_weight(bundle, weight));
        log.served_after
            .push(shop.publish_within(&bundle, SWAP_PATIENCE).await);
        log.samples.push((started.elapsed(), procfs::sample(pid)?));
    }
    Ok(log)
}

/// The proxy's sample once its descriptor count is at most `goal`, or after
/// [`REST_PATIENCE`] the sample then; sampled every 100 ms. With `usize::MAX` it is the
/// first sample.
async fn at_rest(pid: u32, goal: usize) -> anyhow::Result<Sample> {
    let deadline = Instant::now() + REST_PATIENCE;
    loop {
        let sample = procfs::sample(pid)?;
        if sample.fds <= goal || Instant::now() >= deadline {
            return Ok(sample);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Percentile `p` (0..=100) of sorted `values`.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let index = (sorted.len().saturating_sub(1) * p).div_ceil(100);
    sorted.get(index).copied().unwrap_or_default()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let settings = settings()?;
    let shop = Shop::start(
        &settings.proxy,
        &["--upstream-idle-timeout", UPSTREAM_IDLE_TIMEOUT],
    )
    .await;
    let pid = procfs::find_pid(&shop.path())?;
    let before_load = at_rest(pid, usize::MAX).await?;
    let started = Instant::now();
    let end = started + settings.duration;
    let warm_up = (settings.duration / 10)
        .max(Duration::from_secs(10))
        .min(settings.duration);
    let counts = Counts::default();

    let swapping = swap_every_second(&shop, pid, started, end);
    let loading = load::load(&shop, settings.rate, end, &counts);
    tokio::pin!(swapping, loading);
    // A swapper error (the proxy exited, a file could not be written) ends the run at
    // once; otherwise both run to the end.
    let swaps = tokio::select! {
        swapped = &mut swapping => {
            let swaps = swapped?;
            (&mut loading).await;
            swaps
        }
        () = &mut loading => swapping.await?,
    };
    // The load's clients are gone with it: the proxy closes their connections, then
    // its idle upstream ones.
    let rest = at_rest(pid, before_load.fds).await?;

    let after_warm_up: Vec<Sample> = swaps
        .samples
        .iter()
        .filter(|(at, _)| *at >= warm_up)
        .map(|(_, sample)| *sample)
        .collect();
    let (Some(first), Some(last)) = (after_warm_up.first(), after_warm_up.last()) else {
        bail!("the run is shorter than its warm-up");
    };
    let peak_rss = after_warm_up.iter().map(|s| s.rss_kib).max().unwrap_or(0);
    let max_fds = after_warm_up.iter().map(|s| s.fds).max().unwrap_or(0);
    let growth = (last.rss_kib as f64 - first.rss_kib as f64) / first.rss_kib as f64 * 100.0;
    let count = |kind: &AtomicU64| kind.load(Ordering::Relaxed);
    let sent = count(&counts.sent);
    let failed = count(&counts.failed);
    let mut served: Vec<Duration> = swaps.served_after.iter().flatten().copied().collect();
    served.sort_unstable();
    let not_served = swaps.served_after.len() - served.len();

    println!("duration            {:?}", started.elapsed());
    println!(
        "requests sent       {sent} ({} per second asked)",
        settings.rate
    );
    println!(
        "requests failed     {failed} ({} unanswered, {} another status, {} timed out)",
        count(&counts.unanswered),
        count(&counts.other_status),
        count(&counts.timed_out)
    );
    println!(
        "bundle swaps        {} ({not_served} not served within {:?}); swap to serve p50 {:?}, p99 {:?}, max {:?}",
        swaps.served_after.len(),
        SWAP_PATIENCE,
        percentile(&served, 50),
        percentile(&served, 99),
        percentile(&served, 100),
    );
    println!(
        "rss after warm-up   {} KiB -> {} KiB (peak {peak_rss} KiB, growth {growth:.2}%), {} KiB at rest after it",
        first.rss_kib, last.rss_kib, rest.rss_kib
    );
    println!(
        "fds                 {} before the load, {} -> {} after warm-up (peak {max_fds}), {} at rest after it",
        before_load.fds, first.fds, last.fds, rest.fds
    );
    let mut problems = Vec::new();
    if failed > 0 {
        problems.push(format!("{failed} requests failed"));
    }
    if not_served > 0 {
        problems.push(format!("{not_served} bundle swaps were not served"));
    }
    if growth >= settings.max_growth_percent {
        problems.push(format!("resident memory grew {growth:.2}%"));
    }
    if rest.fds > before_load.fds {
        problems.push(format!(
            "{} descriptors more at rest than before the load ({} against {}, {REST_PATIENCE:?} after it)",
            rest.fds - before_load.fds,
            rest.fds,
            before_load.fds
        ));
    }
    if problems.is_empty() {
        println!("PASS");
        Ok(())
    } else {
        bail!("FAIL: {}", problems.join("; "))
    }
}
