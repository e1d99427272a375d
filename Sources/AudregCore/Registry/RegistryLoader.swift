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
        // Paths match byte for byte: `é.yaml` in NFC and in NFD are two files, never one file's two versions.
        var headPositions: [ExactString: Int] = [:]
        headPositions.reserveCapacity(headFiles.count)
        for (position, file) in headFiles.enumerated() { headPositions[ExactString(file)] = position }
        // One job per base file, with the head file of the same path if there is one, then one per head
        // file that only the head has.
        var jobs: [(base: Int?, head: Int?)] = baseFiles.indices.map { ($0, headPositions[ExactString(baseFiles[$0])]) }
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
            result.findings.append(YAMLSyntaxRule.unreadable(message, file: relative))
            // A file that cannot be read still has a name, which is registry text like any other.
            result.findings += UnsafeCharacterRule.findings(in: YAMLParseResult(documents: [], diagnostics: []), file: relative)
            return result
        }
    }

    /// Loads in-memory files (path relative to the registry root, and contents); used by tests and rule examples.
    public func load(sources: [(path: String, bytes: [UInt8])]) -> LoadedRegistry {
        let sorted = sources.sorted { ExactText.precedes($0.path, $1.path) }
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
        package var files: [String]
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
                guard Self.isYAMLName(relative) else { return true }
                files.append(relative)
                if files.count > maxFiles {
                    tooMany = true
                    return false
                }
            case .linkOutsideRoot(let relative):
                if Self.isYAMLName(relative) { outside.append(relative) }
            case .tooManyEntries:
                tooMany = true
                return false
            }
            return true
        }
        if tooMany { throw .tooManyFiles(directory: directory, limit: maxFiles) }
        guard !files.isEmpty || !outside.isEmpty else { throw .noRegistryFiles(directory) }
        // Sorted by bytes: two names that differ only in Unicode normalization are two files, in the same
        // order on every machine (`String`'s order calls them equal, which leaves theirs to readdir).
        return Scan(directory: resolved, root: root, files: files.sorted(by: ExactText.precedes), outside: outside.sorted(by: ExactText.precedes))
    }

    /// Whether a path names a YAML file: it ends in `.yaml` or `.yml`, byte for byte.
    static func isYAMLName(_ path: String) -> Bool {
        path.hasByteSuffix(".yaml") || path.hasByteSuffix(".yml")
    }

    enum ReadResult: Sendable {
        case success([UInt8])
        case failure(String)
    }
}
