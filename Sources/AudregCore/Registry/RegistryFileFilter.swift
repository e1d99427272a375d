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

    /// `audreg/` in the file as UTF-8 or as UTF-16 of either byte order, which libyaml reads too.
    static func mentionsAudregVersion(_ bytes: [UInt8]) -> Bool {
        let utf8 = Array(apiVersionPrefix.utf8)
        return bytes.containsSubsequence(utf8) || bytes.containsSubsequence(utf8.flatMap { [$0, 0] })
            || bytes.containsSubsequence(utf8.flatMap { [0, $0] })
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
