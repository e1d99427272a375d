#!/usr/bin/env bash
# Checks `audreg export envoy|istio` with independent implementations:
#  - Envoy: every generated filter's typed_config parses into envoy.extensions.filters.http.jwt_authn.v3
#    .JwtAuthentication with the protobuf definitions generated from envoyproxy/data-plane-api
#    (PyPI xds-protos), which rejects unknown fields and wrong types;
#  - Istio: every RequestAuthentication and AuthorizationPolicy validates against JSON Schemas made from
#    the fields of Istio's published CRD OpenAPI schemas (Tests/Fixtures/schemas/).
# Prints "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/venv-gateways
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import envoy, yaml, jsonschema" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check xds-protos==1.85.0 pyyaml jsonschema
fi
swift build --product audreg 2>&1 | sed '/^\[/d' >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/debug/audreg export envoy registry --out "$work/envoy"
.build/debug/audreg export istio registry --out "$work/istio" --namespace shop

"$venv/bin/python" - "$work" Tests/Fixtures/schemas <<'PY'
import glob, json, os, sys
import jsonschema, yaml
from google.protobuf import json_format
from envoy.extensions.filters.http.jwt_authn.v3 import config_pb2

work, schemas = sys.argv[1], sys.argv[2]
passed = failed = 0
def check(name, function):
    global passed, failed
    try:
        function()
        passed += 1
        print(f"ok: {name}")
    except Exception as error:  # report every failure, then fail the run
        failed += 1
        print(f"FAIL: {name}: {error}")

envoy_files = sorted(glob.glob(os.path.join(work, "envoy", "*.yaml")))
check("Envoy export has a file per service with tokens", lambda: len(envoy_files) >= 12 or (_ for _ in ()).throw(AssertionError(len(envoy_files))))
for path in envoy_files:
    def parse(path=path):
        document = yaml.safe_load(open(path))
        assert document["name"] == "envoy.filters.http.jwt_authn"
        typed = dict(document["typed_config"])
        assert typed.pop("@type").endswith("envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication")
        message = json_format.ParseDict(typed, config_pb2.JwtAuthentication())
        for name, provider in message.providers.items():
            assert provider.audiences, f"provider {name} checks no audience"
            assert provider.issuer, f"provider {name} has no issuer"
    check(f"Envoy JwtAuthentication parses: {os.path.basename(path)}", parse)

validators = {kind: jsonschema.Draft7Validator(json.load(open(os.path.join(schemas, f"istio-{name}.schema.json"))))
              for kind, name in [("RequestAuthentication", "request-authentication"), ("AuthorizationPolicy", "authorization-policy")]}
for path in sorted(glob.glob(os.path.join(work, "istio", "*.yaml"))):
    def validate(path=path):
        documents = [d for d in yaml.safe_load_all(open(path)) if d]
        assert [d["kind"] for d in documents] == ["RequestAuthentication", "AuthorizationPolicy"]
        for document in documents:
            validators[document["kind"]].validate(document)
        for rule in documents[0]["spec"]["jwtRules"]:
            assert rule["audiences"], "jwtRules[].audiences must never be empty"
    check(f"Istio resources validate: {os.path.basename(path)}", validate)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
