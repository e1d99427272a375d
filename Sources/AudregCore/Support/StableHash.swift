/// FNV-1a, 64 bit: a fast hash that is the same on every machine and every run (unlike `Hasher`),
/// for fingerprints and derived identifiers.
public enum StableHash {
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    public static func hex(_ text: String) -> String {
        String(fnv1a64(text), radix: 16).leftPadded(to: 16)
    }
}
