/// Which YAML files in the registry folder are registry files. A registry may live at the root of a
/// repository, beside Compose files, Kubernetes manifests, Backstage catalogs, Helm charts and MkDocs
/// configs: a file is read as registry only when one of its documents declares `apiVersion: audreg/…`.
/// Anything else is skipped, with a note only when it looks like an audreg document written wrong.
enum RegistryFileFilter {
    enum Verdict: Equatable {
        case registry
        case skipped
        /// Skipped, but probably meant as registry: the note says why it was not read.
        case skippedLookingLikeRegistry(String, line: Int, column: Int)
    }

    static let apiVersionPrefix = "audreg/"

    static func classify(_ parse: YAMLParseResult, bytes: [UInt8]) -> Verdict {
        for document in parse.documents {
            if let apiVersion = document.root["apiVersion"]?.scalar, apiVersion.utf8.starts(with: apiVersionPrefix.utf8) { return .registry }
        }
        // A file that libyaml could not read to its end may declare audreg after the error, or on a
        // line the error swallowed: one that names audreg anywhere gets its syntax error reported.
        if !parse.diagnostics.isEmpty, parse.mentionsAudregVersion || mentionsAudregVersion(bytes) { return .registry }
        for document in parse.documents {
            let root = document.root
            if let node = root["apiVersion"], let apiVersion = node.scalar {
                if Suggestion.closest(to: apiVersion.lowercased(), in: [RegistrySchema.apiVersion]) != nil || apiVersion.lowercased().hasPrefix("audreg") {
                    return .skippedLookingLikeRegistry(
                        "not read as a registry file: apiVersion '\(apiVersion)' is not \(RegistrySchema.apiVersion); did you mean \(RegistrySchema.apiVersion)?",
                        line: node.start.line, column: node.start.column)
                }
            } else if let kind = root["kind"]?.scalar, EntityKind(rawValue: kind) != nil,
                      let spec = root["spec"]?.pairs, spec.contains(where: { audregSpecKeys.contains($0.key.scalar ?? "") }) {
                return .skippedLookingLikeRegistry(
                    "not read as a registry file: this \(kind) document has no apiVersion; add 'apiVersion: \(RegistrySchema.apiVersion)' if it belongs to the registry",
                    line: root.start.line, column: root.start.column)
            }
        }
        return .skipped
    }

    /// `audreg/` anywhere in a file that libyaml could not read, as a scalar would hold it: the file is
    /// decoded from UTF-16 when it starts with a byte order mark (libyaml reads those too), and escapes
    /// of double-quoted scalars are decoded wherever they stand, so `"\u0061udreg/v1"` or a line
    /// continued with `\` after the syntax error still counts. A search only, so decoding escapes
    /// outside quotes too errs towards reporting the file.
    static func mentionsAudregVersion(_ bytes: [UInt8]) -> Bool {
        var text = bytes
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let littleEndian = bytes[0] == 0xFF
            let units = stride(from: 2, to: bytes.count - 1, by: 2).map { index in
                littleEndian ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
            }
            text = Array(String(decoding: units, as: UTF16.self).utf8)
        }
        let needle = Array(apiVersionPrefix.utf8)
        if text.containsSubsequence(needle) { return true }
        return text.contains(UInt8(ascii: "\\")) && unescaped(text).containsSubsequence(needle)
    }

    /// YAML's double-quoted escapes decoded: `\xXX`, `\uXXXX`, `\UXXXXXXXX`, an escaped line break
    /// (joined without a space, the next line's leading blanks dropped), and `\c` as `c` for the rest.
    static func unescaped(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            let digits = escape == UInt8(ascii: "x") ? 2 : escape == UInt8(ascii: "u") ? 4 : escape == UInt8(ascii: "U") ? 8 : 0
            if digits > 0, index + 2 + digits <= bytes.count,
               let value = UInt32(String(decoding: bytes[(index + 2)..<(index + 2 + digits)], as: UTF8.self), radix: 16),
               let scalar = Unicode.Scalar(value) {
                output += Array(String(scalar).utf8)
                index += 2 + digits
            } else if escape == 0x0A || escape == 0x0D {
                index += escape == 0x0D && index + 2 < bytes.count && bytes[index + 2] == 0x0A ? 3 : 2
                while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            } else {
                output.append(escape)
                index += 2
            }
        }
        return output
    }

    /// Keys that only audreg's own kinds have under `spec`.
    private static let audregSpecKeys: Set<String> = ["audiences", "accepts", "downstream", "jwksUri", "discoveryUrl", "maxTokenLifetime", "allowedAlgorithms"]
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first, count >= needle.count else { return needle.isEmpty }
        var index = 0
        while index <= count - needle.count {
            if self[index] == first, self[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
