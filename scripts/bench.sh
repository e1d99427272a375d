#!/usr/bin/env bash
# The benchmark command: release build, the libyaml floor program, then Benchmarks/run.py.
# Usage: scripts/bench.sh [--quick]   (--quick: 1k and 10k services only)
#        scripts/bench.sh --history   (only the trust-history benchmark: build --history 200 over 1,000 services)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
for tool in hugo /usr/bin/time; do
  command -v "$tool" >/dev/null || { [[ "$(id -u)" -eq 0 ]] && apt-get install -y -qq hugo time >/dev/null; }
done
python3 -c "import yaml; yaml.CSafeLoader" 2>/dev/null || { [[ "$(id -u)" -eq 0 ]] && apt-get install -y -qq python3-yaml >/dev/null; }
# The drift figures come from tests/drift-nginx.sh (nginx over TLS on loopback).
for package in nginx curl python3-cryptography; do
  dpkg -s "$package" >/dev/null 2>&1 || { [[ "$(id -u)" -eq 0 ]] && apt-get install -y -qq "$package" >/dev/null; }
done
swift build -c release --product audreg 2>&1 | { grep -v '^\[' || true; } >&2
if [[ "${1:-}" == "--history" ]]; then
  exec python3 Benchmarks/history.py --audreg .build/release/audreg
fi
cc -O2 -o .build/libyaml-floor Benchmarks/libyaml-floor.c $(pkg-config --cflags --libs yaml-0.1)
python3 Benchmarks/run.py "$@"
