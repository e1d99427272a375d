import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// The field-name forms, placeholders and verification modes the config readers understand.
@Suite("Drift: config forms")
struct ConfigFormsTests {
    @Test("a config that repeats a key is refused at the repeat, whatever its reader: the enforcer's parser may take either value")
    func duplicateKeyRefused() throws {
        let vault = Array(#"{"data": {"role_type": "jwt", "bound_audiences": ["a"], "bound_audiences": ["b"]}}"#.utf8)
        let istio = Array("""
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: orders}
            spec:
              jwtRules:
                - issuer: https://idp.example.com
                  audiences: [https://orders.example.com]
                  audiences: [https://any.example.com]
            """.utf8)
        for (reader, bytes, file, at) in [(VaultJWTRoleReader() as any DeploymentConfigReader, vault, "vault.json", "1:57"),
                                          (IstioRequestAuthenticationReader(), istio, "ra.yaml", "8:7")] {
            do {
                _ = try reader.read(bytes, file: file, settings: DeploymentReadSettings())
                Issue.record("\(file) was read although it repeats a key")
            } catch {
                #expect(error.location.map { "\($0.line):\($0.column)" } == at, "\(error.message)")
                #expect(error.message.contains("is given twice") && error.message.contains("compares neither"), "\(error.message)")
            }
        }
    }

    @Test("protobuf JSON names are derived as protoc derives them")
    func jsonNames() {
        #expect(ProtoFields.jsonName("remote_jwks") == "remoteJwks")
        #expect(ProtoFields.jsonName("extract_only_without_validation") == "extractOnlyWithoutValidation")
        #expect(ProtoFields.jsonName("issuer") == "issuer")
    }

    @Test("Envoy: snake_case and camelCase give the same provider and requirements")
    func envoyBothForms() throws {
        let snake = """
            name: envoy.filters.http.jwt_authn
            typed_config:
              providers:
                p: {issuer: i, audiences: [a], remote_jwks: {http_uri: {uri: https://k.example/keys}}}
              rules:
                - match: {prefix: /}
                  requires: {requires_any: {requirements: [{provider_name: p}, {allow_missing: {}}]}}
            """
        let camel = """
            name: envoy.filters.http.jwt_authn
            typedConfig:
              providers:
                p: {issuer: i, audiences: [a], remoteJwks: {httpUri: {uri: https://k.example/keys}}}
              rules:
                - match: {prefix: /}
                  requires: {requiresAny: {requirements: [{providerName: p}, {allowMissing: {}}]}}
            """
        for text in [snake, camel] {
            let config = try EnvoyJWTAuthnReader().read(Array(text.utf8), file: "e.yaml")
            #expect(config.providers.first?.jwksUri?.value == "https://k.example/keys", "\(text)")
            #expect(config.requirements.map(\.mode) == [.optional])
            #expect(config.requirements.first?.providers.map(\.name.value) == ["p"])
        }
    }

    @Test("Envoy per-route config: a route's own config wins over its virtual host's; a FilterConfig wrapper is unwrapped")
    func envoyPerRoute() throws {
        let text = """
            route_config:
              typed_per_filter_config:
                envoy.filters.http.jwt_authn: {disabled: true}
              virtual_hosts:
                - name: a
                  routes:
                    - match: {path: /x}
                    - match: {prefix: /y}
                      typed_per_filter_config:
                        envoy.filters.http.jwt_authn: {requirement_name: r}
                - name: b
                  typed_per_filter_config:
                    my-jwt:
                      "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                      config:
                        "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig
                        requirement_name: r
                  routes:
                    - match: {prefix: /}
                    - match: {prefix: /z}
                      typed_per_filter_config:
                        envoy.filters.http.jwt_authn:
                          "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                          disabled: true
            http_filters:
              - name: envoy.filters.http.jwt_authn
                typed_config:
                  providers: {p: {issuer: i}}
                  requirement_map: {r: {provider_name: p}}
            """
        let config = try EnvoyJWTAuthnReader().read(Array(text.utf8), file: "e.yaml")
        #expect(config.requirements.map(\.mode) == [.required, .disabled, .disabled])
        #expect(config.requirements.map(\.label) == [
            "requirement_map entry 'r' (selected by route 2 (prefix /y) of virtual host 'a', route 1 (prefix /) of virtual host 'b')",
            "route 1 (path /x) of virtual host 'a'", "route 2 (prefix /z) of virtual host 'b'"])
        #expect(config.requirements.map(\.coversEveryPath) == [true, false, false])
        #expect(config.requirements.map(\.location.line) == [29, 7, 20])
    }

    @Test("Spring profile expressions: !, &, |, parentheses and alternatives as Profiles.of reads them; mixed & and | refused")
    func springProfileExpressions() {
        let active: Set<String> = ["prod", "eu"]
        #expect(ProfileExpression.matches("prod", active: active) == true)
        #expect(ProfileExpression.matches("!prod", active: active) == false)
        #expect(ProfileExpression.matches("prod & eu", active: active) == true)
        #expect(ProfileExpression.matches("prod & us", active: active) == false)
        #expect(ProfileExpression.matches("us | eu", active: active) == true)
        #expect(ProfileExpression.matches("(prod & us) | (prod & eu)", active: active) == true)
        #expect(ProfileExpression.matches("!(prod | qa)", active: active) == false)
        #expect(ProfileExpression.matches("qa, eu", active: active) == true)
        #expect(ProfileExpression.matches("Prod", active: active) == false)
        #expect(ProfileExpression.matches("prod & eu | qa", active: active) == nil)
        #expect(ProfileExpression.matches("(prod", active: active) == nil)
        #expect(ProfileExpression.matches("prod &", active: active) == nil)
        #expect(ProfileExpression.matches(String(repeating: "(", count: 100_000), active: active) == nil)
    }

    @Test("Spring .properties documents: #--- and !--- split them, a later applying document wins")
    func springPropertiesDocuments() throws {
        let text = """
            spring.security.oauth2.resourceserver.jwt.issuer-uri=https://a.example.com
            #---
            spring.config.activate.on-profile=prod
            spring.security.oauth2.resourceserver.jwt.issuer-uri=https://b.example.com
            !---
            spring.config.activate.on-profile=dev
            spring.security.oauth2.resourceserver.jwt.issuer-uri=https://c.example.com
            #---
            spring.security.oauth2.resourceserver.jwt.jwk-set-uri=https://b.example.com/keys
            """
        let prod = try #require(try SpringBootResourceServerReader().read(Array(text.utf8), file: "application.properties", settings: DeploymentReadSettings(springProfiles: ["prod"])).providers.first)
        #expect(prod.issuer?.value == "https://b.example.com")
        #expect(prod.issuer?.location.line == 4)
        #expect(prod.jwksUri?.value == "https://b.example.com/keys")
        let none = try #require(try SpringBootResourceServerReader().read(Array(text.utf8), file: "application.properties").providers.first)
        #expect(none.issuer == nil)
        #expect(none.unresolved.map(\.setting) == ["issuer-uri"])
        #expect(none.unresolved.first?.location.line == 7)
        #expect(none.jwksUri?.value == "https://b.example.com/keys")
    }

    @Test("Envoy: requires_all keeps the strongest branch, an unknown requirement form is kept as not compared")
    func envoyModes() throws {
        let text = """
            name: envoy.filters.http.jwt_authn
            typed_config:
              providers: {p: {issuer: i}}
              rules:
                - match: {prefix: /a}
                  requires: {requires_all: {requirements: [{provider_name: p}, {allow_missing: {}}]}}
                - match: {prefix: /b}
                  requires: {some_future_mode: {}}
                - match: {prefix: /c}
                  requires: {allow_missing_or_failed: {}}
                - match: {prefix: /d}
                  requires: {requires_any: {requirements: [{provider_name: p}, {provider_names: [p]}]}}
                - match: {prefix: /}
                  requires: {provider_name: p}
            """
        let config = try EnvoyJWTAuthnReader().read(Array(text.utf8), file: "e.yaml")
        #expect(config.requirements.map(\.mode) == [.required, .unknown, .failureAccepted, .unknown, .required])
        #expect(config.requirements.map(\.label) == ["rule 1 (prefix /a)", "rule 2 (prefix /b)", "rule 3 (prefix /c)", "rule 4 (prefix /d)", "rule 5 (prefix /)"])
        #expect(config.requirements[1].explained.contains("some_future_mode"))
        #expect(config.requirements[3].explained.contains("provider_names"))
    }

    @Test("Envoy: an empty or null requirement, or an empty requires_any branch, is allow-all: it verifies nothing")
    func envoyEmptyRequirement() throws {
        let text = """
            name: envoy.filters.http.jwt_authn
            typed_config:
              providers: {p: {issuer: i}}
              requirement_map:
                open: {}
              rules:
                - match: {prefix: /a}
                  requires: {}
                - match: {prefix: /b}
                  requires: ~
                - match: {prefix: /c}
                  requires: {requires_any: {requirements: [{provider_name: p}, {}]}}
                - match: {prefix: /d}
                  requires: {requires_all: {requirements: [{provider_name: p}, {}]}}
                - match: {prefix: /}
                  requires:
            """
        let config = try EnvoyJWTAuthnReader().read(Array(text.utf8), file: "e.yaml")
        #expect(config.requirements.map(\.mode) == [.disabled, .disabled, .disabled, .disabled, .required, .disabled])
        #expect(config.requirements.map(\.coversEveryPath) == [true, false, false, false, false, true])
        #expect(config.requirements[3].explained.contains("requires_any branch"))
        #expect(config.requirements[3].location.line == 12)
        #expect(config.requirements[3].providers.map(\.name.value) == ["p"])
    }

    @Test("Envoy: requests no rule matches pass unverified unless a rule takes in every request; a header condition narrows a catch-all")
    func envoyUnmatchedRequests() throws {
        func requirements(_ rules: String) throws -> [DeployedRequirement] {
            let text = """
                name: envoy.filters.http.jwt_authn
                typed_config:
                  providers: {p: {issuer: i}}
                  rules:
                \(rules)
                """
            return try EnvoyJWTAuthnReader().read(Array(text.utf8), file: "e.yaml").requirements
        }
        let narrow = try requirements("    - {match: {prefix: /api}, requires: {provider_name: p}}")
        #expect(narrow.map(\.mode) == [.required, .disabled])
        #expect(narrow.last?.label == "requests that no rule matches")
        #expect(narrow.last?.coversEveryPath == false)
        #expect(narrow.last?.location.line == 4)
        let headed = try requirements("    - {match: {prefix: /, headers: [{name: x-jwt, present_match: true}]}, requires: {provider_name: p}}")
        #expect(headed.map(\.mode) == [.required, .disabled])
        #expect(headed.last?.coversEveryPath == true)
        for catchAll in ["{prefix: /}", "{prefix: \"\"}", "{safe_regex: {regex: \".*\"}}", "{prefix: /, case_sensitive: false}"] {
            let covered = try requirements("    - {match: {prefix: /api}, requires: {provider_name: p}}\n    - {match: \(catchAll), requires: {provider_name: p}}")
            #expect(covered.map(\.mode) == [.required, .required], "\(catchAll)")
        }
        for catchAll in [".+", "^.+$", ".*?", "^(.*)$"] {
            let covered = try requirements("    - {match: {prefix: /healthz}}\n    - {match: {safe_regex: {regex: \"\(catchAll)\"}}, requires: {provider_name: p}}")
            #expect(!covered.contains { $0.label == "requests that no rule matches" }, "\(catchAll)")
        }
        // With every route in the file, a path no route takes gets the router's 404: rules that take in
        // every route leave nothing open. A route they do not take in, or routes over RDS, still do.
        func routed(_ routes: String, rds: Bool = false) throws -> [String] {
            let text = """
                http_filters:
                  - name: envoy.filters.http.jwt_authn
                    typed_config:
                      providers: {p: {issuer: i}}
                      rules: [{match: {prefix: /api/}, requires: {provider_name: p}}]
                \(rds ? "rds: {route_config_name: r}" : "route_config:\n  virtual_hosts: [{name: a, domains: [\"*\"], routes: [\(routes)]}]")
                """
            return try EnvoyJWTAuthnReader().read(Array(text.utf8), file: "e.yaml").requirements.map(\.label)
        }
        #expect(try !routed("{match: {prefix: /api/}, route: {cluster: c}}, {match: {path: /api/v1/x}, route: {cluster: c}}").contains("requests that no rule matches"))
        #expect(try routed("{match: {prefix: /api/}, route: {cluster: c}}, {match: {prefix: /}, route: {cluster: c}}").contains("requests that no rule matches"))
        #expect(try routed("{match: {prefix: /API/, case_sensitive: false}, route: {cluster: c}}").contains("requests that no rule matches"))
        #expect(try routed("", rds: true).contains("requests that no rule matches"))
    }

    @Test("Envoy: a requirement_map without rules protects only the routes that select an entry")
    func envoyRequirementMapOnly() throws {
        let alone = """
            name: envoy.filters.http.jwt_authn
            typed_config:
              providers: {p: {issuer: i}}
              requirement_map: {r: {provider_name: p}}
            """
        let unselected = try EnvoyJWTAuthnReader().read(Array(alone.utf8), file: "e.yaml").requirements
        #expect(unselected.map(\.mode) == [.required, .disabled])
        #expect(unselected.last?.inferredFromAbsence == true)
        #expect(unselected.last?.label.hasPrefix("the filter (it has a requirement_map but no rules") == true)
        let routed = """
            route_config:
              virtual_hosts:
                - name: a
                  routes:
                    - match: {prefix: /admin}
                      typed_per_filter_config:
                        envoy.filters.http.jwt_authn: {requirement_name: r}
                    - match: {prefix: /}
            http_filters:
              - name: envoy.filters.http.jwt_authn
                typed_config:
                  providers: {p: {issuer: i}}
                  requirement_map: {r: {provider_name: p}}
            """
        let selected = try EnvoyJWTAuthnReader().read(Array(routed.utf8), file: "e.yaml").requirements
        #expect(selected.map(\.mode) == [.required, .disabled])
        #expect(selected.last?.label == "route 2 (prefix /) of virtual host 'a'")
        #expect(selected.last?.coversEveryPath == true)
    }

    @Test("nginx: auth_jwt in one location leaves its sibling locations, and requests no location takes, unverified")
    func nginxSiblingLocations() throws {
        let text = """
            server {
                server_name orders.example.com;
                location /admin {
                    auth_jwt "admin";
                    auth_jwt_key_file k.json;
                }
                location = /_jwks {
                    internal;
                }
                location /public {
                    proxy_pass http://127.0.0.1:1;
                }
            }
            server {
                server_name shop.example.com;
                location / {
                    auth_jwt "shop";
                    auth_jwt_key_file k.json;
                }
            }
            """
        let config = try NginxAuthJWTReader().read(Array(text.utf8), file: "nginx.conf")
        let weak = config.requirements.filter { $0.mode != .required }
        #expect(weak.map(\.label) == ["location /public of server 'orders.example.com'",
                                       "requests of server 'orders.example.com' that match no location"])
        #expect(weak.map(\.location.line) == [10, 1])
        #expect(weak.allSatisfy { $0.providers.map(\.name.value) == ["orders.example.com /admin"] })
        let everything = try NginxAuthJWTReader().read(Array("server { server_name a; location /admin { auth_jwt x; } location / { } }".utf8), file: "nginx.conf")
        #expect(everything.requirements.filter { $0.mode == .disabled }.map(\.coversEveryPath) == [true])
        // A named location is reached only by an internal redirect; one that includes a file drift does
        // not read may get auth_jwt from it, so it is a warning (inferred), not a claim.
        let redirect = try NginxAuthJWTReader().read(Array("server { server_name a; location / { auth_jwt x; auth_jwt_key_file k; try_files $uri @app; } location @app { proxy_pass http://127.0.0.1:1; } }".utf8), file: "nginx.conf")
        #expect(redirect.requirements.allSatisfy { $0.mode == .required }, "\(redirect.requirements.map(\.label))")
        let included = try NginxAuthJWTReader().read(Array("server { server_name a; location / { include /etc/nginx/jwt.conf; } location /api { auth_jwt x; auth_jwt_key_file k; } }".utf8), file: "nginx.conf")
        let inferred = included.requirements.filter { $0.mode == .disabled }
        #expect(inferred.count == 1 && inferred.allSatisfy(\.inferredFromAbsence), "\(inferred.map(\.label))")
        #expect(inferred.first?.explained.contains("drift does not follow include /etc/nginx/jwt.conf") == true)
    }

    @Test("Spring: an issuer-uri with whitespace at an end makes Spring refuse every token, said as that and not as another issuer")
    func springIssuerWhitespace() throws {
        let properties = "spring.security.oauth2.resourceserver.jwt.audiences=orders\nspring.security.oauth2.resourceserver.jwt.issuer-uri=https://idp.example.com \n"
        let fromProperties = try #require(try SpringBootResourceServerReader().read(Array(properties.utf8), file: "application.properties").providers.first)
        #expect(fromProperties.issuer == nil)
        #expect(fromProperties.issuerCaveat == "sets issuer-uri to 'https://idp.example.com ', which ends with U+0020, and Spring keeps it: it compares each token's iss with the whole value (and cannot fetch discovery from it), so it refuses every token, including those of the issuer it names; remove the whitespace",
                "\(fromProperties.issuerCaveat ?? "none")")
        #expect(fromProperties.location.line == 2 && fromProperties.location.column == 54, "the finding points at the value")
        #expect(fromProperties.audiences?.map(\.value.text) == ["orders"])

        func yaml(_ value: String) throws -> DeployedProvider? {
            let text = "spring:\n  security:\n    oauth2:\n      resourceserver:\n        jwt:\n          issuer-uri: \(value)\n"
            return try SpringBootResourceServerReader().read(Array(text.utf8), file: "application.yml").providers.first
        }
        #expect(try yaml("\"\\thttps://idp.example.com\"")?.issuerCaveat?.contains("which starts with U+0009") == true)
        // A plain YAML scalar ends before its trailing spaces: Spring gets the issuer as written.
        #expect(try yaml("https://idp.example.com   ")?.issuer?.value == "https://idp.example.com")
        #expect(try yaml("https://idp.example.com")?.issuerCaveat == nil)
    }

    @Test("Spring: issuer-uri and jwk-set-uri are one URI each, never split at commas; lists are trimmed as Java trims")
    func springSingleURIs() throws {
        let evil = "https://idp.example.com,@evil.example"
        let properties = """
            spring.security.oauth2.resourceserver.jwt.issuer-uri=\(evil)
            spring.security.oauth2.resourceserver.jwt.jwk-set-uri= \(evil)/keys
            spring.security.oauth2.resourceserver.jwt.audiences=a, \u{A0}b ,\tc
            """
        let fromProperties = try #require(try SpringBootResourceServerReader().read(Array(properties.utf8), file: "application.properties").providers.first)
        #expect(fromProperties.issuer?.value.isExactly(evil) == true)
        #expect(fromProperties.jwksUri?.value.isExactly(evil + "/keys") == true)
        #expect(fromProperties.jwksUri?.location.column == 56)
        #expect(fromProperties.audiences?.map(\.value.text) == ["a", "\u{A0}b", "c"])

        let yaml = """
            spring:
              security:
                oauth2:
                  resourceserver:
                    jwt:
                      issuer-uri: "\(evil)"
                      jwk-set-uri: [https://idp.example.com/keys, https://evil.example/keys]
                      audiences: "a,\u{A0}b"
            """
        let fromYAML = try #require(try SpringBootResourceServerReader().read(Array(yaml.utf8), file: "application.yml").providers.first)
        #expect(fromYAML.issuer?.value.isExactly(evil) == true)
        #expect(fromYAML.jwksUri == nil)
        #expect(fromYAML.unresolved.map(\.setting) == ["jwk-set-uri"])
        #expect(fromYAML.audiences?.map(\.value.text) == ["a", "\u{A0}b"])

        let external = DeploymentReadSettings(springProperties: ["SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI": evil,
                                                                 "spring.security.oauth2.resourceserver.jwt.audiences": "x,y"])
        let fromOutside = try #require(try SpringBootResourceServerReader().read(Array(properties.utf8), file: "application.properties", settings: external).providers.first)
        #expect(fromOutside.issuer?.value.isExactly(evil) == true)
        #expect(fromOutside.audiences?.map(\.value.text) == ["x", "y"])
        #expect(ConfigYAML.javaTrimmed("\u{A0} a\t\u{1F}") == "\u{A0} a")
    }

    @Test("nginx: auth_jwt $variable verifies no token where a map gives it off; a value drift cannot see is not taken as required")
    func nginxRealmVariable() throws {
        func requirements(_ realm: String, maps: String = "") throws -> [DeployedRequirement] {
            let text = """
                http {
                    map $http_x_internal $jwt_realm { default "api"; "yes" off; }
                    map $uri $open_realm { default off; /admin "admin"; }
                    map $uri $closed_realm { default "api"; /admin "admin"; }
                    map $uri $var_realm { default "api"; /x $http_realm; }
                \(maps)
                    server {
                        server_name orders.example.com;
                        location / {
                            auth_jwt \(realm);
                            auth_jwt_key_file keys.json;
                        }
                    }
                }
                """
            return try NginxAuthJWTReader().read(Array(text.utf8), file: "nginx.conf").requirements
        }
        let keyed = try requirements("$jwt_realm")
        #expect(keyed.map(\.mode) == [.disabled] && keyed.first?.coversEveryPath == true)
        #expect(keyed.first?.explained == "takes auth_jwt's realm from $jwt_realm, which the map at line 2 sets to off for key 'yes', and a realm of off turns auth_jwt off, so nginx verifies no token for those requests",
                "\(keyed.first?.explained ?? "none")")
        #expect(keyed.first?.location.line == 10)
        #expect(try requirements("$OPEN_REALM").first?.explained.contains("sets to off by default") == true, "variable names ignore case")
        #expect(try requirements("$closed_realm").map(\.mode) == [.required])
        #expect(try requirements("\"API $host\"").map(\.mode) == [.required], "a realm with other text is never exactly off")
        for (realm, why) in [("$var_realm", "whose map at line 5 gives a value from a variable for '/x'"), ("$http_realm", "which no map in this file sets"),
                             ("\"o${a}f\"", "which is built from variables")] {
            let unread = try requirements(realm)
            #expect(unread.map(\.mode) == [.unknown], "\(realm)")
            #expect(unread.first?.explained.contains(why) == true && unread.first?.explained.contains("was not read") == true, "\(realm): \(unread.first?.explained ?? "none")")
        }
        #expect(try requirements("$closed_realm", maps: "    server { set $closed_realm off; }").map(\.mode) == [.unknown], "set replaces the map's value")
    }

    @Test("nginx: under satisfy any, an allow, auth_basic or auth_request lets a request through without a token")
    func nginxSatisfyAny() throws {
        func modes(_ server: String, location: String = "") throws -> [DeployedRequirement.Mode] {
            let text = """
                server {
                    server_name a;
                    auth_jwt "api";
                    auth_jwt_key_file k.json;
                \(server)
                    location / {
                \(location)
                    }
                }
                """
            return try NginxAuthJWTReader().read(Array(text.utf8), file: "nginx.conf").requirements.map(\.mode)
        }
        #expect(try modes("") == [.required])
        #expect(try modes("    satisfy any;\n    allow 10.0.0.0/8;\n    deny all;") == [.failureAccepted])
        #expect(try modes("    satisfy ANY;\n    auth_basic \"staff\";") == [.failureAccepted])
        #expect(try modes("    satisfy any;\n    auth_request /auth;") == [.failureAccepted])
        #expect(try modes("    satisfy any;\n    deny all;\n    allow 10.0.0.0/8;") == [.required], "deny all comes first and shadows the allow")
        #expect(try modes("    satisfy all;\n    allow 10.0.0.0/8;") == [.required])
        #expect(try modes("    satisfy any;\n    auth_basic off;") == [.required])
        #expect(try modes("    allow 10.0.0.0/8;", location: "        satisfy any;") == [.required, .failureAccepted])
        #expect(try modes("    satisfy any;\n    allow 10.0.0.0/8;", location: "        satisfy all;") == [.failureAccepted])
        let weakened = try NginxAuthJWTReader().read(Array("server { satisfy any; allow 10.0.0.0/8; auth_jwt x; auth_jwt_key_file k; }".utf8), file: "n.conf").requirements
        #expect(weakened.first?.explained.contains("satisfy any with allow 10.0.0.0/8") == true)
    }

    @Test("oauth2-proxy: trusted_ips and skip_auth_preflight let requests through without a token; from a Secret, whether they do is not known")
    func oauth2ProxyTrustedIPsAndPreflight() throws {
        let file = """
            client_id = "orders"
            oidc_issuer_url = "https://idp.example.com"
            skip_jwt_bearer_tokens = true
            trusted_ips = ["10.0.0.0/8", "::/0"]
            skip_auth_preflight = true
            """
        let config = try OAuth2ProxyReader().read(Array(file.utf8), file: "oauth2-proxy.cfg")
        #expect(config.requirements.map(\.label) == ["trusted_ips '10.0.0.0/8'", "trusted_ips '::/0'", "skip_auth_preflight"])
        #expect(config.requirements.allSatisfy { $0.mode == .disabled && $0.coversEveryPath && $0.providers.map(\.name.value) == ["oauth2-proxy"] })
        #expect(config.requirements.first?.explained.contains("without authentication (trusted_ips, --trusted-ip)") == true)
        #expect(config.requirements.last?.explained.contains("every OPTIONS request through without authentication") == true)
        #expect(config.requirements.first?.location.line == 4 && config.requirements.first?.location.column == 17)
        let off = try OAuth2ProxyReader().read(Array(file.replacingOccurrences(of: "skip_auth_preflight = true", with: "skip_auth_preflight = false").utf8), file: "o.cfg")
        #expect(off.requirements.map(\.label) == ["trusted_ips '10.0.0.0/8'", "trusted_ips '::/0'"])

        let manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: proxy}
            spec:
              template:
                spec:
                  containers:
                    - name: auth
                      image: quay.io/oauth2-proxy/oauth2-proxy:v7
                      args: ["--client-id=orders", "--skip-auth-preflight", "--oidc-issuer-url=https://idp.example.com", "--skip-jwt-bearer-tokens",
                             "--trusted-ip=10.1.0.0/16,192.168.0.1", "--trusted-ip", "172.16.0.1"]
            """
        let flags = try OAuth2ProxyReader().read(Array(manifest.utf8), file: "p.yaml")
        #expect(flags.requirements.map(\.label) == ["trusted_ips '10.1.0.0/16'", "trusted_ips '192.168.0.1'", "trusted_ips '172.16.0.1'", "skip_auth_preflight"])
        #expect(flags.requirements.allSatisfy { $0.mode == .disabled })
        #expect(flags.providers.first?.issuer?.value == "https://idp.example.com", "a bare --skip-auth-preflight takes no value")

        let secret = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: proxy}
            spec:
              template:
                spec:
                  containers:
                    - name: auth
                      image: quay.io/oauth2-proxy/oauth2-proxy:v7
                      args: ["--client-id=orders", "--oidc-issuer-url=https://idp.example.com", "--skip-jwt-bearer-tokens"]
                      env:
                        - {name: OAUTH2_PROXY_TRUSTED_IPS, valueFrom: {secretKeyRef: {name: proxy, key: ips}}}
                        - {name: OAUTH2_PROXY_SKIP_AUTH_PREFLIGHT, valueFrom: {configMapKeyRef: {name: proxy, key: preflight}}}
            """
        let hidden = try OAuth2ProxyReader().read(Array(secret.utf8), file: "p.yaml")
        #expect(hidden.requirements.map(\.mode) == [.unknown, .unknown])
        #expect(hidden.requirements.first?.explained == "comes from OAUTH2_PROXY_TRUSTED_IPS from Secret 'proxy' key 'ips', so which clients skip authentication was not read",
                "\(hidden.requirements.first?.explained ?? "none")")
    }

    @Test("oauth2-proxy: with envFrom or --config, the skips the environment and flags leave unset are not known; a $(VAR) env value is not read as written")
    func oauth2ProxyUnreadSkips() throws {
        func read(args extra: [String], _ more: String) throws -> DeployedConfig {
            try Self.oauth2ProxyDeployment(["--client-id=orders", "--oidc-issuer-url=https://idp.example.com", "--skip-jwt-bearer-tokens"] + extra, more)
        }
        let envFrom = "          envFrom:\n            - secretRef: {name: proxy-settings}\n"
        let unread = try read(args: ["--skip-auth-preflight=false"], envFrom)
        #expect(unread.requirements.map(\.label) == ["skip_auth_routes", "skip_auth_regex", "trusted_ips"], "skip_auth_preflight is set by a flag")
        #expect(unread.requirements.allSatisfy { $0.mode == .unknown })
        #expect(unread.requirements.last?.explained == "is not set here and may come from elsewhere (drift does not read envFrom), so which clients skip authentication was not read",
                "\(unread.requirements.last?.explained ?? "none")")
        #expect(unread.requirements.first?.location.line == 12)
        let config = try read(args: ["--config=/etc/proxy.cfg"], "")
        #expect(config.requirements.map(\.label) == ["skip_auth_routes", "skip_auth_regex", "trusted_ips", "skip_auth_preflight"])
        #expect(try read(args: [], "").requirements.isEmpty)

        // Kubernetes expands $(VAR) in env values as in args: "$(PREFLIGHT)" is not the word false.
        let expanded = try read(args: [], """
                      env:
                        - {name: OAUTH2_PROXY_TRUSTED_IPS, value: "$(PROXY_IPS)"}
                        - {name: OAUTH2_PROXY_SKIP_AUTH_ROUTES, value: "$(ROUTES)"}
                        - {name: OAUTH2_PROXY_SKIP_AUTH_PREFLIGHT, value: "$(PREFLIGHT)"}

            """)
        #expect(expanded.requirements.map(\.label) == ["skip_auth_routes", "trusted_ips", "skip_auth_preflight"])
        #expect(expanded.requirements.allSatisfy { $0.mode == .unknown })
        #expect(expanded.requirements[1].explained == "comes from the Kubernetes reference in '$(PROXY_IPS)', expanded from the container's environment, so which clients skip authentication was not read",
                "\(expanded.requirements[1].explained)")
    }

    /// An oauth2-proxy Deployment with these args and `more` (an `env` or `envFrom` block) after them.
    static func oauth2ProxyDeployment(_ args: [String], _ more: String = "") throws -> DeployedConfig {
        let manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: proxy}
            spec:
              template:
                spec:
                  containers:
                    - name: auth
                      image: quay.io/oauth2-proxy/oauth2-proxy:v7
                      args: [\(args.map { "\"\($0)\"" }.joined(separator: ", "))]

            """
        return try OAuth2ProxyReader().read(Array((manifest + more).utf8), file: "p.yaml")
    }
    static let oauth2ProxyEnvFrom = "          envFrom:\n            - secretRef: {name: proxy-settings}\n"

    @Test("oauth2-proxy: insecure_oidc_skip_issuer_verification that envFrom or a $(VAR) env value may set leaves the issuer not compared")
    func oauth2ProxyUnknownIssuerSkip() throws {
        let args = ["--oidc-issuer-url=https://good.example.com", "--client-id=orders"]
        // The Secret may hold OAUTH2_PROXY_INSECURE_OIDC_SKIP_ISSUER_VERIFICATION=true: iss is then never compared.
        let unread = try #require(try Self.oauth2ProxyDeployment(args, Self.oauth2ProxyEnvFrom).providers.first)
        #expect(unread.issuer == nil, "the issuer is not known to be checked")
        let note = try #require(unread.unresolved.first { $0.setting == "issuer" })
        #expect(note.placeholder == "insecure_oidc_skip_issuer_verification")
        #expect(note.reason == "is checked only when insecure_oidc_skip_issuer_verification is not true, and insecure_oidc_skip_issuer_verification is not set here and may come from elsewhere (drift does not read envFrom), so it was not compared",
                "\(note.reason ?? "none")")
        #expect(note.location.line == 12)

        let expanded = try #require(try Self.oauth2ProxyDeployment(args, """
                      env:
                        - {name: OAUTH2_PROXY_INSECURE_OIDC_SKIP_ISSUER_VERIFICATION, value: "$(SKIP)"}

            """).providers.first)
        #expect(expanded.issuer == nil)
        #expect(expanded.unresolved.contains { $0.setting == "issuer" && $0.reason?.contains("Kubernetes reference in '$(SKIP)'") == true })

        // Set in env, which wins over envFrom, it is known.
        let known = try #require(try Self.oauth2ProxyDeployment(args, Self.oauth2ProxyEnvFrom + """
                      env:
                        - {name: OAUTH2_PROXY_INSECURE_OIDC_SKIP_ISSUER_VERIFICATION, value: "false"}

            """).providers.first)
        #expect(known.issuer?.value == "https://good.example.com")
        #expect(!known.unresolved.contains { $0.setting == "issuer" })
        // Known true checks no iss, which config-issuer-mismatch says: no note may hide that.
        let skipped = try #require(try Self.oauth2ProxyDeployment(args + ["--insecure-oidc-skip-issuer-verification"], Self.oauth2ProxyEnvFrom).providers.first)
        #expect(skipped.issuer == nil && skipped.issuerCaveat != nil)
        #expect(!skipped.unresolved.contains { $0.setting == "issuer" })
    }

    @Test("oauth2-proxy: oidc_audience_claims that envFrom or a $(VAR) env value may set leaves the audiences not compared")
    func oauth2ProxyUnknownAudienceClaims() throws {
        let args = ["--oidc-issuer-url=https://idp.example.com", "--client-id=orders", "--oidc-extra-audience=payments", "--skip-jwt-bearer-tokens",
                    "--extra-jwt-issuers=https://partner.example.net=orders-partner"]
        let plain = try Self.oauth2ProxyDeployment(args)
        #expect(plain.providers.map { $0.audiences?.map(\.value.text) ?? [] } == [["orders", "payments"], ["orders-partner", "payments"]])

        // The Secret may hold OAUTH2_PROXY_OIDC_AUDIENCE_CLAIMS=sub: the list is then compared with another claim.
        let unread = try Self.oauth2ProxyDeployment(args, Self.oauth2ProxyEnvFrom)
        #expect(unread.providers.count == 2)
        for provider in unread.providers {
            #expect(provider.audiences == nil, "\(provider.name?.value ?? "")")
            #expect(provider.unresolved.contains { $0.setting == "audiences" && $0.placeholder == "oidc_audience_claims" }, "\(provider.name?.value ?? "")")
        }
        #expect(unread.providers.first?.unresolved.first { $0.placeholder == "oidc_audience_claims" }?.reason
                == "are compared with the first claim of oidc_audience_claims the token has (aud when unset), and oidc_audience_claims are not set here and may come from elsewhere (drift does not read envFrom), so they were not compared")

        let expanded = try Self.oauth2ProxyDeployment(args, "          env: [{name: OAUTH2_PROXY_OIDC_AUDIENCE_CLAIMS, value: \"$(CLAIMS)\"}]\n")
        #expect(expanded.providers.allSatisfy { $0.audiences == nil })
        #expect(expanded.providers.first?.unresolved.contains { $0.reason?.contains("Kubernetes reference in '$(CLAIMS)'") == true } == true)

        let known = try Self.oauth2ProxyDeployment(args + ["--oidc-audience-claim=aud", "--insecure-oidc-skip-issuer-verification=false"], Self.oauth2ProxyEnvFrom)
        #expect(known.providers.map { $0.audiences?.map(\.value.text) ?? [] } == [["orders", "payments"], ["orders-partner", "payments"]])
        #expect(known.providers.allSatisfy { $0.unresolved.isEmpty })
    }

    @Test("oauth2-proxy: with skip_jwt_bearer_tokens, extra_jwt_issuers that envFrom or --config may set are not known")
    func oauth2ProxyUnknownExtraIssuers() throws {
        let args = ["--oidc-issuer-url=https://idp.example.com", "--client-id=orders", "--skip-jwt-bearer-tokens"]
        let unread = try #require(try Self.oauth2ProxyDeployment(args, Self.oauth2ProxyEnvFrom).providers.first)
        let note = try #require(unread.unresolved.first { $0.setting == "extra_jwt_issuers" })
        #expect(note.reason == "are not set here and may come from elsewhere (drift does not read envFrom): the issuers and audiences they admit were not compared",
                "\(note.reason ?? "none")")
        #expect(note.location.line == 12)
        let config = try #require(try Self.oauth2ProxyDeployment(args + ["--config=/etc/proxy.cfg"]).providers.first)
        #expect(config.unresolved.contains { $0.setting == "extra_jwt_issuers" && $0.reason?.contains("the config file /etc/proxy.cfg") == true })

        #expect(try Self.oauth2ProxyDeployment(args).providers.first?.unresolved.isEmpty == true)
        let flagged = try Self.oauth2ProxyDeployment(args + ["--extra-jwt-issuers=https://partner.example.net=orders-partner"], Self.oauth2ProxyEnvFrom)
        #expect(flagged.providers.count == 2)
        #expect(!(flagged.providers.first?.unresolved.contains { $0.setting == "extra_jwt_issuers" } ?? true), "the flag wins over envFrom")
    }

    @Test("oauth2-proxy: skip_jwt_bearer_tokens from a $(VAR) or envFrom is not known, so bearer tokens and extra_jwt_issuers may be accepted")
    func oauth2ProxyUnknownBearer() throws {
        let args = ["--oidc-issuer-url=https://idp.example.com", "--client-id=orders", "--extra-jwt-issuers=https://partner.example.net=orders-partner"]
        for (extraArgs, more, source) in [([String](), "          env: [{name: OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS, value: \"$(B)\"}]\n", "Kubernetes reference in '$(B)'"),
                                          (["--skip-jwt-bearer-tokens=$(B)"], "", "Kubernetes reference in '$(B)'")] {
            let config = try Self.oauth2ProxyDeployment(args + extraArgs, more)
            let main = try #require(config.providers.first)
            let note = try #require(main.unresolved.first { $0.setting == "skip_jwt_bearer_tokens" })
            #expect(note.reason?.contains(source) == true && note.reason?.contains("whether oauth2-proxy verifies bearer tokens") == true, "\(note.reason ?? "none")")
            #expect(!main.unresolved.contains { $0.reason?.contains("accepts no bearer token") == true })
            // The extra issuer may be accepted, so what it admits is compared.
            #expect(config.providers.map { $0.issuer?.value } == ["https://idp.example.com", "https://partner.example.net"])
            #expect(config.providers.last?.audiences?.map(\.value.text) == ["orders-partner"])
        }
        // From envFrom, with no extra issuers in the flags: both are unknown.
        let unread = try #require(try Self.oauth2ProxyDeployment(["--oidc-issuer-url=https://idp.example.com", "--client-id=orders"], Self.oauth2ProxyEnvFrom).providers.first)
        #expect(unread.unresolved.contains { $0.setting == "skip_jwt_bearer_tokens" && $0.reason?.contains("drift does not read envFrom") == true })
        #expect(unread.unresolved.contains { $0.setting == "extra_jwt_issuers" })
        // Known false still says the proxy accepts no bearer token and ignores the extra issuers.
        let off = try Self.oauth2ProxyDeployment(args + ["--skip-jwt-bearer-tokens=false"])
        #expect(off.providers.count == 1)
        #expect(off.providers.first?.unresolved.first?.reason?.contains("accepts no bearer token") == true)
    }

    @Test("oauth2-proxy: skip_auth_routes and skip_auth_regex exempt paths from authentication; skipping issuer verification checks no issuer")
    func oauth2ProxySkips() throws {
        let file = """
            client_id = "orders"
            oidc_issuer_url = "https://idp.example.com"
            skip_jwt_bearer_tokens = true
            skip_auth_routes = ["GET=^/healthz$", "^/.*", "POST!=^/api"]
            skip_auth_regex = [".*", "^/static/"]
            insecure_oidc_skip_issuer_verification = true
            """
        let config = try OAuth2ProxyReader().read(Array(file.utf8), file: "oauth2-proxy.cfg")
        #expect(config.requirements.map(\.mode) == Array(repeating: .disabled, count: 5))
        #expect(config.requirements.map(\.coversEveryPath) == [false, true, true, true, false])
        #expect(config.requirements.map(\.label) == ["skip_auth_routes 'GET=^/healthz$'", "skip_auth_routes '^/.*'", "skip_auth_routes 'POST!=^/api'",
                                                     "skip_auth_regex '.*'", "skip_auth_regex '^/static/'"])
        #expect(config.requirements.allSatisfy { $0.providers.map(\.name.value) == ["oauth2-proxy"] })
        let main = try #require(config.providers.first)
        #expect(main.issuer == nil && main.issuerCaveat?.contains("insecure_oidc_skip_issuer_verification") == true)

        let manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: proxy}
            spec:
              template:
                spec:
                  containers:
                    - name: auth
                      image: quay.io/oauth2-proxy/oauth2-proxy:v7
                      args: ["--client-id=orders", "--oidc-issuer-url=https://idp.example.com", "--skip-jwt-bearer-tokens",
                             "--skip-auth-route=^/", "--skip-auth-regex", "^/metrics"]
                      env:
                        - {name: OAUTH2_PROXY_INSECURE_OIDC_SKIP_ISSUER_VERIFICATION, value: "false"}
            """
        let flags = try OAuth2ProxyReader().read(Array(manifest.utf8), file: "p.yaml")
        #expect(flags.requirements.map(\.label) == ["skip_auth_routes '^/'", "skip_auth_regex '^/metrics'"])
        #expect(flags.requirements.map(\.coversEveryPath) == [true, false])
        #expect(flags.providers.first?.issuer?.value == "https://idp.example.com")
        // A bare bool flag is true and never takes the next word: first, it would have eaten the issuer URL.
        for args in [#"["--insecure-oidc-skip-issuer-verification", "--oidc-issuer-url=https://idp.example.com", "--client-id=orders", "--skip-jwt-bearer-tokens"]"#,
                     #"["--oidc-issuer-url=https://idp.example.com", "--client-id=orders", "--skip-jwt-bearer-tokens", "--insecure-oidc-skip-issuer-verification"]"#] {
            let bare = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: proxy}
                spec:
                  template:
                    spec:
                      containers:
                        - {name: auth, image: "quay.io/oauth2-proxy/oauth2-proxy:v7", args: \(args)}
                """
            let read = try OAuth2ProxyReader().read(Array(bare.utf8), file: "p.yaml")
            #expect(read.providers.first?.issuer == nil && read.providers.first?.issuerCaveat?.contains("insecure_oidc_skip_issuer_verification") == true,
                    "\(args): \(read.providers.first.map { "\($0.issuer?.value ?? "nil") \($0.issuerCaveat ?? "")" } ?? "no provider")")
        }
    }

    @Test("placeholders: same file, defaults, nesting, relaxed environment names, external values win")
    func placeholders() {
        let resolver = PlaceholderResolver(external: ["REALM": "ext"], file: ["realm": "file", "base": "https://idp", "mockwebserver.url": "http://127.0.0.1:1"])
        #expect(resolver.resolve("${base}/realms/${realm}") == .resolved("https://idp/realms/file"))
        #expect(resolver.resolve("${REALM}") == .resolved("ext"))
        #expect(resolver.resolve("${MOCKWEBSERVER_URL}/x") == .resolved("http://127.0.0.1:1/x"))
        #expect(resolver.resolve("${missing:https://d:8443}") == .resolved("https://d:8443"))
        #expect(resolver.resolve("${missing:${base}}") == .resolved("https://idp"))
        #expect(resolver.resolve("${missing}/x") == .unresolved("${missing}"))
        #expect(resolver.resolve("no placeholder, ${ unclosed") == .resolved("no placeholder, ${ unclosed"))
    }

    @Test("placeholders: a cycle and an exponential expansion end unresolved, quickly")
    func placeholderBounds() {
        #expect(PlaceholderResolver(external: [:], file: ["a": "${a}"]).resolve("${a}") == .unresolved("${a}"))
        var file: [ExactString: String] = [:]
        for level in 0..<15 { file[ExactString("l\(level)")] = String(repeating: "${l\(level + 1)}", count: 50) }
        file["l15"] = "x"
        let start = ContinuousClock.now
        if case .resolved = PlaceholderResolver(external: [:], file: file).resolve("${l0}") { Issue.record("50^15 characters were produced") }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test(".properties: continuation lines are joined and every value keeps its own line and column")
    func propertiesContinuation() throws {
        let text = "# c \\\nspring.security.oauth2.resourceserver.jwt.audiences=https://a.example,\\\n    https://b.example\\\\\nnext=1\n"
        let config = try SpringBootResourceServerReader().read(Array(text.utf8), file: "application.properties")
        let audiences = try #require(config.providers.first?.audiences)
        #expect(audiences.map(\.value) == ["https://a.example", "https://b.example\\"])
        #expect(audiences.map { "\($0.location.line):\($0.location.column)" } == ["2:53", "3:5"])
    }

    @Test(".properties: \\uXXXX escapes are decoded as Spring Boot and java.util.Properties decode them")
    func propertiesUnicodeEscapes() throws {
        // caf\u00E9 is café with é as U+00E9: the value the application compares, byte for byte, with aud.
        // \uD83D\uDE00 is one character (U+1F600) written as a surrogate pair; the key's \u002E is a '.'.
        let text = #"spring.security.oauth2.resourceserver.jwt\u002Eaudiences=https://caf\u00E9.example,https://x\uD83D\uDE00.example,\\u0041"# + "\n"
        let config = try SpringBootResourceServerReader().read(Array(text.utf8), file: "application.properties")
        let audiences = try #require(config.providers.first?.audiences)
        #expect(audiences.map(\.value) == [ExactString("https://caf\u{E9}.example"), ExactString("https://x\u{1F600}.example"), ExactString("\\u0041")])
        #expect(audiences.map { "\($0.location.line):\($0.location.column)" } == ["1:58", "1:84", "1:114"])
    }

    @Test(".properties: a malformed \\u escape or a lone surrogate is refused where it is written", arguments: [
        (#"a=1\#nspring.security.oauth2.resourceserver.jwt.audiences=https://x.example/\u00G9"#, "2:71", "malformed"),
        (#"spring.security.oauth2.resourceserver.jwt.audiences=\u12"#, "1:53", "malformed"),
        (#"k\u+0FF=v"#, "1:2", "malformed"),
        (#"spring.security.oauth2.resourceserver.jwt.audiences=a\uD83Db"#, "1:54", "surrogate"),
    ])
    func propertiesMalformedUnicodeEscape(text: String, at: String, reason: String) throws {
        do {
            _ = try SpringBootResourceServerReader().read(Array(text.utf8), file: "application.properties")
            Issue.record("a file Spring Boot refuses to load was read")
        } catch {
            #expect(error.location.map { "\($0.file):\($0.line):\($0.column)" } == "application.properties:\(at)", "\(error.message)")
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test("Spring env files: export, comments and quotes")
    func envFile() {
        let parsed = SpringProperties.parse(envFile: "# x\nexport A=1\r\nB='two words'\nC=\"x=y\"\nnot a pair\n")
        #expect(parsed == ["A": "1", "B": "two words", "C": "x=y"])
    }

    @Test("Kong jwt: consumers' jwt_secrets keys are the issuers; another key_claim_name checks none")
    func kongJWT() throws {
        let text = """
            services:
              - name: s
                plugins: [{name: jwt, config: {key_claim_name: kid}}]
            consumers:
              - username: c
                jwt_secrets: [{key: https://idp.example.com}]
            """
        let config = try KongDeclarativeReader().read(Array(text.utf8), file: "kong.yaml")
        #expect(config.providers.first?.issuer == nil)
        #expect(config.providers.first?.issuerCaveat?.contains("'kid' claim") == true)
        let defaulted = try KongDeclarativeReader().read(Array(text.replacingOccurrences(of: ", config: {key_claim_name: kid}", with: "").utf8), file: "kong.yaml")
        #expect(defaulted.providers.first?.issuer?.value == "https://idp.example.com")
    }

    @Test("nginx syntax: quotes, escapes, comments, ${variables}, blocks, and every word's line and column")
    func nginxTokens() throws {
        let text = "# comment ; { }\nmap $jwt_claim_aud ${out} {\n  \"a b\\\"c\" 1; # trailing\n  'it\\'s' \"\";\n  \\default x\\y;\n}\nauth_jwt \"é realm\" token=$cookie_t;\n"
        let directives = try NginxConfigParser.parse(Array(text.utf8), file: "n.conf")
        #expect(directives.map(\.name.value) == ["map", "auth_jwt"])
        let map = try #require(directives.first)
        #expect(map.args.map(\.value) == ["$jwt_claim_aud", "${out}"])
        let entries = try #require(map.block)
        #expect(entries.map(\.name.value) == ["a b\"c", "it's", "\\default"])
        #expect(entries.map { "\($0.name.location.line):\($0.name.location.column)" } == ["3:3", "4:3", "5:3"])
        #expect(entries[1].args.first?.value == "" && entries[1].quoted == [true])
        #expect(entries[2].args.first?.value == "x\\y", "an unknown escape keeps its backslash, as nginx does")
        let auth = directives[1]
        #expect(auth.args.map { "\($0.location.line):\($0.location.column)" } == ["7:10", "7:20"], "é is one column")
        #expect(auth.args.first?.value == "é realm")
    }

    @Test("nginx syntax errors name the place: unterminated quote, missing ';', unbalanced braces, deep nesting")
    func nginxErrors() {
        func error(_ text: String) -> String {
            do { _ = try NginxConfigParser.parse(Array(text.utf8), file: "n.conf"); return "none" } catch {
                return "\(error.location.map { "\($0.line):\($0.column)" } ?? "-") \(error.message)"
            }
        }
        #expect(error("auth_jwt \"open;\n") .hasPrefix("1:10 unterminated quoted string"))
        #expect(error("server {\n  auth_jwt x\n}\n").hasPrefix("2:3 directive \"auth_jwt\" is not terminated"))
        #expect(error("server {\n  listen 80;\n").hasPrefix("1:8 unexpected end of file, expecting \"}\""))
        #expect(error("}\n").hasPrefix("1:1 unexpected \"}\""))
        #expect(error("a \"b\"c;").hasPrefix("1:6 unexpected \"c\" after a quoted string"))
        #expect(error("auth_jwt x").hasPrefix("1:1 unexpected end of file"))
        #expect(error(String(repeating: "a {", count: 100) + String(repeating: "}", count: 100)).contains("nested more than"))
        #expect(error("a ${b;") .contains("not terminated by \"}\""))
    }

    @Test("nginx: audiences are the exact keys whose value passes auth_jwt_require; 0, empty, regex, masks and variables are not")
    func nginxAudienceMap() throws {
        let text = """
            auth_jwt_claim_set $aud_claim aud;
            map $aud_claim $aud_ok {
                hostnames;
                default 0;
                "https://a.example.com" 1;
                https://b.example.com   yes;
                https://c.example.com   0;
                https://d.example.com   "";
                \\default               1;
            }
            server {
                server_name api.example.com other.example.com;
                auth_jwt api;
                auth_jwt_key_file keys.json;
                auth_jwt_require $aud_ok error=401;
                location /admin/ {
                    auth_jwt_require $aud_ok $nowhere;
                }
                location = /ping { auth_jwt off; }
            }
            """
        let config = try NginxAuthJWTReader().read(Array(text.utf8), file: "n.conf")
        #expect(config.providers.map { $0.name?.value } == ["api.example.com", "api.example.com /admin/"])
        let server = try #require(config.providers.first)
        #expect(server.audiences?.map(\.value.text) == ["https://a.example.com", "https://b.example.com", "default"])
        #expect(server.audiences?.map { "\($0.location.line):\($0.location.column)" } == ["5:5", "6:5", "9:5"])
        #expect(server.isNamed("other.example.com") && server.isNamed("api"))
        #expect(server.issuer == nil && server.issuerCaveat?.contains("checks no issuer") == true)
        #expect(server.unresolved.isEmpty)
        let admin = config.providers[1]
        #expect(admin.isNamed("/admin/") && admin.audiences?.count == 3)
        #expect(admin.unresolved.map(\.setting) == ["issuer"], "the unknown $nowhere may check the issuer, not the audience")
        let off = try #require(config.requirements.first { $0.mode == .disabled })
        #expect(off.label == "location = /ping of server 'api.example.com'" && !off.coversEveryPath)
        #expect(off.providers.map(\.name.value) == ["api.example.com"])
    }

    /// Swift's `==`, `hasPrefix` and `String`-keyed dictionaries treat canonically equivalent text as
    /// equal; the enforcers compare bytes. Each case below was read wrongly before the readers compared bytes.
    @Test("look-alike text in a config is read as the enforcer reads it, byte for byte")
    func lookAlikesReadAsTheEnforcerDoes() throws {
        // Spring: two properties whose keys are é (C3 A9) and e + U+0301; the placeholder names the first.
        let spring = """
            aud:
              "\u{E9}": https://admin.example.com
              "e\u{301}": https://orders.example.com
            spring.security.oauth2.resourceserver.jwt:
              audiences: ${aud.\u{E9}}
            """
        let springConfig = try SpringBootResourceServerReader().read(Array(spring.utf8), file: "application.yaml")
        #expect(springConfig.providers.first?.audiences?.map(\.value.text) == ["https://admin.example.com"])

        // nginx: "~" then U+0301 is one Character, but nginx sees the byte "~" and compiles a regular
        // expression; a "\\" escape drops one byte, not the mark after it.
        func nginxServer(mapEntry: String) throws -> DeployedProvider {
            let text = """
                auth_jwt_claim_set $aud_claim aud;
                map $aud_claim $aud_ok {
                    \(mapEntry) 1;
                }
                server { auth_jwt api; auth_jwt_key_file k.json; auth_jwt_require $aud_ok; }
                """
            return try #require(try NginxAuthJWTReader().read(Array(text.utf8), file: "n.conf").providers.first)
        }
        let regex = try nginxServer(mapEntry: "\"~\u{301}|\"")
        #expect(regex.audiences == nil, "a regular expression that matches every aud is not an exact audience")
        #expect(regex.audienceCaveat?.value.contains("regular expression") == true || regex.unresolved.contains { $0.reason?.contains("regular expression") == true })
        let escaped = try nginxServer(mapEntry: "\"\\\\\u{301}x\"")
        #expect(escaped.audiences?.map { Array($0.value.text.utf8) } == [Array("\u{301}x".utf8)])

        // A provider named with a look-alike is not the registry's provider.
        var provider = DeployedProvider(name: Located("idp-e\u{301}", at: SourceLocation(file: "c", line: 1, column: 1)), location: SourceLocation(file: "c", line: 1, column: 1))
        #expect(!provider.isNamed("idp-\u{E9}"))
        provider.aliases = ["idp-\u{E9}"]
        #expect(provider.isNamed("idp-\u{E9}"))
    }

    @Test("two findings that differ only in canonically equivalent text are two findings")
    func findingsAreComparedAsBytes() {
        let first = Finding(ruleID: "jwks-private-key-material", severity: .error, message: "key '\u{E9}' publishes d",
                            location: SourceLocation(file: "https://idp.example.com/keys", line: 1, column: 1))
        var second = first
        second.message = "key 'e\u{301}' publishes d"
        #expect(first != second)
        #expect(Set([first, second]).count == 2)
        var other = first
        other.location = SourceLocation(file: "e\u{301}.yaml", line: 1, column: 1)
        var precomposed = first
        precomposed.location = SourceLocation(file: "\u{E9}.yaml", line: 1, column: 1)
        #expect(other != precomposed && Set([other, precomposed]).count == 2)
        #expect(Finding.reportOrder(other, precomposed) != Finding.reportOrder(precomposed, other))
    }

    @Test("nginx: with no map on $jwt_claim_aud the audience is unchecked, as the enforcer table says")
    func nginxOmittedAudience() throws {
        let reader = NginxAuthJWTReader()
        let config = try reader.read(Array("location / { auth_jwt on; auth_jwt_key_file k.json; }".utf8), file: "n.conf")
        let provider = try #require(config.providers.first)
        #expect(provider.audiences == nil && provider.audienceCaveat == nil && provider.unresolved.isEmpty)
        #expect(reader.facts(for: provider).whenOmitted == .unchecked)
        let off = try reader.read(Array("location / { auth_jwt off; }".utf8), file: "n.conf")
        #expect(off.providers.isEmpty, "auth_jwt off validates nothing and is no provider")
        let jwks = try reader.read(Array("server { auth_jwt x; auth_jwt_key_request /k; location = /k { proxy_pass https://idp.example.com/keys; } }".utf8), file: "n.conf")
        #expect(jwks.providers.first?.jwksUri?.value == "https://idp.example.com/keys")
        let two = try reader.read(Array("""
            server {
                auth_jwt x; auth_jwt_key_request /k; auth_jwt_key_request /old;
                location = /k { proxy_pass https://idp.example.com/keys; }
                location = /old { proxy_pass https://old.example.com/keys; }
                location /files/ { auth_jwt_key_file k.json; }
                location /api/ { auth_jwt_require $x; }
            }
            """.utf8), file: "n.conf")
        let server = try #require(two.providers.first)
        #expect(server.jwksUri?.value == "https://idp.example.com/keys", "nginx loads the keys of every auth_jwt_key_request of a level")
        #expect(server.extraJwksUris.map(\.value) == ["https://old.example.com/keys"])
        #expect(server.extraJwksUris.map { "\($0.location.line):\($0.location.column)" } == ["4:34"])
        let files = try #require(two.providers.first { $0.isNamed("/files/") })
        #expect(files.jwksUri == nil && files.extraJwksUris.isEmpty, "a key file on a level without key requests replaces the inherited ones")
        let api = try #require(two.providers.first { $0.isNamed("/api/") })
        #expect(api.jwksUri?.value == "https://idp.example.com/keys" && api.extraJwksUris.count == 1, "a level without key directives inherits both")
    }

    @Test("oauth2-proxy config file: TOML strings, escapes, multi-line lists, and errors with their position")
    func oauth2ProxyConfigFile() throws {
        let text = """
            # comment
            client_id = "orders\\u00e9" # trailing
            oidc_extra_audiences = [
              'lit\\eral',   # a literal string keeps its backslash
              "b",
            ]
            skip_jwt_bearer_tokens = true
            cookie_expire = 168
            """
        let settings = try OAuth2ProxyReader.parseConfigFile(Array(text.utf8), file: "o.cfg")
        #expect(settings["client_id"]?.values.map(\.value) == ["ordersé"])
        #expect(settings["oidc_extra_audiences"]?.values.map(\.value) == ["lit\\eral", "b"])
        #expect(settings["oidc_extra_audiences"]?.values.map { "\($0.location.line):\($0.location.column)" } == ["4:4", "5:4"])
        #expect(settings["cookie_expire"] == nil, "only the settings drift compares are kept")
        func error(_ text: String) -> String {
            do { _ = try OAuth2ProxyReader.parseConfigFile(Array(text.utf8), file: "o.cfg"); return "none" } catch {
                return "\(error.location.map { "\($0.line):\($0.column)" } ?? "-") \(error.message)"
            }
        }
        #expect(error("client_id = orders\n").hasPrefix("1:13 'orders' is not a TOML value"))
        #expect(error("client_id = \"a\nb\"\n").hasPrefix("1:14 a string runs to the end"))
        #expect(error("a = [\"x\"\n").hasPrefix("1:5 the list is not closed"))
        #expect(error("a = \"x\"\na = \"y\"\n").hasPrefix("2:1 'a' is set twice"))
        #expect(error("[section]\n").hasPrefix("1:1 TOML tables"))
        #expect(error("spring.security=x\n").hasPrefix("1:7 expected '='"))
    }

    @Test("oauth2-proxy flags: --flag=value and --flag value, repeated comma lists, flags over OAUTH2_PROXY_* env")
    func oauth2ProxyFlags() throws {
        let text = """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: proxy}
                spec:
                  template:
                    spec:
                      containers:
                        - name: auth
                          image: registry.example.com/oauth2-proxy:7
                          command: ["/bin/oauth2-proxy", "--client-id", "from-flag"]
                          args: ["--oidc-extra-audience=a,b", "--oidc-extra-audience", "c", "--skip-jwt-bearer-tokens",
                                 "--extra-jwt-issuers=https://p.example.net=aud=x"]
                          env:
                            - {name: OAUTH2_PROXY_CLIENT_ID, value: from-env}
                            - {name: OAUTH2_PROXY_OIDC_ISSUER_URL, value: "https://idp.example.com"}
            """
        let config = try OAuth2ProxyReader().read(Array(text.utf8), file: "p.yaml")
        #expect(config.providers.count == 2)
        let main = try #require(config.providers.first)
        #expect(main.name?.value == "proxy" && main.isNamed("auth") && main.isNamed("oauth2-proxy"))
        #expect(main.audiences?.map(\.value.text) == ["from-flag", "a", "b", "c"])
        #expect(main.audiences?.map { "\($0.location.line):\($0.location.column)" } == ["13:61", "14:45", "14:47", "14:76"], "a whole YAML scalar is at its quote, a part of one at its first character")
        #expect(main.issuer?.value == "https://idp.example.com")
        #expect(main.unresolved.isEmpty)
        let partner = config.providers[1]
        #expect(partner.issuer?.value == "https://p.example.net", "split at the first '=', as parseJwtIssuers does")
        #expect(partner.audiences?.map(\.value.text) == ["aud=x", "a", "b", "c"])
        #expect(partner.isNamed("proxy") && partner.isNamed("https://p.example.net"))
    }

    /// pflag, Spring and the file system read bytes: a variation selector (U+FE0F) after `=`, `,` or `/`
    /// joins it into one `Character`, which must not hide the separator from audreg.
    @Test("flags, lists and paths are split on scalars: a separator next to a joining mark still separates")
    func separatorsOnScalars() throws {
        let text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: proxy}
            spec:
              template:
                spec:
                  containers:
                    - name: auth
                      image: registry.example.com/oauth2-proxy:7
                      args: ["--client-id=orders", "--oidc-extra-audience=\u{FE0F},payments-api", "--oidc-issuer-url=https://idp.example.com"]
            """
        let provider = try #require(try OAuth2ProxyReader().read(Array(text.utf8), file: "p.yaml").providers.first)
        #expect(provider.audiences?.map { Array($0.value.text.unicodeScalars) } == [Array("orders".unicodeScalars), ["\u{FE0F}"], Array("payments-api".unicodeScalars)], "\(String(describing: provider.audiences))")
        let spring = try YAMLParser.parse("audiences: \"orders-api,\u{FE0F}payments-api\"\n").documents.first.map { try #require($0.root["audiences"]) }
        let values = try #require(spring.flatMap { ConfigYAML.strings($0, file: "a.yaml") })
        #expect(values.map { Array($0.value.unicodeScalars) } == [Array("orders-api".unicodeScalars), Array("\u{FE0F}payments-api".unicodeScalars)])
        #expect(DeploymentChecker.configPath(source: "x/\u{FE0F}/../envoy.yaml", registryFile: "s.yaml") == "x/envoy.yaml")
        // Spring reads `!` then a profile name: the document applies whenever that profile is not active.
        #expect(ProfileExpression.matches("!\u{FE0F}staging", active: ["prod"]) == true)
        #expect(ProfileExpression.matches("prod,\u{FE0F}x", active: ["prod"]) == true)
    }

    /// Spring's binder compares keys in uniform form: lower-cased, with everything but a-z and 0-9 skipped.
    /// A key audreg did not recognise would leave it comparing a list Spring does not enforce.
    @Test("Spring: keys bind in uniform form; two spellings of one setting in a document are not compared")
    func springUniformKeys() throws {
        let reader = SpringBootResourceServerReader()
        let hidden = """
            spring.security.oauth2.resourceserver.jwt.issuer-uri=https://idp.example.com
            spring.security.oauth2.resourceserver.jwt.au\u{200B}di.ences=orders-api,payments-api
            spring.security.oauth2.resourceserver.jwt.jwk\u{2060}-set-uri=https://idp.example.com/keys
            """
        // `di.ences` is two elements to Spring too, so that key names nothing; the zero-width ones bind.
        let split = try #require(try reader.read(Array(hidden.utf8), file: "application.properties").providers.first)
        #expect(split.audiences == nil)
        #expect(split.jwksUri?.value == "https://idp.example.com/keys")
        let joined = hidden.replacingOccurrences(of: "di.ences", with: "di\u{301}ences")
        let provider = try #require(try reader.read(Array(joined.utf8), file: "application.properties").providers.first)
        #expect(provider.audiences?.map(\.value.text) == ["orders-api", "payments-api"])

        let yaml = """
            spring.security.oauth2.resourceserver.jwt:
              issuer-uri: https://idp.example.com
              audiences: orders-api
            Spring.Security.oauth2.resourceserver.jwt:
              AUDIENCES: orders-api,payments-api
            """
        let twice = try #require(try reader.read(Array(yaml.utf8), file: "application.yml").providers.first)
        #expect(twice.audiences == nil)
        #expect(twice.unresolved.map(\.setting) == ["audiences"])
        #expect(twice.unresolved.first?.reason?.contains("written twice in one document") == true)
        #expect(twice.issuer?.value == "https://idp.example.com")

        // An exact repeat in a properties file is not a conflict: java.util.Properties keeps the last.
        let repeated = "spring.security.oauth2.resourceserver.jwt.audiences=a\nspring.security.oauth2.resourceserver.jwt.audiences=b\n"
        let last = try #require(try reader.read(Array(repeated.utf8), file: "application.properties").providers.first)
        #expect(last.audiences?.map(\.value.text) == ["b"])
        #expect(last.unresolved.isEmpty)
    }

    @Test("oauth2-proxy: with oidc_extra_audiences omitted the audience falls back to client_id alone; another audience claim checks no aud")
    func oauth2ProxyOmittedAudience() throws {
        let reader = OAuth2ProxyReader()
        let config = try reader.read(Array("client_id = \"orders\"\nskip_jwt_bearer_tokens = true\n".utf8), file: "o.cfg")
        let provider = try #require(config.providers.first)
        #expect(provider.audiences?.map(\.value.text) == ["orders"])
        #expect(provider.unresolved.isEmpty, "bearer tokens are verified, so nothing is left unsaid")
        #expect(reader.facts(for: provider).whenOmitted == .fallsBack(to: "client_id alone (oidc_extra_audiences omitted); client_id itself is required"))
        let claim = try reader.read(Array("client_id = \"orders\"\noidc_audience_claims = [\"azp\"]\n".utf8), file: "o.cfg")
        #expect(claim.providers.first?.audiences == nil)
        #expect(claim.providers.first?.audienceCaveat?.value.contains("'azp'") == true)
        #expect(claim.providers.first?.unresolved.map(\.setting) == ["skip_jwt_bearer_tokens"])
        let none = try reader.read(Array("http_address = \"0.0.0.0:4180\"\n".utf8), file: "o.cfg")
        #expect(none.providers.isEmpty)
        #expect(throws: DeploymentReadError.self) {
            try reader.read(Array("client_id = \"x\"\nskip_jwt_bearer_tokens = true\nextra_jwt_issuers = [\"no-equals\"]\n".utf8), file: "o.cfg")
        }
    }

    @Test("Kubernetes: AuthenticationConfiguration audiences are required, several need MatchAny; a projected token without audience is the API server's")
    func kubernetesAudiences() throws {
        let reader = KubernetesAuthenticationReader()
        func config(_ issuer: String) -> [UInt8] {
            Array("apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\njwt:\n  - issuer:\n\(issuer)".utf8)
        }
        let one = try reader.read(config("      url: https://idp.example.com\n      audiences: [a]\n"), file: "k.yaml")
        #expect(one.providers.first?.audiences?.map(\.value.text) == ["a"])
        #expect(one.providers.first?.isNamed("jwt[0]") == true && one.providers.first?.issuer?.value == "https://idp.example.com")
        #expect(reader.facts(for: try #require(one.providers.first)).whenOmitted == .required)
        #expect(throws: DeploymentReadError.self) { try reader.read(config("      url: https://idp.example.com\n      audiences: []\n"), file: "k.yaml") }
        #expect(throws: DeploymentReadError.self) { try reader.read(config("      url: https://idp.example.com\n      audiences: [a, b]\n"), file: "k.yaml") }
        let two = try reader.read(config("      url: https://idp.example.com\n      audiences: [a, b]\n      audienceMatchPolicy: MatchAny\n"), file: "k.yaml")
        #expect(two.providers.first?.audiences?.count == 2)
        #expect(throws: DeploymentReadError.self) {
            try reader.read(Array("apiVersion: apiserver.config.k8s.io/v2\nkind: AuthenticationConfiguration\njwt: []\n".utf8), file: "k.yaml")
        }

        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              volumes:
                - name: t
                  projected:
                    sources:
                      - serviceAccountToken: {path: token}
                      - serviceAccountToken: {path: vault, audience: vault}
            """
        let tokens = try reader.read(Array(pod.utf8), file: "p.yaml")
        #expect(tokens.providers.count == 2)
        let omitted = tokens.providers[0]
        #expect(omitted.audiences == nil && omitted.audienceCaveat?.value.contains("--api-audiences") == true)
        #expect(reader.facts(for: omitted).whenOmitted == .fallsBack(to: "the API server's identifier (--api-audiences)"))
        #expect(tokens.providers[1].audiences?.map(\.value.text) == ["vault"])
        #expect(tokens.providers[1].isNamed("p/t"))
    }
}

