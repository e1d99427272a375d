import AudregCore
import Foundation

/// What a request path names inside the served folder. Only `resolve` turns URL text into file-system
/// names, and it never produces `..`, `.`, an empty name, a separator or NUL inside a name, or an
/// absolute path: the percent-decoding happens per segment, after the split on `/`, so `%2e%2e`,
/// `%2f` and `%00` cannot make a segment that the split would have rejected.
public struct ServedPath: Equatable, Sendable {
    /// The path's names below the served folder, none of them empty, `.`, `..`, hidden or holding `/`.
    public var components: [String]
    /// Whether the request path ended with `/` (a folder's index page).
    public var trailingSlash: Bool

    public enum Rejection: Error, Equatable, Sendable {
        /// Not an origin-form path (`/…`), malformed percent-encoding, or bytes that are not UTF-8.
        case malformed
        /// A `..` or `.` segment, or a separator or NUL hidden in a percent-encoded segment.
        case traversal
        /// A name starting with `.` (the site's marker file, editors' and version control's files).
        case hidden
    }

    /// The served path for a request's path (without its query).
    public static func resolve(_ requestPath: String) -> Result<ServedPath, Rejection> {
        guard requestPath.utf8.first == UInt8(ascii: "/") else { return .failure(.malformed) }
        var components: [String] = []
        let segments = requestPath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst()
        for segment in segments {
            guard let bytes = percentDecoded(segment) else { return .failure(.malformed) }
            if bytes.isEmpty { continue }
            if bytes.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 }) { return .failure(.traversal) }
            if bytes.elementsEqual("..".utf8) || bytes.elementsEqual(".".utf8) { return .failure(.traversal) }
            if bytes.first == UInt8(ascii: ".") { return .failure(.hidden) }
            // Decoding replaces bad UTF-8 with U+FFFD, so a name that does not encode back to the same
            // bytes was not UTF-8 (`String(validating:)` would say so directly, but needs macOS 15).
            let name = String(decoding: bytes, as: UTF8.self)
            guard name.utf8.elementsEqual(bytes) else { return .failure(.malformed) }
            components.append(name)
        }
        return .success(ServedPath(components: components, trailingSlash: requestPath.utf8.last == UInt8(ascii: "/")))
    }

    /// `%XX` decoded; nil for a `%` not followed by two hex digits.
    static func percentDecoded(_ segment: Substring.UTF8View.SubSequence) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(segment.count)
        var index = segment.startIndex
        while index < segment.endIndex {
            let byte = segment[index]
            if byte == UInt8(ascii: "%") {
                let first = segment.index(after: index)
                guard first < segment.endIndex else { return nil }
                let second = segment.index(after: first)
                guard second < segment.endIndex, let high = hexValue(segment[first]), let low = hexValue(segment[second]) else { return nil }
                output.append(high << 4 | low)
                index = segment.index(after: second)
            } else {
                output.append(byte)
                index = segment.index(after: index)
            }
        }
        return output
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// A file of the served folder, found on disk for a `ServedPath`.
public enum SiteFile: Equatable, Sendable {
    /// A regular file (for a folder with a trailing slash, its index.html).
    case file(path: String)
    /// A folder asked for without its trailing slash: redirected to it, so the page's relative links
    /// resolve against the folder.
    case folderWithoutSlash
    case notFound

    /// Looks `path` up below `root` (an absolute, symlink-free path: `PreviewState` keeps it so).
    /// A symbolic link whose target leaves `root` is not followed; a folder without index.html is not
    /// listed.
    public static func lookup(_ path: ServedPath, in root: String) -> SiteFile {
        var candidate = root
        for component in path.components { candidate += "/" + component }
        guard let found = kind(of: candidate, within: root) else { return .notFound }
        switch found {
        case .file:
            return path.trailingSlash ? .notFound : .file(path: candidate)
        case .directory:
            guard path.trailingSlash || path.components.isEmpty else { return .folderWithoutSlash }
            let index = candidate + "/index.html"
            return kind(of: index, within: root) == .file ? .file(path: index) : .notFound
        }
    }

    enum Kind { case file, directory }

    /// The kind of file at `path` once symbolic links are resolved, or nil when there is none or the
    /// resolved path is outside `root`.
    static func kind(of path: String, within root: String) -> Kind? {
        // Bytes, not `hasPrefix`: a sibling whose name is canonically equivalent to the root's is outside it.
        guard let resolved = realPath(path), RepositoryRoot.contains(resolved, root: root) else { return nil }
        var info = stat()
        guard stat(resolved, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return nil
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// The Content-Type of a served file, by its extension: the kinds the site holds, with a charset for
/// text, and `application/octet-stream` for anything else (served with `nosniff`, so a browser never
/// guesses a script or a page from it).
public enum ContentTypes {
    public static func forFile(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "application/octet-stream" }
        return byExtension[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }

    static let byExtension: [String: String] = [
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "json": "application/json",
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "ico": "image/x-icon",
        "woff2": "font/woff2",
        "txt": "text/plain; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "yml": "text/yaml; charset=utf-8",
        "yaml": "text/yaml; charset=utf-8",
        "xml": "application/xml",
    ]
}
