import Crypto
import Foundation
import AudregCore

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
