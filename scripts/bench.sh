#!/usr/bin/env bash
# The benchmark command: release build, the libyaml floor program, then Benchmarks/run.py.
# Usage: scripts/bench.sh [--quick]   (--quick: 1k and 10k services only)
#        scripts/bench.sh --history   (only the trust-history benchmark: build --history 200 over 1,000 services)
#        scripts/bench.sh --compare BASE_BINARY [--quick]   (this build against an earlier release binary,
#                                                           side by side: is any task more than 5% slower?)
set -euo pipefail
cd "$(dirname "$0")/.."
# Hugo, /usr/bin/time, PyYAML's C loader, and nginx for the drift figures: as root they are installed,
# otherwise the script names the apt-get line to run and stops.
scripts/install-deps.sh bench
python3 -c "import yaml; yaml.CSafeLoader" || { echo "PyYAML has no C loader (yaml.CSafeLoader): install python3-yaml from Debian" >&2; exit 1; }
swift build -c release --product audreg 2>&1 | sed '/^\[/d' >&2
if [[ "${1:-}" == "--history" ]]; then
  exec python3 Benchmarks/history.py --audreg .build/release/audreg
fi
if [[ "${1:-}" == "--compare" ]]; then
  (($# >= 2)) || { echo "usage: scripts/bench.sh --compare BASE_BINARY [--quick]" >&2; exit 2; }
  exec python3 Benchmarks/compare.py "$2" .build/release/audreg "${@:3}"
fi
cc -O2 -o .build/libyaml-floor Benchmarks/libyaml-floor.c $(pkg-config --cflags --libs yaml-0.1)
python3 Benchmarks/run.py "$@"
