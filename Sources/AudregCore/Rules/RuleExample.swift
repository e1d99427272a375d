import Foundation

/// A small registry that shows a rule at work. `↓` marks each place a finding of the rule must start;
/// a triggering example must raise the rule at every marker and nowhere else, a non-triggering one never.
public struct RuleExample: Sendable {
    public static let marker: Character = "↓"
    public static let defaultToday = Day(year: 2026, month: 6, day: 1)!

    public var yaml: String
    public var today: Day
    /// Where the example is written, so a failing example points back at its rule file.
    public var sourceFile: String
    public var sourceLine: Int

    public init(_ yaml: String, today: Day = RuleExample.defaultToday, file: String = #filePath, line: Int = #line) {
        self.yaml = yaml
        self.today = today
        self.sourceFile = file
        self.sourceLine = line
    }

    /// The YAML with markers removed, and the 1-based positions they marked.
    public var unmarked: (yaml: String, markers: [TextPosition]) {
        var text = ""
        var markers: [TextPosition] = []
        var line = 1
        var column = 1
        for scalar in yaml.unicodeScalars {
            if Character(scalar) == RuleExample.marker {
                markers.append(TextPosition(line: line, column: column))
                continue
            }
            text.unicodeScalars.append(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (text, markers)
    }
}
