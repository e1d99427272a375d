#!/usr/bin/env bash
# The release archive works where Swift is not installed (issue 29): scripts/release.sh builds it, the
# binary needs nothing beyond glibc and zlib, runs with an empty environment from an empty folder
# (so the templates, control catalogs and schema come from inside it) and gives byte for byte the
# debug binary's `validate --format json` and `build`; the bash completion loads, the manual renders,
# and --version names the commit it was built from.
# Needs .build/debug/audreg (scripts/test.sh builds it first). A cold release build takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
debug=$root/.build/debug/audreg
[[ -x "$debug" ]] || { echo "FAIL: $debug is missing: run swift build first"; exit 1; }

passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }

# With an argument it checks that archive (made by scripts/release.sh earlier) instead of building one.
if [[ $# -ge 1 ]]; then
  archive=$1; checksum=$1.sha256; expected_commit=""
else
  outputs=$(scripts/release.sh | tail -2)
  archive=$(sed -n 1p <<<"$outputs"); checksum=$(sed -n 2p <<<"$outputs")
  expected_commit=$(git rev-parse HEAD)
fi
[[ -f "$archive" && -f "$checksum" ]] || { echo "FAIL: scripts/release.sh did not name its archive and checksum"; exit 1; }
version=$(sed -n 's/^ *public static let current = "\([^"]*\)"$/\1/p' Sources/AudregCore/Reporting/AudregVersion.swift)
[[ "$(basename "$archive")" == "audreg-$version-linux-$(uname -m).tar.gz" ]] && ok "archive named $(basename "$archive")" || fail "archive name $(basename "$archive")"
(cd "$(dirname "$archive")" && sha256sum -c --quiet "$(basename "$checksum")") && ok "sha256 file checks the archive" || fail "sha256 file does not match the archive"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work"
dir=$work/$(basename "$archive" .tar.gz)
bin=$dir/bin/audreg

# Only the C library's parts and zlib (libyaml and libexpat too where they could not be linked statically).
allowed='^(linux-vdso\.so|/lib64/ld-linux|ld-linux|libc\.so|libm\.so|libpthread\.so|libdl\.so|librt\.so|libz\.so|libutil\.so)'
libyaml_a=$(dpkg -L libyaml-dev | sed -n '/\/libyaml\.a$/p')
[[ -z "$libyaml_a" ]] && allowed="${allowed%)}|libyaml-0\.so)"
libexpat_a=$(dpkg -L libexpat1-dev | sed -n '/\/libexpat\.a$/p')
[[ -z "$libexpat_a" ]] && allowed="${allowed%)}|libexpat\.so)"
needed=$(ldd "$bin" | awk '{print $1}')
extra=$(awk -v allowed="$allowed" '$0 !~ allowed' <<<"$needed")
[[ -z "$extra" ]] && ok "ldd: needs only $(tr '\n' ' ' <<<"$needed")" || fail "ldd: needs $(tr '\n' ' ' <<<"$extra")"
file "$bin" | grep -q "stripped" && ! file "$bin" | grep -q "not stripped" && ok "binary is stripped" || fail "binary is not stripped"

# An empty folder to run in, and a copy of the example registry beside it: nothing of the source tree
# is reachable by a relative path, and env -i leaves no PATH, HOME or LD_LIBRARY_PATH.
mkdir "$work/empty" "$work/out"
cp -R registry "$work/registry"
cd "$work/empty"
set +e
env -i "$bin" validate ../registry --format json > "$work/out/release.json" 2> "$work/out/release.err"; release_rc=$?
"$debug" validate ../registry --format json > "$work/out/debug.json" 2> "$work/out/debug.err"; debug_rc=$?
# The same arguments for both builds (the first site is moved aside), in case a page names its folder.
env -i "$bin" build ../registry --out ../site > "$work/out/release-build.txt" 2>&1; release_build_rc=$?
mv ../site ../site-release 2>/dev/null
"$debug" build ../registry --out ../site > "$work/out/debug-build.txt" 2>&1; debug_build_rc=$?
mv ../site ../site-debug 2>/dev/null
set -e
cd "$root"
[[ -z "$(ls -A "$work/empty")" ]] || fail "the empty folder got files: $(ls -A "$work/empty")"
if [[ $release_rc -eq $debug_rc ]] && cmp -s "$work/out/release.json" "$work/out/debug.json" && [[ -s "$work/out/release.json" ]]; then
  ok "validate --format json under env -i is byte-identical to the debug binary's (exit $release_rc)"
else
  fail "validate --format json differs (exit $release_rc vs $debug_rc): $(head -c 300 "$work/out/release.err")"
fi
# The incremental build's manifest names the audreg version that wrote it (line 2), so that another
# version renders every page; the two binaries differ there and nowhere else. The record of the site's
# files (inodes and times) differs on every build, so it is only required to be there.
manifest=.audreg-manifest
stamps=.audreg-manifest-stat
if [[ $release_build_rc -eq 0 && $debug_build_rc -eq 0 ]] \
  && [[ -f "$work/site-release/$stamps" && -f "$work/site-debug/$stamps" ]] \
  && diff -r --exclude="$manifest" --exclude="$stamps" "$work/site-release" "$work/site-debug" > "$work/out/site.diff" \
  && diff <(sed 2d "$work/site-release/$manifest") <(sed 2d "$work/site-debug/$manifest") >> "$work/out/site.diff" \
  && [[ "$(sed -n 2p "$work/site-release/$manifest")" == "version $("$bin" --version)" ]] \
  && [[ -f "$work/site-release/index.html" ]]; then
  ok "build under env -i writes the same site as the debug binary ($(find "$work/site-release" -type f | wc -l) files; the manifest names each binary's version)"
else
  fail "build differs (exit $release_build_rc vs $debug_build_rc): $(head -c 300 "$work/out/release-build.txt"; head -c 300 "$work/out/site.diff")"
fi

# The commit it names is one git knows (HEAD when this script built it), and the date is that commit's
# date, not the time of the build.
version_line=$(env -i "$bin" --version)
if [[ "$version_line" =~ ^audreg\ $version\ \(commit\ ([0-9a-f]{40}),\ built\ ([0-9T:Z-]+)\)$ ]] \
  && built_commit=${BASH_REMATCH[1]} && built_date=${BASH_REMATCH[2]} \
  && [[ -z "$expected_commit" || "$built_commit" == "$expected_commit" ]] \
  && [[ "$built_date" == "$(TZ=UTC0 git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd "$built_commit" 2>/dev/null)" ]]; then
  ok "--version: $version_line"
else
  fail "--version says '$version_line'"
fi
[[ "$("$debug" --version)" == "audreg $version (commit unknown, "* ]] && ok "a development build says its commit is unknown" || fail "debug --version: $("$debug" --version)"

for shell_file in audreg.bash _audreg audreg.fish; do
  [[ -s "$dir/completions/$shell_file" ]] || fail "completions/$shell_file is missing or empty"
done
if env -i bash --norc --noprofile -c "source '$dir/completions/audreg.bash' && complete -p audreg" | grep -q "audreg$"; then
  ok "bash loads the completion script (complete -p audreg)"
else
  fail "bash did not register a completion for audreg"
fi
page=$dir/man/man1/audreg.1
# A failing man is recorded with its stderr and counted as a failed check below, so that the
# remaining checks still run and the summary line is printed.
if ! rendered=$(MANWIDTH=100 man -l "$page" 2>"$work/out/man.err" | col -b); then echo "man -l exited non-zero" >>"$work/out/man.err"; fi
if [[ ! -s "$work/out/man.err" ]] && grep -q "^NAME" <<<"$rendered" && grep -q "audreg validate" <<<"$rendered" && grep -q -- "--format" <<<"$rendered"; then
  ok "man -l renders the manual page ($(wc -l <<<"$rendered") lines, every command)"
else
  fail "man -l: $(head -c 300 "$work/out/man.err")"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
