import Foundation
import AudregCore

/// The token-flow picture: services grouped by environment, with an arrow for every downstream hop,
/// drawn as `hopStyles` says (the legend is made from the same table, so it cannot describe another line).
/// Graphviz `dot` lays it out when it is installed; otherwise a simple layered layout drawn here.
public enum TokenFlowGraph {
    public struct Picture: Sendable, Equatable {
        /// A complete `<svg>` element with every registry value escaped, written when the token-flow
        /// page is: drawn by the built-in layout it is as large as the registry (15 MB at 50,000
        /// services), and held whole for the length of a build it was a part of the build's peak.
        public var drawing: StreamedText
        /// Which layout produced it, shown under the picture.
        public var engine: String

        public init(svg: String, engine: String) {
            self.init(drawing: StreamedText(svg), engine: engine)
        }

        init(drawing: StreamedText, engine: String) {
            self.drawing = drawing
            self.engine = engine
        }

        /// The drawing in full.
        public var svg: String { drawing.text }

        public static func == (lhs: Picture, rhs: Picture) -> Bool {
            lhs.engine.isExactly(rhs.engine) && lhs.svg.isExactly(rhs.svg)
        }
    }

    /// Above this many services, `dot` takes too long and the built-in layout is used.
    public static let dotServiceLimit = 400

    public enum Engine: String, Sendable, CaseIterable {
        /// Graphviz when `dot` is on the PATH, the built-in layout otherwise.
        case auto
        case graphviz
        case builtIn = "built-in"
    }

    /// Draws the picture. Links inside it are relative to the token-flow page at the site root.
    public static func picture(services: [Service], engine: Engine = .auto, dotPath: String? = findDot()) -> Picture {
        let sorted = services.firstOfEachName(\.name)
        if engine != .builtIn, sorted.count <= dotServiceLimit, let dotPath,
           let svg = runDot(dotPath, source: dotSource(services: sorted)) {
            return Picture(svg: svg, engine: "Graphviz dot")
        }
        let layout = BuiltInLayout(services: sorted)
        return Picture(drawing: StreamedText(isEmpty: false) { layout.write(to: $0) }, engine: "built-in layout")
    }

    /// `dot` on the PATH, if any.
    public static func findDot() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/dot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The positions of the services in each environment, environments in byte order. Environments are
    /// grouped by their bytes, as `environment-crossing` compares them: `K8s` and `\u{212A}8s` (KELVIN
    /// SIGN) are two environments, and a `String`-keyed table would draw them as one.
    static func environments<Services: RandomAccessCollection<Service>>(_ services: Services) -> [(String, [Int])] where Services.Index == Int {
        var groups: [ExactString: [Int]] = [:]
        for index in services.indices { groups[ExactString(services[index].metadata.environment?.value ?? "unspecified"), default: []].append(index) }
        return groups.keys.sorted().map { ($0.text, groups[$0]!) }
    }

    /// A DOT string. Graphviz copies labels and tooltips into the SVG, which the page embeds as it is, so a
    /// bidirectional control or an invisible character is written as the text of its code point (`U+202E`),
    /// as every other path to the site's HTML writes it, and never reorders or hides a label.
    static func dotString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            // Graphviz decodes HTML entities in labels: `&#x202E;` written in a registry value would
            // come out as the character itself.
            case "&": output += "&amp;"
            case "\n", "\r", "\t": output += " "
            default:
                if scalar.value < 0x20 { continue }
                if UnsafeScalar.kind(scalar) != nil { output += UnsafeScalar.codePoint(scalar) } else { output.unicodeScalars.append(scalar) }
            }
        }
        return output + "\""
    }

    /// How each kind of hop is drawn, by both layouts, and described by the legend.
    public struct HopStyle: Sendable {
        public var mode: HopMode
        public var label: String
        public var color: String
        public var colorName: String
        /// In the built-in layout's pixels; Graphviz's `penwidth` is this over `thinWidth`.
        public var width: Double
        public var dashed: Bool
        /// The word on the arrow in the Graphviz drawing and the Mermaid chart.
        public var edgeLabel: String

        public var thick: Bool { width >= 2 * TokenFlowGraph.thinWidth }

        /// "thick solid red arrow", from the numbers the drawing uses.
        public var legend: String { "\(thick ? "thick" : "thin") \(dashed ? "dashed" : "solid") \(colorName) arrow" }

        var penwidth: String { String(format: "%g", width / TokenFlowGraph.thinWidth) }
        var svgStroke: String {
            "stroke=\"\(color)\" stroke-width=\"\(String(format: "%g", width))\"" + (dashed ? " stroke-dasharray=\"6 4\"" : "")
        }
    }

    static let thinWidth = 1.5

    /// Passthrough is the hop to look at: thick and red, solid so it stays a line when the picture is
    /// scaled down (a thick dotted line at Graphviz's 1,5 dash pattern reads as a row of faint dots).
    public static let hopStyles: [HopStyle] = [
        HopStyle(mode: .tokenExchange, label: "Token exchange", color: "#1f6feb", colorName: "blue", width: thinWidth, dashed: false, edgeLabel: "exchange"),
        HopStyle(mode: .newToken, label: "New token", color: "#2da44e", colorName: "green", width: thinWidth, dashed: true, edgeLabel: "new token"),
        HopStyle(mode: .passthrough, label: "Passthrough", color: "#cf222e", colorName: "red", width: 3 * thinWidth, dashed: false, edgeLabel: "passthrough"),
    ]

    public static func style(_ mode: HopMode) -> HopStyle { hopStyles.first { $0.mode == mode }! }

    /// The Markdown tree's legend, for the Mermaid arrows `mermaidArrow` draws.
    public static let mermaidLegend = "Thin solid arrows are token exchange, dotted arrows a new token, thick arrows passthrough."

    static func mermaidArrow(_ mode: HopMode) -> String {
        switch mode {
        case .tokenExchange: return "-->|\(style(mode).edgeLabel)|"
        case .newToken: return "-.->|\(style(mode).edgeLabel)|"
        case .passthrough: return "==>|\(style(mode).edgeLabel)|"
        }
    }

    static func edgeStyle(_ mode: HopMode) -> String {
        let style = style(mode)
        return "style=\(style.dashed ? "dashed" : "solid"), penwidth=\(style.penwidth), color=\"\(style.color)\", label=\"\(style.edgeLabel)\""
    }

    /// The Graphviz source: one cluster per environment, nodes link to service pages.
    public static func dotSource<Services: RandomAccessCollection<Service>>(services: Services) -> String where Services.Index == Int {
        // By bytes: Graphviz tells node names apart by their bytes, so `caf\u{E9}` and `cafe\u{301}` are two nodes.
        let names = Set(services.map { ExactString($0.name) })
        var lines = ["digraph tokenflow {", "  rankdir=LR;", "  graph [fontname=\"sans-serif\", fontsize=11, nodesep=0.3, ranksep=0.6];",
                     "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f6f8fa\", fontname=\"sans-serif\", fontsize=11];",
                     "  edge [fontname=\"sans-serif\", fontsize=9];"]
        for (index, (environment, members)) in environments(services).enumerated() {
            lines.append("  subgraph cluster_\(index) {")
            lines.append("    label=\(dotString(environment)); style=\"rounded,dashed\"; color=\"#8c959f\";")
            for index in members {
                let service = services[index]
                lines.append("    \(dotString(service.name)) [URL=\(dotString("services/\(service.name).html")), tooltip=\(dotString(service.metadata.title?.value ?? service.name))];")
            }
            lines.append("  }")
        }
        var unknown = Set<ExactString>()
        for service in services {
            for hop in service.downstream {
                let target = hop.service.value
                if !names.contains(ExactString(target)) && unknown.insert(ExactString(target)).inserted {
                    lines.append("  \(dotString(target)) [style=\"dashed\", tooltip=\"not in the registry\"];")
                }
                lines.append("  \(dotString(service.name)) -> \(dotString(target)) [\(edgeStyle(hop.mode.value))];")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func runDot(_ path: String, source: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-Tsvg"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let writer = Thread {
            input.fileHandleForWriting.write(Data(source.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return cleanSVG(String(decoding: data, as: UTF8.self))
    }

    /// Keeps only the `<svg>` element, without comments (they carry the Graphviz version), and labels it.
    static func cleanSVG(_ text: String) -> String? {
        guard let start = text.range(of: "<svg") else { return nil }
        // Whatever a Graphviz version decodes, a drawing that holds a bidirectional control or an
        // invisible character, raw or as a character reference, is not used: the built-in layout is.
        guard !holdsUnsafeScalar(text) else { return nil }
        var svg = String(text[start.lowerBound...])
        while let open = svg.range(of: "<!--"), let close = svg.range(of: "-->", range: open.upperBound..<svg.endIndex) {
            svg.removeSubrange(open.lowerBound..<close.upperBound)
        }
        let lines = svg.split(separator: "\n", omittingEmptySubsequences: true).filter { !$0.allSatisfy(\.isWhitespace) }
        svg = lines.joined(separator: "\n")
        svg = svg.replacingOccurrences(of: "<svg ", with: "<svg role=\"img\" aria-labelledby=\"token-flow-title\" class=\"token-flow\" ", options: .anchored)
        if let headEnd = svg.range(of: ">") {
            svg.insert(contentsOf: "\n<title id=\"token-flow-title\">Token flow between services</title>", at: headEnd.upperBound)
        }
        return svg + "\n"
    }

    /// Whether SVG text holds a scalar `UnsafeScalar` names, written out or as `&#…;`.
    static func holdsUnsafeScalar(_ text: String) -> Bool {
        // Line breaks and tabs are the SVG's own layout; every other scalar UnsafeScalar names is not.
        func unsafe(_ scalar: Unicode.Scalar) -> Bool { scalar != "\n" && scalar != "\t" && scalar != "\r" && UnsafeScalar.kind(scalar) != nil }
        if text.unicodeScalars.contains(where: unsafe) { return true }
        let bytes = Array(text.utf8)
        var index = 0
        while index + 3 < bytes.count {
            guard bytes[index] == UInt8(ascii: "&"), bytes[index + 1] == UInt8(ascii: "#") else { index += 1; continue }
            var cursor = index + 2
            let hex = bytes[cursor] == UInt8(ascii: "x") || bytes[cursor] == UInt8(ascii: "X")
            if hex { cursor += 1 }
            var value: UInt32 = 0
            var digits = 0
            while cursor < bytes.count, digits < 8, let digit = digitValue(bytes[cursor], hex: hex) {
                value = value * (hex ? 16 : 10) + UInt32(digit)
                digits += 1
                cursor += 1
            }
            if digits > 0, let scalar = Unicode.Scalar(value), unsafe(scalar) { return true }
            index = cursor
        }
        return false
    }

    private static func digitValue(_ byte: UInt8, hex: Bool) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func xml(_ text: String) -> String {
        // Service names are validated, so almost every text is returned as it is (0xD8 and 0xE2 lead
        // the bidirectional controls' UTF-8).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 || $0 == 0xD8 || $0 == 0xE2 }) {
            return text
        }
        // Control characters other than a line break cannot appear in XML; the rest is HTML's encoding.
        var kept = ""
        kept.unicodeScalars.append(contentsOf: text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" })
        return HTMLEscaping.escape(kept)
    }

    /// The built-in layout's drawing in full.
    public static func builtInSVG<Services: RandomAccessCollection<Service>>(services: Services) -> String where Services.Index == Int {
        let layout = BuiltInLayout(services: services)
        return OutputBuffer.string(capacity: layout.estimatedSize) { layout.write(to: $0) }
    }

    /// A layered layout without Graphviz: one band per environment, a column per call depth.
    /// Services are handled by position (each hop's target name is looked up once) and the picture is
    /// written as bytes: on large registries, dictionaries keyed by name and string interpolation made
    /// this the slowest step of the site's view models (BENCHMARKS.md). The positions are found when
    /// the layout is made; the text is written only when the page is (`write(to:)`).
    struct BuiltInLayout: Sendable {
        /// One per name, as `picture` passes them.
        private let services: [Service]
        /// Hops whose target is in the picture, in the services' order: the caller's and the callee's
        /// positions, and the hop's position in the caller's `downstream`.
        private let edges: [(caller: Int32, callee: Int32, hop: Int32)]
        private let x: [Int32], y: [Int32]
        private let bands: [(environment: String, top: Int, height: Int)]
        private let width: Int, height: Int

        static let boxWidth = 200, boxHeight = 30, columnGap = 70, rowGap = 14, bandPad = 28

        init<Services: RandomAccessCollection<Service>>(services: Services) where Services.Index == Int {
            let services = Array(services)
            let count = services.count
            var positionOfName: [String: Int32] = [:]
            positionOfName.reserveCapacity(count)
            for offset in 0..<count where positionOfName[services[offset].name] == nil {
                positionOfName[services[offset].name] = Int32(offset)
            }
            var edges: [(caller: Int32, callee: Int32, hop: Int32)] = []
            for offset in 0..<count {
                for (hop, downstream) in services[offset].downstream.enumerated() {
                    if let callee = positionOfName[downstream.service.value] { edges.append((Int32(offset), callee, Int32(hop))) }
                }
            }
            let callers = Adjacency(count: count, edges: edges.lazy.map { (caller: $0.caller, callee: $0.callee) })
            let depth = TokenFlowGraph.depths(count: count, callers: callers)

            let (boxWidth, boxHeight, columnGap, rowGap, bandPad) = (Self.boxWidth, Self.boxHeight, Self.columnGap, Self.rowGap, Self.bandPad)
            var x = [Int32](repeating: 0, count: count), y = [Int32](repeating: 0, count: count)
            var bands: [(environment: String, top: Int, height: Int)] = []
            var top = 10
            var maxColumn = 0
            var rows = [Int](repeating: 0, count: 13)
            for (environment, members) in TokenFlowGraph.environments(services) {
                for column in rows.indices { rows[column] = 0 }
                var bandRows = 0
                for member in members {
                    let column = min(depth[member], 12)
                    let row = rows[column]
                    rows[column] = row + 1
                    bandRows = max(bandRows, row + 1)
                    maxColumn = max(maxColumn, column)
                    x[member] = Int32(clamping: 20 + column * (boxWidth + columnGap))
                    y[member] = Int32(clamping: top + bandPad + row * (boxHeight + rowGap))
                }
                let height = bandPad + bandRows * (boxHeight + rowGap) + 6
                bands.append((environment, top, height))
                top += height + 12
            }
            self.services = services
            self.edges = edges
            self.x = x
            self.y = y
            self.bands = bands
            width = 40 + (maxColumn + 1) * (boxWidth + columnGap)
            height = top
        }

        /// About the drawing's size in bytes, for a buffer that holds it whole.
        var estimatedSize: Int { 4096 + services.count * 400 + edges.count * 260 }

        func write(to svg: OutputBuffer) {
            let (boxWidth, boxHeight) = (Self.boxWidth, Self.boxHeight)
            svg.append("<svg role=\"img\" aria-labelledby=\"token-flow-title\" class=\"token-flow\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
            svg.append(decimal: width); svg.append("\" height=\""); svg.append(decimal: height)
            svg.append("\" viewBox=\"0 0 "); svg.append(decimal: width); svg.append(" "); svg.append(decimal: height); svg.append("\">\n")
            svg.append("<title id=\"token-flow-title\">Token flow between services</title>\n")
            svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#57606a\"/></marker></defs>\n")
            for (environment, bandTop, height) in bands {
                svg.append("<g class=\"environment\"><rect x=\"6\" y=\""); svg.append(decimal: bandTop)
                svg.append("\" width=\""); svg.append(decimal: width - 12); svg.append("\" height=\""); svg.append(decimal: height)
                svg.append("\" rx=\"8\" fill=\"none\" stroke=\"#8c959f\" stroke-dasharray=\"4 3\"/>")
                svg.append("<text x=\"16\" y=\""); svg.append(decimal: bandTop + 18)
                svg.append("\" font-size=\"12\" font-family=\"sans-serif\" fill=\"#57606a\">"); svg.append(xml(environment)); svg.append("</text></g>\n")
            }
            for edge in edges {
                let from = Int(edge.caller), to = Int(edge.callee)
                let service = services[from]
                let hop = service.downstream[Int(edge.hop)]
                let mode = hop.mode.value
                svg.append("<line class=\"hop "); svg.append(mode.rawValue)
                svg.append("\" x1=\""); svg.append(decimal: Int(x[from]) + boxWidth)
                svg.append("\" y1=\""); svg.append(decimal: Int(y[from]) + boxHeight / 2)
                svg.append("\" x2=\""); svg.append(decimal: Int(x[to]))
                svg.append("\" y2=\""); svg.append(decimal: Int(y[to]) + boxHeight / 2)
                svg.append("\" "); svg.append(hopSVGStrokes[mode]!)
                svg.append(" marker-end=\"url(#arrow)\"><title>"); svg.append(xml(service.name)); svg.append(" → ")
                svg.append(xml(hop.service.value)); svg.append(": "); svg.append(mode.rawValue); svg.append("</title></line>\n")
            }
            for offset in services.indices {
                let name = xml(services[offset].name)
                svg.append("<a href=\"services/"); svg.append(services[offset].name)
                svg.append(".html\"><g class=\"node\"><rect x=\""); svg.append(decimal: Int(x[offset]))
                svg.append("\" y=\""); svg.append(decimal: Int(y[offset]))
                svg.append("\" width=\""); svg.append(decimal: boxWidth); svg.append("\" height=\""); svg.append(decimal: boxHeight)
                svg.append("\" rx=\"6\" fill=\"#f6f8fa\" stroke=\"#57606a\"/>")
                svg.append("<text x=\""); svg.append(decimal: Int(x[offset]) + boxWidth / 2)
                svg.append("\" y=\""); svg.append(decimal: Int(y[offset]) + 19)
                svg.append("\" text-anchor=\"middle\" font-size=\"12\" font-family=\"sans-serif\" fill=\"#1f2328\">"); svg.append(name)
                svg.append("</text></g></a>\n")
            }
            svg.append("</svg>\n")
        }
    }

    /// Callers of each service, by position: the edges grouped by callee, each group in the edges' order.
    struct Adjacency {
        private var starts: [Int32]
        private var members: [Int32]

        init<Edges: Collection<(caller: Int32, callee: Int32)>>(count: Int, edges: Edges) {
            starts = [Int32](repeating: 0, count: count + 1)
            for edge in edges { starts[Int(edge.callee) + 1] += 1 }
            for index in 0..<count { starts[index + 1] += starts[index] }
            members = [Int32](repeating: 0, count: edges.count)
            var next = starts
            for edge in edges {
                members[Int(next[Int(edge.callee)])] = edge.caller
                next[Int(edge.callee)] += 1
            }
        }

        subscript(position: Int) -> ArraySlice<Int32> { members[Int(starts[position])..<Int(starts[position + 1])] }
    }

    /// Depth = the longest chain of callers above a service; a caller already on the chain being followed
    /// is skipped, which cuts cycles. Each depth is remembered once found, so the result depends on the
    /// order services are visited in (their order in the picture). Iterative: a chain of thousands of
    /// hops must not overflow the stack of the thread that draws the picture.
    static func depths(count: Int, callers: Adjacency) -> [Int] {
        var depth = [Int](repeating: -1, count: count)
        var onChain = [Bool](repeating: false, count: count)
        var stack: [(node: Int, next: Int, result: Int)] = []
        for root in 0..<count where depth[root] < 0 {
            onChain[root] = true
            stack.append((root, 0, 0))
            while let top = stack.last {
                let list = callers[top.node]
                if top.next < list.count {
                    let caller = Int(list[list.startIndex + top.next])
                    stack[stack.count - 1].next += 1
                    if onChain[caller] { continue }
                    if depth[caller] >= 0 {
                        stack[stack.count - 1].result = max(top.result, depth[caller] + 1)
                    } else {
                        onChain[caller] = true
                        stack.append((caller, 0, 0))
                    }
                    continue
                }
                stack.removeLast()
                onChain[top.node] = false
                depth[top.node] = top.result
                if !stack.isEmpty { stack[stack.count - 1].result = max(stack[stack.count - 1].result, top.result + 1) }
            }
        }
        return depth
    }

    /// A Mermaid flowchart for the Markdown tree (GitHub renders it; elsewhere it stays readable text),
    /// written when its page is: a line per service and per hop, it is as large as the registry.
    /// `sorted`: the services of the picture, one per name, in name order; `positions`: each one's
    /// position in `sorted`, by name (the site's table, shared rather than made again for the chart).
    static func mermaid(sorted: Reordered<Service>, positions: [String: Int32]? = nil) -> StreamedText {
        let positions = positions ?? sorted.indices.reduce(into: [String: Int32]()) { $0[sorted[$1].name] = Int32($1) }
        return StreamedText(isEmpty: false) { writeMermaid(sorted: sorted, positions: positions, into: $0) }
    }

    static func writeMermaid<Services: RandomAccessCollection<Service>>(sorted: Services, positions: [String: Int32],
                                                                       into output: OutputBuffer) where Services.Index == Int {
        // A service's node is `s` and its position in `sorted`.
        output.append("flowchart LR")
        for (number, (environment, members)) in environments(sorted).enumerated() {
            output.append("\n  subgraph env"); output.append(decimal: number)
            output.append("["); output.append(mermaidLabel(environment)); output.append("]")
            for member in members {
                output.append("\n    s"); output.append(decimal: member)
                output.append("["); output.append(mermaidLabel(sorted[member].name)); output.append("]")
            }
            output.append("\n  end")
        }
        var unknownCount = 0
        for index in sorted.indices {
            for hop in sorted[index].downstream {
                output.append("\n  s"); output.append(decimal: index)
                output.append(" "); output.append(mermaidArrow(hop.mode.value)); output.append(" ")
                if let position = positions[hop.service.value] {
                    output.append("s"); output.append(decimal: Int(position))
                } else {
                    unknownCount += 1
                    output.append("u"); output.append(decimal: unknownCount)
                    output.append("["); output.append(mermaidLabel(hop.service.value)); output.append("]")
                }
            }
        }
    }

    /// Each mode's stroke attributes, made once: the built-in layout writes one per hop.
    static let hopSVGStrokes: [HopMode: String] = Dictionary(uniqueKeysWithValues: hopStyles.map { ($0.mode, $0.svgStroke) })

    private static let mermaidReplaced: Set<Unicode.Scalar> = ["\"", "<", ">", "&", "`", "\n", "\r", "#", ";"]

    /// A quoted Mermaid label: characters that would end or break it become `_`, and a bidirectional
    /// control or invisible character the text of its code point, as in the DOT picture.
    static func mermaidLabel(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { mermaidReplaced.contains($0) || UnsafeScalar.kind($0) != nil }) else { return "\"" + text + "\"" }
        return "\"" + text.unicodeScalars.map { scalar in
            if mermaidReplaced.contains(scalar) { return "_" }
            return UnsafeScalar.kind(scalar) != nil ? UnsafeScalar.codePoint(scalar) : String(scalar)
        }.joined() + "\""
    }
}
