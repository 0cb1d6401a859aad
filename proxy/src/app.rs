//! Wiring: load the bundle, bind the listeners, start the worker runtimes, then run the
//! proxy server (on the workers), the admin server, the reloader and the access log
//! writer (its thread steered from the caller's runtime) until shutdown. Every task and
//! thread started here is awaited here.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::access_log::{AccessLog, Writer};
use crate::cli::Args;
use crate::forward::Forwarder;
use crate::headers::{ForwardedHeader, PeerValues, TrustedProxies};
use crate::metrics::Metrics;
use crate::reload::{self, BundleWatch, LoadError, ReloadSettings};
use crate::server::{self, Limits, Workers, WorkersError};
use crate::state::State;
use crate::upstream::{UpstreamClient, UpstreamSettings};

/// Why the proxy could not start (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The bundle is missing or invalid.
    #[error("cannot serve {path}: {source}")]
    Bundle {
        /// The bundle path.
        path: std::path::PathBuf,
        /// Why.
        source: LoadError,
    },
    /// An address cannot be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The access log file cannot be opened for appending.
    #[error(
        "cannot open the access log {destination} for appending: {source}; create its folder, or pass another --access-log (`-` for standard output, `off` for none)"
    )]
    AccessLog {
        /// The `--access-log` destination.
        destination: String,
        /// Why.
        source: std::io::Error,
    },
    /// The workers cannot be set up.
    #[error("cannot start {count} workers: {source}")]
    Workers {
        /// How many were asked for.
        count: usize,
        /// Why.
        source: server::WorkersError,
    },
}

/// A proxy with its bundle loaded and its listeners bound, not yet serving.
#[derive(Debug)]
pub struct Ready {
    args: Args,
    state: Arc<State>,
    seen: u64,
    watch: BundleWatch,
    workers: Workers,
    admin: Option<TcpListener>,
    log: AccessLog,
    log_writer: Option<Writer>,
}

impl Ready {
    /// Loads the bundle, opens the access log and binds the listeners.
    pub async fn start(args: Args) -> Result<Ready, StartError> {
        let metrics = Arc::new(Metrics::new());
        // Watching first: a change from here on is seen, even one made before the
        // proxy serves.
        let watch = BundleWatch::start(&args.bundle);
        let (table, seen) =
            reload::load(&args.bundle, &metrics).map_err(|source| StartError::Bundle {
                path: args.bundle.clone(),
                source,
            })?;
        tracing::info!(
            generation = table.generation(),
            environment = table.environment(),
            bundle = %args.bundle.display(),
            "bundle loaded"
        );
        let workers = bind_workers(args.listen, args.worker_count()).await?;
        let admin = match args.admin {
            Some(address) => Some(bind(address).await?),
            None => None,
        };
        let (log, log_writer) =
            AccessLog::new(args.access_log.clone(), metrics.access_log_dropped()).map_err(
                |source| StartError::AccessLog {
                    destination: args.access_log.to_string(),
                    source,
                },
            )?;
        Ok(Ready {
            state: Arc::new(State::new(table, metrics)),
            seen,
            watch,
            workers,
            admin,
            log,
            log_writer,
            args,
        })
    }

    /// The bound API address.
    pub fn listen_address(&self) -> Option<SocketAddr> {
        self.workers.local_address()
    }

    /// The bound admin address.
    pub fn admin_address(&self) -> Option<SocketAddr> {
        self.admin
            .as_ref()
            .and_then(|admin| admin.local_addr().ok())
    }

    /// Serves until `shutdown` fires, then drains and returns; each change of `reopen`
    /// opens the access log file again (log rotation; never once its sender is gone).
    pub async fn run(self, shutdown: watch::Receiver<bool>, reopen: watch::Receiver<u64>) {
        let args = self.args;
        let limits = Limits {
            max_header_bytes: args.max_header_bytes,
            max_headers: args.max_headers,
            header_read_timeout: args.header_read_timeout,
            drain_timeout: args.drain_timeout,
        };
        let (log, log_writer) = (self.log, self.log_writer);
        let upstream = UpstreamSettings {
            connect_timeout: args.upstream_connect_timeout,
            request_timeout: args.upstream_timeout,
            idle_timeout: args.upstream_idle_timeout,
            body_timeout: args.upstream_body_timeout,
        };
        let trusted = TrustedProxies::new(args.trusted_proxies.clone());
        let forwarded = if args.forwarded_header {
            ForwardedHeader::Sent
        } else {
            ForwardedHeader::Omitted
        };
        let max_body_bytes = args.max_body_bytes;
        let serving_state = Arc::clone(&self.state);
        // Called once on each worker thread, inside its runtime: each worker has its own
        // upstream pool and access log batch.
        let make_handler = move || {
            let log = Arc::new(log.worker());
            tokio::spawn(Arc::clone(&log).hand_over_periodically());
            let client = UpstreamClient::new(upstream);
            tokio::spawn(client.clone().close_idle_periodically());
            let forwarder = Arc::new(Forwarder {
                state: Arc::clone(&serving_state),
                client,
                trusted: trusted.clone(),
                forwarded,
                peer_values: PeerValues::default(),
                log,
                max_body_bytes,
            });
            move |request, peer| {
                let forwarder = Arc::clone(&forwarder);
                async move { forwarder.handle(request, peer).await }
            }
        };
        // The admin server outlives the drain, so `/readyz` answers 503 while draining.
        let (admin_stop, admin_shutdown) = watch::channel(false);
        let proxy = async {
            self.workers
                .serve(limits, make_handler, shutdown.clone())
                .await;
            admin_stop.send_replace(true);
        };
        // The access log writer drains once the proxy server has finished its requests.
        let log_stop = admin_shutdown.clone();
        let access_log = async move {
            if let Some(writer) = log_writer {
                writer.run(log_stop, reopen).await;
            }
        };
        let admin_state = Arc::clone(&self.state);
        let admin = async {
            if let Some(listener) = self.admin {
                server::serve(
                    listener,
                    limits,
                    move |request, _| {
                        let reply = crate::admin::handle(&admin_state, &request).into();
                        async move { reply }
                    },
                    admin_shutdown,
                )
                .await;
            }
        };
        let reloader = reload::run(
            self.watch,
            ReloadSettings {
                path: args.bundle.clone(),
                debounce: args.reload_debounce,
                poll_interval: args.reload_poll,
            },
            Arc::clone(&self.state),
            self.seen,
            shutdown.clone(),
        );
        let mut draining = shutdown.clone();
        let state = Arc::clone(&self.state);
        let mark_draining = async move {
            server::signalled(&mut draining).await;
            state.start_draining();
            tracing::info!("shutting down: draining in-flight requests");
        };
        tokio::join!(proxy, admin, reloader, mark_draining, access_log);
    }
}

/// How many times a port the kernel picked (`--listen` with port 0) is picked again
/// when another process takes it before the workers do.
const PICKED_PORT_ATTEMPTS: u32 = 5;

/// Binds the API address and builds the workers on it. Their sockets take the address
/// over from the one bound first, and with port 0 another process may take the picked
/// port in between (tests starting proxies side by side do): the port is then picked
/// again rather than failing the start. A port given is never changed.
async fn bind_workers(address: SocketAddr, count: NonZeroUsize) -> Result<Workers, StartError> {
    let mut attempts = if address.port() == 0 {
        PICKED_PORT_ATTEMPTS
    } else {
        1
    };
    loop {
        attempts -= 1;
        let listener = bind(address).await?;
        let listener = listener
            .into_std()
            .map_err(|source| StartError::Bind { address, source })?;
        match Workers::new(listener, count) {
            Err(WorkersError::Listen { source, .. })
                if attempts > 0 && source.kind() == std::io::ErrorKind::AddrInUse => {}
            built => {
                return built.map_err(|source| StartError::Workers {
                    count: count.get(),
                    source,
                });
            }
        }
    }
}

async fn bind(address: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(address)
        .await
        .map_err(|source| StartError::Bind { address, source })
}
