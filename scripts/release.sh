#!/usr/bin/env bash
# Builds the release archive: one binary that runs where Swift is not installed, its shell completions
# and its manual page.
# Usage: scripts/release.sh
# Writes .artifacts/audreg-<version>-linux-<arch>.tar.gz and, beside it, <that name>.sha256
# (`sha256sum -c` reads it). The version comes from AudregVersion.current, the one place it is written.
#
# It builds the committed HEAD, not the working tree: `git archive` copies HEAD into
# .build/release-src, BuildInfo.swift there gets the commit and the commit's date (so the same commit
# always gives the same --version), and the working tree is never written to. Commit first.
# The Swift standard library and Foundation are linked statically (--static-swift-stdlib), libyaml and
# libexpat too when libyaml-dev and libexpat1-dev ship their archives (Debian's do), and libstdc++ and
# libgcc's unwinder too; the binary then needs only glibc and zlib.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/install-deps.sh build

if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
  echo "note: the working tree has uncommitted changes; the release is built from HEAD without them" >&2
fi
commit=$(git rev-parse HEAD)
# The commit's date in UTC, not the clock: rebuilding the same commit gives the same binary's --version.
date=$(TZ=UTC0 git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd HEAD)
epoch=$(git log -1 --format=%ct HEAD)

# A fixed folder (not mktemp) so that SwiftPM's scratch folder below keeps its compiled dependencies
# from one release build to the next.
src=.build/release-src
rm -rf "$src"
mkdir -p "$src"
git archive --format=tar HEAD | tar -x -C "$src"
version=$(sed -n 's/^ *public static let current = "\([^"]*\)"$/\1/p' "$src/Sources/AudregCore/Reporting/AudregVersion.swift")
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  echo "could not read the version from AudregVersion.current in Sources/AudregCore/Reporting/AudregVersion.swift (got '$version')" >&2
  exit 1
fi
cat > "$src/Sources/AudregCore/Reporting/BuildInfo.swift" <<SWIFT
// Written by scripts/release.sh for commit $commit.
public enum BuildInfo {
    public static let commit = "$commit"
    public static let date = "$date"
}
SWIFT

# The module maps say `link "yaml"` and `link "expat"`, and the Swift runtime asks for `-lstdc++`;
# within one folder the linker takes a .so over a .a, so a folder holding only the archives, searched
# before the system's, makes it take the archives. -static-libgcc does the same for the unwinder. The binary then needs
# glibc and zlib only.
static_libs=$root/.build/release-static-libs
rm -rf "$static_libs"
mkdir -p "$static_libs"
link_flags=(-Xswiftc -L"$static_libs" -Xswiftc -Xclang-linker -Xswiftc -static-libgcc)
libstdcxx_a=$(c++ -print-file-name=libstdc++.a)
[[ -f "$libstdcxx_a" ]] || { echo "libstdc++.a is missing: install libstdc++-12-dev (scripts/apt-packages-build.txt)" >&2; exit 1; }
ln -s "$libstdcxx_a" "$static_libs/libstdc++.a"
# Empty when libyaml-dev ships no archive, which the else branch below handles (sed cannot fail, and
# install-deps.sh above made sure libyaml-dev is installed).
libyaml_a=$(dpkg -L libyaml-dev | sed -n '/\/libyaml\.a$/{p;q}')
if [[ -n "$libyaml_a" ]]; then
  ln -s "$libyaml_a" "$static_libs/libyaml.a"
  # SwiftPM turns the package's pkg-config name into `-L/usr/lib/<arch> -lyaml`, which puts the system
  # folder (with libyaml.so) first; the copy drops it, and the module map's `link "yaml"` remains.
  sed -i '/pkgConfig: "yaml-0.1",/d' "$src/Package.swift"
else
  echo "note: libyaml-dev has no libyaml.a here; the binary will need libyaml (libyaml-0-2) installed" >&2
fi
# libexpat (the XML reader) the same way: its archive in the folder, its pkg-config line dropped.
libexpat_a=$(dpkg -L libexpat1-dev | sed -n '/\/libexpat\.a$/{p;q}')
if [[ -n "$libexpat_a" ]]; then
  ln -s "$libexpat_a" "$static_libs/libexpat.a"
  sed -i '/pkgConfig: "expat",/d' "$src/Package.swift"
else
  echo "note: libexpat1-dev has no libexpat.a here; the binary will need libexpat (libexpat1) installed" >&2
fi

scratch=.build/release-static
build=(swift build --package-path "$src" --scratch-path "$root/$scratch" -c release --product audreg
  --static-swift-stdlib "${link_flags[@]}")
# Build output goes to stderr: stdout is the two paths at the end, for scripts. sed drops the progress
# lines and cannot fail, so with pipefail a failed build stops the script.
"${build[@]}" 2>&1 | sed -E '/^\[[0-9]+\/[0-9]+\]/d' >&2
bin_path=$("${build[@]}" --show-bin-path)

arch=$(uname -m)
name=audreg-$version-linux-$arch
stage=.build/release-stage/$name
rm -rf .build/release-stage
mkdir -p "$stage/bin" "$stage/completions" "$stage/man/man1"
strip -o "$stage/bin/audreg" "$bin_path/audreg"
# Completions and the manual come from the command definitions, through the binary just built.
"$stage/bin/audreg" --generate-completion-script bash > "$stage/completions/audreg.bash"
"$stage/bin/audreg" --generate-completion-script zsh > "$stage/completions/_audreg"
"$stage/bin/audreg" --generate-completion-script fish > "$stage/completions/audreg.fish"
"$stage/bin/audreg" --experimental-dump-help | python3 scripts/manpage.py --version "$version" --date "${date%%T*}" > "$stage/man/man1/audreg.1"
cp "$src/README.md" "$src/CHANGELOG.md" "$stage/"
if [[ -f "$src/LICENSE" ]]; then cp "$src/LICENSE" "$stage/"; fi

mkdir -p .artifacts
archive=.artifacts/$name.tar.gz
rm -f "$archive" "$archive.sha256"
# Sorted names, fixed owners and the commit's time: the same binary gives the same archive bytes.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C .build/release-stage -cf - "$name" | gzip -n -9 > "$archive"
(cd .artifacts && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "$archive"
echo "$archive.sha256"
