import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
@testable import AudregCore
@testable import AudregDrift
@testable import AudregExplain
import AudregTestHelpers

/// A JWKS served over HTTP on 127.0.0.1: the path `explain` takes when keys come from a URL or from the
/// issuer's jwksUri.
@Suite("Explain: keys fetched over HTTP")
struct JWKSFetchTests {
    static let tokens = PRSupport.path("Tests/Fixtures/tokens")

    @Test("--jwks URL and the issuer's jwksUri both verify a token")
    func fetched() async throws {
        let body = try PRSupport.read("\(Self.tokens)/jwks.json")
        let server = try await PRJWKSServer.start(body: body)
        let url = "http://127.0.0.1:\(server.port)/jwks.json"
        do {
            let loaded = try RegistryLoader().load(directory: PRSupport.path("registry"))
            let token = try PRSupport.read("\(Self.tokens)/valid.jwt")
            var explainer = TokenExplainer(registry: loaded.registry, now: TokenExplainerTests.now)
            explainer.network = .loopbackAllowed
            // The suite runs its tests in parallel beside other builds; a loaded machine once took longer
            // than the 10-second default to answer on loopback.
            explainer.fetchTimeout = 60
            let given = try await explainer.explain(.token(token), service: "orders-api", keys: .given(url))
            #expect(given.verdict == .admitted, "\(given.checks)")

            var registry = loaded.registry
            let index = try #require(registry.issuers.firstIndex { $0.name == "corp-idp" })
            registry.issuers[index].jwksUri?.value = url
            var fromRegistryExplainer = TokenExplainer(registry: registry, now: TokenExplainerTests.now)
            fromRegistryExplainer.network = .loopbackAllowed
            fromRegistryExplainer.fetchTimeout = 60
            let fromRegistry = try await fromRegistryExplainer.explain(.token(token), service: "orders-api")
            #expect(fromRegistry.verdict == .admitted, "\(fromRegistry.checks)")

            let missing = try await explainer.explain(.token(token), service: "orders-api", keys: .given("http://127.0.0.1:\(server.port)/nope.json"))
            #expect(missing.check(.authentic)?.status == .notChecked)
            #expect(missing.check(.authentic)?.reason.contains("HTTP 404") == true)
            #expect(missing.verdict == .unverified)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }
}

/// Serves one body at /jwks.json and 404 elsewhere.
final class PRJWKSServer: Sendable {
    let group: MultiThreadedEventLoopGroup
    let channel: any Channel
    let port: Int

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.group = group
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(body: String) async throws -> PRJWKSServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(PRJWKSHandler(body: body))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return PRJWKSServer(group: group, channel: channel)
    }

    func stop() async throws {
        try await channel.close().get()
        try await group.shutdownGracefully()
    }
}

final class PRJWKSHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let body: String
    var path = ""

    init(body: String) { self.body = body }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri
        case .body:
            break
        case .end:
            let found = path == "/jwks.json"
            let text = found ? body : "not found"
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            headers.add(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: found ? .ok : .notFound, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
