import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

@Suite("Rendering: token-flow layout")
struct TokenFlowLayoutTests {
    /// The layout's first form, kept as the reference: depths in a dictionary keyed by name, found
    /// recursively, a caller already on the chain skipped.
    static func referenceDepths(names: [String], hops: [(from: Int, to: Int)]) -> [Int] {
        var callers: [String: [String]] = [:]
        for hop in hops { callers[names[hop.to], default: []].append(names[hop.from]) }
        var depth: [String: Int] = [:]
        func level(_ name: String, _ visiting: inout Set<String>) -> Int {
            if let known = depth[name] { return known }
            visiting.insert(name)
            var result = 0
            for caller in callers[name] ?? [] where !visiting.contains(caller) { result = max(result, level(caller, &visiting) + 1) }
            visiting.remove(name)
            depth[name] = result
            return result
        }
        for name in names {
            var visiting = Set<String>()
            _ = level(name, &visiting)
        }
        return names.map { depth[$0]! }
    }

    /// Random graphs with cycles, self-loops and repeated hops: the iterative depths on positions must be
    /// the reference's, including where cutting cycles makes the result depend on the visiting order.
    @Test func depthsMatchTheRecursiveReference() {
        var generator = SplitMix64(seed: 7)
        for round in 0..<300 {
            let count = 1 + Int(generator.next() % 40)
            let names = (0..<count).map { "svc-\($0)" }
            let hopCount = Int(generator.next() % UInt64(count * 3 + 1))
            // Hops in caller order, as the layout collects them while walking the services.
            let hops = (0..<hopCount).map { _ in (from: Int(generator.next() % UInt64(count)), to: Int(generator.next() % UInt64(count))) }
                .sorted { $0.from < $1.from }
            let adjacency = TokenFlowGraph.Adjacency(count: count, edges: hops.map { (caller: Int32($0.from), callee: Int32($0.to)) })
            let depths = TokenFlowGraph.depths(count: count, callers: adjacency)
            #expect(depths == Self.referenceDepths(names: names, hops: hops), "round \(round): \(hops)")
        }
    }

    /// A chain of 20,000 hops is drawn on a thread with a 256 KiB stack (the builder draws on a
    /// dispatch thread): a recursive walk would overflow it.
    @Test func longChainsDoNotExhaustTheStack() throws {
        let count = 20_000
        var yaml = SiteTestSupport.issuerAndTeam
        for index in 0..<count {
            let next = index + 1 < count ? "  downstream:\n    - {service: svc-\(index + 1), mode: token-exchange}" : ""
            yaml += "\n---\n" + SiteTestSupport.service("svc-\(index)", audience: "https://svc-\(index).example.com", extra: next)
        }
        let services = SiteTestSupport.report(yaml: yaml).registry.services
        let result = PictureResult()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result.svg = TokenFlowGraph.builtInSVG(services: services)
            done.signal()
        }
        thread.stackSize = 256 * 1024
        thread.start()
        done.wait()
        let svg = try #require(result.svg)
        // Depth is capped at column 12: the last service sits in the last column.
        #expect(svg.contains("<text x=\"\(20 + 12 * 270 + 100)\""))
        #expect(svg.components(separatedBy: "<line class=\"hop token-exchange\"").count == count)
    }

    /// The picture is written when its page renders, into a buffer that drains into the page's file as
    /// it fills: written in pieces it must be the drawing written whole.
    @Test func drawingWrittenInPiecesIsTheWholeDrawing() throws {
        var yaml = SiteTestSupport.issuerAndTeam
        for index in 0..<300 {
            let next = "  downstream:\n    - {service: svc-\((index * 7 + 1) % 300), mode: \(index % 3 == 0 ? "passthrough" : "token-exchange")}"
            yaml += "\n---\n" + SiteTestSupport.service("svc-\(index)", audience: "https://svc-\(index).example.com", extra: next)
        }
        let services = SiteTestSupport.report(yaml: yaml).registry.services
        let picture = TokenFlowGraph.picture(services: services, engine: .builtIn)
        let whole = TokenFlowGraph.builtInSVG(services: services.firstOfEachName(\.name))
        #expect(picture.svg == whole && whole.utf8.count > 100_000)
        var drained: [UInt8] = []
        let buffer = OutputBuffer(capacity: 1_024)
        buffer.draining(into: { drained += $0 }, threshold: 4_096) { picture.drawing.write(to: buffer) }
        drained += buffer.bytes
        #expect(drained == Array(whole.utf8))
        #expect(whole.components(separatedBy: "<line class=\"hop passthrough\"").count == 101)
    }

    /// `environment-crossing` tells `K8s` from `\u{212A}8s` (KELVIN SIGN); the picture must not draw them
    /// as one environment, which `String` keys would.
    @Test func environmentsAreGroupedByBytes() {
        var yaml = SiteTestSupport.issuerAndTeam
        for (index, environment) in ["K8s", "\u{212A}8s", "K8s"].enumerated() {
            yaml += "\n---\n" + SiteTestSupport.service("svc-\(index)", audience: "https://svc-\(index).example.com")
                .replacingOccurrences(of: "environment: production", with: "environment: \"\(environment)\"")
        }
        let services = SiteTestSupport.report(yaml: yaml).registry.services
        let groups = TokenFlowGraph.environments(services)
        #expect(groups.map { Array($0.0.unicodeScalars) } == [Array("K8s".unicodeScalars), Array("\u{212A}8s".unicodeScalars)])
        #expect(groups.map { $0.1.count } == [2, 1])
    }

    @Test func decimalsAreWrittenAsStringsWouldBe() {
        let buffer = OutputBuffer(capacity: 8)
        let values = [0, 7, -7, 10, 99, 100, 123_456_789, Int.max, Int.min]
        for value in values {
            buffer.append(decimal: value)
            buffer.append(UInt8(ascii: ","))
        }
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == values.map(String.init).joined(separator: ",") + ",")
        buffer.removeAll()
        buffer.append(decimal: UInt64.max)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == String(UInt64.max))
    }
}

private final class PictureResult: @unchecked Sendable {
    var svg: String?
}
