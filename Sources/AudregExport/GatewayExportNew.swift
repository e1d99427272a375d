import AudregCore

/// Envoy Gateway and NGINX Plus exports, one file per service like `export envoy`/`export istio`.
extension GatewayExport {
    /// An Envoy Gateway `SecurityPolicy` (gateway.envoyproxy.io/v1alpha1) with one `jwt.providers[]`
    /// item per accepted issuer, attached to the HTTPRoute named after the service.
    func envoyGateway(_ service: Service, issuers: [BoundIssuer]) -> String {
        var text = header(service, format: .envoyGateway)
        text += "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: SecurityPolicy\nmetadata:\n"
        text += "  name: \(yaml("\(service.name)-jwt"))\n"
        if let namespace { text += "  namespace: \(yaml(namespace))\n" }
        text += "  labels:\n    app.kubernetes.io/managed-by: audreg\n"
        text += "spec:\n  targetRefs:\n"
        text += "    # The HTTPRoute that routes to the service, assumed to carry its name: change it if yours does not.\n"
        text += "    - group: gateway.networking.k8s.io\n      kind: HTTPRoute\n      name: \(yaml(service.name))\n"
        text += "  jwt:\n    providers:\n"
        for bound in issuers {
            text += "      - name: \(yaml(Self.providerName(issuer: bound.name)))\n"
            text += "        issuer: \(yaml(bound.iss))\n"
            text += "        audiences:\n"
            for audience in service.audiences { text += "          - \(yaml(audience.value.text))\n" }
            if let jwks = bound.jwksUri?.value { text += "        remoteJWKS:\n          uri: \(yaml(jwks))\n" }
        }
        return text
    }

    /// NGINX Plus (`ngx_http_auth_jwt_module`), to include in the `http` block: a `map` on
    /// `$jwt_claim_aud` and one on `$jwt_claim_iss` that give 1 for the registry's values and 0 for any
    /// other, and a `server` with `auth_jwt_require` on both, which refuses a token unless both are 1.
    /// Keys come from the JWKS URI through `auth_jwt_key_request` and an internal location.
    func nginx(_ service: Service, issuers: [BoundIssuer]) throws(GatewayExportError) -> String {
        let variable = service.name.replacingOccurrences(of: "-", with: "_")
        var text = header(service, format: .nginx)
        text += "# Include in nginx's http block (NGINX Plus). The server block holds only the token checks: add its\n"
        text += "# listen, server_name and locations, or move these directives into the service's own server.\n"
        text += "# nginx compares map keys ignoring case (ngx_http_map_module): no other service in the registry has an\n"
        text += "# audience that differs from these only in case, but a token for such an audience would pass.\n"
        let longestKey = (service.audiences.map(\.value.text.utf8.count) + issuers.map(\.iss.utf8.count)).max() ?? 0
        let bucketSize = Self.nginxMapBucketSize(forKeyBytes: longestKey)
        if bucketSize > 64 {
            text += "# Needs `map_hash_bucket_size \(bucketSize);` (or more) in the http block: the longest map key here is\n"
            text += "# \(longestKey) bytes, and nginx's default bucket (the CPU's cache line, 64 bytes on x86-64) holds keys of at\n"
            text += "# most 46 bytes; without it `nginx -t` fails with \"could not build map_hash\".\n"
        }
        try nginxCheckDistinct(service.audiences.map { ($0.value.text, $0.location) }, service: service, what: "audience")
        text += "map $jwt_claim_aud $audreg_aud_ok_\(variable) {\n    default 0;\n"
        for audience in service.audiences {
            text += "    \(try nginxMapKey(audience.value.text, service: service, what: "audience", at: audience.location)) 1;\n"
        }
        text += "}\n\nmap $jwt_claim_iss $audreg_iss_ok_\(variable) {\n    default 0;\n"
        try nginxCheckDistinct(issuers.map { ($0.iss, $0.accepted.location) }, service: service, what: "issuer")
        for bound in issuers {
            text += "    \(try nginxMapKey(bound.iss, service: service, what: "issuer", at: bound.accepted.location)) 1;\n"
        }
        // Every bound issuer has a key set (`boundIssuers`). nginx tries every key of every
        // auth_jwt_key_request, whatever the token's `iss`: with two key sets, a token one issuer signs
        // with the other's `iss` passes both checks.
        let keys = issuers.compactMap { bound in bound.jwksUri.map { (path: "/_audreg_jwks/\(bound.name)", uri: $0) } }
        if Set(keys.map { ExactString($0.uri.value) }).count > 1 {
            throw .inexpressible(service: service.name, value: "accepted issuers \(issuers.map(\.name).sorted { ExactText.precedes($0, $1) }.map { "'\($0)'" }.joined(separator: ", "))",
                                 reason: "nginx verifies a token with the keys of every auth_jwt_key_request, not only those of its own issuer, so a token one issuer signs with another's iss would pass; export the other services with --service, and this one with envoy or envoy-gateway, whose providers bind each issuer to its own keys",
                                 at: issuers[0].accepted.location)
        }
        text += "}\n\nserver {\n"
        text += "    auth_jwt \(try nginxString(service.name, service: service, what: "service name", at: service.metadata.name.location));\n"
        for key in keys { text += "    auth_jwt_key_request \(key.path);\n" }
        text += "    auth_jwt_require $audreg_aud_ok_\(variable) $audreg_iss_ok_\(variable);\n"
        for key in keys {
            text += "\n    location = \(key.path) {\n        internal;\n"
            text += "        proxy_pass \(try nginxProxyURL(key.uri, service: service));\n    }\n"
        }
        text += "}\n"
        return text
    }

    /// The smallest power of two, at least 64, that nginx takes as `map_hash_bucket_size` for a key of
    /// `keyBytes`: `ngx_hash_init` needs a bucket to hold one element (a value pointer and the key with
    /// a 2-byte length, aligned to a pointer) and the pointer that ends the bucket.
    static func nginxMapBucketSize(forKeyBytes keyBytes: Int) -> Int {
        let pointer = 8
        let needed = pointer + (keyBytes + 2 + pointer - 1) / pointer * pointer + pointer
        var size = 64
        while size < needed { size *= 2 }
        return size
    }

    /// A map key matching exactly `value`. nginx reads a key starting with `~` as a regular expression
    /// and a bare `default`, `hostnames`, `include` or `volatile` as a parameter, and removes one leading
    /// `\` after checking for `~`: such keys, and keys already starting with `\`, get that `\`.
    /// nginx looks at the key's first byte, so this does too: `hasPrefix("~")` compares `Character`s, and
    /// `~` followed by a combining mark is one `Character` that is not `~`, though nginx would compile it
    /// as an unanchored regular expression.
    func nginxMapKey(_ value: String, service: Service, what: String, at location: SourceLocation) throws(GatewayExportError) -> String {
        let first = value.utf8.first
        let special = ["default", "hostnames", "include", "volatile"].contains { $0.isExactly(value) }
            || first == UInt8(ascii: "\\") || first == UInt8(ascii: "~")
        // nginx gives an array claim to `$jwt_claim_aud` as its elements joined with commas, so a key with
        // a comma would also match a token whose `aud` lists the parts as separate audiences.
        if what == "audience", value.utf8.contains(UInt8(ascii: ",")) {
            throw .inexpressible(service: service.name, value: "\(what) '\(value)'",
                                 reason: "nginx joins an array aud with commas, so this key would also match a token for the audiences on either side of the comma", at: location)
        }
        return try nginxString(special ? "\\" + value : value, service: service, what: what, at: location)
    }

    /// Map keys are compared ignoring ASCII case and nginx refuses two keys that are equal so
    /// ("conflicting parameter"): the registry's values must differ in more than case. nginx lowers
    /// ASCII letters only and otherwise compares bytes, so two values that differ only by Unicode
    /// normalization (é as U+00E9 and as e + U+0301) are two keys to it: the folded values are keyed
    /// by their bytes, not as `String`s, which would take those for one and refuse them as a case clash.
    func nginxCheckDistinct(_ values: [(String, SourceLocation)], service: Service, what: String) throws(GatewayExportError) {
        var seen: [ExactString: String] = [:]
        for (value, location) in values {
            let folded = ExactString(ASCII.lowercased(value))
            if let other = seen[folded], !other.isExactly(value) {
                throw .inexpressible(service: service.name, value: "\(what) '\(value)'",
                                     reason: "an nginx map compares keys ignoring case, and '\(other)' differs from it only in case", at: location)
            }
            seen[folded] = value
        }
    }

    /// The JWKS URI as `proxy_pass`'s quoted URL, when nginx takes it as `https://host[:port]/path` with a
    /// network host. proxy_pass reads `unix:` after `https://` (any case) as a Unix socket on the gateway
    /// host, and a registry that anyone can change would then have the gateway talk to whatever listens
    /// there; a host of other characters (`${…}`, `%`, user info) is no name nginx looks up as written,
    /// and without a path nginx sends the internal location's own URI instead of the key set's.
    func nginxProxyURL(_ uri: Located<String>, service: Service) throws(GatewayExportError) -> String {
        let value = uri.value
        let problem: String?
        if !ASCII.lowercased(String(decoding: value.utf8.prefix(8), as: UTF8.self)).isExactly("https://") {
            problem = "it does not start with https:// (keys fetched otherwise can be replaced on the way)"
        } else if let host = URLParts.networkHostProblem(value) {
            problem = "it \(host)"
        } else if !value.utf8.dropFirst(8).contains(UInt8(ascii: "/")) || value.utf8.dropFirst(8).prefix(while: { $0 != UInt8(ascii: "/") }).contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            problem = "it has no path after the host, and nginx would then ask the issuer for the internal location's URI instead"
        } else if value.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            problem = "it holds whitespace, which nginx would send raw in the request line; percent-encode it (%20)"
        } else {
            problem = nil
        }
        if let problem {
            throw .inexpressible(service: service.name, value: "JWKS URI '\(value)'",
                                 reason: "nginx's proxy_pass needs https://host[:port]/path with a network host (a DNS name or an IP address), and \(problem); fix the Issuer's jwksUri (insecure-endpoint)",
                                 at: uri.location)
        }
        return try nginxString(value, service: service, what: "JWKS URI", at: uri.location, allowVariables: false)
    }

    /// A double-quoted nginx word holding `value`: `"` and `\` escaped. A line break, control, bidi or
    /// invisible character is refused (nginx would keep it raw in the file), and so is `$` where nginx
    /// expands variables.
    func nginxString(_ value: String, service: Service, what: String, at location: SourceLocation, allowVariables: Bool = true) throws(GatewayExportError) -> String {
        if value.isEmpty { throw .inexpressible(service: service.name, value: what, reason: "it is empty", at: location) }
        var output = "\""
        for scalar in value.unicodeScalars {
            if let kind = UnsafeScalar.kind(scalar) {
                throw .inexpressible(service: service.name, value: "\(what) '\(value)'", reason: "it holds a \(kind.rawValue) (\(UnsafeScalar.codePoint(scalar))), which an nginx config cannot carry safely", at: location)
            }
            if scalar == "$" && !allowVariables {
                throw .inexpressible(service: service.name, value: "\(what) '\(value)'", reason: "nginx would expand '$' in it as a variable", at: location)
            }
            if scalar == "\"" || scalar == "\\" { output += "\\" }
            output.unicodeScalars.append(scalar)
        }
        return output + "\""
    }
}
