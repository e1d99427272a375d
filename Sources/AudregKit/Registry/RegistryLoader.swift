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
        var sources: [(path: String, bytes: [UInt8])] = []
        var findings: [Finding] = []
        for relative in files {
            let full = (directory as NSString).appendingPathComponent(relative)
            switch Self.read(full, limit: limits.maxFileBytes) {
            case .success(let bytes):
                sources.append((relative, bytes))
            case .failure(let message):
                findings.append(Finding(ruleID: LoaderRuleID.yamlSyntax, severity: .error, message: message,
                                        location: SourceLocation(file: relative, line: 1, column: 1)))
            }
        }
        var result = load(sources: sources)
        result.findings.append(contentsOf: findings)
        result.directory = directory
        return result
    }

    /// Loads in-memory files (path relative to the registry root, and contents); used by tests and rule examples.
    public func load(sources: [(path: String, bytes: [UInt8])]) -> LoadedRegistry {
        var registry = Registry()
        var findings: [Finding] = []
        let sorted = sources.sorted { $0.path < $1.path }
        registry.files = sorted.map(\.path)
        // Parsing dominates the cost and files are independent, so they are parsed in parallel and
        // merged in path order, which keeps the output identical to a sequential run.
        let parsed = ParallelMap.map(sorted) { source in
            EntityBuilder.entities(in: YAMLParser.parse(bytes: source.bytes, limits: limits), file: source.path)
        }
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

    /// Registry files below `directory`, relative to it, sorted. Hidden files and folders are skipped.
    public static func registryFiles(in directory: String) throws(RegistryError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw .directoryNotFound(directory)
        }
        guard isDirectory.boolValue else { throw .notADirectory(directory) }
        guard FileManager.default.isReadableFile(atPath: directory) else {
            throw .unreadable(path: directory, reason: "permission denied")
        }
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw .unreadable(path: directory, reason: "cannot list the directory")
        }
        var files: [String] = []
        while let next = enumerator.nextObject() as? String {
            let name = (next as NSString).lastPathComponent
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
            var fileIsDirectory: ObjCBool = false
            let full = (directory as NSString).appendingPathComponent(next)
            if FileManager.default.fileExists(atPath: full, isDirectory: &fileIsDirectory), !fileIsDirectory.boolValue {
                files.append(next)
            }
        }
        guard !files.isEmpty else { throw .noRegistryFiles(directory) }
        return files.sorted()
    }

    enum ReadResult {
        case success([UInt8])
        case failure(String)
    }

    static func read(_ path: String, limit: Int) -> ReadResult {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure("cannot open the file; check its permissions")
        }
        defer { try? handle.close() }
        do {
            // Read one byte past the limit: enough to know the file is too large without loading it all.
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            if data.count > limit {
                return .failure("file is larger than the limit of \(limit) bytes; split it into several files")
            }
            return .success([UInt8](data))
        } catch {
            return .failure("cannot read the file: \(error.localizedDescription)")
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
}

/// Each index is written by exactly one iteration, so sharing the buffer across threads is safe.
private struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
