#!/usr/bin/python3
"""Writes documents that hide private JWK members where a naive redaction misses them, for the tests of
`drift --save` (attack 6 of issue 21). Keys are generated with Debian's python3-jwcrypto, independent of
the code under test. values.txt lists every private member value; the tests grep saved files for each.

Run: /usr/bin/python3 Tests/Fixtures/drift/secrets/make-secrets.py
"""
import json
import os

from jwcrypto import jwk

HERE = os.path.dirname(os.path.abspath(__file__))
PRIVATE = ("d", "p", "q", "dp", "dq", "qi", "k")

rsa = json.loads(jwk.JWK.generate(kty="RSA", size=2048, kid="rsa-leak", alg="RS256", use="sig").export(private_key=True))
ec = json.loads(jwk.JWK.generate(kty="EC", crv="P-256", kid="ec-leak", alg="ES256", use="sig").export(private_key=True))
okp = json.loads(jwk.JWK.generate(kty="OKP", crv="Ed25519", kid="ed-leak", alg="EdDSA", use="sig").export(private_key=True))
octet = json.loads(jwk.JWK.generate(kty="oct", size=256, kid="hmac").export())
ec_public = {k: v for k, v in ec.items() if k != "d"}

values = sorted({v for key in (rsa, ec, okp, octet) for m, v in key.items() if m in PRIVATE})


def write(name, text):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(text + "\n")


# A bare private JWK at the top level: no "keys" array at all.
write("bare-jwk.json", json.dumps(rsa, indent=2))
# Private keys nested at depth, inside arrays and objects, beside a clean top-level key set.
write("nested.json", json.dumps({"keys": [ec_public], "backup": {"rotations": [{"previous": okp}, [octet]]}}, indent=2))
# Two "keys" members: JSONSerialization keeps one (the public one), other parsers the other.
write("two-keys.json", '{"keys": [%s],\n "keys": [%s]}' % (json.dumps(ec), json.dumps(ec_public)))
# A key set held as a string, the way Envoy's config_dump carries local_jwks.inline_string.
write("inline-string.json", json.dumps({"local_jwks": {"inline_string": json.dumps({"keys": [rsa]})}}, indent=2))
# The same member written with an escape: "\u0064" is "d".
write("escaped-name.json", '{"keys": [{"kty": "EC", "crv": "P-256", "kid": "esc", "x": %s, "y": %s, "\\u0064": %s}]}'
      % (json.dumps(ec["x"]), json.dumps(ec["y"]), json.dumps(ec["d"])))
write("values.txt", "\n".join(values))
