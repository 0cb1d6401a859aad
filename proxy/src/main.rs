//! `switchyard-proxy`: the proxy's command-line shell. Parses flags, sets up logging,
//! starts the proxy (exit 2 if it cannot), reopens the access log file on SIGUSR1 (log
//! rotation, as `nginx -s reopen`), and shuts it down on SIGTERM or SIGINT.
//!
//! Once bound it logs `listening on http://ADDR` and `admin on http://ADDR` (stderr),
//! which is how scripts and tests started with `--listen 127.0.0.1:0` learn the ports.
//!
//! The main thread runs a single-threaded runtime for the control work (signals, the
//! admin server, reloads, telling the access log writer thread to reopen or stop); API
//! traffic runs on the worker threads that `Ready::start` builds.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use switchyard_proxy::app::Ready;
use switchyard_proxy::cli::Args;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

/// mimalloc's per-thread heaps suit the request path, which allocates and frees small
/// buffers on every worker thread (glibc malloc took 12% of its CPU time).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(args) {
        Ok(code) => code,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let ready = Ready::start(args).await?;
        if let Some(address) = ready.listen_address() {
            tracing::info!("listening on http://{address}");
        }
        if let Some(address) = ready.admin_address() {
            tracing::info!("admin on http://{address}");
        }
        let (stop, shutdown) = watch::channel(false);
        let (reopen, reopens) = watch::channel(0u64);
        let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
        let mut rotated = signal(SignalKind::user_defined1()).context("cannot handle SIGUSR1")?;
        let mut serving = tokio::spawn(ready.run(shutdown, reopens));
        loop {
            tokio::select! {
                _ = terminate.recv() => break,
                _ = interrupt.recv() => break,
                _ = rotated.recv() => {
                    reopen.send_modify(|count| *count += 1);
                }
                ended = &mut serving => {
                    ended.context("the proxy task failed")?;
                    tracing::error!("the proxy stopped serving without being asked to");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        stop.send_replace(true);
        serving.await.context("the proxy task failed")?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}
