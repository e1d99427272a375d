import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

/// Rules that relate audiences across services must stay linear in the registry: a pull request that
/// adds thousands of services sharing one parent audience must not make CI run out of memory.
@Suite("Audience rules at scale")
struct AudienceScaleTests {
    static func service(_ name: String, _ audience: String) -> String {
        "apiVersion: audreg/v1\nkind: Service\nmetadata: {name: \(name)}\nspec: {audiences: [\"\(audience)\"]}\n"
    }

    @Test("audience-overlap gives one finding per audience, each naming a few and counting the rest, for K parents over M children")
    func overlapIsLinear() {
        let parents = (0..<600).map { Self.service("parent-\($0)", "https://api.example.com") }
        let children = (0..<600).map { Self.service("child-\($0)", "https://api.example.com/orders") }
        let registry = RegistryLoader().load(text: (parents + children).joined(separator: "---\n")).registry
        let context = RuleContext(registry: registry, today: Day(year: 2026, month: 12, day: 1)!, knownRuleIDs: [])
        let findings = AudienceOverlapRule().check(context)
        // Pairwise, this was 2 × 600 × 600 findings.
        #expect(findings.count == 1_200)
        let parent = findings.first { $0.entity == EntityRef(.service, "parent-0") }
        #expect(parent?.message.hasSuffix("is a path prefix of 'https://api.example.com/orders' of service 'child-0' and 599 other audiences") == true, "\(parent?.message ?? "")")
        #expect(parent?.related.count == RelatedLimit.locations)
        let child = findings.first { $0.entity == EntityRef(.service, "child-7") }
        #expect(child?.message.hasSuffix("sits under 'https://api.example.com' of service 'parent-0' and 599 other audiences") == true, "\(child?.message ?? "")")
    }

    @Test("a run of trailing slashes is trimmed in time linear in its length")
    func trailingSlashesAreLinear() {
        let audience = "https://a" + String(repeating: "/", count: 200_000)
        let clock = ContinuousClock()
        var trimmed = ""
        let elapsed = clock.measure { trimmed = AudienceForms.removeTrailingSlash(audience) }
        #expect(trimmed == "https://a")
        // Character by character, this took minutes; a generous bound that only a quadratic walk exceeds.
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}
