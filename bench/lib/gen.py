#!/usr/bin/env python3
"""Generates a small Switchyard configuration repository for one benchmark scenario.

The repository has one environment (`bench-staging`) with two upstreams, `current`
and `target`, and one service (`bench`) whose v1 OpenAPI document declares `--ops`
GET operations with templated paths (`/g{i//100}/r{i}/{id}`). With `--weight`, v1
carries a running canary release task towards `target`. The real compiler turns the
repository into a bundle, so bundles are always valid (format and content hash).

Besides the repository it writes `paths.txt`: one concrete request path per
operation (what the wrk script cycles through).
"""

import argparse
import json
from pathlib import Path

ENVIRONMENT = "bench-staging"
SERVICE = "bench"


def template(index: int) -> str:
    """The OpenAPI path template of operation `index` (relative to the base path)."""
    return f"/g{index // 100}/r{index}/{{id}}"


def openapi(ops: int, version: str) -> dict:
    """An OpenAPI 3.0 document with `ops` GET operations under `/v1`."""
    operation = {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {"200": {"description": "ok"}},
    }
    paths = {
        template(i): {"get": {"operationId": f"get{i}", **operation}} for i in range(ops)
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Bench", "version": version},
        "servers": [{"url": "http://bench.local/v1"}],
        "paths": paths,
    }


def manifest(weight: int | None) -> str:
    """The release manifest of the `bench` service (a canary when `weight` is set)."""
    text = (
        f'service = "{SERVICE}"\n\n'
        "[versions.v1]\n"
        'openapi = "../apis/bench/v1.json"\n'
        'upstream = "current"\n'
        'status = "published"\n'
    )
    if weight is not None:
        text += (
            "\n[versions.v1.release]\n"
            'task = "bench-canary"\n'
            'strategy = "canary"\n'
            'target = "target"\n'
            f"weight = {weight}\n"
            'status = "running"\n'
        )
    return text


def environment(current: str, target: str) -> str:
    """`environment.toml` with the two upstreams."""
    return (
        f'name = "{ENVIRONMENT}"\n'
        'domain = "bench.local"\n\n'
        f'[upstreams.current]\nendpoints = ["{current}"]\n\n'
        f'[upstreams.target]\nendpoints = ["{target}"]\n'
    )


def write(root: Path, args: argparse.Namespace) -> None:
    """Writes the repository and `paths.txt` under `root`."""
    (root / "apis" / "bench").mkdir(parents=True, exist_ok=True)
    (root / ENVIRONMENT).mkdir(parents=True, exist_ok=True)
    document = openapi(args.ops, args.version)
    (root / "apis" / "bench" / "v1.json").write_text(json.dumps(document, indent=1))
    (root / ENVIRONMENT / "environment.toml").write_text(
        environment(args.current, args.target)
    )
    (root / ENVIRONMENT / f"{SERVICE}.toml").write_text(manifest(args.weight))
    paths = [f"/v1{template(i).replace('{id}', str(i))}" for i in range(args.ops)]
    (root / "paths.txt").write_text("\n".join(paths) + "\n")


def main() -> None:
    """Parses the flags and writes the repository."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="folder to write the repository into")
    parser.add_argument("--current", required=True, help="HOST:PORT of the current upstream")
    parser.add_argument("--target", required=True, help="HOST:PORT of the target upstream")
    parser.add_argument("--ops", type=int, default=1, help="number of operations")
    parser.add_argument("--weight", type=int, help="canary weight (percent); no release if absent")
    parser.add_argument("--version", default="1.0", help="info.version of v1")
    args = parser.parse_args()
    write(args.root, args)


if __name__ == "__main__":
    main()
