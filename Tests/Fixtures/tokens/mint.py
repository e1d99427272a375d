#!/usr/bin/python3
"""Mints the keys and tokens that `audreg explain` is tested with, using Debian's python3-jwcrypto: an
implementation independent of jwt-kit, which audreg verifies with.

Run from anywhere: /usr/bin/python3 Tests/Fixtures/tokens/mint.py
(Debian's python3 has jwcrypto; a pyenv python3 earlier on PATH may not.)

Every token has a fixed clock: issued 2026-12-01T10:00:00Z unless said otherwise, so tests pass
`--now 2026-12-01T10:05:00Z` and stay valid forever. Only public keys are written (jwks.json); the
private keys live in memory for the run and are thrown away, so each run produces new keys and tokens.
"""
import base64
import json
import os

from jwcrypto import jwk, jwt

HERE = os.path.dirname(os.path.abspath(__file__))
ISSUED = 1796119200  # 2026-12-01T10:00:00Z
CORP = "https://id.larkspur.example"
ORDERS = "https://orders.api.larkspur.example"
PAYMENTS = "https://payments.api.larkspur.example"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides):
    base = {
        "iss": CORP,
        "sub": "customer-4711",
        "aud": ORDERS,
        "client_id": "storefront-web",
        "scope": "orders.read orders.write",
        "iat": ISSUED,
        "exp": ISSUED + 600,
        "jti": "jti-" + overrides.pop("name", "valid"),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(key, header, payload):
    token = jwt.JWT(header=header, claims=payload)
    token.make_signed_token(key)
    return token.serialize()


def main():
    rsa = jwk.JWK.generate(kty="RSA", size=2048, kid="corp-2026-rs", use="sig", alg="RS256")
    ec = jwk.JWK.generate(kty="EC", crv="P-256", kid="corp-2026-ec", use="sig", alg="ES256")
    attacker = jwk.JWK.generate(kty="RSA", size=2048, kid="corp-2026-rs")
    hmac = jwk.JWK.generate(kty="oct", size=256, kid="legacy-hs")

    public = [json.loads(rsa.export_public()), json.loads(ec.export_public())]
    write("jwks.json", json.dumps({"keys": public}, indent=2, sort_keys=True) + "\n")
    # A key set as some identity providers serve it: a symmetric key first, and a key without kid. Only the
    # public members of the secret key are left out; the oct key carries a dummy k, never the real one.
    oct_entry = {"kty": "oct", "kid": "legacy-hs", "k": b64(b"not-a-real-secret-0123456789abcd")}
    no_kid = json.loads(ec.export_public())
    no_kid.pop("kid")
    write("jwks-mixed.json", json.dumps({"keys": [oct_entry, no_kid] + public}, indent=2, sort_keys=True) + "\n")

    at_rs = {"alg": "RS256", "typ": "at+jwt", "kid": "corp-2026-rs"}
    tokens = {
        "valid": sign(rsa, at_rs, claims()),
        "other-service": sign(rsa, at_rs, claims(name="other-service", aud=PAYMENTS, scope="payments.authorize")),
        "expired": sign(rsa, at_rs, claims(name="expired", iat=ISSUED - 7200, exp=ISSUED - 6600)),
        "forged": sign(attacker, at_rs, claims(name="forged")),
        "unknown-kid": sign(attacker, {"alg": "RS256", "typ": "at+jwt", "kid": "attacker-1"}, claims(name="unknown-kid")),
        "id-token": sign(rsa, {"alg": "RS256", "typ": "JWT", "kid": "corp-2026-rs"},
                         claims(name="id-token", scope=None, client_id=None, nonce="n-0S6_WzA2Mj", auth_time=ISSUED - 30, azp="storefront-web")),
        "long-lived": sign(rsa, at_rs, claims(name="long-lived", exp=ISSUED + 7200)),
        "payments-es256": sign(ec, {"alg": "ES256", "typ": "at+jwt", "kid": "corp-2026-ec"},
                               claims(name="payments-es256", aud=PAYMENTS, scope="payments.authorize", iat=ISSUED + 120, exp=ISSUED + 420,
                                      act={"sub": "https://shop.larkspur.example"})),
        "not-yet-valid": sign(rsa, at_rs, claims(name="not-yet-valid", nbf=ISSUED + 3600, exp=ISSUED + 3900)),
        "hs256": sign(hmac, {"alg": "HS256", "typ": "at+jwt", "kid": "legacy-hs"}, claims(name="hs256")),
    }
    # alg none: jwcrypto refuses to make one, as it should; write it by hand.
    none_header = b64(json.dumps({"alg": "none", "typ": "at+jwt"}).encode())
    none_payload = b64(json.dumps(claims(name="alg-none")).encode())
    tokens["alg-none"] = f"{none_header}.{none_payload}."
    # Tampered: a genuine token whose payload was edited after signing (a scope added).
    header, _, signature = tokens["valid"].split(".")
    tampered = b64(json.dumps(claims(name="valid", scope="orders.read orders.write orders.admin")).encode())
    tokens["tampered"] = f"{header}.{tampered}.{signature}"

    for name, token in tokens.items():
        write(f"{name}.jwt", token + "\n")
    write("claims.json", json.dumps(claims(name="claims-only"), indent=2, sort_keys=True) + "\n")

    # Self-check with jwcrypto: genuine tokens verify against the public JWKS, forged ones do not.
    keyset = jwk.JWKSet.from_json(open(os.path.join(HERE, "jwks.json")).read())
    for name in ["valid", "other-service", "id-token", "long-lived", "payments-es256"]:
        jwt.JWT(jwt=tokens[name], key=keyset, check_claims={}, algs=["RS256", "ES256"])
    for name in ["forged", "tampered"]:
        try:
            jwt.JWT(jwt=tokens[name], key=keyset, check_claims={}, algs=["RS256"])
        except Exception:
            continue
        raise SystemExit(f"{name} verified, but must not")


def write(name, text):
    with open(os.path.join(HERE, name), "w") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
