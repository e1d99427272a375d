#!/usr/bin/env bash
# Regenerates the drift test fixtures with implementations independent of audreg:
# Debian's python3-jwcrypto (JWKs), python3-cryptography (x5c certificates with fixed dates)
# and openssl (the TLS test CA and the server certificate for the nginx end-to-end test).
# Keys are random, so every run changes every file; commit the result with this script.
# Usage: Tests/Fixtures/drift/make-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")"
rm -rf jwks tls example-offline
mkdir -p jwks tls

/usr/bin/python3 - <<'PY'
import base64, datetime, json
from jwcrypto import jwk
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa, ec, ed25519

def pub(key, **extra):
    d = json.loads(key.export_public())
    d.update(extra)
    return d

def cert_for(public_key, signing_key, cn, not_before, not_after):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after))
    algorithm = None if isinstance(signing_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    der = builder.sign(signing_key, algorithm).public_bytes(serialization.Encoding.DER)
    return base64.b64encode(der).decode()

def jwk_from(private):
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return jwk.JWK.from_pem(pem)

def write(name, keys):
    with open(f"jwks/{name}.json", "w") as f:
        json.dump({"keys": keys}, f, indent=2)
        f.write("\n")

D = datetime.datetime
rsa2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
rsa2048b = rsa.generate_private_key(public_exponent=65537, key_size=2048)
rsa1024 = rsa.generate_private_key(public_exponent=65537, key_size=1024)
p256 = ec.generate_private_key(ec.SECP256R1())
p384 = ec.generate_private_key(ec.SECP384R1())
ed = ed25519.Ed25519PrivateKey.generate()

k_rsa = jwk_from(rsa2048); k_rsab = jwk_from(rsa2048b); k_1024 = jwk_from(rsa1024)
k_p256 = jwk_from(p256); k_p384 = jwk_from(p384); k_ed = jwk_from(ed)

valid = cert_for(rsa2048.public_key(), rsa2048, "rsa-2048", D(2026, 1, 1), D(2036, 1, 1))
expired = cert_for(rsa2048.public_key(), rsa2048, "rsa-2048", D(2020, 1, 1), D(2021, 1, 1))
expiring = cert_for(rsa2048.public_key(), rsa2048, "rsa-2048", D(2026, 1, 1), D(2026, 6, 15))
other = cert_for(rsa2048b.public_key(), rsa2048b, "someone-else", D(2026, 1, 1), D(2036, 1, 1))
ec_cert = cert_for(p256.public_key(), p256, "ec-p256", D(2026, 1, 1), D(2036, 1, 1))
ed_cert = cert_for(ed.public_key(), ed, "ed25519", D(2026, 1, 1), D(2036, 1, 1))

rsa_pub = pub(k_rsa, kid="rsa-2048", alg="RS256", use="sig")
ec_pub = pub(k_p256, kid="ec-p256", alg="ES256", use="sig")
ed_pub = pub(k_ed, kid="ed25519", alg="EdDSA", use="sig")

write("good", [dict(rsa_pub, x5c=[valid]), dict(ec_pub, x5c=[ec_cert])])
write("rsa-2048", [rsa_pub])
write("ec-p256", [ec_pub])
write("ed25519", [dict(ed_pub, x5c=[ed_cert])])
write("rsa-1024", [pub(k_1024, kid="rsa-1024", alg="RS256", use="sig")])
write("leaked-d", [dict(json.loads(k_rsa.export_private()), kid="rsa-2048", alg="RS256", use="sig")])
write("oct", [{"kty": "oct", "kid": "hmac", "alg": "HS256", "use": "sig", "k": base64.urlsafe_b64encode(b"not-a-real-secret-not-a-real-1234").decode().rstrip("=")}])
write("duplicate-kid", [rsa_pub, dict(ec_pub, kid="rsa-2048")])
# jwcrypto adds its thumbprint as kid on export; this fixture is about a key without one.
write("missing-kid", [{m: v for m, v in pub(k_rsa, alg="RS256", use="sig").items() if m != "kid"}])
write("expired-cert", [dict(rsa_pub, x5c=[expired])])
write("expiring-cert", [dict(rsa_pub, x5c=[expiring])])
write("cert-mismatch", [dict(rsa_pub, x5c=[other])])
write("ec-wrong-curve", [pub(k_p384, kid="ec-p384", alg="ES256", use="sig")])
write("alg-missing", [pub(k_rsa, kid="rsa-2048")])
write("alg-hs256", [pub(k_rsa, kid="rsa-2048", alg="RS512", use="sig")])
write("unknown-kty", [{"kty": "PQC", "kid": "future", "alg": "ML-DSA-65", "use": "sig", "pub": "AAAA"}])
# The example registry's issuers, for `audreg drift registry/ --offline <this dir>/example-offline`.
# File names follow SavedResponses.fileName(for:): every run of characters other than [A-Za-z0-9.-] becomes "_".
import os, re
os.makedirs("example-offline", exist_ok=True)
def saved_name(url):
    return re.sub(r"[^A-Za-z0-9.-]+", "_", url).rstrip("_") + ".json"
def publish(url, document):
    with open("example-offline/" + saved_name(url), "w") as f:
        json.dump(document, f, indent=2)
        f.write("\n")
corp_ec = ec.generate_private_key(ec.SECP256R1())
partner_ec = ec.generate_private_key(ec.SECP256R1())
staging_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
issuers = [
    ("https://id.larkspur.example", "/.well-known/openid-configuration", "/oauth2/keys",
     [dict(rsa_pub, kid="corp-rs256-2026", x5c=[valid]), pub(jwk_from(corp_ec), kid="corp-es256-2026", alg="ES256", use="sig")]),
    ("https://partners.id.larkspur.example", "/.well-known/oauth-authorization-server", "/jwks.json",
     [pub(jwk_from(partner_ec), kid="partners-es256-2026", alg="ES256", use="sig")]),
    ("https://id.staging.larkspur.example", "/.well-known/openid-configuration", "/oauth2/keys",
     [pub(jwk_from(staging_rsa), kid="staging-rs256-2026", alg="RS256", use="sig")]),
]
for issuer, discovery, keys_path, keys in issuers:
    publish(issuer + discovery, {"issuer": issuer, "jwks_uri": issuer + keys_path,
                                 "authorization_endpoint": issuer + "/oauth2/authorize", "token_endpoint": issuer + "/oauth2/token",
                                 "response_types_supported": ["code"], "subject_types_supported": ["public"],
                                 "id_token_signing_alg_values_supported": sorted({k["alg"] for k in keys})})
    publish(issuer + keys_path, {"keys": keys})
PY

# TLS: a test CA and a certificate for 127.0.0.1 / localhost, for nginx in integration/drift-nginx.sh.
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=audreg drift test CA" \
  -keyout tls/ca-key.pem -out tls/ca.pem -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout tls/server-key.pem -out tls/server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > tls/server.ext
openssl x509 -req -in tls/server.csr -CA tls/ca.pem -CAkey tls/ca-key.pem -CAcreateserial -days 3650 \
  -extfile tls/server.ext -out tls/server.pem 2>/dev/null
rm -f tls/server.csr tls/server.ext tls/ca.srl
echo "fixtures written to $(pwd)"
