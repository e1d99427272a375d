import Foundation
import Testing
@testable import AudregServe
import AudregTestHelpers

@Suite("Serve: request paths")
struct ServedPathTests {
    func components(_ path: String) -> [String]? {
        try? ServedPath.resolve(path).get().components
    }

    @Test("ordinary paths name files below the served folder")
    func ordinaryPaths() throws {
        #expect(components("/") == [])
        #expect(components("/index.html") == ["index.html"])
        #expect(components("/services/orders-api.html") == ["services", "orders-api.html"])
        #expect(components("/services/a%20b.html") == ["services", "a b.html"])
        #expect(components("/caf%C3%A9.html") == ["café.html"])
        #expect(try ServedPath.resolve("/services/").get().trailingSlash)
        #expect(try !ServedPath.resolve("/services").get().trailingSlash)
    }

    @Test("dot-dot in any spelling is refused, and so are separators hidden in percent-encoding")
    func traversalIsRefused() {
        for path in ["/..", "/../etc/passwd", "/services/../../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E/etc/passwd",
                     "/.%2e/etc/passwd", "/%2e./etc/passwd", "/services/%2e%2e/%2e%2e/etc/passwd", "/.", "/./index.html",
                     "/%2fetc%2fpasswd", "/%2Fetc/passwd", "/..%2fetc%2fpasswd", "/%5c..%5cetc", "/a%00.html", "/%00"] {
            #expect(ServedPath.resolve(path) == .failure(.traversal), "\(path)")
        }
    }

    @Test("absolute file paths stay inside the served folder: empty segments are dropped, never a root")
    func absolutePathsStayInside() {
        #expect(components("//etc/passwd") == ["etc", "passwd"])
        #expect(components("///etc//passwd") == ["etc", "passwd"])
    }

    @Test("hidden names, malformed escapes, non-UTF-8 bytes and paths that are not origin-form are refused")
    func malformedAndHidden() {
        #expect(ServedPath.resolve("/.audreg-site") == .failure(.hidden))
        #expect(ServedPath.resolve("/.git/config") == .failure(.hidden))
        #expect(ServedPath.resolve("/%2egit/config") == .failure(.hidden))
        for path in ["", "*", "etc/passwd", "http://example.com/", "/a%zz", "/a%2", "/a%", "/%ff.html", "/%c3"] {
            #expect(ServedPath.resolve(path) == .failure(.malformed), "\(path)")
        }
    }

    @Test("lookup: files, folders with and without the slash, no listing, symbolic links out of the folder not followed")
    func lookup() throws {
        let temporary = TemporaryDirectory()
        temporary.write("outside/secret.txt", "secret")
        temporary.write("site/index.html", "<p>home</p>")
        temporary.write("site/services/index.html", "<p>services</p>")
        temporary.write("site/services/a.html", "<p>a</p>")
        temporary.write("site/assets/style.css", "p{}")
        let root = try #require(SiteFile.realPath(temporary.path + "/site"))
        try FileManager.default.createSymbolicLink(atPath: root + "/escape", withDestinationPath: temporary.path + "/outside")
        try FileManager.default.createSymbolicLink(atPath: root + "/escape.txt", withDestinationPath: temporary.path + "/outside/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/alias.html", withDestinationPath: root + "/services/a.html")

        func lookup(_ path: String) throws -> SiteFile { SiteFile.lookup(try ServedPath.resolve(path).get(), in: root) }
        #expect(try lookup("/") == .file(path: root + "/index.html"))
        #expect(try lookup("/services/") == .file(path: root + "/services/index.html"))
        #expect(try lookup("/services") == .folderWithoutSlash)
        #expect(try lookup("/services/a.html") == .file(path: root + "/services/a.html"))
        #expect(try lookup("/services/a.html/") == .notFound)
        #expect(try lookup("/assets/") == .notFound, "a folder without index.html is not listed")
        #expect(try lookup("/missing.html") == .notFound)
        #expect(try lookup("/escape/secret.txt") == .notFound)
        #expect(try lookup("/escape.txt") == .notFound)
        #expect(try lookup("/alias.html") == .file(path: root + "/alias.html"))
    }

    @Test("content types by extension, with a charset for text and octet-stream for the unknown")
    func contentTypes() {
        #expect(ContentTypes.forFile("/s/index.html") == "text/html; charset=utf-8")
        #expect(ContentTypes.forFile("/s/INDEX.HTML") == "text/html; charset=utf-8")
        #expect(ContentTypes.forFile("/s/assets/style.css") == "text/css; charset=utf-8")
        #expect(ContentTypes.forFile("/s/search-index.js") == "text/javascript; charset=utf-8")
        #expect(ContentTypes.forFile("/s/search-index.json") == "application/json")
        #expect(ContentTypes.forFile("/s/token-flow.svg") == "image/svg+xml")
        #expect(ContentTypes.forFile("/s/markdown/docs/index.md") == "text/markdown; charset=utf-8")
        #expect(ContentTypes.forFile("/s/markdown/mkdocs.yml") == "text/yaml; charset=utf-8")
        #expect(ContentTypes.forFile("/s/.audreg-site") == "application/octet-stream")
        #expect(ContentTypes.forFile("/s/README") == "application/octet-stream")
        #expect(ContentTypes.forFile("/s/x.exe") == "application/octet-stream")
    }

    @Test("the redirect and the Host check")
    func hostsAndRedirects() {
        #expect(PreviewResponder.percentEncoded("a b/é") == "a%20b%2F%C3%A9")
        for host in ["127.0.0.1:8080", "127.0.0.1", "localhost:1", "LOCALHOST", "app.localhost:80", "[::1]:8080", "127.1.2.3:9"] {
            #expect(PreviewResponder.namesLoopback(host), "\(host)")
        }
        for host in ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "10.0.0.1:80", "[::2]:80", "", "localhost.evil.example", "127.0.0.256"] {
            #expect(!PreviewResponder.namesLoopback(host), "\(host)")
        }
        #expect(!PreviewResponder.namesLoopback(nil))
        #expect(PreviewResponder.isLoopback("127.0.0.1") && PreviewResponder.isLoopback("::1") && PreviewResponder.isLoopback("localhost"))
        #expect(!PreviewResponder.isLoopback("0.0.0.0") && !PreviewResponder.isLoopback("::") && !PreviewResponder.isLoopback("192.168.1.2"))
    }
}
