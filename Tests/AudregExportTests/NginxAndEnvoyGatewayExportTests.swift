import Foundation
import Testing
@testable import AudregCore
@testable import AudregExport
import AudregTestHelpers

/// `export nginx` and `export envoy-gateway` read back by audreg's own readers with the registry's exact
/// values; what nginx cannot carry as data is refused, never written.
@Suite("Exports: NGINX and Envoy Gateway")
struct NginxAndEnvoyGatewayExportTests {
    static func registry(audiences: [String], issuer: String = "https://idp.example.com", jwks: String = "https://idp.example.com/keys") -> Registry {
        var registry = RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiences: [https://orders.example.com]
              accepts: [{issuer: corp-idp}]
            """).registry
        registry.services[0].audiences = audiences.map { Located(ExactString($0), at: registry.services[0].audiencesLocation) }
        registry.issuers[0].issuer = Located(ExactString(issuer), at: registry.issuers[0].origin.location)
        registry.issuers[0].jwksUri = Located(jwks, at: registry.issuers[0].origin.location)
        return registry
    }

    /// Values nginx can carry, each of which a naive writer gets wrong: quotes, backslashes, `;`, braces,
    /// `#`, `$`, a `~` (a regex key unless escaped), map's parameter names, a leading backslash.
    /// `~\u{301}|` and `\\\u{301}x` start with the byte nginx looks at, inside one `Character` with the mark.
    static let tricky = ["https://orders.example.com/\"a\";b{c}#d", "~^.*$", "default", "include", "\\leading", "a\\b $jwt_claim_sub {{x}}: y",
                         "~\u{301}|", "\\\u{301}x"]

    @Test("NGINX: tricky audiences and issuer read back exactly, and the map gives 0 by default")
    func nginxReadsBack() throws {
        let issuer = "https://idp.example.com/\"realm\" #1 ~x"
        let jwks = "https://idp.example.com/keys?a=1&b=\"2\""
        let (name, text) = try #require(try GatewayExport(registry: Self.registry(audiences: Self.tricky, issuer: issuer, jwks: jwks)).files(.nginx).first)
        #expect(name == "orders-api.conf")
        let config = try NginxAuthJWTReader().read(Array(text.utf8), file: name)
        let provider = try #require(config.providers.first)
        #expect(config.providers.count == 1)
        #expect(provider.audiences?.map(\.value) == Self.tricky.map { ExactString($0) })
        #expect(provider.issuer?.value.isExactly(issuer) == true && provider.extraIssuers.isEmpty)
        #expect(provider.jwksUri?.value.isExactly(jwks) == true)
        #expect(provider.unresolved.isEmpty && provider.audienceCaveat == nil && provider.issuerCaveat == nil, "\(provider.unresolved.map(\.reason))")
        #expect(config.requirements.allSatisfy { $0.mode == .required })
        #expect(text.contains("map $jwt_claim_aud $audreg_aud_ok_orders_api {\n    default 0;\n"))
        #expect(text.contains("    \"\\\\default\" 1;\n") && text.contains("    \"\\\\~^.*$\" 1;\n"), "\(text)")
        #expect(text.contains("    \"\\\\~\u{301}|\" 1;\n"), "a key whose first byte is ~ is escaped, mark or not")
        #expect(text.contains("auth_jwt_require $audreg_aud_ok_orders_api $audreg_iss_ok_orders_api;"))
    }

    @Test("NGINX: a line break, a bidi control, a case-only difference or a $ in the JWKS URI refuses the export", arguments: [
        (["https://orders.example.com\r\nauth_jwt off;"], "https://idp.example.com/keys", "control character"),
        (["https://orders.example.com\u{202E}"], "https://idp.example.com/keys", "U+202E"),
        (["https://orders.example.com", "https://ORDERS.example.com"], "https://idp.example.com/keys", "only in case"),
        (["https://orders.example.com"], "https://idp.example.com/$host/keys", "variable"),
        ([""], "https://idp.example.com/keys", "empty"),
        (["https://a.example.com,https://b.example.com"], "https://idp.example.com/keys", "joins an array aud with commas"),
        // proxy_pass reads `unix:` after the scheme, in any case, as a socket on the gateway host.
        (["https://orders.example.com"], "https://unix:/tmp/x.sock:/keys", "local Unix socket"),
        (["https://orders.example.com"], "HTTPS://UnIx:/run/nginx.sock:/", "local Unix socket"),
        (["https://orders.example.com"], "https://unix:80/keys", "local Unix socket"),
        (["https://orders.example.com"], "https://user:secret@idp.example.com/keys", "user info"),
        (["https://orders.example.com"], "https://{host}/keys", "no DNS name"),
        (["https://orders.example.com"], "https://idp.example.com:/keys", "no port"),
        (["https://orders.example.com"], "https://[::1]x/keys", "no ':port'"),
        (["https://orders.example.com"], "http://idp.example.com/keys", "does not start with https://"),
        (["https://orders.example.com"], "https://idp.example.com", "no path"),
        (["https://orders.example.com"], "https://idp.example.com?x=/keys", "no path"),
        (["https://orders.example.com"], "https://idp.example.com/my keys", "whitespace"),
    ])
    func nginxRefuses(audiences: [String], jwks: String, reason: String) throws {
        #expect {
            _ = try GatewayExport(registry: Self.registry(audiences: audiences, jwks: jwks)).files(.nginx)
        } throws: { error in
            guard case .inexpressible(let service, _, let why, let location) = error as? GatewayExportError, location != nil else { return false }
            return service == "orders-api" && (why.contains(reason) || (error as? GatewayExportError)?.description.contains(reason) == true)
        }
    }

    @Test("NGINX: a JWKS URI with a network host, a port and a path is written as proxy_pass takes it", arguments: [
        "https://idp.example.com:8443/keys", "https://[2001:db8::1]:8443/keys", "https://192.0.2.7/keys", "https://unix.example.com/keys",
        "https://jwks_internal.corp.example./keys?tenant=a",
    ])
    func nginxTakesNetworkHosts(jwks: String) throws {
        let (name, text) = try #require(try GatewayExport(registry: Self.registry(audiences: ["https://orders.example.com"], jwks: jwks)).files(.nginx).first)
        #expect(text.contains("        proxy_pass \"\(jwks)\";\n"), "\(text)")
        let provider = try #require(try NginxAuthJWTReader().read(Array(text.utf8), file: name).providers.first)
        #expect(provider.jwksUri?.value.isExactly(jwks) == true)
    }

    /// Two issuers, each with the JWKS URI given (nil: none).
    static func twoIssuers(_ first: String?, _ second: String?) -> Registry {
        RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec: {issuer: https://idp.example.com\(first.map { ", jwksUri: \($0)" } ?? "")}
            ---
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: partner-idp}
            spec: {issuer: https://partner.example.com\(second.map { ", jwksUri: \($0)" } ?? "")}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiences: [https://orders.example.com]
              accepts: [{issuer: corp-idp}, {issuer: partner-idp}]
            """).registry
    }

    @Test("NGINX: a service whose issuers have different key sets is refused; one key set shared by both is written")
    func nginxRefusesPooledKeys() throws {
        // nginx verifies with every key it fetched, so partner-idp could sign a token with corp-idp's iss.
        #expect {
            _ = try GatewayExport(registry: Self.twoIssuers("https://idp.example.com/keys", "https://partner.example.com/keys")).files(.nginx)
        } throws: { error in
            guard case .inexpressible(let service, let value, let why, let location) = error as? GatewayExportError, location != nil else { return false }
            return service == "orders-api" && value == "accepted issuers 'corp-idp', 'partner-idp'" && why.contains("not only those of its own issuer")
        }
        // Envoy keeps them apart: one provider per issuer, each with its own keys.
        let envoy = try GatewayExport(registry: Self.twoIssuers("https://idp.example.com/keys", "https://partner.example.com/keys")).files(.envoy)
        #expect(envoy.count == 1)
        // The same key set for both issuers: nothing to pool, so the export is written with one key request.
        let shared = try #require(try GatewayExport(registry: Self.twoIssuers("https://keys.example.com/jwks", "https://keys.example.com/jwks")).files(.nginx).first)
        let provider = try #require(try NginxAuthJWTReader().read(Array(shared.1.utf8), file: shared.0).providers.first)
        #expect(provider.issuer?.value == "https://idp.example.com" && provider.extraIssuers.map(\.value) == ["https://partner.example.com"])
    }

    /// nginx's default map bucket (64 bytes on x86-64) holds keys of at most 46 bytes: a longer audience
    /// makes `nginx -t` fail for every service in the http block. The file says what to set; real nginx
    /// (Debian's, which has the map module but not NGINX Plus's auth_jwt) checks the maps with it.
    @Test("NGINX: an audience too long for nginx's default map bucket makes the file name the bucket size nginx needs", arguments: [46, 47, 62, 118, 300])
    func nginxBucketSize(keyBytes: Int) throws {
        let audience = "https://a.example/" + String(repeating: "x", count: keyBytes - "https://a.example/".utf8.count)
        let (_, text) = try #require(try GatewayExport(registry: Self.registry(audiences: [audience])).files(.nginx).first)
        let server = try #require(text.range(of: "server {"))
        // Debian's nginx has no $jwt_claim_* variables: the maps read a header instead.
        let maps = String(text[..<server.lowerBound]).replacingOccurrences(of: "$jwt_claim_", with: "$http_x_")
        let directive = text.firstMatch(of: /map_hash_bucket_size (\d+);/).map { Int($0.1)! }
        #expect((directive == nil) == (keyBytes <= 46), "\(keyBytes): \(text)")
        let nginx = "/usr/sbin/nginx"
        try #require(FileManager.default.isExecutableFile(atPath: nginx), "nginx is installed by scripts/install-deps.sh test")
        let directory = TemporaryDirectory()
        func check(_ bucket: Int?) throws -> ProcessResult {
            let config = "error_log \(directory.path)/error.log; pid \(directory.path)/nginx.pid; events {}\nhttp {\n"
                + (bucket.map { "map_hash_bucket_size \($0);\n" } ?? "") + maps + "}\n"
            return try run(nginx, ["-t", "-q", "-p", directory.path, "-c", directory.write("nginx.conf", config)])
        }
        let withAdvice = try check(directive)
        #expect(withAdvice.status == 0, "\(keyBytes): \(withAdvice.stderr)")
        if let directive {
            let smaller = try check(directive / 2)
            #expect(smaller.status != 0 && smaller.stderr.contains("could not build map_hash"), "\(keyBytes): the bucket named is the smallest that works")
        }
    }

    @Test("NGINX: audiences that differ only by normalization are two map keys, as nginx compares bytes")
    func nginxKeepsEquivalentAudiences() throws {
        let audiences = ["https://caf\u{E9}.example.com", "https://cafe\u{301}.example.com"]
        let (name, text) = try #require(try GatewayExport(registry: Self.registry(audiences: audiences)).files(.nginx).first)
        let provider = try #require(try NginxAuthJWTReader().read(Array(text.utf8), file: name).providers.first)
        #expect(provider.audiences?.map(\.value) == audiences.map { ExactString($0) })
        // Case is still folded: these two would be one key to nginx.
        #expect(throws: GatewayExportError.self) {
            _ = try GatewayExport(registry: Self.registry(audiences: ["https://caf\u{E9}.example.com", "https://CAF\u{E9}.example.com"])).files(.nginx)
        }
    }

    @Test("Envoy Gateway: hostile values are one YAML scalar each and read back exactly")
    func envoyGatewayReadsBack() throws {
        let audiences = ["https://orders.example.com/\r\n---\nkind: Policy", "{{x}}: y # z", "\u{202E}evil"]
        let issuer = "https://idp.example.com/\u{85}: x"
        let (name, text) = try #require(try GatewayExport(registry: Self.registry(audiences: audiences, issuer: issuer), namespace: "shop\n---").files(.envoyGateway).first)
        #expect(name == "orders-api.yaml")
        #expect(YAMLParser.parse(bytes: Array(text.utf8)).documents.count == 1)
        let config = try EnvoyGatewaySecurityPolicyReader().read(Array(text.utf8), file: name)
        let provider = try #require(config.providers.first)
        #expect(config.providers.count == 1 && config.requirements.isEmpty)
        #expect(provider.name?.value == "corp-idp")
        #expect(provider.isNamed("orders-api-jwt") && provider.isNamed("orders-api"))
        #expect(provider.audiences?.map(\.value) == audiences.map { ExactString($0) })
        #expect(provider.issuer?.value.isExactly(issuer) == true)
        #expect(provider.jwksUri?.value == "https://idp.example.com/keys")
    }

    /// The gateways have no setting for a token's type, algorithm or required claims: the file says what
    /// it leaves to the service, so it is never taken for the registry's whole check.
    @Test("each export names the registry's requirements it does not enforce; a service with no audiences is refused")
    func unenforcedRequirementsAreNamed() throws {
        let registry = RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiences: [https://orders.example.com]
              accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], algorithms: [RS256], maxLifetime: 15m, requiredClaims: [jti]}]
            """).registry
        for format in GatewayFormat.allCases {
            let text = try #require(try GatewayExport(registry: registry).files(format).first?.1)
            #expect(text.contains("# Not enforced by this file (\(format.rawValue) has no setting for them)"), "\(format)")
            #expect(text.contains("#   corp-idp: tokenTypes at+jwt; algorithms RS256; requiredClaims jti" + (format == .envoy ? "\n" : "; maxLifetime 15m\n")), "\(format)")
        }
        var empty = registry
        empty.services[0].audiences = []
        #expect(throws: GatewayExportError.self) { try GatewayExport(registry: empty).files(.envoy) }
    }
}
