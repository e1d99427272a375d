/// OSCAL's `string` data type, which every `props[].value` is: `^\S(.*\S)?$`, an ECMAScript pattern in
/// OSCAL's JSON schema. `\s` there is Unicode's White_Space and U+FEFF; `.` matches anything but CR, LF,
/// U+2028 and U+2029.
public enum OSCALString {
    /// Why `value` is no OSCAL string; nil when it is one.
    public static func problem(_ value: String) -> String? {
        let isSpace = { (scalar: Unicode.Scalar) in scalar.properties.isWhitespace || scalar.value == 0xFEFF }
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return "it is empty" }
        if isSpace(first) || isSpace(last) {
            return "it has whitespace at its start or end (\(UnsafeScalar.codePoint(isSpace(first) ? first : last)))"
        }
        if let line = value.unicodeScalars.first(where: { [0x0A, 0x0D, 0x2028, 0x2029].contains($0.value) }) {
            return "it holds a line break (\(UnsafeScalar.codePoint(line)))"
        }
        return nil
    }
}
