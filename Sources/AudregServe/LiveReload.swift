import AudregCore

/// A problem that keeps the preview from showing the current registry: a finding at or above the
/// threshold, or a registry, template or catalog that could not be read.
public struct PreviewProblem: Equatable, Sendable {
    /// `file:line:column` as `audreg validate` prints it, or nil for a problem without a place.
    public var location: String?
    public var severity: Severity
    public var ruleID: String?
    public var message: String

    public init(location: String?, severity: Severity = .error, ruleID: String? = nil, message: String) {
        self.location = location
        self.severity = severity
        self.ruleID = ruleID
        self.message = message
    }
}

/// What `audreg serve` adds to each HTML page it serves, and only there (the built files are never
/// changed): a script that reloads the page when the preview's state changes, and, while the registry
/// has problems, an overlay that lists them. Both are inline, so a preview needs no asset of its own.
public enum LiveReload {
    /// The path of the server-sent event stream. `__audreg` cannot be a page of the site: no name the
    /// site builder writes starts with an underscore.
    public static let eventsPath = "/__audreg/events"
    public static let overlayID = "audreg-serve-overlay"

    /// The page's `state` is the token the server sends on its event stream; a different token (a new
    /// build, problems found or fixed, a restarted server) reloads the page. EventSource reconnects by
    /// itself after the server went away.
    public static func script(state: String) -> String {
        // `state` is made by `PreviewState` from hex digits and a counter; escaped all the same, since it is
        // written into a script.
        let token = HTMLEscaping.escape(state)
        return """
            <script>/* audreg serve: live reload */(function(){var state="\(token)";\
            var events=new EventSource("\(eventsPath)");\
            events.onmessage=function(event){if(event.data!==state){events.close();location.reload();}};})();</script>
            """
    }

    /// The overlay listing `problems`, each registry string through `HTMLEscaping.visibleText`; empty when there are none.
    public static func overlay(_ problems: [PreviewProblem], showingPreviousBuild: Bool) -> String {
        guard !problems.isEmpty else { return "" }
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        let status = showingPreviousBuild
            ? "the page below is the last good build; fix the files and it reloads by itself."
            : "there is no site to show yet; fix the files and it reloads by itself."
        var items = ""
        for problem in problems {
            items += "<li style=\"margin:.35em 0\">"
            if let location = problem.location {
                items += "<code class=\"audreg-serve-location\" style=\"font-weight:bold\">\(HTMLEscaping.visibleText(location))</code>: "
            }
            items += "\(problem.severity.rawValue)"
            if let rule = problem.ruleID { items += " [\(HTMLEscaping.visibleText(rule))]" }
            items += ": <span class=\"audreg-serve-message\">\(HTMLEscaping.visibleText(problem.message))</span></li>"
        }
        return """
            <div id="\(overlayID)" role="alert" style="position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:60vh;\
            overflow:auto;margin:0;padding:1em 1.5em;background:#5c0b0b;color:#fff;font:15px/1.45 system-ui,sans-serif;\
            box-shadow:0 4px 16px rgba(0,0,0,.5);white-space:normal;text-align:left">\
            <strong>audreg serve: \(count)</strong> — \(status)\
            <ul style="margin:.5em 0 0;padding-left:1.2em;font-family:ui-monospace,monospace;font-size:14px">\(items)</ul></div>
            """
    }

    /// `page` with `addition` placed before its last `</body>` (any letter case), or at its end when it
    /// has none.
    public static func inject(_ addition: String, into page: [UInt8]) -> [UInt8] {
        let marker = Array("</body".utf8)
        var position = page.count
        if page.count >= marker.count {
            var start = page.count - marker.count
            while start >= 0 {
                var matches = true
                for offset in 0..<marker.count where lowercased(page[start + offset]) != marker[offset] {
                    matches = false
                    break
                }
                if matches {
                    position = start
                    break
                }
                start -= 1
            }
        }
        var output = [UInt8]()
        output.reserveCapacity(page.count + addition.utf8.count)
        output += page[..<position]
        output += addition.utf8
        output += page[position...]
        return output
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
