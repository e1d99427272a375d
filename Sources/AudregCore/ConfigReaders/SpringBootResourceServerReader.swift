/// Spring Boot's resource server settings, `spring.security.oauth2.resourceserver.jwt.*`, from
/// `application.yml` (nested or dotted keys, several documents) or `application.properties` (several
/// documents split by `#---` or `!---`). Keys are matched the way Spring's relaxed binding does
/// (`issuer-uri`, `issuerUri`, `issuer_uri`). There is one provider, without a name.
///
/// A document with `spring.config.activate.on-profile` (or the legacy `spring.profiles`) applies only
/// when its profile expression (names, `!`, `&`, `|`, parentheses, a comma between alternatives)
/// matches the active profiles; later documents override earlier ones, as in Spring. The active
/// profiles are `--spring-profile` (`settings.springProfiles`), else `spring.profiles.active` among the
/// external properties (`SPRING_PROFILES_ACTIVE` in an env file), else the file's own, plus
/// `spring.profiles.include`. When none of these says, a setting that a profile document writes is
/// not compared and a note says why: drift does not guess which profile the deployment runs.
///
/// `${name}` and `${name:default}` placeholders are resolved as Spring resolves them: from properties
/// given to drift (`--spring-property`, `--spring-env-file`, which win as command-line arguments and the
/// environment do), then from any key of the documents that apply. A value that stays unresolved is not
/// compared.
public struct SpringBootResourceServerReader: DeploymentConfigReader {
    public static let kindName = "spring-boot"

    public let enforcer = EnforcerFacts(
        id: "spring-boot-resource-server", name: "Spring Boot OAuth2 resource server (JWT)",
        audienceFields: ["spring.security.oauth2.resourceserver.jwt.audiences (Boot 2.7+)"],
        whenOmitted: .unchecked, matching: .any,
        reference: "https://docs.spring.io/spring-boot/reference/web/spring-security.html#web.security.oauth2.server",
        notes: "the property was added by spring-boot#29084; without it (or a JwtDecoder with an audience validator) no aud check is made (spring-security#8334)")
    static let prefix = ["spring", "security", "oauth2", "resourceserver", "jwt"]
    static let settingNames = ["issueruri": "issuer-uri", "jwkseturi": "jwk-set-uri", "audiences": "audiences", "publickeylocation": "public-key-location"]
    /// The settings Spring binds as a list, splitting a value at commas. `issuer-uri` and `jwk-set-uri`
    /// are one `String` each: `https://idp.example.com,@evil.example` is one URI whose host is
    /// evil.example, never two values.
    static let listSettings: Set<String> = ["audiences"]
    static let notOneURI = "is written as a list, which Spring does not bind to its single URI, so it was not compared"

    public init() {}

    /// A setting as read: its value node (YAML) or value text (properties), and the key's position.
    struct Setting {
        var values: [Located<String>]
        var keyLocation: SourceLocation
        /// The key exactly as written, and whether it is an indexed item (`audiences[0]`).
        var writtenKey: ExactString
        var indexed: Bool
        /// Set when one document writes the setting under two spellings that Spring binds to one name
        /// (`audiences` and `Audiences`): which one Spring uses depends on its property source's order,
        /// so audreg says why it did not compare instead of picking one.
        var conflict: String? = nil

        /// This setting after `next`, written later in the same document: indexed items add up, an
        /// exact repeat replaces (as `java.util.Properties` keeps the last), another spelling conflicts.
        func followed(by next: Setting) -> Setting {
            if next.indexed && indexed { return Setting(values: values + next.values, keyLocation: keyLocation, writtenKey: writtenKey, indexed: true, conflict: conflict) }
            if next.writtenKey == writtenKey && !next.indexed { return next }
            var merged = next
            merged.conflict = "is written twice in one document, as '\(writtenKey.text)' (line \(keyLocation.line)) and as '\(next.writtenKey.text)' (line \(next.keyLocation.line)), which Spring binds to one setting; which value it uses depends on its property source's order, so drift did not guess and did not compare it"
            return merged
        }
    }

    /// One document of the file: its resource server settings, every property (for placeholders and
    /// profile settings), and the profile expression that activates it (nil: always applies).
    struct Document {
        var settings: [String: Setting] = [:]
        /// Keyed byte for byte, as Spring's own lookup is: `aud.\u{E9}` and `aud.e\u{301}` are two
        /// properties, and a `${…}` placeholder must resolve to the one its bytes name.
        var properties: [ExactString: String] = [:]
        var activation: Located<String>?
    }

    /// A key in Spring's uniform form, which its binder compares: each character lower-cased, then
    /// everything but `a-z` and `0-9` skipped (`ConfigurationPropertyName`'s `defaultElementEquals`). So
    /// `jwt.au\u{200B}diences`, `jwt.Audiences` and `jwt.audi-ences` all bind as `jwt.audiences`, and audreg
    /// must read them as Spring does, or an audience list it never saw would be the one enforced. `.`, `[`
    /// and `]` are kept: they separate elements and mark indexes. Read on scalars, so no combining mark
    /// can join a separator to its neighbour.
    static func normalize(_ key: String) -> String {
        var uniform = String.UnicodeScalarView()
        for scalar in key.unicodeScalars {
            for lower in scalar.properties.lowercaseMapping.unicodeScalars where isUniform(lower) { uniform.append(lower) }
        }
        return String(uniform)
    }

    private static func isUniform(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "[" || scalar == "]"
    }

    /// The values of a dotted property (`spring.profiles.active`), written once or as an indexed
    /// list (`…[0]`, `…[1]`), split at commas as Spring binds a list.
    static func listValue(_ properties: [ExactString: String], _ normalizedKey: String) -> [String]? {
        var indexed: [(Int, String)] = []
        var plain: String?
        for (key, value) in properties {
            let normalized = normalize(key.text)
            if normalized.isExactly(normalizedKey) {
                plain = value
            } else if normalized.hasPrefix(normalizedKey + "["), normalized.hasSuffix("]"),
                      let index = Int(normalized.dropFirst(normalizedKey.count + 1).dropLast()) {
                indexed.append((index, value))
            }
        }
        let texts = indexed.isEmpty ? plain.map { [$0] } : indexed.sorted { $0.0 < $1.0 }.map(\.1)
        return texts?.flatMap { $0.splitOnScalar(",").map(ConfigYAML.javaTrimmed) }.filter { !$0.isEmpty }
    }

    static let activationKeys = ["spring.config.activate.onprofile", "spring.profiles"]

    /// Where the active profiles come from, and which they are; nil when nothing says.
    func active(_ documents: [Document], settings: DeploymentReadSettings) -> Set<String>? {
        if !settings.springProfiles.isEmpty {
            return Set(settings.springProfiles.flatMap { $0.splitOnScalar(",").map(ConfigYAML.javaTrimmed) }.filter { !$0.isEmpty })
        }
        var result: Set<String>?
        let external = PlaceholderResolver(external: settings.springProperties, file: [:])
        if let value = external.lookup("spring.profiles.active") {
            result = Set(value.splitOnScalar(",").map(ConfigYAML.javaTrimmed).filter { !$0.isEmpty })
        } else {
            // Spring refuses spring.profiles.active in a profile-specific document: read the others.
            for document in documents where document.activation == nil {
                if let values = Self.listValue(document.properties, "spring.profiles.active") { result = Set(values) }
            }
        }
        guard var profiles = result else { return nil }
        for document in documents where document.activation == nil {
            profiles.formUnion(Self.listValue(document.properties, "spring.profiles.include") ?? [])
        }
        return profiles
    }

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        let documents = file.hasByteSuffix(".properties") ? try readProperties(bytes, file: file) : try readYAML(bytes, file: file)
        let active = self.active(documents, settings: settings)
        // The documents that apply, in order, later ones winning; a setting a document writes whose
        // activation cannot be decided stays undecided until an applying document writes it again.
        var applied: [String: Setting] = [:]
        var fileProperties: [ExactString: String] = [:]
        var undecided: [String: (setting: Setting, reason: String)] = [:]
        for document in documents {
            var applies: Bool?
            var reason = ""
            if let activation = document.activation {
                if let active {
                    applies = ProfileExpression.matches(activation.value, active: active)
                    if applies == nil {
                        reason = "is set by a document whose profile expression '\(activation.value)' (line \(activation.location.line)) Spring would refuse (`&` and `|` mixed without parentheses, or unbalanced), so that value was not compared"
                    }
                } else {
                    reason = "is set by the document for profile '\(activation.value)' (line \(activation.location.line)), and no active profile is known (neither spring.profiles.active in the file nor --spring-profile NAME, --spring-property spring.profiles.active=NAME or SPRING_PROFILES_ACTIVE in --spring-env-file), so drift did not guess which value Spring uses and did not compare it"
                }
            } else {
                applies = true
            }
            switch applies {
            case true?:
                for (name, setting) in document.settings {
                    if let conflict = setting.conflict {
                        applied[name] = nil
                        undecided[name] = (setting, conflict)
                    } else {
                        applied[name] = setting
                        undecided[name] = nil
                    }
                }
                fileProperties.merge(document.properties) { $1 }
            case false?:
                continue
            case nil:
                for (name, setting) in document.settings { undecided[name] = (setting, reason) }
            }
        }
        for name in undecided.keys { applied[name] = nil }
        let start = SourceLocation(file: file, line: 1, column: 1)
        // Command-line properties and environment variables (--spring-property, --spring-env-file) come
        // before every file in Spring's order: a resource-server setting they write is the one enforced.
        for (name, external) in Self.externalSettings(settings.springProperties) {
            let at = applied[name]?.keyLocation ?? undecided[name]?.setting.keyLocation ?? start
            var setting = Setting(values: external.values.map { Located($0, at: at) }, keyLocation: at, writtenKey: ExactString(external.keys[0]), indexed: false)
            if external.keys.count > 1 {
                setting.conflict = "is set outside the file under \(external.keys.count) spellings (\(external.keys.joined(separator: ", "))), which Spring binds to one setting; which one wins depends on where each comes from (the command line or the environment), so drift did not compare it"
                undecided[name] = (setting, setting.conflict!)
                applied[name] = nil
            } else {
                applied[name] = setting
                undecided[name] = nil
            }
        }
        guard !applied.isEmpty || !undecided.isEmpty else {
            return DeployedConfig(file: file, providers: [], providersLocation: start, providerNoun: "spring.security.oauth2.resourceserver.jwt configuration")
        }
        let first = (applied.values.map(\.keyLocation) + undecided.values.map(\.setting.keyLocation)).min() ?? start
        var provider = DeployedProvider(name: nil, location: first)
        let resolver = PlaceholderResolver(external: settings.springProperties, file: fileProperties)
        // Spring Boot's KeyValueCondition builds its JwtDecoder from public-key-location only when neither
        // jwk-set-uri nor issuer-uri has text: then it verifies with that local key and fetches no key set.
        // Decided on the values as written, as the condition reads them; an undecided one is noted already.
        func hasText(_ name: String) -> Bool {
            applied[name]?.values.contains { !ConfigYAML.javaTrimmed($0.value).isEmpty } == true
        }
        let fetchesKeys = hasText("jwkseturi") || hasText("issueruri")
        let localKey = hasText("publickeylocation") && !fetchesKeys && undecided["jwkseturi"] == nil && undecided["issueruri"] == nil
            ? applied["publickeylocation"] : nil
        // Ignored by Spring then, so a placeholder or profile in it leaves nothing uncompared.
        if fetchesKeys { applied["publickeylocation"] = nil; undecided["publickeylocation"] = nil }
        for name in applied.keys.sorted() {
            guard let setting = applied[name], let display = Self.settingNames[name] else { continue }
            var values: [Located<String>] = []
            for value in setting.values {
                switch resolver.resolve(value.value) {
                case .resolved(let text):
                    // A placeholder may stand for a list ("${AUDIENCES}" = "a,b"), but only in a list setting.
                    let parts = text.isExactly(value.value) || !Self.listSettings.contains(name) ? [text]
                        : text.splitOnScalar(",").map(ConfigYAML.javaTrimmed).filter { !$0.isEmpty }
                    values += parts.map { Located($0, at: value.location) }
                case .unresolved(let placeholder):
                    provider.unresolved.append(UnresolvedValue(setting: display, placeholder: placeholder, location: value.location))
                }
            }
            applied[name]?.values = values
        }
        for name in undecided.keys.sorted() {
            guard let (setting, reason) = undecided[name], let display = Self.settingNames[name] else { continue }
            provider.unresolved.append(UnresolvedValue(setting: display, placeholder: "", location: setting.keyLocation, reason: reason))
        }
        // A single URI that still has several values (an indexed environment variable) is not one Spring binds.
        for name in ["issueruri", "jwkseturi"] where (applied[name]?.values.count ?? 0) > 1 {
            if let setting = applied.removeValue(forKey: name) {
                provider.unresolved.append(UnresolvedValue(setting: Self.settingNames[name]!, placeholder: "", location: setting.keyLocation, reason: Self.notOneURI))
            }
        }
        provider.issuer = applied["issueruri"]?.values.first
        // Spring keeps a quoted YAML value's or a .properties value's trailing whitespace (and a quoted
        // leading one): JwtIssuerValidator compares iss with the whole string, and URI.create refuses it
        // for discovery. No issuer puts that whitespace in iss, so every token is refused; "accepts
        // another issuer" would misstate it.
        if let issuer = provider.issuer, let edge = Self.edgeWhitespace(issuer.value) {
            provider.issuer = nil
            provider.location = issuer.location
            provider.issuerCaveat = "sets issuer-uri to '\(issuer.value)', which \(edge), and Spring keeps it: it compares each token's iss with the whole value (and cannot fetch discovery from it), so it refuses every token, including those of the issuer it names; remove the whitespace"
        }
        provider.jwksUri = applied["jwkseturi"]?.values.first
        if let localKey {
            provider.unresolved.append(UnresolvedValue(
                setting: "keys", placeholder: "public-key-location", location: localKey.keyLocation,
                reason: "are the public-key-location key, which Spring verifies with when neither jwk-set-uri nor issuer-uri is set; drift does not compare a local key with the issuer's key set"))
        }
        if let audiences = applied["audiences"] {
            provider.setAudiences(audiences.values)
            provider.audiencesLocation = audiences.keyLocation
        }
        return DeployedConfig(file: file, providers: [provider], providersLocation: first,
                              providerNoun: "spring.security.oauth2.resourceserver.jwt configuration")
    }

    /// "ends with U+0020" for a value with whitespace or a control character (what Java's trim would
    /// remove, and URI.create refuses) at either end; nil for a value without.
    static func edgeWhitespace(_ value: String) -> String? {
        let scalars = value.unicodeScalars
        func name(_ scalar: Unicode.Scalar) -> String {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.utf8.count)) + hex
        }
        if let last = scalars.last, last.value <= 0x20 { return "ends with \(name(last))" }
        if let first = scalars.first, first.value <= 0x20 { return "starts with \(name(first))" }
        return nil
    }

    // MARK: YAML

    func readYAML(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> [Document] {
        var result: [Document] = []
        for yaml in try ConfigYAML.documents(bytes, file: file) {
            var document = Document()
            var locations: [ExactString: SourceLocation] = [:]
            walk(yaml.root, path: [], written: "", file: file, into: &document.settings)
            Self.flatten(yaml.root, path: "", into: &document.properties, locations: &locations, file: file, depth: 0)
            document.activation = Self.activation(document.properties, locations: locations)
            result.append(document)
        }
        return result
    }

    /// The resource-server settings among the external properties: setting name → the keys that set it
    /// (in byte order) and its values. An environment variable's name is read as Spring relaxes one
    /// (`SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES`, `…_AUDIENCES_0`).
    static func externalSettings(_ properties: [String: String]) -> [(String, (keys: [String], values: [String]))] {
        var found: [String: (keys: [String], values: [String])] = [:]
        for key in properties.keys.sorted(by: ExactText.precedes) {
            let isEnvironment = !key.unicodeScalars.contains(".")
            var path = (isEnvironment ? key.splitOnScalar("_") : key.splitOnScalar(".")).map(normalize)
            if isEnvironment, let last = path.last, !last.isEmpty, last.utf8.allSatisfy(ASCII.isDigit) { path.removeLast() }
            let cleaned = path.map { $0.replacingOccurrences(of: #"\[\d+\]$"#, with: "", options: .regularExpression) }
            guard cleaned.count == prefix.count + 1, Array(cleaned.prefix(prefix.count)) == prefix,
                  settingNames[cleaned[prefix.count]] != nil, let value = properties[key] else { continue }
            let name = cleaned[prefix.count]
            let values = (listSettings.contains(name) ? value.splitOnScalar(",").map(ConfigYAML.javaTrimmed) : [value]).filter { !$0.isEmpty }
            var entry = found[name] ?? (keys: [], values: [])
            let indexed = path.last != cleaned.last || (isEnvironment && key.splitOnScalar("_").count > path.count)
            if !indexed || entry.keys.isEmpty { entry.keys.append(key) }
            entry.values += values
            found[name] = entry
        }
        return found.keys.sorted().map { ($0, found[$0]!) }
    }

    /// The profile expression that activates a document, where it is written.
    static func activation(_ properties: [ExactString: String], locations: [ExactString: SourceLocation]) -> Located<String>? {
        for key in activationKeys {
            guard let values = listValue(properties, key), !values.isEmpty else { continue }
            let written = properties.keys.filter { normalize($0.text).isExactly(key) || normalize($0.text).utf8.starts(with: (key + "[").utf8) }
            let location = written.compactMap { locations[$0] }.min()
            return Located(values.joined(separator: ","), at: location ?? SourceLocation(file: "", line: 1, column: 1))
        }
        return nil
    }

    /// Every scalar of a document under its dotted key, for placeholders (`a.b[0]` for list items).
    static func flatten(_ node: YAMLNode, path: String, into all: inout [ExactString: String], locations: inout [ExactString: SourceLocation],
                        file: String, depth: Int) {
        guard depth < 64 else { return }
        switch node.content {
        case .scalar(let value, _):
            if !path.isEmpty, !node.isNull {
                all[ExactString(path)] = value
                locations[ExactString(path)] = ConfigYAML.location(node, file: file)
            }
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                flatten(item, path: "\(path)[\(index)]", into: &all, locations: &locations, file: file, depth: depth + 1)
            }
        case .mapping(let pairs):
            for pair in pairs {
                guard let key = pair.key.scalar else { continue }
                flatten(pair.value, path: path.isEmpty ? key : path + "." + key, into: &all, locations: &locations, file: file, depth: depth + 1)
            }
        }
    }

    /// `path` is the keys so far in uniform form, `written` the same keys as written (`Spring.security`),
    /// which is how YAML flattens them into property names.
    func walk(_ node: YAMLNode, path: [String], written: String, file: String, into settings: inout [String: Setting]) {
        guard let pairs = node.mapping else { return }
        for pair in pairs {
            guard let key = pair.key.scalar else { continue }
            let keyPath = path + key.splitOnScalar(".").map(Self.normalize)
            let writtenKey = written.isEmpty ? key : written + "." + key
            // `audiences[0]` style keys in YAML are rare but legal.
            let cleaned = keyPath.map { $0.replacingOccurrences(of: #"\[\d+\]$"#, with: "", options: .regularExpression) }
            if cleaned.count > Self.prefix.count, Array(cleaned.prefix(Self.prefix.count)) == Self.prefix {
                let name = cleaned[Self.prefix.count]
                let isList = Self.listSettings.contains(name)
                let values: [Located<String>]?
                if isList {
                    values = ConfigYAML.strings(pair.value, file: file)
                } else if pair.value.isNull {
                    values = nil
                } else if let whole = ConfigYAML.string(pair.value, file: file) {
                    values = whole.value.isEmpty ? [] : [whole]
                } else {
                    // A list or mapping where Spring expects one URI: kept, and reported as not compared.
                    values = []
                }
                if let values {
                    let keyLocation = ConfigYAML.location(pair.key, file: file)
                    var setting = Setting(values: values, keyLocation: keyLocation, writtenKey: ExactString(writtenKey),
                                          indexed: keyPath.last != cleaned.last)
                    if !isList, setting.indexed || pair.value.scalar == nil { setting.conflict = Self.notOneURI }
                    settings[name] = settings[name].map { $0.followed(by: setting) } ?? setting
                }
                continue
            }
            let isPrefix = cleaned.count <= Self.prefix.count && Array(Self.prefix.prefix(cleaned.count)) == cleaned
            if isPrefix { walk(pair.value, path: cleaned, written: writtenKey, file: file, into: &settings) }
        }
    }

    // MARK: properties

    /// One character of a `.properties` logical line and where it was written.
    struct PropertiesCharacter {
        var scalar: Unicode.Scalar
        var line: Int
        var column: Int
    }

    /// The logical lines of a `.properties` file: comments and blank lines dropped, a line ending in an
    /// odd number of backslashes joined with the next one (whose leading whitespace is dropped), as
    /// `java.util.Properties.load` does. Every character keeps its own line and column.
    /// The logical lines of each document of a `.properties` file: a line that is exactly `#---` or
    /// `!---` (outside a continuation) starts the next document, as Spring Boot splits them.
    static func logicalLines(_ bytes: [UInt8]) -> [[[PropertiesCharacter]]] {
        var physical: [[Unicode.Scalar]] = [[]]
        var previousWasCR = false
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR { physical.append([]) }
                previousWasCR = false
            } else if scalar == "\r" {
                physical.append([])
                previousWasCR = true
            } else {
                physical[physical.count - 1].append(scalar)
                previousWasCR = false
            }
        }
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" || scalar == "\u{0C}" }
        var documents: [[[PropertiesCharacter]]] = [[]]
        var current: [PropertiesCharacter]?
        for (index, scalars) in physical.enumerated() {
            if current == nil, scalars.count == 4, scalars[0] == "#" || scalars[0] == "!", scalars[1...].allSatisfy({ $0 == "-" }) {
                documents.append([])
                continue
            }
            var start = 0
            while start < scalars.count, isSpace(scalars[start]) { start += 1 }
            if current == nil, start == scalars.count || scalars[start] == "#" || scalars[start] == "!" { continue }
            var characters = (start..<scalars.count).map { PropertiesCharacter(scalar: scalars[$0], line: index + 1, column: $0 + 1) }
            let backslashes = characters.reversed().prefix { $0.scalar == "\\" }.count
            let continues = backslashes % 2 == 1
            if continues { characters.removeLast() }
            current = (current ?? []) + characters
            if !continues {
                documents[documents.count - 1].append(current!)
                current = nil
            }
        }
        if let current { documents[documents.count - 1].append(current) }
        return documents
    }

    func readProperties(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> [Document] {
        var documents: [Document] = []
        for lines in Self.logicalLines(bytes) {
            var locations: [ExactString: SourceLocation] = [:]
            var document = Document()
            document.settings = try readProperties(lines, file: file, all: &document.properties, locations: &locations)
            document.activation = Self.activation(document.properties, locations: locations)
            documents.append(document)
        }
        return documents
    }

    func readProperties(_ lines: [[PropertiesCharacter]], file: String, all: inout [ExactString: String],
                        locations: inout [ExactString: SourceLocation]) throws(DeploymentReadError) -> [String: Setting] {
        var settings: [String: Setting] = [:]
        for characters in lines {
            // The key ends at the first unescaped '=', ':' or whitespace.
            var keyScalars = String.UnicodeScalarView()
            var index = 0
            while index < characters.count {
                let scalar = characters[index].scalar
                if scalar == "\\", index + 1 < characters.count {
                    let (unescaped, length) = try Self.escape(in: characters, at: index, file: file)
                    keyScalars.append(unescaped)
                    index += length
                    continue
                }
                if scalar == "=" || scalar == ":" || scalar == " " || scalar == "\t" || scalar == "\u{0C}" { break }
                keyScalars.append(scalar)
                index += 1
            }
            while index < characters.count, characters[index].scalar == " " || characters[index].scalar == "\t" { index += 1 }
            if index < characters.count, characters[index].scalar == "=" || characters[index].scalar == ":" { index += 1 }
            while index < characters.count, characters[index].scalar == " " || characters[index].scalar == "\t" { index += 1 }
            var value: [PropertiesCharacter] = []
            while index < characters.count {
                var character = characters[index]
                if character.scalar == "\\", index + 1 < characters.count {
                    let (unescaped, length) = try Self.escape(in: characters, at: index, file: file)
                    character.scalar = unescaped
                    index += length - 1
                }
                value.append(character)
                index += 1
            }
            let key = String(keyScalars)
            all[ExactString(key)] = String(String.UnicodeScalarView(value.map(\.scalar)))
            if let head = value.first ?? characters.first { locations[ExactString(key)] = SourceLocation(file: file, line: head.line, column: head.column) }

            let path = key.splitOnScalar(".").map(Self.normalize)
            let indexed = path.last?.hasSuffix("]") == true
            let cleaned = path.map { $0.replacingOccurrences(of: #"\[\d+\]$"#, with: "", options: .regularExpression) }
            guard cleaned.count == Self.prefix.count + 1, Array(cleaned.prefix(Self.prefix.count)) == Self.prefix, let keyStart = characters.first else { continue }
            let name = cleaned[Self.prefix.count]
            let keyLocation = SourceLocation(file: file, line: keyStart.line, column: keyStart.column)
            // Spring binds "a,b" to a list, trimming each item as Java's String.trim() does; a single URI
            // is the whole value.
            var values: [Located<String>] = []
            let isList = Self.listSettings.contains(name)
            for part in isList ? value.split(omittingEmptySubsequences: false, whereSeparator: { $0.scalar == "," }) : [value[...]] {
                let trimmed = isList ? part.drop { $0.scalar.value <= 0x20 } : part
                guard let head = trimmed.first else { continue }
                let scalars = String(String.UnicodeScalarView(trimmed.map(\.scalar)))
                let text = isList ? ConfigYAML.javaTrimmed(scalars) : scalars
                if !text.isEmpty { values.append(Located(text, at: SourceLocation(file: file, line: head.line, column: head.column))) }
            }
            var setting = Setting(values: values, keyLocation: keyLocation, writtenKey: ExactString(key), indexed: indexed)
            if !isList, indexed { setting.conflict = Self.notOneURI }
            settings[name] = settings[name].map { $0.followed(by: setting) } ?? setting
        }
        return settings
    }

    /// The character the backslash at `index` escapes, and how many characters the escape spans, as
    /// Spring Boot's `OriginTrackedPropertiesLoader` and `java.util.Properties.load` read it: `\uXXXX` is
    /// the UTF-16 code unit of exactly four hex digits (two in a row may make a surrogate pair), so
    /// `\u00E9` is the value é that the enforcer compares, not six characters. A malformed `\u` makes
    /// both refuse the file ("Malformed \uxxxx encoding"), so the application does not start with it:
    /// audreg refuses it too rather than guess a value. A lone surrogate is refused as well: Java keeps
    /// it, but no UTF-8 text (and so no audreg value) can hold it.
    static func escape(in characters: [PropertiesCharacter], at index: Int, file: String) throws(DeploymentReadError) -> (Unicode.Scalar, Int) {
        guard characters[index + 1].scalar == "u" else { return (unescaped(characters[index + 1].scalar), 2) }
        func unit(at start: Int) -> UInt16? {
            guard start + 6 <= characters.count, characters[start].scalar == "\\", characters[start + 1].scalar == "u" else { return nil }
            var value: UInt16 = 0
            for character in characters[(start + 2)..<(start + 6)] {
                // ASCII hex digits only, as Java reads them: no sign, no other script's digits.
                let code = character.scalar.value
                switch code {
                case 0x30...0x39: value = value << 4 | UInt16(code - 0x30)
                case 0x41...0x46: value = value << 4 | UInt16(code - 0x41 + 10)
                case 0x61...0x66: value = value << 4 | UInt16(code - 0x61 + 10)
                default: return nil
                }
            }
            return value
        }
        let at = SourceLocation(file: file, line: characters[index].line, column: characters[index].column)
        guard let first = unit(at: index) else {
            throw DeploymentReadError("malformed \\u escape: \\u must be followed by exactly four hex digits; Spring Boot and java.util.Properties refuse to load this file", at: at)
        }
        if UTF16.isLeadSurrogate(first), let second = unit(at: index + 6), UTF16.isTrailSurrogate(second) {
            let code: UInt32 = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
            if let scalar = Unicode.Scalar(code) { return (scalar, 12) }
        }
        guard let scalar = Unicode.Scalar(first) else {
            throw DeploymentReadError("\\u\(String(first, radix: 16, uppercase: true)) is half of a UTF-16 surrogate pair without its other half: Java keeps it, but audreg cannot compare such a value", at: at)
        }
        return (scalar, 6)
    }

    static func unescaped(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar {
        case "t": return "\t"
        case "n": return "\n"
        case "r": return "\r"
        case "f": return "\u{0C}"
        default: return scalar
        }
    }
}

/// Spring's profile expressions (`Profiles.of`, used by `spring.config.activate.on-profile`): a
/// comma-separated list of alternatives, each built from profile names, `!`, `&`, `|` and parentheses,
/// where `&` and `|` may not be mixed without parentheses. Bounded: the text is the config's.
enum ProfileExpression {
    static let maxTokens = 1_024
    static let maxDepth = 64

    /// Whether any alternative matches; nil when one is malformed (Spring refuses to start).
    static func matches(_ text: String, active: Set<String>) -> Bool? {
        var any = false
        for alternative in text.splitOnScalar(",") {
            guard let tokens = tokenize(alternative), !tokens.isEmpty else { return nil }
            var rest = tokens[...]
            guard let value = expression(&rest, active: active, depth: 0), rest.isEmpty else { return nil }
            any = any || value
        }
        return any
    }

    static func tokenize(_ text: String) -> [String]? {
        var tokens: [String] = []
        var name = String.UnicodeScalarView()
        // On scalars, as Spring's tokenizer reads the text: in `!\u{FE0F}staging` the `!` and the
        // variation selector are one `Character`, which would hide the negation. Spaces are what Java's
        // `trim` removes (U+0000-U+0020).
        for scalar in text.unicodeScalars {
            let isSpace = scalar.value <= 0x20
            if isSpace || "()&|!".unicodeScalars.contains(scalar) {
                if !name.isEmpty { tokens.append(String(name)); name = String.UnicodeScalarView() }
                if !isSpace { tokens.append(String(scalar)) }
            } else {
                name.append(scalar)
            }
            if tokens.count > maxTokens { return nil }
        }
        if !name.isEmpty { tokens.append(String(name)) }
        return tokens
    }

    static func expression(_ tokens: inout ArraySlice<String>, active: Set<String>, depth: Int) -> Bool? {
        guard var value = operand(&tokens, active: active, depth: depth) else { return nil }
        var operation: String?
        while let next = tokens.first, next == "&" || next == "|" {
            if let operation, operation != next { return nil }
            operation = next
            tokens.removeFirst()
            guard let right = operand(&tokens, active: active, depth: depth) else { return nil }
            value = next == "&" ? (value && right) : (value || right)
        }
        return value
    }

    static func operand(_ tokens: inout ArraySlice<String>, active: Set<String>, depth: Int) -> Bool? {
        guard depth < maxDepth, let first = tokens.popFirst() else { return nil }
        switch first {
        case "!":
            return operand(&tokens, active: active, depth: depth + 1).map { !$0 }
        case "(":
            guard let value = expression(&tokens, active: active, depth: depth + 1), tokens.popFirst() == ")" else { return nil }
            return value
        case "&", "|", ")":
            return nil
        default:
            // Profile names are compared as Spring compares them: exactly.
            return active.contains { $0.isExactly(first) }
        }
    }
}

/// Spring's `${name}` / `${name:default}` resolution over the properties drift knows. Lookups try the
/// name as written, then its relaxed form (`MOCKWEBSERVER_URL` finds `mockwebserver.url`, as Spring's
/// environment property source does). Depth and length are bounded: every value is attacker-controlled.
struct PlaceholderResolver {
    enum Outcome: Equatable {
        case resolved(String)
        /// The first placeholder that could not be resolved, as written.
        case unresolved(String)
    }

    static let maxDepth = 16
    static let maxLength = 65_536

    // Byte-for-byte keys: a `String`-keyed dictionary would put `aud.\u{E9}` and `aud.e\u{301}` in one
    // slot, so `${aud.\u{E9}}` could resolve to the other property's value, which Spring never uses.
    let exact: [ExactString: String]
    let relaxed: [ExactString: String]

    init(external: [String: String], file: [ExactString: String]) {
        var exact = file
        for (key, value) in external { exact[ExactString(key)] = value }
        self.exact = exact
        var relaxed: [ExactString: String] = [:]
        for (key, value) in file { relaxed[ExactString(Self.relax(key.text))] = value }
        for (key, value) in external { relaxed[ExactString(Self.relax(key))] = value }
        self.relaxed = relaxed
    }

    static func relax(_ key: String) -> String {
        String(String.UnicodeScalarView(key.lowercased().unicodeScalars.compactMap { $0 == "-" ? nil : ($0 == "_" ? "." : $0) }))
    }

    func lookup(_ name: String) -> String? {
        exact[ExactString(name)] ?? relaxed[ExactString(Self.relax(name))]
    }

    func resolve(_ text: String) -> Outcome {
        var budget = Self.maxLength
        return resolve(Array(text.unicodeScalars), depth: 0, budget: &budget)
    }

    private func resolve(_ scalars: [Unicode.Scalar], depth: Int, budget: inout Int) -> Outcome {
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{",
                  let close = Self.closingBrace(scalars, from: index + 2) else {
                output.append(scalars[index])
                index += 1
                continue
            }
            let written = String(String.UnicodeScalarView(scalars[index...close]))
            // Each placeholder costs one unit, so that `${a}${a}…` nested many levels deep stays bounded.
            budget -= 1
            guard depth < Self.maxDepth, budget >= 0 else { return .unresolved(written) }
            let inner = Array(scalars[(index + 2)..<close])
            let colon = Self.topLevelColon(inner)
            let name = String(String.UnicodeScalarView(inner[..<(colon ?? inner.count)]))
            let replacement: Outcome
            if let value = lookup(name) {
                replacement = resolve(Array(value.unicodeScalars), depth: depth + 1, budget: &budget)
            } else if let colon {
                replacement = resolve(Array(inner[(colon + 1)...]), depth: depth + 1, budget: &budget)
            } else {
                replacement = .unresolved(written)
            }
            switch replacement {
            case .unresolved(let placeholder): return .unresolved(placeholder)
            case .resolved(let value):
                budget -= value.unicodeScalars.count
                guard budget >= 0 else { return .unresolved(written) }
                output.append(contentsOf: value.unicodeScalars)
            }
            index = close + 1
        }
        return .resolved(String(output))
    }

    /// The `}` that closes a placeholder opened just before `from`, counting nested `${`.
    static func closingBrace(_ scalars: [Unicode.Scalar], from: Int) -> Int? {
        var nesting = 0
        var index = from
        while index < scalars.count {
            if scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{" {
                nesting += 1
                index += 2
                continue
            }
            if scalars[index] == "}" {
                if nesting == 0 { return index }
                nesting -= 1
            }
            index += 1
        }
        return nil
    }

    static func topLevelColon(_ scalars: [Unicode.Scalar]) -> Int? {
        var nesting = 0
        for (index, scalar) in scalars.enumerated() {
            if scalar == "{" { nesting += 1 }
            if scalar == "}" { nesting -= 1 }
            if scalar == ":", nesting == 0 { return index }
        }
        return nil
    }
}

/// Properties given to drift for Spring placeholders: `KEY=VALUE` on the command line, or a `.env`-style
/// file (`export ` prefixes, `#` comments and one level of matching quotes allowed).
public enum SpringProperties {
    public static func parse(line: String) -> (String, String)? {
        guard let equals = line.unicodeScalars.firstIndex(of: "=") else { return nil }
        let key = String(line.unicodeScalars[..<equals]).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { return nil }
        return (key, String(line.unicodeScalars[line.unicodeScalars.index(after: equals)...]))
    }

    public static func parse(envFile text: String) -> [String: String] {
        var result: [String: String] = [:]
        for raw in text.unicodeScalars.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(String.init) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let parsed = parse(line: line) else { continue }
            let key = parsed.0.trimmingCharacters(in: .whitespaces)
            var value = parsed.1.trimmingCharacters(in: .whitespaces)
            let scalars = Array(value.unicodeScalars)
            if scalars.count >= 2, let first = scalars.first, first == "\"" || first == "'", scalars.last == first {
                value = String(String.UnicodeScalarView(scalars[1..<(scalars.count - 1)]))
            }
            result[key] = value
        }
        return result
    }
}
