#!/usr/bin/env python3
"""Numbers and reports of the benchmark (stdlib only).

- `record FILE SCENARIO SYSTEM VARIANT ROUND KEY=JSON...`: appends one
  measurement (a JSON line) to the results file.
- `h2load LOG`: summarises an h2load `--log-file` (one line per request) into request
  count, status classes and latency percentiles, as one JSON line.
- `perf-top REPORT`: a `perf report --stdio --sort sym` output summarised as JSON:
  the 25 hottest symbols ([percent, symbol]) and the self time per component
  (allocator, memory copies, hyper, tokio, http, switchyard, ...).
- `best-rps RESULTS SYSTEM...`: the best median wrk req/s of these systems over every
  concurrency of the throughput scenario (the base of the fixed-rate run).
- `render RESULTS META OUT`: medians over rounds, goal verdicts, `OUT/report.json`
  (meta, summary, verdicts and every raw measurement) and `OUT/report.md`. Exits 1
  when a goal is missed (unless `--no-goals`); with `--smoke` it checks only that every
  scenario ran and that every answer was 2xx without socket errors.
"""

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

RECORDED = {"throughput": ["throughput", "fixed_rate"], "reload": ["reload"],
            "scale": ["scale"], "split": ["split"], "cpu": ["cpu"],
            "instructions": ["instructions"],
            "compiler": ["compiler", "compare"]}
NGINX_FAST = ["nginx-plain", "nginx-split"]


def percentile(values, pct):
    """Nearest-rank percentile (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def median(values):
    """Median of the values that are not None (None when there are none)."""
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def record(args):
    """Appends one measurement line to the results file."""
    entry = {
        "scenario": args.scenario,
        "system": args.system,
        "variant": args.variant,
        "round": args.round,
    }
    for pair in args.fields:
        key, _, value = pair.partition("=")
        entry[key] = json.loads(value)
    with open(args.file, "a") as out:
        out.write(json.dumps(entry) + "\n")


def h2load(args):
    """Prints the summary of an h2load per-request log."""
    latencies, classes = [], defaultdict(int)
    first, last = None, None
    for line in Path(args.log).read_text().splitlines():
        start_us, status, took_us = (int(x) for x in line.split("\t")[:3])
        first = start_us if first is None else min(first, start_us)
        last = start_us if last is None else max(last, start_us)
        classes[f"{status // 100}xx" if status > 0 else "error"] += 1
        latencies.append(took_us)
    seconds = (last - first) / 1e6 if first is not None and last > first else None
    print(json.dumps({
        "requests": len(latencies),
        "achieved_rps": round(len(latencies) / seconds, 1) if seconds else None,
        "statuses": dict(classes),
        "latency_us": {p: percentile(latencies, q) for p, q in
                       [("p50", 50), ("p90", 90), ("p99", 99), ("p99_9", 99.9)]}
        | {"max": max(latencies, default=None)},
    }))


COMPONENTS = [
    ("allocator (glibc malloc/free)",
     ("malloc", "_int_malloc", "_int_free", "cfree", "free", "unlink_chunk",
      "malloc_consolidate", "__rustc::__rd", "__rust_alloc", "__rust_dealloc",
      "realloc", "_int_realloc", "tcache")),
    ("memory copies (memmove/memcpy)", ("__memmove", "__memcpy", "__memset")),
    ("hyper and httparse (HTTP/1 and h2c server, head parsing)", ("hyper::", "<hyper::", "httparse::")),
    ("hyper-util (tokio glue, graceful shutdown)", ("hyper_util::", "<hyper_util::")),
    ("tokio (scheduler, IO driver, timers, channels)", ("tokio::", "<tokio::")),
    ("http and bytes (header maps, URIs, buffers)",
     ("http::", "<http::", "bytes::", "<bytes::")),
    ("switchyard-proxy", ("switchyard_proxy::", "<switchyard_proxy::")),
    ("formatting (core::fmt)", ("core::fmt", "alloc::fmt", "<core::fmt")),
]


def component(symbol):
    """The component a symbol belongs to (by name prefix)."""
    for name, prefixes in COMPONENTS:
        if symbol.startswith(prefixes) or any(f" {p}" in symbol for p in prefixes
                                              if p.endswith("::")):
            return name
    return "other (kernel entry stubs, libc, std, futures)"


def perf_top(args):
    """Prints the hottest symbols and the time per component of a perf report."""
    symbols = []
    for line in Path(args.report).read_text().splitlines():
        fields = line.split(None, 2)
        if len(fields) == 3 and fields[0].endswith("%") and fields[1].startswith("["):
            symbols.append([float(fields[0].rstrip("%")), fields[2].strip()])
    components = defaultdict(float)
    for pct, symbol in symbols:
        components[component(symbol)] += pct
    print(json.dumps({
        "top": symbols[:25],
        "components": sorted(([round(p, 1), n] for n, p in components.items()), reverse=True),
    }))


def wrk_rps(wrk):
    """Requests per second of one wrk run."""
    return wrk["requests"] / (wrk["duration_us"] / 1e6) if wrk["duration_us"] else 0.0


def wrk_socket_errors(wrk):
    """Connect, read, write and timeout errors of one wrk run."""
    errors = wrk["errors"]
    return errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]


def grouped(records, scenario):
    """Records of one scenario grouped by (system, variant), in first-seen order."""
    groups = {}
    for entry in records:
        if entry["scenario"] == scenario:
            groups.setdefault((entry["system"], entry["variant"]), []).append(entry)
    return groups


def scale_ratios(records):
    """req/s of the largest bundle over the smallest, per round (both under load at the
    same time), or None without both."""
    runs = {}
    for entry in records:
        if entry["scenario"] == "scale":
            runs.setdefault(entry["round"], {})[int(entry["variant"])] = wrk_rps(entry["wrk"])
    sizes = sorted({size for sizes in runs.values() for size in sizes})
    if len(sizes) < 2:
        return None
    low, high = sizes[0], sizes[-1]
    per_round = [round(r[high] / r[low], 3) for r in runs.values()
                 if r.get(low) and r.get(high) is not None]
    return {"low": low, "high": high, "per_round": per_round} if per_round else None


def throughput_ratios(records, summary_rows, candidates):
    """Per concurrency: switchyard's req/s over the faster of `candidates` (the one with
    the higher median) in the same round, round by round. Systems alternate within a
    round, so a pair shares the machine's state of that minute; the median of these
    ratios is not moved by a machine that drifts between rounds, as a ratio of medians
    is."""
    rps = {}
    for entry in records:
        if entry["scenario"] == "throughput":
            key = (int(entry["variant"]), entry["round"])
            rps.setdefault(key, {})[entry["system"]] = wrk_rps(entry["wrk"])
    medians = {(t["system"], t["connections"]): t["rps"] for t in summary_rows}
    out = []
    for connections in sorted({t["connections"] for t in summary_rows}):
        nginx = [s for s in candidates if (s, connections) in medians]
        if ("switchyard", connections) not in medians or not nginx:
            continue
        fastest = max(nginx, key=lambda s: medians[(s, connections)])
        per_round = [round(r["switchyard"] / r[fastest], 3)
                     for (c, _), r in sorted(rps.items())
                     if c == connections and r.get(fastest) and "switchyard" in r]
        if per_round:
            out.append({"connections": connections, "against": fastest,
                        "per_round": per_round, "median": median(per_round),
                        "of_medians": round(medians[("switchyard", connections)]
                                            / medians[(fastest, connections)], 3)})
    return out


def ratio_list(ratios):
    """Paired ratios per concurrency as a clause: per round, median, ratio of medians."""
    return ", ".join(
        f"at {r['connections']} connections over {r['against']}: "
        + " ".join(f"{v:.3f}" for v in r["per_round"])
        + f" (median {r['median']:.3f}; the ratio of the medians is {r['of_medians']:.3f})"
        for r in ratios)


def throughput_note(summary):
    """The sentences under the throughput table: the paired ratios the goal is read on,
    and those over nginx doing switchyard's header work (a reference, no goal)."""
    parts = []
    if summary.get("throughput_ratios"):
        parts.append("switchyard's req/s over the faster nginx's in the same round, per "
                     "round (the req/s goal is read on their median): "
                     f"{ratio_list(summary['throughput_ratios'])}.")
    if summary.get("tagged_ratios"):
        parts.append("nginx-tagged is the weighted split sending the upstream the header "
                     "lines switchyard adds (x-request-id, x-forwarded-for, "
                     "x-forwarded-proto, x-api-service, x-api-version, x-api-release) and "
                     "answering with x-api-version and x-request-id, without metrics or "
                     "access log: equal header work for the upstream and the load "
                     "generator, which share the CPUs. switchyard's req/s over it, per "
                     f"round (a reference, no goal): {ratio_list(summary['tagged_ratios'])}.")
    return "\n\n".join(parts)


def scale_note(rows, ratios):
    """The sentence under the scale table: every size runs at once, and the ratio."""
    connections = rows[0].get("connections") if rows else None
    load = f"Every size is under load at the same time, {connections} connections each"
    if not ratios:
        return load + "."
    values = ", ".join(f"{value:.3f}" for value in ratios["per_round"])
    return (f"{load}, so the sizes share the machine alike. req/s at {ratios['high']:,} "
            f"operations over {ratios['low']:,}, per round: {values} (median "
            f"{median(ratios['per_round']):.3f}).")


def summarise(records):
    """Medians over rounds for every scenario."""
    summary = defaultdict(list)
    for (system, variant), runs in grouped(records, "throughput").items():
        summary["throughput"].append({
            "system": system, "connections": int(variant), "rounds": len(runs),
            "rps": median([wrk_rps(r["wrk"]) for r in runs]),
            "p50_ms": median([r["wrk"]["latency_us"]["p50"] / 1000 for r in runs]),
            "p99_ms": median([r["wrk"]["latency_us"]["p99"] / 1000 for r in runs]),
            "non_2xx": sum(r["wrk"]["errors"]["status"] for r in runs),
            "socket_errors": sum(wrk_socket_errors(r["wrk"]) for r in runs),
        })
    for (system, variant), runs in grouped(records, "fixed_rate").items():
        summary["fixed_rate"].append({
            "system": system, "rate": int(variant), "rounds": len(runs),
            "achieved_rps": median([r["h2load"]["achieved_rps"] for r in runs]),
            "p50_ms": median([r["h2load"]["latency_us"]["p50"] / 1000 for r in runs]),
            "p99_ms": median([r["h2load"]["latency_us"]["p99"] / 1000 for r in runs]),
            "p99_9_ms": median([r["h2load"]["latency_us"]["p99_9"] / 1000 for r in runs]),
            "not_2xx": sum(n for r in runs for k, n in r["h2load"]["statuses"].items()
                           if k != "2xx"),
            "requests": sum(r["h2load"]["requests"] for r in runs),
        })
    for (system, variant), runs in grouped(records, "reload").items():
        latencies = [ms for r in runs for ms in r["swap"]["latencies_ms"]]
        summary["reload"].append({
            "system": system, "mode": variant, "rounds": len(runs),
            "requests": sum(r["wrk"]["requests"] for r in runs),
            "non_2xx": sum(r["wrk"]["errors"]["status"] for r in runs),
            "socket_errors": sum(wrk_socket_errors(r["wrk"]) for r in runs),
            "swaps": sum(r["swap"]["swaps"] for r in runs),
            "swaps_not_seen": sum(r["swap"]["missed"] for r in runs),
            "swap_to_serve_p50_ms": percentile(latencies, 50),
            "swap_to_serve_p99_ms": percentile(latencies, 99),
            "swap_to_serve_max_ms": max(latencies, default=None),
        })
    for (system, variant), runs in grouped(records, "scale").items():
        summary["scale"].append({
            "system": system, "operations": int(variant), "rounds": len(runs),
            "rps": median([wrk_rps(r["wrk"]) for r in runs]),
            "p99_ms": median([r["wrk"]["latency_us"]["p99"] / 1000 for r in runs]),
            "non_2xx": sum(r["wrk"]["errors"]["status"] for r in runs),
            "socket_errors": sum(wrk_socket_errors(r["wrk"]) for r in runs),
            "bundle_bytes": runs[0].get("bundle_bytes"),
            "load_ms": median([r["ready_ms"] for r in runs]),
            "rss_mib": median([r["rss_kb"] / 1024 for r in runs]),
            "connections": runs[0].get("connections"),
        })
    summary["scale"].sort(key=lambda row: row["operations"])
    ratios = scale_ratios(records)
    if ratios:
        summary["scale_ratios"] = ratios
    for key, candidates in (("throughput_ratios", NGINX_FAST),
                            ("tagged_ratios", ["nginx-tagged"])):
        paired = throughput_ratios(records, summary.get("throughput", []), candidates)
        if paired:
            summary[key] = paired
    for (system, variant), runs in grouped(records, "cpu").items():
        if "top" in runs[0]:
            summary["profile"] = runs[0]["top"]
            continue

        def per_request(run, index):
            ticks = run["ticks"]
            seconds = (ticks["after"][index] - ticks["before"][index]) / ticks["per_second"]
            return seconds * 1e6 / run["wrk"]["requests"] if run["wrk"]["requests"] else None

        summary["cpu"].append({
            "system": system, "connections": int(variant), "rounds": len(runs),
            "rps": median([wrk_rps(r["wrk"]) for r in runs]),
            "user_us_per_request": median([per_request(r, 0) for r in runs]),
            "system_us_per_request": median([per_request(r, 1) for r in runs]),
        })
    for (system, variant), runs in grouped(records, "instructions").items():
        summary["instructions"].append({
            "system": system, "bundle": variant, "requests": runs[0]["requests"],
            "per_request": round(runs[0]["instructions"] / runs[0]["requests"]),
        })
    for (system, variant), runs in sorted(grouped(records, "compiler").items(),
                                          key=lambda item: int(item[0][1])):
        summary["compiler"].append(process_summary(runs, services=int(variant)))
    for (system, variant), runs in sorted(grouped(records, "compare").items(),
                                          key=lambda item: (item[0][1], item[0][0])):
        summary["compare"].append(process_summary(runs, system=system, pair=variant))
    for (system, variant), runs in grouped(records, "split").items():
        summary["split"].append({
            "system": system, "method": variant, "rounds": len(runs),
            "requests": runs[0]["split"]["requests"],
            "target_share": median([r["split"]["target_share"] for r in runs]),
            "first_20_target": [r["split"]["first_target"] for r in runs],
            "not_200": sum(n for r in runs for k, n in r["split"]["statuses"].items()
                           if k != "200"),
        })
    return dict(summary)


def process_summary(runs, **keys):
    """Medians of `probe.py run` measurements: wall time, peak RSS, exit codes."""
    finished = [r["run"] for r in runs if r["run"]["seconds"] is not None]
    return {
        **keys, "rounds": len(runs), "timed_out": len(runs) - len(finished),
        "seconds": median([r["seconds"] for r in finished]),
        "max_rss_mib": median([r["max_rss_kb"] / 1024 for r in finished]),
        "exits": sorted({r["run"]["exit"] for r in runs}, key=str),
        "error": next((r["run"].get("error") for r in runs if r["run"].get("error")), None),
    }


def verdicts(summary):
    """The issue's goals, each with its measured value and whether it is met."""
    out = []
    by_key = {(t["system"], t["connections"]): t for t in summary.get("throughput", [])}
    for paired in summary.get("throughput_ratios", []):
        connections, fastest = paired["connections"], paired["against"]
        ours, theirs = by_key[("switchyard", connections)], by_key[(fastest, connections)]
        out.append({
            "goal": f"req/s ≥ 1.0× {fastest} at {connections} connections "
                    "(median of same-round ratios)",
            "value": round(paired["median"], 3),
            "met": paired["median"] >= 1.0,
        })
        out.append({
            "goal": f"p99 ≤ 1.2× {fastest} at {connections} connections",
            "value": round(ours["p99_ms"] / theirs["p99_ms"], 3),
            "met": ours["p99_ms"] <= 1.2 * theirs["p99_ms"],
        })
    for row in summary.get("reload", []):
        if row["system"] != "switchyard":
            continue
        errors = row["non_2xx"] + row["socket_errors"]
        out.append({"goal": f"zero non-2xx and socket errors during {row['mode']} swaps",
                    "value": errors, "met": errors == 0})
        p99 = row["swap_to_serve_p99_ms"]
        out.append({"goal": f"swap to first new-generation answer p99 < 100 ms ({row['mode']})",
                    "value": p99,
                    "met": p99 is not None and p99 < 100 and row["swaps_not_seen"] == 0})
    for row in summary.get("compiler", []):
        if row["services"] == 1000:
            seconds = row["seconds"]
            out.append({"goal": "switchyard build of 1,000 services under 2 s",
                        "value": seconds,
                        "met": seconds is not None and seconds < 2 and row["exits"] == [0]})
    at_scale = {c["bundle"]: c["per_request"] for c in summary.get("instructions", [])
                if c["system"] == "switchyard" and c["bundle"].endswith(" operations")}
    if len(at_scale) >= 2:
        sizes = sorted(at_scale, key=lambda bundle: int(bundle.split()[0]))
        low, high = at_scale[sizes[0]], at_scale[sizes[-1]]
        out.append({
            "goal": f"instructions per request at {sizes[-1]} within 5% of {sizes[0]}",
            "value": round(high / low, 3),
            "met": high <= 1.05 * low,
        })
    ratios = summary.get("scale_ratios")
    if ratios:
        low, high = ratios["low"], ratios["high"]
        ratio = median(ratios["per_round"])
        out.append({
            "goal": f"req/s at {high} operations within 5% of {low} (same round, at once)",
            "value": round(ratio, 3),
            "met": ratio >= 0.95,
        })
    return out


def smoke_problems(records, expected):
    """What smoke mode fails on: a missing scenario, a non-2xx answer, a socket error
    (nginx's reload errors are nginx's and only reported)."""
    problems = [f"scenario {s} did not run" for s in expected
                if not any(r["scenario"] == s for r in records)]
    for r in records:
        label = f"{r['scenario']}/{r['system']}/{r['variant']}"
        if "wrk" in r and not (r["scenario"] == "reload" and r["system"] != "switchyard"):
            if r["wrk"]["errors"]["status"] or wrk_socket_errors(r["wrk"]):
                problems.append(f"{label}: errors {r['wrk']['errors']}")
            if r["wrk"]["requests"] == 0:
                problems.append(f"{label}: no requests")
        if "h2load" in r and set(r["h2load"]["statuses"]) - {"2xx"}:
            problems.append(f"{label}: statuses {r['h2load']['statuses']}")
        if "split" in r and set(r["split"]["statuses"]) - {"200"}:
            problems.append(f"{label}: statuses {r['split']['statuses']}")
        if r["scenario"] == "compiler" and r["run"]["exit"] != 0:
            problems.append(f"{label}: switchyard build exited {r['run']['exit']}")
        # compare exits 1 when a change is breaking; anything else is a failure.
        if r["scenario"] == "compare" and r["system"] == "switchyard" \
                and r["run"]["exit"] not in (0, 1):
            problems.append(f"{label}: switchyard compare exited {r['run']['exit']}")
    return problems


def fmt(value, digits=1):
    """A table cell: thousands separators, fixed decimals, – for missing."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(headers, rows):
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(c) if not isinstance(c, str) else c for c in row) + " |"
              for row in rows]
    return "\n".join(lines)


def markdown(meta, summary, goals):
    """The whole report as Markdown."""
    m = meta["machine"]
    s = meta["settings"]
    parts = [
        "# Switchyard benchmark report",
        "",
        f"Run {meta['date']} on commit `{meta['commit']}` with `{meta['command']}`.",
        "",
        f"Machine: {m['cpu']}, {m['nproc']} CPUs (`nproc`), kernel {m['kernel']}, "
        f"{m['memory']}. Tools: {', '.join(meta['tools'])}.",
        "",
        f"Settings: {s['rounds']} rounds ({s['throughput_rounds']} in the throughput "
        f"scenario; alternating systems within each round), "
        f"{s['seconds']} s per throughput run, {s['reload_seconds']} s per reload run; "
        f"{s['workers']} worker(s) for nginx (`worker_processes`) and for switchyard "
        f"(`--workers`); pinning: {s['pinning']}; binaries: {s['profile']}; "
        f"switchyard features on: {', '.join(s['features'])}; nginx: {s['nginx_split']}.",
        "",
        "## Goals",
        "",
        table(["goal", "measured", "met"],
              [[g["goal"], fmt(g["value"], 3), "yes" if g["met"] else "**no**"]
               for g in goals]),
        "",
        "## 1. Throughput and latency (wrk, medians over rounds)",
        "",
        table(["system", "connections", "req/s", "p50 ms", "p99 ms", "non-2xx",
               "socket errors"],
              [[t["system"], t["connections"], t["rps"], t["p50_ms"], t["p99_ms"],
                t["non_2xx"], t["socket_errors"]] for t in
               sorted(summary.get("throughput", []),
                      key=lambda t: (t["connections"], t["system"]))]),
        "",
        throughput_note(summary),
        "",
        f"Fixed rate ({s['fixed_rate']}):",
        "",
        table(["system", "target req/s", "achieved req/s", "p50 ms", "p99 ms",
               "p99.9 ms", "not 2xx"],
              [[f["system"], f["rate"], f["achieved_rps"], f["p50_ms"], f["p99_ms"],
                f["p99_9_ms"], f["not_2xx"]] for f in summary.get("fixed_rate", [])]),
        "",
        "## 2. Reloads under load (wrk constant load, a swap every 100 ms)",
        "",
        table(["system", "swap", "requests", "non-2xx", "socket errors", "swaps",
               "not seen", "swap→serve p50 ms", "p99 ms", "max ms"],
              [[r["system"], r["mode"], r["requests"], r["non_2xx"], r["socket_errors"],
                r["swaps"], r["swaps_not_seen"], r["swap_to_serve_p50_ms"],
                r["swap_to_serve_p99_ms"], r["swap_to_serve_max_ms"]]
               for r in summary.get("reload", [])]),
        "",
        f"Swap→serve: from the file swap to the first answer carrying the new "
        f"generation's header, polled on one keep-alive connection; percentiles over "
        f"all swaps of all rounds. Switchyard runs with `--reload-debounce "
        f"{s['reload_debounce']}`.",
        "",
        "## 3. Routing at scale (switchyard, requests cycling over every operation)",
        "",
        table(["operations", "bundle bytes", "req/s", "p99 ms", "non-2xx",
               "socket errors", "start to ready ms", "RSS MiB"],
              [[r["operations"], r["bundle_bytes"], r["rps"], r["p99_ms"], r["non_2xx"],
                r["socket_errors"], r["load_ms"], r["rss_mib"]]
               for r in summary.get("scale", [])]),
        "",
        scale_note(summary.get("scale", []), summary.get("scale_ratios")),
        "",
        "## 4. Split accuracy at weight 10 (sequential requests, fresh process per round)",
        "",
        table(["system", "method", "requests", "share on target (median)",
               "on target in the first 20 (per round)", "not 200"],
              [[r["system"], r["method"], r["requests"], fmt(r["target_share"], 3),
                ", ".join(str(x) for x in r["first_20_target"]), r["not_200"]]
               for r in summary.get("split", [])]),
        "",
        "## 5. Where the time goes (64 connections, CPU time of the proxy process and "
        "its workers per request)",
        "",
        table(["system", "req/s", "user µs/request", "system µs/request",
               "total µs/request"],
              [[c["system"], c["rps"], c["user_us_per_request"], c["system_us_per_request"],
                (c["user_us_per_request"] or 0) + (c["system_us_per_request"] or 0)]
               for c in summary.get("cpu", [])]),
        "",
    ]
    proxies = [c for c in summary.get("instructions", []) if c["system"] != "upstream"]
    if proxies:
        counted = {c["system"]: c["per_request"] for c in proxies if c["bundle"] == "canary"}
        base = counted.get("nginx-split")
        parts += [
            "User-space instructions per proxied request, counted by callgrind (one "
            "worker each, 8 connections, after a warm-up; independent of the machine's "
            "load). `canary`: the one-operation canary of the throughput scenario; "
            "`N operations`: the scale scenario's bundles, every operation in turn:", "",
            table(["system", "bundle", "requests", "instructions/request", "× nginx-split"],
                  [[c["system"], c["bundle"], c["requests"], c["per_request"],
                    fmt(c["per_request"] / base, 2) if base else "–"]
                   for c in proxies]),
            ""]
    share = upstream_share(summary)
    if share:
        parts += [share, ""]
    cost = access_log_cost(summary)
    if cost:
        parts += [cost, ""]
    if summary.get("profile"):
        profile = summary["profile"]
        parts += ["User-space CPU of switchyard-proxy under that load by component "
                  "(`perf record -e cpu-clock:u`, self time):", "",
                  table(["component", "share of user time %"],
                        [[name, pct] for pct, name in profile["components"]]),
                  "", "Hottest symbols:", "", "```"]
        parts += [f"{pct:6.2f}%  {symbol[:110]}" for pct, symbol in profile["top"]]
        parts += ["```", ""]
    parts += [
        "## 6. The compiler at scale (wall time and peak RSS of one process, medians)",
        "",
        "`switchyard build` on generated repositories (services × 2 environments × 20 "
        "operations):",
        "",
        table(["services", "operations", "seconds", "peak RSS MiB", "exit codes"],
              [[c["services"], c["services"] * 2 * 20, fmt(c["seconds"], 3),
                c["max_rss_mib"], ", ".join(str(e) for e in c["exits"])]
               for c in summary.get("compiler", [])]),
        "",
        "`switchyard compare` beside `openapi-diff` (npm) on the same pairs (exit 1: a "
        "breaking change found, unless an error is shown; `–` seconds: stopped at the "
        "time-out):",
        "",
        table(["tool", "pair", "runs", "seconds", "peak RSS MiB", "timed out", "exit codes",
               "error"],
              [[c["system"], c["pair"], c["rounds"], fmt(c["seconds"], 3), c["max_rss_mib"],
                c["timed_out"], ", ".join(str(e) for e in c["exits"]),
                "`" + c["error"].replace("|", "\\|") + "`" if c["error"] else ""]
               for c in summary.get("compare", [])]),
        "",
    ]
    if meta.get("notes"):
        parts += ["## Notes", ""] + [f"- {n}" for n in meta["notes"]] + [""]
    return "\n".join(parts)


def upstream_share(summary):
    """The sentence on what each proxy's forwarded request costs the upstream, or None."""
    behind = {c["bundle"]: c["per_request"] for c in summary.get("instructions", [])
              if c["system"] == "upstream"}
    nginx, switchyard = behind.get("behind nginx-plain"), behind.get("behind switchyard")
    if not nginx or not switchyard:
        return None
    return ("What the forwarded request costs the server behind the proxy (the upstream "
            "nginx, one process on ports of its own, under callgrind, 8 connections): "
            f"{nginx:,} instructions per request behind nginx-plain, {switchyard:,} behind "
            f"switchyard ({fmt(switchyard / nginx, 2)}×; switchyard's request carries its "
            "request id, forwarding chain and version tags). On a machine where the "
            "upstream shares the proxy's CPUs, this counts against the proxy's req/s.")


def access_log_cost(summary):
    """A sentence on what the access log costs: switchyard with it on beside off, in
    instructions (repeatable) and in wall-clock throughput (noisy on a shared machine)."""
    counted = {c["system"]: c["per_request"] for c in summary.get("instructions", [])
               if c["bundle"] == "canary"}
    cpu = {c["system"]: c for c in summary.get("cpu", [])}
    parts = []
    if counted.get("switchyard") and counted.get("switchyard-no-log"):
        parts.append(f"{counted['switchyard'] / counted['switchyard-no-log']:.3f}× the "
                     f"instructions per request ({counted['switchyard']:,} against "
                     f"{counted['switchyard-no-log']:,}, callgrind)")
    on, off = cpu.get("switchyard"), cpu.get("switchyard-no-log")
    if on and off and off["rps"]:
        total = lambda c: (c["user_us_per_request"] or 0) + (c["system_us_per_request"] or 0)
        parts.append(f"{on['rps'] / off['rps']:.3f}× the req/s and "
                     f"{total(on) / total(off):.3f}× the CPU per request under wrk")
    if not parts:
        return None
    return ("Cost of the access log (`switchyard` logs every request to a file, "
            "`switchyard-no-log` runs with `--access-log off`; both have metrics and the "
            "status page's recorders on): with it, " + "; ".join(parts) + ".")


def read_records(path):
    """Every measurement of a results file."""
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def best_rps(args):
    """Prints the best median req/s of the given systems."""
    rows = [t for t in summarise(read_records(args.results)).get("throughput", [])
            if t["system"] in args.systems]
    if not rows:
        sys.exit("no throughput measurements of " + ", ".join(args.systems))
    print(round(max(t["rps"] for t in rows)))


def render(args):
    """Writes report.json and report.md, prints the report, exits with the verdict."""
    records = read_records(args.results)
    meta = json.loads(Path(args.meta).read_text())
    summary = summarise(records)
    goals = verdicts(summary)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(
        {"meta": meta, "summary": summary, "goals": goals, "raw": records}, indent=1) + "\n")
    (out / "report.md").write_text(markdown(meta, summary, goals))
    print((out / "report.md").read_text())
    if args.smoke:
        expected = [r for s in args.smoke for r in RECORDED[s]]
        problems = smoke_problems(records, expected)
        for p in problems:
            print(f"smoke: {p}", file=sys.stderr)
        sys.exit(1 if problems else 0)
    missed = [g["goal"] for g in goals if not g["met"]]
    for goal in missed:
        print(f"goal missed: {goal}", file=sys.stderr)
    sys.exit(1 if missed and not args.no_goals else 0)


def main():
    """Dispatches the subcommands."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("record")
    for name in ["file", "scenario", "system", "variant"]:
        p.add_argument(name)
    p.add_argument("round", type=int)
    p.add_argument("fields", nargs="*", metavar="KEY=JSON")
    p = commands.add_parser("h2load")
    p.add_argument("log")
    p = commands.add_parser("perf-top")
    p.add_argument("report")
    p = commands.add_parser("best-rps")
    p.add_argument("results")
    p.add_argument("systems", nargs="+")
    p = commands.add_parser("render")
    p.add_argument("results")
    p.add_argument("meta")
    p.add_argument("out")
    p.add_argument("--smoke", nargs="+", choices=list(RECORDED), metavar="SCENARIO",
                   help="smoke checks only; the scenarios that must have run")
    p.add_argument("--no-goals", action="store_true")
    args = parser.parse_args()
    {"record": record, "h2load": h2load, "best-rps": best_rps, "perf-top": perf_top,
     "render": render}[args.command](args)


if __name__ == "__main__":
    main()
