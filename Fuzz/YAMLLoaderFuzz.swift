// libFuzzer target: arbitrary bytes through the YAML parser and the registry loader, and the path
// fence's containment check against a reference written another way.
// Built by scripts/fuzz.sh against the AudregCore target (no package dependencies needed).
@testable import AudregCore

public func fuzzYAMLLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parsed = YAMLParser.parse(bytes: bytes)
    for diagnostic in parsed.diagnostics {
        precondition(diagnostic.position.line >= 1 && diagnostic.position.column >= 1, "positions are 1-based")
    }
    // However many keys repeat, the parser lists at most the limit and one count.
    precondition(parsed.diagnostics.filter { $0.kind == .duplicateKey }.count <= YAMLLimits.default.maxDuplicateKeyReports + 1)
    _ = RegistryLoader().load(sources: [("fuzz.yaml", bytes)])
    checkContainment(bytes)
    return 0
}

/// The input, cut at its first NUL, is a root and a path, each made canonical as realpath returns them
/// (absolute, no empty component, no trailing slash). Inside must mean: the root's components are a
/// prefix of the path's, compared as bytes.
func checkContainment(_ bytes: [UInt8]) {
    let cut = bytes.firstIndex(of: 0) ?? bytes.count
    func canonical(_ part: ArraySlice<UInt8>) -> [[UInt8]] {
        part.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    }
    let rootParts = canonical(bytes[..<cut])
    let pathParts = canonical(bytes[min(cut + 1, bytes.count)...])
    func text(_ parts: [[UInt8]]) -> String {
        "/" + parts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
    }
    // Bytes that are not UTF-8 become U+FFFD in both the reference and the String, consistently.
    let root = text(rootParts)
    let path = text(pathParts)
    let rootComponents = canonical(ArraySlice(root.utf8))
    let pathComponents = canonical(ArraySlice(path.utf8))
    let expected = pathComponents.count >= rootComponents.count && Array(pathComponents.prefix(rootComponents.count)) == rootComponents
    precondition(RepositoryRoot.contains(path, root: root) == expected, "containment of \(path) in \(root)")
}
