import Foundation

/// The scalars of a string, so comparisons are exact (`String ==` uses canonical equivalence).
package func scalars(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

/// Splits on every scalar some program treats as a line break.
package func physicalLines(_ text: String) -> [String] {
    var lines: [String] = [""]
    for scalar in text.unicodeScalars {
        if ["\n", "\r", "\u{B}", "\u{C}", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) { lines.append("") } else { lines[lines.count - 1].unicodeScalars.append(scalar) }
    }
    return lines
}
