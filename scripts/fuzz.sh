#!/usr/bin/env bash
# Builds audreg's libFuzzer targets (address sanitizer on) and runs each for a chosen time.
# Usage: scripts/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]   (default 30 s; targets: yaml validate config)
# Crashes are written to .build/fuzz/<target>/crash-*; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}; shift || true
targets=("$@"); [[ ${#targets[@]} -eq 0 ]] && targets=(yaml validate config)
scripts/install-deps.sh build

# The loader, rules and reporters need only Foundation and libyaml, so they are compiled straight
# from their folders; network, JWT and template code stays out of the fuzz binaries.
library_sources=$(find Sources/AudregKit/{YAML,Registry,Findings,Rules,Support,Controls,Reporting,Generated,Drift/Rules} \
  Sources/AudregKit/Drift/DriftExample.swift Sources/AudregKit/Drift/Config -name '*.swift' ! -name DeploymentChecker.swift | sort)
mkdir -p .build/fuzz
for target in "${targets[@]}"; do
  case "$target" in
    yaml) entry=Fuzz/YAMLLoaderFuzz.swift ;;
    validate) entry=Fuzz/ValidateFuzz.swift ;;
    config) entry=Fuzz/ConfigReaderFuzz.swift ;;
    *) echo "unknown fuzz target '$target' (yaml, validate, config)" >&2; exit 2 ;;
  esac
  binary=.build/fuzz/$target
  swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name AudregKit \
    -I Sources/CYAML -Xcc -I/usr/include -lyaml $library_sources "$entry" -o "$binary"
  mkdir -p ".build/fuzz/$target-artifacts" ".build/fuzz/$target-corpus"
  echo "== fuzzing $target for $seconds s" >&2
  # Leak detection is off: Swift's lazily initialized globals (the schema, the catalogs) live until
  # exit by design, and LeakSanitizer reports each of them.
  ASAN_OPTIONS=detect_leaks=0 "$binary" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len=65536 -detect_leaks=0 -print_final_stats=1 \
    -artifact_prefix=".build/fuzz/$target-artifacts/" ".build/fuzz/$target-corpus" "Fuzz/corpus/$target" 2>&1 | grep -E "ERROR|SUMMARY|Done|stat::number_of_executed_units|stat::peak_rss" || true
  if ls ".build/fuzz/$target-artifacts/" | grep -qE "^(crash|timeout|oom|leak)-"; then
    echo "fuzz target $target found problems: see .build/fuzz/$target-artifacts/" >&2
    exit 1
  fi
done
