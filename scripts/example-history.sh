#!/usr/bin/env bash
# Builds the example registry's scripted git history: a new repository in DIR whose commits replay a
# short story of registry/ (a service added, an audience widened, an exception added, a token lifetime and
# an audience narrowed) and end in exactly the current registry/. The committed site is built from it
# (scripts/build-site.sh), so the site shows a trust history and dated evidence that are the same on
# every clone, shallow ones included, and for a commit that changes registry/ and site/ together.
#
# Usage: scripts/example-history.sh DIR    (DIR must not exist, or be an empty folder)
# Prints the number of commits. DIR/registry is the repository's registry; DIR/deploy is an untracked
# copy of deploy/ for the registry's local deployment sources.
#
# The earlier states are derived from the current registry/ by undoing the story's steps, newest
# first: each step says what it changed, and undoing it must find exactly that text. So registry/ may
# change freely except in the lines a step names; when a step no longer applies, the script stops and
# says which, and the step (below) is edited to match or removed.
#
# The commit hashes depend only on the files, the story and the fixed names and dates below: git's
# system and global configuration, hooks, signing, line-ending conversion and the clock are all kept out.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
[[ $# -eq 1 ]] || { echo "usage: scripts/example-history.sh DIR" >&2; exit 2; }
target="$1"
if [[ -e "$target" ]] && [[ -n "$(ls -A "$target")" ]]; then
  echo "example-history: $target exists and is not empty" >&2; exit 2
fi
mkdir -p "$target"
target="$(cd "$target" && pwd)"

# git as on a machine without configuration: no system or user config, no inherited repository.
unset $(git rev-parse --local-env-vars 2>/dev/null || true) GIT_CONFIG GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$target" XDG_CONFIG_HOME="$target" LC_ALL=C TZ=UTC
git_() {
  git -c core.autocrlf=false -c core.eol=lf -c core.safecrlf=false -c core.fileMode=true -c core.hooksPath=/dev/null \
    -c commit.gpgSign=false -c i18n.commitEncoding=UTF-8 -C "$target" "$@"
}

fail() {
  echo "example-history: step '$step_subject' no longer applies to registry/: $*" >&2
  echo "example-history: edit that step in scripts/example-history.sh to match registry/ (or remove it), then run scripts/build-site.sh" >&2
  exit 1
}

# --- Undo operations: each turns the state after a step into the state before it. -------------------
# They act only while their step is the one being undone (see Replay). Files are read and written
# whole, line by line; text is compared exactly.

lines=()
load() { [[ -f "$target/registry/$1" ]] || fail "registry/$1 does not exist"; mapfile -t lines <"$target/registry/$1"; }
save() { if ((${#lines[@]})); then printf '%s\n' "${lines[@]}" >"$target/registry/$1"; else : >"$target/registry/$1"; fi; }

# Sets `found` to the index in `lines` where the consecutive lines "$@" start; fails unless they occur
# exactly once in FILE.
find_block() {
  local file="$1"; shift
  local block=("$@") count=0 i j
  for ((i = 0; i + ${#block[@]} <= ${#lines[@]}; i++)); do
    for ((j = 0; j < ${#block[@]}; j++)); do [[ "${lines[i + j]}" == "${block[j]}" ]] || continue 2; done
    count=$((count + 1)); found=$i
  done
  ((count == 1)) || fail "registry/$file holds the ${#block[@]} line(s) starting '${block[0]}' $count times, not once"
}

# The step added FILE.
undo_add_file() {
  ((current == undoing)) || return 0
  [[ -f "$target/registry/$1" ]] || fail "registry/$1 does not exist"
  rm "$target/registry/$1"
}

# The step added these lines (one argument each, consecutive) to FILE.
undo_add_lines() {
  ((current == undoing)) || return 0
  local file="$1"; shift
  load "$file"; find_block "$file" "$@"
  lines=("${lines[@]:0:found}" "${lines[@]:found+$#}")
  save "$file"
}

# The step removed these lines (one argument each) from FILE, right after the line AFTER.
undo_remove_lines() {
  ((current == undoing)) || return 0
  local file="$1" after="$2"; shift 2
  load "$file"; find_block "$file" "$after"
  lines=("${lines[@]:0:found+1}" "$@" "${lines[@]:found+1}")
  save "$file"
}

# The step replaced the line OLD with NEW in FILE.
undo_replace_line() {
  ((current == undoing)) || return 0
  local file="$1" old="$2" new="$3"
  load "$file"; find_block "$file" "$new"
  lines[found]="$old"
  save "$file"
}

# --- The story, oldest first. --------------------------------------------------------------------
# step DATE NAME EMAIL SUBJECT, then the undo operations of that step. The first step is the starting
# point: registry/ without what the later steps brought. The names say the history is scripted.

platform=("Platform team (scripted example)" platform@larkspur.example)
security=("Security architecture (scripted example)" security@larkspur.example)

story() {
  step 2026-09-01T09:00:00Z "${platform[@]}" "Start the registry with the storefront's services and issuers"

  step 2026-09-14T10:30:00Z "${platform[@]}" "Add reporting-api for the data team"
  undo_add_file services/production/reporting-api.yaml

  step 2026-10-05T14:00:00Z "${platform[@]}" "orders-api: accept the pre-2026 audience for app version 4"
  undo_add_lines services/production/orders-api.yaml \
    "    # Version 4 of the mobile app still requests tokens for the pre-2026 audience." \
    "    - https://orders-legacy.api.larkspur.example"

  step 2026-10-06T08:15:00Z "${security[@]}" "orders-api: exception for the legacy audience until the forced upgrade (SEC-1234)"
  undo_add_lines services/production/orders-api.yaml \
    "  exceptions:" \
    "    - rule: multiple-audiences" \
    "      reason: Legacy mobile clients (app version 4) send the old audience until the forced upgrade." \
    "      approvedBy: security-architecture" \
    "      expires: 2027-06-30" \
    "      ticket: SEC-1234"

  step 2026-10-20T11:00:00Z "${platform[@]}" "search-api: accept the v1 search audience during the migration"
  undo_add_lines services/production/search-api.yaml \
    "    - https://search-v1.api.larkspur.example"

  step 2026-11-09T16:45:00Z "${security[@]}" "customer-profile-api: accept tokens that live at most 15 minutes"
  undo_replace_line services/production/customer-profile-api.yaml \
    "      maxLifetime: 1h" \
    "      maxLifetime: 15m"

  step 2026-11-23T10:00:00Z "${platform[@]}" "search-api: drop the v1 audience after the migration"
  undo_remove_lines services/production/search-api.yaml \
    "    - https://search.api.larkspur.example" \
    "    - https://search-v1.api.larkspur.example"
}

# --- Replay. ---------------------------------------------------------------------------------------
# The story runs once per step, newest first, with only that step's undo operations acting: each
# state's tree is written before its step is undone. Then the trees are committed oldest first.

dates=(); names=(); emails=(); subjects=()
current=0; undoing=0
step() {
  current=$((current + 1))
  if ((undoing == 0)); then dates+=("$1"); names+=("$2"); emails+=("$3"); subjects+=("$4"); fi
  step_subject="$4"
}
story
count=$current

git_ init -q --template= .
git_ symbolic-ref HEAD refs/heads/main
mkdir -p "$target/registry"
cp -R "$root/registry/." "$target/registry/"
cp -R "$root/deploy" "$target/deploy"
mkdir -p "$target/.git/info" && printf '/deploy/\n' >"$target/.git/info/exclude"
# git records only the executable bit; the copies' modes follow the umask and the checkout.
find "$target/registry" -type d -exec chmod 755 {} +
find "$target/registry" -type f -exec chmod 644 {} +

trees=()
for ((undoing = count; undoing >= 1; undoing--)); do
  git_ add -A registry
  trees[undoing]="$(git_ write-tree)"
  current=0
  story
done

parent=()
for ((s = 1; s <= count; s++)); do
  commit="$(GIT_AUTHOR_NAME="${names[s - 1]}" GIT_AUTHOR_EMAIL="${emails[s - 1]}" GIT_AUTHOR_DATE="${dates[s - 1]}" \
    GIT_COMMITTER_NAME="${names[s - 1]}" GIT_COMMITTER_EMAIL="${emails[s - 1]}" GIT_COMMITTER_DATE="${dates[s - 1]}" \
    git_ commit-tree --no-gpg-sign "${trees[s]}" "${parent[@]}" -m "${subjects[s - 1]}")"
  parent=(-p "$commit")
done
git_ update-ref refs/heads/main "$commit"
git_ read-tree --reset -u HEAD
# The last commit is registry/ as it is now, byte for byte.
diff -r "$root/registry" "$target/registry" >&2 || { echo "example-history: the replayed registry differs from registry/" >&2; exit 1; }
[[ -z "$(git_ status --porcelain)" ]] || { git_ status --short >&2; echo "example-history: the replayed repository is not clean" >&2; exit 1; }
echo "$count"
