import Foundation

/// The folder that every file audreg reads from a registry must lie in: registry files, links inside the
/// registry, and local deployment `source:` paths. A registry arrives by pull request, so a path in it,
/// or a link committed into it, is the author's choice; without this fence `source: /etc/passwd` or a
/// link to `~/.ssh/id_ed25519` would be read on the CI runner and parts of it echoed in findings.
///
/// The root is `--root DIR` when given, else the git top-level of the registry folder (the nearest
/// ancestor holding `.git`, a folder or a worktree's file), else the registry folder itself. The nearest
/// `.git` is taken, not the outermost, so that a home folder kept in git does not widen the fence.
public struct RepositoryRoot: Sendable, Hashable, CustomStringConvertible {
    /// Absolute, with every link resolved.
    public let path: String

    public var description: String { path }

    init(resolved: String) { self.path = resolved }

    /// `directory` as the root, links resolved; nil when it is not an existing folder.
    public init?(directory: String) {
        guard let resolved = Self.realPath(directory), Self.isDirectory(resolved) else { return nil }
        self.path = resolved
    }

    /// The root for a registry folder when `--root` is not given.
    public static func discovered(forRegistry directory: String) -> RepositoryRoot? {
        guard let start = realPath(directory) else { return nil }
        var candidate = start
        while true {
            var info = stat()
            if lstat(candidate + (candidate == "/" ? ".git" : "/.git"), &info) == 0 {
                return RepositoryRoot(resolved: candidate)
            }
            if candidate == "/" { break }
            candidate = PathText.parent(candidate)
            if candidate.isEmpty { break }
        }
        return RepositoryRoot(resolved: start)
    }

    /// The explicit root if one is given, else the discovered one.
    public static func forRegistry(_ directory: String, explicit: String?) throws(RegistryError) -> RepositoryRoot {
        let root: RepositoryRoot
        if let explicit {
            guard let given = RepositoryRoot(directory: explicit) else { throw .rootNotFound(explicit) }
            root = given
        } else {
            guard let found = discovered(forRegistry: directory) else { throw .directoryNotFound(directory) }
            root = found
        }
        guard let resolved = realPath(directory) else { throw .directoryNotFound(directory) }
        guard root.contains(resolved: resolved) else { throw .outsideRoot(directory: directory, root: root.path) }
        return root
    }

    /// Whether an absolute, link-free path is the root or below it. Compared byte for byte: String's
    /// `hasPrefix` uses canonical equivalence, and the file system does not.
    public func contains(resolved: String) -> Bool {
        Self.contains(resolved, root: path)
    }

    public static func contains(_ resolved: String, root: String) -> Bool {
        let candidate = Array(resolved.utf8)
        let base = Array(root.utf8)
        guard candidate.first == UInt8(ascii: "/"), base.first == UInt8(ascii: "/") else { return false }
        if base == [UInt8(ascii: "/")] { return true }
        guard candidate.count >= base.count, candidate.starts(with: base) else { return false }
        return candidate.count == base.count || candidate[base.count] == UInt8(ascii: "/")
    }

    public enum Resolution: Sendable, Equatable {
        /// Inside the root: the link-free path to open.
        case inside(String)
        /// Resolves outside the root; it must not be opened.
        case outside
        /// The path, or a link on the way, leads nowhere.
        case missing
    }

    /// Resolves every link in `path` and says where it ends. Uses only `realpath` (`lstat` and `readlink`
    /// on each component), never `open`, so a path outside the root is refused before any of its bytes
    /// could be read; `read(_:limit:)` opens only what this returns as inside.
    public func resolve(_ path: String) -> Resolution {
        if let resolved = Self.realPath(path) {
            return contains(resolved: resolved) ? .inside(resolved) : .outside
        }
        // A path that leads nowhere is still outside when its nearest existing ancestor, links resolved,
        // plus the missing rest, is: a registry should not learn which outside paths exist.
        guard let nearest = Self.nearestExisting(path) else { return .outside }
        return contains(resolved: nearest) ? .missing : .outside
    }

    /// The deepest existing ancestor of `path` with links resolved, followed by the missing rest with
    /// `.` and `..` applied as text (nothing below the ancestor exists, so no link can change them).
    static func nearestExisting(_ path: String) -> String? {
        // Split on scalars, as the kernel reads a path: `../\u{301}x` is `..` then `\u{301}x` to it.
        let absolute = path.hasBytePrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts = absolute.splitOnScalar("/")
        var rest: [String] = []
        while true {
            let prefix = "/" + parts.joined(separator: "/")
            if let resolved = realPath(prefix) {
                var components = resolved.splitOnScalar("/")
                for part in rest {
                    if part.isExactly(".") { continue }
                    if part.isExactly("..") { if !components.isEmpty { components.removeLast() } } else { components.append(part) }
                }
                return "/" + components.joined(separator: "/")
            }
            guard let last = parts.popLast() else { return nil }
            rest.insert(last, at: 0)
        }
    }

    public enum ReadFailure: Error, Sendable, Equatable {
        case outside
        case missing
        case file(BoundedFile.Failure)

        public var message: String {
            switch self {
            case .outside: return "resolves outside the repository root, so audreg does not read it; keep the file inside the repository, or pass --root"
            case .missing: return "the file does not exist"
            case .file(let failure): return failure.message
            }
        }
    }

    /// Reads a file that must resolve inside the root, with the size bound of `BoundedFile`. The resolved
    /// path is opened with `O_NOFOLLOW`, so a link put in place after the check is refused, not followed.
    public func read(_ path: String, limit: Int = BoundedFile.defaultLimit) -> Result<[UInt8], ReadFailure> {
        switch resolve(path) {
        case .outside: return .failure(.outside)
        case .missing: return .failure(.missing)
        case .inside(let resolved): return BoundedFile.read(resolved, limit: limit, followLinks: false).mapError { .file($0) }
        }
    }

    public static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
