import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("CLI: serve")
struct ServeCommandTests {
    @Test("usage errors exit 2 before anything is served: a missing registry, a port out of range")
    func usageErrors() throws {
        let temporary = TemporaryDirectory()
        let missing = try PRSupport.audreg(["serve", temporary.path + "/nothing", "--port", "0"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does not exist"), "\(missing.stderr)")
        let port = try PRSupport.audreg(["serve", temporary.path, "--port", "70000"])
        #expect(port.status == 2)
        #expect(port.stderr.contains("--port"), "\(port.stderr)")
    }

    @Test("a port in use exits 2 with what to do, and leaves no temporary build behind")
    func portInUse() throws {
        let temporary = TemporaryDirectory()
        _ = try Scaffold.write(StarterRegistry.files(.init(registry: temporary.path + "/registry")))
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && listen(listener, 1) == 0
                && getsockname(listener, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let tmp = temporary.path + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = tmp
        let result = try run(PRSupport.executable, ["serve", temporary.path + "/registry", "--port", String(port), "--today", "2026-12-01"],
                             environment: environment, timeout: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(port)") && result.stderr.contains("--port 0"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
    }
}
