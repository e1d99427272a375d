import Testing
@testable import AudregCore
@testable import AudregTestSupport
import AudregTestHelpers

/// The validator runs the per-service part of every service rule in one pass over slices of the
/// services. These tests hold that pass to the plain definition: each rule, run on its own over every
/// service, finds the same.
@Suite("One pass over the services")
struct ServicePassTests {
    /// A generated registry of several slices, with a different per-service problem planted on
    /// services spread over all of them.
    static func registry(services: Int) -> LoadedRegistry {
        let generator = RegistryGenerator(services: services, plantEvery: 31)
        let sources = generator.files().map { path, contents -> (path: String, bytes: [UInt8]) in
            guard path.hasPrefix("services/"), let index = Int(path.split(separator: "svc-").last!.prefix(6)) else {
                return (path, Array(contents.utf8))
            }
            var text = contents
            func plant(every period: Int, offset: Int, _ replace: String, with replacement: String) {
                if index % period == offset { text = text.replacingFirst(replace, with: replacement) }
            }
            plant(every: 13, offset: 1, "  owner: \(generator.teamName(index))\n", with: "")                          // owner-missing
            plant(every: 17, offset: 2, "algorithms: [RS256]", with: "algorithms: [HS256, RS256]")                       // algorithm-not-allowed
            plant(every: 19, offset: 3, "maxLifetime: 15m", with: "maxLifetime: 2h")                                     // lifetime-too-long
            plant(every: 23, offset: 4, "tokenTypes: [at+jwt]", with: "tokenTypes: [JWT]")                               // token-type-unchecked
            plant(every: 29, offset: 5, "issuer: idp-", with: "issuer: idp-gone-")                                       // unknown-reference
            plant(every: 37, offset: 6, "environment: production", with: "environment: staging")                         // environment-crossing
            plant(every: 41, offset: 7, "  audiences:\n    - ", with: "  audiences:\n    - https://extra.example.com/\(index)\n    - ") // multiple-audiences
            plant(every: 70, offset: 30, "mode: token-exchange", with: "mode: passthrough")                             // gateway-passthrough
            if index % 43 == 8 { text = text.removingLine(after: "  audiences:\n") }                                      // audience-missing
            plant(every: 47, offset: 9, "  authorization:", with: """
                  exceptions:
                    - {rule: lifetime-too-long, reason: migration, approvedBy: alice, expires: 2026-01-31}
                  authorization:
                """)                                                                                                     // exception-expired
            return (path, Array(text.utf8))
        }
        return RegistryLoader().load(sources: sources)
    }

    static let today = Day(year: 2026, month: 6, day: 1)!

    @Test("the one pass finds exactly what each rule finds on its own, across slices")
    func onePassEqualsEachRuleAlone() throws {
        let loaded = Self.registry(services: 3_000)
        let together = Validator(today: Self.today, timesEachRule: false).validate(loaded).findings
        let alone = Validator(today: Self.today, timesEachRule: true).validate(loaded).findings
        #expect(together == alone)

        // The planted problems were found, and on services in every slice, so the comparison says something.
        let positions = Dictionary(loaded.registry.services.enumerated().map { ($0.element.name, $0.offset) }) { first, _ in first }
        let planted = ["algorithm-not-allowed", "audience-missing", "environment-crossing", "exception-expired", "gateway-passthrough",
                       "lifetime-too-long", "multiple-audiences", "owner-missing", "token-type-unchecked", "unknown-reference"]
        for rule in planted {
            #expect(RuleCatalog.builtIn.rules.contains { $0.description.id == rule && $0.init() is any ServiceRule }, "\(rule)")
            let found = together.filter { $0.ruleID == rule }.compactMap { $0.entity.flatMap { positions[$0.name] } }
            #expect(Set(found.map { $0 / 1024 }) == [0, 1, 2], "\(rule) found on services \(found.prefix(5))")
        }
    }
}

private extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }

    /// Removes the line that follows `marker`.
    func removingLine(after marker: String) -> String {
        guard let start = range(of: marker)?.upperBound, let end = self[start...].firstIndex(of: "\n") else { return self }
        return String(self[..<start] + self[index(after: end)...])
    }
}
