#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/apt-packages-<set>.txt that are missing.
# Usage: scripts/install-deps.sh build|test|bench
# As root it runs apt-get; otherwise it names the packages to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-build}" in
  build) sets=(build) ;;
  test) sets=(build test) ;;
  bench) sets=(build bench) ;;
  *) echo "usage: scripts/install-deps.sh build|test|bench" >&2; exit 2 ;;
esac

missing=()
for set in "${sets[@]}"; do
  while read -r package; do
    package="${package%%#*}"; package="${package// /}"
    [[ -z "$package" ]] && continue
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done < "scripts/apt-packages-$set.txt"
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ "$(id -u)" -ne 0 ]]; then
  echo "audreg needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them once if an install fails for that reason.
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/audreg-apt.log 2>&1; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/audreg-apt.log 2>&1 || { cat /tmp/audreg-apt.log >&2; exit 1; }
fi
