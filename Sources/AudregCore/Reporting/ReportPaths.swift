/// How every report names a file. Findings keep paths relative to the registry folder (the JSON
/// report's `file`, a public contract); what people and tools click on is the same path as it opens
/// from the current directory: the registry path as the user gave it, joined with the file's path in it,
/// as compilers and Spectral print them. SARIF names files relative to the repository root under
/// `%SRCROOT%`, and GitHub annotations relative to `$GITHUB_WORKSPACE`, whatever form the registry path had.
public struct ReportPaths: Sendable, Equatable {
    /// The registry as given, with one trailing slash (`registry/`, `../reg/`, `/abs/reg/`); empty for `.`.
    public var registry: String
    /// The current directory, absolute, links resolved; nil where a report must not depend on it (tests).
    public var workingDirectory: String?
    /// The repository root, absolute, links resolved: what SARIF's `%SRCROOT%` stands for.
    public var repositoryRoot: String?
    /// `$GITHUB_WORKSPACE`, absolute, when set.
    public var githubWorkspace: String?

    public static let sourceRootID = "%SRCROOT%"

    public init(registry: String = "", workingDirectory: String? = nil, repositoryRoot: String? = nil, githubWorkspace: String? = nil) {
        self.registry = registry
        self.workingDirectory = workingDirectory
        self.repositoryRoot = repositoryRoot
        self.githubWorkspace = githubWorkspace
    }

    /// `registry`, `./registry/` and `registry//` give `registry/`; `.` and `./` give nothing.
    public static func prefix(forRegistry directory: String) -> String {
        var path = directory
        while path.hasPrefix("./") { path.removeFirst(2) }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        if path.isEmpty || path == "." { return "" }
        return path == "/" ? "/" : path + "/"
    }

    /// A registry-relative file as it opens from the current directory (`../deploy/x.yaml` in a
    /// registry given as `registry` is `deploy/x.yaml`).
    public func display(_ file: String) -> String {
        Self.normalized(file.hasPrefix("/") ? file : registry + file)
    }

    /// `file:line:column` with the file as it opens from the current directory.
    public func display(_ location: SourceLocation) -> String {
        "\(display(location.file)):\(location.line):\(location.column)"
    }

    /// The file's absolute path, when the working directory is known or the path is absolute.
    public func absolute(_ file: String) -> String? {
        let shown = display(file)
        if shown.hasPrefix("/") { return shown }
        guard let workingDirectory else { return nil }
        return Self.normalized(workingDirectory + "/" + shown)
    }

    /// The path for a GitHub annotation: relative to the workspace when it holds the file.
    public func github(_ file: String) -> String {
        if let workspace = githubWorkspace, let absolute = absolute(file), let relative = Self.relative(absolute, under: workspace) {
            return relative
        }
        return display(file)
    }

    /// The SARIF artifact location: a URI relative to `%SRCROOT%` when the file is in the repository,
    /// else an absolute `file:` URI, else (no working directory known) the display path.
    public func sarif(_ file: String) -> (uri: String, baseID: String?) {
        if let root = repositoryRoot, let absolute = absolute(file), let relative = Self.relative(absolute, under: root) {
            return (Self.percentEncoded(relative), Self.sourceRootID)
        }
        if let absolute = absolute(file) { return ("file://" + Self.percentEncoded(absolute), nil) }
        return (Self.percentEncoded(display(file)), nil)
    }

    /// `%SRCROOT%` as a `file:` URI ending in a slash, for `originalUriBaseIds`.
    public var sourceRootURI: String? {
        repositoryRoot.map { "file://" + Self.percentEncoded($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    /// Removes `.` segments and resolves `..` against the segments before it, lexically; leading `..`
    /// of a relative path stay.
    static func normalized(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if let last = segments.last, last != ".." {
                    segments.removeLast()
                } else if !isAbsolute {
                    segments.append(segment)
                }
                continue
            }
            segments.append(segment)
        }
        let joined = segments.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// `path` relative to `base` when it lies below it, compared byte for byte.
    static func relative(_ path: String, under base: String) -> String? {
        let base = base.hasSuffix("/") ? String(base.dropLast()) : base
        let prefix = Array((base + "/").utf8)
        let bytes = Array(path.utf8)
        guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return nil }
        return String(decoding: bytes[prefix.count...], as: UTF8.self)
    }

    /// Every byte outside RFC 3986's unreserved characters and `/` percent-encoded: file names come from
    /// the registry, and a SARIF consumer must get one URI, not whatever the name spells.
    static func percentEncoded(_ path: String) -> String {
        var output = ""
        for byte in path.utf8 {
            let isUnreserved = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E || byte == 0x2F
            if isUnreserved {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return output
    }
}

/// An error about a place in the registry. Its `description` names the place as the registry stores it
/// (relative to the registry folder); a command prints `description(paths:)`, which names it as it opens
/// from the current directory, as findings do.
public protocol RegistryLocatedError: Error, CustomStringConvertible {
    /// Where in the registry, when the error is about one place.
    var location: SourceLocation? { get }
    /// The message without the place. Raw text: the sink it reaches escapes it.
    var message: String { get }
    /// The message naming any other place in it as `paths` shows files; `message` unless it names one.
    func message(paths: ReportPaths) -> String
}

extension RegistryLocatedError {
    public func message(paths: ReportPaths) -> String { message }

    public var description: String { (location.map { "\($0): " } ?? "") + message }

    public func description(paths: ReportPaths) -> String { (location.map { "\(paths.display($0)): " } ?? "") + message(paths: paths) }
}
