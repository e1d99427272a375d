import Foundation

/// The token-flow picture: services grouped by environment, with an arrow for every downstream hop,
/// drawn differently for token exchange (solid), new token (dashed) and passthrough (thick, red, dotted).
/// Graphviz `dot` lays it out when it is installed; otherwise a simple layered layout drawn here.
public enum TokenFlowGraph {
    public struct Picture: Sendable, Equatable {
        /// A complete `<svg>` element with every registry value escaped.
        public var svg: String
        /// Which layout produced it, shown under the picture.
        public var engine: String
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
        return Picture(svg: builtInSVG(services: sorted), engine: "built-in layout")
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

    /// The positions of the services in each environment, environments sorted by name.
    static func environments<Services: RandomAccessCollection<Service>>(_ services: Services) -> [(String, [Int])] where Services.Index == Int {
        var groups: [String: [Int]] = [:]
        for index in services.indices { groups[services[index].metadata.environment?.value ?? "unspecified", default: []].append(index) }
        return groups.keys.sorted().map { ($0, groups[$0]!) }
    }

    static func dotString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n", "\r", "\t": output += " "
            default:
                if scalar.value >= 0x20 { output.unicodeScalars.append(scalar) }
            }
        }
        return output + "\""
    }

    static func edgeStyle(_ mode: HopMode) -> String {
        switch mode {
        case .tokenExchange: return "style=solid, color=\"#1f6feb\", label=\"exchange\""
        case .newToken: return "style=dashed, color=\"#2da44e\", label=\"new token\""
        case .passthrough: return "style=dotted, penwidth=2.5, color=\"#cf222e\", label=\"passthrough\""
        }
    }

    /// The Graphviz source: one cluster per environment, nodes link to service pages.
    public static func dotSource<Services: RandomAccessCollection<Service>>(services: Services) -> String where Services.Index == Int {
        let names = Set(services.map(\.name))
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
        var unknown = Set<String>()
        for service in services {
            for hop in service.downstream {
                let target = hop.service.value
                if !names.contains(target) && unknown.insert(target).inserted {
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

    static func xml(_ text: String) -> String {
        // Service names are validated, so almost every text is returned as it is.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) { return text }
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "&": output += "&amp;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: if scalar.value >= 0x20 || scalar == "\n" { output.unicodeScalars.append(scalar) }
            }
        }
        return output
    }

    /// A layered layout without Graphviz: one band per environment, a column per call depth.
    public static func builtInSVG<Services: RandomAccessCollection<Service>>(services: Services) -> String where Services.Index == Int {
        var names = Set<String>(minimumCapacity: services.count)
        for index in services.indices { names.insert(services[index].name) }
        // Depth = longest chain of callers above a service, cycles cut by the visiting set.
        var depth: [String: Int] = [:]
        var callers: [String: [String]] = [:]
        for index in services.indices {
            for hop in services[index].downstream where names.contains(hop.service.value) {
                callers[hop.service.value, default: []].append(services[index].name)
            }
        }
        func level(_ name: String, _ visiting: inout Set<String>) -> Int {
            if let known = depth[name] { return known }
            visiting.insert(name)
            var result = 0
            for caller in callers[name] ?? [] where !visiting.contains(caller) { result = max(result, level(caller, &visiting) + 1) }
            visiting.remove(name)
            depth[name] = result
            return result
        }
        for index in services.indices {
            var visiting = Set<String>()
            _ = level(services[index].name, &visiting)
        }

        let boxWidth = 200, boxHeight = 30, columnGap = 70, rowGap = 14, bandPad = 28
        var positions: [String: (x: Int, y: Int)] = [:]
        var bands: [(String, Int, Int)] = []
        var top = 10
        var maxColumn = 0
        for (environment, members) in environments(services) {
            var rows: [Int: Int] = [:]
            var bandRows = 0
            for member in members {
                let name = services[member].name
                let column = min(depth[name] ?? 0, 12)
                let row = rows[column, default: 0]
                rows[column] = row + 1
                bandRows = max(bandRows, row + 1)
                maxColumn = max(maxColumn, column)
                positions[name] = (20 + column * (boxWidth + columnGap), top + bandPad + row * (boxHeight + rowGap))
            }
            let height = bandPad + bandRows * (boxHeight + rowGap) + 6
            bands.append((environment, top, height))
            top += height + 12
        }
        let width = 40 + (maxColumn + 1) * (boxWidth + columnGap)
        var svg = "<svg role=\"img\" aria-labelledby=\"token-flow-title\" class=\"token-flow\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(top)\" viewBox=\"0 0 \(width) \(top)\">\n"
        svg += "<title id=\"token-flow-title\">Token flow between services</title>\n"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#57606a\"/></marker></defs>\n"
        for (environment, bandTop, height) in bands {
            svg += "<g class=\"environment\"><rect x=\"6\" y=\"\(bandTop)\" width=\"\(width - 12)\" height=\"\(height)\" rx=\"8\" fill=\"none\" stroke=\"#8c959f\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"16\" y=\"\(bandTop + 18)\" font-size=\"12\" font-family=\"sans-serif\" fill=\"#57606a\">\(xml(environment))</text></g>\n"
        }
        for index in services.indices {
            let name = services[index].name
            guard let from = positions[name] else { continue }
            for hop in services[index].downstream {
                guard let to = positions[hop.service.value] else { continue }
                let (stroke, dash, widthAttr): (String, String, String) = {
                    switch hop.mode.value {
                    case .tokenExchange: return ("#1f6feb", "", "1.5")
                    case .newToken: return ("#2da44e", " stroke-dasharray=\"6 4\"", "1.5")
                    case .passthrough: return ("#cf222e", " stroke-dasharray=\"2 3\"", "3")
                    }
                }()
                let x1 = from.x + boxWidth, y1 = from.y + boxHeight / 2
                let x2 = to.x, y2 = to.y + boxHeight / 2
                svg += "<line class=\"hop \(hop.mode.value.rawValue)\" x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"\(stroke)\" stroke-width=\"\(widthAttr)\"\(dash) marker-end=\"url(#arrow)\"><title>\(xml(name)) → \(xml(hop.service.value)): \(hop.mode.value.rawValue)</title></line>\n"
            }
        }
        for index in services.indices {
            let name = services[index].name
            guard let position = positions[name] else { continue }
            svg += "<a href=\"services/\(name).html\"><g class=\"node\"><rect x=\"\(position.x)\" y=\"\(position.y)\" width=\"\(boxWidth)\" height=\"\(boxHeight)\" rx=\"6\" fill=\"#f6f8fa\" stroke=\"#57606a\"/>"
            svg += "<text x=\"\(position.x + boxWidth / 2)\" y=\"\(position.y + 19)\" text-anchor=\"middle\" font-size=\"12\" font-family=\"sans-serif\" fill=\"#1f2328\">\(xml(name))</text></g></a>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// A Mermaid flowchart for the Markdown tree (GitHub renders it; elsewhere it stays readable text).
    /// `sorted`: the services of the picture, one per name, in name order.
    static func mermaid<Services: RandomAccessCollection<Service>>(sorted: Services, serviceNames: Set<String>) -> String where Services.Index == Int {
        // A service's node is `s` and its position in `sorted`.
        var positions: [String: Int] = [:]
        positions.reserveCapacity(sorted.count)
        for index in sorted.indices { positions[sorted[index].name] = index }
        var output = "flowchart LR"
        output.reserveCapacity(sorted.count * 64)
        for (number, (environment, members)) in environments(sorted).enumerated() {
            output += "\n  subgraph env\(number)[\(mermaidLabel(environment))]"
            for member in members { output += "\n    s\(member)[\(mermaidLabel(sorted[member].name))]" }
            output += "\n  end"
        }
        var unknownCount = 0
        for index in sorted.indices {
            for hop in sorted[index].downstream {
                let target: String
                if let position = positions[hop.service.value] { target = "s\(position)" } else {
                    unknownCount += 1
                    target = "u\(unknownCount)[\(mermaidLabel(hop.service.value))]"
                }
                let arrow: String
                switch hop.mode.value {
                case .tokenExchange: arrow = "-->|exchange|"
                case .newToken: arrow = "-.->|new token|"
                case .passthrough: arrow = "==>|passthrough|"
                }
                output += "\n  s\(index) \(arrow) \(target)"
            }
        }
        return output
    }

    private static let mermaidReplaced: Set<Unicode.Scalar> = ["\"", "<", ">", "&", "`", "\n", "\r", "#", ";"]

    /// A quoted Mermaid label: characters that would end or break it become `_`.
    static func mermaidLabel(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: mermaidReplaced.contains) else { return "\"" + text + "\"" }
        return "\"" + text.unicodeScalars.map { mermaidReplaced.contains($0) ? "_" : String($0) }.joined() + "\""
    }
}
