#!/usr/bin/env bash
# The whole test suite: installs what is missing, checks generated files, runs swift test, then the
# integration tests in integration/ (real browser, nginx, trestle, Envoy's protobufs, hardening).
# This is the README's second command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

if ! python3 scripts/embed-resources.py --check; then
  echo "Sources/AudregCore/Generated/EmbeddedControls.swift or Sources/AudregSite/Generated/EmbeddedTemplates.swift is out of date: run python3 scripts/embed-resources.py" >&2
  exit 1
fi
python3 scripts/generate-boxes.py --check

swift build --build-tests
# Build progress lines are noise in CI logs; everything else, including the closing line, is kept.
# sed cannot fail, so with pipefail the status is swift test's.
swift test 2>&1 | sed -u '/^\[[0-9]*\/[0-9]*\]/d'

# The integration tests (integration/*.sh) run the built binary against real programs; each one stops
# the suite when it fails or when something it needs is missing.
for script in integration/*.sh; do
  echo "== $script"
  bash "$script"
done
