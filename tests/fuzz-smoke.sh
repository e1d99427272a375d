#!/usr/bin/env bash
# A short fuzz run of every libFuzzer target (20 s each) as part of the test suite; the long runs
# (10 minutes a target) are `scripts/fuzz.sh 600`. Any crash, hang or sanitizer report fails it.
# jwks builds its SwiftPM package (Fuzz/JWKS) first: about 9 minutes from scratch on 2 cores, which
# CI's 90 minutes allow.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
targets=(yaml validate config jwks encoders)
passed=0; failed=0
for target in "${targets[@]}"; do
  rm -rf ".build/fuzz/$target-artifacts"
  if scripts/fuzz.sh "$seconds" "$target" 2>&1 | grep -vE "ld.gold|^/usr/bin/ld" | tail -4; then :; fi
  if ls ".build/fuzz/$target-artifacts/" 2>/dev/null | grep -qE "^(crash|timeout|oom|leak)-"; then
    failed=$((failed + 1)); echo "FAIL: fuzz target $target (see .build/fuzz/$target-artifacts/)"
  elif [[ -x ".build/fuzz/$target" ]]; then
    passed=$((passed + 1)); echo "ok: fuzz target $target ran $seconds s without a finding"
  else
    failed=$((failed + 1)); echo "FAIL: fuzz target $target did not build"
  fi
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
