#!/usr/bin/env bash
# Output-directory hardening of `audreg build`, as a user meets it: a full disk, a read-only folder,
# a symbolic link planted inside --out, and SIGINT / SIGTERM in the middle of a build. Each must end
# with a clear error, the previous site intact, nothing written outside --out, and no temporary folder
# left behind. Runs in a private mount namespace (tmpfs mounts vanish with it). Prints "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${AUDREG_HARDENING_NAMESPACE:-}" != 1 ]]; then
  # CI runs as root. Elsewhere this is an error, not a skip: a suite that passes without running these
  # checks would say nothing about them.
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "FAIL: hardening needs root for its tmpfs mounts: run sudo bash $0" >&2; exit 1
  fi
  if ! unshare -m true; then
    echo "FAIL: hardening needs mount namespaces (unshare -m, util-linux) for its tmpfs mounts" >&2; exit 1
  fi
  swift build --product audreg 2>&1 | sed '/^\[/d' >&2
  exec unshare -m env AUDREG_HARDENING_NAMESPACE=1 bash "$0" "$@"
fi

audreg="$PWD/.build/debug/audreg"
work=$(mktemp -d)
# umount fails when the script stopped before mounting (or the namespace already dropped the mount);
# cleanup must still remove the folder.
trap 'umount "$work/disk" 2>/dev/null || true; rm -rf "$work"' EXIT
passed=0; failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
# The site's bytes, without .audreg-manifest-stat: that record holds each file's inode and times, so a
# build that rewrites the site changes it even when every page and the manifest come out the same.
fingerprint() { (cd "$1" && find . -type f ! -name .audreg-manifest-stat -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }
no_temporaries() { ! ls -a "$1" | grep -q '\.tmp-'; }

# A small tmpfs, with the example site built into it as "the previous site".
mkdir -p "$work/disk" "$work/outside"
mount -t tmpfs -o size=32m tmpfs "$work/disk"
"$audreg" build registry --out "$work/disk/site" --today 2026-12-01 >/dev/null 2>&1
before=$(fingerprint "$work/disk/site")
echo "outside" > "$work/outside/keep.txt"

# 1. Disk full: fill the tmpfs, leaving too little room for a second site. --full renders every page: an
#    incremental build would link the unchanged pages of the previous site and need almost no room.
used=$(du -sk "$work/disk/site" | cut -f1)
free=$(df -k --output=avail "$work/disk" | tail -1)
fill=$(( free - used / 2 ))
if (( fill > 0 )); then dd if=/dev/zero of="$work/disk/filler" bs=1k count="$fill" status=none; fi
set +e; "$audreg" build registry --out "$work/disk/site" --today 2026-12-01 --full >"$work/out.txt" 2>"$work/err.txt"; status=$?; set -e
if [[ $status -eq 2 ]] && grep -qiE "space|cannot write" "$work/err.txt" && [[ "$(fingerprint "$work/disk/site")" == "$before" ]] && no_temporaries "$work/disk"; then
  pass "disk full: exit 2 with a clear error, previous site intact, no temporary folder"
else
  fail "disk full (status $status): $(head -c 300 "$work/err.txt")"
fi
rm -f "$work/disk/filler"

# 2. Read-only output folder.
mount -o remount,ro "$work/disk"
set +e; "$audreg" build registry --out "$work/disk/site" --today 2026-12-01 >/dev/null 2>"$work/err.txt"; status=$?; set -e
if [[ $status -eq 2 ]] && grep -qiE "read-only|cannot" "$work/err.txt" && [[ "$(fingerprint "$work/disk/site")" == "$before" ]]; then
  pass "read-only folder: exit 2 with a clear error, previous site intact"
else
  fail "read-only folder (status $status): $(head -c 300 "$work/err.txt")"
fi
mount -o remount,rw "$work/disk"

# 3. A symbolic link planted inside --out, pointing outside it.
ln -s "$work/outside" "$work/disk/site/planted"
ln -s "$work/outside/keep.txt" "$work/disk/site/index.md"
set +e; "$audreg" build registry --out "$work/disk/site" --today 2026-12-01 >/dev/null 2>"$work/err.txt"; status=$?; set -e
if [[ $status -eq 0 ]] && [[ "$(cat "$work/outside/keep.txt")" == "outside" ]] && [[ "$(ls "$work/outside")" == "keep.txt" ]] \
   && [[ ! -e "$work/disk/site/planted" ]] && [[ ! -L "$work/disk/site/index.md" ]] && [[ "$(fingerprint "$work/disk/site")" == "$before" ]]; then
  pass "planted symbolic links: nothing written outside --out, links gone, site rebuilt"
else
  fail "planted symbolic links (status $status): $(ls -la "$work/outside" "$work/disk/site" | head -20)"
fi

# 4. SIGINT and SIGTERM during a long build.
"$audreg" generate --services 4000 --out "$work/big" 2>/dev/null
mkdir -p "$work/signals"
"$audreg" build registry --out "$work/signals/site" --today 2026-12-01 >/dev/null 2>&1
before=$(fingerprint "$work/signals/site")
for signal in INT TERM; do
  "$audreg" build "$work/big" --out "$work/signals/site" --today 2026-12-01 --fail-on never >/dev/null 2>"$work/err.txt" &
  pid=$!
  for _ in $(seq 1 600); do ls -a "$work/signals" | grep -q '\.tmp-' && break; sleep 0.05; done
  sleep 0.3
  kill -s "$signal" "$pid"
  set +e; wait "$pid"; status=$?; set -e
  [[ "$signal" == INT ]] && expected=130 || expected=143
  if [[ $status -eq $expected ]] && [[ "$(fingerprint "$work/signals/site")" == "$before" ]] && no_temporaries "$work/signals"; then
    pass "SIG$signal during a build: exit $status, previous site intact, no temporary folder"
  else
    fail "SIG$signal during a build: status $status (expected $expected); $(ls -a "$work/signals" | tr '\n' ' '); $(head -c 200 "$work/err.txt")"
  fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
