import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("Path text")
struct PathTextTests {
    @Test("a path's folder, as NSString's deletingLastPathComponent gives it, for names it traps on too",
          arguments: [("r", ""), ("a/", ""), ("a/b", "a"), ("a/b/", "a"), ("a//b", "a"), ("/a", "/"), ("/", "/"), ("", ""),
                      ("services/orders.yaml", "services"), ("/work/r/x.yaml", "/work/r")])
    func parent(pair: (String, String)) {
        #expect(PathText.parent(pair.0) == pair.1)
    }

    @Test("one-letter folder names on the command line work (Foundation traps on them)")
    func oneLetterFolders() throws {
        let directory = TemporaryDirectory()
        let initialized = try audreg("init", "r", in: directory.path)
        #expect(initialized.status == 0, "\(initialized.stderr)")
        let created = try audreg("new", "service", "orders-api", "r", "--owner", "platform-identity", "--audience", "https://orders.example.com", "--issuer", "example-idp", in: directory.path)
        #expect(created.status == 0, "\(created.stderr)")
        let exported = try audreg("export", "envoy", "r", "--out", "o", "--today", "2026-12-01", "--fail-on", "never", in: directory.path)
        #expect(exported.status == 0, "\(exported.stderr)")
        let built = try audreg("build", "r", "--out", "s", "--today", "2026-12-01", in: directory.path)
        #expect(built.status == 0, "\(built.stderr)")
    }
}
