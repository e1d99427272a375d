/// A length of time written as `30s`, `15m`, `1h`, `7d` or a sum such as `1h30m`.
public struct TokenLifetime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    public init?(_ text: String) {
        guard !text.isEmpty else { return nil }
        var total = 0
        var digits = ""
        var sawUnit = false
        for character in text {
            if character.isASCII && character.isNumber {
                digits.append(character)
                guard digits.count <= 9 else { return nil }
                continue
            }
            guard let amount = Int(digits) else { return nil }
            let unit: Int
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default: return nil
            }
            total += amount * unit
            digits = ""
            sawUnit = true
        }
        guard digits.isEmpty, sawUnit else { return nil }
        self.seconds = total
    }

    /// The shortest exact spelling: 90m becomes 1h30m.
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, suffix) in [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")] where rest >= unit {
            text += "\(rest / unit)\(suffix)"
            rest %= unit
        }
        return text
    }

    public static func < (lhs: TokenLifetime, rhs: TokenLifetime) -> Bool { lhs.seconds < rhs.seconds }
}
