/// How many findings of each rule the loading of one file builds. `Validator.capped` lists at most
/// `maxFindingsPerRulePerFile` per rule per file (one more costs what its count line would), so building
/// more only spends memory: a 14 MB file of a million unknown keys built a million messages, 0.4 GB, and
/// then as much again while the cap dropped them. Past `perRule`, findings are only counted, in one
/// stand-in finding per rule whose `omittedCount` says how many it stands for; `capped` adds them to
/// its count line.
struct FindingBudget: Sendable {
    static let perRule = Validator.maxFindingsPerRulePerFile + 1

    private var built: [String: Int] = [:]
    private var standIns: [String: Finding] = [:]

    /// Whether to build the next finding of `rule` (an audreg rule ID); when not, it is counted.
    /// The stand-in names no entity, so no exception suppresses the findings it counts.
    mutating func admits(_ rule: String, severity: Severity, at location: @autoclosure () -> SourceLocation) -> Bool {
        let count = built[rule, default: 0]
        if count < Self.perRule {
            built[rule] = count + 1
            return true
        }
        if standIns[rule] != nil {
            standIns[rule]!.omittedCount += 1
        } else {
            var standIn = Finding(ruleID: rule, severity: severity, message: "", location: location())
            standIn.omittedCount = 1
            standIns[rule] = standIn
        }
        return false
    }

    /// The stand-ins, in rule order, each saying what it counts.
    var standInFindings: [Finding] {
        standIns.keys.sorted().map { rule in
            var standIn = standIns[rule]!
            standIn.message = "\(standIn.omittedCount) more \(rule) finding(s) in this file were counted but not built (audreg lists at most \(Validator.maxFindingsPerRulePerFile) per rule per file)"
            return standIn
        }
    }
}
