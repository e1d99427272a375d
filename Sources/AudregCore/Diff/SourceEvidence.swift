import Foundation

/// Links from the site to the registry's files in a code host (`build --repo-url URL --ref REF`), in
/// GitHub's URL shape: `BASE/blob/REF/PATH#L12`, `BASE/edit/REF/PATH`, `BASE/commit/SHA`.
///
/// The base URL comes from the user or from the registry's git remote, so it is checked here and every
/// piece of a link is percent-encoded: the link is http(s), has no credentials, query or fragment, and
/// holds no character that could leave an HTML attribute or a Markdown link even before the templates
/// escape it.
public struct SourceLinks: Sendable, Equatable {
    /// `https://github.com/org/repo`: no trailing slash, no `.git`.
    public let base: String
    public let ref: String
    /// The registry folder's path in the repository, `registry/` (empty at the root).
    public let prefix: String
    /// False when the history that was read is not the code host's (`build --no-commit-links`, such as
    /// the example's scripted one): no link then names a commit, as the host has none of them.
    public var commitsOnHost = true

    /// Nil when `repoURL` is not an http(s) URL with a host (`javascript:`, a file path, an scp-like
    /// remote that `webURL(remote:)` did not map), or carries a user, query or fragment.
    public init?(repoURL: String, ref: String, prefix: String = "") {
        guard let base = Self.normalisedBase(repoURL), !ref.isEmpty, !ref.hasPrefix("-"),
              !ref.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { return nil }
        self.base = base
        self.ref = ref
        var prefix = prefix
        while prefix.hasPrefix("./") { prefix.removeFirst(2) }
        if prefix == "." { prefix = "" }
        if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
        self.prefix = prefix
    }

    /// The web URL of a git remote as `git remote get-url` prints it: `git@host:org/repo.git`,
    /// `ssh://git@host[:port]/org/repo.git`, `https://[user@]host/org/repo[.git]`. Nil for anything else
    /// (a local path, `git://`, an unknown form): no links rather than wrong ones.
    public static func webURL(remote: String) -> String? {
        let remote = remote.trimmingCharacters(in: .whitespacesAndNewlines)
        var hostAndPath: String
        var scheme = "https"
        if remote.hasPrefix("https://") || remote.hasPrefix("http://") {
            scheme = remote.hasPrefix("https://") ? "https" : "http"
            hostAndPath = String(remote.dropFirst(scheme.count + 3))
            // Credentials in a remote (`https://user:token@host/…`) never reach a page.
            if let slash = hostAndPath.firstIndex(of: "/"), let at = hostAndPath[..<slash].lastIndex(of: "@") {
                hostAndPath = String(hostAndPath[hostAndPath.index(after: at)...])
            }
        } else if remote.hasPrefix("ssh://") {
            hostAndPath = String(remote.dropFirst("ssh://".count))
            guard let slash = hostAndPath.firstIndex(of: "/") else { return nil }
            var authority = hostAndPath[..<slash]
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            if let colon = authority.firstIndex(of: ":") { authority = authority[..<colon] } // the ssh port is not the web's
            hostAndPath = String(authority) + String(hostAndPath[slash...])
        } else if let colon = remote.firstIndex(of: ":"), !remote.contains("://") {
            // scp-like: [user@]host:org/repo.git; a path with a colon before any slash only.
            var host = remote[..<colon]
            guard !host.contains("/") else { return nil }
            if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
            let path = remote[remote.index(after: colon)...].drop { $0 == "/" }
            hostAndPath = String(host) + "/" + path
        } else {
            return nil
        }
        if hostAndPath.hasSuffix("/") { hostAndPath.removeLast() }
        if hostAndPath.hasSuffix(".git") { hostAndPath.removeLast(4) }
        let parts = hostAndPath.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, !parts.contains(where: \.isEmpty) else { return nil }
        return normalisedBase("\(scheme)://\(hostAndPath)")
    }

    /// `scheme://host[:port]/path` with the path's segments percent-encoded, or nil.
    static func normalisedBase(_ text: String) -> String? {
        guard let parts = URLParts(text) else { return nil }
        let scheme = parts.scheme.lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = Substring(text.dropFirst(parts.scheme.count))
        guard rest.hasPrefix("://") else { return nil }
        rest = rest.dropFirst(3)
        guard !rest.contains("?"), !rest.contains("#") else { return nil }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        // A host name or an IPv4 address, with an optional port: nothing else may stand before the path.
        guard !authority.isEmpty, authority.unicodeScalars.allSatisfy({
            ($0.value >= 0x61 && $0.value <= 0x7A) || ($0.value >= 0x41 && $0.value <= 0x5A) || ($0.value >= 0x30 && $0.value <= 0x39)
                || $0 == "." || $0 == "-" || $0 == ":"
        }), !authority.hasPrefix(".") else { return nil }
        var path = rest[slash...].split(separator: "/").map { encode(String($0)) }.joined(separator: "/")
        if path.hasSuffix(".git") { path.removeLast(4) }
        return "\(scheme)://\(authority.lowercased())" + (path.isEmpty ? "" : "/" + path)
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (and `/` when `keepSlash`).
    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var output = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            let unreserved = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || scalar == "-" || scalar == "." || scalar == "_" || scalar == "~"
            if unreserved || (keepSlash && scalar == "/") {
                output.unicodeScalars.append(scalar)
            } else {
                output += "%" + UnsafeScalar.hex(UInt32(byte), minimumDigits: 2)
            }
        }
        return output
    }

    /// The file's path in the repository, segments encoded; nil for a path that leaves the repository.
    func repositoryPath(_ file: String) -> String? {
        var segments: [Substring] = []
        for segment in (prefix + file).split(separator: "/") {
            switch segment {
            case ".": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default: segments.append(segment)
            }
        }
        // A finding on a URL (an issuer's JWKS) or an absolute path has no place in the repository.
        guard !segments.isEmpty, !file.hasPrefix("/"), !file.contains("://") else { return nil }
        return segments.map { Self.encode(String($0)) }.joined(separator: "/")
    }

    /// `BASE/blob/REF/PATH#L12`.
    public func blob(_ file: String, line: Int? = nil) -> String? {
        guard let path = repositoryPath(file) else { return nil }
        return "\(base)/blob/\(Self.encode(ref, keepSlash: true))/\(path)" + (line.map { $0 > 0 ? "#L\($0)" : "" } ?? "")
    }

    /// `BASE/edit/REF/PATH`.
    public func edit(_ file: String) -> String? {
        guard let path = repositoryPath(file) else { return nil }
        return "\(base)/edit/\(Self.encode(ref, keepSlash: true))/\(path)"
    }

    /// `BASE/commit/SHA`; nil when the commits are not on the host.
    public func commit(_ sha: String) -> String? { commitsOnHost ? "\(base)/commit/\(Self.encode(sha))" : nil }
}

/// The commit that last changed a file, from `git log`.
public struct FileCommit: Sendable, Equatable {
    public var commit: String
    /// The commit's date as git prints it (`%cI`).
    public var date: String

    public init(commit: String, date: String) {
        self.commit = commit
        self.date = date
    }
}

/// What the site says about where each file lives and when it last changed.
public struct SourceEvidence: Sendable {
    public var links: SourceLinks?
    /// Registry-relative path → the commit that last changed it. Keyed by bytes, as git names files: the
    /// NFC and NFD spellings of one name are two files with two histories.
    public var lastChange: [ExactString: FileCommit]

    public init(links: SourceLinks? = nil, lastChange: [ExactString: FileCommit] = [:]) {
        self.links = links
        self.lastChange = lastChange
    }
}

/// Reads the registry's place in its git repository.
public enum GitSource {
    /// The registry folder's path in its repository (`git rev-parse --show-prefix`), or nil outside git.
    public static func prefix(directory: String) -> String? {
        guard let result = try? GitProcess.run("git", ["rev-parse", "--show-prefix"], in: directory), result.status == 0 else { return nil }
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// The commit checked out (`git rev-parse HEAD`), or nil.
    public static func head(directory: String) -> String? {
        guard let head = try? GitProcess.run("git", ["rev-parse", "--verify", "-q", "HEAD"], in: directory), head.status == 0 else { return nil }
        return head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The remote `origin` as configured, mapped to a web URL, and `git rev-parse HEAD`; nil when either is
    /// missing. Read with `git config`, not `git remote get-url`, which applies `url.*.insteadOf` rewrites
    /// (a mirror or a local path) that are no place for a reader to follow.
    public static func links(directory: String) -> SourceLinks? {
        guard let remote = try? GitProcess.run("git", ["config", "--get", "remote.origin.url"], in: directory), remote.status == 0,
              let web = SourceLinks.webURL(remote: remote.stdout), let head = head(directory: directory) else { return nil }
        return SourceLinks(repoURL: web, ref: head, prefix: prefix(directory: directory) ?? "")
    }

    /// Each file under `directory` with the commit that last changed it, from one `git log --name-only`
    /// pass over the history (newest first, so a file's first appearance is its last change). Dates are
    /// the commits', never the clock's. Empty outside git.
    public static func lastChanges(directory: String) -> [ExactString: FileCommit] {
        guard let log = try? GitProcess.runBytes("git", ["log", "-z", "--name-only", "--no-renames", "--relative",
                                                        "--format=%x00%H%x00%cI", "--", "."], in: directory),
              log.status == 0 else { return [:] }
        var result: [ExactString: FileCommit] = [:]
        var current: FileCommit?
        for record in GitLogRecords(log.stdout, fields: 2) {
            current = FileCommit(commit: record.fields[0], date: record.fields[1])
            for file in record.files where result[ExactString(file)] == nil { result[ExactString(file)] = current }
        }
        return result
    }
}

/// `git log -z --format=%x00F1%x00F2…` output with `--name-only` or `--raw`: a record starts at an
/// empty token, then `fields` header fields, then the file tokens until the next empty token (a path is
/// never empty). Git cannot store NUL in a header, so author names and messages cannot forge a record.
struct GitLogRecords: Sequence, IteratorProtocol {
    struct Record {
        var fields: [String]
        /// The tokens after the header, the first without the newline git puts before it.
        var files: [String]
    }

    // Split on NUL bytes before decoding, so no file name can change where a token ends.
    private let tokens: [ArraySlice<UInt8>]
    private let fields: Int
    private var position = 0

    init(_ bytes: [UInt8], fields: Int) {
        tokens = bytes.split(separator: 0, omittingEmptySubsequences: false)
        self.fields = fields
    }

    mutating func next() -> Record? {
        while position < tokens.count && !tokens[position].isEmpty { position += 1 }
        guard position + fields < tokens.count else { return nil }
        let header = tokens[(position + 1)...(position + fields)].map { String(decoding: $0, as: UTF8.self) }
        position += fields + 1
        var files: [String] = []
        while position < tokens.count && !tokens[position].isEmpty {
            var token = tokens[position]
            if files.isEmpty && token.first == UInt8(ascii: "\n") { token = token.dropFirst() }
            files.append(String(decoding: token, as: UTF8.self))
            position += 1
        }
        return Record(fields: header, files: files)
    }
}
