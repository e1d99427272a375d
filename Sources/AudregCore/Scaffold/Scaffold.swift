import Foundation

/// A file scaffolding wants to write.
public struct ScaffoldFile: Sendable, Hashable {
    /// As given by the caller (relative to the current directory, or absolute).
    public var path: String
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// What a scaffolding run did. Existing files are never overwritten: they are listed as kept.
public struct ScaffoldResult: Sendable {
    public var written: [String] = []
    public var kept: [String] = []
}

public struct ScaffoldError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// Findings that stopped `new service`, for the caller to print.
    public var findings: [Finding]

    public init(_ description: String, findings: [Finding] = []) {
        self.description = description
        self.findings = findings
    }
}

/// Shared pieces of `init` and `new service`.
public enum Scaffold {
    public static let schemaFileName = "audreg-v1.json"

    /// Writes files that do not exist yet, creating folders as needed; an existing file is kept untouched.
    /// The file is created exclusively (O_EXCL), so a file appearing meanwhile is not overwritten either.
    ///
    /// All or none: a failure removes the files and folders this call created. With `base` (init's DIR),
    /// the folders below it on the way to each file are checked before anything is written: a link or a
    /// file where a folder is expected is refused, so nothing lands outside `base` through a link. A file
    /// not below `base` as written (an explicit `--schema` elsewhere) is a place the caller chose, and its
    /// folders are created as given.
    public static func write(_ files: [ScaffoldFile], inside base: String? = nil) throws(ScaffoldError) -> ScaffoldResult {
        var result = ScaffoldResult()
        var folders = ContainedFolders(base: base ?? ".")
        var written: [String] = []
        func failure(_ path: String, _ reason: String) -> ScaffoldError {
            ScaffoldError("cannot write '\(path)': \(reason)")
        }
        let relatives = files.map { file in base.flatMap { ContainedFolders.relative(file.path, to: $0) } }
        // Every obstacle is found before the first write, so a refusal leaves DIR as it was.
        if let base {
            for (file, relative) in zip(files, relatives) {
                if let problem = ContainedFolders.obstacle(base: base, relative: relative.flatMap(parentFolder)) {
                    throw failure(file.path, problem)
                }
            }
        }
        do throws(ScaffoldError) {
            for (file, relative) in zip(files, relatives) {
                if FileManager.default.fileExists(atPath: file.path) || isSymbolicLink(file.path) {
                    result.kept.append(file.path)
                    continue
                }
                if let relative {
                    do throws(ContainedFolders.Problem) {
                        try folders.make(parentFolder(relative))
                    } catch {
                        throw failure(file.path, error.reason)
                    }
                } else {
                    let folder = PathText.parent(file.path)
                    if !folder.isEmpty {
                        do throws(ContainedFolders.Problem) {
                            try folders.makeUncontained(folder)
                        } catch {
                            throw failure(file.path, error.reason)
                        }
                    }
                }
                // O_NOFOLLOW: a link put in place of the file since the check is refused, not written through.
                let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644)
                guard descriptor >= 0 else {
                    if errno == EEXIST { result.kept.append(file.path); continue }
                    throw failure(file.path, String(cString: strerror(errno)))
                }
                written.append(file.path)
                let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                do {
                    try handle.write(contentsOf: Data(file.contents.utf8))
                    try handle.close()
                } catch {
                    throw failure(file.path, (error as NSError).localizedDescription)
                }
                result.written.append(file.path)
            }
        } catch {
            for path in written.reversed() { unlink(path) }
            folders.removeCreated()
            throw error
        }
        return result
    }

    /// `a/b` for `a/b/c.yaml`; nil for a file directly in the folder.
    static func parentFolder(_ relative: String) -> String? {
        let folder = PathText.parent(relative)
        return folder.isEmpty ? nil : folder
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    }

    /// The `# yaml-language-server: $schema=…` line for a file at `filePath`, pointing at `schemaPath`.
    public static func schemaComment(forFileAt filePath: String, schemaPath: String) -> String {
        let folder = PathText.parent(absolute(filePath))
        return "# yaml-language-server: $schema=\(relativePath(from: folder, to: absolute(schemaPath)))"
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }

    /// `../../schema/audreg-v1.json` from `/r/registry/services` to `/r/schema/audreg-v1.json`.
    static func relativePath(from folder: String, to target: String) -> String {
        let from = folder.splitOnScalar("/")
        let to = target.splitOnScalar("/")
        var common = 0
        while common < from.count, common < to.count - 1, from[common].isExactly(to[common]) { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let path = (ups + to[common...]).joined(separator: "/")
        return path
    }

    /// The schema that `audreg schema` prints, for the local copy generated files point at.
    public static func schemaFile(at path: String) -> ScaffoldFile {
        ScaffoldFile(path: path, contents: JSONSchemaExport.document().serialized())
    }

    /// A YAML scalar: plain when that is unambiguous, double-quoted with escapes otherwise.
    static func yamlScalar(_ value: String) -> String {
        let plainSafe = value.range(of: #"^[A-Za-z0-9][A-Za-z0-9._/+-]*(:[A-Za-z0-9._/+@%=?&#~-][A-Za-z0-9._/+@%=?&#~:-]*)?$"#, options: .regularExpression) != nil
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"].contains(value.lowercased())
        if plainSafe && !reserved && Double(value) == nil && Int(value) == nil { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func yamlList(_ values: [String]) -> String {
        "[" + values.map(yamlScalar).joined(separator: ", ") + "]"
    }
}

/// The folders a write creates below a base folder (`init`'s DIR, `import`'s --out), each of which must
/// stay inside the base: a folder of the registry that is a link to `/etc` would otherwise have the
/// registry's files written there.
package struct ContainedFolders {
    /// Why a folder cannot hold the files; the text says what to do next.
    package struct Problem: Error {
        package var reason: String
    }

    /// As given, for messages.
    let base: String
    /// The folders this write made, in order, for `removeCreated`.
    private(set) var created: [String] = []

    package init(base: String) { self.base = base }

    /// `path` below `base` as written (`registry/issuers/x.yaml` below `registry`: `issuers/x.yaml`); nil
    /// when it is not below it or climbs out with `..`. Compared on bytes, as the file system does.
    static func relative(_ path: String, to base: String) -> String? {
        var trimmed = base
        while trimmed.utf8.count > 1, trimmed.utf8.last == UInt8(ascii: "/") { trimmed.removeLast() }
        let rest: String
        if trimmed.isEmpty || trimmed.isExactly(".") {
            guard !path.hasBytePrefix("/") else { return nil }
            rest = path
        } else {
            let prefix = trimmed.isExactly("/") ? "/" : trimmed + "/"
            guard path.hasBytePrefix(prefix) else { return nil }
            rest = String(decoding: path.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
        }
        let parts = rest.splitOnScalar("/")
        guard !parts.isEmpty, !parts.contains(where: { $0.isExactly("..") }) else { return nil }
        return parts.filter { !$0.isExactly(".") }.joined(separator: "/")
    }

    /// The first folder on the way from `base` to `relative` (a folder path below it) that is a link or
    /// not a folder, as it is now; nil when every one is a folder or missing. The base itself may be a
    /// link (a registry kept elsewhere); only what is below it must not be.
    package static func obstacle(base: String, relative: String?) -> String? {
        if let problem = kind(of: base, mayBeLink: true) { return problem }
        var path = base
        for part in (relative ?? "").splitOnScalar("/") where !part.isExactly(".") {
            path = StarterRegistry.Layout.join(path, part)
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            if let problem = kind(of: path, mayBeLink: false) { return problem }
        }
        return nil
    }

    /// What is wrong with an existing `path` where a folder is expected; nil when it is one or is missing.
    private static func kind(of path: String, mayBeLink: Bool) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return nil
        case S_IFLNK:
            if mayBeLink {
                var target = stat()
                if stat(path, &target) == 0, target.st_mode & S_IFMT == S_IFDIR { return nil }
                return "'\(path)' is a link that does not lead to a folder; make it a folder, or choose another folder"
            }
            return "'\(path)' is a symbolic link; replace the link with a folder, as audreg writes only inside the folder it is given"
        default:
            return "'\(path)' is a file, not a folder; move it away, or choose another folder"
        }
    }

    /// Creates `base` and the folders to `relative` below it that are missing. Each folder on the way is
    /// checked with `lstat` (no link is followed) and, once made, resolved: a folder that resolves outside
    /// the base, by a link swapped in meanwhile, stops the write.
    package mutating func make(_ relative: String?) throws(Problem) {
        try makeUncontained(base)
        guard let resolvedBase = RepositoryRoot.realPath(base) else {
            throw Problem(reason: "'\(base)' cannot be resolved: \(String(cString: strerror(errno)))")
        }
        var path = base
        for part in (relative ?? "").splitOnScalar("/") where !part.isExactly(".") {
            path = StarterRegistry.Layout.join(path, part)
            if mkdir(path, 0o755) == 0 {
                created.append(path)
            } else if errno != EEXIST {
                throw Problem(reason: "cannot create folder '\(path)': \(String(cString: strerror(errno)))")
            }
            if let problem = Self.kind(of: path, mayBeLink: false) { throw Problem(reason: problem) }
            guard let resolved = RepositoryRoot.realPath(path), RepositoryRoot.contains(resolved, root: resolvedBase) else {
                throw Problem(reason: "'\(path)' resolves outside '\(base)'; replace the link with a folder")
            }
        }
    }

    /// Creates `folder` and its missing ancestors, following links as given: the caller named this place.
    package mutating func makeUncontained(_ folder: String) throws(Problem) {
        var missing: [String] = []
        var current = folder
        var info = stat()
        while !current.isEmpty, !current.isExactly("/"), lstat(current, &info) != 0 {
            missing.append(current)
            current = PathText.parent(current)
        }
        for path in missing.reversed() {
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
                throw Problem(reason: "cannot create folder '\(path)': \(String(cString: strerror(errno)))")
            }
            created.append(path)
        }
        if let problem = Self.kind(of: folder, mayBeLink: true) { throw Problem(reason: problem) }
    }

    /// Removes the folders this write made, deepest first; one that is not empty (something else wrote
    /// into it meanwhile) stays.
    package func removeCreated() {
        for folder in created.reversed() { rmdir(folder) }
    }
}
