/// AWS API Gateway HTTP API JWT authorizers, in the three documented forms, YAML or JSON (JSON is read
/// as YAML, which keeps positions):
///
/// - CloudFormation `AWS::ApiGatewayV2::Authorizer` resources with `AuthorizerType: JWT`:
///   `Properties.JwtConfiguration.Audience` (a list) and `.Issuer`. The provider is named by the
///   resource's logical ID, also by `Properties.Name` and by the API its `ApiId` refers to.
/// - SAM `AWS::Serverless::HttpApi` resources: `Properties.Auth.Authorizers.<name>.JwtConfiguration`
///   with `audience` and `issuer`; named by the authorizer's key, also by the API's logical ID.
/// - OpenAPI documents (on their own, or as an HTTP API's `Body` / SAM `DefinitionBody`):
///   `components.securitySchemes.<name>.x-amazon-apigateway-authorizer` with `type: jwt` and
///   `jwtConfiguration.audience` / `.issuer`; named by the scheme, also by `info.title` or the API.
///
/// A value written with a CloudFormation intrinsic function (`!Ref`, `!Sub`, `!GetAtt`, `Fn::…`, any
/// `!` tag) is known only when the stack deploys: it is never compared, and is reported as unresolved.
/// AWS requires `Audience` and `Issuer` on a JWT authorizer, so one without them (or with an empty
/// audience list) is a read error, as the stack that holds it fails to deploy; see `enforcer`.
///
/// API Gateway checks a token only on the routes that use the authorizer: an `AWS::ApiGatewayV2::Route`
/// with `AuthorizationType: JWT` and its `AuthorizerId`, a SAM function event's `Auth.Authorizer` or the
/// API's `DefaultAuthorizer`, an OpenAPI `security` requirement that names the scheme. Those become
/// the config's requirements; a route of the same API without authorization is one that verifies no
/// token, and an authorizer no route in the file uses verifies nothing, which drift says (a warning,
/// since the routes may be in another template) instead of comparing settings nothing enforces.
public struct AWSAPIGatewayJWTAuthorizerReader: DeploymentConfigReader {
    public static let kindName = "aws-apigateway-jwt-authorizer"

    // Omitted or empty: CloudFormation's JWTConfiguration page says Audience is "Required for the JWT
    // authorizer type", so AWS refuses the authorizer and the stack rolls back. audreg reports that as
    // a config that cannot be read (config-provider-missing, with the position and the reason), not as
    // config-audience-unchecked: what is deployed is not a gateway without an audience check.
    public let enforcer = EnforcerFacts(
        id: "aws-apigateway-http-jwt", name: "AWS API Gateway HTTP API JWT authorizer",
        audienceFields: ["AWS::ApiGatewayV2::Authorizer JwtConfiguration.Audience", "AWS::Serverless::HttpApi Auth.Authorizers.*.JwtConfiguration.audience",
                         "x-amazon-apigateway-authorizer.jwtConfiguration.audience"],
        whenOmitted: .required, matching: .any, consequence: "the authorizer cannot be created",
        reference: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html",
        verified: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigatewayv2-authorizer-jwtconfiguration.html: Audience \"Required for the JWT authorizer type\", a valid JWT \"must provide an aud that matches at least one entry in this list\"; http-api-troubleshooting-jwt.html: aud, or client_id when the token has no aud",
        notes: "a token without aud is matched by its client_id claim (Cognito access tokens); audreg reports a JWT authorizer without audiences as a config AWS refuses")

    public init() {}

    /// A template or document with a JWT authorizer is this kind's even when AWS would refuse it (and
    /// reading it fails, to say why).
    public func detects(_ bytes: [UInt8], file: String) -> Bool {
        guard let documents = try? ConfigYAML.documents(bytes, file: file) else { return false }
        let refusedOrFound = documents.contains { document in
            let resources = document.root["Resources"]?.mapping ?? []
            return resources.contains { $0.value["Type"]?.scalar == "AWS::ApiGatewayV2::Authorizer" && $0.value["Properties"]?["AuthorizerType"]?.scalar == "JWT" }
                || !Self.openAPISchemes(document.root).isEmpty
        }
        // SAM APIs and API bodies count only when they hold a JWT authorizer.
        return refusedOrFound || (try? read(bytes, file: file, settings: DeploymentReadSettings()))?.providers.isEmpty == false
    }

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        var providers: [DeployedProvider] = []
        var requirements: [DeployedRequirement] = []
        for document in try ConfigYAML.documents(bytes, file: file) {
            let root = document.root
            if let resources = root["Resources"]?.mapping {
                for resource in resources {
                    guard let logicalID = ConfigYAML.string(resource.key, file: file) else { continue }
                    let properties = resource.value["Properties"]
                    switch resource.value["Type"]?.scalar {
                    case "AWS::ApiGatewayV2::Authorizer":
                        guard properties?["AuthorizerType"]?.scalar == "JWT" else { continue }
                        var aliases: [String] = []
                        if let name = properties?["Name"], Self.intrinsic(name) == nil, let value = name.scalar { aliases.append(value) }
                        if let api = properties?["ApiId"].flatMap(Self.referencedResource) { aliases.append(api) }
                        providers.append(try Self.authorizer(name: logicalID, aliases: aliases, holder: properties, configKey: "JwtConfiguration",
                                                             audienceKey: "Audience", issuerKey: "Issuer", file: file))
                        requirements += Self.cloudFormationRoutes(using: logicalID, api: properties?["ApiId"].flatMap(Self.referencedResource),
                                                                  resources: resources, file: file)
                    case "AWS::Serverless::HttpApi":
                        let defaultAuthorizer = properties?["Auth"]?["DefaultAuthorizer"]
                        for entry in properties?["Auth"]?["Authorizers"]?.mapping ?? [] {
                            guard let name = ConfigYAML.string(entry.key, file: file), entry.value["JwtConfiguration"] != nil else { continue }
                            providers.append(try Self.authorizer(name: name, aliases: [logicalID.value], holder: entry.value, configKey: "JwtConfiguration",
                                                                 audienceKey: "audience", issuerKey: "issuer", file: file))
                            requirements += Self.serverlessRoutes(using: name, api: logicalID.value, defaultAuthorizer: defaultAuthorizer,
                                                                  resources: resources, file: file)
                        }
                        if let body = properties?["DefinitionBody"] {
                            let found = try Self.openAPIProviders(body, aliases: [logicalID.value], file: file)
                            providers += found.providers
                            requirements += found.requirements
                        }
                    case "AWS::ApiGatewayV2::Api":
                        if let body = properties?["Body"] {
                            let found = try Self.openAPIProviders(body, aliases: [logicalID.value], file: file)
                            providers += found.providers
                            requirements += found.requirements
                        }
                    default: break
                    }
                }
            } else {
                let found = try Self.openAPIProviders(root, aliases: [root["info"]?["title"]?.scalar].compactMap { $0 }, file: file)
                providers += found.providers
                requirements += found.requirements
            }
        }
        var config = DeployedConfig(file: file, providers: providers,
                                    providersLocation: providers.first?.location ?? SourceLocation(file: file, line: 1, column: 1),
                                    providerNoun: "API Gateway JWT authorizer")
        config.requirements = requirements
        return config
    }

    /// The JWT security schemes of an OpenAPI document: (name, the x-amazon-apigateway-authorizer).
    static func openAPISchemes(_ document: YAMLNode) -> [(YAMLNode, YAMLNode)] {
        (document["components"]?["securitySchemes"]?.mapping ?? []).compactMap { scheme in
            guard let authorizer = scheme.value["x-amazon-apigateway-authorizer"],
                  authorizer["type"]?.scalar?.lowercased() == "jwt" else { return nil }
            return (scheme.key, authorizer)
        }
    }

    static func openAPIProviders(_ document: YAMLNode, aliases: [String], file: String) throws(DeploymentReadError)
        -> (providers: [DeployedProvider], requirements: [DeployedRequirement]) {
        var providers: [DeployedProvider] = []
        var requirements: [DeployedRequirement] = []
        for (key, extensionNode) in openAPISchemes(document) {
            guard let name = ConfigYAML.string(key, file: file) else { continue }
            providers.append(try authorizer(name: name, aliases: aliases, holder: extensionNode, configKey: "jwtConfiguration",
                                            audienceKey: "audience", issuerKey: "issuer", file: file))
            requirements += openAPIOperations(using: name, document: document, file: file)
        }
        return (providers, requirements)
    }

    /// One JWT authorizer: `holder[configKey]` holds its audience list and issuer.
    static func authorizer(name: Located<String>, aliases: [String], holder: YAMLNode?, configKey: String,
                           audienceKey: String, issuerKey: String, file: String) throws(DeploymentReadError) -> DeployedProvider {
        var provider = DeployedProvider(name: name, location: name.location)
        provider.aliases = aliases.filter { $0 != name.value }
        let config = holder?[configKey]
        let configAt = holder.flatMap { ConfigYAML.keyNode($0, configKey) }.map { ConfigYAML.location($0, file: file) } ?? name.location
        if let config, let function = intrinsic(config) {
            // The whole configuration comes from the stack (a parameter, a mapping, a condition).
            for setting in ["audiences", "issuer"] {
                provider.unresolved.append(UnresolvedValue(setting: setting, placeholder: function, location: configAt,
                                                           reason: "comes from \(configKey) written as the CloudFormation intrinsic \(function), resolved only when the stack deploys, so it was not compared"))
            }
            return provider
        }
        let refusal = "AWS requires it on a JWT authorizer and refuses this one, so the stack or import that holds it fails"

        // Audiences.
        let audienceKeyAt = config.flatMap { ConfigYAML.keyNode($0, audienceKey) }.map { ConfigYAML.location($0, file: file) }
        guard let audiences = config?[audienceKey], !audiences.isNull else {
            throw DeploymentReadError("JWT authorizer '\(name.value)' has no \(configKey).\(audienceKey): \(refusal)", at: audienceKeyAt ?? configAt)
        }
        provider.audiencesLocation = audienceKeyAt ?? configAt
        let items = audiences.sequence ?? [audiences]
        if let function = intrinsic(audiences) ?? items.lazy.compactMap(intrinsic).first {
            provider.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: function, location: audienceKeyAt ?? configAt,
                                                       reason: "use the CloudFormation intrinsic \(function), resolved only when the stack deploys, so they were not compared"))
        } else {
            let values = items.compactMap { ConfigYAML.string($0, file: file) }
            guard !values.isEmpty else {
                throw DeploymentReadError("JWT authorizer '\(name.value)' has an empty \(configKey).\(audienceKey) list: \(refusal)", at: audienceKeyAt ?? configAt)
            }
            provider.setAudiences(values)
        }

        // Issuer.
        let issuerKeyAt = config.flatMap { ConfigYAML.keyNode($0, issuerKey) }.map { ConfigYAML.location($0, file: file) }
        guard let issuer = config?[issuerKey], !issuer.isNull else {
            throw DeploymentReadError("JWT authorizer '\(name.value)' has no \(configKey).\(issuerKey): \(refusal)", at: configAt)
        }
        if let function = intrinsic(issuer) {
            provider.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: function, location: issuerKeyAt ?? configAt,
                                                       reason: "uses the CloudFormation intrinsic \(function), resolved only when the stack deploys, so it was not compared"))
        } else if let value = ConfigYAML.string(issuer, file: file) {
            provider.issuer = value
        } else {
            throw DeploymentReadError("JWT authorizer '\(name.value)': \(configKey).\(issuerKey) is \(issuer.kindDescription), not a URL",
                                      at: ConfigYAML.location(issuer, file: file))
        }
        return provider
    }

    // MARK: Which routes use an authorizer

    /// A route that verifies a token with `authorizer`.
    static func use(of authorizer: Located<String>, label: String, at location: SourceLocation, everyPath: Bool = false) -> DeployedRequirement {
        var requirement = DeployedRequirement(mode: .required, label: label, location: location,
                                              providers: [DeployedRequirement.ProviderUse(name: authorizer, audiences: nil, audiencesLocation: nil)])
        requirement.coversEveryPath = everyPath
        return requirement
    }

    /// A route of the authorizer's API that verifies no token: a public route beside the protected ones.
    static func openRoute(beside authorizer: Located<String>, label: String, at location: SourceLocation, everyPath: Bool) -> DeployedRequirement {
        var requirement = use(of: authorizer, label: label, at: location, everyPath: everyPath)
        requirement.mode = .disabled
        requirement.explanation = "has no authorization, so API Gateway passes its requests on without a token"
        return requirement
    }

    /// The requirements for one authorizer: the routes found, or, when none uses it, one requirement
    /// saying that it verifies nothing as far as this file shows.
    static func attachment(of authorizer: Located<String>, routes: [DeployedRequirement], unusedBecause reason: String) -> [DeployedRequirement] {
        guard !routes.contains(where: { $0.mode == .required }) else { return routes }
        var unused = use(of: authorizer, label: "JWT authorizer '\(authorizer.value)'", at: authorizer.location, everyPath: true)
        unused.mode = .disabled
        unused.explanation = "is used by no route in this file (\(reason); drift reads only the file the deployment entry names), so as far as it shows API Gateway verifies no token with this authorizer"
        unused.inferredFromAbsence = true
        return [unused]
    }

    /// A route key or path that takes every request no other route matches.
    static func catchesEverything(_ routeKey: String) -> Bool {
        routeKey.isExactly("$default") || routeKey.hasByteSuffix("/{proxy+}")
    }

    /// `AWS::ApiGatewayV2::Route` resources: `AuthorizationType: JWT` with `AuthorizerId` naming the
    /// authorizer, or no authorization on the same API (`NONE`, AWS's default).
    static func cloudFormationRoutes(using authorizer: Located<String>, api: String?, resources: [YAMLPair], file: String) -> [DeployedRequirement] {
        var routes: [DeployedRequirement] = []
        for resource in resources where resource.value["Type"]?.scalar?.isExactly("AWS::ApiGatewayV2::Route") == true {
            let properties = resource.value["Properties"]
            let routeKey = properties?["RouteKey"]?.scalar ?? resource.key.scalar ?? ""
            let label = "route '\(routeKey)'"
            let at = ConfigYAML.location(resource.key, file: file)
            let type = properties?["AuthorizationType"]
            if let type, intrinsic(type) != nil { continue }
            let typeName = type?.scalar ?? "NONE"
            if properties?["AuthorizerId"].flatMap(referencedResource)?.isExactly(authorizer.value) == true, typeName.isExactly("JWT") {
                routes.append(use(of: authorizer, label: label, at: at, everyPath: catchesEverything(routeKey)))
            } else if typeName.isExactly("NONE"), let api, properties?["ApiId"].flatMap(referencedResource)?.isExactly(api) == true {
                routes.append(openRoute(beside: authorizer, label: label, at: at, everyPath: catchesEverything(routeKey)))
            }
        }
        return attachment(of: authorizer, routes: routes,
                          unusedBecause: "no AWS::ApiGatewayV2::Route names it in AuthorizerId with AuthorizationType JWT")
    }

    /// SAM: the HTTP API's `Auth.DefaultAuthorizer`, and the `HttpApi` events of functions on that API,
    /// whose `Auth.Authorizer` names an authorizer or `NONE`.
    static func serverlessRoutes(using authorizer: Located<String>, api: String, defaultAuthorizer: YAMLNode?,
                                 resources: [YAMLPair], file: String) -> [DeployedRequirement] {
        var routes: [DeployedRequirement] = []
        let isDefault = defaultAuthorizer?.scalar?.isExactly(authorizer.value) == true
        if isDefault, let defaultAuthorizer {
            routes.append(use(of: authorizer, label: "DefaultAuthorizer of HttpApi '\(api)'",
                              at: ConfigYAML.location(defaultAuthorizer, file: file), everyPath: true))
        }
        for resource in resources where resource.value["Type"]?.scalar?.isExactly("AWS::Serverless::Function") == true {
            for event in resource.value["Properties"]?["Events"]?.mapping ?? [] {
                let properties = event.value["Properties"]
                guard event.value["Type"]?.scalar?.isExactly("HttpApi") == true,
                      properties?["ApiId"].flatMap(referencedResource)?.isExactly(api) == true else { continue }
                let method = properties?["Method"]?.scalar ?? "ANY"
                let path = properties?["Path"]?.scalar ?? "$default"
                let label = "route '\(method) \(path)' of function '\(resource.key.scalar ?? "")'"
                let at = ConfigYAML.location(event.key, file: file)
                switch properties?["Auth"]?["Authorizer"]?.scalar {
                case let named? where named.isExactly(authorizer.value):
                    routes.append(use(of: authorizer, label: label, at: at, everyPath: catchesEverything(path)))
                case let named? where named.isExactly("NONE"):
                    routes.append(openRoute(beside: authorizer, label: label, at: at, everyPath: catchesEverything(path)))
                case nil where !isDefault && defaultAuthorizer == nil:
                    routes.append(openRoute(beside: authorizer, label: label, at: at, everyPath: catchesEverything(path)))
                default:
                    continue
                }
            }
        }
        return attachment(of: authorizer, routes: routes,
                          unusedBecause: "it is not the API's DefaultAuthorizer and no HttpApi event of a function on the API names it in Auth.Authorizer")
    }

    static let openAPIMethods: Set<ExactString> = Set(["get", "put", "post", "delete", "options", "head", "patch", "trace",
                                                       "x-amazon-apigateway-any-method"].map { ExactString($0) })

    /// The scheme names of an OpenAPI `security` list: each item's keys.
    static func schemeNames(_ security: YAMLNode) -> [String] {
        (security.sequence ?? []).flatMap { ($0.mapping ?? []).compactMap(\.key.scalar) }
    }

    /// OpenAPI: the document's `security` and each operation's, which replaces it (`[]` for none).
    static func openAPIOperations(using scheme: Located<String>, document: YAMLNode, file: String) -> [DeployedRequirement] {
        var routes: [DeployedRequirement] = []
        let documentSecurity = document["security"]
        let documentNames = documentSecurity.map(schemeNames) ?? []
        let documentUses = documentNames.contains { $0.isExactly(scheme.value) }
        if documentUses, let documentSecurity {
            routes.append(use(of: scheme, label: "the document's security", at: ConfigYAML.location(documentSecurity, file: file), everyPath: true))
        }
        for path in document["paths"]?.mapping ?? [] {
            let pathName = path.key.scalar ?? ""
            for operation in path.value.mapping ?? [] {
                guard let method = operation.key.scalar, openAPIMethods.contains(ExactString(method)) else { continue }
                let verb = method.isExactly("x-amazon-apigateway-any-method") ? "ANY" : method.uppercased()
                let label = "operation '\(verb) \(pathName)'"
                let at = ConfigYAML.location(operation.key, file: file)
                let everyPath = verb.isExactly("ANY") && catchesEverything(pathName)
                if let security = operation.value["security"] {
                    let names = schemeNames(security)
                    if names.contains(where: { $0.isExactly(scheme.value) }) {
                        routes.append(use(of: scheme, label: label, at: at, everyPath: everyPath))
                    } else if names.isEmpty, documentUses || documentSecurity == nil {
                        routes.append(openRoute(beside: scheme, label: label, at: at, everyPath: everyPath))
                    }
                } else if documentSecurity == nil || (documentNames.isEmpty && !documentUses) {
                    routes.append(openRoute(beside: scheme, label: label, at: at, everyPath: everyPath))
                }
            }
        }
        return attachment(of: scheme, routes: routes,
                          unusedBecause: "neither the document's security nor any operation's names the scheme")
    }

    /// How an intrinsic function is written (`!Sub https://…`, `Fn::ImportValue`), or nil for a plain
    /// value. Short forms are YAML tags; long forms are one-key mappings `Ref` or `Fn::…`.
    static func intrinsic(_ node: YAMLNode) -> String? {
        if let tag = node.tag, tag.hasPrefix("!") {
            return node.scalar.map { "\(tag) \($0)" } ?? tag
        }
        if let pairs = node.mapping, pairs.count == 1, let key = pairs[0].key.scalar, key == "Ref" || key.hasPrefix("Fn::") || key == "Condition" {
            let value = pairs[0].value
            if let items = value.sequence, !items.isEmpty, items.allSatisfy({ $0.scalar != nil && $0.tag == nil }) {
                return "\(key): [\(items.compactMap(\.scalar).joined(separator: ", "))]"
            }
            return value.scalar.map { "\(key): \($0)" } ?? key
        }
        return nil
    }

    /// The logical ID an `ApiId` refers to (`!Ref HttpApi`, `{"Ref": "HttpApi"}`).
    static func referencedResource(_ node: YAMLNode) -> String? {
        if node.tag == "!Ref" { return node.scalar }
        if let pairs = node.mapping, pairs.count == 1, pairs[0].key.scalar == "Ref" { return pairs[0].value.scalar }
        return nil
    }
}
