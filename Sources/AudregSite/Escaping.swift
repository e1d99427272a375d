import AudregCore

/// A link target taken from the registry, kept only when it is an absolute http or https URL without
/// spaces or control characters. Anything else (`javascript:`, `data:`, relative paths) is shown as text.
public enum SafeURL {
    public static func href(_ text: String?) -> String? {
        guard let text, let parts = URLParts(text) else { return nil }
        let scheme = parts.scheme.lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        for scalar in text.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F { return nil }
            if ["\"", "'", "<", ">", "\\", "`", "{", "}", "|", "^"].contains(scalar) { return nil }
        }
        return text
    }
}

/// File names for things whose IDs are not registry names (control IDs such as `PR.AA-05` or
/// `GOVERN 1.6`): lowercase ASCII letters and digits, every other run of characters one hyphen.
public enum Slug {
    public static func make(_ text: String) -> String {
        var output = ""
        var pendingHyphen = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isLower = value >= 0x61 && value <= 0x7A
            let isUpper = value >= 0x41 && value <= 0x5A
            let isDigit = value >= 0x30 && value <= 0x39
            if isLower || isUpper || isDigit {
                if pendingHyphen && !output.isEmpty { output.append("-") }
                pendingHyphen = false
                output.unicodeScalars.append(isUpper ? Unicode.Scalar(value + 0x20)! : scalar)
            } else {
                pendingHyphen = true
            }
        }
        if output.isEmpty { output = "x" }
        return String(output.prefix(80))
    }

    /// Slugs for a list of IDs, made unique in list order by appending `-2`, `-3`.
    public static func unique(_ ids: [String]) -> [String: String] {
        var used = Set<String>()
        var result: [String: String] = [:]
        for id in ids where result[id] == nil {
            let base = make(id)
            var candidate = base
            var counter = 2
            while used.contains(candidate) {
                candidate = "\(base)-\(counter)"
                counter += 1
            }
            used.insert(candidate)
            result[id] = candidate
        }
        return result
    }
}
