import Foundation

/// The result of reading a registry directory: the entities and every problem found on the way.
public struct LoadedRegistry: Sendable {
    public var registry: Registry
    public var findings: [Finding]
    /// The directory the registry was read from, as given.
    public var directory: String
}

/// Reads every `*.yaml` / `*.yml` file below a directory, in sorted path order, into a `Registry`.
public struct RegistryLoader: Sendable {
    public var limits: YAMLLimits

    public init(limits: YAMLLimits = .default) {
        self.limits = limits
    }

    public func load(directory: String) throws(RegistryError) -> LoadedRegistry {
        let files = try Self.registryFiles(in: directory)
        // Reading and parsing are independent per file, so both happen in parallel, and each file's bytes
        // and YAML tree are dropped as soon as its entities are built; results are merged in path order,
        // which keeps the output identical to a sequential run.
        let limits = self.limits
        let parsed = ParallelMap.map(files) { relative in
            Self.entities(of: Self.read(relative, in: directory, limit: limits.maxFileBytes), file: relative, limits: limits)
        }
        var result = Self.merge(parsed)
        result.registry.files = Self.registryFiles(files, parsed)
        result.directory = directory
        guard !result.registry.files.isEmpty || !result.findings.isEmpty else { throw .noRegistryFiles(directory) }
        return result
    }

    /// Two versions of one registry, such as a pull request's base and head. A file with the same path
    /// and the same bytes on both sides is parsed once and its entities are shared by both, so comparing
    /// two versions that differ in a few files costs little more than loading one. Each side is exactly
    /// what `load(directory:)` gives; when both directories fail, the base's error is the one thrown.
    public func load(base baseDirectory: String, head headDirectory: String) throws(RegistryError) -> (base: LoadedRegistry, head: LoadedRegistry) {
        let baseFiles = try Self.registryFiles(in: baseDirectory)
        let headFiles = try Self.registryFiles(in: headDirectory)
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
            let baseRead = job.base.map { (file: baseFiles[$0], read: Self.read(baseFiles[$0], in: baseDirectory, limit: limits.maxFileBytes)) }
            let headRead = job.head.map { (file: headFiles[$0], read: Self.read(headFiles[$0], in: headDirectory, limit: limits.maxFileBytes)) }
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
        base.registry.files = Self.registryFiles(baseFiles, baseParsed)
        base.directory = baseDirectory
        let headResults = headParsed.map { $0! }
        var head = Self.merge(headResults)
        head.registry.files = Self.registryFiles(headFiles, headResults)
        head.directory = headDirectory
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

    /// The files that hold audreg documents, in the order given.
    static func registryFiles(_ files: [String], _ parsed: [EntityBuilder.FileResult]) -> [String] {
        zip(files, parsed).filter { $0.1.isRegistryFile }.map(\.0)
    }

    /// Every file's entities and findings, in file order, in arrays of exactly the size needed.
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
    /// and what `.audregignore` names are skipped.
    public static func registryFiles(in directory: String) throws(RegistryError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw .directoryNotFound(directory)
        }
        guard isDirectory.boolValue else { throw .notADirectory(directory) }
        guard FileManager.default.isReadableFile(atPath: directory) else {
            throw .unreadable(path: directory, reason: "permission denied")
        }
        var files: [String] = []
        let ignore = RegistryIgnore(directory: directory)
        DirectoryWalker.walk(directory, relative: "", ignore: ignore) { relative in
            if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") { files.append(relative) }
        }
        guard !files.isEmpty else { throw .noRegistryFiles(directory) }
        return files.sorted()
    }

    enum ReadResult: Sendable {
        case success([UInt8])
        case failure(String)
    }

    /// A registry file, by its path relative to the registry directory.
    static func read(_ relative: String, in directory: String, limit: Int) -> ReadResult {
        read((directory as NSString).appendingPathComponent(relative), limit: limit)
    }

    /// Reads a whole file with POSIX calls: Foundation's FileHandle and Data cost more than the read
    /// itself on registries of thousands of small files.
    static func read(_ path: String, limit: Int) -> ReadResult {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure("cannot open the file; check its permissions") }
        defer { close(descriptor) }
        var info = stat()
        let expected = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        // One byte past the limit is enough to know the file is too large without loading it all.
        let capacity = min(max(expected, 0), limit) + 1
        var bytes = [UInt8](repeating: 0, count: capacity)
        var count = 0
        var failure: Int32 = 0
        while count <= limit {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limit + 1 - count))) }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            if got == 0 { break }
            count += got
        }
        if failure != 0 { return .failure("cannot read the file: \(String(cString: strerror(failure)))") }
        if count > limit { return .failure("file is larger than the limit of \(limit) bytes; split it into several files") }
        bytes.removeLast(bytes.count - count)
        return .success(bytes)
    }
}

/// Lists regular files below a directory with readdir: FileManager's enumerator costs more than parsing
/// the files it finds. Hidden entries are skipped; symbolic links are not followed into directories.
enum DirectoryWalker {
    static func walk(_ directory: String, relative: String, ignore: RegistryIgnore = RegistryIgnore(), visit: (String) -> Void) {
        // A folder `audreg build` wrote (its mkdocs.yml would otherwise be read) is never registry.
        if !relative.isEmpty, RegistryIgnore.isSiteFolder(directory) { return }
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        var names: [(name: String, isDirectory: Bool)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }
            var isDirectory = Int32(entry.pointee.d_type) == Int32(DT_DIR)
            if Int32(entry.pointee.d_type) == Int32(DT_UNKNOWN) {
                var info = stat()
                if lstat(directory + "/" + name, &info) == 0 { isDirectory = (info.st_mode & S_IFMT) == S_IFDIR }
            } else if Int32(entry.pointee.d_type) == Int32(DT_LNK) {
                // A link to a file counts; a link to a directory is not followed, to avoid cycles.
                var info = stat()
                guard stat(directory + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            }
            names.append((name, isDirectory))
        }
        for (name, isDirectory) in names.sorted(by: { $0.name < $1.name }) {
            let path = relative.isEmpty ? name : relative + "/" + name
            if ignore.ignores(path, isDirectory: isDirectory) { continue }
            if isDirectory {
                walk(directory + "/" + name, relative: path, ignore: ignore, visit: visit)
            } else {
                visit(path)
            }
        }
    }
}

/// Runs independent work on all cores and returns results in input order.
enum ParallelMap {
    static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], _ transform: @Sendable (Input) -> Output) -> [Output] {
        if inputs.count < 8 { return inputs.map(transform) }
        let results = UnsafeMutableBufferPointer<Output?>.allocate(capacity: inputs.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let box = UnsafeSendableBuffer(results)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            box.buffer[index] = transform(inputs[index])
        }
        return results.map { $0! }
    }

    /// `0..<count` cut into consecutive ranges of at most `size`, for jobs that each take a slice.
    static func slices(of count: Int, size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}

/// Independent pieces of work run at the same time, for steps that are parallel inside but have serial
/// stretches (merging, sorting) during which the other piece keeps the second core busy.
enum Concurrently {
    static func run<A: Sendable, B: Sendable, C: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B,
                                                           _ third: @Sendable () -> C) -> (A, B, C) {
        let results = ResultSlots<A, B, C>()
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            switch index {
            case 0: results.first = first()
            case 1: results.second = second()
            default: results.third = third()
            }
        }
        // concurrentPerform returns after every iteration, so every slot is filled.
        return (results.first!, results.second!, results.third!)
    }
}

/// Each slot is written by exactly one iteration and read after all of them finished.
private final class ResultSlots<A, B, C>: @unchecked Sendable {
    var first: A?
    var second: B?
    var third: C?
}

/// Each index is written by exactly one iteration, so sharing the buffer across threads is safe.
private struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
