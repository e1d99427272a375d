import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// Attacks 4 and 6 of issue 21 against the built binary: a registry from a pull request points drift and
/// explain at the runner's own network, and a key set with private members is saved.
@Suite("Network policy and --save, end to end", .serialized)
struct NetworkCLITests {
    static func registry(base: String) -> DriftScratch {
        let scratch = DriftScratch()
        scratch.write("registry/issuers.yaml", DriftTest.issuerRegistry(base: base))
        return scratch
    }

    @Test("attack 4: drift connects to nothing on loopback unless --allow-loopback or --allow-network says so")
    func driftBlocked() async throws {
        try await LoopbackServer.withServer { server in
            server.route("/keys", .respond(body: DriftFixtures.bytes("jwks/good.json")))
            server.route("/.well-known/openid-configuration", .json(DriftTest.discovery(issuer: server.baseURL, jwks: server.baseURL + "/keys")))
            let scratch = Self.registry(base: server.baseURL)
            let directory = scratch.path + "/registry"

            let blocked = try PRSupport.audreg(["drift", directory, "--today", "2026-06-01"])
            #expect(blocked.status == 1, "\(blocked.stdout)\(blocked.stderr)")
            #expect(blocked.stdout.contains("not fetched: 127.0.0.1 is a loopback address in 127.0.0.0/8, blocked by the network policy; pass --allow-loopback"),
                    "\(blocked.stdout)")
            #expect(server.totalRequests == 0)

            let allowed = try PRSupport.audreg(["drift", directory, "--today", "2026-06-01", "--allow-loopback"])
            #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
            #expect(server.totalRequests == 2)

            let cidr = try PRSupport.audreg(["drift", directory, "--today", "2026-06-01", "--allow-network", "127.0.0.1/32"])
            #expect(cidr.status == 0, "\(cidr.stdout)\(cidr.stderr)")
            #expect(server.totalRequests == 4)

            let wrongRange = try PRSupport.audreg(["drift", directory, "--today", "2026-06-01", "--allow-network", "127.0.0.2/32"])
            #expect(wrongRange.status == 1)
            #expect(server.totalRequests == 4)

            let bad = try PRSupport.audreg(["drift", directory, "--allow-network", "10.0.0.0/33"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("--allow-network '10.0.0.0/33' is not an address range"))
        }
    }

    @Test("explain --token - reads standard input with the same bound as --token-file -")
    func explainStandardInputIsBounded() throws {
        let command = "head -c 2097152 /dev/zero | tr '\\0' a | '\(Paths.executable)' explain '\(Paths.exampleRegistry)' --service orders-api --token -"
        let result = try run("/bin/bash", ["-c", command])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("cannot read a token from standard input") && result.stderr.contains("larger than the limit"), "\(result.stderr)")
    }

    @Test("attack 4: explain fetches a loopback JWKS only with --allow-loopback")
    func explainBlocked() async throws {
        try await LoopbackServer.withServer { server in
            server.route("/jwks.json", .respond(body: Array(try String(contentsOfFile: Paths.fixture("tokens/jwks.json"), encoding: .utf8).utf8)))
            let common = ["explain", Paths.exampleRegistry, "--service", "orders-api", "--jwks", server.baseURL + "/jwks.json",
                          "--now", "2026-12-01T10:05:00Z", "--token-file", Paths.fixture("tokens/valid.jwt")]
            let blocked = try PRSupport.audreg(common)
            #expect(blocked.status == 1, "\(blocked.stdout)\(blocked.stderr)")
            #expect(blocked.stdout.contains("blocked by the network policy"), "\(blocked.stdout)")
            #expect(server.totalRequests == 0)
            let allowed = try PRSupport.audreg(common + ["--allow-loopback"])
            #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
            #expect(server.totalRequests == 1)
        }
    }

    @Test("attack 6: drift --save writes no private member value of a bare JWK, nested keys or a string-held key set")
    func saveWritesNoSecret() async throws {
        let values = SaveRedactionTests.secretValues
        try await LoopbackServer.withServer { server in
            server.route("/keys", .respond(body: DriftFixtures.bytes("secrets/bare-jwk.json")))
            server.route("/.well-known/openid-configuration", .respond(body: DriftFixtures.bytes("secrets/nested.json")))
            let scratch = Self.registry(base: server.baseURL)
            let saved = scratch.path + "/saved"
            let run = try PRSupport.audreg(["drift", scratch.path + "/registry", "--today", "2026-06-01", "--allow-loopback", "--save", saved])
            #expect(run.status == 1)
            #expect(run.stdout.contains("jwks-private-key-material"), "\(run.stdout)")
            let files = try FileManager.default.contentsOfDirectory(atPath: saved)
            #expect(files.count == 3, "\(files)")
            for file in files {
                let bytes = try #require(FileManager.default.contents(atPath: saved + "/" + file))
                for value in values { #expect(bytes.range(of: Data(value.utf8)) == nil, "\(file) holds a private value") }
            }
            for value in values { #expect(!run.stdout.contains(value) && !run.stderr.contains(value)) }
        }
    }
}
