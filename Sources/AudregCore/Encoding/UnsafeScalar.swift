/// Unicode scalars that a reader cannot see or that change how the text around them is read: control
/// characters (they end lines, move the cursor or start terminal escapes), line and paragraph separators,
/// bidirectional controls (the "Trojan Source" class, CVE-2021-42574), zero-width characters, tag
/// characters (U+E0000–U+E007F, which spell hidden ASCII) and letters that render as blank space. Every
/// sink encoder shows them as visible escapes, and the `unsafe-character` rule reports them in a registry.
/// Classification is per scalar, never per `Character`: `"\r\n"` and `"|"` + a combining mark are each
/// one Character but two scalars.
public enum UnsafeScalar {
    public enum Kind: String, Sendable {
        case control = "control character"
        case lineSeparator = "line separator"
        case bidi = "bidirectional control"
        case invisible = "zero-width character"
        case noncharacter = "noncharacter"
        /// U+E0000–U+E007F: invisible copies of ASCII, which can carry a whole hidden string.
        case tag = "tag character"
        /// Letters that render as nothing but blank space (Hangul fillers, the blank Braille pattern), so a
        /// name can look empty or end in what looks like a space.
        case blank = "blank letter"
    }

    /// The class of `scalar`, or nil when it is an ordinary visible (or space) character.
    @inline(__always)
    public static func kind(_ scalar: Unicode.Scalar) -> Kind? {
        let value = scalar.value
        if value < 0x80 {
            return value < 0x20 || value == 0x7F ? .control : nil
        }
        return nonASCIIKind(value)
    }

    static func nonASCIIKind(_ value: UInt32) -> Kind? {
        switch value {
        case 0x80...0x9F: return .control
        case 0x2028, 0x2029: return .lineSeparator
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return .bidi
        case 0x200B...0x200D, 0x2060...0x2064, 0xFEFF, 0x180E, 0x00AD: return .invisible
        case 0xFFFE, 0xFFFF: return .noncharacter
        // Default-ignorable scalars that render as nothing: the combining grapheme joiner, the Khmer
        // inherent vowels, the interlinear annotation marks and the variation selectors supplement.
        case 0x034F, 0x17B4, 0x17B5, 0xFFF9...0xFFFB, 0xE0100...0xE01EF: return .invisible
        case 0xE0000...0xE007F: return .tag
        case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800: return .blank
        default: return nil
        }
    }

    /// Whether any scalar of `text` is unsafe. UTF-8 lead bytes decide most strings without decoding:
    /// every unsafe scalar is ASCII control, or starts with one of the lead bytes of `isLeadByte`.
    public static func containsAny(_ text: String) -> Bool {
        var candidate = false
        for byte in text.utf8 {
            switch byte {
            case 0x00..<0x20, 0x7F: return true
            case _ where isLeadByte(byte): candidate = true
            default: continue
            }
            if candidate { break }
        }
        guard candidate else { return false }
        return text.unicodeScalars.contains { kind($0) != nil }
    }

    /// The UTF-8 lead bytes of every unsafe non-ASCII scalar: 0xC2 (C1 controls, soft hyphen), 0xCD
    /// (U+034F), 0xD8 (U+061C), 0xE1 (U+115F, U+1160, U+17B4, U+17B5, U+180E), 0xE2 (the U+2000 block,
    /// U+2800), 0xE3 (U+3164), 0xEF (U+FEFF, U+FFA0, U+FFF9–U+FFFB, U+FFFE, U+FFFF) and 0xF3 (tag
    /// characters and the variation selectors supplement). `UnsafeScalarTests` checks this against `kind`
    /// over every scalar.
    public static func isLeadByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xE3, 0xEF, 0xF3: return true
        default: return false
        }
    }

    /// `U+202E RIGHT-TO-LEFT OVERRIDE`: the code point and, where Unicode has one, its name.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = codePoint(scalar)
        if let name = controlNames[scalar.value] ?? scalar.properties.name ?? scalar.properties.nameAlias { return "\(code) \(name)" }
        return code
    }

    /// Unicode gives control characters no name, only aliases; these are the ones a reader may know.
    static let controlNames: [UInt32: String] = [
        0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED",
        0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE",
        0x85: "NEXT LINE",
    ]

    /// `U+000A`, `U+202E`, `U+1F600`: at least four uppercase hex digits.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        "U+" + hex(scalar.value, minimumDigits: 4)
    }

    static func hex(_ value: UInt32, minimumDigits: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, minimumDigits - digits.count)) + digits
    }
}
