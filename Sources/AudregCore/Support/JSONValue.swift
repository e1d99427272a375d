/// A JSON value whose objects keep their key order, serialized the same way every time. Reports, SARIF,
/// the site's search index and exports are built from it so that their bytes are deterministic.
public indirect enum JSONValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByBooleanLiteral {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Optional values become `null`; use `compactObject` to leave them out instead.
    public static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// An object without the members whose value is nil.
    public static func compactObject(_ members: [(String, JSONValue?)]) -> JSONValue {
        .object(members.compactMap { key, value in value.map { (key, $0) } })
    }

    /// Serializes with two-space indentation (or none), always in the same byte order.
    public func serialized(pretty: Bool = true) -> String {
        var output = ""
        write(to: &output, indent: pretty ? 0 : nil)
        if pretty { output.append("\n") }
        return output
    }

    private func write(to output: inout String, indent: Int?) {
        switch self {
        case .string(let value): JSONValue.writeString(value, to: &output)
        case .int(let value): output.append(String(value))
        case .double(let value):
            output.append(value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)) : "null")
        case .bool(let value): output.append(value ? "true" : "false")
        case .null: output.append("null")
        case .array(let items):
            if items.isEmpty { output.append("[]"); return }
            output.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(",") }
                newline(&output, indent.map { $0 + 1 })
                item.write(to: &output, indent: indent.map { $0 + 1 })
            }
            newline(&output, indent)
            output.append("]")
        case .object(let members):
            if members.isEmpty { output.append("{}"); return }
            output.append("{")
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output.append(",") }
                newline(&output, indent.map { $0 + 1 })
                JSONValue.writeString(key, to: &output)
                output.append(indent == nil ? ":" : ": ")
                value.write(to: &output, indent: indent.map { $0 + 1 })
            }
            newline(&output, indent)
            output.append("}")
        }
    }

    private func newline(_ output: inout String, _ indent: Int?) {
        guard let indent else { return }
        output.append("\n")
        output.append(String(repeating: "  ", count: indent))
    }

    /// `value` as a JSON string, escaped as the byte form below escapes it.
    package static func writeString(_ value: String, to output: inout String) {
        let buffer = OutputBuffer(capacity: value.utf8.count + 16)
        writeString(value, to: buffer)
        output += String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// Escapes per RFC 8259, plus `<`, `>`, `&`, U+2028 and U+2029, so the text is also safe inside an
    /// HTML script element and in older JavaScript; runs that need no escape are copied whole.
    /// The scalar whose UTF-8 starts at `index` (valid UTF-8, as a Swift string's is), and its length.
    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar?, Int) {
        let lead = bytes[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        guard index + length <= bytes.count else { return (nil, 1) }
        var value = UInt32(lead) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (Unicode.Scalar(value), length)
    }

    /// `\uXXXX`, or a surrogate pair above U+FFFF (RFC 8259 §7).
    private static func appendEscaped(_ scalar: Unicode.Scalar, to output: OutputBuffer) {
        func unit(_ value: UInt32) {
            output.append("\\u")
            for shift in [12, 8, 4, 0] { output.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)]) }
        }
        if scalar.value > 0xFFFF {
            let offset = scalar.value - 0x10000
            unit(0xD800 + (offset >> 10))
            unit(0xDC00 + (offset & 0x3FF))
        } else {
            unit(scalar.value)
        }
    }

    package static func writeString(_ value: String, to output: OutputBuffer) {
        var value = value
        output.append(UInt8(ascii: "\""))
        value.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let escape: StaticString?
                var length = 1
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case UInt8(ascii: "\n"): escape = "\\n"
                case UInt8(ascii: "\r"): escape = "\\r"
                case UInt8(ascii: "\t"): escape = "\\t"
                case UInt8(ascii: "<"): escape = "\\u003c"
                case UInt8(ascii: ">"): escape = "\\u003e"
                case UInt8(ascii: "&"): escape = "\\u0026"
                case UInt8(ascii: "#") where index > 0 && bytes[index - 1] == UInt8(ascii: "#") && index + 1 < bytes.count
                    && bytes[index + 1] == UInt8(ascii: "["):
                    // A report printed to a CI log: the GitHub runner takes `##[` anywhere in a line as a command.
                    escape = "\\u0023"
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    // U+2028 and U+2029 end a line in older JavaScript, so the index stays valid as a script.
                    escape = bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    length = 3
                case ..<0x20: escape = nil
                case 0x7F:
                    // DEL, C1 controls, bidirectional and invisible scalars are written as `\uXXXX`: the
                    // same JSON value, but a report printed to a terminal cannot reorder or hide its text.
                    output.append(base + runStart, count: index - runStart)
                    output.append("\\u007f")
                    index += 1
                    runStart = index
                    continue
                case _ where UnsafeScalar.isLeadByte(byte):
                    let (scalar, size) = Self.scalar(in: bytes, at: index)
                    guard let scalar, UnsafeScalar.kind(scalar) != nil else {
                        index += 1
                        continue
                    }
                    output.append(base + runStart, count: index - runStart)
                    Self.appendEscaped(scalar, to: output)
                    index += size
                    runStart = index
                    continue
                default:
                    index += 1
                    continue
                }
                output.append(base + runStart, count: index - runStart)
                if let escape {
                    output.append(escape.utf8Start, count: escape.utf8CodeUnitCount)
                } else {
                    output.append("\\u00")
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0xF)])
                }
                index += length
                runStart = index
            }
            output.append(base + runStart, count: bytes.count - runStart)
        }
        output.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
