import Crypto
import AudregCore

/// RFC 9562 version-5 UUIDs (SHA-1, name-based): the same name always gives the same UUID, so two
/// exports of an unchanged registry are identical and a diff between exports shows real changes.
public enum StableUUID {
    /// audreg's namespace, itself the v5 UUID of "audreg" in the URL namespace.
    public static let namespace = v5(name: "https://audreg.dev/oscal", namespace: "6ba7b811-9dad-11d1-80b4-00c04fd430c8")

    public static func v5(name: String, namespace: String = StableUUID.namespace) -> String {
        var bytes = hexBytes(namespace)
        bytes.append(contentsOf: Array(name.utf8))
        var digest = Array(Insecure.SHA1.hash(data: bytes).prefix(16))
        digest[6] = (digest[6] & 0x0F) | 0x50
        digest[8] = (digest[8] & 0x3F) | 0x80
        let hex = digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    static func hexBytes(_ uuid: String) -> [UInt8] {
        let hex = Array(uuid.replacingAll([("-", "")]))
        return stride(from: 0, to: hex.count, by: 2).map { UInt8(String(hex[$0...$0 + 1]), radix: 16)! }
    }
}
