#!/usr/bin/env bash
# Regenerates site/, the committed documentation site of the example registry, exactly as the test
# suite builds it (the test fails when site/ differs from a fresh build). Usage: scripts/build-site.sh
# Set SCRATCH to use another build folder (swift build --scratch-path).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scratch=(); [[ -n "${SCRATCH:-}" ]] && scratch=(--scratch-path "$SCRATCH")
swift build "${scratch[@]}" --product audreg 2>&1 | sed '/^\[/d' >&2
bin="$(swift build "${scratch[@]}" --show-bin-path)/audreg"
# The date is fixed so that "days left" and expiry columns do not change from day to day.
today=2026-12-01
# The drift pages show the example's deliberately broadened gateway, replayed from the saved
# responses in the test fixtures (drift exits 1 because it finds that drift; 2 would be a failure).
drift=$(mktemp); trap 'rm -f "$drift"' EXIT
status=0
"$bin" drift registry --offline Tests/Fixtures/drift/example-offline --format json --today "$today" >"$drift" || status=$?
[[ $status -le 1 ]] || exit "$status"
# --no-git-evidence: the test suite builds the site without git, a commit that changes the registry
# and site/ together could not name itself, and a shallow clone has another history: so no commit
# dates, no last change per file and no trust history (its page says so). The source links name the
# project and its main branch explicitly, the same on every clone.
"$bin" build registry --out site --templates templates --today "$today" --layout auto --drift-report "$drift" --no-git-evidence \
  --repo-url https://github.com/audreg/audreg --ref main
