import Foundation
import AudregCore

/// A response as drift sees it: status, content type and at most `maxBytes` of body.
public struct FetchedDocument: Sendable, Hashable {
    public var url: String
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]

    public init(url: String, status: Int = 200, contentType: String? = "application/json", body: [UInt8]) {
        self.url = url
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public init(url: String, status: Int = 200, contentType: String? = "application/json", text: String) {
        self.init(url: url, status: status, contentType: contentType, body: Array(text.utf8))
    }
}

/// Why nothing usable came back. `reason` is safe to print: it never holds response bodies or key material.
public struct FetchFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Where drift gets issuer documents and remote configuration from: the network, a saved directory, or
/// (in tests) memory.
public protocol DocumentSource: Sendable {
    func fetch(_ url: String) async -> Result<FetchedDocument, FetchFailure>
}

/// Documents held in memory, for rule examples and tests that need no server.
public struct StaticDocumentSource: DocumentSource {
    public var documents: [String: FetchedDocument]

    public init(_ documents: [FetchedDocument]) {
        self.documents = Dictionary(documents.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func fetch(_ url: String) async -> Result<FetchedDocument, FetchFailure> {
        guard let document = documents[url] else { return .failure(FetchFailure("no document for this URL")) }
        return .success(document)
    }
}

/// The layout of `--save DIR` and `--offline DIR`: one body file per URL plus `manifest.json`, which maps
/// each URL to its file, status, content type and fetch time. A hand-written directory may leave the
/// manifest out; a URL's file is then found by its derived name and served as `200 application/json`.
public enum SavedResponses {
    public static let manifestName = "manifest.json"

    public struct Entry: Codable, Sendable, Hashable {
        public var url: String
        public var file: String?
        public var status: Int?
        public var contentType: String?
        public var fetchedAt: String?
        /// Set when drift could not fetch the URL; replayed as the same failure.
        public var failure: String?
        /// Private key members were replaced by `"REDACTED"` before saving.
        public var redacted: Bool?
    }

    public struct Manifest: Codable, Sendable {
        public var tool: String
        public var takenAt: String
        public var entries: [Entry]
    }

    /// `https://id.example.com:8443/oauth2/keys?x=1` becomes `https_id.example.com_8443_oauth2_keys_x_1.json`.
    public static func fileName(for url: String) -> String {
        var name = ""
        var lastWasSeparator = false
        for scalar in url.unicodeScalars {
            let keep = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "." || scalar == "-"
            if keep {
                name.unicodeScalars.append(scalar)
                lastWasSeparator = false
            } else if !lastWasSeparator {
                name += "_"
                lastWasSeparator = true
            }
        }
        while name.hasSuffix("_") { name.removeLast() }
        // A URL with non-ASCII text loses it above, so the name gets the URL's hash: `/k\u{E9}` and
        // `/ke\u{301}` are two URLs on the wire and must be two files.
        if name.count > 180 || url.utf8.contains(where: { $0 >= 0x80 }) { name = String(name.prefix(160)) + "_" + StableHash.hex(url) }
        return name + ".json"
    }

    /// The name for a URL whose readable name another URL of the same save took (`/keys` and `/keys/`).
    public static func hashedFileName(for url: String) -> String {
        let readable = fileName(for: url)
        return String(readable.dropLast(5).prefix(160)) + "_" + StableHash.hex(url) + ".json"
    }
}

/// `--offline DIR`: reads what a `--save` run (or a person) left in DIR; never touches the network.
public struct OfflineDocumentSource: DocumentSource {
    public let directory: String
    /// By URL, byte for byte: two URLs that differ only in Unicode normalization are two entries.
    let entries: [ExactString: SavedResponses.Entry]
    /// When the saved responses were taken, from the manifest; nil for a hand-written folder.
    public let takenAt: String?

    public init(directory: String) throws(FetchFailure) {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FetchFailure("offline directory '\(directory)' does not exist")
        }
        let manifestPath = (directory as NSString).appendingPathComponent(SavedResponses.manifestName)
        if case .success(let data) = BoundedFile.data(manifestPath) {
            // Strict first: with a repeated member, which takenAt or entry counts would depend on the parser.
            if case .failure(let problem) = StrictJSON.parse([UInt8](data)) {
                throw FetchFailure("\(manifestPath) is not a drift manifest: \(problem.description.replacingOccurrences(of: "body", with: "the file"))")
            }
            guard let manifest = try? JSONDecoder().decode(SavedResponses.Manifest.self, from: data) else {
                throw FetchFailure("\(manifestPath) is not a drift manifest (tool, takenAt and entries); save one with drift --save")
            }
            // The time becomes the report's `checkedAt`, which decides whether its evidence is fresh.
            guard DriftRun.isTimestamp(manifest.takenAt) else {
                // JSON is YAML to libyaml, which gives the value's line and column.
                let position = YAMLParser.parse(bytes: [UInt8](data)).documents.first?.root["takenAt"]?.start
                let at = position.map { ":\($0.line):\($0.column)" } ?? ""
                throw FetchFailure("\(manifestPath)\(at): takenAt must be a UTC time written as YYYY-MM-DDTHH:MM:SSZ")
            }
            entries = Dictionary(manifest.entries.map { (ExactString($0.url), $0) }, uniquingKeysWith: { first, _ in first })
            takenAt = manifest.takenAt
        } else {
            entries = [:]
            takenAt = nil
        }
    }

    public func fetch(_ url: String) async -> Result<FetchedDocument, FetchFailure> {
        let entry = entries[ExactString(url)]
        if let failure = entry?.failure { return .failure(FetchFailure("\(failure) (saved)")) }
        let file = entry?.file ?? SavedResponses.fileName(for: url)
        // A saved folder may come with the pull request: a manifest that names a file elsewhere
        // (`../../etc/passwd`) is refused, and every body is read with the same bound as a live fetch.
        // Bytes: `"../\u{FE0F}x"` holds no "/" `Character` (the slash and the selector are one), yet the
        // file system reads it as a path out of the folder.
        guard !file.utf8.contains(UInt8(ascii: "/")), !file.isExactly(".."), !file.isExactly(".") else {
            return .failure(FetchFailure("the manifest names a file outside the offline directory; re-save with --save"))
        }
        let path = (directory as NSString).appendingPathComponent(file)
        let body: [UInt8]
        switch BoundedFile.read(path, limit: HTTPFetchOptions().maxBodyBytes, followLinks: false) {
        case .success(let bytes): body = bytes
        case .failure(.cannotOpen(let code)) where code == ENOENT: return .failure(FetchFailure("not in the offline directory (expected \(file))"))
        case .failure(let failure): return .failure(FetchFailure("saved response \(file) cannot be read: \(failure.message)"))
        }
        return .success(FetchedDocument(url: url, status: entry?.status ?? 200,
                                        contentType: entry?.contentType ?? "application/json", body: body))
    }
}

/// `--save DIR`: passes every fetch through and records it; `writeManifest(takenAt:)` finishes the directory.
public actor SavingDocumentSource: DocumentSource {
    let upstream: any DocumentSource
    public let directory: String
    var entries: [ExactString: SavedResponses.Entry] = [:]
    /// Which URL each written file holds: two URLs with one readable name (`/keys`, `/keys/`) get two files.
    var fileOwners: [String: ExactString] = [:]

    public init(upstream: any DocumentSource, directory: String) throws(FetchFailure) {
        self.upstream = upstream
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FetchFailure("cannot create '\(directory)'")
        }
    }

    public func fetch(_ url: String) async -> Result<FetchedDocument, FetchFailure> {
        let result = await upstream.fetch(url)
        let now = ISO8601DateFormatter().string(from: Date())
        switch result {
        case .success(let document):
            var file = SavedResponses.fileName(for: url)
            if let owner = fileOwners[file], owner != ExactString(url) { file = SavedResponses.hashedFileName(for: url) }
            fileOwners[file] = ExactString(url)
            let body: [UInt8]
            var redacted = false
            switch KeyMaterial.prepareForSaving(document.body) {
            case .unchanged:
                body = document.body
            case .redacted(let cleaned):
                body = cleaned
                redacted = true
            case .refused(let reason):
                entries[ExactString(url)] = .init(url: url, file: nil, status: nil, contentType: nil, fetchedAt: now, failure: reason, redacted: nil)
                return result
            }
            // A response that cannot be saved is recorded as such, so a replay says why it is missing
            // instead of pointing at a file that was never written.
            guard FileManager.default.createFile(atPath: (directory as NSString).appendingPathComponent(file), contents: Data(body)) else {
                entries[ExactString(url)] = .init(url: url, file: nil, status: nil, contentType: nil, fetchedAt: now,
                                     failure: "fetched, but could not be saved to \(directory)", redacted: nil)
                return result
            }
            entries[ExactString(url)] = .init(url: url, file: file, status: document.status, contentType: document.contentType,
                                 fetchedAt: now, failure: nil, redacted: redacted ? true : nil)
        case .failure(let failure):
            entries[ExactString(url)] = .init(url: url, file: nil, status: nil, contentType: nil, fetchedAt: now, failure: failure.reason, redacted: nil)
        }
        return result
    }

    /// `takenAt`: the run's time, `DriftRun.now(environment:)`.
    public func writeManifest(takenAt: String) throws(FetchFailure) {
        let manifest = SavedResponses.Manifest(tool: "audreg \(AudregVersion.current) drift",
                                               takenAt: takenAt,
                                               entries: entries.values.sorted { ExactText.precedes($0.url, $1.url) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(manifest) else { throw FetchFailure("cannot encode the manifest") }
        let path = (directory as NSString).appendingPathComponent(SavedResponses.manifestName)
        guard FileManager.default.createFile(atPath: path, contents: data + Data("\n".utf8)) else {
            throw FetchFailure("cannot write \(path)")
        }
    }
}

/// Knows which JWK members are secret, so nothing drift writes or prints carries them.
public enum KeyMaterial {
    public static let privateMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth"]
    /// What `--save` never writes: the private members of RSA, EC and OKP keys and `k`, the secret of an
    /// `oct` key. Matched on any object at any depth, whatever its `kty` says (a member without `kty`, or
    /// an object that only looks like something else, is redacted all the same).
    public static let secretMembers: Set<String> = privateMembers.union(["k"])

    public enum SaveOutcome: Sendable, Equatable {
        /// Nothing secret: the body is written as received.
        case unchanged
        /// Secret members replaced by `"REDACTED"`, re-serialized.
        case redacted([UInt8])
        /// Not written at all, with a fixed reason.
        case refused(String)
    }

    /// What `--save` may write for a body. JSON is read strictly (duplicate member names are refused:
    /// parsers disagree on which value counts, so a redaction could miss the one a gateway reads); every
    /// object at any depth is redacted, and so is JSON held in a string (Envoy's `local_jwks.inline_string`).
    /// A body that is not JSON but has something shaped like a secret JWK member is not written.
    public static func prepareForSaving(_ body: [UInt8]) -> SaveOutcome {
        switch StrictJSON.parse(body) {
        case .success(let node):
            let (cleaned, changed) = redact(node, depth: 0)
            return changed ? .redacted(StrictJSON.serialize(cleaned) + [0x0A]) : .unchanged
        case .failure(.invalid):
            return looksSecret(body) ? .refused("not saved: the body is not JSON and has members named like private key members") : .unchanged
        case .failure(let problem):
            return .refused("not saved: \(problem.description)")
        }
    }

    /// Kept for callers that only need the bytes: a refused body becomes empty.
    public static func redactPrivateMembers(_ body: [UInt8]) -> (body: [UInt8], redacted: Bool) {
        switch prepareForSaving(body) {
        case .unchanged: return (body, false)
        case .redacted(let bytes): return (bytes, true)
        case .refused: return ([], true)
        }
    }

    static func redact(_ node: StrictJSON.Node, depth: Int) -> (StrictJSON.Node, Bool) {
        switch node {
        case .object(let members):
            var changed = false
            let cleaned = members.map { member -> (name: String, value: StrictJSON.Node) in
                if secretMembers.contains(member.name) {
                    changed = true
                    return (member.name, .string("REDACTED"))
                }
                let (value, inner) = redact(member.value, depth: depth)
                changed = changed || inner
                return (member.name, value)
            }
            return (.object(cleaned), changed)
        case .array(let items):
            var changed = false
            let cleaned = items.map { item -> StrictJSON.Node in
                let (value, inner) = redact(item, depth: depth)
                changed = changed || inner
                return value
            }
            return (.array(cleaned), changed)
        case .string(let text):
            // JSON inside a string, at most a few levels deep (a string of a string of JSON...).
            guard depth < 4, text.utf8.contains(UInt8(ascii: ":")) else { return (node, false) }
            switch StrictJSON.parse(Array(text.utf8)) {
            case .success(let inner):
                let (cleaned, changed) = redact(inner, depth: depth + 1)
                return changed ? (.string(String(decoding: StrictJSON.serialize(cleaned), as: UTF8.self)), true) : (node, false)
            case .failure:
                return looksSecret(Array(text.utf8)) ? (.string("REDACTED"), true) : (node, false)
            }
        default:
            return (node, false)
        }
    }

    /// A member name of `secretMembers`, quoted (`"d":`, `'d':`, `\"d\":`) or as a YAML key (`d: …`,
    /// `- d: …`), anywhere in bytes that are not JSON. Errs on the side of not writing.
    static func looksSecret(_ body: [UInt8]) -> Bool {
        let names = secretMembers.map { Array($0.utf8) }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        // Quoted names followed by a colon.
        for quote in [[UInt8(ascii: "\"")], [UInt8(ascii: "'")], [UInt8(ascii: "\\"), UInt8(ascii: "\"")]] {
            for name in names {
                let needle = quote + name + quote
                var index = 0
                while index + needle.count <= body.count {
                    if body[index] == needle[0], Array(body[index..<index + needle.count]) == needle {
                        var after = index + needle.count
                        while after < body.count, isBlank(body[after]) || body[after] == 0x0A || body[after] == 0x0D { after += 1 }
                        if after < body.count, body[after] == UInt8(ascii: ":") { return true }
                    }
                    index += 1
                }
            }
        }
        // YAML keys at the start of a line, after indentation and sequence dashes.
        var lineStart = 0
        while lineStart <= body.count {
            var end = lineStart
            while end < body.count, body[end] != 0x0A, body[end] != 0x0D { end += 1 }
            var index = lineStart
            while index < end, isBlank(body[index]) || body[index] == UInt8(ascii: "-") { index += 1 }
            for name in names where index + name.count <= end && Array(body[index..<index + name.count]) == name {
                var after = index + name.count
                while after < end, isBlank(body[after]) { after += 1 }
                if after < end, body[after] == UInt8(ascii: ":"), after + 1 == end || isBlank(body[after + 1]) { return true }
            }
            lineStart = end + 1
        }
        return false
    }

    /// Where a document holds secret members, as paths such as `$.jwk` or `$.keys[0]`. With `skipKeySet`,
    /// the members of a top-level `keys` array are left to the JWKS analysis, which names them by kid.
    public static func leakPaths(in node: StrictJSON.Node, skipKeySet: Bool) -> [(path: String, members: [String])] {
        var found: [(path: String, members: [String])] = []
        func walk(_ node: StrictJSON.Node, _ path: String, topLevelKeys: Bool) {
            switch node {
            case .object(let members):
                let secret = members.map(\.name).filter { secretMembers.contains($0) }
                if !secret.isEmpty { found.append((path, Array(Set(secret)).sorted())) }
                for member in members {
                    let isKeySet = path == "$" && member.name == "keys" && skipKeySet
                    walk(member.value, "\(path).\(Self.pathName(member.name))", topLevelKeys: isKeySet)
                }
            case .array(let items):
                for (index, item) in items.enumerated() {
                    if topLevelKeys, case .object = item {
                        // The analyzer reports these keys; their nested objects are still searched.
                        if case .object(let members) = item {
                            for member in members { walk(member.value, "\(path)[\(index)].\(Self.pathName(member.name))", topLevelKeys: false) }
                        }
                        continue
                    }
                    walk(item, "\(path)[\(index)]", topLevelKeys: false)
                }
            case .string(let text):
                // A key set carried as a string (Envoy's inline_string), one level down.
                guard !path.hasSuffix("(json)"), text.utf8.contains(UInt8(ascii: ":")),
                      case .success(let inner) = StrictJSON.parse(Array(text.utf8)) else { return }
                walk(inner, path + "(json)", topLevelKeys: false)
            default:
                break
            }
        }
        walk(node, "$", topLevelKeys: false)
        return found
    }

    /// A member name for a path: plain ASCII names as they are, anything else as a placeholder, so a
    /// hostile document cannot put text of its choice into a finding.
    static func pathName(_ name: String) -> String {
        let plain = !name.isEmpty && name.utf8.count <= 40 && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D
        }
        return plain ? name : "(member)"
    }
}
