#!/usr/bin/env bash
# A short fuzz run of every libFuzzer target (20 s each) as part of the test suite; the long runs
# (10 minutes a target) are `scripts/fuzz.sh 600`. Any crash, hang or sanitizer report fails it.
# yaml, validate, config and encoders share one binary, so the library is compiled with the
# sanitizers once; jwks builds its SwiftPM package (Fuzz/JWKS) first: about 9 minutes from scratch on
# 2 cores. Timings before and after sharing the binary are in BENCHMARKS.md ("Fuzz smoke test").
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
swiftc_targets=(yaml validate config encoders)
passed=0; failed=0
for target in "${swiftc_targets[@]}" jwks; do rm -rf ".build/fuzz/$target-artifacts"; done
check() { # target, binary
  local target=$1 binary=$2
  if ls ".build/fuzz/$target-artifacts/" 2>/dev/null | grep -qE "^(crash|timeout|oom|leak)-"; then
    failed=$((failed + 1)); echo "FAIL: fuzz target $target (see .build/fuzz/$target-artifacts/)"
  elif [[ -x "$binary" && -d ".build/fuzz/$target-artifacts" ]]; then
    passed=$((passed + 1)); echo "ok: fuzz target $target ran $seconds s without a finding"
  else
    failed=$((failed + 1)); echo "FAIL: fuzz target $target did not build or did not run"
  fi
}
# fuzz.sh runs every target it is given even after a finding, and fails at the end if any found one;
# the verdict per target comes from its artifacts folder and binary below, so its exit status is not
# needed here (check fails a target that did not build or did not run).
if scripts/fuzz.sh "$seconds" "${swiftc_targets[@]}" 2>&1 | sed -E '/ld.gold|^\/usr\/bin\/ld/d' | tail -40; then :; fi
for target in "${swiftc_targets[@]}"; do check "$target" .build/fuzz/audreg-fuzz; done
if scripts/fuzz.sh "$seconds" jwks 2>&1 | sed -E '/ld.gold|^\/usr\/bin\/ld/d' | tail -4; then :; fi
check jwks .build/fuzz/jwks
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
