import Foundation

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
