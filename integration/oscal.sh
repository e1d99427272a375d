#!/usr/bin/env bash
# Validates `audreg export oscal` with an independent implementation: NIST-schema-derived models of
# compliance-trestle (PyPI), which must import the component definition and catalogs into a trestle
# workspace and pass `trestle validate`. Prints "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/venv-oscal
if [[ ! -x "$venv/bin/trestle" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check compliance-trestle==5.2.0
fi

swift build --product audreg 2>&1 | sed '/^\[/d' >&2
audreg=.build/debug/audreg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0; failed=0
check() { # name, command...
  local name=$1; shift
  if "$@" >"$work/out.log" 2>&1; then passed=$((passed + 1)); echo "ok: $name"
  else failed=$((failed + 1)); echo "FAIL: $name"; sed 's/^/    /' "$work/out.log" | tail -20; fi
}

# The example's drift, replayed from the test fixtures (exit 1: it finds the planted drift), so the
# export carries failing, excepted, satisfied and not-assessed requirements.
status=0
"$audreg" drift registry --offline Tests/Fixtures/drift/example-offline --format json --today 2026-12-01 >"$work/drift.json" || status=$?
[[ $status -le 1 ]] || exit "$status"
"$audreg" export oscal registry --today 2026-12-01 --drift-report "$work/drift.json" --out "$work/export"
check "export is deterministic" bash -c "'$audreg' export oscal registry --today 2026-12-01 --drift-report '$work/drift.json' | cmp - '$work/export/component-definition.json'"
"$audreg" export oscal registry --today 2026-12-01 --out "$work/export-no-drift"
mkdir "$work/ws" && (cd "$work/ws" && "$OLDPWD/$venv/bin/trestle" init >/dev/null)
check "trestle imports the component definition" bash -c "cd '$work/ws' && '$PWD/$venv/bin/trestle' import -f '$work/export/component-definition.json' -o audreg"
for catalog in "$work"/export/catalogs/*.json; do
  name=$(basename "$catalog" .json | tr . _)
  check "trestle imports catalog $name" bash -c "cd '$work/ws' && '$PWD/$venv/bin/trestle' import -f '$catalog' -o '$name'"
done
check "trestle validate passes on the whole workspace" bash -c "cd '$work/ws' && '$PWD/$venv/bin/trestle' validate -a"
check "trestle reads every implemented requirement" "$venv/bin/python" - "$work/export/component-definition.json" <<'PY'
import sys
from trestle.oscal.component import ComponentDefinition
definition = ComponentDefinition.oscal_read(__import__("pathlib").Path(sys.argv[1]))
components = definition.components or []
assert len(components) >= 12, len(components)
requirements = [r for c in components for ci in c.control_implementations or [] for r in ci.implemented_requirements]
assert any(r.control_id == "PR.AA-05" for r in requirements)
assert any(r.control_id == "nhi6-2025" for r in requirements)
statuses = {p.value for r in requirements for p in (r.props or []) if p.name == "audreg-status"}
assert {"excepted", "satisfied", "not-satisfied"} <= statuses, statuses
for r in requirements:
    props = {p.name: p.value for p in (r.props or [])}
    oscal = {"satisfied": "implemented", "not-satisfied": "partial", "excepted": "planned", "not-assessed": None}[props["audreg-status"]]
    assert props.get("implementation-status") == oscal, (r.control_id, props)
    assert r.statements, r.control_id
PY
check "without a drift report, drift-evidenced controls are not assessed and never implemented" "$venv/bin/python" - "$work/export-no-drift/component-definition.json" <<'PY'
import sys
from trestle.oscal.component import ComponentDefinition
definition = ComponentDefinition.oscal_read(__import__("pathlib").Path(sys.argv[1]))
requirements = [r for c in definition.components or [] for ci in c.control_implementations or [] for r in ci.implemented_requirements]
unassessed = [r for r in requirements if any(p.name == "audreg-status" and p.value == "not-assessed" for p in r.props or [])]
assert any(r.control_id == "DE.CM-09" for r in unassessed), len(unassessed)
for r in unassessed:
    assert not any(p.name == "implementation-status" for p in r.props or []), r.control_id
PY
check "trestle validates the export without a drift report" bash -c "mkdir -p '$work/ws2' && cd '$work/ws2' && '$PWD/$venv/bin/trestle' init >/dev/null && '$PWD/$venv/bin/trestle' import -f '$work/export-no-drift/component-definition.json' -o audreg && '$PWD/$venv/bin/trestle' validate -a"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
