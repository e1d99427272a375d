import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
@testable import AudregExplain
import AudregTestHelpers

/// `drift --save` writes no secret: documents from Fixtures/drift/secrets (keys made by python3-jwcrypto)
/// hide private members where a redaction of `keys[*]` alone misses them. The saved bytes are searched
/// for every private value.
@Suite("Drift --save: no private key member reaches the disk")
struct SaveRedactionTests {
    static let secretValues: [String] = DriftFixtures.text("secrets/values.txt").split(separator: "\n").map(String.init)
    static let documents = ["bare-jwk", "nested", "two-keys", "inline-string", "escaped-name"]

    /// Saves each document through `SavingDocumentSource` and returns the directory.
    static func save(_ names: [String]) async throws -> (DriftScratch, [String: String]) {
        let scratch = DriftScratch()
        let urls = Dictionary(uniqueKeysWithValues: names.map { ($0, "https://idp.example.com/\($0)") })
        let upstream = StaticDocumentSource(names.map { FetchedDocument(url: urls[$0]!, body: DriftFixtures.bytes("secrets/\($0).json")) })
        let saving = try SavingDocumentSource(upstream: upstream, directory: scratch.path + "/saved")
        for name in names { _ = await saving.fetch(urls[name]!) }
        try await saving.writeManifest(takenAt: DriftRun.now(environment: ProcessInfo.processInfo.environment))
        return (scratch, urls)
    }

    @Test("URLs whose readable file names collide are saved to two files, and each replays its own body")
    func collidingNamesReplayTheirOwnBodies() async throws {
        let scratch = DriftScratch()
        let urls = ["https://idp.example.com/keys", "https://idp.example.com/keys/", "https://idp.example.com/a_b", "https://idp.example.com/a/b"]
        let upstream = StaticDocumentSource(urls.map { FetchedDocument(url: $0, body: Array("{\"from\": \"\($0)\"}".utf8)) })
        let saving = try SavingDocumentSource(upstream: upstream, directory: scratch.path + "/saved")
        for url in urls { _ = await saving.fetch(url) }
        try await saving.writeManifest(takenAt: "2026-11-30T09:00:00Z")
        let replay = try OfflineDocumentSource(directory: scratch.path + "/saved")
        for url in urls {
            let document = try await replay.fetch(url).get()
            #expect(String(decoding: document.body, as: UTF8.self) == "{\"from\": \"\(url)\"}")
        }
    }

    @Test("an offline folder whose manifest time is not a UTC time is refused, since the time dates the evidence")
    func offlineTimeIsATime() throws {
        let scratch = DriftScratch()
        scratch.write("saved/manifest.json", #"{"tool": "hand", "takenAt": "today <b>", "entries": []}"#)
        #expect { try OfflineDocumentSource(directory: scratch.path + "/saved") } throws: { "\($0)".contains("manifest.json:1:29: takenAt must be a UTC time") }
        // Two takenAt members: parsers disagree on which counts, so the manifest is refused.
        scratch.write("saved/manifest.json", #"{"tool": "hand", "takenAt": "2020-01-01T00:00:00Z", "takenAt": "2026-11-30T09:00:00Z", "entries": []}"#)
        #expect { try OfflineDocumentSource(directory: scratch.path + "/saved") } throws: { "\($0)".contains("repeats a member name") }
        scratch.write("saved/manifest.json", #"{"tool": "hand", "takenAt": "2026-11-30T09:00:00Z", "entries": []}"#)
        #expect(try OfflineDocumentSource(directory: scratch.path + "/saved").takenAt == "2026-11-30T09:00:00Z")
    }

    @Test("no saved file holds any private member value, whatever the document's shape")
    func noSecretOnDisk() async throws {
        #expect(Self.secretValues.count >= 9)
        let (scratch, _) = try await Self.save(Self.documents)
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/saved")
        #expect(files.count >= 2)
        for file in files {
            let bytes = try #require(FileManager.default.contents(atPath: scratch.path + "/saved/" + file))
            for value in Self.secretValues {
                #expect(bytes.range(of: Data(value.utf8)) == nil, "\(file) holds a private value")
            }
        }
    }

    @Test("each shape: redacted in place, or refused when parsers could disagree")
    func outcomes() throws {
        for name in ["bare-jwk", "nested", "inline-string", "escaped-name"] {
            guard case .redacted(let bytes) = KeyMaterial.prepareForSaving(DriftFixtures.bytes("secrets/\(name).json")) else {
                Issue.record("\(name) was not redacted")
                continue
            }
            #expect(String(decoding: bytes, as: UTF8.self).contains("REDACTED"))
            // Still JSON, and the public parts survive.
            #expect((try? JSONSerialization.jsonObject(with: Data(bytes))) != nil, "\(name)")
        }
        #expect(KeyMaterial.prepareForSaving(DriftFixtures.bytes("secrets/two-keys.json"))
                == .refused("not saved: body is not valid JSON: an object repeats a member name, and parsers disagree on which one counts"))
        #expect(KeyMaterial.prepareForSaving(DriftFixtures.bytes("jwks/good.json")) == .unchanged)
        // Not JSON, but something shaped like a private member: not written.
        #expect(KeyMaterial.prepareForSaving(Array("jwks: |\n  d: abc\n".utf8)) != .unchanged)
        #expect(KeyMaterial.prepareForSaving(Array("x = {\"d\" : 1".utf8)) != .unchanged)
        #expect(KeyMaterial.prepareForSaving(Array("<html>hello</html>".utf8)) == .unchanged)
    }

    @Test("the manifest records a refused body, and --offline replays it as a failure")
    func refusedReplay() async throws {
        let (scratch, urls) = try await Self.save(["two-keys"])
        let manifest = try String(contentsOfFile: scratch.path + "/saved/manifest.json", encoding: .utf8)
        #expect(manifest.contains("not saved"))
        let offline = try OfflineDocumentSource(directory: scratch.path + "/saved")
        guard case .failure(let failure) = await offline.fetch(urls["two-keys"]!) else {
            Issue.record("a refused body must not replay as a document")
            return
        }
        #expect(failure.reason.contains("repeats a member name"))
    }

    /// URLs and file names are bytes: the offline folder may come with the pull request.
    @Test("--offline: URLs are told apart by their bytes, and a manifest file name with a '/' next to a joining mark is refused")
    func offlineNamesAsBytes() async throws {
        let composed = "https://idp.example.com/k\u{E9}", decomposed = "https://idp.example.com/ke\u{301}"
        #expect(SavedResponses.fileName(for: composed) != SavedResponses.fileName(for: decomposed))
        #expect(SavedResponses.fileName(for: "https://idp.example.com/keys") == "https_idp.example.com_keys.json")
        let scratch = TemporaryDirectory()
        let outside = "../\u{FE0F}x"
        let manifest = #"{"tool": "audreg", "takenAt": "2026-12-01T00:00:00Z", "entries": ["#
            + #"{"url": "\#(composed)", "failure": "composed"}, {"url": "\#(decomposed)", "failure": "decomposed"}, "#
            + #"{"url": "https://idp.example.com/escape", "file": "\#(outside)"}]}"#
        scratch.write("saved/manifest.json", manifest)
        scratch.write("x", "{}")
        let offline = try OfflineDocumentSource(directory: scratch.path + "/saved")
        for (url, reason) in [(composed, "composed"), (decomposed, "decomposed")] {
            guard case .failure(let failure) = await offline.fetch(url) else { Issue.record("\(url) replayed a document"); continue }
            #expect(failure.reason == "\(reason) (saved)")
        }
        guard case .failure(let failure) = await offline.fetch("https://idp.example.com/escape") else {
            Issue.record("a manifest file outside the folder was read")
            return
        }
        #expect(failure.reason.contains("outside the offline directory"))
    }

    @Test("strict JSON: duplicate names (also when escaped), bad UTF-8 and lone surrogates are refused")
    func strict() {
        #expect(StrictJSON.parse(Array(#"{"a": 1, "a": 2}"#.utf8)) == .failure(.duplicateMember))
        #expect(StrictJSON.parse(Array(#"{"d": 1, "\u0064": 2}"#.utf8)) == .failure(.duplicateMember))
        #expect(StrictJSON.parse(Array(#"[{"x": {"k": 1, "k": 1}}]"#.utf8)) == .failure(.duplicateMember))
        // Canonically equivalent but different code points are different names (no normalization).
        #expect((try? StrictJSON.parse(Array("{\"\u{FC}\": 1, \"u\u{308}\": 2}".utf8)).get()) != nil)
        #expect(StrictJSON.parse([0x22, 0xFF, 0x22]) == .failure(.invalid))
        #expect(StrictJSON.parse(Array(#""\ud800""#.utf8)) == .failure(.invalid))
        #expect(StrictJSON.parse(Array("[1,]".utf8)) == .failure(.invalid))
        #expect(StrictJSON.parse(Array("01".utf8)) == .failure(.invalid))
        #expect(StrictJSON.parse(Array(String(repeating: "[", count: 600).utf8)) == .failure(.tooDeep))
        let round = #"{"a":[1,-2.5e3,true,false,null,"x\"\n\u0001é😀"],"b":{}}"#
        #expect(StrictJSON.serialize(try! StrictJSON.parse(Array(round.utf8)).get()) == Array(#"{"a":[1,-2.5e3,true,false,null,"x\"\n\u0001é😀"],"b":{}}"#.utf8))
    }

    @Test("explain refuses a key set with a repeated member name")
    func explainDuplicate() {
        #expect(throws: KeySet.LoadError.self) { try KeySet(json: Data(DriftFixtures.bytes("secrets/two-keys.json")), source: "two-keys.json") }
        #expect(throws: Never.self) { try KeySet(json: Data(DriftFixtures.bytes("jwks/good.json")), source: "good.json") }
    }

    @Test("drift reports a bare private JWK, nested private members and a duplicate-member key set")
    func reported() async throws {
        for (name, rule) in [("bare-jwk", "jwks-private-key-material"), ("nested", "jwks-private-key-material"),
                             ("inline-string", "jwks-private-key-material"), ("two-keys", "jwks-unreachable"), ("escaped-name", "jwks-private-key-material")] {
            let url = "https://idp.example.com/keys"
            let scratch = DriftScratch()
            scratch.write("issuers.yaml", DriftTest.issuerRegistry(base: "https://idp.example.com", discovery: false))
            let source = StaticDocumentSource([FetchedDocument(url: url, body: DriftFixtures.bytes("secrets/\(name).json"))])
            let findings = try await DriftTest.run(directory: scratch.path, source: source).findings
            #expect(findings.map(\.ruleID).contains(rule), "\(name): \(findings.map { "\($0.ruleID): \($0.message)" })")
            for finding in findings {
                for value in Self.secretValues { #expect(!finding.message.contains(value), "\(name): a finding prints a private value") }
            }
        }
    }
}
