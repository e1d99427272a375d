#!/usr/bin/env bash
# Real-browser tests of the built site (Debian's chromium + chromium-driver + python3-selenium):
# builds the example registry and a hostile registry, then drives headless Chromium over file:// and
# a local HTTP server on 127.0.0.1. Screenshots go to .artifacts/site/.
# Usage: integration/site.sh   (AUDREG=path/to/audreg to test another binary; SCRATCH=.build-x for swift build)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
scratch=(); [[ -n "${SCRATCH:-}" ]] && scratch=(--scratch-path "$SCRATCH")
bin="${AUDREG:-}"
if [[ -z "$bin" ]]; then
  swift build "${scratch[@]}" --product audreg 2>&1 | sed '/^\[/d' >&2
  bin="$(swift build "${scratch[@]}" --show-bin-path)/audreg"
fi
# Debian's python3-selenium lives in the system interpreter, not in a pyenv or venv one.
python=/usr/bin/python3; [[ -x "$python" ]] || python=python3
"$python" integration/site/browser_test.py --audreg "$bin"
