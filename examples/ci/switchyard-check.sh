#!/usr/bin/env bash
# Switchyard's pull-request check for any CI: the plain-shell equivalent of
# examples/github-actions/switchyard.yml.
#
#   switchyard-check.sh [ROOT]
#
# ROOT            the configuration root (default: environments)
# SWITCHYARD      the switchyard binary (default: switchyard on PATH; build it with
#                 `cargo install --locked --path compiler` in a Switchyard checkout)
# SWITCHYARD_BASE the base revision (default: origin/main); the clone needs its history
# SWITCHYARD_OUT  where the reports go (default: switchyard-report)
#
# Prints the findings for people, then writes $SWITCHYARD_OUT/switchyard.sarif,
# $SWITCHYARD_OUT/diagnostics.json and $SWITCHYARD_OUT/plan.md (post it as a review
# comment). Exits with check's code: 0 clean (warnings allowed), 1 errors found,
# 2 could not run.
set -euo pipefail

root="${1:-environments}"
switchyard="${SWITCHYARD:-switchyard}"
base="${SWITCHYARD_BASE:-origin/main}"
out="${SWITCHYARD_OUT:-switchyard-report}"

if ! git rev-parse --verify --quiet "${base}^{commit}" >/dev/null; then
  echo "switchyard-check: base revision '${base}' is not in this clone;" \
    "fetch it (git fetch origin main, or clone with full history) or set SWITCHYARD_BASE" >&2
  exit 2
fi

# Runs a command whose exit code 1 only means "findings" (already reported by the
# first check); anything above 1 means it could not run and ends the script.
tolerate_findings() {
  local status=0
  "$@" || status=$?
  if [ "$status" -gt 1 ]; then
    exit "$status"
  fi
}

mkdir -p "$out"

status=0
"$switchyard" check "$root" --base "$base" || status=$?
if [ "$status" -gt 1 ]; then
  exit "$status"
fi

tolerate_findings "$switchyard" check "$root" --base "$base" --format sarif >"$out/switchyard.sarif"
tolerate_findings "$switchyard" check "$root" --base "$base" --format json >"$out/diagnostics.json"
"$switchyard" diff "$root" --base "$base" --format markdown >"$out/plan.md"

echo "switchyard-check: reports in $out/ (check exit code $status)"
exit "$status"
