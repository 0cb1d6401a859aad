//! The real `switchyard-proxy` binary as a child process: started on `127.0.0.1:0`,
//! its addresses learned from the `listening on http://ADDR` and `admin on http://ADDR`
//! lines it logs, its logs kept for assertions, killed when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::client::TestClient;

/// How long any wait on the proxy may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A running proxy process.
#[derive(Debug)]
pub struct ProxyProcess {
    child: Child,
    logs: Arc<Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
    listen: SocketAddr,
    admin: SocketAddr,
}

/// The output of a proxy that could not start or has exited.
#[derive(Debug)]
pub struct Exited {
    /// Exit status.
    pub status: ExitStatus,
    /// What it logged (stderr).
    pub logs: String,
}

impl ProxyProcess {
    /// Starts `binary` serving `bundle`, with fast reload settings and `extra` flags;
    /// returns once both addresses are logged.
    pub fn start(binary: &Path, bundle: &Path, extra: &[&str]) -> ProxyProcess {
        let mut child = command(binary, bundle, extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start switchyard-proxy");
        let stderr = child.stderr.take().expect("piped stderr");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let collected = Arc::clone(&logs);
        // Drains stderr until the child exits, so the child never blocks on a full pipe.
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                collected.lock().expect("log lock").push(line);
            }
        });
        let mut proxy = ProxyProcess {
            child,
            logs,
            reader: Some(reader),
            listen: SocketAddr::from(([0, 0, 0, 0], 0)),
            admin: SocketAddr::from(([0, 0, 0, 0], 0)),
        };
        proxy.listen = proxy.wait_for_address("listening on http://");
        proxy.admin = proxy.wait_for_address("admin on http://");
        proxy
    }

    /// Runs `binary` expecting it to exit by itself (e.g. a bad bundle at start).
    pub fn run_to_exit(binary: &Path, bundle: &Path, extra: &[&str]) -> Exited {
        let output = command(binary, bundle, extra)
            .output()
            .expect("run switchyard-proxy");
        Exited {
            status: output.status,
            logs: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn wait_for_address(&mut self, prefix: &str) -> SocketAddr {
        let found = self.wait_for_log(prefix);
        let start = found.find(prefix).map_or(0, |i| i + prefix.len());
        found[start..]
            .split_whitespace()
            .next()
            .and_then(|address| address.parse().ok())
            .unwrap_or_else(|| panic!("no address in {found:?}"))
    }

    /// Waits until a log line contains `needle` and returns it.
    pub fn wait_for_log(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(line) = self.logs().into_iter().find(|line| line.contains(needle)) {
                return line;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "proxy exited ({status}) before logging {needle:?}:\n{}",
                    self.logs().join("\n")
                );
            }
            assert!(
                Instant::now() < deadline,
                "no log line with {needle:?}:\n{}",
                self.logs().join("\n")
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Everything logged so far.
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().expect("log lock").clone()
    }

    /// The API address.
    pub fn listen(&self) -> SocketAddr {
        self.listen
    }

    /// The admin address.
    pub fn admin(&self) -> SocketAddr {
        self.admin
    }

    /// An HTTP/1.1 client for the API address.
    pub fn client(&self) -> TestClient {
        TestClient::http1(self.listen)
    }

    /// `/readyz` as JSON (status code checked by the caller through `status`).
    pub async fn readyz(&self) -> serde_json::Value {
        TestClient::http1(self.admin)
            .get("/readyz", &[])
            .await
            .json()
    }

    /// Waits until the proxy serves `generation`.
    pub async fn wait_for_generation(&self, generation: &str) {
        self.wait_for_readyz(|ready| ready["generation"] == generation, generation)
            .await;
    }

    /// Waits until the last rejected bundle's reason contains `needle`; returns `/readyz`.
    pub async fn wait_for_rejection(&self, needle: &str) -> serde_json::Value {
        self.wait_for_readyz(
            |ready| {
                ready["reloads"]["last_rejection"]
                    .as_str()
                    .is_some_and(|reason| reason.contains(needle))
            },
            &format!("a rejection for {needle:?}"),
        )
        .await
    }

    async fn wait_for_readyz(
        &self,
        done: impl Fn(&serde_json::Value) -> bool,
        what: &str,
    ) -> serde_json::Value {
        match self.poll_readyz(done, PATIENCE).await {
            Ok((ready, _)) => ready,
            Err(last) => panic!(
                "waited for {what}; readyz says {last:?}\n{}",
                self.logs().join("\n")
            ),
        }
    }

    /// Polls `/readyz` every 2 ms until `done` holds of its JSON, for at most `patience`
    /// (an answer that fails or is not JSON counts as not done); returns that answer and
    /// how long it took, or the last JSON answer seen.
    pub async fn poll_readyz(
        &self,
        done: impl Fn(&serde_json::Value) -> bool,
        patience: Duration,
    ) -> Result<(serde_json::Value, Duration), Option<serde_json::Value>> {
        let admin = TestClient::http1(self.admin);
        let started = Instant::now();
        let mut last = None;
        while started.elapsed() < patience {
            let left = patience.saturating_sub(started.elapsed());
            if let Ok(Some(ready)) = tokio::time::timeout(left, admin.json("/readyz")).await {
                if done(&ready) {
                    return Ok((ready, started.elapsed()));
                }
                last = Some(ready);
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Err(last)
    }

    /// Sends SIGTERM without waiting.
    pub fn send_sigterm(&self) {
        self.send_signal("TERM");
    }

    /// Sends the signal named `name` (`TERM`, `USR1`…) without waiting.
    pub fn send_signal(&self, name: &str) {
        let signalled = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(signalled.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit by itself (blocking).
    pub fn wait_for_exit(mut self) -> Exited {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the proxy") {
                break status;
            }
            assert!(Instant::now() < deadline, "proxy did not exit");
            std::thread::sleep(Duration::from_millis(5));
        };
        if let Some(reader) = self.reader.take() {
            // The pipe closes when the process exits, which ends the reader.
            let _ = reader.join();
        }
        Exited {
            status,
            logs: self.logs().join("\n"),
        }
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // Already-exited or unkillable children need nothing more from us.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn command(binary: &Path, bundle: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("--bundle")
        .arg(bundle)
        .args(["--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"])
        .args(["--reload-debounce", "5ms", "--reload-poll", "2s"])
        .args(extra)
        .env("RUST_LOG", "info");
    command
}
