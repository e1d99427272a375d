/// What one enforcer (gateway, proxy, framework) does with a token's audience, as its own
/// documentation or source says. Each reader declares the facts of the enforcers it reads, so a reader
/// stays one file; `config-audience-unchecked` takes its explanation from here and nowhere else.
public struct EnforcerFacts: Sendable {
    /// What the enforcer does when the audience setting is left out, or set to an empty list.
    public enum AudienceDefault: Sendable, Equatable {
        /// Every audience passes.
        case unchecked
        /// The enforcer has no audience setting at all.
        case cannotCheck
        /// The audience is checked against something else (a client id, a service name).
        case fallsBack(to: String)
        /// The config is refused, or every token is, without an audience.
        case required

        public var summary: String {
            switch self {
            case .unchecked: return "not checked: every audience passes"
            case .cannotCheck: return "cannot be checked: the enforcer has no audience setting"
            case .fallsBack(let to): return "falls back to \(to)"
            case .required: return "required"
            }
        }

        var jsonName: String {
            switch self {
            case .unchecked: return "unchecked"
            case .cannotCheck: return "cannot-check"
            case .fallsBack: return "falls-back"
            case .required: return "required"
            }
        }
    }

    /// How a token's `aud` values are matched against the configured list.
    public enum Matching: String, Sendable {
        /// The token passes when one of its audiences is in the list.
        case any
        /// Every configured value must be among the token's audiences.
        case all
        /// A match policy in the config decides (Kubernetes `audienceMatchPolicy`).
        case configurable
        /// There is no list to match.
        case none
    }

    /// Stable identifier, used by a provider to say which of its reader's enforcers it is.
    public var id: String
    public var name: String
    /// Where the audiences are written, in the config's own terms.
    public var audienceFields: [String]
    public var whenOmitted: AudienceDefault
    public var whenEmpty: AudienceDefault
    public var matching: Matching
    /// What a provider of this enforcer with no audience check lets through (the end of a
    /// `config-audience-unchecked` message).
    public var consequence: String
    /// Why a present configuration still checks no audience (Kong's jwt plugin), when that is a fact
    /// of the enforcer rather than of one config.
    public var limitation: String?
    /// The enforcer's own documentation.
    public var reference: String
    /// Where these facts were checked (a source file at a commit, a documentation sentence); nil when
    /// they come from the project's research notes and were not checked again.
    public var verified: String?
    public var notes: String?

    public init(id: String, name: String, audienceFields: [String], whenOmitted: AudienceDefault, whenEmpty: AudienceDefault? = nil,
                matching: Matching, consequence: String = EnforcerFacts.everyAudiencePasses, limitation: String? = nil,
                reference: String, verified: String? = nil, notes: String? = nil) {
        self.id = id
        self.name = name
        self.audienceFields = audienceFields
        self.whenOmitted = whenOmitted
        self.whenEmpty = whenEmpty ?? whenOmitted
        self.matching = matching
        self.consequence = consequence
        self.limitation = limitation
        self.reference = reference
        self.verified = verified
        self.notes = notes
    }

    public static let everyAudiencePasses = "every audience passes, so tokens minted for other services are accepted"
}

/// Every enforcer audreg knows: those its readers declare, then documented ones it cannot read yet.
public enum EnforcerTable {
    /// One row per enforcer, with the deployment kind that reads it (nil: no reader yet).
    public struct Row: Sendable {
        public var kind: String?
        public var facts: EnforcerFacts
    }

    public static var rows: [Row] {
        DeploymentReaders.all.flatMap { reader in
            reader.enforcers.map { Row(kind: type(of: reader).kindName, facts: $0) }
        } + withoutReader.map { Row(kind: nil, facts: $0) }
    }

    /// Enforcers with no reader: documented facts for the rule's explanation and the site.
    public static let withoutReader: [EnforcerFacts] = [
        EnforcerFacts(
            id: "traefik-hub-jwt", name: "Traefik Hub JWT middleware", audienceFields: ["spec.plugin.jwt.claims (an expression such as Contains(`aud`, …))"],
            whenOmitted: .unchecked, matching: .configurable,
            reference: "https://doc.traefik.io/traefik-hub/api-gateway/reference/authentication/jwt/",
            notes: "open-source Traefik has no JWT middleware; by default only the signature and nbf/exp/iat are checked"),
        EnforcerFacts(
            id: "traefik-jwt-plugin", name: "Traefik JWT plugins (traefik-plugins/traefik-jwt-plugin and others)", audienceFields: ["plugin-specific"],
            whenOmitted: .unchecked, matching: .none,
            reference: "https://github.com/traefik-plugins/traefik-jwt-plugin",
            notes: "a documented Aud option was ignored (traefik-jwt-plugin#44); audience support was requested in #51"),
        EnforcerFacts(
            id: "apigee-verify-jwt", name: "Apigee VerifyJWT policy", audienceFields: ["<Audience>"],
            whenOmitted: .unchecked, matching: .any,
            reference: "https://cloud.google.com/apigee/docs/api-platform/reference/policies/verify-jwt-policy",
            verified: "the policy page: the policy \"can optionally also verify the values of specific claims … the audience\""),
        EnforcerFacts(
            id: "google-espv2", name: "Google ESPv2 / Cloud Endpoints", audienceFields: ["x-google-audiences", "authentication.providers[].audiences"],
            whenOmitted: .fallsBack(to: "the service name: only https://SERVICE_NAME/API_NAME is accepted"), matching: .any,
            consequence: "only tokens for the service's own name pass",
            reference: "https://cloud.google.com/endpoints/docs/openapi/openapi-extensions#x-google-audiences",
            verified: "Service Usage AuthRequirement.audiences: \"When this setting is absent, only JWTs with audience https://Service_name/API_name will be accepted\""),
        EnforcerFacts(
            id: "kong-openid-connect-admin-api", name: "Kong openid-connect (Admin API or KongPlugin resource)", audienceFields: ["config.audience_required"],
            whenOmitted: .unchecked, matching: .any,
            reference: "https://developer.konghq.com/plugins/openid-connect/reference/",
            notes: "decK files are read by kind kong; config.audience is sent to the authorization endpoint and not validated"),
        EnforcerFacts(
            id: "aspnetcore-jwtbearer", name: "ASP.NET Core JwtBearer", audienceFields: ["Authentication:Schemes:Bearer:ValidAudiences", "TokenValidationParameters.ValidAudience(s)", "JwtBearerOptions.Audience"],
            whenOmitted: .required, matching: .any, consequence: "no token passes (ValidateAudience defaults to true)",
            reference: "https://learn.microsoft.com/en-us/dotnet/api/microsoft.identitymodel.tokens.tokenvalidationparameters.validateaudience",
            notes: "fails closed unless ValidateAudience is set to false, as some vendor samples do; ValidAudiences from configuration are ignored once TokenValidationParameters is replaced (dotnet/aspnetcore#63891)"),
        EnforcerFacts(
            id: "contour-httpproxy-jwt", name: "Contour HTTPProxy JWT verification", audienceFields: ["spec.virtualhost.jwtProviders[].audiences"],
            whenOmitted: .unchecked, matching: .any,
            reference: "https://projectcontour.io/docs/main/config/jwt-verification/", notes: "built on Envoy's jwt_authn"),
    ]

    /// The table as text, for `audreg rules show config-audience-unchecked`.
    public static func text(_ rows: [Row] = rows) -> String {
        var output = ""
        for row in rows {
            let facts = row.facts
            output += "  - \(facts.name) (\(row.kind.map { "kind \($0)" } ?? "no reader yet"))\n"
            output += "      audiences: \(facts.audienceFields.isEmpty ? "no setting" : facts.audienceFields.joined(separator: ", "))\n"
            output += "      omitted: \(facts.whenOmitted.summary)"
            output += facts.whenEmpty == facts.whenOmitted ? "\n" : "; empty: \(facts.whenEmpty.summary)\n"
            output += "      matching: \(facts.matching.rawValue)\n"
            if let limitation = facts.limitation { output += "      limitation: \(limitation)\n" }
            if let notes = facts.notes { output += "      notes: \(notes)\n" }
            output += "      reference: \(facts.reference)\n"
            if let verified = facts.verified { output += "      verified: \(verified)\n" }
        }
        return output
    }

    public static func json(_ rows: [Row] = rows) -> JSONValue {
        .array(rows.map { row in
            let facts = row.facts
            var fields: [(String, JSONValue)] = [
                ("id", .string(facts.id)),
                ("name", .string(facts.name)),
                ("kind", row.kind.map(JSONValue.string) ?? .null),
                ("audienceFields", .array(facts.audienceFields.map(JSONValue.string))),
                ("whenOmitted", .string(facts.whenOmitted.jsonName)),
                ("whenOmittedText", .string(facts.whenOmitted.summary)),
                ("whenEmpty", .string(facts.whenEmpty.jsonName)),
                ("whenEmptyText", .string(facts.whenEmpty.summary)),
                ("matching", .string(facts.matching.rawValue)),
                ("consequence", .string(facts.consequence)),
                ("reference", .string(facts.reference)),
            ]
            if let limitation = facts.limitation { fields.append(("limitation", .string(limitation))) }
            if let verified = facts.verified { fields.append(("verified", .string(verified))) }
            if let notes = facts.notes { fields.append(("notes", .string(notes))) }
            return .object(fields)
        })
    }
}
