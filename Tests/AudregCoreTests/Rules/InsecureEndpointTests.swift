import Testing
@testable import AudregCore
import AudregTestHelpers

/// `insecure-endpoint` on URLs that are fetched: a key set URL that names a Unix socket or no host
/// that is looked up as written is no endpoint whose TLS was checked.
@Suite("insecure-endpoint: network hosts")
struct InsecureEndpointTests {
    static func issuer(jwksUri: String) -> String {
        """
        apiVersion: audreg/v1
        kind: Issuer
        metadata: {name: corp-idp}
        spec:
          issuer: https://idp.example.com
          jwksUri: "\(jwksUri)"
        """
    }

    @Test("a jwksUri that names a Unix socket, user info, no DNS name or an empty port is reported at the jwksUri", arguments: [
        ("https://unix:/tmp/x.sock:/keys", "names a local Unix socket"),
        ("https://UNIX:/run/idp.sock:/", "names a local Unix socket"),
        ("https://unix:8443/keys", "names a local Unix socket"),
        ("https://admin:pw@idp.example.com/keys", "user info"),
        ("https://${IDP_HOST}/keys", "which is no DNS name"),
        ("https://idp%2Eexample.com/keys", "which is no DNS name"),
        ("https://idp..example.com/keys", "which is no DNS name"),
        ("https://idp.ex\u{E4}mple.com/keys", "xn-- form"),
        ("https://idp.example.com:/keys", "with no port"),
        ("https://idp.example.com:70000/keys", "no port number"),
        ("https://[fe80::1%25eth0]/keys", "no IPv6 address"),
    ])
    func reported(jwksUri: String, reason: String) {
        let found = findings(Self.issuer(jwksUri: jwksUri)).filter { $0.ruleID == "insecure-endpoint" }
        #expect(found.count == 1 && found[0].message.contains(reason), "\(found.map(\.message))")
        #expect(positions(found, rule: "insecure-endpoint") == ["6:12"])
    }

    @Test("network hosts pass: DNS names, IPv4 and IPv6 literals, ports, a host merely called unix", arguments: [
        "https://idp.example.com/keys", "https://idp.example.com:8443/keys", "https://192.0.2.7/keys", "https://[2001:db8::1]:8443/keys",
        "https://unix/keys", "https://unix.example.com/keys", "https://jwks_internal.corp.example./keys?v=2", "http://127.0.0.1:8080/keys",
        "https://xn--idp-exmple-m4a.com/keys",
    ])
    func passes(jwksUri: String) {
        let found = findings(Self.issuer(jwksUri: jwksUri)).filter { $0.ruleID == "insecure-endpoint" }
        #expect(found.isEmpty, "\(found.map(\.message))")
    }
}
