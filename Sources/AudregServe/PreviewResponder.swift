import AudregCore
import Foundation
import Hummingbird

/// Answers the preview's requests: files of the current build (HTML with the live-reload script and,
/// while there are problems, the overlay), the event stream, and nothing else.
@available(macOS 14, *)
struct PreviewResponder: Sendable {
    let state: PreviewState
    /// Bound to a loopback address: only requests that name a loopback host are answered, so a web page
    /// elsewhere cannot read the preview through a DNS name it points at 127.0.0.1 (DNS rebinding).
    let loopbackOnly: Bool

    func respond(to request: Request) async -> Response {
        guard request.method == .get || request.method == .head else {
            var response = Self.text(.methodNotAllowed, "only GET and HEAD\n")
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        if loopbackOnly && !Self.namesLoopback(request.head.authority) {
            return Self.text(.misdirectedRequest, "audreg serve answers only requests for 127.0.0.1, localhost or [::1]\n")
        }
        let path = request.uri.path
        if path == LiveReload.eventsPath { return events(request) }
        let current = state.current
        let served: ServedPath
        switch ServedPath.resolve(path) {
        case .success(let resolved): served = resolved
        case .failure(.hidden): return page(.notFound, Self.message("Not found"), current: current, head: request.method == .head)
        case .failure: return Self.text(.badRequest, "bad request path\n")
        }
        guard let site = current.site else {
            return page(.serviceUnavailable, Self.message("The site has not been built yet"), current: current, head: request.method == .head)
        }
        switch SiteFile.lookup(served, in: site) {
        case .file(let file):
            guard let data = FileManager.default.contents(atPath: file) else {
                return page(.notFound, Self.message("Not found"), current: current, head: request.method == .head)
            }
            let type = ContentTypes.forFile(file)
            let bytes = type.hasPrefix("text/html") ? addition(current, to: Array(data)) : Array(data)
            return Self.response(.ok, type: type, bytes, head: request.method == .head)
        case .folderWithoutSlash:
            // Built from the checked names, never from the raw path: `//host` would be another site.
            var response = Response(status: .movedPermanently)
            response.headers[.location] = "/" + served.components.map(Self.percentEncoded).joined(separator: "/") + "/"
            response.headers[.cacheControl] = "no-store"
            return response
        case .notFound:
            return page(.notFound, Self.message("Not found"), current: current, head: request.method == .head)
        }
    }

    /// Server-sent events: the page's state token now and after every change.
    func events(_ request: Request) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        guard request.method == .get else { return Response(status: .ok, headers: headers) }
        let tokens = state.subscribe()
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // A reconnecting page asks again after half a second instead of the browser's default three.
            try await writer.write(ByteBuffer(string: "retry: 500\n\n"))
            for await token in tokens {
                try await writer.write(ByteBuffer(string: "data: \(token)\n\n"))
            }
            try await writer.finish(nil)
        })
    }

    /// The overlay (when there are problems) and the reload script, for an HTML page.
    func addition(_ current: PreviewState.Current, to page: [UInt8]) -> [UInt8] {
        let overlay = LiveReload.overlay(current.problems, showingPreviousBuild: current.site != nil)
        return LiveReload.inject(overlay + LiveReload.script(state: current.token), into: page)
    }

    /// A page of the preview's own (not found, not built yet), which reloads like the site's pages.
    func page(_ status: HTTPResponse.Status, _ body: String, current: PreviewState.Current, head: Bool) -> Response {
        let html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>audreg serve</title></head><body>\(body)</body></html>"
        return Self.response(status, type: "text/html; charset=utf-8", addition(current, to: Array(html.utf8)), head: head)
    }

    static func message(_ text: String) -> String {
        "<main style=\"font:16px system-ui,sans-serif;margin:8em 2em 2em\"><h1>\(HTMLEscaping.escape(text))</h1>"
            + "<p><a href=\"/\">The site's start page</a></p></main>"
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        response(status, type: "text/plain; charset=utf-8", Array(text.utf8), head: false)
    }

    static func response(_ status: HTTPResponse.Status, type: String, _ bytes: [UInt8], head: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentLength] = String(bytes.count)
        // A preview changes under the browser: never answer from a cache.
        headers[.cacheControl] = "no-store"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        return Response(status: status, headers: headers, body: head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Whether a Host header names a loopback host (any port): `localhost`, `127.x.x.x`, `[::1]`.
    static func namesLoopback(_ authority: String?) -> Bool {
        guard var host = authority?.lowercased(), !host.isEmpty else { return false }
        if host.hasPrefix("[") {
            guard let end = host.firstIndex(of: "]") else { return false }
            return host[host.index(after: host.startIndex)..<end] == "::1"
        }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { part in UInt8(part) != nil }
    }

    /// Whether the server's bind address is a loopback one.
    static func isLoopback(_ host: String) -> Bool {
        namesLoopback(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host)
    }

    static func percentEncoded(_ name: String) -> String {
        var output = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return output
    }
}
