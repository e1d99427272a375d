import Foundation

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
        if name.count > 180 { name = String(name.prefix(160)) + "_" + StableHash.hex(url) }
        return name + ".json"
    }
}

/// `--offline DIR`: reads what a `--save` run (or a person) left in DIR; never touches the network.
public struct OfflineDocumentSource: DocumentSource {
    public let directory: String
    let entries: [String: SavedResponses.Entry]
    /// When the saved responses were taken, from the manifest; nil for a hand-written folder.
    public let takenAt: String?

    public init(directory: String) throws(FetchFailure) {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FetchFailure("offline directory '\(directory)' does not exist")
        }
        let manifestPath = (directory as NSString).appendingPathComponent(SavedResponses.manifestName)
        if let data = FileManager.default.contents(atPath: manifestPath) {
            guard let manifest = try? JSONDecoder().decode(SavedResponses.Manifest.self, from: data) else {
                throw FetchFailure("\(manifestPath) is not a drift manifest")
            }
            entries = Dictionary(manifest.entries.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
            takenAt = manifest.takenAt
        } else {
            entries = [:]
            takenAt = nil
        }
    }

    public func fetch(_ url: String) async -> Result<FetchedDocument, FetchFailure> {
        let entry = entries[url]
        if let failure = entry?.failure { return .failure(FetchFailure("\(failure) (saved)")) }
        let file = entry?.file ?? SavedResponses.fileName(for: url)
        let path = (directory as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(FetchFailure("not in the offline directory (expected \(file))"))
        }
        return .success(FetchedDocument(url: url, status: entry?.status ?? 200,
                                        contentType: entry?.contentType ?? "application/json", body: [UInt8](data)))
    }
}

/// `--save DIR`: passes every fetch through and records it; `writeManifest()` finishes the directory.
public actor SavingDocumentSource: DocumentSource {
    let upstream: any DocumentSource
    public let directory: String
    var entries: [String: SavedResponses.Entry] = [:]

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
            let file = SavedResponses.fileName(for: url)
            let (body, redacted) = KeyMaterial.redactPrivateMembers(document.body)
            // A response that cannot be saved is recorded as such, so a replay says why it is missing
            // instead of pointing at a file that was never written.
            guard FileManager.default.createFile(atPath: (directory as NSString).appendingPathComponent(file), contents: Data(body)) else {
                entries[url] = .init(url: url, file: nil, status: nil, contentType: nil, fetchedAt: now,
                                     failure: "fetched, but could not be saved to \(directory)", redacted: nil)
                return result
            }
            entries[url] = .init(url: url, file: file, status: document.status, contentType: document.contentType,
                                 fetchedAt: now, failure: nil, redacted: redacted ? true : nil)
        case .failure(let failure):
            entries[url] = .init(url: url, file: nil, status: nil, contentType: nil, fetchedAt: now, failure: failure.reason, redacted: nil)
        }
        return result
    }

    public func writeManifest() throws(FetchFailure) {
        let manifest = SavedResponses.Manifest(tool: "audreg \(AudregVersion.current) drift",
                                               takenAt: DriftRun.now(),
                                               entries: entries.values.sorted { $0.url < $1.url })
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

    /// A JWKS body with private members (and `k` of `oct` keys) replaced by `"REDACTED"`; other bodies unchanged.
    public static func redactPrivateMembers(_ body: [UInt8]) -> (body: [UInt8], redacted: Bool) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let keys = object["keys"] as? [Any] else { return (body, false) }
        var redacted = false
        let cleaned: [Any] = keys.map { item in
            guard var key = item as? [String: Any] else { return item }
            for member in key.keys where privateMembers.contains(member) || (member == "k" && (key["kty"] as? String) == "oct") {
                key[member] = "REDACTED"
                redacted = true
            }
            return key
        }
        guard redacted else { return (body, false) }
        var copy = object
        copy["keys"] = cleaned
        guard let data = try? JSONSerialization.data(withJSONObject: copy, options: [.prettyPrinted, .sortedKeys]) else { return (body, false) }
        return ([UInt8](data), true)
    }
}
