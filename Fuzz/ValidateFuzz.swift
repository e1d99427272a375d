// libFuzzer target: a one-file registry through the whole validate pipeline and every reporter.
// Built by scripts/fuzz.sh against the AudregCore target.
@testable import AudregCore

public func fuzzValidate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let loaded = RegistryLoader().load(sources: [("fuzz.yaml", bytes)])
    let report = Validator(today: Day(year: 2026, month: 12, day: 1)!).validate(loaded)
    for finding in report.findings {
        precondition(finding.location.line >= 1 && finding.location.column >= 1, "positions are 1-based")
    }
    for format in OutputFormat.allCases {
        _ = format.render(report, options: ReportOptions(pathPrefix: "registry/"))
    }
    return 0
}
