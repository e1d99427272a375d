import Testing
@testable import AudregCore

@Suite("Encoding: HTML text")
struct HTMLTextTests {
    @Test("the five special characters become entities, on scalars, and nothing else changes")
    func escape() {
        #expect(HTMLEscaping.escape("plain text, café") == "plain text, café")
        #expect(HTMLEscaping.escape("<a href=\"x\" title='y'>&amp;</a>") == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;")
        // A quote followed by a combining mark is one Character but still a quote scalar.
        #expect(HTMLEscaping.escape("\"\u{301}") == "&quot;\u{301}")
        #expect(HTMLEscaping.escape("") == "")
    }

    @Test("text makes invisible scalars visible before escaping")
    func text() {
        #expect(HTMLEscaping.visibleText("a\r\nb\u{202E}<c>") == "a\\r\\nb\\u{202E}&lt;c&gt;")
    }
}
