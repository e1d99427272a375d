#!/usr/bin/env bash
# Real-browser test of 'audreg serve' (Debian's chromium + chromium-driver + python3-selenium, the harness
# of integration/site/): serves a starter registry on 127.0.0.1, edits it, breaks it and fixes it while
# headless Chromium shows a service page, which must follow without a manual reload. Takes seconds.
# Usage: integration/serve.sh   (AUDREG=path/to/audreg to test another binary; SCRATCH=.build-x for swift build)
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
"$python" integration/serve/browser_test.py --audreg "$bin"
