import Testing
@testable import AudregCore

/// The encoders and the `unsafe-character` rule skip text whose bytes include no lead byte of an unsafe
/// scalar, so the lead bytes must cover every scalar `kind` classifies.
@Suite("Unsafe scalars")
struct UnsafeScalarTests {
    @Test("every unsafe non-ASCII scalar starts with a byte isLeadByte names")
    func leadBytesCoverKinds() {
        var uncovered: [String] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), UnsafeScalar.kind(scalar) != nil else { continue }
            let lead = String(scalar).utf8.first!
            if !UnsafeScalar.isLeadByte(lead) { uncovered.append(UnsafeScalar.codePoint(scalar)) }
        }
        #expect(uncovered.isEmpty, "\(uncovered.prefix(10))")
    }

    @Test("tag characters, blank letters and invisible selectors are unsafe; ordinary text is not")
    func classes() {
        #expect(UnsafeScalar.kind("\u{E0041}") == .tag)
        #expect(UnsafeScalar.kind("\u{E007F}") == .tag)
        #expect(UnsafeScalar.kind("\u{3164}") == .blank)
        #expect(UnsafeScalar.kind("\u{115F}") == .blank)
        #expect(UnsafeScalar.kind("\u{FFA0}") == .blank)
        #expect(UnsafeScalar.kind("\u{2800}") == .blank)
        #expect(UnsafeScalar.kind("\u{E0100}") == .invisible)
        #expect(UnsafeScalar.kind("\u{034F}") == .invisible)
        for text in ["Übersicht", "注文", "😀", "한국어", "Ελληνικά", "\u{0301}", "\u{FE0F}"] {
            #expect(!UnsafeScalar.containsAny(text), "\(text)")
        }
        #expect(UnsafeScalar.containsAny("admin\u{E0061}\u{E0064}"))
        #expect(UnsafeScalar.containsAny("\u{3164}"))
    }

    @Test("the terminal and YAML encoders write tag characters as escapes that decode back")
    func encoders() {
        let hidden = "aud\u{E0061}\u{E0064}\u{3164}"
        #expect(TerminalText.escape(hidden) == #"aud\u{E0061}\u{E0064}\u{3164}"#)
        #expect(TerminalText.unescape(TerminalText.escape(hidden)).map { Array($0.unicodeScalars) } == Array(hidden.unicodeScalars))
        let yaml = YAMLText.scalar(hidden)
        #expect(yaml == #""aud\U000E0061\U000E0064\u3164""#)
        let parsed = YAMLParser.parse(yaml).documents.first?.root.scalar
        #expect(parsed.map { Array($0.unicodeScalars) } == Array(hidden.unicodeScalars))
    }
}
