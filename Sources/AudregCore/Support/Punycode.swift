/// RFC 3492 decoding of an IDNA label's part after `xn--`, for comparing hosts as people read them.
/// Every step is checked: a label that is not valid punycode (bad digit, overflow, a surrogate or a
/// value past U+10FFFF) gives nil and is left as written.
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    static func decode(_ input: [UInt8]) -> String? {
        var output: [UInt32] = []
        var start = 0
        if let delimiter = input.lastIndex(of: UInt8(ascii: "-")) {
            for byte in input[..<delimiter] {
                guard byte < 0x80 else { return nil }
                output.append(UInt32(byte))
            }
            start = delimiter + 1
        }
        var n = initialN, i = 0, bias = initialBias
        var index = start
        while index < input.count {
            let oldI = i
            var weight = 1
            var k = base
            while true {
                guard index < input.count, let digit = digit(input[index]) else { return nil }
                index += 1
                let (product, overflowA) = digit.multipliedReportingOverflow(by: weight)
                let (sum, overflowB) = i.addingReportingOverflow(product)
                guard !overflowA, !overflowB else { return nil }
                i = sum
                let threshold = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < threshold { break }
                let (next, overflowC) = weight.multipliedReportingOverflow(by: base - threshold)
                guard !overflowC else { return nil }
                weight = next
                k += base
            }
            let count = output.count + 1
            bias = adapt(i - oldI, count: count, first: oldI == 0)
            let (added, overflow) = n.addingReportingOverflow(i / count)
            guard !overflow, added <= 0x10FFFF, !(0xD800...0xDFFF).contains(added) else { return nil }
            n = added
            i %= count
            output.insert(UInt32(n), at: i)
            i += 1
        }
        var result = ""
        for value in output {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    private static func digit(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0")) + 26
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(byte - UInt8(ascii: "a"))
        default: return nil
        }
    }

    private static func adapt(_ delta: Int, count: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
