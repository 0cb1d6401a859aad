#!/usr/bin/env python3
"""Small HTTP probes of the benchmark (stdlib only), each printing one JSON line.

- `ports N`: N free loopback TCP ports (printed space-separated, not as JSON).
- `ready URL`: polls URL until it answers 200; prints the milliseconds it took, counted
  from `--since` (a `date +%s%N` taken before the server was started) when given.
- `log-time FILE TEXT --since NS`: milliseconds from NS (`date +%s%N`) to the
  RFC 3339 timestamp that starts the first line of FILE containing TEXT (the proxy's
  log), as `{"ms": …}`; `{"ms": null}` when no such line or timestamp is found.
- `split URL`: sends requests one by one on a keep-alive connection and counts the
  share of answers whose header (default `x-side`) equals `target`, over all of
  them and over the first `--first`.
- `swap`: every `--period` seconds replaces what is served (a bundle by rename, by a
  ConfigMap-style `..data` symlink swap, or an nginx configuration followed by
  `nginx -s reload`), alternating between two versions, and after each swap polls
  a URL in a tight loop until the answer carries the new version's header value:
  the time from the swap to the first request served by the new generation.
- `run -- COMMAND...`: runs COMMAND under GNU time (output discarded, at most
  `--timeout` seconds) and prints its wall time, peak resident memory, exit code and
  the first line of its standard error that names an error (all `null` on time-out).
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit


class Client:
    """A keep-alive HTTP/1.1 client for one URL that reconnects when the server closes."""

    def __init__(self, url: str, timeout: float = 2.0):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.path = parts.path or "/"
        self.timeout = timeout
        self.connection = None

    def get(self) -> tuple[int, http.client.HTTPMessage]:
        """GET the URL; retries once on a fresh connection when the old one was closed."""
        for attempt in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(
                        self.host, self.port, timeout=self.timeout
                    )
                self.connection.request("GET", self.path)
                response = self.connection.getresponse()
                response.read()
                if response.getheader("connection", "").lower() == "close":
                    self.close()
                return response.status, response.headers
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Drops the connection."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def ports(args: argparse.Namespace) -> None:
    """Prints free loopback ports (bound then released: a tiny race, fine here)."""
    sockets = []
    for _ in range(args.count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    found = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    print(" ".join(str(port) for port in found))


def ready(args: argparse.Namespace) -> dict:
    """Polls until the URL answers 200; exits 1 after the timeout."""
    start = args.since / 1e9 if args.since else time.time()
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            status, _ = Client(args.url, timeout=0.5).get()
            if status == 200:
                return {"ready_ms": round((time.time() - start) * 1000, 2)}
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.002)
    print(f"{args.url} not ready within {args.timeout}s", file=sys.stderr)
    sys.exit(1)


def log_time(args: argparse.Namespace) -> dict:
    """Milliseconds from `--since` to the timestamp of the first line containing TEXT."""
    for line in Path(args.file).read_text(errors="replace").splitlines():
        if args.text in line:
            stamp = line.split(" ", 1)[0].replace("Z", "+00:00")
            try:
                moment = datetime.fromisoformat(stamp)
            except ValueError:
                break
            return {"ms": round(moment.timestamp() * 1000 - args.since / 1e6, 2)}
    return {"ms": None}


def split(args: argparse.Namespace) -> dict:
    """Counts which side answered each of `--count` sequential requests."""
    client = Client(args.url)
    sides, statuses = [], {}
    for _ in range(args.count):
        status, headers = client.get()
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        sides.append(headers.get(args.header, "") == "target")
    first = sides[: args.first]
    return {
        "requests": len(sides),
        "target_share": sum(sides) / len(sides),
        "first": len(first),
        "first_target": sum(first),
        "statuses": statuses,
    }


def swap_rename(live: Path, source: Path, serial: int) -> None:
    """Replaces `live` atomically by a renamed copy of `source`."""
    staging = live.with_name(f".{live.name}.{serial}.tmp")
    shutil.copyfile(source, staging)
    os.rename(staging, live)


def swap_symlink(live: Path, source: Path, serial: int) -> None:
    """Kubernetes ConfigMap style: `live` -> `..data/NAME`, and `..data` is swapped."""
    folder = live.parent
    version = folder / f"..v{serial}"
    version.mkdir()
    shutil.copyfile(source, version / live.name)
    data = folder / "..data"
    old = os.readlink(data) if data.is_symlink() else None
    temporary = folder / "..data_tmp"
    os.symlink(version.name, temporary)
    os.rename(temporary, data)
    if not live.is_symlink():
        os.symlink(f"..data/{live.name}", live)
    if old is not None:
        shutil.rmtree(folder / old)


def swap_nginx(live: Path, source: Path, serial: int, reload_command: list[str]) -> None:
    """Writes the nginx configuration and runs `nginx -s reload`."""
    swap_rename(live, source, serial)
    subprocess.run(reload_command, check=True, capture_output=True, timeout=10)


def swap(args: argparse.Namespace) -> dict:
    """Swaps every `--period` for `--duration`; times each swap to its first answer."""
    variants = [(Path(args.a), args.a_value), (Path(args.b), args.b_value)]
    live = Path(args.live)
    client = Client(args.url, timeout=1.0)
    reload_command = args.reload.split() if args.reload else []
    latencies, missed, errors = [], 0, 0
    end = time.monotonic() + args.duration
    serial = 0
    while time.monotonic() < end:
        serial += 1
        source, expected = variants[serial % 2]
        started = time.monotonic()
        if args.mode == "rename":
            swap_rename(live, source, serial)
        elif args.mode == "symlink":
            swap_symlink(live, source, serial)
        else:
            swap_nginx(live, source, serial, reload_command)
        seen = None
        while time.monotonic() - started < args.timeout:
            try:
                _, headers = client.get()
            except (OSError, http.client.HTTPException):
                errors += 1
                continue
            if headers.get(args.header) == expected:
                seen = time.monotonic() - started
                break
        if seen is None:
            missed += 1
        else:
            latencies.append(seen * 1000)
        pause = started + args.period - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    return {
        "swaps": serial,
        "seen": len(latencies),
        "missed": missed,
        "probe_errors": errors,
        "latencies_ms": [round(ms, 2) for ms in latencies],
    }


def run(args: argparse.Namespace) -> dict:
    """Wall time, peak RSS and exit code of one command; the peak is GNU time's (a
    Python child would start from this interpreter's resident memory)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as measured, \
            tempfile.TemporaryFile("w+") as errors:
        command = ["/usr/bin/time", "-f", "%M %x", "-o", measured.name, *args.argv]
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                 stderr=errors, start_new_session=True)
        try:
            child.wait(timeout=args.timeout)
            seconds = time.monotonic() - started
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, 9)  # GNU time and the command it measures
            child.wait()
            return {"seconds": None, "max_rss_kb": None, "exit": None, "error": None}
        peak_kb, code = measured.read().split()[-2:]
        errors.seek(0)
        error = next((line.strip()[:120] for line in errors if "rror" in line), None)
    return {"seconds": round(seconds, 4), "max_rss_kb": int(peak_kb), "exit": int(code),
            "error": error}


def main() -> None:
    """Dispatches the subcommands."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("ports")
    p.add_argument("count", type=int)
    p = commands.add_parser("ready")
    p.add_argument("url")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--since", type=int, help="start time in nanoseconds since the epoch")
    p = commands.add_parser("log-time")
    p.add_argument("file")
    p.add_argument("text")
    p.add_argument("--since", type=int, required=True)
    p = commands.add_parser("split")
    p.add_argument("url")
    p.add_argument("--header", default="x-side")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--first", type=int, default=20)
    p = commands.add_parser("swap")
    p.add_argument("--mode", choices=["rename", "symlink", "nginx"], required=True)
    p.add_argument("--live", required=True, help="the served file (bundle or nginx.conf)")
    p.add_argument("--a", required=True, help="first variant's file")
    p.add_argument("--a-value", required=True, help="header value served by the first")
    p.add_argument("--b", required=True, help="second variant's file")
    p.add_argument("--b-value", required=True, help="header value served by the second")
    p.add_argument("--url", required=True, help="URL polled after each swap")
    p.add_argument("--header", required=True, help="response header naming the version")
    p.add_argument("--reload", help="command run after writing (nginx mode)")
    p.add_argument("--period", type=float, default=0.1)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--timeout", type=float, default=2.0, help="give up on one swap after")
    p = commands.add_parser("run")
    p.add_argument("--timeout", type=float, default=300.0)
    p.add_argument("argv", nargs="+", help="the command, after --")
    args = parser.parse_args()
    handler = {"ports": ports, "ready": ready, "log-time": log_time, "split": split,
               "swap": swap, "run": run}[args.command]
    result = handler(args)
    if result is not None:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
