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
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
drift="$work/drift.json"
status=0
"$bin" drift registry --offline Tests/Fixtures/drift/example-offline --format json --today "$today" >"$drift" || status=$?
[[ $status -le 1 ]] || exit "$status"
# The site is built from the example's scripted history (scripts/example-history.sh: a new repository
# whose commits replay a short story and end in exactly registry/, with fixed names and dates), not
# from this repository's: the test suite may run without git history, a commit that changes registry/
# and site/ together could not name itself, and a shallow clone has another history. So the commit
# hashes, dates, last changes and trust history are the same on every clone. The first commit is the
# starting point, so the history shows the others. Source links name the project and its main branch;
# the scripted commits are not on GitHub, so no link names one (--no-commit-links).
commits=$(scripts/example-history.sh "$work/history")
site="$PWD/site" templates="$PWD/templates"
(cd "$work/history" && "$bin" build registry --full --out "$site" --templates "$templates" --today "$today" --layout auto \
  --drift-report "$drift" --history $((commits - 1)) --repo-url https://github.com/audreg/audreg --ref main --no-commit-links)
