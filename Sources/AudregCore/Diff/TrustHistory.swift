import Foundation

/// One commit of the registry's history with what it changed, classified by `TrustDiffer` (the engine
/// of `audreg diff`) against the commit before it.
public struct TrustHistoryCommit: Sendable {
    public var commit: String
    /// The committer date as git prints it (`%cI`).
    public var date: String
    /// Author name and email, and the subject: anyone who can push writes these; pages encode them.
    public var author: String
    public var email: String
    public var subject: String
    public var diff: TrustDiff

    public init(commit: String, date: String, author: String, email: String, subject: String, diff: TrustDiff) {
        self.commit = commit
        self.date = date
        self.author = author
        self.email = email
        self.subject = subject
        self.diff = diff
    }
}

/// The trust history of a registry: its last commits, newest first.
public struct TrustHistory: Sendable {
    public var commits: [TrustHistoryCommit]
    /// How many commits were asked for (`--history N`).
    public var limit: Int
    /// Set when the oldest commit read could not be compared with its parent (a shallow clone).
    public var note: String?
    /// How many (path, blob) pairs were parsed: each file version once, however many commits hold it.
    public var parsedFiles = 0

    public init(commits: [TrustHistoryCommit], limit: Int, note: String? = nil) {
        self.commits = commits
        self.limit = limit
        self.note = note
    }
}

/// Reads a registry's history from git and compares each commit with the one before it.
///
/// One `git log --raw` lists the commits and the blob of every file each one changed; one
/// `git ls-tree` gives the files before the oldest; one `git cat-file --batch` reads every blob
/// needed. Each (path, blob) is parsed once, so a commit costs the parse of the files it changed, the
/// merge of the file results into a registry, and one validation of that registry.
public enum TrustHistoryReader {
    struct FileChange {
        var path: String
        /// Nil when the commit deleted the file.
        var blob: String?
    }

    struct LogEntry {
        var commit: String
        var date: String
        var author: String
        var email: String
        var subject: String
        var changes: [FileChange]
    }

    /// Nil when `directory` is not in a git working tree or has no commit; `limit` commits at most,
    /// following first parents (a merge counts as the change it brought to the main line).
    public static func read(directory: String, limit: Int, today: Day, catalog: RuleCatalog = .builtIn,
                            limits: YAMLLimits = .default, timing options: TimingOptions = .off) throws -> TrustHistory? {
        guard limit > 0 else { return nil }
        var timing = PhaseTiming(options)
        defer { timing.report() }
        guard let log = try? GitProcess.runBytes("git", [
            "log", "-z", "--first-parent", "--diff-merges=first-parent", "--raw", "--no-abbrev", "--no-renames", "--relative",
            "-n", String(limit), "--format=%x00%H%x00%cI%x00%aN%x00%aE%x00%s", "--", ".",
        ], in: directory), log.status == 0 else { return nil }
        var entries = parseLog(log.stdout)
        timing.lap("history: git log (\(entries.count) commits)")
        guard let oldest = entries.last else { return nil }

        // The files before the oldest commit: its parent's, none for a root commit; a shallow clone has
        // no parent to read, so the oldest commit becomes the starting point and is not itself shown.
        var note: String?
        var baseRevision: String?
        if let parent = try? GitProcess.run("git", ["rev-parse", "--verify", "-q", "\(oldest.commit)^1"], in: directory), parent.status == 0 {
            baseRevision = parent.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let shallow = try? GitProcess.run("git", ["rev-parse", "--is-shallow-repository"], in: directory),
                  shallow.stdout.hasPrefix("true") {
            baseRevision = oldest.commit
            entries.removeLast()
            note = "The clone is shallow: the history starts after commit \(oldest.commit.prefix(12)), whose parent is not in it."
        }
        var base: [String: String] = [:]
        if let baseRevision {
            guard let tree = try? GitProcess.runBytes("git", ["ls-tree", "-r", "-z", baseRevision, "--", "."], in: directory),
                  tree.status == 0 else { throw GitBaseError("git ls-tree of \(baseRevision) failed") }
            for line in String(decoding: tree.stdout, as: UTF8.self).split(separator: "\u{0}") {
                // "<mode> blob <sha>\t<path>"
                guard let tab = line.firstIndex(of: "\t") else { continue }
                let fields = line[..<tab].split(separator: " ")
                let path = String(line[line.index(after: tab)...])
                guard fields.count == 3, fields[1] == "blob", isCandidate(path) else { continue }
                base[path] = String(fields[2])
            }
        }

        // Every blob any state needs, read in one pass.
        var wanted = Set(base.values)
        for entry in entries { for change in entry.changes { if let blob = change.blob { wanted.insert(blob) } } }
        let blobs = try readBlobs(Array(wanted).sorted(), in: directory, maxBytes: limits.maxFileBytes)
        timing.lap("history: git ls-tree and cat-file (\(blobs.count) blobs)")

        // Parse each (path, blob) once.
        var keys = Set<String>()
        for (path, blob) in base { keys.insert(path + "\u{0}" + blob) }
        for entry in entries { for change in entry.changes { if let blob = change.blob { keys.insert(change.path + "\u{0}" + blob) } } }
        let keyList = Array(keys)
        let parsed = ParallelMap.map(keyList) { key -> EntityBuilder.FileResult in
            let separator = key.firstIndex(of: "\u{0}")!
            let path = String(key[..<separator])
            let blob = String(key[key.index(after: separator)...])
            let read: RegistryLoader.ReadResult = blobs[blob].map { .success($0) } ?? .failure("\(path): git could not read blob \(blob.prefix(12)) (or it exceeds \(limits.maxFileBytes) bytes)")
            return RegistryLoader.entities(of: read, file: path, limits: limits)
        }
        var results: [String: EntityBuilder.FileResult] = [:]
        results.reserveCapacity(keyList.count)
        for (key, result) in zip(keyList, parsed) { results[key] = result }
        timing.lap("history: parse \(keyList.count) file versions")

        // The registry at each state, oldest first: the base, then after each commit.
        func registry(_ files: [String: String]) -> LoadedRegistry {
            let paths = files.keys.sorted()
            let fileResults = paths.map { results[$0 + "\u{0}" + files[$0]!]! }
            var loaded = RegistryLoader.merge(fileResults)
            loaded.registry.files = RegistryLoader.registryFiles(paths, fileResults)
            loaded.directory = directory
            return loaded
        }
        var states = [registry(base)]
        var files = base
        for entry in entries.reversed() {
            for change in entry.changes {
                if let blob = change.blob { files[change.path] = blob } else { files[change.path] = nil }
            }
            states.append(registry(files))
        }
        timing.lap("history: \(states.count) registries")
        let differ = TrustDiffer(today: today, catalog: catalog)
        let reports = ParallelMap.map(states) { differ.validator.validate($0) }
        timing.lap("history: validate \(states.count) registries")
        var commits: [TrustHistoryCommit] = []
        for (offset, entry) in entries.reversed().enumerated() {
            let diff = differ.diff(base: reports[offset], head: reports[offset + 1], baseLabel: "\(entry.commit)^", headLabel: entry.commit)
            commits.append(TrustHistoryCommit(commit: entry.commit, date: entry.date, author: entry.author, email: entry.email,
                                              subject: entry.subject, diff: diff))
        }
        timing.lap("history: diff \(commits.count) commits")
        var history = TrustHistory(commits: commits.reversed(), limit: limit, note: note)
        history.parsedFiles = keyList.count
        return history
    }

    /// The files the loader would consider: YAML, and not in a hidden folder (the registry's own rules
    /// about `apiVersion` then decide which are registry files).
    static func isCandidate(_ path: String) -> Bool {
        guard RegistryLoader.isYAMLName(path) else { return false }
        return !path.splitOnScalar("/").contains { $0.hasBytePrefix(".") }
    }

    /// `git log -z --raw --format=%x00H%x00date%x00name%x00email%x00subject`: a header, then for each
    /// file a `:oldmode newmode oldblob newblob status` token and its path.
    static func parseLog(_ bytes: [UInt8]) -> [LogEntry] {
        GitLogRecords(bytes, fields: 5).map { record in
            var changes: [FileChange] = []
            var index = 0
            while index + 1 < record.files.count {
                let raw = record.files[index].split(separator: " ")
                let path = record.files[index + 1]
                index += 2
                guard raw.count == 5, raw[0].hasPrefix(":"), isCandidate(path) else { continue }
                changes.append(FileChange(path: path, blob: raw[4].hasPrefix("D") ? nil : String(raw[3])))
            }
            return LogEntry(commit: record.fields[0], date: record.fields[1], author: record.fields[2], email: record.fields[3],
                            subject: record.fields[4], changes: changes)
        }
    }

    /// Blob id → bytes, from one `git cat-file --batch`; blobs over `maxBytes` are left out.
    static func readBlobs(_ ids: [String], in directory: String, maxBytes: Int) throws -> [String: [UInt8]] {
        guard !ids.isEmpty else { return [:] }
        let list = (NSTemporaryDirectory() as NSString).appendingPathComponent("audreg-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: list) }
        // Sizes first (`--batch-check`), so a blob over the limit is never read: a past commit can hold
        // a file of gigabytes that compresses to almost nothing.
        try Data(ids.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: list))
        let check = try GitProcess.runBytes("git", ["cat-file", "--batch-check"], in: directory, input: list)
        guard check.status == 0 else { throw GitBaseError("git cat-file failed: \(check.stderr)") }
        let small = String(decoding: check.stdout, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[1] == "blob", let size = Int(fields[2]), size <= maxBytes else { return nil }
            return String(fields[0])
        }
        guard !small.isEmpty else { return [:] }
        try Data(small.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: list))
        let result = try GitProcess.runBytes("git", ["cat-file", "--batch"], in: directory, input: list)
        guard result.status == 0 else { throw GitBaseError("git cat-file failed: \(result.stderr)") }
        var blobs: [String: [UInt8]] = [:]
        let out = result.stdout
        var position = 0
        while position < out.count {
            guard let newline = out[position...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = String(decoding: out[position..<newline], as: UTF8.self).split(separator: " ")
            position = newline + 1
            // "<sha> blob <size>", or "<sha> missing".
            guard header.count == 3, let size = Int(header[2]), position + size <= out.count else { continue }
            if header[1] == "blob" && size <= maxBytes { blobs[String(header[0])] = Array(out[position..<(position + size)]) }
            position += size + 1
        }
        return blobs
    }
}
