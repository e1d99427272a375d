import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift

/// Compares output with a reviewed golden file under Snapshots/. A missing file, or RECORD_SNAPSHOTS=1,
/// writes the current output and still fails, so a new baseline is never accepted silently.
package func assertSnapshot(_ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let directory = Paths.packageRoot + "/Tests/AudregCoreTests/Snapshots"
    let path = directory + "/" + name
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil
    guard !record, let expected = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data(actual.utf8))
        Issue.record("recorded snapshot \(name); review it and run the tests again", sourceLocation: sourceLocation)
        return
    }
    #expect(actual == expected, "output differs from Snapshots/\(name); if the change is intended, rerun with RECORD_SNAPSHOTS=1 and review the diff", sourceLocation: sourceLocation)
}
