import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
@testable import AudregCore
@testable import AudregDrift

/// A real HTTP/1.1 server on 127.0.0.1 with a random port, for fault injection: each path answers with
/// a scripted behaviour. Stop it with `stop()`.
package final class LoopbackServer: @unchecked Sendable {
    package enum Behavior: Sendable {
        case respond(status: Int = 200, contentType: String? = "application/json", body: [UInt8])
        /// Sends headers and then `chunkCount` chunks of `chunk`, one every `interval`.
        case dribble(chunk: [UInt8], chunkCount: Int, interval: TimeAmount)
        /// Reads the request and never answers.
        case hang
        /// A body of `bytes` bytes, announced or chunked.
        case huge(bytes: Int, announceLength: Bool)
        case redirect(status: Int = 302, location: String)
        /// Closes the connection without a response.
        case close
        /// Answers 200 with `body` after `delay`.
        case delayed(TimeAmount, body: [UInt8])
        /// The first `failures` requests get `status`, later ones `then`.
        case failFirst(failures: Int, status: Int, then: [UInt8])

        package static func json(_ text: String, status: Int = 200, contentType: String? = "application/json") -> Behavior {
            .respond(status: status, contentType: contentType, body: Array(text.utf8))
        }
    }

    private let lock = NSLock()
    private var routes: [String: Behavior] = [:]
    private var counts: [String: Int] = [:]
    private var inFlight = 0
    package private(set) var maxInFlight = 0
    private var channel: Channel?
    package private(set) var port: Int = 0

    package var baseURL: String { "http://127.0.0.1:\(port)" }

    package init() {}

    package func route(_ path: String, _ behavior: Behavior) {
        lock.lock(); defer { lock.unlock() }
        routes[path] = behavior
    }

    package func requests(to path: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return counts[path, default: 0]
    }

    package var totalRequests: Int {
        lock.lock(); defer { lock.unlock() }
        return counts.values.reduce(0, +)
    }

    fileprivate func began() {
        lock.lock(); defer { lock.unlock() }
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
    }

    fileprivate func ended() {
        lock.lock(); defer { lock.unlock() }
        inFlight -= 1
    }

    fileprivate func behavior(for path: String) -> (Behavior?, Int) {
        lock.lock(); defer { lock.unlock() }
        counts[path, default: 0] += 1
        return (routes[path], counts[path]!)
    }

    package func start() async throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(LoopbackHandler(server: self))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        self.channel = channel
        port = channel.localAddress!.port!
    }

    package func stop() async {
        try? await channel?.close()
    }

    package static func withServer<T>(_ body: (LoopbackServer) async throws -> T) async throws -> T {
        let server = LoopbackServer()
        try await server.start()
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}

private final class LoopbackHandler: ChannelInboundHandler {
    package typealias InboundIn = HTTPServerRequestPart
    package typealias OutboundOut = HTTPServerResponsePart

    package let server: LoopbackServer
    package var path = "/"

    package init(server: LoopbackServer) { self.server = server }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "/")
        case .body: break
        case .end: respond(context: context)
        }
    }

    package func head(_ context: ChannelHandlerContext, status: Int, headers: [(String, String)]) {
        var fields = HTTPHeaders(headers)
        if !fields.contains(name: "Content-Length") && !fields.contains(name: "Transfer-Encoding") {
            fields.add(name: "Transfer-Encoding", value: "chunked")
        }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: fields))), promise: nil)
    }

    package func body(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
    }

    package func end(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    package func respond(context: ChannelHandlerContext) {
        let (behavior, count) = server.behavior(for: path)
        switch behavior ?? .json("{\"error\": \"not found\"}", status: 404) {
        case .respond(let status, let contentType, let bytes):
            var headers = [("Content-Length", "\(bytes.count)")]
            if let contentType { headers.append(("Content-Type", contentType)) }
            head(context, status: status, headers: headers)
            body(context, bytes)
            end(context)
        case .delayed(let delay, let bytes):
            server.began()
            context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                self.server.ended()
                guard context.channel.isActive else { return }
                self.head(context, status: 200, headers: [("Content-Length", "\(bytes.count)"), ("Content-Type", "application/json")])
                self.body(context, bytes)
                self.end(context)
            }
        case .failFirst(let failures, let status, let then):
            let (code, bytes) = count <= failures ? (status, Array("{}".utf8)) : (200, then)
            head(context, status: code, headers: [("Content-Length", "\(bytes.count)"), ("Content-Type", "application/json")])
            body(context, bytes)
            end(context)
        case .redirect(let status, let location):
            head(context, status: status, headers: [("Location", location), ("Content-Length", "0")])
            end(context)
        case .hang:
            break
        case .close:
            context.close(promise: nil)
        case .huge(let bytes, let announce):
            head(context, status: 200, headers: announce ? [("Content-Length", "\(bytes)"), ("Content-Type", "application/json")] : [("Content-Type", "application/json")])
            let chunk = [UInt8](repeating: UInt8(ascii: " "), count: 64 * 1024)
            var sent = 0
            while sent < bytes {
                let size = min(chunk.count, bytes - sent)
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: chunk[0..<size])))), promise: nil)
                sent += size
                if sent % (256 * 1024) == 0 { context.flush() }
            }
            end(context)
        case .dribble(let chunk, let chunkCount, let interval):
            head(context, status: 200, headers: [("Content-Type", "application/json")])
            context.flush()
            let loop = context.eventLoop.assumeIsolated()
            func send(_ remaining: Int) {
                guard remaining > 0 else {
                    end(context)
                    return
                }
                loop.scheduleTask(in: interval) {
                    guard context.channel.isActive else { return }
                    self.body(context, chunk)
                    context.flush()
                    send(remaining - 1)
                }
            }
            send(chunkCount)
        }
    }
}
