import Crypto
import Foundation
import AudregCore

/// `.audreg-export-<format>` in an `export --out` folder: the files that format's exports wrote there and
/// the SHA-256 of each as written. A folder applied as a whole (`kubectl apply --prune`, a GitOps sync)
/// keeps a file left behind for a service no longer in the registry, and with it an older, wider config;
/// the record is how the next export finds such files. The folder is often committed, so a line in it
/// proves nothing: `StaleFiles` decides what `--prune` may remove. One per format, so that
/// exporting Istio into a folder that also holds Envoy files does not remove those. No `.yaml` or `.json`
/// extension: tools that apply a folder would read it as a manifest.
public struct ExportRecord: Sendable {
    public static let formatLine = "audreg-export 1"

    public static func fileName(format: String) -> String { ".audreg-export-" + format }

    public struct Entry: Sendable {
        /// Below the `--out` folder, as the export named it (`orders-api.yaml`, `catalogs/x.json`).
        public var path: String
        /// Lowercase hex SHA-256 of the bytes written; a second one while an export replaces the file
        /// (`accepting`).
        public var digests: [String]

        public init(path: String, digest: String) {
            self.path = path
            self.digests = [digest]
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The format line, then `DIGEST  PATH` per file and digest, as `sha256sum` writes them.
    public var text: String {
        ([Self.formatLine] + entries.flatMap { entry in entry.digests.map { "\($0)  \(entry.path)" } }).joined(separator: "\n") + "\n"
    }

    /// The record to put in place before the files it lists: a path whose bytes are about to change
    /// keeps the digest of the bytes there now (`current`, when those are what `earlier` recorded) next
    /// to the new one. An export stopped after the record but before the file is replaced then leaves a
    /// record that still matches the file, and the next export does not take it for one edited since.
    public func accepting(earlier: ExportRecord?, current: (String) -> String?) -> ExportRecord {
        var recorded: [ExactString: [String]] = [:]
        for entry in earlier?.entries ?? [] { recorded[ExactString(entry.path)] = entry.digests }
        return ExportRecord(entries: entries.map { entry in
            guard let digests = recorded[ExactString(entry.path)], let new = entry.digests.first,
                  !digests.contains(where: { $0.isExactly(new) }), let now = current(entry.path),
                  digests.contains(where: { $0.isExactly(now) }) else { return entry }
            var both = entry
            both.digests = [new, now]
            return both
        })
    }

    public static func digest<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        SHA256.hash(data: Array(bytes)).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// A path the record can hold and that stays below the folder: relative, no `.` or `..` or empty
    /// part, no control character (a line break would end the entry).
    public static func isPlain(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasBytePrefix("/") else { return false }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        return path.splitOnScalar("/", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && !part.isExactly(".") && !part.isExactly("..")
        }
    }

    public struct Unreadable: Error {
        public var reason: String
    }

    /// The record at `path`; nil when there is none. A record that is there but cannot be used stops the
    /// export: going on without it would keep the files it lists.
    public static func read(_ path: String) throws(Unreadable) -> ExportRecord? {
        let bytes: [UInt8]
        switch BoundedFile.read(path, limit: 4 * 1024 * 1024, followLinks: false) {
        case .success(let read): bytes = read
        case .failure(.cannotOpen(let code)) where code == ENOENT: return nil
        case .failure(let failure): throw Unreadable(reason: "'\(path)': \(failure.message)")
        }
        var lines = String(decoding: bytes, as: UTF8.self).splitOnScalar("\n", omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first, first.isExactly(formatLine) else {
            throw Unreadable(reason: "'\(path)':1:1: not a record audreg wrote (it starts with '\(formatLine)')")
        }
        var entries: [Entry] = []
        // A path listed again would be checked again: a small record could make the export hash one
        // large file for ages. audreg writes a path twice only as `accepting` does, on consecutive
        // lines with different digests; anything else is damage.
        var listed = Set<ExactString>()
        for (index, line) in lines.enumerated().dropFirst() {
            let scalars = Array(line.unicodeScalars)
            let isDigest = scalars.count > 66 && scalars[..<64].allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
            let entryPath = isDigest ? String(String.UnicodeScalarView(scalars[66...])) : ""
            guard isDigest, scalars[64] == " ", scalars[65] == " ", isPlain(entryPath) else {
                throw Unreadable(reason: "'\(path)':\(index + 1):1: expected a SHA-256 in hex, two spaces and a path inside the folder")
            }
            let digest = String(String.UnicodeScalarView(scalars[..<64]))
            guard listed.insert(ExactString(entryPath)).inserted else {
                if let last = entries.last, last.path.isExactly(entryPath), last.digests.count == 1, !last.digests[0].isExactly(digest) {
                    entries[entries.count - 1].digests.append(digest)
                    continue
                }
                throw Unreadable(reason: "'\(path)':\(index + 1):1: '\(entryPath)' is listed again")
            }
            entries.append(Entry(path: entryPath, digest: digest))
        }
        return ExportRecord(entries: entries)
    }
}
