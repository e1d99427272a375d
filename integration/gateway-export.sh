#!/usr/bin/env bash
# Checks `audreg export envoy|istio` with independent implementations:
#  - Envoy: every generated filter's typed_config parses into envoy.extensions.filters.http.jwt_authn.v3
#    .JwtAuthentication with the protobuf definitions generated from envoyproxy/data-plane-api
#    (PyPI xds-protos), which rejects unknown fields and wrong types;
#  - Istio: every RequestAuthentication and AuthorizationPolicy validates against JSON Schemas made from
#    the fields of Istio's published CRD OpenAPI schemas (Tests/Fixtures/schemas/);
#  - Envoy Gateway: every SecurityPolicy loads with PyYAML and names, per provider, exactly the issuer and
#    audiences of the Envoy filter exported for the same service (which protobuf checked);
#  - NGINX: every snippet, included in an http block, parses with crossplane (NGINX Inc.'s parser, with
#    context and argument-count checks; auth_jwt_require, which crossplane 0.5.8 predates, is declared
#    with the contexts and arity of the nginx documentation), and its maps give 1 for exactly the
#    Envoy filter's audiences and issuers.
# Prints "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/venv-gateways
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import envoy, yaml, jsonschema, crossplane" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check xds-protos==1.85.0 pyyaml jsonschema crossplane==0.5.8
fi
swift build --product audreg 2>&1 | sed '/^\[/d' >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/debug/audreg export envoy registry --out "$work/envoy"
.build/debug/audreg export istio registry --out "$work/istio" --namespace shop
.build/debug/audreg export envoy-gateway registry --out "$work/envoy-gateway" --namespace shop
# nginx verifies a token with every key it fetched, so a service whose issuers have their own key sets
# (shipping-api) is refused, and the whole export with it; the others export one by one.
if .build/debug/audreg export nginx registry --out "$work/nginx-all" 2>"$work/nginx.err"; then
  echo "export nginx wrote a service whose issuers' keys nginx would pool" >&2
  exit 1
fi
grep -q "shipping-api': accepted issuers 'corp-idp', 'partner-idp' cannot be exported" "$work/nginx.err"
refused=()
for file in "$work"/envoy/*.yaml; do
  name=$(basename "$file" .yaml)
  if ! .build/debug/audreg export nginx registry --service "$name" --out "$work/nginx" 2>>"$work/nginx.err"; then
    refused+=("$name")
  fi
done
if [ "${refused[*]}" != "shipping-api" ]; then
  echo "expected only shipping-api to be refused by export nginx, got: ${refused[*]}" >&2
  exit 1
fi

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

def envoy_trust(service):
    document = yaml.safe_load(open(os.path.join(work, "envoy", service + ".yaml")))
    return {p["issuer"]: sorted(p["audiences"]) for p in document["typed_config"]["providers"].values()}

eg_files = sorted(glob.glob(os.path.join(work, "envoy-gateway", "*.yaml")))
check("Envoy Gateway export has a file per Envoy file", lambda: len(eg_files) == len(envoy_files) or (_ for _ in ()).throw(AssertionError(len(eg_files))))
for path in eg_files:
    def security_policy(path=path):
        documents = [d for d in yaml.safe_load_all(open(path)) if d]
        assert len(documents) == 1
        policy = documents[0]
        assert policy["apiVersion"] == "gateway.envoyproxy.io/v1alpha1" and policy["kind"] == "SecurityPolicy"
        assert policy["metadata"]["namespace"] == "shop"
        assert all(ref["kind"] == "HTTPRoute" and ref["group"] == "gateway.networking.k8s.io" for ref in policy["spec"]["targetRefs"])
        providers = policy["spec"]["jwt"]["providers"]
        for provider in providers:
            assert 0 < len(provider["name"]) <= 253 and provider["remoteJWKS"]["uri"].startswith("https://")
        assert {p["issuer"]: sorted(p["audiences"]) for p in providers} == envoy_trust(os.path.basename(path)[:-5])
    check(f"Envoy Gateway SecurityPolicy matches the Envoy filter: {os.path.basename(path)}", security_policy)

import crossplane
from crossplane.analyzer import NGX_HTTP_MAIN_CONF, NGX_HTTP_SRV_CONF, NGX_HTTP_LOC_CONF, NGX_HTTP_LMT_CONF, NGX_CONF_1MORE
# https://nginx.org/en/docs/http/ngx_http_auth_jwt_module.html#auth_jwt_require: "auth_jwt_require $value ... [error=401 | 403];
# Context: http, server, location, limit_except".
crossplane.analyzer.DIRECTIVES["auth_jwt_require"] = [NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_HTTP_LMT_CONF | NGX_CONF_1MORE]
nginx_files = sorted(glob.glob(os.path.join(work, "nginx", "*.conf")))
check("NGINX export has a file per Envoy file but shipping-api's", lambda: len(nginx_files) == len(envoy_files) - 1 or (_ for _ in ()).throw(AssertionError(len(nginx_files))))
for path in nginx_files:
    def nginx(path=path):
        main = os.path.join(work, "nginx-main.conf")
        with open(main, "w") as f: f.write("events {}\nhttp {\n    include %s;\n}\n" % path)
        parsed = crossplane.parse(main, check_ctx=True, check_args=True)
        assert parsed["status"] == "ok", parsed["errors"]
        top = next(c["parsed"] for c in parsed["config"] if c["file"] == path)
        maps = {d["args"][1]: d for d in top if d["directive"] == "map"}
        def keys(source):
            block = next(d["block"] for d in maps.values() if d["args"][0] == source)
            assert ("default", ["0"]) in [(e["directive"], e["args"]) for e in block]
            # nginx drops one leading backslash from a map key (ngx_http_map_module).
            return sorted(e["directive"][1:] if e["directive"].startswith("\\") else e["directive"] for e in block if e["directive"] != "default" and e["args"] == ["1"])
        trust = envoy_trust(os.path.basename(path)[:-5])
        assert keys("$jwt_claim_iss") == sorted(trust) and all(keys("$jwt_claim_aud") == audiences for audiences in trust.values())
        server = next(d["block"] for d in top if d["directive"] == "server")
        require = next(d["args"] for d in server if d["directive"] == "auth_jwt_require")
        assert sorted(require) == sorted(maps), (require, list(maps))
        locations = {tuple(d["args"]): d["block"] for d in server if d["directive"] == "location"}
        for request in (d["args"][0] for d in server if d["directive"] == "auth_jwt_key_request"):
            block = locations[("=", request)]
            assert any(d["directive"] == "internal" for d in block)
            assert next(d["args"][0] for d in block if d["directive"] == "proxy_pass").startswith("https://")
    check(f"NGINX snippet parses and matches the Envoy filter: {os.path.basename(path)}", nginx)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
