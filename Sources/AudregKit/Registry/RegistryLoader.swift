import Foundation

/// The result of reading a registry directory: the entities and every problem found on the way.
public struct LoadedRegistry: Sendable {
    public var registry: Registry
    public var findings: [Finding]
    /// The directory the registry was read from, as given.
    public var directory: String
    /// Where files were read from: the registry folder with links resolved, and the repository root every
    /// path must stay inside. Nil for a registry loaded from memory, where no file can be looked at.
    public var files: RegistryFiles? = nil
}

/// The registry's place on disk, for the rules that look at files the registry names (local deployment
/// sources) without opening them.
public struct RegistryFiles: Sendable {
    /// The registry folder, absolute, links resolved.
    public var directory: String
    public var root: RepositoryRoot
}

/// Reads every `*.yaml` / `*.yml` file below a directory, in sorted path order, into a `Registry`.
public struct RegistryLoader: Sendable {
    public var limits: YAMLLimits
    /// `--root`: the folder every file read must resolve into. nil: the registry folder's git top-level,
    /// else the registry folder itself (see `RepositoryRoot`).
    public var root: String?

    /// The most registry files one registry may hold (documented in SECURITY.md): enough for any real
    /// registry, and a stop for `audreg validate /` or a pull request that adds a million empty files.
    public static let maxFiles = 100_000
    /// `maxFiles` unless a test needs a smaller bound.
    var fileLimit = RegistryLoader.maxFiles

    public init(limits: YAMLLimits = .default, root: String? = nil) {
        self.limits = limits
        self.root = root
    }

    public func load(directory: String) throws(RegistryError) -> LoadedRegistry {
        let scan = try Self.scan(directory, root: root, maxFiles: fileLimit)
        // Reading and parsing are independent per file, so both happen in parallel, and each file's bytes
        // and YAML tree are dropped as soon as its entities are built; results are merged in path order,
        // which keeps the output identical to a sequential run.
        let limits = self.limits
        let parsed = ParallelMap.map(scan.files) { relative in
            Self.entities(of: scan.read(relative, limit: limits.maxFileBytes), file: relative, limits: limits)
        }
        var result = Self.merge(parsed)
        result.findings.append(contentsOf: scan.outsideFindings)
        result.registry.files = Self.registryFiles(scan.files, parsed)
        result.directory = directory
        result.files = RegistryFiles(directory: scan.directory, root: scan.root)
        guard !result.registry.files.isEmpty || !result.findings.isEmpty else { throw .noRegistryFiles(directory) }
        return result
    }

    /// Two versions of one registry, such as a pull request's base and head. A file with the same path
    /// and the same bytes on both sides is parsed once and its entities are shared by both, so comparing
    /// two versions that differ in a few files costs little more than loading one. Each side is exactly
    /// what `load(directory:)` gives; when both directories fail, the base's error is the one thrown.
    public func load(base baseDirectory: String, head headDirectory: String) throws(RegistryError) -> (base: LoadedRegistry, head: LoadedRegistry) {
        try load(base: baseDirectory, baseRoot: root, head: headDirectory)
    }

    /// As `load(base:head:)`, with the base's own root: a base extracted from git into a scratch folder
    /// is confined to that folder, not to the working tree's `--root`.
    public func load(base baseDirectory: String, baseRoot: String?, head headDirectory: String) throws(RegistryError) -> (base: LoadedRegistry, head: LoadedRegistry) {
        let baseScan = try Self.scan(baseDirectory, root: baseRoot, maxFiles: fileLimit)
        let headScan = try Self.scan(headDirectory, root: root, maxFiles: fileLimit)
        let baseFiles = baseScan.files
        let headFiles = headScan.files
        var headPositions: [String: Int] = [:]
        headPositions.reserveCapacity(headFiles.count)
        for (position, file) in headFiles.enumerated() { headPositions[file] = position }
        // One job per base file, with the head file of the same path if there is one, then one per head
        // file that only the head has.
        var jobs: [(base: Int?, head: Int?)] = baseFiles.indices.map { ($0, headPositions[baseFiles[$0]]) }
        var inBase = [Bool](repeating: false, count: headFiles.count)
        for job in jobs { if let head = job.head { inBase[head] = true } }
        for position in headFiles.indices where !inBase[position] { jobs.append((nil, position)) }

        let limits = self.limits
        let parsed = ParallelMap.map(jobs) { job -> (base: EntityBuilder.FileResult?, head: EntityBuilder.FileResult?) in
            let baseRead = job.base.map { (file: baseFiles[$0], read: baseScan.read(baseFiles[$0], limit: limits.maxFileBytes)) }
            let headRead = job.head.map { (file: headFiles[$0], read: headScan.read(headFiles[$0], limit: limits.maxFileBytes)) }
            if case .success(let baseBytes)? = baseRead?.read, case .success(let headBytes)? = headRead?.read, baseBytes == headBytes {
                let shared = Self.entities(of: .success(baseBytes), file: baseRead!.file, limits: limits)
                return (shared, shared)
            }
            return (baseRead.map { Self.entities(of: $0.read, file: $0.file, limits: limits) },
                    headRead.map { Self.entities(of: $0.read, file: $0.file, limits: limits) })
        }
        var headParsed = [EntityBuilder.FileResult?](repeating: nil, count: headFiles.count)
        for (job, result) in zip(jobs, parsed) { if let head = job.head { headParsed[head] = result.head } }

        let baseParsed = parsed.prefix(baseFiles.count).map { $0.base! }
        var base = Self.merge(baseParsed)
        base.findings.append(contentsOf: baseScan.outsideFindings)
        base.registry.files = Self.registryFiles(baseFiles, baseParsed)
        base.directory = baseDirectory
        base.files = RegistryFiles(directory: baseScan.directory, root: baseScan.root)
        let headResults = headParsed.map { $0! }
        var head = Self.merge(headResults)
        head.findings.append(contentsOf: headScan.outsideFindings)
        head.registry.files = Self.registryFiles(headFiles, headResults)
        head.directory = headDirectory
        head.files = RegistryFiles(directory: headScan.directory, root: headScan.root)
        return (base, head)
    }

    /// One file's entities, or the finding that it could not be read.
    static func entities(of read: ReadResult, file relative: String, limits: YAMLLimits) -> EntityBuilder.FileResult {
        switch read {
        case .success(let bytes):
            return EntityBuilder.entities(in: YAMLParser.parse(bytes: bytes, limits: limits), file: relative, bytes: bytes)
        case .failure(let message):
            var result = EntityBuilder.FileResult()
            result.findings.append(Finding(ruleID: LoaderRuleID.yamlSyntax, severity: .error, message: message,
                                           location: SourceLocation(file: relative, line: 1, column: 1)))
            // A file that cannot be read still has a name, which is registry text like any other.
            result.findings += UnsafeCharacterRule.findings(in: YAMLParseResult(documents: [], diagnostics: []), file: relative)
            return result
        }
    }

    /// Loads in-memory files (path relative to the registry root, and contents); used by tests and rule examples.
    public func load(sources: [(path: String, bytes: [UInt8])]) -> LoadedRegistry {
        let sorted = sources.sorted { $0.path < $1.path }
        // Parsing dominates the cost and files are independent, so they are parsed in parallel and
        // merged in path order, which keeps the output identical to a sequential run.
        let parsed = ParallelMap.map(sorted) { source in
            EntityBuilder.entities(in: YAMLParser.parse(bytes: source.bytes, limits: limits), file: source.path, bytes: source.bytes)
        }
        var result = Self.merge(parsed)
        result.registry.files = Self.registryFiles(sorted.map(\.path), parsed)
        return result
    }

    /// Every file's entities and findings, in file order, in arrays of exactly the size needed.
    /// The files that hold audreg documents, in the order given.
    static func registryFiles(_ files: [String], _ parsed: [EntityBuilder.FileResult]) -> [String] {
        zip(files, parsed).filter { $0.1.isRegistryFile }.map(\.0)
    }

    static func merge(_ parsed: [EntityBuilder.FileResult]) -> LoadedRegistry {
        var registry = Registry()
        var counts = (services: 0, issuers: 0, teams: 0, findings: 0)
        for fileResult in parsed {
            counts.findings += fileResult.findings.count
            for entity in fileResult.entities {
                switch entity {
                case .service: counts.services += 1
                case .issuer: counts.issuers += 1
                case .team: counts.teams += 1
                case .policy: break
                }
            }
        }
        registry.services.reserveCapacity(counts.services)
        registry.issuers.reserveCapacity(counts.issuers)
        registry.teams.reserveCapacity(counts.teams)
        var findings: [Finding] = []
        findings.reserveCapacity(counts.findings)
        for fileResult in parsed {
            findings.append(contentsOf: fileResult.findings)
            for entity in fileResult.entities {
                switch entity {
                case .service(let service): registry.services.append(service)
                case .issuer(let issuer): registry.issuers.append(issuer)
                case .team(let team): registry.teams.append(team)
                case .policy(let policy): registry.policies.append(policy)
                }
            }
        }
        return LoadedRegistry(registry: registry, findings: findings, directory: "")
    }

    public func load(text: String, file: String = "registry.yaml") -> LoadedRegistry {
        load(sources: [(file, Array(text.utf8))])
    }

    /// YAML files below `directory`, relative to it, sorted: the candidates, of which those that declare
    /// `apiVersion: audreg/…` are the registry. Hidden files and folders, folders a site was built into,
    /// what `.audregignore` names, and links that resolve outside the repository root are skipped.
    public static func registryFiles(in directory: String, root: String? = nil) throws(RegistryError) -> [String] {
        try scan(directory, root: root).files
    }

    /// What a registry folder holds: its files, and the links among them that lead out of the root.
    struct Scan: Sendable {
        /// The registry folder with every link resolved; files are read below it.
        var directory: String
        var root: RepositoryRoot
        var files: [String]
        /// Registry-named links whose target lies outside the root: reported, never opened.
        var outside: [String]

        var outsideFindings: [Finding] {
            outside.map { relative in
                Finding(ruleID: SourceOutsideRootRule.id, severity: .error,
                        message: "'\(relative)' is a link that resolves outside the repository root, so audreg does not follow it; commit the file itself, or pass --root",
                        location: SourceLocation(file: relative, line: 1, column: 1))
            }
        }

        /// A registry file. A plain file is opened with O_NOFOLLOW: the walk saw no link there, and a link
        /// swapped in since is refused. A link is resolved and checked against the root first.
        func read(_ relative: String, limit: Int) -> ReadResult {
            let path = directory + "/" + relative
            switch BoundedFile.read(path, limit: limit, followLinks: false) {
            case .success(let bytes): return .success(bytes)
            case .failure(.isLink):
                switch root.read(path, limit: limit) {
                case .success(let bytes): return .success(bytes)
                case .failure(let failure): return .failure(failure.message)
                }
            case .failure(let failure): return .failure(failure.message)
            }
        }
    }

    static func scan(_ directory: String, root explicitRoot: String?, maxFiles: Int = RegistryLoader.maxFiles) throws(RegistryError) -> Scan {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw .directoryNotFound(directory)
        }
        guard isDirectory.boolValue else { throw .notADirectory(directory) }
        guard FileManager.default.isReadableFile(atPath: directory) else {
            throw .unreadable(path: directory, reason: "permission denied")
        }
        let root = try RepositoryRoot.forRegistry(directory, explicit: explicitRoot)
        guard let resolved = RepositoryRoot.realPath(directory) else { throw .directoryNotFound(directory) }
        var files: [String] = []
        var outside: [String] = []
        var tooMany = false
        let ignore = RegistryIgnore(directory: resolved)
        DirectoryWalker.walk(resolved, relative: "", root: root, ignore: ignore, maxEntries: maxFiles) { entry in
            switch entry {
            case .file(let relative):
                guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") else { return true }
                files.append(relative)
                if files.count > maxFiles {
                    tooMany = true
                    return false
                }
            case .linkOutsideRoot(let relative):
                if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") { outside.append(relative) }
            case .tooManyEntries:
                tooMany = true
                return false
            }
            return true
        }
        if tooMany { throw .tooManyFiles(directory: directory, limit: maxFiles) }
        guard !files.isEmpty || !outside.isEmpty else { throw .noRegistryFiles(directory) }
        return Scan(directory: resolved, root: root, files: files.sorted(), outside: outside.sorted())
    }

    enum ReadResult: Sendable {
        case success([UInt8])
        case failure(String)
    }
}

/// Lists regular files below a directory with readdir: FileManager's enumerator costs more than parsing
/// the files it finds. Hidden entries are skipped; symbolic links are not followed into directories, and
/// a link to a file counts only when it resolves inside the repository root.
enum DirectoryWalker {
    enum Entry {
        case file(String)
        case linkOutsideRoot(String)
        /// One folder holds more entries than a registry may hold files; the rest were not listed.
        case tooManyEntries
    }

    /// Calls `visit` for each entry in sorted order; `visit` returns false to stop the walk.
    @discardableResult
    static func walk(_ directory: String, relative: String, root: RepositoryRoot, ignore: RegistryIgnore = RegistryIgnore(),
                     maxEntries: Int, visit: (Entry) -> Bool) -> Bool {
        // A folder `audreg build` wrote (its mkdocs.yml would otherwise be read) is never registry.
        if !relative.isEmpty, RegistryIgnore.isSiteFolder(directory) { return true }
        guard let handle = opendir(directory) else { return true }
        var names: [(name: String, kind: Kind)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }
            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                var info = stat()
                guard lstat(directory + "/" + name, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: type = Int32(DT_DIR)
                case S_IFLNK: type = Int32(DT_LNK)
                case S_IFREG: type = Int32(DT_REG)
                default: continue
                }
            }
            switch type {
            case Int32(DT_DIR): names.append((name, .directory))
            case Int32(DT_REG): names.append((name, .file))
            case Int32(DT_LNK):
                // realpath only reads links; the target is not opened. A link to a directory is not
                // followed, to avoid cycles; one to a file counts only when it stays inside the root.
                switch root.resolve(directory + "/" + name) {
                case .inside(let target):
                    var info = stat()
                    if stat(target, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { names.append((name, .file)) }
                case .outside: names.append((name, .outside))
                case .missing: continue
                }
            default: continue
            }
            // A folder with millions of entries is refused without listing it all.
            if names.count > maxEntries {
                closedir(handle)
                return visit(.tooManyEntries) && false
            }
        }
        closedir(handle)
        for (name, kind) in names.sorted(by: { $0.name < $1.name }) {
            let path = relative.isEmpty ? name : relative + "/" + name
            if ignore.ignores(path, isDirectory: kind == .directory) { continue }
            switch kind {
            case .directory:
                if !walk(directory + "/" + name, relative: path, root: root, ignore: ignore, maxEntries: maxEntries, visit: visit) { return false }
            case .file:
                if !visit(.file(path)) { return false }
            case .outside:
                if !visit(.linkOutsideRoot(path)) { return false }
            }
        }
        return true
    }

    enum Kind {
        case directory, file, outside
    }
}

/// Runs independent work on all cores and returns results in input order.
enum ParallelMap {
    static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], _ transform: @Sendable (Input) -> Output) -> [Output] {
        if inputs.count < 8 { return inputs.map(transform) }
        return onAllCores(inputs, transform)
    }

    /// As `map`, without the sequential path for short inputs.
    static func onAllCores<Input: Sendable, Output: Sendable>(_ inputs: [Input], _ transform: @Sendable (Input) -> Output) -> [Output] {
        Array(unsafeUninitializedCapacity: inputs.count) { buffer, initialized in
            let slots = DisjointSlots(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
                slots.buffer.initializeElement(at: index, to: transform(inputs[index]))
            }
            // concurrentPerform returns after every iteration, so every element is initialized.
            initialized = inputs.count
        }
    }

    /// `0..<count` cut into consecutive ranges of at most `size`, for jobs that each take a slice.
    static func slices(of count: Int, size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}

/// The result array's storage, written by `ParallelMap`'s iterations.
///
/// Why `@unchecked Sendable` is sound: iteration `i` initializes element `i` and nothing else, so no
/// two threads ever touch the same element; nothing reads the buffer until `concurrentPerform` has
/// returned, which happens after every iteration has finished (a happens-before edge). A `Locked` array
/// did the same job measurably slower (BENCHMARKS.md, "…; concurrency without unchecked boxes").
private struct DisjointSlots<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
}

/// Independent pieces of work run at the same time, for steps that are parallel inside but have serial
/// stretches (merging, sorting) during which the other piece keeps the second core busy.
enum Concurrently {
    static func run<A: Sendable, B: Sendable, C: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B,
                                                           _ third: @Sendable () -> C) -> (A, B, C) {
        let results = ParallelMap.onAllCores([0, 1, 2]) { index -> Piece<A, B, C> in
            switch index {
            case 0: .first(first())
            case 1: .second(second())
            default: .third(third())
            }
        }
        guard case .first(let a) = results[0], case .second(let b) = results[1], case .third(let c) = results[2] else {
            preconditionFailure("ParallelMap returns results in input order")
        }
        return (a, b, c)
    }

    private enum Piece<A: Sendable, B: Sendable, C: Sendable>: Sendable {
        case first(A), second(B), third(C)
    }
}
