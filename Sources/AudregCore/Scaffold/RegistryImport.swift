import Foundation

/// `audreg import`: a first registry from the configs that enforce tokens today. Every provider a reader
/// finds becomes part of a Service (providers with the same audiences share one), every issuer value an
/// Issuer, and every provider a deployment entry pointing back at its config, so that `drift` over the
/// same configs finds no difference between the two; only the configs' own weaknesses remain.
///
/// Config values are untrusted: every one is written with `YAMLText.scalar` (a comment with
/// `YAMLText.comment`), so a value loads back byte for byte and never as YAML structure. Names the
/// configs do not give (a service's, an issuer's, the team's) are guessed, made valid registry names,
/// and marked with a `# audreg import: guessed …` comment for a person to confirm.
public struct RegistryImport: Sendable {
    /// One config file: the path shown in messages, its absolute path, and its bytes.
    public struct Input: Sendable {
        public var display: String
        public var absolutePath: String
        public var bytes: [UInt8]

        public init(display: String, absolutePath: String, bytes: [UInt8]) {
            self.display = display
            self.absolutePath = absolutePath
            self.bytes = bytes
        }
    }

    /// What was written, and what could not be mapped or had to be guessed.
    public struct Plan: Sendable {
        /// Paths relative to the output folder, sorted.
        public var files: [ScaffoldFile] = []
        /// One line each, for a person: what was not imported or will differ, sorted by file.
        public var notMapped: [String] = []
        /// Every guessed name with what it was guessed from.
        public var guessed: [String] = []
        /// Which kind each imported config was read as: `(display path, kind)`.
        public var imported: [(String, String)] = []
        public var serviceCount = 0
        public var issuerCount = 0
    }

    public static let guessedMarker = "# audreg import: guessed"
    public static let teamName = "imported"

    public var forcedKind: DeploymentKind?
    public var settings: DeploymentReadSettings

    public init(forcedKind: DeploymentKind? = nil, settings: DeploymentReadSettings = DeploymentReadSettings()) {
        self.forcedKind = forcedKind
        self.settings = settings
    }

    /// The providers one registry deployment entry selects: `provider` as drift applies it.
    struct Unit {
        var kind: DeploymentKind
        var input: Input
        var selector: String?
        /// What the config calls the provider and its name, unescaped.
        var label: String
        /// nil when no provider of the unit checks an audience.
        var audiences: [ExactString]?
        var issuers: [ExactString]
        /// JWKS URI per issuer, as the providers name them, with where.
        var jwks: [(issuer: ExactString, uri: String, at: String)]
        /// Discovery URLs that configs name instead of an issuer (APIM's `openid-config`, Kong).
        var discovery: [(issuer: ExactString, url: String)] = []
        /// The `sub` values a federation trust admits, as written (`trust.subjects`); nil for other enforcers.
        var subjects: [ExactString]? = nil
    }

    /// A config may name an issuer by its discovery document's URL; the issuer is then the URL
    /// without the well-known suffix (OpenID Connect Discovery §4, RFC 8414 §3), as drift matches it.
    static func issuer(named value: String) -> (issuer: String, discovery: String?) {
        for suffix in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"] {
            let bytes = Array(value.utf8), tail = Array(suffix.utf8)
            if bytes.count > tail.count, bytes.suffix(tail.count).elementsEqual(tail) {
                return (String(decoding: bytes.dropLast(tail.count), as: UTF8.self), value)
            }
        }
        return (value, nil)
    }

    /// Plans the files for a registry in `outDirectory` (absolute), from `inputs` in any order.
    public func plan(_ inputs: [Input], outDirectory: String) -> Plan {
        var plan = Plan()
        var units: [Unit] = []
        for input in inputs.sorted(by: { $0.display.utf8.lexicographicallyPrecedes($1.display.utf8) }) {
            let shown = TerminalText.escape(input.display)
            let readers: [any DeploymentConfigReader]
            if let forcedKind {
                readers = [forcedKind.reader]
            } else {
                readers = DeploymentReaders.all.filter { $0.detects(input.bytes, file: input.display) }
            }
            guard let reader = readers.first else {
                plan.notMapped.append("\(shown): not a config of a known kind (\(DeploymentKind.allCases.map(\.rawValue).joined(separator: ", "))); pass --kind if it is one")
                continue
            }
            if readers.count > 1 {
                plan.notMapped.append("\(shown): reads as \(readers.map { type(of: $0).kindName }.joined(separator: " and ")); pass --kind to choose")
                continue
            }
            let kind = DeploymentKind(reader: reader)
            let config: DeployedConfig
            do {
                config = try reader.read(input.bytes, file: input.display, settings: settings)
            } catch let error {
                let at = error.location.map { ":\($0.line):\($0.column)" } ?? ""
                plan.notMapped.append("\(shown)\(at): cannot be read as \(kind.rawValue): \(TerminalText.escape(error.message))")
                continue
            }
            if config.providers.isEmpty {
                plan.notMapped.append("\(shown): has no \(config.providerNoun) that checks tokens")
                continue
            }
            let found = self.units(config, kind: kind, input: input, notes: &plan.notMapped)
            if !found.isEmpty { plan.imported.append((input.display, kind.rawValue)) }
            units += found
        }
        build(units, outDirectory: outDirectory, into: &plan)
        return plan
    }

    /// The deployment entries for one config: one per provider name (drift selects by name or alias),
    /// or one for the whole file when its providers have no name.
    func units(_ config: DeployedConfig, kind: DeploymentKind, input: Input, notes: inout [String]) -> [Unit] {
        let shown = TerminalText.escape(input.display)
        func at(_ location: SourceLocation) -> String { "\(shown):\(location.line):\(location.column)" }
        func label(_ provider: DeployedProvider) -> String {
            provider.name.map { "\(config.providerNoun) '\(TerminalText.escape($0.value))'" } ?? config.providerNoun
        }
        /// Why a provider cannot be written as registry data, or nil when it can.
        func unmappable(_ provider: DeployedProvider) -> String? {
            if let nothing = provider.verifiesNothing { return "\(label(provider)) \(TerminalText.escape(nothing.value))" }
            if let unresolved = provider.unresolved.first {
                return "\(label(provider)): \(unresolved.setting) \(TerminalText.escape(unresolved.reason ?? "uses \(unresolved.placeholder), which the file does not define"))"
            }
            if provider.issuer == nil && provider.extraIssuers.isEmpty {
                return "\(label(provider)) checks no issuer, so there is no Issuer to import; add the service by hand"
            }
            return nil
        }

        // Names are compared byte for byte, as gateways compare them.
        func same(_ a: String?, _ b: String?) -> Bool {
            switch (a, b) {
            case (nil, nil): return true
            case (let a?, let b?): return a.isExactly(b)
            default: return false
            }
        }
        var selectors: [String?] = []
        for provider in config.providers where !selectors.contains(where: { same($0, provider.name?.value) }) {
            selectors.append(provider.name?.value)
        }
        var result: [Unit] = []
        for selector in selectors {
            let selected = selector.map { name in config.providers.filter { $0.isNamed(name) } } ?? config.providers
            let own = config.providers.filter { same($0.name?.value, selector) }
            let usable = selected.filter { unmappable($0) == nil }
            for provider in own {
                guard let why = unmappable(provider) else { continue }
                // At the value that stopped it when there is one: the placeholder, the missing rules.
                let place = provider.verifiesNothing?.location ?? provider.unresolved.first?.location ?? provider.location
                notes.append("\(at(place)): not imported: \(why)")
            }
            guard !usable.isEmpty else { continue }
            if usable.count < selected.count {
                notes.append("\(at(usable[0].location)): \(label(usable[0])) also selects providers that were not imported; drift will report them")
            }
            if selector == nil, config.providers.contains(where: { $0.name != nil }) {
                notes.append("\(at(usable[0].location)): \(config.providerNoun) without a name cannot be selected apart from the named ones; drift compares every provider of the file with it")
            }
            var audiences: [ExactString]? = nil
            var sets: [Set<ExactString>] = []
            var issuers: [ExactString] = []
            var jwks: [(issuer: ExactString, uri: String, at: String)] = []
            var discovery: [(issuer: ExactString, url: String)] = []
            for provider in usable {
                let checked = provider.audienceCaveat == nil ? (provider.audiences ?? []).map(\.value) : []
                if !sets.contains(Set(checked)) { sets.append(Set(checked)) }
                if !checked.isEmpty {
                    var merged = audiences ?? []
                    for value in checked where !merged.contains(value) { merged.append(value) }
                    audiences = merged
                }
                for value in ([provider.issuer] + provider.extraIssuers.map(Optional.some)).compactMap({ $0 }) {
                    let named = Self.issuer(named: value.value)
                    let exact = ExactString(named.issuer)
                    if !issuers.contains(exact) { issuers.append(exact) }
                    if let url = named.discovery { discovery.append((exact, url)) }
                }
                for uri in [provider.jwksUri].compactMap({ $0 }) + provider.extraJwksUris {
                    let all = ([provider.issuer] + provider.extraIssuers.map(Optional.some)).compactMap { $0.map { Self.issuer(named: $0.value).issuer } }
                    // One key URL for several issuers (an nginx level's auth_jwt_key_request serves all
                    // of them): it belongs to the issuer on its host, if exactly one is.
                    let owners = all.count == 1 ? all : all.filter { Self.host($0) != nil && Self.host($0) == Self.host(uri.value) }
                    if owners.count == 1 {
                        jwks.append((ExactString(owners[0]), uri.value, at(uri.location)))
                    } else {
                        notes.append("\(at(uri.location)): \(label(provider)) fetches keys from \(TerminalText.escape(uri.value)) for \(all.count) issuers; which one publishes them is not clear, so no issuer's jwksUri was taken from it")
                    }
                }
            }
            if sets.count > 1 {
                notes.append("\(at(usable[0].location)): the providers that \(label(usable[0])) selects accept different audiences; the service lists them all, and drift will report the difference")
            }
            // Audiences a requirement sets for a provider replace the provider's own on its routes.
            for requirement in config.requirements where requirement.mode.enforcesPresentToken {
                for use in requirement.providers where usable.contains(where: { $0.isNamed(use.name.value) }) {
                    guard let override = use.audiences?.map({ ExactString($0.value) }), Set(override) != Set(audiences ?? []) else { continue }
                    notes.append("\(at(use.audiencesLocation ?? requirement.location)): \(TerminalText.escape(requirement.label)) sets other audiences for \(label(usable[0])) than the provider itself; the registry lists the provider's, and drift will report the difference")
                }
            }
            // A federation trust's subjects become the deployment's `trust.subjects`, so that drift compares them.
            var subjects: [ExactString]? = nil
            for provider in usable {
                guard let trust = provider.trust else { continue }
                if trust.subjectsUnresolved {
                    notes.append("\(at(trust.location)): \(label(provider)) admits subjects that could not be read as written; add trust.subjects by hand")
                    continue
                }
                var merged = subjects ?? []
                for pattern in trust.subjects where !merged.contains(pattern.value.value) { merged.append(pattern.value.value) }
                if !merged.isEmpty { subjects = merged }
            }
            let shownName = usable[0].name.map { "\(config.providerNoun) '\($0.value)'" } ?? config.providerNoun
            result.append(Unit(kind: kind, input: input, selector: selector, label: shownName, audiences: audiences, issuers: issuers, jwks: jwks,
                              discovery: discovery, subjects: subjects))
        }
        return result
    }

    /// Services, issuers and the team for `units`.
    func build(_ units: [Unit], outDirectory: String, into plan: inout Plan) {
        guard !units.isEmpty else { return }
        // Issuers, named after their value.
        var issuerValues: [ExactString] = []
        for unit in units { for issuer in unit.issuers where !issuerValues.contains(issuer) { issuerValues.append(issuer) } }
        issuerValues.sort()
        var issuerNames = Names()
        var issuerName: [ExactString: String] = [:]
        var files: [ScaffoldFile] = []
        for value in issuerValues {
            let name = issuerNames.take(Self.nameHint(value.text), fallback: "imported-issuer")
            issuerName[value] = name
            let named = units.flatMap(\.jwks).filter { $0.issuer == value }
            var uris: [String] = []
            for entry in named where !uris.contains(where: { $0.isExactly(entry.uri) }) { uris.append(entry.uri) }
            uris.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for entry in named where uris.count > 1 && !entry.uri.isExactly(uris[0]) {
                plan.notMapped.append("\(entry.at): fetches the keys of issuer '\(TerminalText.escape(value.text))' from \(TerminalText.escape(entry.uri)), other configs from \(TerminalText.escape(uris[0])), which the registry names; drift will report the difference")
            }
            let guess = "from issuer \(value.text)"
            plan.guessed.append("issuer '\(name)' \(TerminalText.escape(guess))")
            var yaml = Self.header
            yaml += "apiVersion: audreg/v1\nkind: Issuer\nmetadata:\n"
            yaml += "  name: \(YAMLText.scalar(name)) \(Self.guessedComment(guess))\n"
            yaml += "  owner: \(YAMLText.scalar(Self.teamName)) \(Self.guessedComment("team for every imported entity"))\n"
            yaml += "spec:\n  issuer: \(YAMLText.scalar(value.text))\n"
            if let uri = uris.first { yaml += "  jwksUri: \(YAMLText.scalar(uri))\n" }
            if let url = units.flatMap(\.discovery).filter({ $0.issuer == value }).map(\.url).min(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                yaml += "  discoveryUrl: \(YAMLText.scalar(url))\n"
            }
            files.append(ScaffoldFile(path: "issuers/\(name).yaml", contents: yaml))
        }

        // Services: providers with the same audiences share one; one that checks none stands alone.
        var groups: [[Unit]] = []
        for unit in units {
            if let audiences = unit.audiences, let index = groups.firstIndex(where: { group in
                group[0].audiences.map { Set($0) == Set(audiences) } ?? false
            }) {
                groups[index].append(unit)
            } else {
                groups.append([unit])
            }
        }
        var serviceNames = Names()
        var keyed: [(hint: String, from: String, group: [Unit])] = groups.map { group in
            let first = group[0]
            if let audience = first.audiences?.sorted().first { return (Self.nameHint(audience.text), "from audience \(audience.text)", group) }
            if let selector = first.selector { return (Self.nameHint(selector), "from \(first.label) in \(first.input.display)", group) }
            let base = ((first.input.display as NSString).lastPathComponent as NSString).deletingPathExtension
            return (Self.nameHint(base), "from the file name of \(first.input.display)", group)
        }
        keyed.sort { ($0.hint, $0.from) < ($1.hint, $1.from) }
        var audienceOwner: [ExactString: String] = [:]
        for (hint, from, group) in keyed {
            let name = serviceNames.take(hint, fallback: "imported-service")
            plan.guessed.append("service '\(name)' \(TerminalText.escape(from))")
            let audiences = (group[0].audiences ?? []).sorted()
            for audience in audiences {
                if let other = audienceOwner[audience] {
                    plan.notMapped.append("services '\(other)' and '\(name)' both accept audience '\(TerminalText.escape(audience.text))' (their configs accept different audience lists); validate reports the overlap")
                } else {
                    audienceOwner[audience] = name
                }
            }
            var issuers: [String] = []
            for unit in group { for issuer in unit.issuers { if let issuerName = issuerName[issuer], !issuers.contains(issuerName) { issuers.append(issuerName) } } }
            issuers.sort()
            let serviceFolder = (outDirectory as NSString).appendingPathComponent("services")
            let deployments = group.map { unit in
                (kind: unit.kind.rawValue, source: Scaffold.relativePath(from: serviceFolder, to: Scaffold.absolute(unit.input.absolutePath)), provider: unit.selector,
                 subjects: unit.subjects)
            }.sorted { ($0.source, $0.provider ?? "", $0.kind) < ($1.source, $1.provider ?? "", $1.kind) }

            var yaml = Self.header
            yaml += "apiVersion: audreg/v1\nkind: Service\nmetadata:\n"
            yaml += "  name: \(YAMLText.scalar(name)) \(Self.guessedComment(from))\n"
            yaml += "  owner: \(YAMLText.scalar(Self.teamName)) \(Self.guessedComment("team for every imported entity"))\n"
            yaml += "spec:\n"
            if audiences.isEmpty {
                yaml += "  # audreg import: the config checks no audience; list the audience its callers' tokens carry.\n"
                yaml += "  audiences: []\n"
            } else {
                yaml += "  audiences:\n"
                for audience in audiences { yaml += "    - \(YAMLText.scalar(audience.text))\n" }
            }
            yaml += "  accepts:\n"
            for issuer in issuers { yaml += "    - issuer: \(YAMLText.scalar(issuer))\n" }
            yaml += "  deployments:\n"
            for deployment in deployments {
                yaml += "    - kind: \(YAMLText.scalar(deployment.kind))\n"
                yaml += "      source: \(YAMLText.scalar(deployment.source))\n"
                if let provider = deployment.provider { yaml += "      provider: \(YAMLText.scalar(provider))\n" }
                if let subjects = deployment.subjects {
                    yaml += "      trust:\n        subjects:\n"
                    for subject in subjects { yaml += "          - \(YAMLText.scalar(subject.text))\n" }
                }
            }
            files.append(ScaffoldFile(path: "services/\(name).yaml", contents: yaml))
        }

        plan.guessed.append("team '\(Self.teamName)' (owner of every imported service and issuer)")
        var team = Self.header
        team += "apiVersion: audreg/v1\nkind: Team\nmetadata:\n"
        team += "  name: \(YAMLText.scalar(Self.teamName)) \(Self.guessedComment("owner of every imported entity; replace it with the owning teams"))\n"
        team += "  title: Imported\n  description: Owner of what audreg import found, until each service and issuer has its real owner.\n"
        files.append(ScaffoldFile(path: "teams/\(Self.teamName).yaml", contents: team))

        plan.files = files.sorted { $0.path < $1.path }
        plan.serviceCount = keyed.count
        plan.issuerCount = issuerValues.count
        plan.notMapped.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The lowercased host of a URL, nil for anything else.
    static func host(_ text: String) -> String? {
        URLComponents(string: text)?.host?.lowercased()
    }

    static let header = "# Written by audreg import from deployed configs. Confirm every line marked \"audreg import: guessed\",\n# then remove the mark.\n"

    static func guessedComment(_ from: String) -> String {
        "\(guessedMarker) \(YAMLText.comment(from)) — confirm"
    }

    /// A registry name hint from a config value: a URL's host and path, anything else as it is, then
    /// lowercase letters, digits and single hyphens, at most 63 characters.
    static func nameHint(_ value: String) -> String {
        var text = value
        if let scheme = text.range(of: "://") { text = String(text[scheme.upperBound...]) }
        var output = ""
        var lastHyphen = true
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                output.unicodeScalars.append(Unicode.Scalar(byte)); lastHyphen = false
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                output.unicodeScalars.append(Unicode.Scalar(byte + 32)); lastHyphen = false
            default:
                if !lastHyphen { output += "-"; lastHyphen = true }
            }
        }
        while output.hasSuffix("-") { output.removeLast() }
        if output.utf8.count > 63 { output = String(output.prefix(63)) }
        while output.hasSuffix("-") { output.removeLast() }
        return output
    }

    /// Unique names in the order they are asked for: a taken name gets `-2`, `-3`, ….
    struct Names {
        var taken: Set<String> = []

        mutating func take(_ hint: String, fallback: String) -> String {
            let base = hint.isEmpty ? fallback : hint
            var candidate = base
            var number = 2
            while taken.contains(candidate) || !EntityName.isValid(candidate) {
                let suffix = "-\(number)"
                var stem = String(base.prefix(63 - suffix.count))
                while stem.hasSuffix("-") { stem.removeLast() }
                candidate = (stem.isEmpty ? fallback : stem) + suffix
                number += 1
            }
            taken.insert(candidate)
            return candidate
        }
    }
}

extension RegistryImport {
    /// Writes `files` (paths relative to `directory`) all or none, never replacing a file: they are
    /// written into a temporary folder inside `directory` first, then each is hard-linked into place
    /// (`link` fails instead of replacing), and a failure removes what was placed. Returns the paths written.
    /// Error text holds paths as they are: the caller escapes it once, when it prints it.
    public static func write(_ files: [ScaffoldFile], into directory: String) throws(ScaffoldError) -> [String] {
        let fileManager = FileManager.default
        func target(_ file: ScaffoldFile) -> String { (directory as NSString).appendingPathComponent(file.path) }
        let existing = files.map(target).filter { fileManager.fileExists(atPath: $0) || Scaffold.isSymbolicLink($0) }
        guard existing.isEmpty else {
            throw ScaffoldError("nothing written: \(existing.count == 1 ? "a file already exists" : "\(existing.count) files already exist"): \(existing.joined(separator: ", ")); import never replaces a file: choose another --out folder or move them away")
        }
        // A folder of DIR that is a link (or a file) would have files placed wherever it leads.
        for file in files {
            if let problem = ContainedFolders.obstacle(base: directory, relative: Scaffold.parentFolder(file.path)) {
                throw ScaffoldError("nothing written: \(problem)")
            }
        }
        var folders = ContainedFolders(base: directory)
        func makeFolder(_ relative: String?) throws(ScaffoldError) {
            do throws(ContainedFolders.Problem) {
                try folders.make(relative)
            } catch {
                throw ScaffoldError("nothing written: \(error.reason)")
            }
        }
        var placed: [String] = []
        func rollBack() {
            for path in placed.reversed() { unlink(path) }
            folders.removeCreated()
        }
        do throws(ScaffoldError) {
            try makeFolder(nil)
            var template = Array(((directory as NSString).appendingPathComponent(".audreg-import-XXXXXX")).utf8CString)
            guard let made = mkdtemp(&template) else {
                throw ScaffoldError("cannot create a temporary folder in '\(directory)': \(String(cString: strerror(errno)))")
            }
            let staging = String(cString: made)
            defer { try? fileManager.removeItem(atPath: staging) }
            for file in files {
                let path = (staging as NSString).appendingPathComponent(file.path)
                do {
                    try fileManager.createDirectory(atPath: PathText.parent(path), withIntermediateDirectories: true)
                    try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path))
                } catch {
                    throw ScaffoldError("cannot write '\(path)': \(error.localizedDescription)")
                }
            }
            for file in files {
                let final = target(file)
                try makeFolder(Scaffold.parentFolder(file.path))
                guard link((staging as NSString).appendingPathComponent(file.path), final) == 0 else {
                    let reason = errno == EEXIST ? "it appeared while import ran" : String(cString: strerror(errno))
                    throw ScaffoldError("nothing written: cannot place '\(final)': \(reason)")
                }
                placed.append(final)
            }
        } catch {
            rollBack()
            throw error
        }
        return placed
    }
}
