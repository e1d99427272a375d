import Foundation

/// Why the base registry could not be read from git.
public struct GitBaseError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The registry as it was at a git ref, extracted by git itself (`git archive`) into a temporary folder.
public struct GitBaseTree: Sendable {
    /// The registry directory inside the extracted tree; nil when the registry did not exist at that ref.
    public let registryPath: String?
    /// The temporary folder; `remove()` deletes it.
    public let temporaryRoot: String

    public func remove() {
        try? FileManager.default.removeItem(atPath: temporaryRoot)
    }

    /// Extracts the folder that `registryDirectory` (a path in a git working tree) names, as of `ref`.
    public static func extract(ref: String, registryDirectory: String) throws -> GitBaseTree {
        guard !ref.hasPrefix("-") else { throw GitBaseError("--git-base '\(ref)' is not a ref") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: registryDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GitBaseError("registry directory '\(registryDirectory)' does not exist in the working tree")
        }
        let topLevel = try git(["rev-parse", "--show-toplevel"], in: registryDirectory,
                               failure: "'\(registryDirectory)' is not inside a git working tree")
        let prefix = try git(["rev-parse", "--show-prefix"], in: registryDirectory, failure: "cannot locate '\(registryDirectory)' in its repository")
        _ = try git(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"], in: topLevel,
                    failure: "git does not know the ref '\(ref)'; fetch it first (in CI: actions/checkout with fetch-depth: 0)")

        let root = (NSTemporaryDirectory() as NSString).appendingPathComponent("audreg-base-\(UUID().uuidString)")
        let tree = (root as NSString).appendingPathComponent("tree")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        do {
            let pathspec = prefix.isEmpty ? "." : String(prefix.dropLast(prefix.hasSuffix("/") ? 1 : 0))
            let listed = try git(["ls-tree", "--name-only", ref, "--", pathspec], in: topLevel, failure: "cannot list '\(pathspec)' at '\(ref)'")
            guard !listed.isEmpty else { return GitBaseTree(registryPath: nil, temporaryRoot: root) }
            let archive = (root as NSString).appendingPathComponent("base.tar")
            _ = try git(["archive", "--format=tar", "-o", archive, ref, "--", pathspec], in: topLevel,
                        failure: "git archive of '\(pathspec)' at '\(ref)' failed")
            let untar = try GitProcess.run("tar", ["-xf", archive, "-C", tree], in: root)
            guard untar.status == 0 else { throw GitBaseError("cannot unpack the base tree: \(untar.stderr.gitTrimmed)") }
            try? FileManager.default.removeItem(atPath: archive)
            return GitBaseTree(registryPath: prefix.isEmpty ? tree : (tree as NSString).appendingPathComponent(pathspec), temporaryRoot: root)
        } catch {
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
    }

    static func git(_ arguments: [String], in directory: String, failure: String) throws -> String {
        let result = try GitProcess.run("git", arguments, in: directory)
        guard result.status == 0 else {
            let detail = result.stderr.gitTrimmed
            throw GitBaseError(detail.isEmpty ? failure : "\(failure): \(detail)")
        }
        return result.stdout.gitTrimmed
    }
}

/// Runs a program found on PATH and collects its output; both pipes are drained at once so neither fills up.
enum GitProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ program: String, _ arguments: [String], in directory: String) throws -> Result {
        let result = try runBytes(program, arguments, in: directory)
        return Result(status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self), stderr: result.stderr)
    }

    /// As `run`, with the output as bytes (blobs, NUL-separated logs) and stdin read from `input`, a file:
    /// a file cannot fill up while the output is read, as a pipe could.
    static func runBytes(_ program: String, _ arguments: [String], in directory: String,
                         input: String? = nil) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        // Starting a process costs tens of milliseconds here and `build` asks git up to seven things;
        // where git could not find a repository, its answer is known without asking.
        if program == "git", let command = arguments.first, repositoryCommands.contains(command), !mayFindRepository(from: directory) {
            return (128, [], "fatal: not a git repository (or any of the parent directories): .git")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        process.environment = environment
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        if let input {
            guard let handle = FileHandle(forReadingAtPath: input) else { throw GitBaseError("cannot read '\(input)'") }
            process.standardInput = handle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        do {
            try process.run()
        } catch {
            throw GitBaseError("cannot run \(program): \(error.localizedDescription); is it installed and on PATH?")
        }
        let errorData = Locked(Data())
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errorData.withLock { $0 = data }
            group.leave()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, [UInt8](outputData), String(decoding: errorData.withLock { $0 }, as: UTF8.self))
    }
}

extension GitProcess {
    /// The git commands audreg runs that work only in a repository (`init` does not).
    static let repositoryCommands: Set<String> = ["rev-parse", "log", "config", "ls-tree", "cat-file", "archive", "status"]

    /// Whether git, started in `directory`, could find a repository: false only when no folder from
    /// `directory` (its physical path, as git sees its working directory) up to the root holds `.git`
    /// (a folder or a file) or is itself a repository's folder (`HEAD`, `objects` and `refs`), and no
    /// `GIT_DIR` or `GIT_WORK_TREE` points elsewhere. git discovers a repository by the same walk, so
    /// false means git would answer "not a git repository"; true means ask git.
    static func mayFindRepository(from directory: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if environment["GIT_DIR"] != nil || environment["GIT_WORK_TREE"] != nil { return true }
        guard let resolved = realpath(directory, nil) else { return true }
        var path = String(cString: resolved)
        free(resolved)
        let files = FileManager.default
        while true {
            let folder = path.hasSuffix("/") ? path : path + "/"
            if files.fileExists(atPath: folder + ".git") { return true }
            if files.fileExists(atPath: folder + "HEAD"), files.fileExists(atPath: folder + "objects"), files.fileExists(atPath: folder + "refs") {
                return true
            }
            guard path != "/", let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return false }
            path = slash == path.utf8.startIndex ? "/" : String(path[..<slash])
        }
    }
}

fileprivate extension String {
    var gitTrimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
