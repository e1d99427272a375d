#!/usr/bin/env bash
# Builds audreg's libFuzzer targets (address sanitizer on) and runs each for a chosen time.
# Usage: scripts/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]   (default 30 s; targets: yaml validate config jwks encoders)
# Crashes are written to .build/fuzz/<target>-artifacts/crash-*; turn each into a regression test.
# yaml, validate, config and encoders share one binary, .build/fuzz/audreg-fuzz (AUDREG_FUZZ_TARGET=<target>).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
if [[ $# -gt 0 ]]; then shift; fi
targets=("$@"); [[ ${#targets[@]} -eq 0 ]] && targets=(yaml validate config jwks encoders)
scripts/install-deps.sh build

# The fuzzed target needs only Foundation, libyaml and libexpat (Package.swift keeps AudregCore free of
# network and template code), so it is compiled from exactly its own folder, as its own module
# (more targets go in this list in dependency order); the fuzz entry points import it.
swiftc_modules=(AudregCore)
mkdir -p .build/fuzz
needs_swiftc=no
for target in "${targets[@]}"; do
  case "$target" in
    yaml|validate|config|encoders) needs_swiftc=yes ;;
    jwks) ;;
    *) echo "unknown fuzz target '$target' (yaml, validate, config, jwks, encoders)" >&2; exit 2 ;;
  esac
done
# yaml, validate, config and encoders live in one binary (Fuzz/FuzzMain.swift picks the target from
# AUDREG_FUZZ_TARGET), so the library is compiled with the sanitizers once, not once per target.
swiftc_binary=.build/fuzz/audreg-fuzz
# A binary left from an earlier build must never stand in for one that no longer compiles.
if [[ $needs_swiftc == yes ]]; then
  rm -f "$swiftc_binary"
  modules=.build/fuzz/modules
  rm -rf "$modules"
  mkdir -p "$modules"
  swift_flags=(-O -sanitize=fuzzer,address -parse-as-library -package-name audreg -enable-testing -I "$modules" -I Sources/CYAML -I Sources/CExpat -Xcc -I/usr/include)
  libraries=()
  for module in "${swiftc_modules[@]}"; do
    mapfile -t sources < <(find "Sources/$module" -name '*.swift' | sort)
    swiftc "${swift_flags[@]}" -module-name "$module" -emit-module -emit-module-path "$modules/$module.swiftmodule" \
      -emit-library -static -o "$modules/lib$module.a" "${sources[@]}"
    libraries+=("$modules/lib$module.a")
  done
  swiftc "${swift_flags[@]}" -module-name AudregFuzz Fuzz/*.swift "${libraries[@]}" -lyaml -lexpat -o "$swiftc_binary"
fi
problems=()
for target in "${targets[@]}"; do
  binary=$swiftc_binary
  if [[ "$target" == jwks ]]; then
    entry=Fuzz/JWKS
    binary=.build/fuzz/jwks
    rm -f "$binary"
    # The JWKS analyzer needs jwt-kit, swift-crypto and swift-certificates, which only SwiftPM builds,
    # so this target is a package of its own that depends on this one by path. Its build folder stays
    # under .build (out of git, and apart from the main build, which has other flags); the flags reach
    # every Swift module, so the dependencies are instrumented too. libFuzzer runs from the package's
    # main.swift, since SwiftPM links an executable's own entry point as main. Progress lines are
    # dropped (a first build prints about 900); SwiftPM's Package.resolved for it is not kept.
    jwks_build=(swift build --package-path "$entry" --scratch-path .build/fuzz/jwks-build -c release -Xswiftc -sanitize=fuzzer,address)
    # SwiftPM reuses its build plan for a path dependency and misses source files added to it since
    # ("cannot find 'X' in scope"); removing the plan makes it plan again and keeps compiled modules.
    rm -f .build/fuzz/jwks-build/release.yaml
    status=0
    "${jwks_build[@]}" 2>&1 | sed -E '/^\[[0-9]+\/[0-9]+\]/d' || status=$?
    bin_path=$("${jwks_build[@]}" --show-bin-path)
    rm -f "$entry/Package.resolved"
    [[ $status -eq 0 ]] || exit "$status"
    ln -s "$bin_path/JWKSFuzz" "$binary"
  fi
  mkdir -p ".build/fuzz/$target-artifacts" ".build/fuzz/$target-corpus"
  echo "== fuzzing $target for $seconds s" >&2
  status=0
  # Leak detection is off: Swift's lazily initialized globals (the schema, the catalogs) live until
  # exit by design, and LeakSanitizer reports each of them. Swift's own crash backtracer is off too: it
  # catches a trap (a failed precondition, an index out of range) before libFuzzer does, trips
  # AddressSanitizer in its crash handler, which then is all the report shows, and leaves a
  # swift-backtrace process behind; without it libFuzzer reports the trap with its stack.
  AUDREG_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$binary" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len=65536 -detect_leaks=0 -print_final_stats=1 \
    -artifact_prefix=".build/fuzz/$target-artifacts/" ".build/fuzz/$target-corpus" "Fuzz/corpus/$target" 2>&1 \
    | sed -nE '/ERROR|SUMMARY|Done|stat::number_of_executed_units|stat::peak_rss/p' || status=$?
  # libFuzzer exits non-zero when it finds something and then leaves an artifact; a non-zero exit
  # without one (the binary did not start, a sanitizer stopped it early) is a problem too.
  if ls ".build/fuzz/$target-artifacts/" | grep -qE "^(crash|timeout|oom|leak)-"; then
    echo "fuzz target $target found problems: see .build/fuzz/$target-artifacts/" >&2
    problems+=("$target")
  elif [[ $status -ne 0 ]]; then
    echo "fuzz target $target exited $status without leaving an artifact" >&2
    problems+=("$target")
  fi
done
# Every chosen target runs even when an earlier one found something, so one run shows them all.
[[ ${#problems[@]} -eq 0 ]]
