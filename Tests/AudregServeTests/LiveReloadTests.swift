import Foundation
import Testing
import AudregCore
@testable import AudregServe

@Suite("Serve: live reload and the overlay")
struct LiveReloadTests {
    func inject(_ addition: String, _ page: String) -> String {
        String(decoding: LiveReload.inject(addition, into: Array(page.utf8)), as: UTF8.self)
    }

    @Test("the addition goes before the last </body>, in any letter case, or at the end")
    func injection() {
        #expect(inject("X", "<html><body><p>a</p></body></html>") == "<html><body><p>a</p>X</body></html>")
        #expect(inject("X", "<BODY><pre>&lt;/body&gt;</pre></BODY>\n") == "<BODY><pre>&lt;/body&gt;</pre>X</BODY>\n")
        #expect(inject("X", "<p>a</body><p>b</Body >") == "<p>a</body><p>bX</Body >")
        #expect(inject("X", "<p>no body</p>") == "<p>no body</p>X")
        #expect(inject("X", "") == "X")
        #expect(inject("X", "</body") == "X</body")
    }

    @Test("the script holds the page's token and the event path, and no external asset")
    func script() {
        let script = LiveReload.script(state: "ab12-3")
        #expect(script.hasPrefix("<script>") && script.hasSuffix("</script>"))
        #expect(script.contains("var state=\"ab12-3\""))
        #expect(script.contains("new EventSource(\"/__audreg/events\")"))
        #expect(!script.contains("src="))
        #expect(LiveReload.script(state: "\"</script>").contains("&quot;&lt;/script&gt;"))
    }

    @Test("the overlay shows file:line:column and escapes every registry string")
    func overlay() {
        #expect(LiveReload.overlay([], showingPreviousBuild: true) == "")
        let problems = [
            PreviewProblem(location: "registry/services/<b>.yaml:25:1", severity: .error, ruleID: "yaml-syntax",
                           message: "did not find expected node content <script>alert(1)</script> & \"q\" 'a'\u{202E}"),
            PreviewProblem(location: nil, message: "cannot read 'templates'"),
        ]
        let html = LiveReload.overlay(problems, showingPreviousBuild: true)
        #expect(html.contains("id=\"audreg-serve-overlay\""))
        #expect(html.contains("2 problems"))
        #expect(html.contains("registry/services/&lt;b&gt;.yaml:25:1"))
        #expect(html.contains("error [yaml-syntax]"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;\\u{202E}"))
        #expect(!html.contains("<script>") && !html.contains("\u{202E}"))
        #expect(html.contains("cannot read &#39;templates&#39;"))
        #expect(LiveReload.overlay(problems, showingPreviousBuild: false).contains("no site to show yet"))
    }

    @Test("the token changes with a build and with new problems, not with the same problems again")
    func stateTokens() async {
        let state = PreviewState(session: "s")
        let start = state.current.token
        let problem = PreviewProblem(location: "a.yaml:1:1", message: "bad")
        state.show(problems: [problem])
        let broken = state.current.token
        #expect(broken != start)
        state.show(problems: [problem])
        #expect(state.current.token == broken)
        #expect(state.current.site == nil)
        #expect(state.show(site: "/tmp") == nil)
        #expect(state.current.problems.isEmpty && state.current.token != broken)
        #expect(state.show(site: "/") == SiteFile.realPath("/tmp"))
    }

    @Test("an event stream sends the current token at once, then every new one, and ends with finish()")
    func subscriptions() async {
        let state = PreviewState(session: "s")
        var tokens = state.subscribe().makeAsyncIterator()
        #expect(await tokens.next() == state.current.token)
        #expect(state.subscriberCount == 1)
        state.show(site: "/tmp")
        #expect(await tokens.next() == state.current.token)
        state.ping()
        #expect(await tokens.next() == state.current.token)
        state.finish()
        #expect(await tokens.next() == nil)
        #expect(state.subscriberCount == 0)
        var late = state.subscribe().makeAsyncIterator()
        #expect(await late.next() == nil, "no stream starts after finish()")
    }
}
