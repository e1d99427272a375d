#!/usr/bin/env bash
# End-to-end test of `audreg drift` over TLS: Debian's nginx serves discovery documents and key sets on
# 127.0.0.1 with a certificate from the test CA in Tests/Fixtures/drift/tls (made by
# make-fixtures.sh); audreg trusts it only through --ca-bundle. Also times 1,000 issuers on loopback
# (DRIFT_BENCH_ISSUERS to change the count, 0 to skip) and checks the example registry offline.
# `integration/drift-nginx.sh --bench-only` runs only the timing, for the benchmark command
# (e.g. AUDREG=.build/release/audreg integration/drift-nginx.sh --bench-only).
# Uses $AUDREG, or the binary of `swift build` in the default build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
fixtures="$root/Tests/Fixtures/drift"
audreg=${AUDREG:-$(swift build --show-bin-path)/audreg}
issuers=${DRIFT_BENCH_ISSUERS:-1000}
command -v nginx >/dev/null || { echo "drift-nginx: nginx is not installed (scripts/apt-packages-test.txt)" >&2; exit 1; }
[[ -x "$audreg" ]] || { echo "drift-nginx: $audreg is missing: run swift build --product audreg" >&2; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"
nginx_pid=""
cleanup() {
  # On the way out nginx may already have stopped (a failed start): cleanup must not fail over that.
  if [[ -n "$nginx_pid" ]]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "drift-nginx: FAIL: $*" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="https://127.0.0.1:$port"

# Documents and registries.
python3 - "$work" "$base" "$fixtures" "$issuers" <<'PY'
import json, os, sys
work, base, fixtures, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def put(path, body):
    full = os.path.join(work, "www", path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f: f.write(body)
good = open(os.path.join(fixtures, "jwks/good.json")).read()
leaked = open(os.path.join(fixtures, "jwks/leaked-d.json")).read()
def issuer_doc(name, issuer, jwks_path, algorithms="[RS256, ES256]"):
    return f"""apiVersion: audreg/v1
kind: Issuer
metadata: {{name: {name}, owner: platform}}
spec:
  issuer: {issuer}
  discoveryUrl: {issuer}/.well-known/openid-configuration
  jwksUri: {issuer}{jwks_path}
  algorithms: {algorithms}
"""
def publish(issuer_path, keys):
    issuer = base + issuer_path
    put(issuer_path + "/.well-known/openid-configuration", json.dumps({"issuer": issuer, "jwks_uri": issuer + "/keys"}))
    put(issuer_path + "/keys", keys)
publish("/good", good)
publish("/leaked", leaked)
os.makedirs(os.path.join(work, "clean"))
with open(os.path.join(work, "clean/issuers.yaml"), "w") as f: f.write(issuer_doc("good-idp", base + "/good", "/keys"))
os.makedirs(os.path.join(work, "downgrade"))
with open(os.path.join(work, "downgrade/issuers.yaml"), "w") as f:
    f.write(f"apiVersion: audreg/v1\nkind: Issuer\nmetadata: {{name: downgrade-idp, owner: platform}}\n"
            f"spec: {{issuer: {base}/good, jwksUri: {base}/downgrade/keys, algorithms: [RS256, ES256]}}\n")
os.makedirs(os.path.join(work, "byname"))
with open(os.path.join(work, "byname/issuers.yaml"), "w") as f:
    f.write(issuer_doc("byname-idp", base.replace("127.0.0.1", "localhost") + "/good", "/keys"))
os.makedirs(os.path.join(work, "leaked"))
with open(os.path.join(work, "leaked/issuers.yaml"), "w") as f: f.write(issuer_doc("leaky-idp", base + "/leaked", "/keys"))
if count:
    docs = []
    for i in range(count):
        publish(f"/i/{i}", good)
        docs.append(issuer_doc(f"bench-{i}", f"{base}/i/{i}", "/keys"))
    os.makedirs(os.path.join(work, "bench"))
    with open(os.path.join(work, "bench/issuers.yaml"), "w") as f: f.write("---\n".join(docs))
PY

# Certificates that must be refused even with the test CA trusted: one expired, one for another host.
# Made here with python3-cryptography, signed by the committed test CA.
badport_expired=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
badport_host=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
/usr/bin/python3 - "$work" "$fixtures/tls" <<'PY'
import datetime, ipaddress, os, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
work, tls = sys.argv[1], sys.argv[2]
ca_cert = x509.load_pem_x509_certificate(open(os.path.join(tls, "ca.pem"), "rb").read())
ca_key = serialization.load_pem_private_key(open(os.path.join(tls, "ca-key.pem"), "rb").read(), password=None)
def make(name, names, not_before, not_after):
    key = ec.generate_private_key(ec.SECP256R1())
    sans = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n) for n in names]
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False).sign(ca_key, hashes.SHA256()))
    open(os.path.join(work, name + ".pem"), "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    open(os.path.join(work, name + "-key.pem"), "wb").write(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
now = datetime.datetime.now(datetime.timezone.utc)
make("expired", ["127.0.0.1", "localhost"], now - datetime.timedelta(days=30), now - datetime.timedelta(days=1))
make("wronghost", ["wrong.example"], now - datetime.timedelta(days=1), now + datetime.timedelta(days=30))
PY
for bad in expired:$badport_expired wronghost:$badport_host; do
  name=${bad%%:*}; port_=${bad##*:}
  mkdir -p "$work/$name"
  printf 'apiVersion: audreg/v1\nkind: Issuer\nmetadata: {name: %s-idp, owner: platform}\nspec: {issuer: "https://127.0.0.1:%s/good", jwksUri: "https://127.0.0.1:%s/good/keys", algorithms: [RS256, ES256]}\n' \
    "$name" "$port_" "$port_" > "$work/$name/issuers.yaml"
done

mkdir -p "$work/logs" "$work/tmp"
cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/json;
  access_log $work/logs/access.log;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$port ssl;
    server_name localhost;
    ssl_certificate $fixtures/tls/server.pem;
    ssl_certificate_key $fixtures/tls/server-key.pem;
    root $work/www;
    location = /downgrade/keys { return 302 http://127.0.0.1:$port/good/keys; }
  }
  server {
    listen 127.0.0.1:$badport_expired ssl;
    ssl_certificate $work/expired.pem;
    ssl_certificate_key $work/expired-key.pem;
    root $work/www;
  }
  server {
    listen 127.0.0.1:$badport_host ssl;
    ssl_certificate $work/wronghost.pem;
    ssl_certificate_key $work/wronghost-key.pem;
    root $work/www;
  }
}
CONF
nginx -t -q -e "$work/logs/error.log" -c "$work/nginx.conf" -p "$work" || fail "nginx config"
nginx -e "$work/logs/error.log" -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for _ in $(seq 1 50); do
  curl -sf --cacert "$fixtures/tls/ca.pem" "$base/good/keys" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf --cacert "$fixtures/tls/ca.pem" "$base/good/keys" >/dev/null || fail "nginx did not start: $(cat "$work/logs/error.log")"

run() { set +e; output=$("$audreg" drift "$@" 2>&1); status=$?; set -e; }
# For a report to parse: stdout only (stderr carries diagnostics, such as what --offline replayed).
run_report() { set +e; output=$("$audreg" drift "$@" 2>"$work/stderr"); status=$?; set -e; }

if [[ "${1:-}" != "--bench-only" ]]; then
# 0. The default network policy blocks loopback: a finding per URL, and nginx receives no request.
requests_before=$(wc -l <"$work/logs/access.log")
run "$work/clean" --ca-bundle "$fixtures/tls/ca.pem" --today 2026-06-01
[[ $status -eq 1 ]] || fail "without --allow-loopback: exit $status: $output"
grep -q "127.0.0.1 is a loopback address in 127.0.0.0/8, blocked by the network policy; pass --allow-loopback" <<<"$output" \
  || fail "without --allow-loopback: no blocked finding: $output"
[[ $(wc -l <"$work/logs/access.log") -eq $requests_before ]] || fail "without --allow-loopback: nginx received a request"
echo "ok: loopback blocked by default, no request sent"

# 1. Trusted through --ca-bundle: clean.
run "$work/clean" --allow-loopback --ca-bundle "$fixtures/tls/ca.pem" --today 2026-06-01 --format json
[[ $status -eq 0 ]] || fail "with --ca-bundle: exit $status: $output"
echo "ok: JWKS and discovery over TLS, trusted through --ca-bundle, no findings"

# 2. Without the test CA: a TLS failure, reported, exit 1.
run "$work/clean" --allow-loopback --today 2026-06-01 --timeout 5
[[ $status -eq 1 ]] || fail "without --ca-bundle: exit $status: $output"
grep -q "jwks-unreachable" <<<"$output" || fail "without --ca-bundle: no jwks-unreachable: $output"
grep -qi "TLS\|certificate" <<<"$output" || fail "without --ca-bundle: no TLS reason: $output"
echo "ok: untrusted certificate reported as jwks-unreachable"

# 3. --insecure-loopback skips verification for 127.0.0.0/8 only.
run "$work/clean" --allow-loopback --insecure-loopback --today 2026-06-01
[[ $status -eq 0 ]] || fail "--insecure-loopback: exit $status: $output"
echo "ok: --insecure-loopback"

# 3b. ... and not for names: localhost still needs a trusted certificate.
run "$work/byname" --allow-loopback --insecure-loopback --today 2026-06-01 --timeout 5
[[ $status -eq 1 ]] && grep -qi "TLS\|certificate" <<<"$output" || fail "--insecure-loopback applied to localhost: exit $status: $output"
echo "ok: --insecure-loopback does not cover host names"

# 3b1. A host name is resolved by audreg and the connection pinned to the checked address, while TLS
# (SNI and certificate verification) still uses the name: the certificate for localhost verifies, so
# nothing is unreachable (the documents name 127.0.0.1 as issuer, hence the mismatch findings).
run "$work/byname" --allow-loopback --ca-bundle "$fixtures/tls/ca.pem" --today 2026-06-01 --timeout 5
[[ $status -eq 1 ]] && grep -q "discovery-issuer-mismatch" <<<"$output" && ! grep -q "jwks-unreachable" <<<"$output" \
  || fail "pinned connection by name: exit $status: $output"
echo "ok: a name is pinned to its checked address and its certificate verified for the name"

# 3b2. Certificates from the trusted CA that are expired, or for another host, are still refused.
for name in expired wronghost; do
  run "$work/$name" --allow-loopback --ca-bundle "$fixtures/tls/ca.pem" --today 2026-06-01 --timeout 5
  [[ $status -eq 1 ]] && grep -q "jwks-unreachable" <<<"$output" && grep -qi "TLS\|certificate" <<<"$output" \
    || fail "$name certificate: exit $status: $output"
  echo "ok: $name server certificate refused with a TLS finding, even with the CA trusted"
done

# 3c. A redirect from https to http is refused.
run "$work/downgrade" --allow-loopback --ca-bundle "$fixtures/tls/ca.pem" --today 2026-06-01
[[ $status -eq 1 ]] && grep -q "redirect from https to http refused" <<<"$output" || fail "https->http redirect: exit $status: $output"
echo "ok: https to http redirect refused"

# 4. A leaked private key over TLS.
run "$work/leaked" --allow-loopback --ca-bundle "$fixtures/tls/ca.pem" --today 2026-06-01 --format sarif
[[ $status -eq 1 ]] || fail "leaked key: exit $status"
grep -q '"ruleId" : "jwks-private-key-material"\|"ruleId": "jwks-private-key-material"' <<<"$output" || fail "leaked key: no finding: $output"
d=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["d"])' "$fixtures/jwks/leaked-d.json")
grep -qF "$d" <<<"$output" && fail "leaked key material printed"
echo "ok: leaked private key reported without printing it"

# 5. The example registry against its offline fixtures: exactly the deliberately broadened audience.
run_report registry --offline "$fixtures/example-offline" --today 2026-06-01 --format json
[[ $status -eq 1 ]] || fail "example registry: exit $status: $output"
python3 - "$output" <<'PY' || fail "example registry: $output"
import json, sys
report = json.loads(sys.argv[1])
findings = report["findings"]
assert [f["ruleId"] if "ruleId" in f else f.get("rule") for f in findings] == ["config-audience-broadened"], findings
PY
echo "ok: example registry reports exactly config-audience-broadened"

# 5b. Usage errors exit 2.
run registry --offline "$fixtures/example-offline" --save "$work/saved"
[[ $status -eq 2 ]] || fail "--offline with --save: exit $status"
run registry --ca-bundle "$work/no-such-ca.pem"
[[ $status -eq 2 ]] || fail "missing --ca-bundle: exit $status"
run registry --offline "$work/no-such-dir"
[[ $status -eq 2 ]] || fail "missing --offline dir: exit $status: $output"
echo "ok: usage errors exit 2"

fi

# 6. Speed: many issuers on loopback over TLS with the default concurrency, then the same responses
# replayed with --offline. DRIFT_BENCH_RUNS runs of each (median reported); with --bench-only the
# figures are also printed as one JSON line for Benchmarks/run.py.
if [[ "$issuers" -gt 0 ]]; then
  runs=${DRIFT_BENCH_RUNS:-1}
  timed() {  # prints "seconds peak-KiB" of one drift run, failing unless it exits 0
    local start end
    start=$EPOCHREALTIME
    set +e; output=$(/usr/bin/time -f '%M' -o "$work/peak" "$audreg" drift "$@" 2>&1); status=$?; set -e
    end=$EPOCHREALTIME
    [[ $status -eq 0 ]] || fail "benchmark: exit $status: $(head -c 2000 <<<"$output")"
    echo "$(python3 -c "print($end - $start)") $(tail -1 "$work/peak")"
  }
  median() { python3 -c 'import statistics,sys; v=[l.split() for l in sys.stdin.read().strip().splitlines()]; print(statistics.median(float(x[0]) for x in v), max(int(x[1]) for x in v) / 1024)'; }
  live=$(for _ in $(seq 1 "$runs"); do timed "$work/bench" --allow-loopback --ca-bundle "$fixtures/tls/ca.pem" --today 2026-06-01 --format json; done | median)
  run "$work/bench" --allow-loopback --ca-bundle "$fixtures/tls/ca.pem" --today 2026-06-01 --save "$work/bench-saved"
  [[ $status -eq 0 ]] || fail "benchmark --save: exit $status: $(head -c 2000 <<<"$output")"
  offline=$(for _ in $(seq 1 "$runs"); do timed "$work/bench" --offline "$work/bench-saved" --today 2026-06-01 --format json; done | median)
  read -r live_s live_mib <<<"$live"
  read -r offline_s offline_mib <<<"$offline"
  printf 'ok: %d issuers (discovery + JWKS each) over TLS on loopback: %.2f s (median of %d), peak %.0f MiB; replayed with --offline: %.2f s\n' \
    "$issuers" "$live_s" "$runs" "$live_mib" "$offline_s"
  if [[ "${1:-}" == "--bench-only" ]]; then
    printf '{"issuers": %d, "runs": %d, "liveSeconds": %s, "livePeakMiB": %s, "offlineSeconds": %s, "offlinePeakMiB": %s}\n' \
      "$issuers" "$runs" "$live_s" "$live_mib" "$offline_s" "$offline_mib"
  fi
fi
