import AudregCore
/// A strict RFC 8259 reader over UTF-8 bytes that keeps member order and rejects what parsers disagree
/// on: duplicate member names (JSONSerialization keeps one of them silently, other parsers the other, so
/// a key set could look public to drift and private to a gateway), invalid UTF-8, lone surrogates in
/// escapes, and nesting deeper than `maxDepth`. Used where a body is judged or written: `--save` and the
/// JWKS analysis.
public enum StrictJSON {
    public indirect enum Node: Sendable, Equatable {
        case object([(name: String, value: Node)])
        case array([Node])
        case string(String)
        /// A number as written, so that re-serializing changes no digit.
        case number(String)
        case bool(Bool)
        case null

        public static func == (lhs: Node, rhs: Node) -> Bool {
            switch (lhs, rhs) {
            case (.object(let a), .object(let b)):
                return a.count == b.count && zip(a, b).allSatisfy { Array($0.name.unicodeScalars) == Array($1.name.unicodeScalars) && $0.value == $1.value }
            case (.array(let a), .array(let b)): return a == b
            case (.string(let a), .string(let b)): return Array(a.unicodeScalars) == Array(b.unicodeScalars)
            case (.number(let a), .number(let b)): return a == b
            case (.bool(let a), .bool(let b)): return a == b
            case (.null, .null): return true
            default: return false
            }
        }
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case invalid
        case duplicateMember
        case tooDeep

        public var description: String {
            switch self {
            case .invalid: return "body is not JSON"
            case .duplicateMember: return "body is not valid JSON: an object repeats a member name, and parsers disagree on which one counts"
            case .tooDeep: return "body is not JSON audreg reads: nested more than \(StrictJSON.maxDepth) levels deep"
            }
        }
    }

    public static let maxDepth = 512

    public static func parse(_ bytes: [UInt8]) -> Result<Node, Problem> {
        var reader = Reader(bytes: bytes)
        do {
            reader.skipSpace()
            let node = try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.index == bytes.count else { return .failure(.invalid) }
            return .success(node)
        } catch {
            return .failure(error)
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ literal: String) throws(Problem) {
            for byte in literal.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw .invalid }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(Problem) -> Node {
            guard depth <= StrictJSON.maxDepth else { throw .tooDeep }
            guard index < bytes.count else { throw .invalid }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(name: String, value: Node)] = []
                var seen = Set<[UInt8]>()
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .invalid }
                    let name = try string()
                    // Names compared as decoded code points: "d" and "\u0064" are the same member.
                    guard seen.insert(Array(name.utf8)).inserted else { throw .duplicateMember }
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    members.append((name, try value(depth: depth + 1)))
                    skipSpace()
                    guard index < bytes.count else { throw .invalid }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                    throw .invalid
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [Node] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw .invalid }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                    throw .invalid
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true"); return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false"); return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null"); return .null
            default:
                return .number(try number())
            }
        }

        mutating func number() throws(Problem) -> String {
            let start = index
            func digits(_ reader: inout Reader) -> Int {
                let from = reader.index
                while reader.index < reader.bytes.count, reader.bytes[reader.index] >= 0x30, reader.bytes[reader.index] <= 0x39 { reader.index += 1 }
                return reader.index - from
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw .invalid }
            if bytes[index] == UInt8(ascii: "0") { index += 1 } else { guard digits(&self) > 0 else { throw .invalid } }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw .invalid }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw .invalid }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func hex4() throws(Problem) -> UInt32 {
            guard index + 4 <= bytes.count else { throw .invalid }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw .invalid
                }
                value = value << 4 | digit
            }
            index += 4
            return value
        }

        mutating func string() throws(Problem) -> String {
            index += 1 // the opening quote
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flushRun(_ reader: Reader, into scalars: inout String.UnicodeScalarView, upTo end: Int) throws(Problem) {
                guard runStart < end else { return }
                // Raw bytes must be valid UTF-8: a lenient decoder would turn bad bytes into U+FFFD and
                // make two different names equal.
                var iterator = reader.bytes[runStart..<end].makeIterator()
                var decoder = UTF8()
                loop: while true {
                    switch decoder.decode(&iterator) {
                    case .scalarValue(let scalar): scalars.append(scalar)
                    case .emptyInput: break loop
                    case .error: throw .invalid
                    }
                }
            }
            while true {
                guard index < bytes.count else { throw .invalid }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    try flushRun(self, into: &scalars, upTo: index)
                    index += 1
                    return String(scalars)
                }
                if byte < 0x20 { throw .invalid }
                if byte == UInt8(ascii: "\\") {
                    try flushRun(self, into: &scalars, upTo: index)
                    index += 1
                    guard index < bytes.count else { throw .invalid }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        let first = try hex4()
                        if (0xD800...0xDBFF).contains(first) {
                            guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw .invalid }
                            index += 2
                            let second = try hex4()
                            guard (0xDC00...0xDFFF).contains(second),
                                  let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) else { throw .invalid }
                            scalars.append(scalar)
                        } else {
                            guard let scalar = Unicode.Scalar(first) else { throw .invalid }
                            scalars.append(scalar)
                        }
                    default:
                        throw .invalid
                    }
                    runStart = index
                    continue
                }
                index += 1
            }
        }
    }

    /// Compact JSON; strings escaped so that the output is ASCII-safe for control characters.
    public static func serialize(_ node: Node) -> [UInt8] {
        var output: [UInt8] = []
        write(node, to: &output)
        return output
    }

    static func write(_ node: Node, to output: inout [UInt8]) {
        switch node {
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (offset, member) in members.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.name, to: &output)
                output.append(UInt8(ascii: ":"))
                write(member.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                write(item, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .string(let text): writeString(text, to: &output)
        case .number(let text): output.append(contentsOf: text.utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: output.append(contentsOf: "null".utf8)
        }
    }

    static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append(contentsOf: "\\\"".utf8)
            case "\\": output.append(contentsOf: "\\\\".utf8)
            case "\n": output.append(contentsOf: "\\n".utf8)
            case "\r": output.append(contentsOf: "\\r".utf8)
            case "\t": output.append(contentsOf: "\\t".utf8)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    let hex = String(scalar.value, radix: 16)
                    output.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                } else {
                    output.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
