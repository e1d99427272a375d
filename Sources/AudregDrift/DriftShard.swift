import Crypto
import Foundation
import AudregCore
import AudregConfigReaders

/// `drift --shard K/N`: the part of the issuers and deployments one CI job checks. An entity belongs to
/// the shard given by FNV-1a of its kind and name bytes ("Issuer/corp-idp"), not by `hashValue`, which
/// Swift seeds anew in every process: the same name lands in the same shard on every run and machine,
/// so N jobs of one run together check everything once.
public struct DriftShard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    /// More jobs than any CI runs side by side (GitHub caps a matrix at 256); the bound keeps the
    /// list of missing shards `merge` prints short enough to read.
    public static let maxCount = 1_000

    public init?(index: Int, count: Int) {
        guard (1...Self.maxCount).contains(count), (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// "K/N", or what is wrong with the text.
    public static func parse(_ text: String) -> Result<DriftShard, ShardSyntaxError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }) else {
            return .failure(ShardSyntaxError(message: "--shard '\(text)' is not K/N; write it as 2/3 (the second of three jobs)"))
        }
        guard (1...maxCount).contains(count) else {
            return .failure(ShardSyntaxError(message: "--shard \(text): N must be between 1 and \(maxCount)"))
        }
        guard let shard = DriftShard(index: index, count: count) else {
            return .failure(ShardSyntaxError(message: "--shard \(text): K must be between 1 and \(count)"))
        }
        return .success(shard)
    }

    public struct ShardSyntaxError: Error, Sendable, Equatable {
        public let message: String
    }

    /// The shard (1-based) of an entity of `kind` named `name`, among `count`.
    public static func index(of kind: EntityKind, named name: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in kind.rawValue.utf8 + [UInt8(ascii: "/")] + Array(name.utf8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int(hash % UInt64(count)) + 1
    }

    public func contains(_ kind: EntityKind, named name: String) -> Bool {
        Self.index(of: kind, named: name, count: count) == index
    }

    public var description: String { "\(index)/\(count)" }
}

/// What identifies a registry and a drift run's settings across machines, so `drift merge` can refuse
/// shards that did not look at the same thing the same way.
public enum DriftIdentity {
    /// SHA-256 over every registry file's path and bytes in path order, each length-prefixed so no two
    /// different registries give the same input. Files that cannot be read count by their failure, as
    /// the loader reports them. "sha256:<hex>".
    public static func registryDigest(files: [String], directory: String, limit: Int = YAMLLimits.default.maxFileBytes) -> String {
        var hasher = SHA256()
        func field(_ bytes: [UInt8]) {
            var length = UInt64(bytes.count).bigEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        for file in files.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            field(Array(file.utf8))
            switch BoundedFile.read(directory + "/" + file, limit: limit) {
            case .success(let bytes): field([1] + bytes)
            case .failure(let failure): field([0] + Array(failure.message.utf8))
            }
        }
        return "sha256:" + hasher.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// The digest of a loaded registry's files, or nil for one loaded from memory.
    public static func registryDigest(of loaded: LoadedRegistry, root: String?) -> String? {
        guard let directory = loaded.files?.directory,
              let files = try? RegistryLoader.registryFiles(in: loaded.directory, root: root) else { return nil }
        return registryDigest(files: files, directory: directory)
    }

    /// SHA-256 of the settings that change what a run finds: the day (exception expiry, certificate
    /// warnings), the warning window, what is skipped, Spring properties and profiles (hashed, never written, as they
    /// may hold secrets), and live or replayed. Shards of one run share it; merge refuses others.
    public static func optionsDigest(_ options: DriftOptions, mode: DriftRun.Mode) -> String {
        var lines = [
            "today=\(options.today)", "certificateWarnDays=\(options.certificateWarnDays)",
            "checkIssuers=\(options.checkIssuers)", "checkDeployments=\(options.checkDeployments)", "mode=\(mode.rawValue)",
        ]
        for key in options.springProperties.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let value = options.springProperties[key]!
            lines.append("spring:\(key.utf8.count):\(key)=\(value.utf8.count):\(value)")
        }
        // In the order given: a later profile's documents override an earlier one's.
        for profile in options.springProfiles {
            lines.append("springProfile:\(profile.utf8.count):\(profile)")
        }
        let digest = SHA256.hash(data: Array(lines.joined(separator: "\n").utf8))
        return "sha256:" + digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
