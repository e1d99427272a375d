/// Path arithmetic on bytes. Foundation's `NSString.deletingLastPathComponent` traps on a one-letter
/// relative name such as `r` or `a/` (swift-corelibs-foundation in Swift 6.3.1), and names like that come
/// from the command line (`audreg init r`) and from the registry.
package enum PathText {
    /// The folder holding `path`: "" for a name without '/', "/" for one just below the root.
    package static func parent(_ path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        var end = slash
        while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
    }
}
